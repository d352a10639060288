"""Follow-ups that change the last turn instead of adding one.

"add a drop shadow" then "a bit bigger shadow" means the same shadow, farther: a second
shadow drawn over the first is never what was meant. Four kinds are read here, each against
the head's plan (the last turn), and run from the version that turn started at, so the new
version is the last one's sibling and both stay in the tree:

    adjust   "a bit bigger shadow", "make the shadow softer", "the border is too thick": one
             parameter of one step (a `Knob`) times a factor, 1.5 ("a bit" 1.25, "much"
             2.25, as "more" in `conversation`), or divided by it. A line that names an
             earlier turn's edit ("the shadow", two turns on) redoes that turn and does the
             turns after it again on top (`FollowUp.then`), up to _REACH turns back
    target   "only the one on the right", "not her, the other one", "and the other one too",
             "both of them": which faces the step edits
    replace  "actually black and white instead": the rest of the line, planned in place of
             the last turn
    extend   "and her eyes too" after "whiten her teeth": "whiten her teeth and her eyes"

The version records what it changed as a note of its plan ("follow-up: adjusts v2 ..."),
which undo reads to go back to v2, and "more" or "less" read to scale the change itself
(`rescaled`). A line that names nothing of the last turn is left to the planner. Generic
strength words ("more", "a bit less", "too much") are `conversation`'s.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from gouache.planner import targets

if TYPE_CHECKING:
    from gouache.ops.plan import EditPlan, Step
    from gouache.sessions.session import Session
    from gouache.sessions.turn import TurnRequest
    from gouache.sessions.versions import Version


@dataclass(frozen=True)
class FollowUp:
    """What a follow-up asks: the turn to run (None when it cannot be done, and `message`
    says why) and the sentence that says what was understood."""

    message: str
    request: TurnRequest | None = None
    # the turns after an earlier one that was redone, done again on top, in order
    then: tuple[TurnRequest, ...] = ()


@dataclass(frozen=True)
class Knob:
    """One parameter of one operator that comparatives move."""

    op: str
    param: str
    name: str  # how the reply names it
    unit: str  # "side" (a share of the shorter side, shown in px), "percent" or "px"
    nouns: tuple[str, ...]
    up: tuple[str, ...]  # comparatives that raise it, each with its plain form after a space
    down: tuple[str, ...]


KNOBS = (
    Knob("drop_shadow", "distance", "shadow distance", "side", ("shadow", "drop shadow"),
         ("bigger big", "larger large", "longer long", "farther far", "further far",
          "deeper deep"),
         ("smaller small", "shorter short", "closer close", "tighter tight", "nearer near")),
    Knob("drop_shadow", "softness", "shadow softness", "side", ("shadow", "drop shadow"),
         ("softer soft", "blurrier blurry", "fuzzier fuzzy", "smoother smooth"),
         ("harder hard", "sharper sharp", "crisper crisp")),
    Knob("drop_shadow", "opacity", "shadow opacity", "percent", ("shadow", "drop shadow"),
         ("darker dark", "stronger strong", "heavier heavy", "bolder bold", "denser dense"),
         ("lighter light", "fainter faint", "paler pale", "subtler subtle", "weaker weak")),
    Knob("border", "size", "border width", "side", ("border", "frame"),
         ("thicker thick", "wider wide", "bigger big", "broader broad", "fatter fat"),
         ("thinner thin", "narrower narrow", "smaller small", "slimmer slim")),
    Knob("vignette", "strength", "vignette", "percent", ("vignette", "vignetting", "corners"),
         ("darker dark", "stronger strong", "heavier heavy"),
         ("lighter light", "subtler subtle", "weaker weak", "fainter faint")),
    Knob("blur_background", "radius", "background blur", "px", ("blur", "background", "bokeh"),
         ("blurrier blurry", "stronger strong", "heavier heavy", "creamier creamy"),
         ("sharper sharp", "weaker weak", "lighter light", "clearer clear", "subtler subtle")),
)  # fmt: skip
# Operators whose step may edit some faces only (adjust_region when its region is "faces").
FACE_STEPS = ("blur_faces", "adjust_region", "brighten_eyes", "whiten_teeth")
# "a bit bigger": 1 + 0.5 x the size (as conversation.RESCALE's "more"); "much": 1.5 ** 2
_SIZES = {"a bit": 0.5, "a little": 0.5, "a touch": 0.5, "a tad": 0.5, "slightly": 0.5,
          "somewhat": 0.5, "much": 2.0, "way": 2.0, "a lot": 2.0, "far": 2.0,
          "even": 1.0}  # fmt: skip
# Comparatives that alone are an edit of the whole picture: they adjust the last edit only
# when they name it ("a darker shadow")
_GLOBAL = frozenset(
    ("dark", "darker", "light", "lighter", "sharp", "sharper", "blurry", "blurrier", "clear",
     "clearer", "big", "bigger")
)  # fmt: skip
# How many turns back a line that names an edit ("the shadow") looks for it
_REACH = 6
_NOTE = re.compile(
    r"^follow-up: (?P<kind>adjusts|retargets|replaces|extends|replays) v(?P<number>\d+)\b"
)

_LEAD = (
    r"^(?:(?:ok|okay|hmm|no|nah|oh|ah|wait|actually|please|pls|can you|could you|just|now|and|"
    r"but|yes|yeah|sorry)[,!.]?\s+)*"
)
_TAIL = r"(?:\s+(?:please|pls|thanks|thank you))?$"


def _words(kind: str) -> str:
    forms = {word for knob in KNOBS for pair in getattr(knob, kind) for word in pair.split()}
    return "|".join(sorted(forms, key=len, reverse=True))


_NOUNS = "|".join(sorted({n for k in KNOBS for n in k.nouns}, key=len, reverse=True))
_ADJUST = re.compile(
    _LEAD
    + r"(?:(?:make|have|get|let'?s make|keep)\s+)?(?:(?P<the>the|that|this|its|it|it'?s|a)\s+)?"
    rf"(?:(?P<noun>{_NOUNS})\s*(?:'s\s+|\s+))?(?:(?:is|looks|should be|be)\s+)?"
    r"(?P<size>a bit|a little|a touch|a tad|slightly|somewhat|much|way|a lot|far|even)?\s*"
    r"(?P<how>too|more|less|not so|not as|not that)?\s*"
    rf"(?P<word>{_words('up')}|{_words('down')})"
    rf"(?:\s+(?:a\s+)?(?P<noun2>{_NOUNS}))?(?:\s+(?:too|as well|now|then))?" + _TAIL
)
_ONE = r"(?:one|face|person|guy|woman|man|lady|girl|boy|kid)"
_OTHER = re.compile(
    _LEAD + r"(?:not (?:her|him|them|that one|this one|(?:the )?(?P<not>[a-z0-9]+) (?:one|face))"
    rf"[,;.]?\s+)?(?:(?:do|blur|use)\s+)?(?:(?:and|also)\s+)?"
    rf"the (?P<other>other|others|other {_ONE}s?)"
    r"(?:\s+(?P<too>too|as well|also|instead))?" + _TAIL
)
_ONLY = re.compile(_LEAD + r"(?:only|just)\s+(?P<who>.+?)(?:\s+(?:please|then|instead))?$")
_TOO = re.compile(
    _LEAD + r"(?:(?:and|also|plus)\s+)?(?P<who>(?:her|him|the [a-z0-9 ]+?))\s+(?:too|as well|also)$"
)
_ALL = re.compile(
    _LEAD + r"(?:(?:and|also|do)\s+)?(?:both(?: of them)?|all of them|all (?:the )?faces|"
    r"everyone|everybody|all three|every face)(?:\s+(?:too|as well|then))?" + _TAIL
)
_NOT = re.compile(_LEAD + r"(?:but )?not (?P<who>(?:the )?[a-z0-9 ]+?(?: one| face))" + _TAIL)
_ALSO = re.compile(
    _LEAD + r"(?:(?:and|also|plus)\s+)?(?P<what>(?:her|his|their|its|the) [a-z ]+?)"
    r"(?:\s+(?:too|as well|also))"
    + _TAIL
    + r"|"
    + _LEAD
    + r"(?:and|also|plus)\s+(?P<bare>(?:her|his|their|its|the) [a-z ]+?)"
    + _TAIL
)
# "no, I meant cooler": what was asked, said again
_MEANT = re.compile(
    _LEAD + r"(?:i meant|i said|i wanted|i asked for|what i meant was)[,:]?\s+(?P<rest>.+)$"
)
_INSTEAD = re.compile(
    _LEAD + r"(?:rather|instead[,]?\s+)?(?:(?:let'?s |i'?d )?(?:try|go with|do|use)\s+)?"
    r"(?P<rest>.+?)(?:[,]?\s+instead(?: of (?:that|this|it))?)?[.!]*$"
)


def read(session: Session, line: str) -> FollowUp | None:
    """The follow-up `line` is to the head's last turn, or None when it is none (the
    planner reads it as a new turn)."""
    if session.pending is not None:
        return None  # "the one on the right" answers the question asked
    said = " ".join(line.lower().replace("’", "'").split()).strip(" .!")
    last = session.head
    has_turn = last.parent_id is not None and last.plan is not None and bool(last.plan.steps)
    faces = _faces_asked(said)
    if faces is not None:
        if not has_turn or not any(_on_faces(s) for s in _steps(last)):
            return FollowUp(_no_faces(line, last if has_turn else None))
        return _retarget(session, last, line, faces)
    if not has_turn:
        return None
    adjust = _ADJUST.fullmatch(said)
    if adjust is not None:
        return _adjust(session, last, line, adjust)
    if _replaces(said):
        return _replace(session, last, line, said)
    also = _ALSO.fullmatch(said)
    if also is not None:
        return _extend(session, last, line, also.group("what") or also.group("bare"))
    return None


def looks_like(line: str) -> bool:
    """True when `line` changes a last turn whatever it was: a new target ("only the one on
    the right") or a replacement ("sepia instead"). `gouache edit` answers those."""
    said = " ".join(line.lower().replace("’", "'").split()).strip(" .!")
    return _faces_asked(said) is not None or _replaces(said)


def edit_reply(line: str, session_id: str | None) -> str:
    """What `gouache edit` says to a follow-up: it has no last turn to change."""
    where = f"--session {session_id[:8]}" if session_id else "--session ID"
    return (
        f'"{line}" changes the last edit of a conversation: say it in `gouache chat` right '
        f"after that edit; with `gouache edit`, redo the edit as you want it at the version "
        f'it started from: {where} --at vN "..." (`gouache history SESSION` lists them).'
    )


# -- adjusting a parameter --------------------------------------------------------------


def _adjust(session: Session, last: Version, line: str, found: re.Match[str]) -> FollowUp | None:
    from gouache.ops.registry import default_operators

    word, how = found.group("word"), found.group("how") or ""
    noun = found.group("noun") or found.group("noun2")
    if noun is None and (word in _GLOBAL or (found.group("the") or "").startswith("it")):
        return None  # "make it darker", "lighter": the picture, as the planner reads it
    # the last turn's, or where the line names it, the nearest earlier turn's ("the shadow"
    # two turns after it): that turn is redone and the turns after it done again on top
    for target in _chain(session, last) if noun is not None else [last]:
        ops = {step.op for step in _steps(target)}
        knobs = [
            k
            for k in KNOBS
            if k.op in ops and (noun is None or noun in k.nouns) and _direction(k, word) != 0
        ]
        if knobs:
            break
    else:
        return None  # "make the shadow bigger" with no shadow made: a new edit, planned
    if len({k.op for k in knobs}) > 1:
        names = " or ".join(f'"{word} {k.nouns[0]}"' for k in knobs)
        return FollowUp(f'"{line}": which of the last edit\'s parts? Say {names}.')
    knob = knobs[0]
    up = _direction(knob, word) > 0
    if how in ("too", "less", "not so", "not as", "not that"):
        up = not up  # "the shadow is too big": smaller
    size = _SIZES.get(found.group("size") or "", 1.0)
    factor = 1.0 + 0.5 * size if size <= 1.0 else 1.5**size
    registry = default_operators()
    index, step = next((i, s) for i, s in enumerate(_steps(target)) if s.op == knob.op)
    operator = registry.get(step.op)
    full = operator.validate(step.params).model_dump()
    param = "pixels" if knob.op == "border" and full.get("pixels") else knob.param
    old = float(full[param])
    default = operator.params.model_fields[param].default
    base = old if old else float(default or 0.0)
    from gouache.conversation import bounded

    new = bounded(operator.params, param, base * factor if up else base / factor)
    if param == "pixels":
        new = float(max(1, round(new)))
    parent = session.resolve(str(target.parent_id))
    side = min(parent.width, parent.height)
    if new == old:
        return FollowUp(
            f"The {knob.name} of v{target.number} is {_shown(knob, param, old, side)} already, "
            "as far as it goes: nothing changed."
        )
    change = f"{knob.name} {_shown(knob, param, old, side)} -> {_shown(knob, param, new, side)}"
    plan = _with_step(_plan_of(target), index, {**step.params, param: new})
    note = (
        f"follow-up: adjusts v{target.number} from v{parent.number}: {step.op}.{param} "
        f"{old:g} -> {new:g}"
    )
    if target is last:
        return _follow(
            last, parent, plan, line, note,
            f"Adjusted the last edit: {change}, redone from v{parent.number} "
            f"(v{last.number} stays in the tree).",
        )  # fmt: skip
    return _replayed(session, target, last, _follow(
        target, parent, plan, line, note,
        f'Adjusted v{target.number} ("{target.instruction}"): {change}, redone from '
        f"v{parent.number}",
    ))  # fmt: skip


def _chain(session: Session, last: Version) -> list[Version]:
    """The turns from `last` back to the first one, newest first; at most _REACH."""
    chain: list[Version] = []
    version: Version | None = last
    while version is not None and version.parent_id is not None and len(chain) < _REACH:
        chain.append(version)
        version = session.resolve(version.parent_id)
    return chain


def _replayed(session: Session, target: Version, last: Version, follow: FollowUp) -> FollowUp:
    """`follow`, which redoes `target`, with the turns after it up to `last` done again on
    top, each with its own plan."""
    from gouache.sessions.turn import TurnRequest

    later = list(reversed(_chain(session, last)))
    later = later[later.index(target) + 1 :]
    if any(v.plan is None for v in later):
        return FollowUp(
            f"{follow.message}: that would need the edits after it done again, and "
            f"{', '.join(f'v{v.number}' for v in later if v.plan is None)} has no plan to run: "
            f"/checkout {target.number} and change it there."
        )
    then = tuple(
        TurnRequest(
            instruction=v.instruction,
            plan=_plan_of(v).model_copy(
                update={
                    "notes": (
                        *(n for n in _plan_of(v).notes if not _NOTE.match(n)),
                        f"follow-up: replays v{v.number} after the change to v{target.number}",
                    )
                }
            ),
        )
        for v in later
    )
    done = ", ".join(f'v{v.number} ("{v.instruction}")' for v in later)
    message = (
        f"{follow.message}, then {done} done again on top (v{target.number} to v{last.number} "
        "stay in the tree)."
    )
    return FollowUp(message, follow.request, then)


def _direction(knob: Knob, word: str) -> int:
    if any(word in pair.split() for pair in knob.up):
        return 1
    return -1 if any(word in pair.split() for pair in knob.down) else 0


def _shown(knob: Knob, param: str, value: float, side: int) -> str:
    if param == "pixels" or knob.unit == "px":
        return f"{value:g} px"
    if knob.unit == "side":
        return f"{value * side:.1f} px"
    return f"{100 * value:g} %"


# -- which faces ------------------------------------------------------------------------


@dataclass(frozen=True)
class _Faces:
    """Which faces a line asks for: `how` "only", "other", "add", "drop" or "all"; `who` the words
    that name them ("the one on the right"), `plural` "the others"."""

    how: str
    who: str = ""
    plural: bool = False
    not_: str = ""


def _faces_asked(said: str) -> _Faces | None:
    other = _OTHER.fullmatch(said)
    if other is not None:
        plural = other.group("other").endswith("s")
        how = "add" if other.group("too") in ("too", "as well", "also") else "other"
        return _Faces(how, plural=plural, not_=other.group("not") or "")
    if _ALL.fullmatch(said):
        return _Faces("all")
    dropped = _NOT.fullmatch(said)
    if dropped is not None and _face_words(dropped.group("who")):
        return _Faces("drop", dropped.group("who"))
    only = _ONLY.fullmatch(said)
    if only is not None and _face_words(only.group("who")):
        return _Faces("only", only.group("who"))
    too = _TOO.fullmatch(said)
    if too is not None and _face_words(too.group("who")):
        return _Faces("add", too.group("who"))
    instead = re.fullmatch(r"(?:the )?(?P<who>.+?) instead", said)
    if instead is not None and _face_words(instead.group("who")):
        return _Faces("only", instead.group("who"))
    return None


def _face_words(who: str) -> bool:
    """ "the one on the right", "the left face", "her": words that name a face alone."""
    return targets.read_answer(who, ("left", "middle", "right")) is not None or who in (
        "her",
        "him",
    )


def _retarget(session: Session, last: Version, line: str, asked: _Faces) -> FollowUp:
    parent = session.resolve(str(last.parent_id))
    boxes = sorted((f.box for f in session.analyses.get(session.image(parent.id)).faces),
                   key=lambda b: b.x)  # fmt: skip
    count = len(boxes)
    index, step = next((i, s) for i, s in enumerate(_steps(last)) if _on_faces(s))
    now = _edited(step, count, boxes)
    everyone = set(range(1, count + 1))
    if asked.how == "all":
        wanted = everyone
    elif asked.how == "other" or (asked.how == "add" and not asked.who):
        rest = everyone - now
        if asked.not_:
            dropped = _numbers(asked.not_, count, boxes)
            rest = everyone - (dropped or now)
        if not rest:
            return FollowUp(
                f'"{line}": the last edit (v{last.number}, "{last.instruction}") touches '
                f"{_listed(now, count)}, and there is no other face in the picture."
            )
        if len(rest) > 1 and not asked.plural:
            choices = " or ".join(f'"{_one(asked.how, _place(n, count))}"' for n in sorted(rest))
            return FollowUp(f'"{line}": there are {len(rest)} other faces: say {choices}.')
        wanted = rest | now if asked.how == "add" else rest
    else:
        named = _numbers(asked.who, count, boxes)
        if not named:
            return FollowUp(
                f'"{line}": I found {count} face{"s" if count != 1 else ""} in v{parent.number}'
                f", and {asked.who!r} names none of them."
            )
        wanted = (
            named | now if asked.how == "add" else now - named if asked.how == "drop" else named
        )
        if not wanted:
            return FollowUp(
                f'"{line}" leaves no face for the last edit (v{last.number}): say "undo" to '
                "take it back."
            )
    if wanted == now:
        return FollowUp(
            f"The last edit (v{last.number}) already touches {_listed(now, count)}: nothing "
            "changed."
        )
    params = {k: v for k, v in step.params.items() if k not in ("target", "faces")}
    if wanted != everyone:
        params["faces"] = sorted(wanted)
    elif step.op == "blur_faces":
        params["target"] = "all"
    plan = _with_step(_plan_of(last), index, params)
    change = f"{_listed(now, count)} -> {_listed(wanted, count)}"
    note = f"follow-up: retargets v{last.number} from v{parent.number}: faces {change}"
    return _follow(
        last, parent, plan, line, note,
        f"Changed the last edit's faces: {change}, redone from v{parent.number} "
        f"(v{last.number} stays in the tree).",
    )  # fmt: skip


def _on_faces(step: Step) -> bool:
    if step.op == "adjust_region":
        return step.params.get("region") == "faces"
    return step.op in FACE_STEPS


def _edited(step: Step, count: int, boxes: list[Any]) -> set[int]:
    """The faces (numbered from the left, from 1) a step edits."""
    faces = step.params.get("faces")
    if faces:
        return {int(n) for n in faces}
    target = step.params.get("target", "all")
    if target == "all":
        return set(range(1, count + 1))
    return _numbers_of(target, count, boxes)


def _numbers(who: str, count: int, boxes: list[Any]) -> set[int]:
    if who in ("her", "him"):
        return set()
    choices = targets.options(count) if count else ()
    picked = targets.read_answer(who, choices) if choices else None
    return set() if picked is None else _numbers_of(picked, count, boxes)


def _numbers_of(target: targets.Target, count: int, boxes: list[Any]) -> set[int]:
    if isinstance(target, int):
        number = target if target > 0 else count + 1 + target
        return {number} if 1 <= number <= count else set()
    if target == "all":
        return set(range(1, count + 1))
    if target in ("largest", "smallest") and boxes:
        areas = [b.w * b.h for b in boxes]
        pick = max(areas) if target == "largest" else min(areas)
        return {areas.index(pick) + 1}
    places = {"left": 1, "right": count, "middle": (count + 1) // 2 if count % 2 else 0}
    number = places.get(str(target), 0)
    return {number} if 1 <= number <= count else set()


def _place(number: int, count: int) -> str:
    if count <= 3:
        return targets.options(count)[number - 1]
    return f"number {number}"


def _listed(numbers: set[int], count: int) -> str:
    if numbers == set(range(1, count + 1)):
        return f"every face ({count})" if count > 1 else "the face"
    places = [_place(n, count) for n in sorted(numbers)]
    return "the " + " and ".join(places) + (" faces" if len(places) > 1 else " face")


def _one(how: str, place: str) -> str:
    """How to say one face: "the right one", "and the right one too"."""
    return f"and the {place} one too" if how == "add" else f"only the {place} one"


def _no_faces(line: str, last: Version | None) -> str:
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


# -- replacing the last turn ------------------------------------------------------------


def _replaces(said: str) -> bool:
    """ "sepia instead", "instead, make it black and white"; not "blue instead of red", where
    "instead" is inside one edit; "no, I meant cooler"."""
    return (
        _MEANT.fullmatch(said) is not None
        or said.startswith("instead")
        or re.search(r"\binstead(?: of (?:that|this|it))?$", said) is not None
    )


def _replace(session: Session, last: Version, line: str, said: str) -> FollowUp | None:
    from gouache.ops.plan import EditPlan
    from gouache.sessions.turn import TurnRequest

    found = _MEANT.fullmatch(said) or _INSTEAD.fullmatch(said)
    rest = found.group("rest").strip(" ,") if found is not None else ""
    rest = re.sub(r"[,]?\s+instead$", "", rest)  # "i meant sepia instead"
    if not rest or rest == "instead":
        return None
    parent = session.resolve(str(last.parent_id))
    outcome = session.plan(rest, at=parent.id)
    if not isinstance(outcome, EditPlan):
        # asked, refused or answered as the rest alone would be, at the parent
        return FollowUp("", TurnRequest(instruction=rest, at=str(parent.number)))
    note = f'follow-up: replaces v{last.number} ("{last.instruction}") from v{parent.number}'
    plan = outcome.model_copy(update={"notes": (*outcome.notes, note)})
    message = (
        f'Replaced the last edit ("{last.plan.describe() if last.plan else last.instruction}", '
        f"v{last.number}) with {plan.describe()}, done from v{parent.number} "
        f"(v{last.number} stays in the tree)."
    )
    return FollowUp(message, TurnRequest(instruction=line, at=str(parent.number), plan=plan))


# -- the same edit on more -------------------------------------------------------------


def _extend(session: Session, last: Version, line: str, what: str | None) -> FollowUp | None:
    """ "and her eyes too" after "whiten her teeth": the last turn's words with the new part
    ("whiten her teeth and her eyes"), planned at its parent, when that keeps the last
    turn's steps and adds to them, and the line alone is no edit."""
    from gouache.ops.plan import EditPlan
    from gouache.sessions.turn import TurnRequest

    plan = _plan_of(last)
    if what is None or "(" in plan.instruction:
        return None  # a turn already changed by a follow-up: its words are not one request
    parent = session.resolve(str(last.parent_id))
    if isinstance(session.plan(line, at=parent.id), EditPlan):
        return None  # "and the background too" may be an edit of its own
    words = f"{plan.instruction} and {what}"
    outcome = session.plan(words, at=parent.id)
    if not isinstance(outcome, EditPlan):
        return None
    ops, before = [s.op for s in outcome.steps], [s.op for s in plan.steps]
    if len(ops) <= len(before) or ops[: len(before)] != before:
        return None
    added = " -> ".join(step.describe() for step in outcome.steps[len(before) :])
    note = f'follow-up: extends v{last.number} from v{parent.number}: "{words}"'
    planned = outcome.model_copy(update={"notes": (*outcome.notes, note)})
    message = (
        f'Added to the last edit: {added}, all done from v{parent.number} as "{words}" '
        f"(v{last.number} stays in the tree)."
    )
    return FollowUp(message, TurnRequest(instruction=words, at=str(parent.number), plan=planned))


# -- shared -----------------------------------------------------------------------------


def _steps(version: Version) -> tuple[Step, ...]:
    return version.plan.steps if version.plan is not None else ()


def _plan_of(version: Version) -> EditPlan:
    if version.plan is None:  # pragma: no cover - read() only follows a turn with a plan
        raise ValueError(f"v{version.number} has no plan to change")
    return version.plan


def _with_step(plan: EditPlan, index: int, params: dict[str, Any]) -> EditPlan:
    """`plan` with step `index` given `params` (and its label), its follow-up notes left out."""
    from gouache.ops.registry import default_operators
    from gouache.planner.labels import describe

    step = plan.steps[index]
    full = default_operators().get(step.op).validate(params).model_dump()
    changed = step.model_copy(update={"params": params, "label": describe(step.op, full)})
    steps = (*plan.steps[:index], changed, *plan.steps[index + 1 :])
    notes = tuple(n for n in plan.notes if not _NOTE.match(n))
    return plan.model_copy(update={"steps": steps, "notes": notes})


def _follow(
    last: Version, parent: Version, plan: EditPlan, line: str, note: str, message: str
) -> FollowUp:
    from gouache.sessions.turn import TurnRequest

    said = line.strip().rstrip(".!")
    # the version records what was said with the turn it changes, as a rescale does
    instruction = f"{plan.instruction} ({said})"
    planned = plan.model_copy(update={"instruction": instruction, "notes": (*plan.notes, note)})
    request = TurnRequest(instruction=instruction, at=str(parent.number), plan=planned)
    return FollowUp(message, request)


def revised(session: Session, version: Version) -> Version | None:
    """The version a follow-up made `version` in place of (its note names it), for undo to
    go back to; None for any other version."""
    for note in version.plan.notes if version.plan is not None else ():
        found = _NOTE.match(note)
        if found is not None:
            return session.resolve(found.group("number"))
    return None


def rescaled(session: Session, version: Version, factor: float) -> EditPlan | None:
    """ "less" or "more" after an adjustment: the change itself scaled (a bigger shadow, then
    "a bit less": the distance moved half as far from the version before), as the plan to run
    at the same parent; None when `version` is no adjustment."""
    from gouache.conversation import bounded
    from gouache.ops.registry import default_operators

    plan = version.plan
    notes = plan.notes if plan is not None else ()
    found = next((m for m in map(_NOTE.match, notes) if m and m["kind"] == "adjusts"), None)
    was = session.resolve(found["number"]).plan if found is not None else None
    if found is None or plan is None or was is None or len(was.steps) != len(plan.steps):
        return None
    registry = default_operators()
    moved = []
    for index, (before, after) in enumerate(zip(was.steps, plan.steps, strict=True)):
        model = registry.get(after.op).params
        params = dict(after.params)
        for name, value in after.params.items():
            old = before.params.get(name, model.model_fields[name].default)
            if isinstance(value, float) and isinstance(old, int | float) and value != old:
                params[name] = bounded(model, name, old + (value - old) * factor)
                moved.append(f"{after.op}.{name} {old:g} -> {params[name]:g}")
        plan = _with_step(plan, index, params)
    if not moved:
        return None
    note = f"follow-up: adjusts v{found['number']}: " + ", ".join(moved)
    return plan.model_copy(update={"notes": (*plan.notes, note)})
