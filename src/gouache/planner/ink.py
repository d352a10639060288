"""Reading "make the handwriting darker", "darken the text", "the writing is too faint" ->
`darken_text`.

A clause is read here when it names the writing (text, handwriting, letters, ink ...) and asks
for it darker, and holds nothing else but intensity words and filler. "a bit" halves the
default amount, "a lot" doubles it. The grounding checks there is writing to darken (`ink`
region: OCR's lines, or a page's strokes) and says so when there is none.
"""

from __future__ import annotations

import re

from gouache.planner.clauses import words
from gouache.planner.phrases import Draft
from gouache.planner.plan import PlanContext
from gouache.planner.references import Problem
from gouache.planner.vocabulary import FILLER, intensity, word_set

OP = "darken_text"
AMOUNT = 0.6
REGION = "ink"

_WRITING = word_set(
    "text, handwriting, writing, letters, lettering, words, ink, notes, print, font, type, "
    "scribbles, script, strokes, pen, pencil, equations, maths, math, formulas"
)
_DARKER = re.compile(
    r"\b(?:darker|darken|blacker|deeper|darkest|too (?:faint|light|pale|faded|weak|washed out)"
    r"|(?:faint|faded|pale|washed out))\b"
)
# What may stand around the writing and "darker", and ask nothing more.
_AROUND = FILLER | word_set(
    "make, get, turn, is, are, too, so, more, bit, tad, little, lot, much, way, very, really, "
    "slightly, darker, darken, blacker, deeper, faint, light, pale, faded, weak, washed, out, "
    "hand, written, all, on, in, of, page, paper, sign, note, notebook, my, this, the, it, its, "
    "a, lots, somewhat, touch, hint, please, pls, abit"
)


def read(text: str) -> Draft | None:
    """The darken_text draft of a normalised clause, or None when it is not one."""
    ws = words(text)
    if not any(w in _WRITING for w in ws) or _DARKER.search(text) is None:
        return None
    if any(w not in _AROUND and w not in _WRITING for w in ws):
        return None
    # "too faint" says what is wrong, not how much: only other intensity words count
    factor = intensity(_DARKER.sub(" ", text))
    amount = min(2.0, AMOUNT * factor) if factor is not None else AMOUNT
    return Draft(OP, {"amount": round(amount, 4)} if amount != AMOUNT else {})


# "make it darker" right after the writing was named: the same request, said again.
_AGAIN = re.compile(
    r"^(?:(?:please|pls|and|so|now|just|can you|could you) )*(?:make|get|turn) (?:it|them|that|"
    r"this|those) (?:(?:a |a bit |a little |a lot |much |way |really |very )?)darker"
    r"(?: (?:please|pls|for me))?[ .!]*$|^(?:(?:please|pls|and|so|just) )*darken (?:it|them)"
    r"(?: (?:please|pls))?[ .!]*$"
)


def says_again(text: str) -> bool:
    """True for a clause that only repeats the ask, with "it" for the writing."""
    return _AGAIN.match(text.strip()) is not None


def ground(draft: Draft, context: PlanContext | None) -> Draft | Problem:
    """The draft when the picture holds writing; else why nothing can be darkened."""
    if context is None or context.region(REGION) > 0.0:
        return draft
    return Problem(
        "I find no text or handwriting in this picture (no line the OCR reads, and it is no "
        "page of writing), so there is nothing to darken"
    )
