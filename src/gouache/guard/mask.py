"""Step 4 of the guard: where the edit really happened.

After steps 2-3 the output sits on the source's grid with the source's colours, so what still
differs is the edit, plus resampling, compression and noise. Per pixel, on copies whose long
side is near 768 (gouache.guard.pipeline.WORK_SIDE; area-averaged, then a Gaussian blur of
`BLUR_SIGMA`), the
difference is the largest absolute difference over R, G and B, in levels. A drift that clipped
the output (a gain above one saturates the highlights) left the corrected output only the
levels between the inverse curve's ends; the source is clipped to the same levels first, so
what the clipping lost does not count as an edit.

The threshold follows the noise: `NOISE_FACTOR` times the median difference over the covered
pixels (most pixels are unedited, so the median measures resampling, JPEG and sensor noise;
for a half-normal spread the median is 0.67 sigma, so the factor is about 7.5 sigma), clamped
to `MIN_LEVEL`..`MAX_LEVEL`. Then mathematical morphology (J. Serra, "Image Analysis and
Mathematical Morphology", 1982): an opening removes specks along strong edges, a closing joins
the pieces of one edit (the letters of a caption), components smaller than `MIN_AREA` of the
picture go, holes are filled (a blurred face is unchanged where it was smooth), the named
regions are added, and a margin is grown so that the feathered seam lies outside the edit.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import cv2
import numpy as np
import numpy.typing as npt

from gouache.analysis.types import Box
from gouache.guard.photometric import Photometric
from gouache.images import Image

Mask = npt.NDArray[np.bool_]
Region = Box | Mask

BLUR_SIGMA = 1.0
NOISE_FACTOR = 5.0
MIN_LEVEL = 10.0
MAX_LEVEL = 32.0
# as fractions of the picture's long side (the closing's size, the margin's width) and of
# its area (the smallest component kept)
CLOSE_SIZE = 0.012
MIN_AREA = 0.0002
MARGIN = 0.006
# The global-edit measure: blocks of this many work pixels a side, and the level (of 255) their
# median difference must exceed. Medians ignore the isolated pixels that resampling and JPEG
# disturb along edges; a colour grade or a style moves most pixels of a block.
BLOCK = 16
VISIBLE_LEVEL = 4.0


@dataclass(frozen=True)
class ChangeMask:
    """The change mask on the work grid, before (`changed`) and after (`grown`) the margin.

    `share` is the share of the covered picture inside `changed`; `visible_share` the share
    of `BLOCK`-pixel blocks whose median difference exceeds `VISIBLE_LEVEL`, the measure of
    how much of the picture an edit touched that step 6 of the guard reads.
    """

    changed: Mask
    grown: Mask
    margin: int  # work pixels
    threshold: float
    share: float
    visible_share: float


def change_mask(
    source: Image,
    corrected: Image,
    covered: Mask,
    photometric: Photometric,
    regions: Sequence[Mask] = (),
) -> ChangeMask:
    """The change mask of `corrected` against `source` (both on the same work grid)."""
    height, width = source.shape[:2]
    long_side = max(height, width)

    # 1. the per-pixel difference; the source is clipped to the levels the corrected output
    #    can reach, as the drift clipped the output
    tables = photometric.inverse_tables()
    levels = np.arange(256, dtype=np.uint8)
    clip = np.stack([np.clip(levels, tables[ch, 0], tables[ch, 255]) for ch in range(3)], -1)
    reachable = cv2.LUT(np.ascontiguousarray(source[:, :, :3]), clip.reshape(1, 256, 3))
    s = cv2.GaussianBlur(reachable, (0, 0), BLUR_SIGMA)
    c = cv2.GaussianBlur(np.ascontiguousarray(corrected[:, :, :3]), (0, 0), BLUR_SIGMA)
    planes = cv2.split(cv2.absdiff(c, s))
    distance = np.asarray(cv2.max(cv2.max(planes[0], planes[1]), planes[2]), dtype=np.uint8)
    distance[~covered] = 0
    seen = max(1, int(np.count_nonzero(covered)))

    # 2. a threshold from the noise level
    counts = np.bincount(distance.ravel(), minlength=256)
    counts[0] -= distance.size - seen  # the uncovered zeros
    typical = float(np.searchsorted(np.cumsum(counts), seen / 2.0))
    threshold = float(np.clip(NOISE_FACTOR * typical, MIN_LEVEL, MAX_LEVEL))
    changed = (distance > threshold).astype(np.uint8)
    visible = _visible_share(distance, covered)

    # 3. morphology: open, close, drop small pieces, fill holes
    changed = np.asarray(cv2.morphologyEx(changed, cv2.MORPH_OPEN, _disc(1)), np.uint8)
    closing = _disc(_radius(CLOSE_SIZE * long_side))
    changed = np.asarray(cv2.morphologyEx(changed, cv2.MORPH_CLOSE, closing), np.uint8)
    changed = _drop_small(changed, max(4, round(MIN_AREA * height * width)))
    filled = _fill_holes(changed)

    # 4. the named regions, then the margin
    for region in regions:
        filled |= region
    share = float(np.count_nonzero(filled)) / seen
    margin = max(2, round(MARGIN * long_side))
    grown = cv2.dilate(filled.astype(np.uint8), _disc(margin)).astype(bool)
    return ChangeMask(filled, grown, margin, threshold, min(1.0, share), visible)


def rasterise(
    regions: Sequence[Region], size: tuple[int, int], work: tuple[int, int]
) -> list[Mask]:
    """Boxes (source pixels) and masks (source size) as masks on the work grid (width, height)."""
    width, height = size
    fx, fy = work[0] / width, work[1] / height
    out: list[Mask] = []
    for region in regions:
        if isinstance(region, Box):
            layer = np.zeros((work[1], work[0]), dtype=bool)
            x0, y0 = max(0, int(region.x * fx)), max(0, int(region.y * fy))
            x1 = min(work[0], int(np.ceil(region.right * fx)))
            y1 = min(work[1], int(np.ceil(region.bottom * fy)))
            layer[y0:y1, x0:x1] = True
        else:
            array = np.asarray(region)
            if array.shape != (height, width):
                raise ValueError(
                    f"a region mask has the source's shape {(height, width)}, not {array.shape}"
                )
            layer = cv2.resize(
                array.astype(np.uint8), work, interpolation=cv2.INTER_NEAREST
            ).astype(bool)
        out.append(layer)
    return out


def _visible_share(distance: npt.NDArray[np.uint8], covered: Mask) -> float:
    """The share of mostly covered blocks whose median difference exceeds `VISIBLE_LEVEL`.

    A block's median exceeds the level when more than half its pixels do, so the block means
    of that indicator (an area resize) give the medians' verdicts at once.
    """
    height, width = distance.shape
    rows, cols = max(1, height // BLOCK), max(1, width // BLOCK)
    above = (distance > VISIBLE_LEVEL).astype(np.float32)
    above_share = cv2.resize(above, (cols, rows), interpolation=cv2.INTER_AREA)
    cover_share = cv2.resize(covered.astype(np.float32), (cols, rows), interpolation=cv2.INTER_AREA)
    seen = cover_share >= 0.5
    if not seen.any():
        return 0.0
    # the uncovered pixels of a block count as unchanged: compare to half its covered pixels
    return float((above_share[seen] > 0.5 * cover_share[seen]).mean())


def _disc(size: int) -> npt.NDArray[np.uint8]:
    return np.asarray(
        cv2.getStructuringElement(cv2.MORPH_ELLIPSE, (2 * size + 1, 2 * size + 1)), np.uint8
    )


def _radius(value: float) -> int:
    """The radius of a structuring element `value` pixels across, at least one pixel."""
    return max(1, round(value / 2))


def _drop_small(mask: npt.NDArray[np.uint8], min_area: int) -> npt.NDArray[np.uint8]:
    count, labels, stats, _ = cv2.connectedComponentsWithStats(mask, connectivity=8)
    if count <= 1:
        return mask
    keep = stats[:, cv2.CC_STAT_AREA] >= min_area
    keep[0] = False
    return np.asarray(keep[labels], dtype=np.uint8)


def _fill_holes(mask: npt.NDArray[np.uint8]) -> Mask:
    """The mask with every region it encloses filled: what a flood from the border misses."""
    height, width = mask.shape
    padded = np.zeros((height + 2, width + 2), dtype=np.uint8)
    padded[1:-1, 1:-1] = mask
    flood = np.zeros((height + 4, width + 4), dtype=np.uint8)
    cv2.floodFill(padded, flood, (0, 0), 1, flags=4 | (2 << 8) | cv2.FLOODFILL_MASK_ONLY)
    outside = flood[2:-2, 2:-2].astype(bool)
    filled: Mask = ~outside | mask.astype(bool)
    return filled
