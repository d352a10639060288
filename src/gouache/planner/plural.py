"""Several faces, or all but some: "blur the left and right faces", "blur faces 1 and 3",
"blur all faces except the middle one", "pixelate everyone but the one on the left".

Read from the whole instruction (the "and" that joins the faces would otherwise split it),
then grounded in the picture: places become numbers from the left, an exclusion becomes the
numbers it leaves. Every face named must be there, or nothing is planned: blurring one of two
requested faces is never done. An exclusion that names no place ("everyone but her") is not
guessed: the reply asks which face to leave.
"""

from __future__ import annotations

import re
from dataclasses import replace
from typing import Any

from gouache.planner.clauses import normalise, protect
from gouache.planner.phrases import Draft
from gouache.planner.plan import PlanContext
from gouache.planner.references import ORDINALS, Problem

OP = "blur_faces"

_VERB = r"(?P<verb>blur|pixelate|pixelize|pixellate|mosaic|hide|obscure|censor|anonymi[sz]e)"
_PLACE = (
    r"(?:left|right|middle|center|centre|leftmost|rightmost|last|\d+(?:st|nd|rd|th)?|"
    + "|".join(ORDINALS)
    + ")"
)
_JOIN = r"\s*(?:,\s*and|,|\+|&|and)\s*(?:the\s+)?"
_PLACES = re.compile(
    rf"^{_VERB} (?:the )?(?P<places>{_PLACE}(?:{_JOIN}{_PLACE})+)"
    r"(?: (?:faces|face|ones|people|persons|two|three))?$"
)
# "blur the two on the sides", "pixelate the outer two": the leftmost and the rightmost
_FOLK = r"(?:ones|people|persons|faces|guys|women|men|kids|girls|boys)"
_SIDES = re.compile(
    rf"^{_VERB} (?:the )?(?:faces? of (?:the )?)?(?:(?:(?:two|2) (?:{_FOLK} )?|{_FOLK} )(?:on|at) "
    r"(?:the |both |either )?(?:sides|ends|edges|outside)|(?:outer|outside) (?:two|2|ones|faces|"
    r"people))$"
)
# "blur the two on the left", "the faces of the three people on the right": the first (last)
# n faces from that side
_FIRST_N = re.compile(
    rf"^{_VERB} (?:the )?(?:faces? of (?:the )?)?(?P<n>two|three|four|2|3|4) (?:{_FOLK} )?(?:on|at|"
    r"to|from) (?:the )?(?P<side>left|right)(?: side| hand side)?$"
)
_COUNTS = {"two": 2, "three": 3, "four": 4}
_BOTH = re.compile(rf"^{_VERB} (?:both (?:the |of the |of their )?faces|both of them)$")
_NUMBERED = re.compile(
    rf"^{_VERB} (?:the )?faces? (?:number |no |#)?(?P<places>\d+(?:(?:,|,? and| &) \d+)+)$"
)
_ALL = r"(?:all (?:the |of the )?faces|all of them|every face|everyone|everybody|all)"
_EXCEPT = re.compile(
    rf"^{_VERB} {_ALL}(?:'s faces?)? (?:except|but|apart from|other than|besides|save)(?: for)? "
    r"(?P<rest>.+)$"
)
_KEPT = re.compile(
    rf"^(?:the )?(?:one |face |person |guy |man |woman |lady )?(?:on the |in the |at the )?"
    rf"(?P<place>{_PLACE})(?: one| face| person)?(?: from (?:the )?(?P<side>left|right))?$"
)
_NAMES = {
    "leftmost": "left",
    "rightmost": "right",
    "last": "right",
    "center": "middle",
    "centre": "middle",
}


def _places(text: str) -> list[str | int]:
    found: list[str | int] = []
    for word in re.split(r"[,+&]|\band\b|\bthe\b|\s", text):
        word = re.sub(r"(?<=\d)(?:st|nd|rd|th)$", "", word.strip())  # "2nd"
        if not word:
            continue
        if word.isdigit():
            found.append(int(word))
        elif word in ORDINALS:
            found.append(ORDINALS[word])
        else:
            found.append(_NAMES.get(word, word))
    return found


def whole(instruction: str) -> Draft | None:
    text = normalise(protect(instruction)).strip(" .!?")
    text = re.sub(r"\s+(?:please|pls|plz)$|^(?:please|pls|can you|could you) ", "", text)
    method = "blur"
    params: dict[str, Any]
    if (m := _PLACES.match(text) or _NUMBERED.match(text)) is not None:
        params = {"faces": _places(m.group("places"))}
    elif (m := _SIDES.match(text)) is not None:
        params = {"faces": ["left", "right"]}
    elif (m := _FIRST_N.match(text)) is not None:
        n = _COUNTS.get(m.group("n")) or int(m.group("n"))
        first = list(range(1, n + 1))
        params = {"faces": first if m.group("side") == "left" else [-k for k in first]}
    elif (m := _BOTH.match(text)) is not None:
        params = {"faces": ["both"]}
    elif (m := _EXCEPT.match(text)) is not None:
        kept = _KEPT.match(m.group("rest"))
        if kept is None:
            return Draft(
                OP,
                problem=f'I can\'t tell which face "{m.group("rest")}" is; say where it is, '
                'e.g. "blur all faces except the one on the left"',
            )
        places = _places(kept.group("place"))
        if kept.group("side") == "right":  # "the second from the right": counted back
            places = [-n if isinstance(n, int) else n for n in places]
        params = {"faces": [], "exclude": places}
    else:
        return None
    if m.group("verb") in ("pixelate", "pixelize", "pixellate", "mosaic"):
        method = "pixelate"
    return Draft(OP, {**params, "method": method})


def ground(draft: Draft, context: PlanContext | None) -> Draft | Problem:
    """Places and exclusions as numbers from the left, all of them in the picture."""
    named: list[str | int] = list(draft.params.get("faces", []))
    excluded: list[str | int] = list(draft.params.get("exclude", []))
    count = len(context.faces()) if context is not None else None
    if count is None:
        if all(isinstance(n, int) for n in named) and not excluded:
            return replace(draft, params={**draft.params, "faces": sorted(set(named))})
        return Problem("without the picture at hand, name the faces by number from the left")
    if count == 0:
        return Problem("I can't find a face in this picture")
    if named == ["both"]:
        if count != 2:
            said = "is only 1 face" if count == 1 else f"are {count} faces"
            return Problem(f"there {said} in this picture, not two: say which to blur")
        named = [1, 2]
    numbers: list[int] = []
    for place in named + excluded:
        number = _number(place, count)
        if number is None or not 1 <= number <= count:
            said = "is only 1 face" if count == 1 else f"are only {count} faces"
            return Problem(f"there {said} in this picture, so there is no face {place}")
        numbers.append(number)
    if excluded:
        left_out = set(numbers)
        numbers = [n for n in range(1, count + 1) if n not in left_out]
        if not numbers:
            return Problem("that leaves no face to blur")
    params = {k: v for k, v in draft.params.items() if k != "exclude"}
    return replace(draft, params={**params, "faces": sorted(set(numbers))})


def _number(place: str | int, count: int) -> int | None:
    if isinstance(place, int):
        return place if place > 0 else count + 1 + place
    if place == "left":
        return 1
    if place == "right":
        return count
    if place == "middle" and count % 2 == 1:
        return (count + 1) // 2
    return None
