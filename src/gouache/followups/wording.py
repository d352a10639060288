"""How follow-up replies name what they changed: a parameter's value, faces, and what to say
instead when a line cannot be done."""

from __future__ import annotations

from typing import TYPE_CHECKING

from gouache.planner import targets

if TYPE_CHECKING:
    from gouache.followups.knobs import Knob
    from gouache.sessions.versions import Version


def shown(knob: Knob, param: str, value: float, side: int) -> str:
    """A knob's value as the reply shows it: px of the shorter `side`, px or a percentage."""
    if param == "pixels" or knob.unit == "px":
        return f"{value:g} px"
    if knob.unit == "side":
        return f"{value * side:.1f} px"
    if knob.unit == "times":
        return f"x{value:.3g}"
    return f"{100 * value:g} %"


def place(number: int, count: int) -> str:
    if count <= 3:
        return targets.options(count)[number - 1]
    return f"number {number}"


def listed(numbers: set[int], count: int) -> str:
    if numbers == set(range(1, count + 1)):
        return f"every face ({count})" if count > 1 else "the face"
    places = [place(n, count) for n in sorted(numbers)]
    return "the " + " and ".join(places) + (" faces" if len(places) > 1 else " face")


def one(how: str, where: str) -> str:
    """How to say one face: "the right one", "and the right one too"."""
    return f"and the {where} one too" if how == "add" else f"only the {where} one"


def no_faces(line: str, last: Version | None) -> str:
    if last is None:
        return (
            f'"{line}" changes which faces the last edit touches, and there is no edit yet: say '
            'the whole edit, e.g. "blur the face on the right".'
        )
    return (
        f'"{line}" changes which faces the last edit touches, and the last edit '
        f'(v{last.number}, "{last.instruction}") edits no faces: say the whole edit, e.g. '
        '"blur the face on the right".'
    )


def edit_reply(line: str, session_id: str | None) -> str:
    """What `gouache edit` says to a follow-up: it has no last turn to change."""
    where = f"--session {session_id[:8]}" if session_id else "--session ID"
    return (
        f'"{line}" changes the last edit of a conversation: say it in `gouache chat` right '
        f"after that edit; with `gouache edit`, redo the edit as you want it at the version "
        f'it started from: {where} --at vN "..." (`gouache history SESSION` lists them).'
    )


def kept(number: int) -> str:
    """What became of the version a follow-up redid: the line goes on from the new one."""
    return f'(v{number} stays in the tree, off this line: "undo" brings it back)'


# A comparative said alone, and its opposite: what to say for the whole picture instead
_PICTURE = {"dark": "darker", "light": "lighter", "sharp": "sharper", "clear": "clearer",
            "blurry": "blurrier", "big": "bigger"}  # fmt: skip
_OPPOSITE = {"darker": "lighter", "lighter": "darker", "sharper": "blurrier",
             "clearer": "blurrier", "blurrier": "sharper", "bigger": "smaller"}  # fmt: skip


def for_the_picture(word: str, inverted: bool) -> str:
    """How to ask for the whole picture what a word said alone gave the last edit: "not so
    dark" after a shadow made the shadow lighter; "make it lighter" brightens the picture."""
    said = _PICTURE.get(word, word)
    return f'For the whole picture, say "make it {_OPPOSITE[said] if inverted else said}".'


def widest_crop(number: int, parent: int, kept: tuple[int, int], size: tuple[int, int]) -> str:
    """Why a crop cannot keep more: it keeps as much of its parent as its shape allows."""
    return (
        f"The crop of v{number} keeps {kept[0]} x {kept[1]} px of v{parent}'s {size[0]} x "
        f'{size[1]}, as much as its shape allows: nothing changed. To keep more, say "undo", '
        'then another shape, e.g. "crop to 4:5", or "extend to 1:1" to add to the sides.'
    )
