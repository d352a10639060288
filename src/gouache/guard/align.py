"""Step 2 of the guard: estimate how the output moved against the source, robust to the edit.

Method: features, a robust similarity, then an area-based refinement, all on grey copies
whose long side is near `WORK_SIDE` pixels (the map is scaled back to full size at the end).

1. ORB keypoints and binary descriptors on both images, matched by Hamming distance with a
   cross check. E. Rublee, V. Rabaud, K. Konolige, G. Bradski, "ORB: an efficient alternative
   to SIFT or SURF", ICCV 2011.
2. A similarity (4 degrees of freedom: shift, zoom, turn) fitted to the matches with RANSAC
   (`cv2.estimateAffinePartial2D`), so matches on the edited region are outvoted.
   M. A. Fischler, R. C. Bolles, "Random sample consensus", CACM 24(6), 1981.
3. The enhanced correlation coefficient, maximised over an affine warp from that start
   (`cv2.findTransformECCWithMask`), on the pixels the coarse check leaves as unedited.
   ECC is invariant to a gain and offset of the intensities, so colour drift does not bias it.
   G. D. Evangelidis, E. Z. Psarakis, "Parametric image alignment using enhanced correlation
   coefficient maximization", IEEE TPAMI 30(10), 2008.

4. A check that the map matches the source better (by ECC) than the plain resize between the
   sizes does; a false match on a repeated pattern does not, and the plain resize is used.

Notation (Evangelidis & Psarakis): the template i_r is the source, the input i_w the output,
the warp phi(x; p) the 2x3 matrix taking source pixel centres to output pixel centres.
When the output has another aspect, both resize hypotheses of step 1 are tried and the one
with more RANSAC inliers wins.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

import cv2
import numpy as np
import numpy.typing as npt
from cv2.typing import MatLike

from gouache.guard.geometry import (
    Hypothesis,
    Matrix,
    homogeneous,
    hypotheses,
    scaling,
    work_size,
)
from gouache.images import Image

WORK_SIDE = 512
ORB_FEATURES = 800
# RANSAC inlier distance, in work pixels.
RANSAC_THRESHOLD = 2.0
# Fewer inliers than this and the estimate is not trusted: the plain resize is used instead.
MIN_INLIERS = 12
# ORB needs room for its 31-pixel patches on a few pyramid levels: smaller pictures are only
# resized.
MIN_SIDE = 48
# ECC iterations and the correlation gain at which it stops.
ECC_ITERATIONS = 30
ECC_EPSILON = 1e-5
# Pixels whose normalised difference after the RANSAC start is in the top share are left out
# of the ECC objective: the edit must not pull the warp towards itself.
ECC_OUTLIER_SHARE = 0.15


@dataclass(frozen=True)
class Alignment:
    """The estimated map, how it was found and how well it is supported."""

    matrix: Matrix  # 2x3, source pixel centres -> output pixel centres, full size
    hypothesis: Hypothesis
    matches: int
    inliers: int
    # The correlation the refinement reached; None when it did not run or did not converge.
    correlation: float | None
    # False when too few matches agreed: `matrix` is then the plain resize between the sizes.
    found: bool


@dataclass(frozen=True)
class _Work:
    grey: npt.NDArray[np.uint8]
    # 3x3 from full-size pixel centres to work pixel centres
    to_work: Matrix


def estimate_alignment(source: Image, output: Image, *, work_side: int = WORK_SIDE) -> Alignment:
    """The source->output map of `output`'s drift, robust to the edited region."""
    sh, sw = source.shape[:2]
    oh, ow = output.shape[:2]
    src = _work(source, work_side, None)
    orb = cv2.ORB.create(nfeatures=ORB_FEATURES, fastThreshold=10)
    small = min(sw, sh, ow, oh) < MIN_SIDE
    src_keys, src_desc = ((), None) if small else orb.detectAndCompute(src.grey, None)

    # 1-2. features and a RANSAC similarity, for each resize hypothesis
    best: tuple[int, int, Matrix, _Work, Hypothesis] | None = None
    for hypothesis in [] if small else hypotheses((sw, sh), (ow, oh)):
        shape = (src.grey.shape[1], src.grey.shape[0]) if hypothesis == "stretch" else None
        out = _work(output, work_side, shape)
        out_keys, out_desc = orb.detectAndCompute(out.grey, None)
        found = _similarity(src_keys, src_desc, out_keys, out_desc)
        if found is not None and (best is None or found[1] > best[1]):
            best = (found[0], found[1], found[2], out, hypothesis)

    plain = plain_resize((sw, sh), (ow, oh))
    if best is None or best[1] < MIN_INLIERS:
        matches = 0 if best is None else best[0]
        inliers = 0 if best is None else best[1]
        return plain(matches, inliers)
    matches, inliers, start, out, hypothesis = best

    # 3. ECC refinement from the RANSAC start, on the pixels that look unedited
    warp, correlation = _refine(src.grey, out.grey, start)

    # 4. a map that matches worse than the plain resize is a false match (a repeated pattern)
    stretched = out if hypothesis != "uniform" else _work(output, work_side, src.grey.shape[::-1])
    if _correlation(src.grey, out.grey, warp) < _correlation(src.grey, stretched.grey, None):
        return plain(matches, inliers)
    full = np.linalg.inv(out.to_work) @ homogeneous(warp) @ src.to_work
    return Alignment(full[:2], hypothesis, matches, inliers, correlation, found=True)


def plain_resize(
    source_size: tuple[int, int], output_size: tuple[int, int]
) -> Callable[[int, int], Alignment]:
    """The alignment to fall back on: the plain resize between the sizes, marked not found."""
    (sw, sh), (ow, oh) = source_size, output_size
    hypothesis = hypotheses(source_size, output_size)[0]
    matrix = scaling(ow / sw, oh / sh)[:2]

    def make(matches: int, inliers: int) -> Alignment:
        return Alignment(matrix, hypothesis, matches, inliers, None, found=False)

    return make


def _correlation(
    template: npt.NDArray[np.uint8], image: npt.NDArray[np.uint8], warp: Matrix | None
) -> float:
    """ECC between the template and the image (warped onto it), over what the image covers."""
    if warp is None:
        return float(cv2.computeECC(template, image))
    th, tw = template.shape
    flags = cv2.WARP_INVERSE_MAP
    warped = cv2.warpAffine(image, warp, (tw, th), flags=cv2.INTER_LINEAR | flags)
    ones = np.full(image.shape, 255, dtype=np.uint8)
    covered = cv2.warpAffine(ones, warp, (tw, th), flags=cv2.INTER_NEAREST | flags)
    return float(cv2.computeECC(template, warped, covered))


def _work(image: Image, work_side: int, shape: tuple[int, int] | None) -> _Work:
    """A grey copy, long side near `work_side` (or exactly `shape`, (width, height))."""
    height, width = image.shape[:2]
    if shape is None:
        shape = work_size(width, height, work_side)
    grey = cv2.cvtColor(np.ascontiguousarray(image[:, :, :3]), cv2.COLOR_RGB2GRAY)
    if shape != (width, height):
        grey = cv2.resize(grey, shape, interpolation=cv2.INTER_AREA)
    return _Work(np.asarray(grey, dtype=np.uint8), scaling(shape[0] / width, shape[1] / height))


def _similarity(
    src_keys: Sequence[cv2.KeyPoint],
    src_desc: MatLike | None,
    out_keys: Sequence[cv2.KeyPoint],
    out_desc: MatLike | None,
) -> tuple[int, int, Matrix] | None:
    """(matches, inliers, 2x3 similarity src->out) from cross-checked ORB matches."""
    if src_desc is None or out_desc is None or len(src_keys) < 3 or len(out_keys) < 3:
        return None
    matcher = cv2.BFMatcher(cv2.NORM_HAMMING, crossCheck=True)
    matches = matcher.match(src_desc, out_desc)
    if len(matches) < 3:
        return None
    src_pts = np.array([src_keys[m.queryIdx].pt for m in matches], dtype=np.float32)
    out_pts = np.array([out_keys[m.trainIdx].pt for m in matches], dtype=np.float32)
    matrix, inliers = cv2.estimateAffinePartial2D(
        src_pts,
        out_pts,
        method=cv2.RANSAC,
        ransacReprojThreshold=RANSAC_THRESHOLD,
        maxIters=2000,
        confidence=0.995,
    )
    if matrix is None or inliers is None:
        return None
    return len(matches), int(inliers.sum()), np.asarray(matrix, dtype=np.float64)


def _refine(
    template: npt.NDArray[np.uint8], image: npt.NDArray[np.uint8], start: Matrix
) -> tuple[Matrix, float | None]:
    """ECC over an affine warp from `start`; `start` itself if ECC fails to converge."""
    th, tw = template.shape
    warped = np.asarray(
        cv2.warpAffine(
            image,
            start,
            (tw, th),
            flags=cv2.INTER_LINEAR | cv2.WARP_INVERSE_MAP,
            borderMode=cv2.BORDER_CONSTANT,
            borderValue=0,
        ),
        dtype=np.uint8,
    )
    covered = cv2.warpAffine(
        np.full(image.shape, 255, dtype=np.uint8),
        start,
        (tw, th),
        flags=cv2.INTER_NEAREST | cv2.WARP_INVERSE_MAP,
        borderMode=cv2.BORDER_CONSTANT,
        borderValue=0,
    )
    template_mask = _likely_unedited(template, warped, covered > 0)
    image_mask = np.full(image.shape, 255, dtype=np.uint8)
    criteria = (cv2.TERM_CRITERIA_COUNT | cv2.TERM_CRITERIA_EPS, ECC_ITERATIONS, ECC_EPSILON)
    try:
        correlation, warp = cv2.findTransformECCWithMask(
            template,
            image,
            template_mask,
            image_mask,
            start.astype(np.float32),
            cv2.MOTION_AFFINE,
            criteria,
            5,
        )
    except cv2.error:
        return start, None
    refined = np.asarray(warp, dtype=np.float64)
    # a refinement that walked far from the RANSAC start found another optimum: keep the start
    corners = np.array([[0.0, 0.0, 1.0], [tw - 1.0, 0.0, 1.0], [0.0, th - 1.0, 1.0]]).T
    if np.abs((refined - start) @ corners).max() > 2.0 * RANSAC_THRESHOLD:
        return start, None
    return refined, float(correlation)


def _likely_unedited(
    template: npt.NDArray[np.uint8],
    warped: npt.NDArray[np.uint8],
    covered: npt.NDArray[np.bool_],
) -> npt.NDArray[np.uint8]:
    """255 where the roughly aligned output agrees with the source, after matching mean and
    spread; the `ECC_OUTLIER_SHARE` worst pixels (and what the output does not cover) get 0."""
    t = cv2.GaussianBlur(template, (5, 5), 0).astype(np.float32)
    w = cv2.GaussianBlur(warped, (5, 5), 0).astype(np.float32)
    if covered.sum() < 100:
        return np.full(template.shape, 255, dtype=np.uint8)
    t_mean, t_std = float(t[covered].mean()), float(t[covered].std()) + 1e-3
    w_mean, w_std = float(w[covered].mean()), float(w[covered].std()) + 1e-3
    diff = np.abs((t - t_mean) / t_std - (w - w_mean) / w_std)
    cut = float(np.quantile(diff[covered], 1.0 - ECC_OUTLIER_SHARE))
    keep = covered & (diff <= cut)
    return np.where(keep, 255, 0).astype(np.uint8)
