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

A large flat region (a connected run of flat boxes over `LARGE` boxes in area: a grey
banner, a panel, a photo's ground) is one value, and so is its rim of the same tone (within
`RIM_TONE` of its mean, half a box from it), where the box straddles its edge: Sauvola read a
mid-grey banner as dark by the paper and light inside it, a white banner with a dark rim. The
value is from one global threshold, Otsu's on luma over the light it is lit by (the largest
luma within `LIGHT` of the shorter side, smoothed, read on a copy `LIGHT_SIDE` px long), so
paper in shadow is paper (its own light) and a grey banner is grey (the paper's light around
it): white when the region's mean over its light's is over that threshold.

`level` (0..1) asks for one global threshold instead ("threshold at 50 %"). Alpha is kept;
the output holds only the values 0 and 255.
"""

from __future__ import annotations

from typing import Any

import cv2
import numpy as np
import numpy.typing as npt
from pydantic import Field

from gouache.images import Image
from gouache.ops._pixels import rgb_of, with_alpha_of
from gouache.ops.registry import OpContext, Operator, Params

WINDOW = 1 / 16  # of the shorter side: a few text lines high
MIN_WINDOW = 15
K = 0.2
R = 128.0
FLAT = 12.0  # luma standard deviation under which a box holds no edge
LARGE = 2  # boxes: a flat region this large is one value
RIM_TONE = 24.0  # luma: a pixel by a large flat region this close to its mean is its rim
LIGHT = 0.25  # of the shorter side: the light is the largest luma this far around
LIGHT_SIDE = 256
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
    flat = np.empty((height, width), dtype=bool)
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
        flat[rows] = spread < FLAT
        white[rows] = np.where(flat[rows], mean > np.float32(otsu / 2), y > threshold)
    _regions(luma, flat, white, window)
    return white


def _regions(
    luma: Image, flat: npt.NDArray[np.bool_], white: npt.NDArray[np.bool_], window: int
) -> None:
    """Each large flat region and its rim of the same tone set to one value (module doc),
    in place, a band of rows at a time (with the labels, 9 B/px besides the picture)."""
    count, labels, stats, _ = cv2.connectedComponentsWithStats(flat.view(np.uint8), connectivity=8)
    area = stats[:, cv2.CC_STAT_AREA]
    large = np.flatnonzero(area >= LARGE * window * window)
    large = large[large > 0]  # label 0 is the boxes with an edge
    if not large.size:
        return
    height, width = luma.shape
    step = max(1, BAND_PIXELS // max(width, 1))
    bands = [slice(top, min(height, top + step)) for top in range(0, height, step)]
    sums = np.zeros(count, np.float64)
    for rows in bands:
        sums += np.bincount(labels[rows].ravel(), weights=luma[rows].ravel(), minlength=count)
    means = sums / np.maximum(area, 1)
    # each region's light, read on the reduced copy the light is found on
    light, threshold = _light(luma)
    small = np.asarray(
        cv2.resize(labels, light.shape[::-1], interpolation=cv2.INTER_NEAREST), np.int32
    )
    seen = np.bincount(small.ravel(), minlength=count)
    lit = np.bincount(small.ravel(), weights=light.ravel(), minlength=count) / np.maximum(seen, 1)
    lit = np.where(seen > 0, lit, means)  # a region too thin to be seen there: its own mean
    values = np.zeros(count, bool)
    values[large] = 255.0 * means[large] / np.maximum(lit[large], 1.0) > threshold
    # each large region's mean luma (+1, so 0 is none) spread half a box around it: the
    # lightest and the darkest region a rim pixel lies by, and the value of that tone
    tone = np.zeros(count, np.uint16)
    tone[large] = np.rint(means[large]).astype(np.uint16) + 1
    value_of = np.zeros(258, bool)
    value_of[tone[large]] = values[large]
    kernel = cv2.getStructuringElement(cv2.MORPH_RECT, (window, window))
    half = window // 2 + 1
    for rows in bands:
        around = slice(max(0, rows.start - half), min(height, rows.stop + half))
        inner = slice(rows.start - around.start, rows.stop - around.start)
        near = tone[labels[around]]
        y = luma[rows].astype(np.float32)
        band = white[rows]
        for spread in (cv2.dilate(near, kernel)[inner], _darkest(near, kernel)[inner]):
            rim = (spread > 0) & (spread < 257)
            rim &= np.abs(y - spread.astype(np.float32) + 1) <= RIM_TONE
            band[rim] = value_of[spread[rim]]
        inside = near[inner] > 0
        band[inside] = values[labels[rows][inside]]


def _darkest(near: npt.NDArray[np.uint16], kernel: npt.NDArray[Any]) -> npt.NDArray[np.uint16]:
    """The darkest region's tone + 1 around each pixel, 257 where none is."""
    return np.asarray(cv2.erode(np.where(near > 0, near, np.uint16(257)).astype(np.uint16), kernel))


def _light(luma: Image) -> tuple[npt.NDArray[np.float32], float]:
    """The light each pixel is lit by (module doc), on a copy at most LIGHT_SIDE px long, and
    Otsu's threshold on luma over it (0..255)."""
    height, width = luma.shape
    scale = min(1.0, LIGHT_SIDE / max(height, width))
    size = (max(1, round(width * scale)), max(1, round(height * scale)))
    small = np.asarray(cv2.resize(luma, size, interpolation=cv2.INTER_AREA), np.uint8)
    reach = max(3, round(LIGHT * min(small.shape)) | 1)
    kernel = cv2.getStructuringElement(cv2.MORPH_RECT, (reach, reach))
    light = np.asarray(cv2.blur(cv2.dilate(small, kernel).astype(np.float32), (reach, reach)))
    over = np.clip(255.0 * small / np.maximum(light, 1.0), 0, 255).astype(np.uint8)
    threshold, _ = cv2.threshold(over, 0, 255, cv2.THRESH_BINARY | cv2.THRESH_OTSU)
    return light.astype(np.float32), float(threshold)


OPERATORS: list[Operator[Any]] = [
    Operator(
        name="binarize",
        version="1.1.0",
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
