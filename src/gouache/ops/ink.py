"""Darker text: the strokes of dark writing on a lighter ground are deepened, the ground is not.

Where the ink is -- the ground under the writing is estimated by a morphological closing of
the luma (a disc wider than a stroke fills the strokes in with the ground around them), then
a median; the ink is how far a pixel falls below its ground:

    Y            luma (BT.601)
    G            max(Y, median(close(Y, disc)))        the ground            `ground`
    k            G - Y                                 the ink's depth        `ink`
    w            clip((k - INK_LOW) / (INK_HIGH - INK_LOW), 0, 1)   its weight, 0 on the ground

Which writing -- inside the lines the OCR read (boxes grown by BOX_MARGIN), or, when it read
none, the whole picture if it is a page: at least PAGE_SHARE of it a light, nearly colourless
ground (handwriting the OCR cannot read), less the lines of ruled paper (`_unrule`). Anywhere
else there is no text to darken.

The change -- each stroke pixel is scaled toward black so its luma becomes Y - amount w k (hue
kept); pixels with w = 0 keep their exact values.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import cv2
import numpy as np
import numpy.typing as npt
from pydantic import Field

from gouache.analysis.types import Box
from gouache.errors import InvalidParameterError
from gouache.images import Image
from gouache.ops._pixels import LUMA_WEIGHTS, Float32Array, rgb_of, to_uint8, with_alpha_of
from gouache.ops.registry import OpContext, Operator, Params

DISC = 0.02  # the closing's disc, of the long side (at least 5 px)
INK_LOW = 8.0  # code values below the ground: noise, left alone
INK_HIGH = 24.0  # and from here on: full ink
BOX_MARGIN = 3
PAGE_SHARE = 0.85
PAPER_LUMA = 110.0
PAPER_CHROMA = 20.0
SHARE_SIDE = 512
RULED_LINES = 3  # a page with this many parallel long lines is ruled
RULED_LENGTH = 0.3  # of the width
RULED_ANGLE = 3.0  # degrees from the lines' median angle
RULED_WIDTH = 0.008  # of the long side: the band taken out around each line
BAND_PIXELS = 1 << 18  # pixels worked at once (memory, not results)
GROUND_SIDE = 2000  # the long side the ground is estimated at (larger pictures: a reduced copy)


class DarkenTextParams(Params):
    # How much deeper the ink goes: 0.6 makes each stroke 60 % further below its ground.
    amount: float = Field(default=0.6, gt=0.0, le=2.0)


def ink_weight(image: Image, boxes: Sequence[Box]) -> tuple[Float32Array, Float32Array]:
    """The ink's weight w (0..1) and depth k of each pixel, zero where there is no text."""
    rgb, ground, area = _prepared(image, boxes)
    height, width = rgb.shape[:2]
    _, weight, ink = _band(rgb, ground.rows(slice(0, height), width), area)
    return weight, ink


class _Ground:
    """The ground's estimate at 1/factor of the size (bytes), brought up a band at a time: the
    closing is smooth at the disc's scale, so a full-size copy would only cost memory."""

    def __init__(self, small: npt.NDArray[np.uint8], factor: int) -> None:
        self.small = small
        self.factor = factor

    def rows(self, rows: slice, width: int) -> npt.NDArray[np.uint8]:
        if self.factor == 1:
            return self.small[rows]
        f = self.factor
        first = max(0, rows.start // f - 1)
        last = min(self.small.shape[0], -(-rows.stop // f) + 1)
        up = cv2.resize(
            self.small[first:last], (width, (last - first) * f), interpolation=cv2.INTER_LINEAR
        )
        return np.asarray(up[rows.start - first * f : rows.stop - first * f], dtype=np.uint8)


def _prepared(image: Image, boxes: Sequence[Box]) -> tuple[Image, _Ground, npt.NDArray[np.bool_]]:
    """The colour channels, the ground's estimate and where the writing is."""
    rgb = rgb_of(image)
    luma = np.asarray(cv2.cvtColor(rgb, cv2.COLOR_RGB2GRAY), dtype=np.uint8)
    factor = max(1, -(-max(luma.shape) // GROUND_SIDE))
    if factor > 1:
        # the brightest of each factor x factor block: a stroke never lowers the ground
        pooled = cv2.dilate(luma, np.ones((factor, factor), np.uint8))
        luma = np.ascontiguousarray(pooled[factor // 2 :: factor, factor // 2 :: factor])
        del pooled
    size = max(5, round(DISC * max(luma.shape))) | 1
    disc = cv2.getStructuringElement(cv2.MORPH_ELLIPSE, (size, size))
    closed = cv2.morphologyEx(luma, cv2.MORPH_CLOSE, disc)
    del luma
    ground = _Ground(np.asarray(cv2.medianBlur(closed, 5), dtype=np.uint8), factor)
    return rgb, ground, _text_area(rgb, ground.small, boxes)


def _band(
    rgb: Image, smooth: npt.NDArray[np.uint8], area: npt.NDArray[np.bool_]
) -> tuple[Float32Array, Float32Array, Float32Array]:
    """Luma Y, the ink's weight w and depth k of some rows (see the module doc)."""
    luma = np.asarray(rgb.astype(np.float32) @ LUMA_WEIGHTS, dtype=np.float32)
    ink = np.maximum(luma, smooth.astype(np.float32)) - luma
    weight = np.clip((ink - INK_LOW) / (INK_HIGH - INK_LOW), 0.0, 1.0).astype(np.float32)
    weight[~area] = 0.0
    return luma, weight, ink


def _text_area(
    rgb: Image, ground: npt.NDArray[np.uint8], boxes: Sequence[Box]
) -> npt.NDArray[np.bool_]:
    """Where the writing is; `ground` may be a reduced copy."""
    height, width = rgb.shape[:2]
    area = np.zeros((height, width), dtype=bool)
    for box in boxes:
        top, left = max(0, box.y - BOX_MARGIN), max(0, box.x - BOX_MARGIN)
        area[top : box.y + box.h + BOX_MARGIN, left : box.x + box.w + BOX_MARGIN] = True
    if boxes:
        return area
    if page_share(rgb, ground) >= PAGE_SHARE:
        area[:] = True
        _unrule(area, rgb, ground)
    return area


def _unrule(area: npt.NDArray[np.bool_], rgb: Image, ground: npt.NDArray[np.uint8]) -> None:
    """Take a ruled page's lines out of `area`: at least RULED_LINES long straight lines
    (RULED_LENGTH of the width, found by the probabilistic Hough transform on the ink of a copy
    at most SHARE_SIDE px long) that run within RULED_ANGLE degrees of their median angle. A
    long handwritten stroke at another angle stays writing."""
    height, width = area.shape
    scale = min(1.0, SHARE_SIDE / max(height, width))
    size = (max(1, round(width * scale)), max(1, round(height * scale)))
    luma = np.asarray(cv2.cvtColor(rgb, cv2.COLOR_RGB2GRAY), dtype=np.uint8)
    if scale < 1.0:
        luma = np.asarray(cv2.resize(luma, size, interpolation=cv2.INTER_AREA), np.uint8)
    if ground.shape != luma.shape:
        ground = np.asarray(cv2.resize(ground, size, interpolation=cv2.INTER_AREA), np.uint8)
    ink = ((np.maximum(luma, ground).astype(np.int16) - luma) > INK_HIGH).astype(np.uint8)
    found = cv2.HoughLinesP(
        ink * 255,
        1,
        np.pi / 360,
        threshold=max(2, round(0.15 * max(size))),
        minLineLength=max(2, round(RULED_LENGTH * size[0])),
        maxLineGap=max(1, round(0.02 * max(size))),
    )
    if found is None:
        return
    lines = np.asarray(found, dtype=np.float64).reshape(-1, 4) / scale
    angles = np.degrees(np.arctan2(lines[:, 3] - lines[:, 1], lines[:, 2] - lines[:, 0]))
    angles = (angles + 90.0) % 180.0 - 90.0
    ruled = lines[np.abs(angles - np.median(angles)) <= RULED_ANGLE]
    if len(ruled) < RULED_LINES:
        return
    mask = np.ones((height, width), dtype=np.uint8)
    thick = max(3, round(RULED_WIDTH * max(height, width)))
    for x1, y1, x2, y2 in ruled:
        cv2.line(mask, (round(x1), round(y1)), (round(x2), round(y2)), 0, thick)
    area &= mask.astype(bool)


def page_share(rgb: Image, ground: npt.NDArray[np.uint8]) -> float:
    """The share of the picture whose ground is light and nearly colourless, like paper
    (measured on a copy at most SHARE_SIDE px long)."""
    scale = min(1.0, SHARE_SIDE / max(rgb.shape[:2]))
    size = (max(1, round(rgb.shape[1] * scale)), max(1, round(rgb.shape[0] * scale)))
    if scale < 1.0:
        rgb = np.asarray(cv2.resize(rgb, size, interpolation=cv2.INTER_AREA), dtype=np.uint8)
    if ground.shape != rgb.shape[:2]:
        ground = np.asarray(cv2.resize(ground, size, interpolation=cv2.INTER_AREA), np.uint8)
    lab = cv2.cvtColor(rgb, cv2.COLOR_RGB2Lab).astype(np.float32)
    chroma = np.hypot(lab[..., 1] - 128.0, lab[..., 2] - 128.0)
    return float(((ground > PAPER_LUMA) & (chroma < PAPER_CHROMA)).mean())


def text_mask(image: Image, ctx: OpContext) -> npt.NDArray[np.bool_]:
    """The strokes of the text in `image` (OCR's lines, or a page's writing); empty if none."""
    boxes = [line.box for line in ctx.analysis(image).text]
    weight, _ = ink_weight(image, boxes)
    return np.asarray(weight > 0.5)


def darken_text(image: Image, p: DarkenTextParams, ctx: OpContext) -> Image:
    """Deepen the text's strokes (see the module doc), a band of rows at a time; refuses a
    picture without text."""
    boxes = [line.box for line in ctx.analysis(image).text]
    rgb, ground, area = _prepared(image, boxes)
    out = rgb.copy()
    inked = False
    height, width = rgb.shape[:2]
    step = max(1, BAND_PIXELS // max(1, width))
    for top in range(0, height, step):
        rows = slice(top, min(height, top + step))
        luma, weight, ink = _band(rgb[rows], ground.rows(rows, width), area[rows])
        inked = inked or bool((weight > 0.5).any())
        target = np.maximum(luma - np.float32(p.amount) * weight * ink, 0.0)
        scale = np.where(luma > 1.0, target / np.maximum(luma, 1.0), 1.0).astype(np.float32)
        changed = weight > 0  # the ground keeps its exact values
        band = out[rows]
        band[changed] = to_uint8(band[changed].astype(np.float32) * scale[changed][:, None])
    if not inked:
        raise InvalidParameterError(
            "darken_text: I find no text or handwriting in this picture, so I changed nothing",
            op="darken_text",
        )
    return with_alpha_of(out, image)


OPERATORS: list[Operator[Any]] = [
    Operator(
        name="darken_text",
        version="1.0.0",
        summary="darker text or handwriting: the strokes deepen, the paper stays",
        params=DarkenTextParams,
        run=darken_text,
        keywords=(),  # read by gouache.planner.ink, which checks there is text
        examples=("make the text darker", "make the handwriting darker"),
        global_edit=False,
    ),
]
