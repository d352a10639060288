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
2. Dust and scratches: found and filled by `gouache.ops.marks` (a median residual read
   against the local grain, a two-sided ridge test whose flanks must read as ground, a
   Hough transform for long straight scratches, a ring test for isolated specks,
   Telea's inpainting), a band of rows at a time. Eyes and mouth corners of detected
   faces are left alone (catch-lights look like dust), but not a scratch crossing them.
3. Contrast, on a faded photo only (its levels would be stretched by 1.15 or more): the
   luma's 0.5th..99.5th percentiles stretched to 0..255 (gain at most 1.6), then CLAHE on
   L* (K. Zuiderveld, "Contrast Limited Adaptive Histogram Equalization", Graphics Gems
   IV, 1994; clip 2, 8 x 8 tiles) blended in at 50 % * s.
4. White balance, when there is a cast (a gain off 1 by more than 12 %): shades of gray
   (G. Finlayson, E. Trezzi, "Shades of Gray and Colour Constancy", CIC 2004) in its
   p -> infinity limit, white patch: the illuminant e_c is the 99th percentile of channel
   c in linear light, and channel c gets the gain (mean(e) / e_c) ** s, clamped to
   [1/1.5, 1.5] like `auto_enhance`. The lower norms (p = 1 gray world, p = 6 as
   auto_enhance) read the colour of the subject as a cast: they turned the clean
   `chelsea` cat blue (R x0.76, B x1.24). A toned monochrome (sepia, cyanotype: in every
   band of lightness the pixels share one hue and chroma) has no cast: its tone is kept,
   and the note says so (white patch turned the sepia `old_photo` pink: R x0.80, B x1.50).
   A grey photo under a uniform cast reads the same, and is kept too.
5. After denoising only, an unsharp mask of amount 0.4 * s, sigma 1 px at 1 MP, at most
   6 px (`gouache.ops.filters.sharpen`): it gives back the edges non-local means softened.

So a clean photo is left almost as it was: only what reads as dust is refilled (0.1-0.9 %
of the pixels of camera, coffee, astronaut: tests/ops/test_restore.py).

Measured on scikit-image's `astronaut` aged by noise (sigma 8), 30 specks, 3 scratches,
70 % contrast and a yellow cast: see tests/ops/test_restore.py. The dust-and-scratch stage
alone, on generated damage over five photos: `benchmarks/restoration.py`.

Where it fails:
* Real isolated dots (highlights on metal, catch-lights outside a face, pores in wood) are
  taken for dust, and long straight thin lines with plain ground on both sides (wood
  grain) for scratches: 0.1-0.9 % of the pixels of a clean photo are refilled (camera,
  coffee, astronaut). A tripod's legs are not: their outline has the other sign.
* Specks on a busy texture or an edge, faint scratches, curved scratches and scratches
  running along an edge are missed: about 10 % of the damaged pixels of the generated
  damage stay, 12 % on seeds no threshold was tuned on (`benchmarks/restoration.py`).
  The detectors read marks at fixed sizes (scratches up to about 4 px wide, specks up to
  11 px): on a large scan, wider ones are missed.
* Levels assume the photo once held a black and a white: a low-key picture reads as
  faded (`chelsea`, levels 20..186, is stretched and given local contrast: nearly every
  pixel moves), and white patch that it held something neutral.
"""

from __future__ import annotations

import math
from typing import Any

import cv2
import numpy as np
import numpy.typing as npt
from pydantic import Field

from gouache.analysis.types import Face
from gouache.errors import InvalidParameterError
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
from gouache.ops.filters import (
    DENOISE_H,
    EXACT_SIGMA_LIMIT,
    DenoiseParams,
    SharpenParams,
    denoise,
    sharpen,
)
from gouache.ops.marks import MIN_SIDE, find_marks, repair
from gouache.ops.registry import OpContext, Operator, Params
from gouache.ops.tone import CLAHE_TILES, MAX_WB_GAIN

# 1. denoise: NLM's h is NOISE_TO_H * sigma (times strength), within filters' own range;
# under MIN_NOISE (levels) the picture is left as it is.
MIN_NOISE = 3.0
NOISE_TO_H = 1.0
# Catch-lights and mouth corners are protected within this share of the face width around
# the eyes and the corners of the mouth.
FACE_GUARD = 0.12
# 3. contrast: the percentiles of luma mapped to 0 and 255, a gain no larger than
# LEVELS_MAX_GAIN (a foggy or night picture is not blown up), and CLAHE with this clip limit
# blended in at LOCAL_CONTRAST (at strength 1).
LEVELS_PERCENTILES = (0.5, 99.5)
# A photo whose levels would be stretched by less than this is not faded: neither its
# levels nor its local contrast are touched.
FADED_GAIN = 1.15
LEVELS_MAX_GAIN = 1.6
RESTORE_CLAHE_CLIP = 2.0
LOCAL_CONTRAST = 0.5
# The contrast stage converts colours this many pixels at a time.
BAND_PIXELS = 1 << 20
# 4. white balance: the percentile of each channel taken as its white.
WHITE_PERCENTILE = 99.0
# A cast is corrected when some channel's gain is off 1 by more than this factor.
CAST = 1.12
# ... unless the picture is a toned monochrome (sepia, cyanotype): read at TONE_SIDE px a
# side, in TONE_BINS bands of L*, TONE_SHARE of the pixels' (a*, b*) within TONE_SPREAD of
# their band's median, with a median chroma of TONE_CHROMA at least.
TONE_SIDE = 128
TONE_BINS = 20
TONE_SHARE = 0.9
TONE_SPREAD = 4.0
TONE_CHROMA = 4.0
# 5. sharpening: amount at strength 1, and sigma at 1 MP.
SHARPEN_AMOUNT = 0.4
SHARPEN_RADIUS = 1.0


class RestoreParams(Params):
    strength: float = Field(default=1.0, gt=0.0, le=1.0)
    # "remove the dust and scratches": that stage alone, the tone and colour left as they are
    marks_only: bool = False


def restore(image: Image, p: RestoreParams, ctx: OpContext) -> Image:
    """The five stages in order: denoise, dust and scratches, contrast, white balance,
    sharpening; with `marks_only`, dust and scratches alone. The alpha channel, if any, is
    kept as it was."""
    s = p.strength
    rgb = rgb_of(image)
    faces = ctx.analysis(image).faces
    if p.marks_only:
        out, line = dust_stage(rgb, s, faces)
        if out is rgb:
            raise InvalidParameterError(
                f"restore: {line} ('restore this old photo' also evens out faded contrast "
                "and a colour cast)",
                op="restore",
            )
        ctx.notes.append(f"restore: {line}; tone, colour and noise left as they were")
        return with_alpha_of(out, image)
    report: list[str] = []
    # 1. denoise
    rgb, line = denoise_stage(rgb, s, ctx)
    denoised = not np.shares_memory(rgb, image)
    report.append(line)
    # 2. dust and scratches, in place once the picture is a copy of restore's own
    _check_cancel(ctx)
    rgb, line = dust_stage(rgb, s, faces, in_place=not np.shares_memory(rgb, image))
    report.append(line)
    # 3. contrast
    rgb, line = contrast_stage(rgb, s, in_place=not np.shares_memory(rgb, image))
    report.append(line)
    # 4. white balance
    rgb, line = white_balance_stage(rgb, s)
    report.append(line)
    # 5. sharpening, to give back the edges non-local means softened
    if denoised:
        rgb, line = sharpen_stage(rgb, s, ctx)
    else:
        line = "not sharpened (nothing was denoised)"

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


def dust_stage(
    rgb: Image, strength: float, faces: list[Face], in_place: bool = False
) -> tuple[Image, str]:
    """2. Find dust specks and scratches (`gouache.ops.marks`) away from the faces' eyes and
    mouths, and inpaint them (over `rgb` itself with `in_place`)."""
    if min(rgb.shape[:2]) < MIN_SIDE:
        return rgb, f"too thin to look for dust (under {MIN_SIDE} px)"
    marks = find_marks(rgb, strength)
    mask = marks.mask
    _guard_faces(mask, faces, marks.lines)
    if not mask.any():
        return rgb, "no dust or scratches found"
    filled = repair(rgb, mask, out=rgb if in_place else None)
    return filled, (
        f"repaired {marks.spots} dust spot(s) and {marks.scratches} scratch(es), "
        f"{float(mask.mean()):.2%} of the pixels"
    )


def contrast_stage(rgb: Image, strength: float, in_place: bool = False) -> tuple[Image, str]:
    """3. Levels, then CLAHE on L* blended in by LOCAL_CONTRAST * strength. With `in_place`
    the result is written over `rgb`."""
    table, (lo, hi), gain = _stretch(rgb, strength)
    if table is None:
        # not faded: the levels and the local contrast are the photo's own
        return rgb, f"contrast: levels {lo}..{hi}, not faded: left as they are"
    # L* of the whole picture (CLAHE's tiles span it); the levels and the colour conversions
    # a band of rows at a time: a whole stretched copy, a Lab copy and its conversion back
    # would cost 9 bytes a pixel more
    height, width = rgb.shape[:2]
    rows = max(1, BAND_PIXELS // max(1, width))

    def stretched(top: int) -> Image:
        band = rgb[top : top + rows]
        return band if table is None else apply_lut(band, table)

    lightness = np.empty((height, width), dtype=np.uint8)
    for top in range(0, height, rows):
        lightness[top : top + rows] = cv2.cvtColor(stretched(top), cv2.COLOR_RGB2Lab)[:, :, 0]
    clahe = cv2.createCLAHE(clipLimit=RESTORE_CLAHE_CLIP, tileGridSize=CLAHE_TILES)
    local = clahe.apply(lightness)
    weight = LOCAL_CONTRAST * strength
    out = rgb if in_place else np.empty_like(rgb)
    for top in range(0, height, rows):
        lab = cv2.cvtColor(stretched(top), cv2.COLOR_RGB2Lab)
        lab[:, :, 0] = cv2.addWeighted(
            local[top : top + rows], weight, lightness[top : top + rows], 1.0 - weight, 0.0
        )
        out[top : top + rows] = cv2.cvtColor(lab, cv2.COLOR_Lab2RGB)
    if gain * (hi - lo) >= 254.5:
        levels = f"levels {lo}..{hi} stretched to 0..255"
    else:
        levels = f"levels {lo}..{hi} stretched x{gain:.2f}"
    return out, f"contrast: {levels}, local contrast (CLAHE) at {weight:.0%}"


def white_balance_stage(rgb: Image, strength: float) -> tuple[Image, str]:
    """4. Per-channel gains in linear light, raised to the power strength; none on a toned
    monochrome, whose colour is its tone, not a cast."""
    found = white_balance_gains(rgb)
    r, g, b = (float(x) for x in found)
    if float(np.abs(np.log(found)).max()) <= math.log(CAST):
        return rgb, f"white balance: no cast to correct (gains R x{r:.2f}, G x{g:.2f}, B x{b:.2f})"
    tone = toned_monochrome(rgb)
    if tone is not None:
        return rgb, (
            f"white balance: a toned monochrome ({tone}): its tone is kept, not balanced "
            "('make it black and white' takes it to grey)"
        )
    gains = found ** np.float32(strength)
    out = apply_lut(rgb, linear_to_srgb(LINEAR_OF_CODE[:, None] * gains[None, :]))
    r, g, b = (float(x) for x in gains)
    return out, f"white balance: gains R x{r:.2f}, G x{g:.2f}, B x{b:.2f}"


def sharpen_stage(rgb: Image, strength: float, ctx: OpContext) -> tuple[Image, str]:
    """5. An unsharp mask of amount SHARPEN_AMOUNT * strength, its radius sized to 1 MP."""
    height, width = rgb.shape[:2]
    # at most the radius filters.sharpen blurs exactly, a band at a time (past it, it
    # blurs the whole picture in float32: 12 bytes a pixel more)
    radius = min(EXACT_SIGMA_LIMIT, max(0.6, SHARPEN_RADIUS * math.sqrt(height * width / 1e6)))
    amount = SHARPEN_AMOUNT * strength
    out = sharpen(rgb, SharpenParams(amount=amount, radius=radius), ctx)
    return out, f"sharpened (unsharp mask {amount:.1f} at {radius:.1f} px)"


def noise_sigma(rgb: Image) -> float:
    """Donoho's estimate of gaussian noise, in levels: the median over the channels of
    median(|HH|) / 0.6745, HH the finest diagonal Haar coefficients. 2 |HH| is a whole
    number up to 510, so the medians come from histograms filled a band of rows at a time
    (no float copy of the picture)."""
    height, width = rgb.shape[:2]
    if height < 2 or width < 2:
        return 0.0
    counts = np.zeros((3, 511), dtype=np.int64)
    rows = max(2, BAND_PIXELS // max(1, width) // 2 * 2)
    for top in range(0, height // 2 * 2, rows):
        v = rgb[top : min(top + rows, height // 2 * 2), : width // 2 * 2, :3].astype(np.int16)
        twice = np.abs(v[0::2, 0::2] - v[0::2, 1::2] - v[1::2, 0::2] + v[1::2, 1::2])
        for c in range(3):
            counts[c] += np.bincount(twice[:, :, c].ravel(), minlength=511)
    per_channel = []
    for c in range(3):
        cumulative = np.cumsum(counts[c])
        total = int(cumulative[-1])
        # the median of an even count is the mean of the two middle values, as np.median
        low = int(np.searchsorted(cumulative, (total - 1) // 2 + 1))
        high = int(np.searchsorted(cumulative, total // 2 + 1))
        per_channel.append((low + high) / 4.0 / 0.6745)
    return float(np.median(per_channel))


def _guard_faces(
    mask: npt.NDArray[np.bool_], faces: list[Face], lines: npt.NDArray[np.bool_]
) -> None:
    """Clear discs of `mask` around detected eyes and mouth corners, whose catch-lights and
    dark corners look exactly like dust (in place: no second full-size mask). A scratch
    crossing them, and its rim (within 1 px of `lines`), is kept: a long straight line is
    no catch-light."""
    height, width = mask.shape
    square = np.ones((3, 3), np.uint8)
    for face in faces:
        radius = max(1, round(FACE_GUARD * face.box.w))
        marks = face.landmarks
        for point in (marks.right_eye, marks.left_eye, marks.mouth_right, marks.mouth_left):
            x, y = round(point.x), round(point.y)
            left, top = max(0, x - radius), max(0, y - radius)
            right, bottom = min(width, x + radius + 1), min(height, y + radius + 1)
            if left >= right or top >= bottom:
                continue
            disc = np.zeros((bottom - top, right - left), dtype=np.uint8)
            cv2.circle(disc, (x - left, y - top), radius, 1, thickness=-1)
            on_line = cv2.dilate(lines[top:bottom, left:right].view(np.uint8), square)
            mask[top:bottom, left:right] &= (disc == 0) | (on_line > 0)


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


def toned_monochrome(rgb: Image) -> str | None:
    """The name of the tone ("sepia", "blue, as a cyanotype", "toned") when every colour of
    the picture is one hue that follows its lightness, None otherwise. Read on a copy at
    most TONE_SIDE px a side (averaging out grain): in each of TONE_BINS bands of L*, the
    (a*, b*) of TONE_SHARE of the pixels lie within TONE_SPREAD of the band's median, and
    the median chroma passes TONE_CHROMA (a grey picture has no tone)."""
    height, width = rgb.shape[:2]
    scale = min(1.0, TONE_SIDE / max(height, width))
    size = (max(1, round(width * scale)), max(1, round(height * scale)))
    small = cv2.resize(np.ascontiguousarray(rgb[:, :, :3]), size, interpolation=cv2.INTER_AREA)
    lab = cv2.cvtColor(small.astype(np.float32) / np.float32(255.0), cv2.COLOR_RGB2Lab)
    lab = lab.reshape(-1, 3)
    lightness, chroma = lab[:, 0], lab[:, 1:]
    if float(np.median(np.hypot(chroma[:, 0], chroma[:, 1]))) < TONE_CHROMA:
        return None
    bands = np.minimum((lightness / (100.0 / TONE_BINS)).astype(np.intp), TONE_BINS - 1)
    off = np.empty(len(lab), dtype=np.float32)
    for band in np.unique(bands):
        inside = bands == band
        middle = np.median(chroma[inside], axis=0)
        off[inside] = np.hypot(*(chroma[inside] - middle).T)
    if float(np.mean(off <= TONE_SPREAD)) < TONE_SHARE:
        return None
    a, b = (float(x) for x in np.median(chroma, axis=0))
    hue = math.degrees(math.atan2(b, a)) % 360.0
    if 20.0 <= hue <= 110.0:
        return "sepia"
    if 200.0 <= hue <= 300.0:
        return "blue, as a cyanotype"
    return "toned"


def _stretch(rgb: Image, strength: float) -> tuple[Float32Array | None, tuple[int, int], float]:
    """The table mapping the luma percentiles lo..hi to 0..255 on all channels alike (the
    gain capped at LEVELS_MAX_GAIN, about the middle of lo..hi), blended with the identity
    by strength; None where there is nothing to stretch. Returns it, (lo, hi) and the gain
    that results."""
    # percentiles from a histogram of luma, a band of rows at a time (np.percentile sorted
    # a float64 copy: 8 bytes a pixel)
    height, width = rgb.shape[:2]
    rows = max(1, BAND_PIXELS // max(1, width))
    counts = np.zeros(256, dtype=np.int64)
    for top in range(0, height, rows):
        luma = cv2.cvtColor(rgb[top : top + rows], cv2.COLOR_RGB2GRAY)
        counts += np.bincount(luma.ravel(), minlength=256)
    cumulative = np.cumsum(counts)
    lo, hi = (
        int(np.searchsorted(cumulative, q / 100.0 * cumulative[-1])) for q in LEVELS_PERCENTILES
    )
    gain = min(255.0 / (hi - lo), LEVELS_MAX_GAIN) if hi > lo else 1.0
    if gain < FADED_GAIN:
        return None, (lo, hi), 1.0
    x = code_values()
    stretched = np.float32(127.5) + (x - np.float32((lo + hi) / 2)) * np.float32(gain)
    table = np.asarray(x + (stretched - x) * np.float32(strength), dtype=np.float32)
    return table, (lo, hi), 1.0 + (gain - 1.0) * strength


OPERATORS: list[Operator[Any]] = [
    Operator(
        name="restore",
        version="1.1.0",
        summary="restore an old photo: noise, dust, scratches, contrast, colour, sharpness",
        params=RestoreParams,
        run=restore,
        keywords=("restore", "repair", "fix this old photo", "dust", "scratches"),
        examples=("restore this old photo", "remove the dust and scratches"),
    ),
]
