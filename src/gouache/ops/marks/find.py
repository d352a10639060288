"""Stages 1, 5, 6, 7 and 8 of `gouache.ops.marks`: the photo read in bands, the marks'
rims, the learned check and specks, and the fill."""

from __future__ import annotations

import math
from dataclasses import dataclass

import cv2
import numpy as np
import numpy.typing as npt
from scipy.sparse import coo_matrix  # type: ignore[import-untyped]
from scipy.sparse.csgraph import connected_components  # type: ignore[import-untyped]

from gouache.images import Image
from gouache.ops.marks.base import (
    CONTRAST,
    DARK,
    FLANKS,
    LIGHT,
    MEDIAN,
    RIDGE,
    SPECK,
    TEXTURE,
)
from gouache.ops.marks.scratches import (
    EXTEND,
    Line,
    find_ridges,
    keep_scratches,
)
from gouache.ops.marks.specks import (
    SPOT_CONTRAST,
    SPOT_REACH,
    SPOT_WIDTH,
    find_specks,
)
from gouache.ops.marksnet import learned_chance

# At most this share of a band's pixels are candidates.
CANDIDATES = 0.12
RIM = 0.1
RIM_LEVELS = 4.0
INPAINT_RADIUS = 3
# A group of marked pixels is kept where the learned detector is this sure of a mark on one.
CONFIRM = 0.5
# A round group of pixels the learned detector alone is this sure of is a speck too: no
# wider than SPOT_WIDTH, its short side LEARNED_ROUND of its long one, filling LEARNED_FILL
# of its box, LEARNED_LEAST pixels or more.
LEARNED_SURE = 0.7
LEARNED_ROUND = 0.6
LEARNED_FILL = 0.55
LEARNED_LEAST = 4
# A group of pixels touching a mark, on which the learned detector is LEARNED_EDGE sure of
# a mark and LEARNED_MEAN sure on average, is part of it: mostly the rest of a scratch whose
# faint or busy stretches the tests missed. Alone, such groups were too often real things
# (a tripod's handle, highlights on a cup's rim): they are not taken.
LEARNED_EDGE = 0.5
LEARNED_MEAN = 0.85
# ... or, touching none, a straight line: LEARNED_LENGTH px long or more, its mean offset
# across in each of STRETCHES stretches along it within LEARNED_SAG px of the others.
LEARNED_LENGTH = 50.0
LEARNED_SAG = 2.0
STRETCHES = 8
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
    chance = learned_chance(rgb)
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
        scratches += keep_scratches(
            rgb, code, residual, pooled[i], sign, step, EXTEND * cut, LIGHT if sign == DARK else 0
        )
    mask = _with_rims(code, residual)
    lines = (code & RIDGE) > 0
    spots = max(0, spots - _confirmed(mask, lines, chance > round(255 * CONFIRM)))
    spots += _learned_specks(mask, chance > round(255 * LEARNED_SURE))
    scratches += _learned_marks(mask, chance, lines)
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


def _learned_specks(mask: npt.NDArray[np.bool_], sure: npt.NDArray[np.bool_]) -> int:
    """7. Adds to `mask` (in place) the round groups of `sure` pixels: the specks the learned
    detector finds that the tests above do not (a large speck raises the grain it is
    measured against; one touching something as dark stands out of no full ring). How many
    groups touch no marked pixel. In bands of rows, as `_confirmed`: a group is a speck, no
    taller than SPOT_WIDTH."""
    height, width = mask.shape
    rows = max(4 * SPOT_REACH, BAND_PIXELS // max(1, width))
    added = 0
    for start in range(0, height, rows):
        bottom = min(height, start + rows + 2 * SPOT_REACH)
        count, labels, stats, _ = cv2.connectedComponentsWithStats(
            sure[start:bottom].view(np.uint8), connectivity=8, ltype=cv2.CV_32S
        )
        w, h = stats[:, cv2.CC_STAT_WIDTH], stats[:, cv2.CC_STAT_HEIGHT]
        area, side = stats[:, cv2.CC_STAT_AREA], np.maximum(w, h)
        round_ = (side <= SPOT_WIDTH) & (np.minimum(w, h) >= LEARNED_ROUND * side)
        round_ &= (area >= LEARNED_FILL * w * h) & (area >= LEARNED_LEAST)
        round_ &= stats[:, cv2.CC_STAT_TOP] < rows
        round_[0] = False
        if not round_.any():
            continue
        part = mask[start:bottom]
        touched = np.zeros(count, dtype=bool)
        touched[labels[part]] = True
        added += int(np.count_nonzero(round_ & ~touched))
        part |= round_[labels]
    return added


def _learned_marks(
    mask: npt.NDArray[np.bool_], chance: npt.NDArray[np.uint8], found: npt.NDArray[np.bool_]
) -> int:
    """7b. Adds to `mask` (in place) each group of unmarked pixels on which the learned
    detector is LEARNED_EDGE sure of a mark and LEARNED_MEAN sure on average, when it
    touches a mark (the rest of a scratch the tests above found in part, a speck's soft
    edge) or is a straight line LEARNED_LENGTH px long or more (a scratch they missed
    whole). How many of those lines are new scratches (off the lines of the scratches
    `found`). The groups are labelled a band of rows at a time and joined across the
    bands' edges, so a long scratch is judged whole, as in one read (a whole label map
    would cost 4 bytes a pixel); each band is labelled twice rather than kept."""
    height, width = mask.shape
    rows = max(1, BAND_PIXELS // max(1, width))
    edge = round(255 * LEARNED_EDGE)
    square = np.ones((3, 3), np.uint8)
    starts = range(0, height, rows)
    areas, totals, touching, links = [], [], [], []
    offset, last_row = 0, None
    for start in starts:
        bottom = min(height, start + rows)
        labels, boxes = _unmarked_groups(mask, chance, start, bottom, edge)
        count = len(boxes)
        ids = labels.ravel()
        areas.append(np.bincount(ids, minlength=count)[1:])
        totals.append(np.bincount(ids, chance[start:bottom].ravel(), minlength=count)[1:])
        top, low = max(0, start - 1), min(height, bottom + 1)
        near = cv2.dilate(mask[top:low].view(np.uint8), square)
        near = near[start - top : start - top + len(labels)]
        touching.append(np.bincount(ids[near.ravel() > 0], minlength=count)[1:] > 0)
        first = np.where(labels[0] > 0, labels[0] + offset - 1, -1)
        if last_row is not None:
            # 8-connected across the edge: each pixel of the first row to the three above
            for shift in (-1, 0, 1):
                above = np.roll(last_row, shift)
                if shift:
                    above[0 if shift > 0 else -1] = -1
                both = (first >= 0) & (above >= 0)
                links.append(np.stack([first[both], above[both]]))
        last_row = np.where(labels[-1] > 0, labels[-1] + offset - 1, -1)
        offset += count - 1
    if offset == 0:
        return 0
    pairs = np.concatenate(links, axis=1) if links else np.zeros((2, 0), np.intp)
    graph = coo_matrix((np.ones(pairs.shape[1]), (pairs[0], pairs[1])), shape=(offset, offset))
    _, group = connected_components(graph, directed=False)
    area = np.bincount(group, np.concatenate(areas))
    total = np.bincount(group, np.concatenate(totals))
    touched = np.bincount(group, np.concatenate(touching)) > 0
    sure = total >= LEARNED_MEAN * 255 * area
    # a line LEARNED_LENGTH px long has at least as many pixels
    long = ~touched & sure & (area >= LEARNED_LENGTH)
    # the pixels of the groups touching nothing, to see which are straight lines
    lone: dict[int, list[npt.NDArray[np.intp]]] = {}
    offset = 0
    for start in starts:
        bottom = min(height, start + rows)
        labels, boxes = _unmarked_groups(mask, chance, start, bottom, edge)
        count = len(boxes)
        if count > 1:
            of = group[offset : offset + count - 1]
            lookup = np.concatenate([[False], (touched & sure)[of]])
            for label in np.flatnonzero(long[of]) + 1:
                left, top, w, h = (int(v) for v in boxes[label, :4])
                ys, xs = np.nonzero(labels[top : top + h, left : left + w] == label)
                points = np.stack([ys + top + start, xs + left])
                lone.setdefault(int(of[label - 1]), []).append(points)
            mask[start:bottom] |= lookup[labels]
        offset += count - 1
    new = 0
    for pieces in lone.values():
        ys, xs = np.concatenate(pieces, axis=1)
        line = _straight_line(ys, xs)
        if line is not None:
            mask[ys, xs] = True
            # a piece of a scratch found further along its line is no new one
            new += not _on_found_line(line, found)
    return new


def _on_found_line(line: Line, found: npt.NDArray[np.bool_]) -> bool:
    """Whether LEARNED_LENGTH or more pixels of `found` lie within 1 px of `line`, over
    the whole frame (not `Line.at`: its clipping would read the frame's edge again and
    again)."""
    reach = float(math.hypot(*found.shape))
    along = np.arange(-reach, reach + 1.0, dtype=np.float32)
    on = np.zeros(len(along), dtype=bool)
    for across in (-1.0, 0.0, 1.0):
        xs = np.rint(line.x + along * line.dx - across * line.dy).astype(np.intp)
        ys = np.rint(line.y + along * line.dy + across * line.dx).astype(np.intp)
        inside = (xs >= 0) & (xs < found.shape[1]) & (ys >= 0) & (ys < found.shape[0])
        on[inside] |= found[ys[inside], xs[inside]]
    return int(np.count_nonzero(on)) >= LEARNED_LENGTH


def _straight_line(ys: npt.NDArray[np.intp], xs: npt.NDArray[np.intp]) -> Line | None:
    """The line through the pixels (ys, xs) when they make a straight one LEARNED_LENGTH px
    long or more: in STRETCHES stretches along their main axis, their mean offsets across
    it lie within LEARNED_SAG px of one another (a highlight along a cup's rim bends by
    2.7 px over 60; shorter, 44 px of a helmet's rim read as straight). None otherwise."""
    points = np.stack([xs, ys], axis=1).astype(np.float64)
    if len(points) < 3:
        return None
    middle = points.mean(axis=0)
    centred = points - middle
    _, axes = np.linalg.eigh(np.cov(centred.T))
    along, across = centred @ axes[:, 1], centred @ axes[:, 0]
    # a uniform bar's length is sqrt(12) times its spread
    if math.sqrt(12.0 * float(np.var(along))) < LEARNED_LENGTH:
        return None
    stretch = np.minimum(
        ((along - along.min()) / (np.ptp(along) + 1e-9) * STRETCHES).astype(np.intp),
        STRETCHES - 1,
    )
    counts = np.bincount(stretch, minlength=STRETCHES)
    offsets = np.bincount(stretch, across, minlength=STRETCHES)[counts > 0] / counts[counts > 0]
    if float(np.ptp(offsets)) > LEARNED_SAG:
        return None
    dx, dy = (float(v) for v in axes[:, 1])
    return Line(dx, dy, float(middle[0]), float(middle[1]))


def _unmarked_groups(
    mask: npt.NDArray[np.bool_], chance: npt.NDArray[np.uint8], start: int, bottom: int, edge: int
) -> tuple[npt.NDArray[np.int32], npt.NDArray[np.int32]]:
    """The 8-connected groups of unmarked pixels over `edge` in rows start:bottom: their
    labels and cv2's stats (left, top, width, height, area; row 0 the background)."""
    sure = (chance[start:bottom] > edge) & ~mask[start:bottom]
    _, labels, stats, _ = cv2.connectedComponentsWithStats(
        sure.view(np.uint8), connectivity=8, ltype=cv2.CV_32S
    )
    return np.asarray(labels, dtype=np.int32), np.asarray(stats, dtype=np.int32)


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
            ridge = find_ridges(residual, ground, grain, ys, xs, level[ys, xs], light=sign == LIGHT)
            code[ys[ridge], xs[ridge]] |= RIDGE
    # 4. specks
    v = luma.astype(np.float32)
    rows = []
    for sign in (LIGHT, DARK):
        rows.append(
            find_specks(code, v, residual, ground, grain, sign, cut, cut * SPOT_CONTRAST / CONTRAST)
        )
    return _Band(code=code, residual=residual, speck_rows=np.concatenate(rows))


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
