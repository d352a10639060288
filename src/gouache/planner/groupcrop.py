"""Reading "crop to just the two on the right", "crop to the one in the middle", "crop to the
left two" -> `crop_face` of those faces (a group photo cropped to some of the people in it).

One face by its place is `crop_face`'s own target (a square about it, as "crop to the middle
face"); several are numbered from the left once the picture's faces are counted (`ground`)
and cropped to together, the shape of their row with a face's margin round it. More faces
than the picture has, or a middle two of three, are refused saying how many there are.
"""

from __future__ import annotations

import re
from dataclasses import replace

from gouache.planner.phrases import Draft
from gouache.planner.plan import PlanContext
from gouache.planner.references import Problem

OP = "crop_face"

_COUNTS = {"one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "2": 2, "3": 3, "4": 4, "5": 5}
_COUNT = "|".join(_COUNTS)
_WHO = r"(?:ones?|people|persons?|faces?|guys|girls|boys|women|men|kids|of (?:them|us))"
_SIDE = r"(?P<side>left|right|middle|centre|center)(?:most)?"
_START = r"^(?:crop|cut|trim|zoom)(?: it| the (?:photo|picture|image|pic))?(?: (?:down|in))? "
_TO = r"(?:to|on|around|round) (?:just |only )?(?:the )?"
# "crop to the two on the right", "the left two", "the middle one"
_CROPS = (
    re.compile(rf"{_START}{_TO}(?:(?P<count>{_COUNT}) )?(?:{_WHO} )?(?:on|at|in) the {_SIDE}$"),
    re.compile(rf"{_START}{_TO}{_SIDE} (?:(?P<count>{_COUNT}) ?)?{_WHO}?$"),
)
_SIDES = {"centre": "middle", "center": "middle"}


def read(text: str) -> Draft | None:
    """The crop_face draft of a normalised clause, or None when it is not one."""
    said = next((m for m in (crop.match(text) for crop in _CROPS) if m is not None), None)
    if said is None:
        return None
    side = _SIDES.get(said.group("side"), said.group("side"))
    count = _COUNTS.get(said.group("count") or "one", 1)
    if count == 1:
        return Draft(OP, {"target": side})
    return Draft(OP, {"side": side, "count": count, "aspect": None})


def ground(draft: Draft, context: PlanContext | None) -> Draft | Problem:
    """Several faces by place as numbers from the left, all of them in the picture."""
    side, count = str(draft.params["side"]), int(draft.params["count"])
    if context is None:
        return Problem("without the picture at hand, name the faces by number from the left")
    found = len(context.faces())
    if found < count:
        there = "no face" if not found else "only 1 face" if found == 1 else f"only {found} faces"
        return Problem(f"I can find {there} in this picture, not {count}")
    if side == "left":
        first = 1
    elif side == "right":
        first = found - count + 1
    elif (found - count) % 2 == 0:
        first = (found - count) // 2 + 1
    else:
        word = next(w for w, n in _COUNTS.items() if n == count)
        offers = (f"crop to the {word} on the left", f"crop to the {word} on the right")
        return Problem(
            f'there is no middle {word} of {found} faces: say which, e.g. "{offers[0]}" or '
            f'"{offers[1]}"',
            offers=offers,
        )
    numbers = tuple(range(first, first + count))
    params = {"faces": numbers, "aspect": None}
    return replace(draft, params=params)
