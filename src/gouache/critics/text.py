"""RequiredText: every requested string can be read in the image.

Each required string is looked up in the OCR text (`Analysis.text`, PP-OCR through
RapidOCR) by approximate substring matching: the smallest Levenshtein distance between
the string and any substring of the text, found with Sellers' dynamic programme.

    V. I. Levenshtein, "Binary codes capable of correcting deletions, insertions, and
    reversals", Soviet Physics Doklady 10(8), 707-710, 1966.
    P. H. Sellers, "The theory and computation of evolutionary distances: pattern
    recognition", Journal of Algorithms 1(4), 359-373, 1980.

Notation (paper -> code):

    P = p_1..p_m     the required string, normalised                 `pattern`
    T = t_1..t_n     the OCR lines joined in reading order, normalised `text`
    D[i, j]          the least number of edits that turn p_1..p_i into a substring of T
                     ending at t_j; D[0, j] = 0 (the match may start anywhere), D[i, 0] = i
    min_j D[m, j]    the edit distance of P to its best substring of T  `Match.distance`

Both strings are normalised first (Unicode NFKC, case folded, letters and digits only),
so case, spacing and punctuation, which OCR often gets wrong, never count. The distance
is divided by m, the normalised length of the required string: 0 is an exact reading,
1 means nothing alike. The critic's value is the worst of these over every string.
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from gouache.critics.base import CriticContext, Score, margin_at_most
from gouache.images import Image

DEFAULT_TOLERANCE = 0.2


@dataclass(frozen=True)
class Normalised:
    """A normalised string, and for each of its characters the index it came from."""

    text: str
    origin: tuple[int, ...]


@dataclass(frozen=True)
class Match:
    """The best approximate occurrence of a pattern: normalised distance and where it is."""

    distance: float
    # The matching span in the original (unnormalised) text, [start, end).
    start: int
    end: int


def normalise(text: str) -> Normalised:
    """NFKC, case folded, letters and digits only; remembers where each character was."""
    chars: list[str] = []
    origin: list[int] = []
    for index, char in enumerate(text):
        for folded in unicodedata.normalize("NFKC", char).casefold():
            if folded.isalnum():
                chars.append(folded)
                origin.append(index)
    return Normalised("".join(chars), tuple(origin))


def best_match(pattern: str, text: str) -> Match:
    """The substring of `text` closest to `pattern`, both normalised (see the module notes).

    Raises ValueError when `pattern` has no letter or digit.
    """
    p, t = normalise(pattern), normalise(text)
    if not p.text:
        raise ValueError(f"{pattern!r} has no letter or digit to look for")
    if not t.text:
        return Match(distance=1.0, start=0, end=0)
    last = edit_rows(p.text, t.text, free_start=True)
    end = int(np.argmin(last))  # D[m, end]: the match ends after t_end
    distance = int(last[end])
    # where it starts: align the reversed pattern, anchored, on the reversed text before `end`
    reverse = edit_rows(p.text[::-1], t.text[:end][::-1], free_start=False)
    length = int(np.flatnonzero(reverse == distance)[0]) if end else 0
    start = end - length
    if end == 0 or length == 0:
        return Match(distance=min(1.0, distance / len(p.text)), start=0, end=0)
    return Match(
        distance=min(1.0, distance / len(p.text)),
        start=t.origin[start],
        end=t.origin[end - 1] + 1,
    )


def edit_distance(a: str, b: str) -> int:
    """The Levenshtein distance of two strings, as given (not normalised)."""
    if not a:
        return len(b)
    return int(edit_rows(a, b, free_start=False)[-1])


def edit_rows(pattern: str, text: str, *, free_start: bool) -> npt.NDArray[np.int64]:
    """Row m of the edit-distance table D of `pattern` against `text` (n + 1 numbers).

    With `free_start`, D[0, j] = 0 (Sellers: a match may start anywhere in the text);
    without it, D[0, j] = j (Levenshtein: the whole text). Each row is computed at once:
    D[i, j] = min(a_j, D[i, j-1] + 1) with a_j = min(D[i-1, j-1] + cost, D[i-1, j] + 1)
    unrolls to D[i, j] = j + min_{k <= j}(a_k - k), a running minimum.
    """
    n = len(text)
    columns = np.arange(n + 1, dtype=np.int64)
    codes = np.frombuffer(text.encode("utf-32-le"), dtype=np.uint32)
    row = np.zeros(n + 1, dtype=np.int64) if free_start else columns.copy()
    for i, char in enumerate(pattern, start=1):
        cost = (codes != ord(char)).astype(np.int64)
        step = np.empty(n + 1, dtype=np.int64)
        step[0] = i
        step[1:] = np.minimum(row[:-1] + cost, row[1:] + 1)
        row = np.minimum.accumulate(step - columns) + columns
    return row


def read_text_of(context: CriticContext) -> str:
    """Every OCR line of the image, in reading order, joined by spaces."""
    return " ".join(line.text for line in context.analysis.text)


@dataclass(frozen=True, kw_only=True)
class RequiredText:
    """Each string in `required` is read by OCR within `tolerance` (normalised distance)."""

    required: tuple[str, ...]
    tolerance: float = DEFAULT_TOLERANCE
    name: str = "text"
    weight: float = 1.0

    def __post_init__(self) -> None:
        if not self.required:
            raise ValueError("required text needs at least one string")
        for wanted in self.required:
            if not normalise(wanted).text:
                raise ValueError(f"{wanted!r} has no letter or digit to look for")
        if not 0.0 <= self.tolerance < 1.0:
            raise ValueError(f"tolerance must be in [0, 1), not {self.tolerance}")

    def score(self, image: Image, context: CriticContext) -> Score:
        # 1. what the OCR read
        text = read_text_of(context)

        # 2. the closest reading of each required string
        worst = 0.0
        parts: list[str] = []
        for wanted in self.required:
            match = best_match(wanted, text)
            worst = max(worst, match.distance)
            found = text[match.start : match.end]
            if match.end == match.start:
                parts.append(f"{wanted!r} not found")
            elif match.distance <= self.tolerance:
                parts.append(f"{wanted!r} read as {found!r} ({match.distance:.2f})")
            else:
                parts.append(
                    f"{wanted!r} not found, closest {found!r} "
                    f"({match.distance:.2f} > {self.tolerance:.2f})"
                )
        if not text:
            parts.append("no text was read")

        # 3. the worst distance decides
        return Score(
            criterion=self.name,
            value=worst,
            target=self.tolerance,
            passed=worst <= self.tolerance,
            weight=self.weight,
            unit="edit distance",
            detail="; ".join(parts),
            margin=margin_at_most(worst, self.tolerance, self.tolerance),
            comparison="<=",
        )
