"""Reading a crop to a part of the picture named by side and share: "crop to the left half",
"keep the top two thirds", "crop out the bottom third", "cut off the right quarter" -> `crop`
with the margin that leaves it.

Keeping a part cuts the rest from the opposite side; cutting a part cuts it from its own side.
"The left half" of anything else ("brighten the left half") is a region, read elsewhere.
"""

from __future__ import annotations

import re

from gouache.planner.phrases import Draft

OP = "crop"
_SHARES = {
    "half": 1 / 2, "third": 1 / 3, "two thirds": 2 / 3, "quarter": 1 / 4,
    "three quarters": 3 / 4, "fifth": 1 / 5,
}  # fmt: skip
_SIDES = {"left": "left", "right": "right", "top": "top", "upper": "top", "bottom": "bottom",
          "lower": "bottom"}  # fmt: skip
_OPPOSITE = {"left": "right", "right": "left", "top": "bottom", "bottom": "top"}
_PART = (
    rf"(?:the )?(?P<side>{'|'.join(_SIDES)}) (?P<share>{'|'.join(sorted(_SHARES, key=len)[::-1])})"
    r"(?: of (?:it|the (?:picture|image|photo|pic|frame)))?"
)
_END = r"(?: please| pls)?$"
_KEEP_VERB = (
    r"(?:crop (?:it |the (?:picture|image|photo) )?(?:down )?to|keep(?: only| just)?"
    r"|(?:crop|trim) (?:it )?(?:so (?:that )?)?only)"
)
_KEEP = re.compile(rf"^(?:please )?{_KEEP_VERB} {_PART}(?: (?:is )?(?:left|kept))?{_END}")
_CUT = re.compile(
    rf"^(?:please )?(?:(?:crop|cut|chop|trim|take) (?:out|off|away)|remove|get rid of|lose|drop) "
    rf"{_PART}{_END}"
)
_CUT_AFTER = re.compile(rf"^(?:please )?(?:crop|cut|chop|trim|take) {_PART} (?:off|out|away){_END}")


def read(text: str) -> Draft | None:
    """A crop keeping or cutting a named part, or None when the clause asks for none."""
    kept = _KEEP.match(text)
    found = kept or _CUT.match(text) or _CUT_AFTER.match(text)
    if found is None:
        return None
    side, share = _SIDES[found.group("side")], _SHARES[found.group("share")]
    if kept is not None:
        return Draft(OP, {_OPPOSITE[side]: round(1 - share, 4)})
    return Draft(OP, {side: round(share, 4)})
