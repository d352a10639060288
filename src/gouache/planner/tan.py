"""Reading "give her a tan", "make us all look more tan" -> the faces' skin warmer and a
little darker: a bronze tint of the faces (the skin the project finds, as "brighten the
faces" does; arms and necks are not found) and a small darkening of them, two steps of
`adjust_region`. "her" among several faces asks whose; a picture without a face is refused
by the region's grounding. How much is read as for every other edit ("a slight tan" half,
"a strong tan" twice, `vocabulary.intensity`); "a deep tan", "a dark tan" are strong ones.
"tan her a bit", "tan her face" say it with the verb.

"make the wall tan" (a colour) is not this: someone must be named as getting the tan.
"""

from __future__ import annotations

import re

from gouache.planner.phrases import Draft
from gouache.planner.vocabulary import intensity

OP = "adjust_region"
BRONZE = (200, 130, 80)
TINT = 0.25  # of the bronze's chroma, the skin's luma kept
DARKER = -0.08  # brightness of the faces, for the tint keeps their luma
NOTE = "a tan of the faces' skin (warmer, a little darker); arms and necks are not found"

_TAN = r"(?:sun)?(?:tan|tanned|tanner)|bronzed?|sun[- ]?kissed"
_WHO = r"(?:her|him|them|us|me|everyone|everybody|people|the people|faces?|skin|all of us|us all)"
_SAID = re.compile(
    rf"^(?:please )?(?:(?:give|make|add|get)\b(?:.*\b{_WHO}\b)?.*\b(?:{_TAN})\b"
    rf"|(?:tan|bronze) (?:her|him|them|us|me|everyone|everybody|the faces?|(?:her|his|their) "
    r"(?:face|faces|skin))\b)"
)
# "a deep tan", "a dark tan": a strong one, as "a strong tan" is (intensity 2)
_DEEP = re.compile(rf"\b(?:deep|deeper|dark|darker|proper|real|serious)\s+(?:{_TAN})\b")
STRONG = 2.0
_MORE = re.compile(rf"\b(?:stronger|deeper|darker)\s+(?:of\s+a\s+)?(?:{_TAN})\b")
_ONE = re.compile(r"\b(?:her|him|me)\b")
_PERSON = re.compile(rf"\b{_WHO}\b|^(?:give|add) (?:a |some )?(?:bit of (?:a )?)?(?:{_TAN})\b")


def read(text: str) -> list[Draft] | None:
    """The two drafts of a tan, or None when the clause asks for none."""
    if _SAID.match(text) is None or _PERSON.search(text) is None:
        return None
    stated = intensity(text)
    if _MORE.search(text) is not None:
        # "a slightly stronger tan" is more than a tan, by a little: not a slight one
        stated = STRONG if stated is None or stated >= 1 else (1 + STRONG) / 2
    elif stated is None and _DEEP.search(text) is not None:
        stated = STRONG
    factor = 1.0 if stated is None else stated
    tint = {"region": "faces", "edit": "tint", "color": BRONZE, "amount": round(TINT * factor, 4)}
    darker = {"region": "faces", "edit": "brightness", "amount": round(DARKER * factor, 4)}
    one = _ONE.search(text) is not None  # "give her a tan" among several faces asks whose
    return [Draft(OP, tint, note=NOTE, one_face=one), Draft(OP, darker, one_face=one)]
