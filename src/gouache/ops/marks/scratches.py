"""Stages 2 and 3 of `gouache.ops.marks`: ridge pixels, and the scratches among them."""

from __future__ import annotations

import math
from dataclasses import dataclass

import cv2
import numpy as np
import numpy.typing as npt

from gouache.images import Image
from gouache.ops._pixels import Float32Array
from gouache.ops.marks.base import (
    DIRECTIONS,
    FLANK_SLACK,
    FLANKS,
    FLATNESS,
    GRAIN_SLACK,
    LIGHT,
    RIDGE,
    SYMMETRY,
    IntArray,
    meanat,
    samples,
)

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


def find_ridges(
    residual: npt.NDArray[np.int16],
    ground: Float32Array,
    grain: Float32Array,
    ys: IntArray,
    xs: IntArray,
    level: Float32Array,
    *,
    light: bool,
) -> npt.NDArray[np.bool_]:
    """Which of the pixels (ys, xs) are on a thin ridge (stage 2 of `gouache.ops.marks`): on the
    residual, the centre stands out of both near flanks, which are alike and, near and far,
    read as ground (close to the median around)."""
    sign = np.float32(1.0 if light else -1.0)
    slack = np.float32(FLANK_SLACK) + np.float32(GRAIN_SLACK) * grain[ys, xs]
    found = np.zeros(len(ys), dtype=bool)
    near, far = FLANKS
    for i in range(DIRECTIONS):
        angle = math.pi * i / DIRECTIONS
        centre = sign * meanat(ground, ys, xs, samples(angle, 0))
        a = sign * meanat(ground, ys, xs, samples(angle, near))
        b = sign * meanat(ground, ys, xs, samples(angle, -near))
        contrast = centre - np.maximum(a, b)
        room = np.maximum(contrast, 0) * np.float32(FLATNESS) + slack
        ok = (contrast > level) & (np.abs(a - b) <= np.float32(SYMMETRY) * contrast + slack)
        ok &= (np.abs(a) <= room) & (np.abs(b) <= room)
        ok &= np.abs(meanat(ground, ys, xs, samples(angle, far))) <= room
        ok &= np.abs(meanat(ground, ys, xs, samples(angle, -far))) <= room
        found |= ok
    return found


def keep_scratches(
    rgb: Image,
    code: npt.NDArray[np.uint8],
    residual: npt.NDArray[np.int8],
    pooled: npt.NDArray[np.uint8],
    sign: int,
    step: int,
    extend: float,
    after: int = 0,
) -> int:
    """Keep the RIDGE bit only on the scratches among the ridge pixels of `sign`, traced
    along their line over the pixels that stand out its way by `extend` (stage 3 of
    `gouache.ops.marks`). The number of scratches."""
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
    lines: list[Line] = []
    spans: list[tuple[float, float]] = []
    kept = np.zeros(pooled.shape, dtype=np.uint8)
    polar = 1 if sign == LIGHT else -1
    found_before = ((code & (RIDGE | after)) == (RIDGE | after)) if after else None
    for i, (x1, y1, x2, y2) in enumerate(segments):
        length = math.hypot(x2 - x1, y2 - y1)
        line = Line((x2 - x1) / length, (y2 - y1) / length, x1, y1)
        cover = _cover(pooled, rgb, residual, line, length, step, polar, extend)
        if cover < (EDGE_COVER if i in pieces else COVER):
            continue
        if i in pieces and not _even(rgb, line, length, polar):
            continue
        if not _lone(residual, line, length, polar, found_before):
            continue
        if not _straight(pooled, line, length, step):
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


def _lone(
    residual: npt.NDArray[np.int8],
    line: Line,
    length: float,
    polar: int,
    found_before: npt.NDArray[np.bool_] | None = None,
) -> bool:
    """Whether a segment stands alone over its ground: its mean profile across (r averaged
    along its whole length) has nothing of the other sign beside it, as the outline of a
    real thin object has (a tripod's leg: dark, light, dark), and its two sides alike. The
    pixels of `found_before` (scratches of the other sign already kept) read as ground: a
    light scratch beside a dark one is no outline."""
    along = np.arange(0.0, length + 1.0, dtype=np.float32)

    def meanat(across: float) -> float:
        xs, ys = line.at(along, across, residual.shape)
        values = polar * residual[ys, xs].astype(np.float32)
        if found_before is not None:
            values = np.where(found_before[ys, xs], np.float32(0.0), values)
        return float(np.mean(values))

    centre = max(meanat(a) for a in (-1.0, 0.0, 1.0))
    beside = [meanat(side * a) for side in (-1.0, 1.0) for a in range(3, 9)]
    near = meanat(-5.0), meanat(5.0)
    alike = abs(near[0] - near[1]) <= SYMMETRY * centre
    return min(beside) >= -OUTLINE * centre and alike


def _line_luma(
    rgb: Image, line: Line, length: float, polar: int
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


def _even(rgb: Image, line: Line, length: float, polar: int) -> bool:
    """Whether a line is as even along itself as a scratch: the paper (or the black) it
    shows varies by at most EDGE_EVEN of its contrast over its ground, where a real line's
    lightness goes with what it lies on (a fold in a suit)."""
    centre, ground = _line_luma(rgb, line, length, polar)
    contrast = float(np.mean(polar * (centre - ground)))
    return contrast > 0 and float(np.std(centre)) <= EDGE_EVEN * contrast


def _follows(rgb: Image, line: Line, length: float, polar: int) -> bool:
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


def _straight(pooled: npt.NDArray[np.uint8], line: Line, length: float, step: int) -> bool:
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
    line: Line,
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


def _distinct(lines: list[Line]) -> int:
    """How many separate scratches the segments make: those within SAME_ANGLE degrees and
    SAME_OFFSET px of one another are one."""
    groups: list[Line] = []
    for line in lines:
        if not any(_same(line, other) for other in groups):
            groups.append(line)
    return len(groups)


def _same(a: Line, b: Line) -> bool:
    cross = abs(a.dx * b.dy - a.dy * b.dx)
    offset = abs((b.x - a.x) * a.dy - (b.y - a.y) * a.dx)
    return cross <= math.sin(math.radians(SAME_ANGLE)) and offset <= SAME_OFFSET


@dataclass(frozen=True)
class Line:
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
    residual: npt.NDArray[np.int8], line: Line, polar: int, extend: float, lo: float, hi: float
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
    line: Line,
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

    def meanat(offsets: tuple[float, ...]) -> Float32Array:
        total = np.zeros(len(along), dtype=np.float32)
        for across in offsets:
            x, y = line.at(along, across, residual.shape)
            total += polar * residual[y, x].astype(np.float32)
        return np.convolve(total / np.float32(len(offsets)), box, mode="same")

    centre = np.full(len(along), -np.inf, dtype=np.float32)
    for across in (-1.0, 0.0, 1.0):
        x, y = line.at(along, across, residual.shape)
        np.maximum(centre, polar * residual[y, x].astype(np.float32), out=centre)
    sides = [meanat((5.0 * side, 6.0 * side)) for side in (-1.0, 1.0)]
    contrast = np.convolve(centre, box, mode="same") - np.maximum(sides[0], sides[1])
    # as for ridge pixels, the flanks read as ground: a scratch does not run on along a
    # real thin object's outline
    room = np.float32(FLATNESS) * contrast + np.float32(FLANK_SLACK)
    good = (contrast > extend) & (np.abs(sides[0]) <= room) & (np.abs(sides[1]) <= room)
    if thin:
        for side in (-1.0, 1.0):
            good &= meanat((2.0 * side, 3.0 * side)) <= np.float32(THIN) * contrast
    return np.asarray(good)
