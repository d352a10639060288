"""Restoring old photos: denoise, dust and scratches, contrast, white balance, sharpening.

Each stage adds one line to the turn's notes saying what it found and did ("repaired 31
dust spot(s) and 3 scratch(es), 0.9% of the pixels"). `strength` (0 < s <= 1) scales every
stage, as its function says.

Sources and notation, stage by stage:

1. Noise level: D. Donoho, I. Johnstone, "Ideal spatial adaptation by wavelet shrinkage",
   Biometrika 81(3), 1994: sigma = median(|HH|) / 0.6745, HH the finest diagonal Haar
   wavelet coefficients, per colour channel (the median of the three is kept). Removed by
   non-local means (`gouache.ops.filters.denoise`; A. Buades, B. Coll, J.-M. Morel, "A
   non-local algorithm for image denoising", CVPR 2005) with h = sigma * s.
2. Dust and scratches. The white top-hat v - opening(v) and the black top-hat
   closing(v) - v of the luma v, with a disc 2.5 % of the long side across (J. Serra,
   "Image Analysis and Mathematical Morphology", Academic Press 1982), keep what is
   brighter or darker than its surroundings and narrower than the disc. Their maximum
   `hat` is thresholded robustly: median + z * 1.4826 * MAD over the picture.
   * spots: components of {hat > cut} that are also far from a median of the disc's size
     (which keeps the edges and folds that specks would otherwise join), fit in the disc,
     and stand SPOT_SEPARATION levels beyond the 95th (bright) or 5th (dark) percentile of
     a ring around them: isolated, as dust is, not part of a texture;
   * scratches: straight segments of thin candidates found by the probabilistic Hough
     transform (J. Matas, C. Galambos, J. Kittler, "Robust detection of lines using the
     progressive probabilistic Hough transform", CVIU 78(1), 2000; `cv2.HoughLinesP`), at
     least 15 % of the long side, with nearly empty flanks (hair, fur and wood grain are
     thin lines too, but never alone); segments in line with such a one are the same
     scratch crossing something busier;
   * both are grown by a pixel and filled by A. Telea, "An image inpainting technique based
     on the fast marching method", Journal of Graphics Tools 9(1), 2004 (`cv2.inpaint`).
   Eyes and mouth corners of detected faces are left alone (catch-lights look like dust).
3. Contrast: the luma's 0.5th..99.5th percentiles stretched to 0..255 (gain at most 1.6),
   then CLAHE on L* (K. Zuiderveld, "Contrast Limited Adaptive Histogram Equalization",
   Graphics Gems IV, 1994; clip 2, 8 x 8 tiles) blended in at 50 % * s.
4. White balance: shades of gray (G. Finlayson, E. Trezzi, "Shades of Gray and Colour
   Constancy", CIC 2004) in its p -> infinity limit, white patch: the illuminant e_c is
   the 99th percentile of channel c in linear light, and channel c gets the gain
   (mean(e) / e_c) ** s, clamped to [1/1.5, 1.5] like `auto_enhance`. The lower norms
   (p = 1 gray world, p = 6 as auto_enhance) read the colour of the subject as a cast:
   they turned the clean `chelsea` cat blue (R x0.76, B x1.24).
5. An unsharp mask of amount 0.4 * s, sigma 1 px at 1 MP (`gouache.ops.filters.sharpen`).

Measured on scikit-image's `astronaut` aged by noise (sigma 8), 30 specks, 3 scratches,
70 % contrast and a yellow cast: PSNR against the clean picture rises from 18.4 to 24.5 dB,
and 84 % of the visible speck pixels are repaired (72-88 % over five placements).

Where it fails:
* Specks that straddle an edge (half on a region as dark as they are) are not isolated
  and stay; so does dust inside the face guards.
* Small real details that look like dust are removed: highlights on metal, dots of text,
  the dark corners of a badge. A clean `astronaut` loses 62 such spots (0.7 % of pixels).
* Thin, straight, lonely lines in the picture (a wire, a mast, a rim highlight) are taken
  for scratches.
* Levels and white patch assume the photo once held a black, a white and something
  neutral: a low-key or all-orange picture (`chelsea`) is brightened and cooled.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

import cv2
import numpy as np
import numpy.typing as npt
from pydantic import Field

from gouache.analysis.types import Face
from gouache.images import Image
from gouache.ops._pixels import (
    LINEAR_OF_CODE,
    Float32Array,
    apply_lut,
    code_values,
    linear_to_srgb,
    rgb_of,
    with_alpha_of,
)
from gouache.ops.filters import DENOISE_H, DenoiseParams, SharpenParams, denoise, sharpen
from gouache.ops.registry import OpContext, Operator, Params
from gouache.ops.tone import CLAHE_TILES, MAX_WB_GAIN

# 1. denoise: NLM's h is NOISE_TO_H * sigma (times strength), within filters' own range;
# under MIN_NOISE (levels) the picture is left as it is.
MIN_NOISE = 2.0
NOISE_TO_H = 1.0
# 2. dust and scratches: the top-hat disc, as a share of the long side (at least 7 px).
DUST_DISC = 0.025
# The largest disc (medianBlur's kernel), and the thinnest picture looked at for dust.
MAX_DISC = 255
MIN_DUST_SIDE = 16
# Robust z-scores (median + z * 1.4826 * MAD of the top-hat) for spot and line candidates
# at strength 1; lower strengths divide the thresholds by strength, taking fewer marks.
Z_SPOT = 6.0
Z_LINE = 3.0
# Never a spot under this top-hat, nor a scratch under half of it, in levels of luma.
MIN_CONTRAST = 30.0
# A spot fits in the disc (area at most SPOT_AREA of the disc's) and its extreme value is
# SPOT_SEPARATION levels (divided by strength) beyond the RING_PERCENTILE of a ring around it,
# RING_GAP px out and RING_WIDTH wide: isolated like dust, not part of a texture or an edge.
# Candidates within SPOT_RIM px of a kept spot are its softer rim and are filled with it.
SPOT_AREA = 0.5
SPOT_SEPARATION = 30.0
SPOT_RIM = 3
RING_GAP = 2
RING_WIDTH = 3
RING_PERCENTILE = 95.0
# A scratch is a straight run at least SCRATCH_LENGTH of the long side, narrower than
# SCRATCH_WIDTH of the disc, with at most FLANK_DENSITY candidates in the bands a
# disc wide on either side of it.
SCRATCH_LENGTH = 0.15
SCRATCH_WIDTH = 0.25
FLANK_DENSITY = 0.08
# Marks are grown by this many pixels before inpainting (their soft edges), and filled
# from this radius around them.
MARK_GROW = 1
INPAINT_RADIUS = 3
# Catch-lights and mouth corners are protected within this share of the face width around
# the eyes and the corners of the mouth.
FACE_GUARD = 0.12
# 3. contrast: the percentiles of luma mapped to 0 and 255, a gain no larger than
# LEVELS_MAX_GAIN (a foggy or night picture is not blown up), and CLAHE with this clip limit
# blended in at LOCAL_CONTRAST (at strength 1).
LEVELS_PERCENTILES = (0.5, 99.5)
LEVELS_MAX_GAIN = 1.6
RESTORE_CLAHE_CLIP = 2.0
LOCAL_CONTRAST = 0.5
# 4. white balance: the percentile of each channel taken as its white.
WHITE_PERCENTILE = 99.0
# 5. sharpening: amount at strength 1, and sigma at 1 MP.
SHARPEN_AMOUNT = 0.4
SHARPEN_RADIUS = 1.0


class RestoreParams(Params):
    strength: float = Field(default=1.0, gt=0.0, le=1.0)


@dataclass(frozen=True)
class Marks:
    """What the dust-and-scratch detector found: the mask to fill and what is in it."""

    mask: npt.NDArray[np.bool_]
    spots: int
    scratches: int


def restore(image: Image, p: RestoreParams, ctx: OpContext) -> Image:
    """The five stages in order: denoise, dust and scratches, contrast, white balance,
    sharpening. The alpha channel, if any, is kept as it was."""
    s = p.strength
    rgb = rgb_of(image)
    faces = ctx.analysis(image).faces
    report: list[str] = []
    # 1. denoise
    rgb, line = denoise_stage(rgb, s, ctx)
    report.append(line)
    # 2. dust and scratches
    _check_cancel(ctx)
    rgb, line = dust_stage(rgb, s, faces)
    report.append(line)
    # 3. contrast
    rgb, line = contrast_stage(rgb, s)
    report.append(line)
    # 4. white balance
    rgb, line = white_balance_stage(rgb, s)
    report.append(line)
    # 5. sharpening
    rgb, line = sharpen_stage(rgb, s, ctx)
    report.append(line)
    ctx.notes.extend(f"restore: {line}" for line in report)
    return with_alpha_of(rgb, image)


def _check_cancel(ctx: OpContext) -> None:
    if ctx.cancel is not None:
        ctx.cancel.raise_if_cancelled()


def denoise_stage(rgb: Image, strength: float, ctx: OpContext) -> tuple[Image, str]:
    """1. Non-local means with h = sigma * strength (4..20), when there is noise to remove."""
    sigma = noise_sigma(rgb)
    if sigma < MIN_NOISE:
        return rgb, f"noise {sigma:.1f} levels (sigma), too little to denoise"
    h = min(20.0, max(4.0, NOISE_TO_H * sigma * strength))
    low, high = DENOISE_H
    clean = denoise(rgb, DenoiseParams(strength=max(1e-3, (h - low) / (high - low))), ctx)
    return clean, f"noise {sigma:.1f} levels (sigma), removed by non-local means (h {h:.0f})"


def dust_stage(rgb: Image, strength: float, faces: list[Face]) -> tuple[Image, str]:
    """2. Find dust spots and scratches, grow them by MARK_GROW px and inpaint them."""
    if min(rgb.shape[:2]) < MIN_DUST_SIDE:
        return rgb, f"too thin to look for dust (under {MIN_DUST_SIDE} px)"
    marks = find_marks(rgb, strength, faces)
    if not marks.mask.any():
        return rgb, "no dust or scratches found"
    grown = cv2.dilate(marks.mask.astype(np.uint8), _disc(2 * MARK_GROW + 1))
    filled = np.asarray(cv2.inpaint(rgb, grown, INPAINT_RADIUS, cv2.INPAINT_TELEA), np.uint8)
    return filled, (
        f"repaired {marks.spots} dust spot(s) and {marks.scratches} scratch(es), "
        f"{float(grown.mean()):.2%} of the pixels"
    )


def contrast_stage(rgb: Image, strength: float) -> tuple[Image, str]:
    """3. Levels, then CLAHE on L* blended in by LOCAL_CONTRAST * strength."""
    stretched, (lo, hi), gain = _stretch(rgb, strength)
    lab = cv2.cvtColor(stretched, cv2.COLOR_RGB2Lab)
    lightness = np.ascontiguousarray(lab[:, :, 0])
    clahe = cv2.createCLAHE(clipLimit=RESTORE_CLAHE_CLIP, tileGridSize=CLAHE_TILES)
    weight = LOCAL_CONTRAST * strength
    lab[:, :, 0] = cv2.addWeighted(clahe.apply(lightness), weight, lightness, 1.0 - weight, 0.0)
    out = np.asarray(cv2.cvtColor(lab, cv2.COLOR_Lab2RGB), dtype=np.uint8)
    if gain == 1.0:
        levels = f"levels {lo}..{hi} left as they are"
    elif gain * (hi - lo) >= 254.5:
        levels = f"levels {lo}..{hi} stretched to 0..255"
    else:
        levels = f"levels {lo}..{hi} stretched x{gain:.2f}"
    return out, f"contrast: {levels}, local contrast (CLAHE) at {weight:.0%}"


def white_balance_stage(rgb: Image, strength: float) -> tuple[Image, str]:
    """4. Per-channel gains in linear light, raised to the power strength."""
    gains = white_balance_gains(rgb) ** np.float32(strength)
    out = apply_lut(rgb, linear_to_srgb(LINEAR_OF_CODE[:, None] * gains[None, :]))
    r, g, b = (float(x) for x in gains)
    return out, f"white balance: gains R x{r:.2f}, G x{g:.2f}, B x{b:.2f}"


def sharpen_stage(rgb: Image, strength: float, ctx: OpContext) -> tuple[Image, str]:
    """5. An unsharp mask of amount SHARPEN_AMOUNT * strength, its radius sized to 1 MP."""
    height, width = rgb.shape[:2]
    radius = max(0.6, SHARPEN_RADIUS * math.sqrt(height * width / 1e6))
    amount = SHARPEN_AMOUNT * strength
    out = sharpen(rgb, SharpenParams(amount=amount, radius=radius), ctx)
    return out, f"sharpened (unsharp mask {amount:.1f} at {radius:.1f} px)"


def noise_sigma(rgb: Image) -> float:
    """Donoho's estimate of gaussian noise, in levels: the median over the channels of
    median(|HH|) / 0.6745, HH the finest diagonal Haar coefficients."""
    height, width = rgb.shape[:2]
    if height < 2 or width < 2:
        return 0.0
    v = rgb[: height // 2 * 2, : width // 2 * 2].astype(np.float32)
    hh = (v[0::2, 0::2] - v[0::2, 1::2] - v[1::2, 0::2] + v[1::2, 1::2]) / np.float32(2.0)
    per_channel = np.median(np.abs(hh).reshape(-1, 3), axis=0) / 0.6745
    return float(np.median(per_channel))


def find_marks(rgb: Image, strength: float, faces: list[Face]) -> Marks:
    """Dust spots and scratches: small marks much brighter or darker than everything around
    them, and long straight thin lines with nothing like them alongside."""
    # 1. top-hats of the luma with a disc a little wider than the biggest speck
    height, width = rgb.shape[:2]
    # sized from the long side, but never from more than twice the short one: a 1x65535
    # strip would get a 1,639 px disc (minutes of morphology, and medianBlur refuses it)
    side = min(max(height, width), 2 * min(height, width))
    disc = min(MAX_DISC, max(7, round(DUST_DISC * side) | 1))
    kernel = cv2.getStructuringElement(cv2.MORPH_ELLIPSE, (disc, disc))
    luma = np.asarray(cv2.cvtColor(rgb, cv2.COLOR_RGB2GRAY), dtype=np.uint8)
    bright = cv2.morphologyEx(luma, cv2.MORPH_TOPHAT, kernel)
    dark = cv2.morphologyEx(luma, cv2.MORPH_BLACKHAT, kernel)
    hat = np.maximum(bright, dark).astype(np.float32)

    # 2. robust thresholds over the whole picture: median + z * 1.4826 * MAD
    median = float(np.median(hat))
    spread = 1.4826 * float(np.median(np.abs(hat - median)))
    spot_cut = max(MIN_CONTRAST, median + Z_SPOT / strength * spread)
    line_cut = max(MIN_CONTRAST / 2, median + Z_LINE / strength * spread)
    guard = _face_guard(faces, height, width)

    # 3. scratches: long straight runs of thin candidates with no others alongside
    scratch_mask, scratches = _scratches(hat > line_cut, disc, strength, height, width)
    scratch_mask &= ~guard
    # 4. spots: compact components far from the median of their neighbourhood (a median of
    # the disc's size keeps the edges and folds that the top-hat alone would join specks
    # to) and standing clear of a ring around them; then grown over their softer rims
    residual = cv2.absdiff(luma, cv2.medianBlur(luma, disc))
    candidates = (hat > spot_cut) & (residual > spot_cut) & ~guard & ~scratch_mask
    spots = _spots(luma, bright >= dark, candidates, disc, strength)
    rim = cv2.dilate(spots.mask.astype(np.uint8), _disc(2 * SPOT_RIM + 1)) > 0
    mask = spots.mask | (rim & candidates) | scratch_mask
    return Marks(mask=mask, spots=spots.spots, scratches=scratches)


def _disc(size: int) -> npt.NDArray[np.uint8]:
    return np.asarray(cv2.getStructuringElement(cv2.MORPH_ELLIPSE, (size, size)), np.uint8)


def _face_guard(faces: list[Face], height: int, width: int) -> npt.NDArray[np.bool_]:
    """Discs around detected eyes and mouth corners, whose catch-lights and dark corners
    look exactly like dust."""
    guard = np.zeros((height, width), dtype=np.uint8)
    for face in faces:
        radius = max(1, round(FACE_GUARD * face.box.w))
        marks = face.landmarks
        for point in (marks.right_eye, marks.left_eye, marks.mouth_right, marks.mouth_left):
            cv2.circle(guard, (round(point.x), round(point.y)), radius, 1, thickness=-1)
    return guard.astype(bool)


def _spots(
    luma: Image,
    is_bright: npt.NDArray[np.bool_],
    candidates: npt.NDArray[np.bool_],
    disc: int,
    strength: float,
) -> Marks:
    """Components that fit in the disc and whose extreme value is SPOT_SEPARATION / strength
    levels beyond the 95th (bright) or 5th (dark) percentile of a ring around them."""
    height, width = luma.shape
    count, labels, stats, _ = cv2.connectedComponentsWithStats(
        candidates.astype(np.uint8), connectivity=8
    )
    max_area = SPOT_AREA * math.pi * (disc / 2) ** 2
    separation = SPOT_SEPARATION / strength
    inner = np.ones((2 * RING_GAP + 1,) * 2, dtype=np.uint8)
    outer = np.ones((2 * (RING_GAP + RING_WIDTH) + 1,) * 2, dtype=np.uint8)
    pad = RING_GAP + RING_WIDTH
    keep = np.zeros(count, dtype=bool)
    for i in range(1, count):
        x, y, w, h, area = (int(v) for v in stats[i, :5])
        if max(w, h) > disc or area > max_area:
            continue
        x0, y0 = max(0, x - pad), max(0, y - pad)
        x1, y1 = min(width, x + w + pad), min(height, y + h + pad)
        own = (labels[y0:y1, x0:x1] == i).astype(np.uint8)
        ring = (cv2.dilate(own, outer) > 0) & (cv2.dilate(own, inner) == 0)
        if not ring.any():
            continue
        patch = luma[y0:y1, x0:x1].astype(np.float32)
        core, around = patch[own > 0], patch[ring]
        if bool(is_bright[y0:y1, x0:x1][own > 0].any()):
            clear = float(core.max() - np.percentile(around, RING_PERCENTILE))
        else:
            clear = float(np.percentile(around, 100 - RING_PERCENTILE) - core.min())
        keep[i] = clear >= separation
    return Marks(mask=keep[labels], spots=int(keep.sum()), scratches=0)


def _scratches(
    candidates: npt.NDArray[np.bool_], disc: int, strength: float, height: int, width: int
) -> tuple[npt.NDArray[np.bool_], int]:
    """Straight segments at least SCRATCH_LENGTH of the long side (probabilistic Hough on the
    thin candidates), kept where the flanks beside them are nearly empty of candidates:
    hair, fur and wood grain are thin lines too, but never alone. A segment in line with a
    kept one is the same scratch crossing something busier, and is kept too. Returns the
    thin candidates along the kept segments' lines, and how many separate scratches they
    make."""
    # 1. thin candidates: what an opening by a square wider than a scratch does not keep
    half = max(1, round(SCRATCH_WIDTH * disc))
    binary = candidates.astype(np.uint8)
    square = np.ones((half + 1, half + 1), np.uint8)
    wide = np.asarray(cv2.morphologyEx(binary, cv2.MORPH_OPEN, square), dtype=np.uint8)
    thin = binary & (1 - wide)
    length = round(SCRATCH_LENGTH / strength * max(height, width))
    found = cv2.HoughLinesP(
        thin,
        1.0,
        np.pi / 360,
        threshold=max(1, length // 2),
        minLineLength=length,
        maxLineGap=disc,
    )
    zone = np.zeros((height, width), dtype=np.uint8)
    if found is None:
        return zone.astype(bool), 0
    segments = np.asarray(found, dtype=np.float64).reshape(-1, 4)

    # 2. the lonely ones, then those in line with them
    core_width, near_width = 2 * half + 1, 4 * half + 3
    lonely = [
        _band_mean(binary, seg, near_width + 2 * disc, exclude=near_width) <= FLANK_DENSITY
        for seg in segments
    ]
    kept = [seg for seg, ok in zip(segments, lonely, strict=True) if ok]
    scratch_segments = [
        seg
        for seg, ok in zip(segments, lonely, strict=True)
        if ok or any(_in_line(seg, other, half + 1.0) for other in kept)
    ]
    # A scratch runs on past where the Hough segment stopped (its faint or busy ends): the
    # band follows the segment's line to the edges of the picture.
    reach = float(height + width)
    for x0, y0, x1, y1 in scratch_segments:
        norm = math.hypot(x1 - x0, y1 - y0)
        ux, uy = (x1 - x0) / norm * reach, (y1 - y0) / norm * reach
        start, stop = (round(x0 - ux), round(y0 - uy)), (round(x1 + ux), round(y1 + uy))
        cv2.line(zone, start, stop, 1, thickness=core_width)

    # 3. pieces of one scratch (in line with each other) count once: union-find on indices
    parent = list(range(len(scratch_segments)))

    def root(i: int) -> int:
        while parent[i] != i:
            i = parent[i]
        return i

    for i, seg in enumerate(scratch_segments):
        for j in range(i):
            if _in_line(seg, scratch_segments[j], half + 1.0):
                parent[root(i)] = root(j)
    groups = {root(i) for i in range(len(scratch_segments))}
    return (zone > 0) & (thin > 0), len(groups)


def _band_mean(
    binary: npt.NDArray[np.uint8], seg: npt.NDArray[np.float64], width: int, exclude: int
) -> float:
    """The share of set pixels in a band `width` px wide along the segment, less the middle
    `exclude` px (the flanks), computed in the segment's bounding box only."""
    height, full_width = binary.shape
    reach = width // 2 + 1
    x0, y0, x1, y1 = (round(v) for v in seg)
    left, top = max(0, min(x0, x1) - reach), max(0, min(y0, y1) - reach)
    right, bottom = min(full_width, max(x0, x1) + reach + 1), min(height, max(y0, y1) + reach + 1)
    ends = ((x0 - left, y0 - top), (x1 - left, y1 - top))
    outer = np.zeros((bottom - top, right - left), dtype=np.uint8)
    inner = np.zeros_like(outer)
    cv2.line(outer, *ends, 1, thickness=width)
    cv2.line(inner, *ends, 1, thickness=exclude)
    flank = (outer > 0) & (inner == 0)
    return float(binary[top:bottom, left:right][flank].mean()) if flank.any() else 1.0


def _in_line(
    seg: npt.NDArray[np.float64], other: npt.NDArray[np.float64], tolerance: float
) -> bool:
    """Both ends of `seg` lie within `tolerance` px of the infinite line through `other`."""
    x0, y0, x1, y1 = other
    dx, dy = x1 - x0, y1 - y0
    norm = math.hypot(dx, dy)
    if norm == 0.0:
        return False
    distances = [abs(dy * (x - x0) - dx * (y - y0)) / norm for x, y in (seg[:2], seg[2:])]
    return bool(max(distances) <= tolerance)


def white_balance_gains(rgb: Image) -> Float32Array:
    """Per-channel gains mean(e) / e_c that make the illuminant e grey, clamped to
    [1 / MAX_WB_GAIN, MAX_WB_GAIN]. e_c is the WHITE_PERCENTILE-th percentile of channel c
    in linear light: shades of gray at p -> infinity (white patch), with the maximum made
    robust by a percentile."""
    illuminant = np.empty(3, dtype=np.float64)
    for c in range(3):
        hist = cv2.calcHist([rgb], [c], None, [256], [0, 256]).ravel()
        rank = np.searchsorted(np.cumsum(hist), WHITE_PERCENTILE / 100.0 * hist.sum())
        illuminant[c] = max(float(LINEAR_OF_CODE[min(int(rank), 255)]), 1e-3)
    gains = illuminant.mean() / illuminant
    return np.asarray(np.clip(gains, 1.0 / MAX_WB_GAIN, MAX_WB_GAIN), dtype=np.float32)


def _stretch(rgb: Image, strength: float) -> tuple[Image, tuple[int, int], float]:
    """Map the luma percentiles lo..hi to 0..255 on all channels alike (the gain capped at
    LEVELS_MAX_GAIN, about the middle of lo..hi), blended with the identity by strength.
    Returns the image, (lo, hi) and the gain that resulted."""
    luma = cv2.cvtColor(rgb, cv2.COLOR_RGB2GRAY)
    lo, hi = (int(v) for v in np.percentile(luma, LEVELS_PERCENTILES))
    gain = min(255.0 / (hi - lo), LEVELS_MAX_GAIN) if hi > lo else 1.0
    if gain <= 1.0:
        return rgb, (lo, hi), 1.0
    x = code_values()
    stretched = np.float32(127.5) + (x - np.float32((lo + hi) / 2)) * np.float32(gain)
    out = apply_lut(rgb, x + (stretched - x) * np.float32(strength))
    return out, (lo, hi), 1.0 + (gain - 1.0) * strength


OPERATORS: list[Operator[Any]] = [
    Operator(
        name="restore",
        version="1.0.0",
        summary="restore an old photo: noise, dust, scratches, contrast, colour, sharpness",
        params=RestoreParams,
        run=restore,
        keywords=("restore", "repair", "fix this old photo", "dust", "scratches"),
        examples=("restore this old photo", "remove the dust and scratches"),
    ),
]
