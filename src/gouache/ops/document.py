"""Document cleanup: a photographed or scanned page made easier to read.

    1. the paper: each channel's background b is estimated by a morphological closing with a
       disc wider than a stroke (`STROKE` of the shorter side), which removes dark text and
       keeps the paper, then smoothed;
    2. flattened: v' = v / b, so uneven light, shadows and a paper tint become white paper;
    3. text contrast: luma is stretched so the paper (its `PAPER` percentile) is white and
       the darkest ink (its `INK` percentile) black, with a gamma that darkens thin strokes;
    4. a light unsharp mask on the letters' edges.

`strength` blends the result with the original. The text must be darker than its paper (a
page, a receipt, a whiteboard photo); light text on a dark ground is refused in words.
"""

from __future__ import annotations

import math
from typing import Any

import cv2
import numpy as np
import numpy.typing as npt
from pydantic import Field

from gouache.errors import InvalidParameterError
from gouache.images import Image
from gouache.ops._pixels import LUMA_WEIGHTS, rgb_of, to_uint8, with_alpha_of
from gouache.ops.registry import OpContext, Operator, Params

STROKE = 0.03
PAPER = 40.0  # most of a page is paper: from here up it is white
INK = 0.5
GAMMA = 1.3
SHARPEN = 0.6
BAND_PIXELS = 1 << 18  # pixels worked at once (memory, not results)
PAPER_DISC = 15  # px: the paper is estimated on a copy where the disc is about this wide
HISTOGRAM_STEPS = 64  # histogram bins per code value of the flattened luma (0 .. 1.2 * 255)
HISTOGRAM_BINS = round(1.2 * 255 * HISTOGRAM_STEPS) + 2


class DocumentParams(Params):
    strength: float = Field(default=1.0, gt=0.0, le=1.0)


def clean_document(image: Image, p: DocumentParams, ctx: OpContext) -> Image:
    """The recipe in the module doc, worked so that no float copy of the whole page is made
    (they cost some 150 bytes a pixel): the paper is estimated on a reduced copy, the rest
    is done a band of rows at a time, the luma percentiles from a first pass."""
    rgb = rgb_of(image)
    height, width = rgb.shape[:2]
    bands = _bands(height, width)
    # the median luma under 100: more than half the pixels are (counted, not sorted)
    dark = sum(int(((rgb[rows].astype(np.float32) @ LUMA_WEIGHTS) < 100.0).sum()) for rows in bands)
    if dark > height * width // 2:
        raise InvalidParameterError(
            "document: the picture is mostly dark; the cleanup needs dark text on light paper",
            op="document",
        )
    # 1. the paper under every pixel, worked on a copy reduced so the disc is about
    #    PAPER_DISC px (the paper is smooth by construction; at full size the closing took
    #    minutes and the float blur 12 B/px)
    size = max(7, round(STROKE * min(height, width)) | 1)
    factor = max(1, size // PAPER_DISC)
    small = rgb
    if factor > 1:
        reduced = (max(1, round(width / factor)), max(1, round(height / factor)))
        small = np.asarray(cv2.resize(rgb, reduced, interpolation=cv2.INTER_AREA), np.uint8)
    small_size = max(3, round(size / factor) | 1)
    disc = cv2.getStructuringElement(cv2.MORPH_ELLIPSE, (small_size, small_size))
    closed = cv2.morphologyEx(small, cv2.MORPH_CLOSE, disc)
    paper = np.asarray(
        cv2.GaussianBlur(closed.astype(np.float32), (0, 0), small_size / 2), np.float32
    )
    del small, closed
    # where each full-size pixel lies on the reduced copy (as cv2.resize maps pixel centres)
    ph, pw = paper.shape[:2]
    source_x = (np.arange(width, dtype=np.float32) + 0.5) * np.float32(pw / width) - 0.5
    source_y = (np.arange(height, dtype=np.float32) + 0.5) * np.float32(ph / height) - 0.5

    # 2. flattened: the paper becomes white (the paper brought up to full size band by band,
    #    bilinearly, as one resize would)
    def flat_of(rows: slice) -> npt.NDArray[np.float32]:
        count = rows.stop - rows.start
        map_x = np.ascontiguousarray(np.broadcast_to(source_x, (count, width)))
        map_y = np.ascontiguousarray(np.broadcast_to(source_y[rows, None], (count, width)))
        under = cv2.remap(paper, map_x, map_y, cv2.INTER_LINEAR, borderMode=cv2.BORDER_REPLICATE)
        values = rgb[rows].astype(np.float32)
        flat = np.clip(values / np.maximum(under, 1.0), 0.0, 1.2) * np.float32(255.0)
        return np.asarray(flat, dtype=np.float32)

    # 3. ink black, paper white, thin strokes darker (the percentiles of the whole page, from
    #    a histogram in 1/64ths of a code value: a sorted copy of the page cost 8 B/px)
    counts = np.zeros(HISTOGRAM_BINS, dtype=np.int64)
    for rows in bands:
        binned = np.rint((flat_of(rows) @ LUMA_WEIGHTS) * np.float32(HISTOGRAM_STEPS))
        counts += np.bincount(binned.astype(np.int64).ravel(), minlength=HISTOGRAM_BINS)
    ink, white = (_percentile(counts, q) for q in (INK, PAPER))
    span = max(float(white - ink), 1.0)
    out = np.empty_like(rgb)
    edge = 5  # the sharpening blur of sigma 1 reads 4 rows
    for rows in bands:
        around = slice(max(0, rows.start - edge), min(height, rows.stop + edge))
        flat = flat_of(around)
        flat_luma = flat @ LUMA_WEIGHTS
        stretched = np.clip((flat_luma - ink) / span, 0.0, 1.0) ** np.float32(GAMMA) * 255.0
        gain = stretched / np.maximum(flat_luma, 1.0)
        done = flat * gain[..., None]
        # 4. crisper letter edges
        soft = cv2.GaussianBlur(done, (0, 0), 1.0)
        done = np.clip(done + np.float32(SHARPEN) * (done - soft), 0.0, 255.0)
        done = done[rows.start - around.start : rows.stop - around.start]
        if p.strength < 1.0:
            values = rgb[rows].astype(np.float32)
            done = values + np.float32(p.strength) * (done - values)
        out[rows] = to_uint8(done)
    ctx.notes.append("document: paper flattened to white, text contrast raised")
    return with_alpha_of(out, image)


def _percentile(counts: npt.NDArray[np.int64], q: float) -> float:
    """numpy's linear percentile of the values a histogram of HISTOGRAM_STEPS bins a code
    value counts (each value at its bin's centre)."""
    rank = q / 100.0 * (int(counts.sum()) - 1)
    cumulative = np.cumsum(counts)
    low = int(np.searchsorted(cumulative, math.floor(rank), side="right"))
    high = int(np.searchsorted(cumulative, math.ceil(rank), side="right"))
    fraction = rank - math.floor(rank)
    return (low + fraction * (high - low)) / HISTOGRAM_STEPS


def _bands(height: int, width: int) -> list[slice]:
    step = max(1, BAND_PIXELS // max(width, 1))
    return [slice(top, min(height, top + step)) for top in range(0, height, step)]


OPERATORS: list[Operator[Any]] = [
    Operator(
        name="document",
        version="1.0.0",
        summary="clean up a page: even white paper, darker and crisper text",
        params=DocumentParams,
        run=clean_document,
        keywords=(
            "easier to read",
            "more readable",
            "readable",
            "legible",
            "more legible",
            "clean up the page",
            "clean up the document",
            "document",
            "whiten the paper",
            "easier to see the text",
            "text clearer",
            "text sharper",
            # uneven light on a page is what the even paper takes out
            "paper white",
            "paper whiter",
            "shadow from the page",
            "shadows from the page",
            "shadow on the page",
            "shadows on the page",
            "shadow from the paper",
            "shadow on the paper",
            "flatten the page",
            "flatten the paper",
        ),
        examples=("make the text easier to read", "clean up the document"),
    ),
]
