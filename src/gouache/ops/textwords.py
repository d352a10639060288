"""Words within a line of text. The OCR gives one box a line, so a request about one word
("make 'SALE' blue" on a poster reading "SUMMER SALE") is cut down here to that word's box,
and the edit then works on it as on a line of its own.

The line's old letters are found as `textedit` finds them to redraw a line: the pixels that
differ from the inpainted line (the ink map), and our font's letters slid over them (the
match). The match says where each space falls; the space is then put on the gap between ink
columns it lands in (the widest such gap), so the cut follows the letters as drawn, in any
font. Where no gap is there (letters that touch), the cut is the matched space's middle.

    m_k       the middle of space k as our font places it: origin + (adv(t[:k]) + adv(t[:k+1]))/2
    gap       a run of ink-free columns between the first and the last ink column
    cut k     the widest gap within one space's width of m_k, else m_k itself
    word j    its ink columns between cut j-1 and cut j; its box reaches past them by 1 px,
              and never past the middle of the cut less the hole's growth (`textedit._grow`),
              so the dilated hole of one word stays off its neighbours' letters
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from itertools import pairwise

import numpy as np
import numpy.typing as npt

from gouache.analysis.types import Point, TextLine, box_around
from gouache.images import Image
from gouache.ops.text import bundled_font
from gouache.ops.textedit import OldText, find_old, glyphs, grow_of, ink_map, inpaint
from gouache.ops.textlines import spans


@dataclass(frozen=True)
class _Word:
    """One word of a line: where its text starts and ends in the line's text, and its ink's
    first and last columns (picture x)."""

    start: int
    end: int
    x0: int
    x1: int


def words_holding(image: Image, line: TextLine, match: str) -> list[TextLine]:
    """`line` cut down to the runs of its words that hold `match` (one TextLine a run), or
    [line] itself where those are all its words or its words cannot be told apart."""
    return words_apart(image, line, match)[0]


def words_apart(
    image: Image, line: TextLine, match: str
) -> tuple[list[TextLine], list[tuple[int, int]]]:
    """`words_holding`'s runs, and the first and last ink columns of each of the line's other
    words (none when the line is not cut): what a word redrawn wider must stay off."""
    # 1. the old letters: the line inpainted, its ink, our font's letters over it
    clean = inpaint(image, [line])
    old = find_old(image, clean, line)
    found = ink_map(image, clean, line)
    words = _words(old, found.x0, found.ink) if found is not None else None
    if words is None or len(words) < 2:
        return [line], []

    # 2. the words `match` falls in, in runs of neighbours
    chosen = sorted(
        {
            j
            for start, end in spans(old.text, match)
            for j, word in enumerate(words)
            if word.start < end and start < word.end
        }
    )
    if not chosen or len(chosen) == len(words):
        return [line], []
    runs: list[list[int]] = []
    for j in chosen:
        if runs and runs[-1][-1] == j - 1:
            runs[-1].append(j)
        else:
            runs.append([j])

    # 3. each run's box, between the cuts on either side of it
    grow = grow_of(line)
    left_edge = min(line.polygon[0].x, line.polygon[3].x)
    right_edge = max(line.polygon[1].x, line.polygon[2].x)
    cut_down = []
    for run in runs:
        first, last = words[run[0]], words[run[-1]]
        x0, x1 = float(left_edge), float(right_edge)
        if run[0] > 0:
            middle = (words[run[0] - 1].x1 + first.x0) / 2
            x0 = max(first.x0 - 1.0, middle + grow)
        if run[-1] < len(words) - 1:
            middle = (last.x1 + words[run[-1] + 1].x0) / 2
            x1 = min(last.x1 + 1.0, middle - grow)
        text = old.text[first.start : last.end]
        cut_down.append(_part(line, text, x0, x1, image.shape))
    others = [(word.x0, word.x1) for j, word in enumerate(words) if j not in chosen]
    return cut_down, others


def _words(old: OldText, x0: int, ink: npt.NDArray[np.bool_]) -> list[_Word] | None:
    """The words of `old.text` with their ink columns, or None where a word has no ink."""
    # 1. where our font puts each space, and the gaps between the ink's columns
    cover, bx0, _ = glyphs(old.text, old.size)
    origin = old.centre - cover.shape[1] / 2 - bx0
    font = bundled_font(old.size)
    space = font.getlength(" ")
    columns = np.flatnonzero(ink.any(axis=0)) + x0
    if columns.size == 0:
        return None
    steps = np.diff(columns)
    wide = np.flatnonzero(steps > 1)
    gaps = [(int(columns[i]) + 1, int(columns[i + 1])) for i in wide]  # [from, to) ink-free

    # 2. a cut at each space: the widest gap near it, else its middle
    bounds = [(m.start(), m.end()) for m in re.finditer(r"\S+", old.text)]  # each word's
    cuts: list[float] = []
    for (_, end), (following, _) in pairwise(bounds):
        middle = (
            origin + (font.getlength(old.text[:end]) + font.getlength(old.text[:following])) / 2
        )
        near = [gap for gap in gaps if gap[0] < middle + space and middle - space < gap[1]]
        if near:
            widest = max(near, key=lambda gap: gap[1] - gap[0])
            cuts.append((widest[0] + widest[1]) / 2)
        else:
            cuts.append(middle)

    # 3. each word's ink between its cuts
    words: list[_Word] = []
    edges = [-np.inf, *cuts, np.inf]
    for (start, end), low, high in zip(bounds, edges, edges[1:], strict=False):
        inside = columns[(columns > low) & (columns < high)]
        if inside.size == 0:
            return None
        words.append(_Word(start, end, int(inside[0]), int(inside[-1])))
    return words


def _part(line: TextLine, text: str, x0: float, x1: float, shape: tuple[int, ...]) -> TextLine:
    """The stretch of `line` between the columns x0 and x1 (inclusive), as a line of its own:
    its polygon's top and bottom edges cut where they cross those columns."""
    tl, tr, br, bl = line.polygon

    def along(a: Point, b: Point, x: float) -> Point:
        t = min(1.0, max(0.0, (x - a.x) / (b.x - a.x))) if b.x > a.x else 0.0
        return Point(a.x + t * (b.x - a.x), a.y + t * (b.y - a.y))

    polygon = (along(tl, tr, x0), along(tl, tr, x1), along(bl, br, x1), along(bl, br, x0))
    xs = [p.x for p in polygon]
    ys = [p.y for p in polygon]
    box = box_around(xs, ys, shape[1], shape[0]) or line.box
    return TextLine(text=text, score=line.score, box=box, polygon=polygon)
