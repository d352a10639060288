"""Matching keywords in a clause and gathering its pieces: the records the rule planner
reads a clause into (Keyword, Match, Piece) and the word-level helpers it splits and folds
clauses with."""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from typing import Any

from PIL import ImageColor

from gouache.planner.clauses import RawClause, Span
from gouache.planner.phrases import Draft
from gouache.planner.references import Mention
from gouache.planner.vocabulary import COMPANIONS, FILLER, INTENSITY, intensity, word_set

# Words that lean toward the keyword after them when a clause is split in two.
_LEANING = frozenset(
    {"a", "an", "the", "some", "more", "less", "px", "pixels", "percent", "%"}
    | {w for phrase, _ in INTENSITY for w in phrase.split()}
)
# "cool it down a bit & add some contrast": the verb that opens the second edit goes with it,
# and nothing before it does
_OPENING = frozenset({"add", "increase", "boost", "raise", "reduce", "decrease", "lower", "bump",
                      "crank"})  # fmt: skip


@dataclass(frozen=True)
class Keyword:
    op: str
    words: tuple[str, ...]
    strong: bool
    verb: bool


@dataclass(frozen=True)
class Match:
    keyword: Keyword
    start: int  # token index
    end: int
    # A pattern rather than a word ("2 stops", "4:5"): decides over words.
    signal: bool = False

    @property
    def op(self) -> str:
        return self.keyword.op


@dataclass(frozen=True)
class Piece:
    draft: Draft
    clause: str  # as the user wrote it


# What may stand between a verb and its noun ("remove all the text", "blur the second face").
_BETWEEN = FILLER | word_set(
    "whole, entire, all, every, each, out, around, just, only, her, his, their, my, tight, "
    "tightly, close, closely, loosely, everyone's, everybody's, person's, largest, biggest, "
    "smallest, leftmost, rightmost, left, right, middle, main, second, third, fourth, fifth, "
    "last, st, nd, rd, th"
)


def between(word: str) -> bool:
    return word in _BETWEEN or re.fullmatch(r"\d+(?:[:/]\d+)?(?:st|nd|rd|th)?", word) is not None


def between_pair(word: str) -> bool:
    """A word that may stand between a verb and its noun: "remove the white background"."""
    return between(word) or word in ImageColor.colormap


def names_nothing(ws: tuple[str, ...]) -> bool:
    """A keyword of filler words only ("put the") or a bare factor ("4x") names no operator."""
    return all(w in FILLER for w in ws) or re.fullmatch(r"\d+x", "".join(ws)) is not None


def inside(span: Span, mentions: list[Mention]) -> bool:
    return any(m.span.start <= span.start and span.end <= m.span.end for m in mentions)


def outermost(found: list[Match]) -> list[Match]:
    """The matches that no longer match contains, in order; only matches that start within
    the longest match's reach are compared, so a long clause stays linear."""
    if not found:
        return found
    reach = max(m.end - m.start for m in found)
    by_start: dict[int, list[Match]] = {}
    for m in found:
        by_start.setdefault(m.start, []).append(m)

    def contained(m: Match) -> bool:
        return any(
            o.start <= m.start and m.end <= o.end and o.end - o.start > m.end - m.start
            for start in range(max(0, m.end - reach), m.start + 1)
            for o in by_start.get(start, ())
        )

    return [m for m in found if not contained(m)]


# "fix it" after a problem it names: the problem is the request ("too dark, fix it").
FIX_IT = re.compile(
    r"^(?:(?:please|pls|plz|can you|could you|would you|can u|could u|would u|just|so|and|now)"
    r"\s+)*(?:fix|correct|sort"
    r"|sort out|repair|solve|fix up|clear|clean"
    r"|(?:tone|dial|bring|turn) (?:it|that|this|them|those) (?:down|back))"
    r"(?:\s+(?:it|that|this|them|those|the problem|the issue|it up|up|out))*"
    r"(?:\s+(?:a bit|a tad|a little|a touch|slightly|a notch))?"
    r"(?:\s+(?:please|pls|for me))*$"
)
# A clause that only tempers the one before: "enhance the stars a bit, not too much".
_MODIFIER = re.compile(
    r"^(?:but |and |though |just |only )*(?:not (?:too|so|very) (?:much|strong(?:ly)?|heavy|"
    r"heavily|far|intense|obvious)|not overdone|don'?t overdo it|do not overdo it|nothing "
    r"(?:too )?(?:crazy|extreme|drastic|over the top)|a (?:little|bit|touch|tad)(?: bit)?|"
    r"slightly|subtly|gently|subtle|keep it subtle|go easy|easy on it|"
    # "more contrast but keep the skin natural": a worry that it is overdone, the edit itself
    # still wanted (a little of it)
    r"keep(?:ing)? (?:it|things|(?:the )?(?:colou?rs?|skin|skin tones?|skintones?|tones|look))"
    r"(?: looking)? (?:natural|realistic)|(?:natural|realistic)(?: looking)?)(?: please| pls)?"
    r"[ .!]*$"
)


# "brighter but not too bright", "less bright but not too dark": a limit, tempering
_ECHO = re.compile(
    r"^(?:but |and |though |just )*not (?:too|so|very|overly) (?P<word>[a-z]{4,})"
    r"(?: please| pls)?[ .!]*$"
)


def _tempers(raw: RawClause) -> bool:
    # "brighter but not too bright", "less bright but not too dark": a limit on the edit
    # before, not a second edit (which would undo it)
    return (
        _MODIFIER.match(raw.text.strip()) is not None or _ECHO.match(raw.text.strip()) is not None
    )


def with_modifiers(clauses: tuple[RawClause, ...]) -> list[RawClause]:
    """The clauses with each modifier-only one folded into the clause before it, which then
    reads as "a little" unless it says its own strength."""
    out: list[RawClause] = []
    for raw in clauses:
        if out and _tempers(raw):
            last = out[-1]
            text = last.text if intensity(last.text) is not None else f"{last.text} a little"
            out[-1] = RawClause(text, f"{last.original}, {raw.original}")
        else:
            out.append(raw)
    return out


# "brighten her eyes and her face": a part named bare after an edit of another part
_OWNER = r"(?:the|her|his|their|its|my|our|your|both)"
_PART = r"(?:faces?|eyes?|teeth|smiles?|lips|skin|hair|sky|background|subject|foreground)"
_BARE_PART = re.compile(rf"^(?:{_OWNER}\s+)?{_PART}$")
_PART_IN = re.compile(rf"\b(?P<owner>{_OWNER}\s+)?{_PART}\b")


def retargeted(text: str, before: str) -> str:
    """A clause that only names a part of the picture ("her face", "face") after a clause
    that edits another ("brighten her eyes"): that edit, of this part ("brighten her face");
    any other clause as it is."""
    bare = text.strip()
    named = _PART_IN.search(before)
    own = _PART_IN.match(bare)
    if _BARE_PART.match(bare) is None or own is None or named is None:
        return text
    # "and face": the owner said before ("her") goes with it
    part = bare if own.group("owner") else f"{named.group('owner') or ''}{bare}"
    return f"{before[: named.start()]}{part}{before[named.end() :]}"


def is_word(token: str) -> bool:
    return token.replace("'", "").isalpha()


def companions(a: str, b: str) -> bool:
    return (a, b) in COMPANIONS or (b, a) in COMPANIONS


def cut(ws: list[str], start: int, own: set[str]) -> int:
    """Where to split a clause before the keyword at `start`, taking its leading words along."""
    cut = start
    while cut > 0:
        word = ws[cut - 1]
        if word == "with" or word in _OPENING:
            return cut - 1
        leans = word in _LEANING or word in own or word in ImageColor.colormap
        if not (leans or re.fullmatch(r"[+-]?[\d.]+(?:%|px)?", word)):
            break
        cut -= 1
    return cut


def add_piece(pieces: list[Piece], piece: Piece) -> None:
    """Append a step, folding "... and 5% off the top" into the crop before it, and "600 tall"
    into the "800 wide" before it."""
    last = pieces[-1] if pieces else None
    draft = piece.draft
    if (
        last is not None
        and last.draft.op == draft.op
        and not set(last.draft.params) & set(draft.params)
        and (draft.continued or {*last.draft.params, *draft.params} == {"width", "height"})
    ):
        params: dict[str, Any] = {**last.draft.params, **draft.params}
        merged = replace(last.draft, params=params)
        pieces[-1] = Piece(merged, f"{last.clause}, {piece.clause}")
        return
    said_again = last is not None and last.draft.op == draft.op
    if last is not None and said_again and (last.draft.params == draft.params or not draft.params):
        # "too dark, brighten it up": one request said twice is done once; "a clean scan,
        # only black and white" says again, with nothing of its own, the threshold it holds
        pieces[-1] = Piece(last.draft, f"{last.clause}, {piece.clause}")
        return
    pieces.append(piece)
