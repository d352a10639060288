"""Pure black and white, no grey: "make it look scanned", "threshold it".

Sauvola's adaptive threshold on luma (J. Sauvola, M. Pietikäinen, "Adaptive document image
binarization", Pattern Recognition 33, 2000), with a contrast floor for flat areas:

    m, s    the mean and standard deviation of luma in a `WINDOW` box around the pixel
    T       m (1 + k (s / R - 1)), k = `K`, R = `R` (half the range of 8-bit values)
    y > T   white, else black

Where the box is flat (s < `FLAT`), Sauvola's T is just under m, so a flat dark area (a
coat, a night sky) would come out white; there the box is one thing, black when its mean is
under half of Otsu's global threshold and white otherwise. Uneven light on a page (paper in
shadow is still far above half the threshold) stays white, and a photo keeps its dark masses.

`level` (0..1) asks for one global threshold instead ("threshold at 50 %"). Alpha is kept;
the output holds only the values 0 and 255.
"""

from __future__ import annotations

from typing import Any

import cv2
import numpy as np
from pydantic import Field

from gouache.images import Image
from gouache.ops._pixels import rgb_of, with_alpha_of
from gouache.ops.registry import OpContext, Operator, Params

WINDOW = 1 / 16  # of the shorter side: a few text lines high
MIN_WINDOW = 15
K = 0.2
R = 128.0
FLAT = 12.0  # luma standard deviation under which a box holds no edge
BAND_PIXELS = 1 << 20


class BinarizeParams(Params):
    # A fixed global threshold (0..1 of white); None: adaptive (module doc).
    level: float | None = Field(default=None, gt=0.0, lt=1.0)


def binarize(image: Image, p: BinarizeParams, ctx: OpContext) -> Image:
    """Every pixel black or white by the threshold in the module doc."""
    luma = np.asarray(
        cv2.cvtColor(np.ascontiguousarray(rgb_of(image)), cv2.COLOR_RGB2GRAY), np.uint8
    )
    if p.level is not None:
        white = luma > round(p.level * 255)
        ctx.notes.append(f"binarize: one threshold at {p.level * 100:.4g} % of white")
    else:
        white = _adaptive(luma)
        ctx.notes.append("binarize: an adaptive (Sauvola) threshold, every pixel black or white")
    out = np.where(white, np.uint8(255), np.uint8(0)).astype(np.uint8)
    return with_alpha_of(np.ascontiguousarray(np.repeat(out[:, :, None], 3, axis=2)), image)


def _adaptive(luma: Image) -> np.ndarray:
    """The white pixels of Sauvola's threshold with the flat-area floor, a band of rows at
    a time (the box sums need float32 copies: 12 B/px for the whole picture at once)."""
    height, width = luma.shape
    window = max(MIN_WINDOW, round(WINDOW * min(height, width)) | 1)
    otsu, _ = cv2.threshold(luma, 0, 255, cv2.THRESH_BINARY | cv2.THRESH_OTSU)
    white = np.empty((height, width), dtype=bool)
    half = window // 2 + 1
    step = max(1, BAND_PIXELS // max(width, 1))
    for top in range(0, height, step):
        rows = slice(top, min(height, top + step))
        around = slice(max(0, rows.start - half), min(height, rows.stop + half))
        y = luma[around].astype(np.float32)
        mean = cv2.boxFilter(y, -1, (window, window), borderType=cv2.BORDER_REFLECT)
        square = cv2.boxFilter(y * y, -1, (window, window), borderType=cv2.BORDER_REFLECT)
        spread = np.sqrt(np.maximum(square - mean * mean, 0.0))
        del square
        # the band's first and last rows are reflected at the picture's edge only
        inner = slice(rows.start - around.start, rows.stop - around.start)
        y, mean, spread = y[inner], mean[inner], spread[inner]
        threshold = mean * np.float32(1.0 + K * (spread / np.float32(R) - 1.0))
        flat = spread < FLAT
        white[rows] = np.where(flat, mean > np.float32(otsu / 2), y > threshold)
    return white


OPERATORS: list[Operator[Any]] = [
    Operator(
        name="binarize",
        version="1.0.0",
        summary="pure black and white, no grey, like a scan (an adaptive threshold)",
        params=BinarizeParams,
        run=binarize,
        keywords=(
            "binarize",
            "binarise",
            "binarized",
            "binarised",
            "threshold",
            "thresholded",
            "pure black and white",
            "pure b&w",
            "only black and white",
            "just black and white",
            "black and white only",
            "scanned",
            "like a scan",
            "look like a scan",
            "photocopy",
            "photocopied",
            "like a fax",
            "bitonal",
            "1 bit",
            "1-bit",
            "one bit",
        ),
        examples=("make it look scanned", "threshold it"),
    ),
]
