"""Dust specks and scratches on an old photo: where they are, and their repair.

The picture is read in tiles (TILE px with OVERLAP px of context on every side), so the
memory used grows with the tile, not with the photo. In each tile, on the luma v:

1. Residual: r = v - median(v) over a MEDIAN px square (T. Huang, G. Yang, G. Tang, "A fast
   two-dimensional median filtering algorithm", IEEE TASSP 27(1), 1979; `cv2.medianBlur`).
   A mark narrower than half the square stands out of r with its sign (light or dark).
2. Scratches: an oriented, two-sided line detector (after E. Ricci, R. Perfetti, "Retinal
   blood vessel segmentation using line operators and support vector classification", IEEE
   TMI 26(10), 2007). At each of ANGLES directions the tile is turned so that the direction
   is horizontal (`cv2.warpAffine`); there m = the mean of v along LINE px, and the line
   contrast is min(m - m(above), m - m(below)) with the flanks FLANKS px away (the larger
   of the two spacings): both flanks must be darker (for a light line), so an edge, whose
   one side is as light as the line, does not count. A scratch is a run of pixels whose
   contrast passes LINE_CONTRAST over at least RUN_SHARE of a window 2 * RUN + 1 px long,
   with a mean contrast above it too; pixels within the window of such a run are marked
   when their contrast passes LINE_KEEP of the threshold, and those further along its line
   (within twice the window) when it passes LINE_EXTEND (where the scratch crosses
   something busier). Short or curved thin things (hair, folds, catch-lights, star points)
   fill no such window.
3. Specks: a pixel more than SPOT_CONTRAST levels lighter (darker) than the second lightest
   (darkest) of 16 points on a ring SPOT_RINGS px around it, each point the lightest
   (darkest) of its 3 x 3 square: isolated, as dust is (one point of the ring may fall on
   something else). Groups of such pixels wider than SPOT_WIDTH are not specks. The speck
   is the pixels around its peak standing out by more than SPOT_EXTENT of it.
4. Rims: a pixel next to a mark that stands out the same way by more than RIM of the mark
   (and RIM_LEVELS levels) is its soft edge, and is filled with it.
5. Fill: A. Telea, "An image inpainting technique based on the fast marching method",
   Journal of Graphics Tools 9(1), 2004 (`cv2.inpaint`), tile by tile.

Measured on generated damage (`gouache.evals.damage`) over five photos: see
`benchmarks/restoration.py` and tests/ops/test_marks.py.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import cv2
import numpy as np
import numpy.typing as npt

from gouache.images import Image
from gouache.ops._pixels import Float32Array

MEDIAN = 15
ANGLES = 36
LINE = 31
FLANKS = (3, 6)
RUN = 36
RUN_SHARE = 0.65
LINE_CONTRAST = 20.0
LINE_KEEP = 0.6
LINE_EXTEND = 0.3
# The residual of a marked pixel must have the mark's sign and this share of its contrast.
SIGN_SHARE = 0.4
SPOT_CONTRAST = 20.0
SPOT_RINGS = (4, 7)
SPOT_WIDTH = 11
# A speck's pixels lie within this square around its peak.
SPOT_REACH = 9
SPOT_EXTENT = 0.5
RIM = 0.2
RIM_LEVELS = 4.0
INPAINT_RADIUS = 3
TILE = 512
# Context each tile needs: the far reach along a run (2 RUN), the run's own window (RUN),
# the line and the flanks.
OVERLAP = 3 * RUN + LINE // 2 + max(FLANKS) + 4
# Below this many pixels on the short side, nothing is looked for.
MIN_SIDE = 16
# Scratches are counted on the line pixels pooled to at most this many cells a side.
COUNT_SIDE = 2048


@dataclass(frozen=True)
class Marks:
    """What was found: the pixels to fill, and how many specks and scratches they make."""

    mask: npt.NDArray[np.bool_]
    spots: int
    scratches: int


def find_marks(rgb: Image, strength: float = 1.0) -> Marks:
    """The dust and scratch marks of an RGB picture. `strength` (0 < s <= 1) divides the
    contrast thresholds' complement: lower strengths take only the clearest marks."""
    height, width = rgb.shape[:2]
    mask = np.zeros((height, width), dtype=bool)
    if min(height, width) < MIN_SIDE:
        return Marks(mask=mask, spots=0, scratches=0)
    spots = 0
    # the line pixels, pooled over STEP x STEP squares: enough to count the scratches
    step = max(1, math.ceil(max(height, width) / COUNT_SIDE))
    lines = np.zeros((math.ceil(height / step), math.ceil(width / step)), dtype=bool)
    for top, left, bottom, right, core in _tiles(height, width):
        luma = np.asarray(
            cv2.cvtColor(np.ascontiguousarray(rgb[top:bottom, left:right]), cv2.COLOR_RGB2GRAY),
            dtype=np.uint8,
        )
        tile = _tile_marks(luma, strength, (left, top))
        (y0, y1), (x0, x1) = core
        _pool_into(lines, tile.lines[y0:y1, x0:x1], top + y0, left + x0, step)
        mask[top + y0 : top + y1, left + x0 : left + x1] = tile.mask[y0:y1, x0:x1]
        spots += _count_within(tile.spot_seeds, core)
    return Marks(mask=mask, spots=spots, scratches=count_scratches(lines, step))


def repair(rgb: Image, mask: npt.NDArray[np.bool_]) -> Image:
    """`rgb` with the masked pixels filled (Telea), tile by tile."""
    out = rgb.copy()
    height, width = mask.shape
    for top, left, bottom, right, core in _tiles(height, width):
        (y0, y1), (x0, x1) = core
        if not mask[top + y0 : top + y1, left + x0 : left + x1].any():
            continue
        patch = np.ascontiguousarray(rgb[top:bottom, left:right])
        holes = mask[top:bottom, left:right].astype(np.uint8)
        filled = np.asarray(cv2.inpaint(patch, holes, INPAINT_RADIUS, cv2.INPAINT_TELEA))
        out[top + y0 : top + y1, left + x0 : left + x1] = filled[y0:y1, x0:x1]
    return out


def _pool_into(
    pooled: npt.NDArray[np.bool_], part: npt.NDArray[np.bool_], top: int, left: int, step: int
) -> None:
    """OR `part` (whose top-left pixel is at (top, left), both multiples of `step` or at
    the photo's edge) into `pooled`, one cell per step x step square."""
    ys, xs = np.nonzero(part)
    pooled[(ys + top) // step, (xs + left) // step] = True


def count_scratches(pooled: npt.NDArray[np.bool_], step: int = 1) -> int:
    """Separate scratches: groups of line pixels (pooled over step x step squares, joined
    across a few cells' gap) at least a run's window long."""
    if not pooled.any():
        return 0
    joined = cv2.dilate(pooled.astype(np.uint8), np.ones((5, 5), np.uint8))
    stats = cv2.connectedComponentsWithStats(joined, connectivity=8)[2]
    extent = np.maximum(stats[1:, cv2.CC_STAT_WIDTH], stats[1:, cv2.CC_STAT_HEIGHT])
    return int((extent * step >= RUN).sum())


@dataclass(frozen=True)
class _TileMarks:
    mask: npt.NDArray[np.bool_]
    lines: npt.NDArray[np.bool_]
    spot_seeds: list[tuple[float, float]]


Core = tuple[tuple[int, int], tuple[int, int]]


def _tiles(height: int, width: int) -> list[tuple[int, int, int, int, Core]]:
    """(top, left, bottom, right, ((y0, y1), (x0, x1))): each tile with its context, and the
    part of it (the core, in the tile's coordinates) that it decides."""
    out: list[tuple[int, int, int, int, Core]] = []
    for top in range(0, height, TILE):
        for left in range(0, width, TILE):
            bottom, right = min(height, top + TILE), min(width, left + TILE)
            t0, l0 = max(0, top - OVERLAP), max(0, left - OVERLAP)
            b0, r0 = min(height, bottom + OVERLAP), min(width, right + OVERLAP)
            core = ((top - t0, bottom - t0), (left - l0, right - l0))
            out.append((t0, l0, b0, r0, core))
    return out


def _count_within(points: list[tuple[float, float]], core: Core) -> int:
    (y0, y1), (x0, x1) = core
    return sum(1 for x, y in points if y0 <= y < y1 and x0 <= x < x1)


def _tile_marks(
    luma: npt.NDArray[np.uint8], strength: float, origin: tuple[int, int] = (0, 0)
) -> _TileMarks:
    v = luma.astype(np.float32)
    # 1. the residual from the median: its sign tells light marks from dark ones
    residual = v - cv2.medianBlur(luma, MEDIAN).astype(np.float32)
    # 2. scratches
    lines = _lines(v, residual, LINE_CONTRAST / strength, origin)
    # 3. specks
    spots, seeds = _spots(v, residual, SPOT_CONTRAST / strength)
    marks = lines | spots
    # 4. the soft rims of both
    signed = np.where(marks, residual, np.float32(0.0))
    square = np.ones((3, 3), np.uint8)
    light = cv2.dilate(np.maximum(signed, 0), square)
    dark = cv2.erode(np.minimum(signed, 0), square)
    rim = ((light > 0) & (residual > RIM * light) & (residual > RIM_LEVELS)) | (
        (dark < 0) & (residual < RIM * dark) & (residual < -RIM_LEVELS)
    )
    return _TileMarks(mask=marks | rim, lines=lines, spot_seeds=seeds)


def _rotation(
    angle: float, origin: tuple[int, int], height: int, width: int
) -> tuple[Float32Array, tuple[int, int]]:
    """The affine map turning a line at `angle` degrees (image axes, y down) horizontal, for a
    tile whose top-left pixel is `origin` (x, y) in the photo, and the (width, height) of a
    canvas holding the whole turned tile. The turn is about the photo's origin and the
    canvas is placed at whole pixels, so every tile samples the same turned grid: tiles agree
    where they overlap."""
    cos, sin = math.cos(math.radians(angle)), math.sin(math.radians(angle))
    left, top = origin
    xs = np.array([left, left + width - 1, left, left + width - 1], dtype=np.float64)
    ys = np.array([top, top, top + height - 1, top + height - 1], dtype=np.float64)
    turned_x, turned_y = cos * xs + sin * ys, -sin * xs + cos * ys
    x0, y0 = math.floor(turned_x.min()), math.floor(turned_y.min())
    size = (math.ceil(turned_x.max()) - x0 + 1, math.ceil(turned_y.max()) - y0 + 1)
    matrix = np.array(
        [
            [cos, sin, cos * left + sin * top - x0],
            [-sin, cos, -sin * left + cos * top - y0],
        ],
        dtype=np.float32,
    )
    return matrix, size


def _turn(a: Float32Array, matrix: Float32Array, size: tuple[int, int]) -> Float32Array:
    flags, border = cv2.INTER_LINEAR, cv2.BORDER_REPLICATE
    return np.asarray(cv2.warpAffine(a, matrix, size, flags=flags, borderMode=border))


def _rows(a: Float32Array, dy: int) -> Float32Array:
    """`a` moved by `dy` rows (b[y] = a[y + dy]), its edge rows repeated."""
    index = np.clip(np.arange(a.shape[0]) + dy, 0, a.shape[0] - 1)
    return np.asarray(a[index])


def _along(a: Float32Array, length: int) -> Float32Array:
    """The mean of `a` along rows over `length` px, centred."""
    return np.asarray(cv2.blur(a, (length, 1), borderType=cv2.BORDER_REPLICATE))


def _lines(
    v: Float32Array, residual: Float32Array, cut: float, origin: tuple[int, int]
) -> npt.NDArray[np.bool_]:
    """Pixels of long straight light or dark lines (stage 2 of the module's docstring)."""
    height, width = v.shape
    found = np.zeros((height, width), dtype=np.uint8)
    window, reach = 2 * RUN + 1, 4 * RUN + 1
    for i in range(ANGLES):
        angle = 180.0 * i / ANGLES
        matrix, size = _rotation(angle, origin, height, width)
        turned = cv2.warpAffine(
            v, matrix, size, flags=cv2.INTER_LINEAR, borderMode=cv2.BORDER_REPLICATE
        )
        sign = cv2.warpAffine(
            residual, matrix, size, flags=cv2.INTER_LINEAR, borderMode=cv2.BORDER_REPLICATE
        )
        mean = _along(np.asarray(turned), LINE)
        light = np.full(mean.shape, -np.inf, dtype=np.float32)
        dark = np.full(mean.shape, -np.inf, dtype=np.float32)
        for gap in FLANKS:
            above, below = _rows(mean, -gap), _rows(mean, gap)
            np.maximum(light, np.minimum(mean - above, mean - below), out=light)
            np.maximum(dark, np.minimum(above - mean, below - mean), out=dark)
        keep = np.zeros(mean.shape, dtype=bool)
        for contrast, polar in ((light, sign), (dark, -sign)):
            strong = ((contrast > cut) & (polar > SIGN_SHARE * cut)).astype(np.float32)
            run = (_along(contrast, window) > cut) & (_along(strong, window) > RUN_SHARE)
            runs = run.astype(np.float32)
            near = _along(runs, window) > 0.5 / window
            far = _along(runs, reach) > 0.5 / reach
            level = LINE_KEEP * cut
            keep |= near & (contrast > level) & (polar > SIGN_SHARE * level)
            level = LINE_EXTEND * cut
            keep |= far & (contrast > level) & (polar > SIGN_SHARE * level)
        if not keep.any():
            continue
        back = cv2.warpAffine(
            keep.astype(np.uint8) * np.uint8(255),
            matrix,
            (width, height),
            flags=cv2.INTER_LINEAR | cv2.WARP_INVERSE_MAP,
            borderMode=cv2.BORDER_CONSTANT,
        )
        found |= np.asarray(back >= 128, dtype=np.uint8)
    return found.astype(bool)


_RING = [(math.cos(2 * math.pi * i / 16), math.sin(2 * math.pi * i / 16)) for i in range(16)]


def _shifted(a: Float32Array, dx: int, dy: int) -> Float32Array:
    h, w = a.shape
    ys = np.clip(np.arange(h) + dy, 0, h - 1)
    xs = np.clip(np.arange(w) + dx, 0, w - 1)
    return np.asarray(a[ys][:, xs])


def _second(a: Float32Array, offsets: list[tuple[int, int]], *, highest: bool) -> Float32Array:
    """Per pixel, the second highest (or lowest) of `a` at the given offsets, kept as a
    running top two: three arrays, not one per offset."""
    sign = np.float32(1.0 if highest else -1.0)
    first = np.full(a.shape, -np.inf, dtype=np.float32)
    second = np.full(a.shape, -np.inf, dtype=np.float32)
    for dx, dy in offsets:
        value = sign * _shifted(a, dx, dy)
        np.maximum(second, np.minimum(first, value), out=second)
        np.maximum(first, value, out=first)
    return np.asarray(sign * second, dtype=np.float32)


def _spots(
    v: Float32Array, residual: Float32Array, cut: float
) -> tuple[npt.NDArray[np.bool_], list[tuple[float, float]]]:
    """Isolated small light or dark specks (stage 3 of the module's docstring), and the
    centre (x, y) of each."""
    square = np.ones((3, 3), np.uint8)
    lightest = np.asarray(cv2.dilate(v, square), dtype=np.float32)
    darkest = np.asarray(cv2.erode(v, square), dtype=np.float32)
    light = np.full(v.shape, -np.inf, dtype=np.float32)
    dark = np.full(v.shape, -np.inf, dtype=np.float32)
    for radius in SPOT_RINGS:
        offsets = [(round(dx * radius), round(dy * radius)) for dx, dy in _RING]
        np.maximum(light, v - _second(lightest, offsets, highest=True), out=light)
        np.maximum(dark, _second(darkest, offsets, highest=False) - v, out=dark)
    found = np.zeros(v.shape, dtype=bool)
    centres: list[tuple[float, float]] = []
    reach = np.ones((SPOT_REACH, SPOT_REACH), np.uint8)
    for contrast, polar in ((light, residual), (dark, -residual)):
        seeds = ((contrast > cut) & (polar > SIGN_SHARE * cut)).astype(np.uint8)
        count, labels, stats, middles = cv2.connectedComponentsWithStats(seeds, connectivity=8)
        if count <= 1:
            continue
        small = (stats[:, cv2.CC_STAT_WIDTH] <= SPOT_WIDTH) & (
            stats[:, cv2.CC_STAT_HEIGHT] <= SPOT_WIDTH
        )
        small[0] = False
        peaks = np.where(small[labels], polar, np.float32(0.0)).astype(np.float32)
        around = cv2.dilate(peaks, reach)
        found |= (around > 0) & (polar > SPOT_EXTENT * around)
        centres.extend((float(x), float(y)) for x, y in middles[small])
    return found, centres
