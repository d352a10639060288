"""Dust specks and scratches on an old photo: where they are, and their repair.

The photo is read in bands of rows (HALO rows of context above and below), so the working
set grows with the band, not the photo; only a code per pixel (what it is) and its residual
clipped to a byte are kept whole. In each band, on the luma v:

1. Residual and grain: r = v - median(v) over a MEDIAN px square (T. Huang, G. Yang,
   G. Tang, "A fast two-dimensional median filtering algorithm", IEEE TASSP 27(1), 1979;
   `cv2.medianBlur`), and the grain g = the mean of min(|r|, CONTRAST) over the same square
   (a thin mark through it raises g little). A candidate is a pixel whose |r| passes both
   CONTRAST and TEXTURE * g: a mark stands out of its ground by far more than the ground's
   own grain (grass, hair, fur) does.
2. Ridge pixels: a candidate that, across one of DIRECTIONS directions, stands out of both
   near flanks (FLANKS[0] px away) by CONTRAST, where each flank and the centre are means
   of ALONG points along the line on r blurred 3 x 3; the flanks are alike (within
   SYMMETRY of the contrast) and read as ground, near and far (FLANKS[1] px): within
   FLATNESS of the contrast of r = 0. A real edge is a step (unlike sides); a real thin
   object (a tripod's leg, a pole) has an outline of the other sign beside it, so its
   flanks are not ground; a scratch lies over unrelated content, which goes on beside it.
3. Scratches: straight runs of ridge pixels (pooled to at most COUNT_SIDE cells a side),
   found by a Hough transform (ridge cells up to GAP px apart joined), at least
   LENGTH_SHARE of the diagonal (and RUN px) long (EDGE_SHARE of that for a piece ending at
   the frame's edge, where a scratch runs off it, seen or hidden over EDGE_COVER of its
   length and even along itself: its luma's spread within EDGE_EVEN of its contrast, as
   the paper it shows is), kept when they are what a scratch is:
   drawn through (seen over SEEN of their length, and seen or hidden, crossing something as
   light or dark as themselves, over COVER; seen: a ridge cell, or the line, at most 3 px
   wide (THIN), standing out of its flanks by CONTRAST as it is traced below); alone (their
   mean profile across has no outline of the other sign beside it, OUTLINE, and alike
   sides); straight (the ridge cells near them, on and past them, bend by at most
   STRAIGHT_SAG px: not a rim's chord); not following their ground (a scratch shows the
   paper, or the black of a scratched negative, whatever it crosses: the slope of its luma
   over its flanks' stays under FOLLOW_SLOPE). Each is traced on along its line while its
   contrast, averaged over TRACE_MEAN px, stays above EXTEND of CONTRAST with flanks that
   read as ground (across gaps up to RUN px), and the pixels within REACH px of the line
   that stand out its way by as much are marked. Ridge pixels on no scratch are dropped.
4. Specks: candidates lighter (darker) by SPOT_CONTRAST and SPOT_TEXTURE * g than the second
   lightest (darkest) of 16 points on a ring SPOT_RINGS px around (each point the lightest
   (darkest) of its 3 x 3 square; a point past the frame's edge read mirrored back in),
   the ring itself reading as ground (its third largest |r| within RING_SPREAD of the
   contrast); or on an even disc: a round group of candidates (its short axis EVEN_ROUND
   of its long one) whose pixels are alike (spread within EVEN_SPREAD of its contrast, on
   its core when that has EVEN_CORE pixels) standing out of the ring 3-4 px around it
   by EVEN_CONTRAST times the speck threshold, that ring's spread within EVEN_RING of it
   (dust is one flat lump over busy ground, where the ring test fails; content's blobs
   are shaded). A round group of candidates SPOT_LARGE px wide
   or more is also tried on two rings just outside it (the near fixed ring lies on a
   large speck, the far one on its soft edge). Groups of them no wider than SPOT_WIDTH are
   specks (a line fills its own ring: it is no speck); a speck is the pixels within
   SPOT_REACH of its peak that stand out by SPOT_EXTENT of it.
5. Rims: a pixel next to a mark that stands out the same way by more than RIM of the mark
   (and RIM_LEVELS levels) is its soft edge, and is filled with it.
6. Confirmation: a small net trained on generated damage over other photos
   (`gouache.ops.marksnet`) reads the same picture, and each group of marked pixels off
   the scratches on which it is nowhere CONFIRM sure of a mark is dropped: the speck tests
   above, with their threshold lowered (SPOT_CONTRAST 20, from 25), take fewer of the
   picture's own dots for dust (highlights on metal, foam, catch-lights).
7. Fill: A. Telea, "An image inpainting technique based on the fast marching method",
   Journal of Graphics Tools 9(1), 2004 (`cv2.inpaint`), only on the tiles holding marks.

Measured on generated damage (`gouache.evals.damage`) over five photos and on the clean
photos themselves: see `benchmarks/restoration.py` and tests/ops/test_marks.py.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import cv2
import numpy as np
import numpy.typing as npt

from gouache.images import Image
from gouache.ops._pixels import Float32Array
from gouache.ops.marksnet import learned_marks

MEDIAN = 15
CONTRAST = 20.0
TEXTURE = 3.0
# At most this share of a band's pixels are candidates.
CANDIDATES = 0.12
DIRECTIONS = 8
# Points averaged along the line, for its centre and each flank.
ALONG = 7
FLANKS = (4, 7)
SYMMETRY = 0.5
FLATNESS = 0.3
# Levels of slack on the flank tests (JPEG noise on a smooth ground).
FLANK_SLACK = 4.0
# ... and this share of the local grain (the flanks are averages, so far less than it).
GRAIN_SLACK = 0.25
RUN = 36
REACH = 1.5
# Along a scratch's line, a pixel standing out its way by this share of CONTRAST is in it.
EXTEND = 0.5
# A scratch runs at least this share of the photo's diagonal (and RUN px), its ridge cells
# on COVER of its length.
LENGTH_SHARE = 0.08
COVER = 0.6
# ... or EDGE_SHARE of that where it ends within EDGE_NEAR px (cells) of the frame's edge.
EDGE_SHARE = 0.5
EDGE_NEAR = 3
# ... and must be seen or hidden over this share of it (a short piece proves less).
EDGE_COVER = 0.8
# ... and even along itself: its luma's spread within EDGE_EVEN of its contrast.
EDGE_EVEN = 0.3
# Ridge cells within this many px along a line are joined; where a scratch is hidden (it
# crosses something within HIDDEN levels as light or dark as itself) it still counts.
GAP = 108
HIDDEN = 20.0
# ... but at least this share of it must be seen.
SEEN = 0.4
# Ridge cells within BEND_BAND px of a scratch's line, on and past it, bend away from a
# straight line by at most STRAIGHT_SAG px.
BEND_BAND = 6.0
STRAIGHT_SAG = 2.5
# Beside a scratch, its mean profile dips below -OUTLINE of its contrast nowhere.
OUTLINE = 0.5
# A line whose luma follows its ground's (slope over FOLLOW_SLOPE, where the ground varies
# by FOLLOW_SPREAD levels) is part of the picture.
FOLLOW_SLOPE = 0.8
FOLLOW_SPREAD = 8.0
# Segments this close in angle (degrees) and offset (px) are one scratch.
SAME_ANGLE = 3.0
SAME_OFFSET = 4.0
# A scratch is traced on its contrast averaged over this many px along it.
TRACE_MEAN = 9
# A thin line, 2-3 px out, stands out by at most this share of its own contrast.
THIN = 0.25
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
RIM = 0.1
RIM_LEVELS = 4.0
INPAINT_RADIUS = 3
# A group of marked pixels is kept where the learned detector is this sure of a mark on one.
CONFIRM = 0.5
# Context each band needs: the residual's and the texture's squares, and the far flank.
HALO = MEDIAN + max(FLANKS) + 2
# A band holds about this many pixels (its arrays are the working set).
BAND_PIXELS = 1 << 19
# The fill works on tiles of this size, with FILL_MARGIN px of context.
FILL_TILE = 512
FILL_MARGIN = 16
# Below this many pixels on the short side, nothing is looked for.
MIN_SIDE = 16
# Scratches are found on the ridge pixels pooled to at most this many cells a side.
COUNT_SIDE = 2048

# The per-pixel code kept whole: what the band pass found.
LIGHT, DARK, RIDGE, SPECK = 1, 2, 4, 8

IntArray = npt.NDArray[np.intp]


@dataclass(frozen=True)
class Marks:
    """What was found: the pixels to fill, and how many specks and scratches they make;
    `lines` the pixels on the scratches themselves (without their rims)."""

    mask: npt.NDArray[np.bool_]
    spots: int
    scratches: int
    lines: npt.NDArray[np.bool_]


def find_marks(rgb: Image, strength: float = 1.0) -> Marks:
    """The dust and scratch marks of an RGB picture. `strength` (0 < s <= 1) divides the
    contrast thresholds: lower strengths take only the clearest marks."""
    height, width = rgb.shape[:2]
    if min(height, width) < MIN_SIDE:
        none = np.zeros((height, width), dtype=bool)
        return Marks(mask=none, spots=0, scratches=0, lines=none)
    cut = CONTRAST / strength
    # first, while little else is held: the net's working set is freed after each tile
    sure = learned_marks(rgb, CONFIRM)
    code = np.zeros((height, width), dtype=np.uint8)
    residual = np.zeros((height, width), dtype=np.int8)
    step = max(1, math.ceil(max(height, width) / COUNT_SIDE))
    pooled = np.zeros((2, math.ceil(height / step), math.ceil(width / step)), dtype=np.uint8)
    spots = 0
    for top, bottom, y0, y1 in _bands(height, width):
        band = _band_marks(rgb[top:bottom], cut)
        code[top + y0 : top + y1] = band.code[y0:y1]
        residual[top + y0 : top + y1] = np.clip(band.residual[y0:y1], -127, 127)
        spots += band.spots_in(y0, y1)
        for i, sign in enumerate((LIGHT, DARK)):
            ys, xs = np.nonzero((band.code[y0:y1] & (RIDGE | sign)) == (RIDGE | sign))
            pooled[i, (ys + top + y0) // step, xs // step] = 1
    scratches = 0
    for i, sign in enumerate((LIGHT, DARK)):
        scratches += _keep_scratches(rgb, code, residual, pooled[i], sign, step, EXTEND * cut)
    mask = _with_rims(code, residual)
    lines = (code & RIDGE) > 0
    spots = max(0, spots - _confirmed(mask, lines, sure))
    return Marks(mask=mask, spots=spots, scratches=scratches, lines=lines)


def _confirmed(
    mask: npt.NDArray[np.bool_], lines: npt.NDArray[np.bool_], sure: npt.NDArray[np.bool_]
) -> int:
    """6. Clears from `mask` (in place) each group of its pixels that holds no scratch and on
    which the learned detector is nowhere CONFIRM sure of a mark; how many it cleared. In
    bands of rows, each deciding the groups whose top row it holds, read with 2 * SPOT_REACH
    rows more below: a group cleared is a speck and its rim, not as tall as that."""
    height, width = mask.shape
    rows = max(4 * SPOT_REACH, BAND_PIXELS // max(1, width))
    cleared = 0
    for start in range(0, height, rows):
        bottom = min(height, start + rows + 2 * SPOT_REACH)
        part = mask[start:bottom]
        count, labels, stats, _ = cv2.connectedComponentsWithStats(
            part.view(np.uint8), connectivity=8, ltype=cv2.CV_32S
        )
        if count <= 1:
            continue
        kept = np.zeros(count, dtype=bool)
        kept[labels[sure[start:bottom] & part]] = True
        # scratches were tested along their whole length: the net reads only 65 px around
        kept[labels[lines[start:bottom]]] = True
        kept[0] = True
        dropped = ~kept & (stats[:, cv2.CC_STAT_TOP] < rows)
        cleared += int(np.count_nonzero(dropped))
        part &= ~dropped[labels]
    return cleared


def repair(rgb: Image, mask: npt.NDArray[np.bool_], out: Image | None = None) -> Image:
    """`rgb` with the masked pixels filled (Telea), on the tiles that hold any; written
    into `out` (which may be `rgb` itself) when given."""
    if out is None:
        out = rgb.copy()
    elif out is not rgb:
        out[...] = rgb
    height, width = mask.shape
    for top in range(0, height, FILL_TILE):
        for left in range(0, width, FILL_TILE):
            bottom, right = min(height, top + FILL_TILE), min(width, left + FILL_TILE)
            if not mask[top:bottom, left:right].any():
                continue
            t0, l0 = max(0, top - FILL_MARGIN), max(0, left - FILL_MARGIN)
            b0, r0 = min(height, bottom + FILL_MARGIN), min(width, right + FILL_MARGIN)
            patch = np.ascontiguousarray(rgb[t0:b0, l0:r0])
            holes = mask[t0:b0, l0:r0].view(np.uint8)
            filled = np.asarray(cv2.inpaint(patch, holes, INPAINT_RADIUS, cv2.INPAINT_TELEA))
            out[top:bottom, left:right] = filled[top - t0 : bottom - t0, left - l0 : right - l0]
    return out


def _bands(height: int, width: int) -> list[tuple[int, int, int, int]]:
    """(top, bottom, y0, y1): each band of rows with its context, and the rows y0:y1 of it
    (in its own coordinates) that it decides."""
    # at least 4 HALO rows decided per band: past that the context read twice costs more
    rows = max(4 * HALO, BAND_PIXELS // max(1, width) - 2 * HALO)
    out = []
    for start in range(0, height, rows):
        end = min(height, start + rows)
        top, bottom = max(0, start - HALO), min(height, end + HALO)
        out.append((top, bottom, start - top, end - top))
    return out


@dataclass(frozen=True)
class _Band:
    code: npt.NDArray[np.uint8]
    residual: npt.NDArray[np.int16]
    # the row of each speck's peak, in the band's coordinates
    speck_rows: npt.NDArray[np.intp]

    def spots_in(self, y0: int, y1: int) -> int:
        return int(((self.speck_rows >= y0) & (self.speck_rows < y1)).sum())


def _band_marks(rgb: Image, cut: float) -> _Band:
    luma = np.asarray(cv2.cvtColor(np.ascontiguousarray(rgb), cv2.COLOR_RGB2GRAY), np.uint8)
    # 1. residual, texture, candidates
    residual = luma.astype(np.int16) - cv2.medianBlur(luma, MEDIAN).astype(np.int16)
    spread = np.minimum(np.abs(residual), int(CONTRAST)).astype(np.float32)
    grain = np.asarray(cv2.blur(spread, (MEDIAN, MEDIAN)), dtype=np.float32)
    level = np.maximum(np.float32(cut), np.float32(TEXTURE) * grain)
    code = np.zeros(luma.shape, dtype=np.uint8)
    code[residual > level] = LIGHT
    code[residual < -level] = DARK
    # all grain (noise, gravel): only the CANDIDATES share standing out most goes on, so
    # the time of the tests below stays bounded (photos have 2-8 %)
    found = int(np.count_nonzero(code))
    limit = int(CANDIDATES * code.size)
    if found > limit:
        margin = np.abs(residual).astype(np.float32) / level
        cutoff = np.partition(margin[code > 0], found - limit)[found - limit]
        code[margin < cutoff] = 0
    # 2. ridge pixels among the candidates: the flanks read on the residual, blurred
    ground = np.asarray(cv2.blur(residual.astype(np.float32), (3, 3)), dtype=np.float32)
    for sign in (LIGHT, DARK):
        ys, xs = np.nonzero(code == sign)
        if len(ys):
            ridge = _ridge(residual, ground, grain, ys, xs, level[ys, xs], light=sign == LIGHT)
            code[ys[ridge], xs[ridge]] |= RIDGE
    # 4. specks
    v = luma.astype(np.float32)
    rows = []
    for sign in (LIGHT, DARK):
        rows.append(
            _specks(code, v, residual, ground, grain, sign, cut, cut * SPOT_CONTRAST / CONTRAST)
        )
    return _Band(code=code, residual=residual, speck_rows=np.concatenate(rows))


def _samples(angle: float, across: int) -> list[tuple[int, int]]:
    """(dx, dy) of the ALONG points `across` px out along the normal at `angle`, spread
    along the line (its tangent)."""
    nx, ny = math.cos(angle), math.sin(angle)
    return [
        (round(across * nx - k * ny), round(across * ny + k * nx))
        for k in range(-ALONG // 2 + 1, ALONG // 2 + 1)
    ]


def _mean_at(
    a: Float32Array, ys: IntArray, xs: IntArray, points: list[tuple[int, int]]
) -> Float32Array:
    total = np.zeros(len(ys), dtype=np.float32)
    for dx, dy in points:
        total += _at(a, ys, xs, dx, dy)
    return total / np.float32(len(points))


def _at(
    a: Float32Array, ys: IntArray, xs: IntArray, dx: int | IntArray, dy: int | IntArray
) -> Float32Array:
    height, width = a.shape
    return np.asarray(a[np.clip(ys + dy, 0, height - 1), np.clip(xs + dx, 0, width - 1)])


def _mirrored(a: Float32Array, ys: IntArray, xs: IntArray, dx: int, dy: int) -> Float32Array:
    """As `_at`, but a point past the edge is read mirrored back in: clamped, a ring around a
    speck at the edge would read the speck itself."""
    height, width = a.shape
    y, x = np.abs(ys + dy), np.abs(xs + dx)
    y = np.where(y > height - 1, 2 * (height - 1) - y, y)
    x = np.where(x > width - 1, 2 * (width - 1) - x, x)
    return np.asarray(a[np.clip(y, 0, height - 1), np.clip(x, 0, width - 1)])


def _ridge(
    residual: npt.NDArray[np.int16],
    ground: Float32Array,
    grain: Float32Array,
    ys: IntArray,
    xs: IntArray,
    level: Float32Array,
    *,
    light: bool,
) -> npt.NDArray[np.bool_]:
    """Which of the pixels (ys, xs) are on a thin ridge (stage 2 of the docstring): on the
    residual, the centre stands out of both near flanks, which are alike and, near and far,
    read as ground (close to the median around)."""
    sign = np.float32(1.0 if light else -1.0)
    slack = np.float32(FLANK_SLACK) + np.float32(GRAIN_SLACK) * grain[ys, xs]
    found = np.zeros(len(ys), dtype=bool)
    near, far = FLANKS
    for i in range(DIRECTIONS):
        angle = math.pi * i / DIRECTIONS
        centre = sign * _mean_at(ground, ys, xs, _samples(angle, 0))
        a = sign * _mean_at(ground, ys, xs, _samples(angle, near))
        b = sign * _mean_at(ground, ys, xs, _samples(angle, -near))
        contrast = centre - np.maximum(a, b)
        room = np.maximum(contrast, 0) * np.float32(FLATNESS) + slack
        ok = (contrast > level) & (np.abs(a - b) <= np.float32(SYMMETRY) * contrast + slack)
        ok &= (np.abs(a) <= room) & (np.abs(b) <= room)
        ok &= np.abs(_mean_at(ground, ys, xs, _samples(angle, far))) <= room
        ok &= np.abs(_mean_at(ground, ys, xs, _samples(angle, -far))) <= room
        found |= ok
    return found


_RING = [(math.cos(2 * math.pi * i / 16), math.sin(2 * math.pi * i / 16)) for i in range(16)]


def _specks(
    code: npt.NDArray[np.uint8],
    v: Float32Array,
    residual: npt.NDArray[np.int16],
    ground: Float32Array,
    grain: Float32Array,
    sign: int,
    cut: float,
    spot_cut: float,
) -> npt.NDArray[np.intp]:
    """Mark the specks of one sign in `code` (stage 4 of the docstring); their peaks' rows."""
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
        tops = np.sort(np.stack([_mirrored(high, ys, xs, dx, dy) for dx, dy in around]), 0)
        ring = np.sort(
            np.stack([np.abs(_mirrored(ground, ys, xs, dx, dy)) for dx, dy in around]), 0
        )
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


def _keep_scratches(
    rgb: Image,
    code: npt.NDArray[np.uint8],
    residual: npt.NDArray[np.int8],
    pooled: npt.NDArray[np.uint8],
    sign: int,
    step: int,
    extend: float,
) -> int:
    """Keep the RIDGE bit only on the scratches among the ridge pixels of `sign`, traced
    along their line over the pixels that stand out its way by `extend` (stage 3 of the
    docstring). The number of scratches."""
    height, width = code.shape
    shortest = max(RUN, LENGTH_SHARE * math.hypot(height, width)) / step
    # straight runs of ridge cells (R. Duda, P. Hart, "Use of the Hough transformation to
    # detect lines and curves in pictures", CACM 15(1), 1972; the progressive probabilistic
    # variant of J. Matas, C. Galambos, J. Kittler, CVIU 78(1), 2000: cv2.HoughLinesP)
    found = cv2.HoughLinesP(
        pooled * np.uint8(255),
        1,
        math.pi / 360,
        threshold=max(8, round(COVER * shortest)),
        minLineLength=shortest,
        maxLineGap=max(2, round(GAP / step)),
    )
    segments = (
        [] if found is None else [tuple(float(c) * step for c in f) for f in found.reshape(-1, 4)]
    )
    # a scratch running off the frame leaves a short piece: one EDGE_SHARE as long is kept
    # when it ends at the frame's edge
    cut = cv2.HoughLinesP(
        pooled * np.uint8(255),
        1,
        math.pi / 360,
        threshold=max(8, round(COVER * EDGE_SHARE * shortest)),
        minLineLength=EDGE_SHARE * shortest,
        maxLineGap=max(2, round(GAP / step)),
    )
    pieces: set[int] = set()
    for f in [] if cut is None else cut.reshape(-1, 4):
        x1, y1, x2, y2 = (float(c) * step for c in f)
        edge = min(x1, y1, x2, y2, width - 1 - max(x1, x2), height - 1 - max(y1, y2))
        if edge <= EDGE_NEAR * step:
            segments.append((x1, y1, x2, y2))
            pieces.add(len(segments) - 1)
    lines: list[_Line] = []
    spans: list[tuple[float, float]] = []
    kept = np.zeros(pooled.shape, dtype=np.uint8)
    polar = 1 if sign == LIGHT else -1
    for i, (x1, y1, x2, y2) in enumerate(segments):
        length = math.hypot(x2 - x1, y2 - y1)
        line = _Line((x2 - x1) / length, (y2 - y1) / length, x1, y1)
        cover = _cover(pooled, rgb, residual, line, length, step, polar, extend)
        if cover < (EDGE_COVER if i in pieces else COVER):
            continue
        if i in pieces and not _even(rgb, line, length, polar):
            continue
        if not _lone(residual, line, length, polar) or not _straight(pooled, line, length, step):
            continue
        if _follows(rgb, line, length, polar):
            continue
        lines.append(line)
        spans.append((0.0, length))
        cells = (round(x1 / step), round(y1 / step)), (round(x2 / step), round(y2 / step))
        cv2.line(kept, *cells, 1, 3)
    # ridge pixels of this sign off every scratch lose the bit
    ys, xs = np.nonzero((code & (RIDGE | sign)) == (RIDGE | sign))
    outside = kept[ys // step, xs // step] == 0
    code[ys[outside], xs[outside]] &= np.uint8(~RIDGE & 0xFF)
    reach = math.ceil(REACH + step / 2)
    for line, (lo, hi) in zip(lines, spans, strict=True):
        lo, hi = _trace(residual, line, polar, extend, lo, hi)
        # the pixels within reach of the line, over its traced length, standing out its way
        s_values = np.arange(math.floor(lo), math.ceil(hi) + 1, dtype=np.float32)
        for across in range(-reach, reach + 1):
            xs, ys = line.at(s_values, float(across), code.shape)
            hit = polar * residual[ys, xs].astype(np.int16) > extend
            code[ys[hit], xs[hit]] |= RIDGE
    return _distinct(lines)


def _lone(residual: npt.NDArray[np.int8], line: _Line, length: float, polar: int) -> bool:
    """Whether a segment stands alone over its ground: its mean profile across (r averaged
    along its whole length) has nothing of the other sign beside it, as the outline of a
    real thin object has (a tripod's leg: dark, light, dark), and its two sides alike."""
    along = np.arange(0.0, length + 1.0, dtype=np.float32)

    def mean_at(across: float) -> float:
        xs, ys = line.at(along, across, residual.shape)
        return float(np.mean(polar * residual[ys, xs].astype(np.float32)))

    centre = max(mean_at(a) for a in (-1.0, 0.0, 1.0))
    beside = [mean_at(side * a) for side in (-1.0, 1.0) for a in range(3, 9)]
    near = mean_at(-5.0), mean_at(5.0)
    alike = abs(near[0] - near[1]) <= SYMMETRY * centre
    return min(beside) >= -OUTLINE * centre and alike


def _line_luma(
    rgb: Image, line: _Line, length: float, polar: int
) -> tuple[Float32Array, Float32Array]:
    """The luma along a line (the lightest (darkest) of the pixels 1 px either side and on
    it) and along its ground (5-6 px out either side, averaged)."""
    along = np.arange(0.0, length + 1.0, dtype=np.float32)
    weights = np.array([0.299, 0.587, 0.114], dtype=np.float32)

    def luma(across: float) -> Float32Array:
        xs, ys = line.at(along, across, rgb.shape)
        return np.asarray(rgb[ys, xs, :3].astype(np.float32) @ weights, dtype=np.float32)

    centre = polar * np.max([polar * luma(a) for a in (-1.0, 0.0, 1.0)], axis=0)
    ground = (luma(-5.0) + luma(5.0) + luma(-6.0) + luma(6.0)) / np.float32(4.0)
    return np.asarray(centre, dtype=np.float32), ground


def _even(rgb: Image, line: _Line, length: float, polar: int) -> bool:
    """Whether a line is as even along itself as a scratch: the paper (or the black) it
    shows varies by at most EDGE_EVEN of its contrast over its ground, where a real line's
    lightness goes with what it lies on (a fold in a suit)."""
    centre, ground = _line_luma(rgb, line, length, polar)
    contrast = float(np.mean(polar * (centre - ground)))
    return contrast > 0 and float(np.std(centre)) <= EDGE_EVEN * contrast


def _follows(rgb: Image, line: _Line, length: float, polar: int) -> bool:
    """Whether a line's own lightness follows its ground's along it, as a real line's does
    (wood grain in the shade is darker): a scratch shows the paper (or the black of a
    scratched negative) whatever it crosses. The slope of the line's luma over its flanks'
    (both averaged over TRACE_MEAN px), where the flanks vary by FOLLOW_SPREAD levels."""
    box = np.ones(TRACE_MEAN, dtype=np.float32) / np.float32(TRACE_MEAN)
    centre, ground = _line_luma(rgb, line, length, polar)
    trim = TRACE_MEAN // 2
    if len(centre) <= 2 * TRACE_MEAN:
        return False
    centre = np.convolve(centre, box, mode="same")[trim:-trim]
    ground = np.convolve(ground, box, mode="same")[trim:-trim]
    # where something else crosses it (another scratch, a dark leg) the line itself is
    # off: the fifth of its length furthest from its median is left out
    off = np.abs(centre - np.median(centre))
    kept = off <= np.percentile(off, 80)
    centre, ground = centre[kept], ground[kept]
    spread = float(np.std(ground))
    if spread < FOLLOW_SPREAD:
        return False
    slope = float(np.mean((centre - centre.mean()) * (ground - ground.mean()))) / spread**2
    return slope > FOLLOW_SLOPE


def _straight(pooled: npt.NDArray[np.uint8], line: _Line, length: float, step: int) -> bool:
    """Whether the ridge cells near a segment, looked at half its length further on either
    side, run straight: a parabola fitted to their offsets from it bends by at most
    STRAIGHT_SAG px over their span. A chord of a rim (a saucer's, a helmet's) bends."""
    height, width = pooled.shape[0] * step, pooled.shape[1] * step
    ends = [(line.x + line.dx * t, line.y + line.dy * t) for t in (-length / 2, 1.5 * length)]
    pad = BEND_BAND + step
    left = max(0, int(min(x for x, _ in ends) - pad))
    right = min(width, int(max(x for x, _ in ends) + pad) + 1)
    top = max(0, int(min(y for _, y in ends) - pad))
    bottom = min(height, int(max(y for _, y in ends) + pad) + 1)
    cy, cx = np.nonzero(pooled[top // step : bottom // step + 1, left // step : right // step + 1])
    xs = (cx + left // step) * step + step / 2 - line.x
    ys = (cy + top // step) * step + step / 2 - line.y
    along = xs * line.dx + ys * line.dy
    off = ys * line.dx - xs * line.dy
    near = (np.abs(off) <= BEND_BAND) & (along >= -length / 2) & (along <= 1.5 * length)
    if near.sum() < 10:
        return True
    t, o = along[near], off[near]
    bend = float(np.polyfit(t, o, 2)[0])
    span = float(t.max() - t.min())
    return abs(bend) * span**2 / 4 <= STRAIGHT_SAG


def _cover(
    pooled: npt.NDArray[np.uint8],
    rgb: Image,
    residual: npt.NDArray[np.int8],
    line: _Line,
    length: float,
    step: int,
    polar: int,
    extend: float,
) -> float:
    """The share of a segment's length (in cells) where it is seen, or hidden (what it
    crosses is as light (dark) as it is, within HIDDEN levels), if it is seen over SEEN of
    it at least: a scratch is drawn through, not a row of scattered points. Seen: a ridge
    cell on it or beside it, or the line standing out of its flanks by `extend` as it does
    where it is traced on (a 1 px scratch over a light ground stands out by 2 CONTRAST,
    yet the ridge test, on r blurred 3 x 3, reads a third of it)."""
    along = np.arange(0.0, length + 1.0, step, dtype=np.float32)
    shape = (pooled.shape[0] * step, pooled.shape[1] * step)
    pixels = np.arange(0.0, math.floor(length) + 1.0, dtype=np.float32)
    out = _stands_out(residual, line, pixels, polar, extend / EXTEND, thin=True)
    seen = out[np.minimum(np.rint(along).astype(np.intp), len(out) - 1)]
    centre = np.full(len(along), -np.inf, dtype=np.float32)
    weights = np.array([0.299, 0.587, 0.114], dtype=np.float32)
    for across in (-1.0, 0.0, 1.0):
        xs, ys = line.at(along, across * step, shape)
        seen |= pooled[ys // step, xs // step] > 0
        xs, ys = line.at(along, across, rgb.shape)
        np.maximum(centre, polar * (rgb[ys, xs, :3].astype(np.float32) @ weights), out=centre)
    if seen.mean() < SEEN:
        return float(seen.mean())
    hidden = centre >= np.median(centre[seen]) - np.float32(HIDDEN)
    return float((seen | hidden).mean())


def _distinct(lines: list[_Line]) -> int:
    """How many separate scratches the segments make: those within SAME_ANGLE degrees and
    SAME_OFFSET px of one another are one."""
    groups: list[_Line] = []
    for line in lines:
        if not any(_same(line, other) for other in groups):
            groups.append(line)
    return len(groups)


def _same(a: _Line, b: _Line) -> bool:
    cross = abs(a.dx * b.dy - a.dy * b.dx)
    offset = abs((b.x - a.x) * a.dy - (b.y - a.y) * a.dx)
    return cross <= math.sin(math.radians(SAME_ANGLE)) and offset <= SAME_OFFSET


@dataclass(frozen=True)
class _Line:
    """A point (x, y) and unit direction (dx, dy), as cv2.fitLine gives them."""

    dx: float
    dy: float
    x: float
    y: float

    def at(
        self, along: Float32Array, across: float, shape: tuple[int, ...]
    ) -> tuple[IntArray, IntArray]:
        """The nearest pixels (xs, ys), clipped to `shape`, `along` px along the line and
        `across` px beside it."""
        xs = np.rint(self.x + along * self.dx - across * self.dy).astype(np.intp)
        ys = np.rint(self.y + along * self.dy + across * self.dx).astype(np.intp)
        return np.clip(xs, 0, shape[1] - 1), np.clip(ys, 0, shape[0] - 1)


def _trace(
    residual: npt.NDArray[np.int8], line: _Line, polar: int, extend: float, lo: float, hi: float
) -> tuple[float, float]:
    """How far along `line` a scratch found over lo..hi goes on: while its contrast over
    its flanks, averaged over TRACE_MEAN px along it, stays above `extend`, across gaps of
    up to RUN px. Stops at the photo's edge."""
    height, width = residual.shape
    span = float(math.hypot(height, width))
    s_values = np.arange(-span, span + 1, dtype=np.float32)
    raw_x = line.x + s_values * line.dx
    raw_y = line.y + s_values * line.dy
    inside = (raw_x >= 0) & (raw_x <= width - 1) & (raw_y >= 0) & (raw_y <= height - 1)
    good = _stands_out(residual, line, s_values, polar, extend) & inside
    start, end = int(np.searchsorted(s_values, lo)), int(np.searchsorted(s_values, hi))
    last = end
    for i in range(end, len(s_values)):
        if not inside[i] or i - last > RUN:
            break
        if good[i]:
            last = i
    first = start
    for i in range(start, -1, -1):
        if not inside[i] or first - i > RUN:
            break
        if good[i]:
            first = i
    return float(s_values[first]), float(s_values[last])


def _stands_out(
    residual: npt.NDArray[np.int8],
    line: _Line,
    along: Float32Array,
    polar: int,
    extend: float,
    thin: bool = False,
) -> npt.NDArray[np.bool_]:
    """Where, at the points `along` the line, its contrast over its flanks (1 px either side
    of it against 5-6 px out, averaged over TRACE_MEAN px along it) passes `extend` with
    flanks that read as ground; with `thin`, only where the line is no wider than 3 px
    (2-3 px out, it stands out by at most THIN of its contrast)."""
    box = np.ones(TRACE_MEAN, dtype=np.float32) / np.float32(TRACE_MEAN)

    def mean_at(offsets: tuple[float, ...]) -> Float32Array:
        total = np.zeros(len(along), dtype=np.float32)
        for across in offsets:
            x, y = line.at(along, across, residual.shape)
            total += polar * residual[y, x].astype(np.float32)
        return np.convolve(total / np.float32(len(offsets)), box, mode="same")

    centre = np.full(len(along), -np.inf, dtype=np.float32)
    for across in (-1.0, 0.0, 1.0):
        x, y = line.at(along, across, residual.shape)
        np.maximum(centre, polar * residual[y, x].astype(np.float32), out=centre)
    sides = [mean_at((5.0 * side, 6.0 * side)) for side in (-1.0, 1.0)]
    contrast = np.convolve(centre, box, mode="same") - np.maximum(sides[0], sides[1])
    # as for ridge pixels, the flanks read as ground: a scratch does not run on along a
    # real thin object's outline
    room = np.float32(FLATNESS) * contrast + np.float32(FLANK_SLACK)
    good = (contrast > extend) & (np.abs(sides[0]) <= room) & (np.abs(sides[1]) <= room)
    if thin:
        for side in (-1.0, 1.0):
            good &= mean_at((2.0 * side, 3.0 * side)) <= np.float32(THIN) * contrast
    return np.asarray(good)


def _with_rims(
    code: npt.NDArray[np.uint8], residual: npt.NDArray[np.int8]
) -> npt.NDArray[np.bool_]:
    """The marks (scratch and speck pixels) and their soft rims (stage 5), in bands."""
    height, width = code.shape
    mask = np.zeros((height, width), dtype=bool)
    square = np.ones((3, 3), np.uint8)
    rows = max(32, BAND_PIXELS // max(1, width))
    for start in range(0, height, rows):
        top, bottom = max(0, start - 1), min(height, start + rows + 1)
        part = code[top:bottom]
        marks = (part & (RIDGE | SPECK)) > 0
        r = residual[top:bottom].astype(np.float32)
        signed = np.where(marks, r, np.float32(0.0))
        light = cv2.dilate(np.maximum(signed, 0), square)
        dark = cv2.erode(np.minimum(signed, 0), square)
        rim = ((light > 0) & (r > RIM * light) & (r > RIM_LEVELS)) | (
            (dark < 0) & (r < RIM * dark) & (r < -RIM_LEVELS)
        )
        y0, y1 = start - top, start - top + min(rows, height - start)
        mask[start : start + y1 - y0] = (marks | rim)[y0:y1]
    return mask
