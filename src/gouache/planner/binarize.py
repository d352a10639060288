"""Reading "black and white, no grey", "threshold at 50%" -> `binarize`.

"black and white" alone is a greyscale; said with "pure", "only" or "no grey" it asks for no
grey at all, which the comma of "black and white, no grey" would split into two edits: the
whole instruction is read here first. A number is a global threshold ("threshold at 50%",
"threshold at 128"); "1-bit" is no number.

"a clean scan" is a page as a good scanner gives it: the paper made even and white and the
text dark (`document`), then no grey left (`binarize`) by one threshold at `SCAN_LEVEL`: the
paper is even by then, and an adaptive threshold read its grain beside the letters as specks
(skimage's page: 87 black specks of 3 px or less, against 19).
"""

from __future__ import annotations

import re

from gouache.planner.clauses import normalise, percent, protect, words
from gouache.planner.phrases import Clause, Draft, Rule
from gouache.planner.vocabulary import FILLER, word_set

OP = "binarize"

_GREY = word_set("grey, gray, greys, grays, greyscale, grayscale, tones, shades, of, in, between")
_NONE = word_set("no, without, not, any, zero")
_PURE = word_set("pure, only, just, strictly, true, real, totally, completely, fully, solid")
_AROUND = FILLER | _GREY | _NONE | _PURE | word_set("like, scan, scanned, printout, print")
_ONE_BIT = re.compile(r"\b(?:1|one)[ -]?bit\b")
_BARE = re.compile(r"\b(\d{1,3})\b")
SCAN_LEVEL = 0.6
_CLEAN_SCAN = re.compile(
    r"\b(?:clean|cleaner|crisp|crisper|neat|tidy|proper|good)\s+(?:scan|scanned|photocopy)\b"
    r"|\b(?:scan|scanned|photocopy)\s+(?:it\s+)?(?:clean|cleanly|crisp|neatly)\b"
)
_SCANNED = word_set("page, document, doc, copy, paper, sheet, version, look, one, kind, sort")


def whole(instruction: str) -> Draft | None:
    """binarize when the whole instruction asks for black and white with no grey, else None."""
    ws = words(normalise(protect(instruction)))
    if "blackandwhite" not in ws or any(w not in _AROUND and w != "blackandwhite" for w in ws):
        return None
    no_grey = any(w in _NONE for w in ws) and any(w in _GREY for w in ws)
    if no_grey or any(w in _PURE for w in ws):
        return Draft(OP)
    return None


def clean_scan(text: str) -> list[Draft] | None:
    """[document, binarize] for "make it look like a clean scan", else None."""
    found = _CLEAN_SCAN.search(text)
    if found is None:
        return None
    rest = words(text[: found.start()] + " " + text[found.end() :])
    if any(w not in _AROUND and w not in _SCANNED for w in rest):
        return None  # "a clean scan of the sky" names more than the look
    return [Draft("document"), Draft(OP, {"level": SCAN_LEVEL})]


def _binarize(c: Clause) -> Draft | None:
    text = _ONE_BIT.sub(" ", c.rest)
    level = percent(text)
    if level is not None:
        if not 0.0 < level.value < 1.0:
            return Draft(OP, problem="a threshold is between 0 % and 100 %, e.g. 50 %")
        return Draft(OP, {"level": round(level.value, 4)})
    bare = _BARE.search(text)
    if bare is not None:
        value = int(bare.group(1))
        if not 0 < value < 255:
            return Draft(OP, problem="a threshold is a level between 1 and 254, or a percentage")
        return Draft(OP, {"level": round(value / 255, 4)})
    return Draft(OP)


RULES: dict[str, Rule] = {OP: _binarize}
