"""A line of text standing apart at the top or the bottom of a picture: a chart's title, a
caption under a figure, which "crop out the title" cuts away.

    1. the ground is the colour of the picture's edges (`measures.plain_edge`): a picture
       with no plain edge (a photo) has no band to cut;
    2. a row is blank when none of its pixels lies farther than TOLERANCE from the ground;
    3. from the edge inward, the runs of rows with ink, separated by blank rows, are taken
       while each is text: an OCR line's box covers the run's middle row and every ink pixel
       of the run lies within a text box (grown by SLACK of its height) on it;
    4. the cut is in the middle of the blank rows after the last text run, so what follows
       keeps its own margin. Text that runs into the content, or a band over MAX_SHARE of the
       picture, is no title.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Literal

import numpy as np
import numpy.typing as npt

from gouache.analysis.measures import plain_edge
from gouache.analysis.types import TextLine
from gouache.images import Image

End = Literal["top", "bottom"]
TOLERANCE = 32  # code values, per channel: anti-aliasing and compression are ground
SLACK = 0.5
MAX_SHARE = 0.3


@dataclass(frozen=True)
class TitleBand:
    """The rows to cut at one end (`rows` from that edge), and the text read on them."""

    end: End
    rows: int
    lines: tuple[str, ...]


@dataclass(frozen=True)
class Titles:
    """The title bands, top first, and the line of text read nearest each end."""

    bands: tuple[TitleBand, ...]
    top: str | None
    bottom: str | None


def titles(image: Image, lines: Sequence[TextLine]) -> Titles:
    """The title bands at the top and the bottom (module doc), and the nearest text."""
    top = min(lines, key=lambda line: line.box.y, default=None)
    bottom = max(lines, key=lambda line: line.box.y + line.box.h, default=None)
    return Titles(
        tuple(title_bands(image, lines)),
        top.text if top is not None else None,
        bottom.text if bottom is not None else None,
    )


def title_bands(image: Image, lines: Sequence[TextLine]) -> list[TitleBand]:
    """The title bands at the top and the bottom (module doc), top first."""
    ground = plain_edge(image)
    if ground is None or not lines:
        return []
    rgb = image[..., :3].astype(np.int16)
    ink = (np.abs(rgb - np.asarray(ground, np.int16)).max(axis=2) > TOLERANCE).astype(bool)
    found = []
    for end in ("top", "bottom"):
        band = _band(ink if end == "top" else ink[::-1], lines, end, image.shape[0])
        if band is not None:
            found.append(band)
    return found


def _band(
    ink: npt.NDArray[np.bool_], lines: Sequence[TextLine], end: End, height: int
) -> TitleBand | None:
    """Steps 3 and 4 from one edge; `ink` is turned so that the edge is row 0."""
    inked = np.asarray(ink.any(axis=1), dtype=bool)
    runs = _runs(inked)
    read: list[str] = []
    last_end = 0
    for start, stop in runs:
        middle = (start + stop) // 2
        on = [
            line
            for line in lines
            if _rows(line, end, height, 0.0)[0] <= middle < _rows(line, end, height, 0.0)[1]
        ]
        if not on or not _covered(ink, start, stop, on, end, height):
            break
        read += [line.text for line in on]
        last_end = stop
    if not read:
        return None
    after = next((start for start, _ in runs if start >= last_end), None)
    if after is None or after - last_end < 1:
        return None  # the text runs into what follows, or is all there is
    cut = (last_end + after) // 2
    if cut > MAX_SHARE * height:
        return None
    return TitleBand(end, cut, tuple(dict.fromkeys(read)))


def _runs(inked: npt.NDArray[np.bool_]) -> list[tuple[int, int]]:
    """The runs of True as (start, stop) from row 0."""
    edges = np.flatnonzero(np.diff(np.concatenate([[0], inked.view(np.int8), [0]])))
    return [(int(a), int(b)) for a, b in zip(edges[::2], edges[1::2], strict=True)]


def _rows(line: TextLine, end: End, height: int, slack: float) -> tuple[int, int]:
    """The rows of a line's box, grown by `slack` of its height, counted from `end`."""
    grow = round(slack * line.box.h)
    top, bottom = line.box.y - grow, line.box.y + line.box.h + grow
    return (top, bottom) if end == "top" else (height - bottom, height - top)


def _covered(
    ink: npt.NDArray[np.bool_],
    start: int,
    stop: int,
    on: Sequence[TextLine],
    end: End,
    height: int,
) -> bool:
    """Whether every ink pixel of rows start..stop lies within one of the boxes of `on`."""
    allowed = np.zeros_like(ink[start:stop])
    for line in on:
        top, bottom = _rows(line, end, height, SLACK)
        grow = round(SLACK * line.box.h)
        left, right = max(0, line.box.x - grow), line.box.x + line.box.w + grow
        allowed[max(0, top - start) : max(0, bottom - start), left:right] = True
    return not bool((ink[start:stop] & ~allowed).any())
