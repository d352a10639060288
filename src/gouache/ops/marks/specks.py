"""Stage 4 of `gouache.ops.marks`: dust specks."""

from __future__ import annotations

import math

import cv2
import numpy as np
import numpy.typing as npt

from gouache.ops._pixels import Float32Array
from gouache.ops.marks.base import (
    FLANK_SLACK,
    GRAIN_SLACK,
    LIGHT,
    SPECK,
    IntArray,
    mirrored,
)

SPOT_RINGS = (4, 7)
# A round group of candidates this wide or more is also tried on rings SPOT_GAP and
# SPOT_GAP + SPOT_STEP px past its half-width; round: its short side SPOT_ROUND of its long
# one, filling SPOT_FILL of its box (a disc fills pi / 4).
SPOT_LARGE = 7
SPOT_GAP = 2.5
SPOT_STEP = 3
SPOT_ROUND = 0.6
SPOT_FILL = 0.6
# A speck's pixels lie within this square around its peak, and stand out by SPOT_EXTENT of it.
SPOT_REACH = 9
SPOT_WIDTH = 11
SPOT_EXTENT = 0.5
RING_SPREAD = 0.6
# A speck stands out of its ring by this many levels (dust is far lighter or darker).
SPOT_CONTRAST = 20.0
# ... and SPOT_TEXTURE times the local grain.
SPOT_TEXTURE = 3.0
# An even disc (a speck over busy ground): a group of candidates EVEN_SIDE..SPOT_WIDTH px
# wide filling EVEN_FILL of its box, its short axis EVEN_ROUND of its long one, its
# pixels' spread (its core's, the group less its rim, when that has EVEN_CORE pixels), and
# its ring's, within EVEN_SPREAD and EVEN_RING of its contrast over that ring.
EVEN_SIDE = 3
EVEN_FILL = 0.45
EVEN_CONTRAST = 1.6
EVEN_SPREAD = 0.1
EVEN_RING = 0.5
EVEN_CORE = 9
EVEN_ROUND = 0.5


_RING = [(math.cos(2 * math.pi * i / 16), math.sin(2 * math.pi * i / 16)) for i in range(16)]


def find_specks(
    code: npt.NDArray[np.uint8],
    v: Float32Array,
    residual: npt.NDArray[np.int16],
    ground: Float32Array,
    grain: Float32Array,
    sign: int,
    cut: float,
    spot_cut: float,
) -> npt.NDArray[np.intp]:
    """Mark the specks of one sign in `code` (stage 4 of `gouache.ops.marks`); their peaks' rows."""
    light = sign == LIGHT
    polar = np.float32(1.0 if light else -1.0)
    standing = polar * residual.astype(np.float32)
    level = np.maximum(np.float32(cut), np.float32(SPOT_TEXTURE) * grain)
    py, px = np.nonzero(standing > level)
    if len(py) == 0:
        return np.zeros(0, dtype=np.intp)
    square = np.ones((3, 3), np.uint8)
    high = np.asarray(cv2.dilate(v, square) if light else -cv2.erode(v, square), np.float32)
    centre = polar * v[py, px]
    slack = np.float32(FLANK_SLACK) + np.float32(GRAIN_SLACK) * grain[py, px]
    least = np.maximum(level[py, px], np.float32(spot_cut))
    passed = np.zeros(len(py), dtype=bool)
    for radius, which in _rings(py, px, v.shape):
        around = [(round(dx * radius), round(dy * radius)) for dx, dy in _RING]
        ys, xs = py[which], px[which]
        tops = np.sort(np.stack([mirrored(high, ys, xs, dx, dy) for dx, dy in around]), 0)
        ring = np.sort(np.stack([np.abs(mirrored(ground, ys, xs, dx, dy)) for dx, dy in around]), 0)
        contrast = centre[which] - tops[-2]
        smooth = ring[-3] <= np.float32(RING_SPREAD) * contrast + slack[which]
        passed[which] |= (contrast > least[which]) & smooth
    passed |= _even_discs(py, px, v, polar, least)
    # groups of passing pixels no wider than SPOT_WIDTH are specks; each is the pixels
    # near its peak standing out by SPOT_EXTENT of it
    seeds = np.zeros(v.shape, dtype=np.uint8)
    seeds[py[passed], px[passed]] = 1
    _, labels, stats, middles = cv2.connectedComponentsWithStats(seeds, connectivity=8)
    small = (stats[:, cv2.CC_STAT_WIDTH] <= SPOT_WIDTH) & (
        stats[:, cv2.CC_STAT_HEIGHT] <= SPOT_WIDTH
    )
    small[0] = False
    peaks = np.where(small[labels], standing, np.float32(0.0)).astype(np.float32)
    reach = cv2.dilate(peaks, np.ones((SPOT_REACH, SPOT_REACH), np.uint8))
    code[(reach > 0) & (standing > np.float32(SPOT_EXTENT) * reach)] |= SPECK
    return np.asarray(np.rint(middles[small, 1]), dtype=np.intp)


def _even_discs(
    py: IntArray, px: IntArray, v: Float32Array, polar: np.float32, least: Float32Array
) -> npt.NDArray[np.bool_]:
    """Which candidates (py, px) are on an even disc: a round group EVEN_SIDE..SPOT_WIDTH px
    wide, its pixels alike (their spread within EVEN_SPREAD of its contrast), standing out of
    the ring 3-4 px around it by EVEN_CONTRAST times the least contrast, where that ring's own
    spread stays within EVEN_RING of it. Dust is one flat lump of paper or black: a speck
    over busy ground (fur, a dark suit by a light edge) fails the ring test there, but the
    content's own blobs are shaded."""
    blobs = np.zeros(v.shape, dtype=np.uint8)
    blobs[py, px] = 1
    count, owner, stats, _ = cv2.connectedComponentsWithStats(blobs, connectivity=8)
    w, h = stats[:, cv2.CC_STAT_WIDTH], stats[:, cv2.CC_STAT_HEIGHT]
    side = np.maximum(w, h)
    fill = stats[:, cv2.CC_STAT_AREA] / np.maximum(1, w * h)
    shaped = (side >= EVEN_SIDE) & (side <= SPOT_WIDTH) & (fill >= EVEN_FILL)
    shaped[0] = False
    if not shaped.any():
        return np.zeros(len(py), dtype=bool)
    tagged = np.where(shaped[owner], owner, 0).astype(np.float32)
    near = cv2.dilate(tagged, np.ones((5, 5), np.uint8))
    far = cv2.dilate(tagged, np.ones((9, 9), np.uint8))
    ring = np.where(near == 0, far, 0).astype(np.intp).ravel()
    inside = tagged.astype(np.intp).ravel()
    flat = v.ravel()

    def mean_sd(labels: npt.NDArray[np.intp]) -> tuple[npt.NDArray[np.float64], ...]:
        # over the labelled pixels only (a few per band)
        at = np.flatnonzero(labels)
        where, values = labels[at], float(polar) * flat[at].astype(np.float64)
        n = np.maximum(np.bincount(where, minlength=count), 1)
        mean = np.bincount(where, values, minlength=count) / n
        sq = np.bincount(where, values * values, minlength=count) / n
        return mean, np.sqrt(np.maximum(sq - mean * mean, 0.0))

    m_in, sd_in = mean_sd(inside)
    # a wide disc is judged on its core: its soft rim blends into the ground
    inner = cv2.erode(tagged, np.ones((3, 3), np.uint8))
    core = np.where(inner == tagged, inner, 0).astype(np.intp).ravel()
    cores = np.bincount(core, minlength=count)
    _, sd_core = mean_sd(core)
    use = cores >= EVEN_CORE
    sd_in = np.where(use, sd_core, sd_in)
    m_ring, sd_ring = mean_sd(ring)
    contrast = m_in - m_ring
    group = np.asarray(owner[py, px], dtype=np.intp)
    even = shaped[group] & (contrast[group] > EVEN_CONTRAST * least)
    even &= sd_in[group] <= EVEN_SPREAD * contrast[group]
    even &= sd_ring[group] <= EVEN_RING * contrast[group]
    even &= _roundness(py, px, group, count)[group] >= EVEN_ROUND
    return np.asarray(even)


def _roundness(py: IntArray, px: IntArray, group: IntArray, count: int) -> npt.NDArray[np.float64]:
    """Per group of pixels, its short axis over its long one (from its second moments): 1
    for a disc, less for a streak, whatever its slant."""
    n = np.maximum(np.bincount(group, minlength=count), 1)
    x, y = px.astype(np.float64), py.astype(np.float64)
    mx, my = np.bincount(group, x, count) / n, np.bincount(group, y, count) / n
    xx = np.bincount(group, x * x, count) / n - mx * mx
    yy = np.bincount(group, y * y, count) / n - my * my
    xy = np.bincount(group, x * y, count) / n - mx * my
    half, root = (xx + yy) / 2, np.sqrt(((xx - yy) / 2) ** 2 + xy * xy)
    return np.asarray(np.sqrt(np.maximum(half - root, 0.0) / np.maximum(half + root, 1e-9)))


def _rings(py: IntArray, px: IntArray, shape: tuple[int, ...]) -> list[tuple[float, IntArray]]:
    """The rings each candidate (py, px) is tested on: SPOT_RINGS for all, and for a round
    group of candidates SPOT_LARGE px wide or more, two just outside it (SPOT_GAP and
    SPOT_GAP + SPOT_STEP px past its half-width): the near fixed ring lies on a large speck
    and the far one on its soft edge, and both read the speck itself."""
    every = np.arange(len(py))
    rings = [(float(r), every) for r in SPOT_RINGS]
    blobs = np.zeros(shape[:2], dtype=np.uint8)
    blobs[py, px] = 1
    _, owner, stats, _ = cv2.connectedComponentsWithStats(blobs, connectivity=8)
    w, h = stats[:, cv2.CC_STAT_WIDTH], stats[:, cv2.CC_STAT_HEIGHT]
    side = np.maximum(w, h)
    # round: as wide as high, and filling its box as a disc does (pi / 4)
    fill = stats[:, cv2.CC_STAT_AREA] / np.maximum(1, w * h)
    round_ = (np.minimum(w, h) >= SPOT_ROUND * side) & (fill >= SPOT_FILL)
    large = (side >= SPOT_LARGE) & (side <= SPOT_WIDTH) & round_
    radius = np.where(large, np.ceil(side / 2 + SPOT_GAP), 0).astype(np.intp)[owner[py, px]]
    for r in np.unique(radius[radius > 0]):
        which = np.nonzero(radius == r)[0]
        rings += [(float(r), which), (float(r + SPOT_STEP), which)]
    return rings
