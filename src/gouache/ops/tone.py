"""Tone and colour: brightness, contrast, saturation, exposure, warmth, tint, grayscale, sepia,
auto-enhance, vignette, shadows and highlights, invert. Each keeps an alpha channel as it was."""

from __future__ import annotations

import math
from typing import Any, Literal

import cv2
import numpy as np
from pydantic import Field

from gouache.colors import Color
from gouache.errors import InvalidParameterError
from gouache.images import Image
from gouache.ops._pixels import (
    LINEAR_OF_CODE,
    LUMA_WEIGHTS,
    LUMINANCE_WEIGHTS,
    Float32Array,
    apply_lut,
    apply_matrix,
    code_values,
    linear_to_srgb,
    luma_of_color,
    rgb_of,
    with_alpha_of,
)
from gouache.ops.registry import OpContext, Operator, Params

# warmth: linear-light gain of red (and loss of blue) per unit of amount.
WARMTH_GAIN = 0.3
# auto_enhance: the Minkowski norm of shades of gray (p = 1 is gray world, which turns every
# orange suit or ginger cat blue), and a clamp on the gains so that a picture that really is
# mostly one colour (a lawn, a sunset) is not turned grey.
WB_NORM = 6.0
MAX_WB_GAIN = 1.5
CLAHE_CLIP_LIMIT = 2.0
CLAHE_TILES = (8, 8)
# vignette: at strength 1 the extreme corners keep this much light; nothing changes inside
# VIGNETTE_INNER of the half-diagonal (elliptical, so it follows the frame).
VIGNETTE_CORNER_GAIN = 0.4
VIGNETTE_INNER = 0.3

# Sepia: the common sepia-tone colour matrix (R' = .393 R + .769 G + .189 B, ...), scaled so
# that a grey keeps its luma (the raw matrix brightens a grey by 22 %).
_SEPIA_RAW = np.array(
    [[0.393, 0.769, 0.189], [0.349, 0.686, 0.168], [0.272, 0.534, 0.131]], dtype=np.float32
)
SEPIA = _SEPIA_RAW / np.float32(LUMA_WEIGHTS @ _SEPIA_RAW.sum(axis=1))

_IDENTITY = np.eye(3, dtype=np.float32)
# Every output channel is the luma of the input.
_TO_LUMA = np.tile(LUMA_WEIGHTS, (3, 1))


class AmountParams(Params):
    # Signed strength: +0.2 is "20 % more", -0.2 "20 % less"; -1 removes the property entirely.
    amount: float = Field(default=0.2, ge=-1.0, le=2.0)


class ExposureParams(Params):
    # Photographic stops: +1 doubles linear light.
    stops: float = Field(default=0.5, ge=-4.0, le=4.0)


class TintParams(Params):
    color: Color = (255, 0, 255)
    # How far toward the colour, 0 (none) to 1 (a full colour wash that keeps luminance).
    amount: float = Field(default=0.2, gt=0.0, le=1.0)


class ShadowsHighlightsParams(Params):
    # +1 lifts the shadows fully, -1 deepens them; +1 brightens the highlights, -1 recovers
    # (darkens) them. 0 leaves them.
    shadows: float = Field(default=0.0, ge=-1.0, le=1.0)
    highlights: float = Field(default=0.0, ge=-1.0, le=1.0)


class InvertParams(Params):
    # "negative": every channel 255 - v (a film negative); "lightness": light and dark swap
    # and hues stay (CIELAB L' = 100 - L), the "dark mode" of a screenshot or a page.
    mode: Literal["negative", "lightness"] = "negative"
    # "dark mode" / "light mode": the lightness swap asked to end dark (light); refused on a
    # picture that is dark (light) already, which the swap would turn the other way
    to: Literal["dark", "light"] | None = None


# A picture whose median CIELAB lightness is under this (over 100 minus it) is dark (light)
# already: a dark lock screen (median L 27) or a light page (95).
DARK_ALREADY = 45.0


def median_lightness(image: Image) -> float:
    """The median CIELAB lightness L (0-100), on a sample of at most ~40 000 pixels."""
    step = max(1, int(math.sqrt(image.shape[0] * image.shape[1] / 40_000)))
    rgb = np.ascontiguousarray(rgb_of(image)[::step, ::step])
    lab = cv2.cvtColor(rgb, cv2.COLOR_RGB2LAB)
    return float(np.median(lab[:, :, 0])) * 100.0 / 255.0


def already(image: Image, to: str | None) -> bool:
    """Whether the picture is dark (light) already, as `to` asks it to end."""
    if to is None:
        return False
    lightness = median_lightness(image)
    return lightness < DARK_ALREADY if to == "dark" else lightness > 100.0 - DARK_ALREADY


class StrengthParams(Params):
    # 0 does nothing, 1 is the full effect.
    strength: float = Field(default=1.0, ge=0.0, le=1.0)


def brightness(image: Image, p: AmountParams, ctx: OpContext) -> Image:
    """A tone curve through black and white, v' = 255 * (v / 255) ** gamma on every channel,
    with gamma chosen so that the mean luma becomes (1 + amount) times what it was: +0.2 is
    20 % brighter as seen. Nothing is clipped, so the contrast stays (luma spread within
    6 % on the sample pictures at -0.2) and "darker, with more contrast" ends with more
    contrast than it started with (a shift of every value clipped the shadows: +0.3 % on
    the astronaut). -1 is black. For physically more light, use `exposure`."""
    if p.amount <= -1.0:
        return apply_lut(image, np.zeros(256, dtype=np.float32))
    return apply_lut(image, _curve_for(image, 1.0 + p.amount))


def _curve_for(image: Image, ratio: float) -> Float32Array:
    """The power curve whose output has `ratio` times the mean luma of `image`. The mean luma
    of a curve's output is sum_c w_c * sum_v hist_c(v) * curve(v) / N, so the per-channel
    histograms give it exactly; gamma is found by bisection on its logarithm."""
    rgb = np.ascontiguousarray(image[:, :, :3])
    hists = np.stack(
        [np.bincount(rgb[:, :, c].ravel(), minlength=256).astype(np.float64) for c in range(3)]
    )
    weight = LUMA_WEIGHTS.astype(np.float64) @ hists / max(1, rgb.shape[0] * rgb.shape[1])
    levels = np.arange(256, dtype=np.float64) / 255.0
    target = min(255.0, float(weight @ levels) * 255.0 * ratio)
    low, high = -8.0, 8.0  # log gamma: a higher gamma is darker
    for _ in range(50):
        g = (low + high) / 2
        if 255.0 * float(weight @ levels ** math.exp(g)) > target:
            low = g
        else:
            high = g
    return np.asarray(255.0 * levels ** math.exp((low + high) / 2), dtype=np.float32)


# shadows_highlights: the largest move of a level, in code values, at amount 1: lifting the
# shadows (recovering the highlights) by up to SH_OPEN; deepening them (brightening the
# highlights) by up to SH_CLOSE, which keeps the curve rising (black stays black, white white).
SH_OPEN = 45.0
SH_CLOSE = 22.0


def shadows_highlights(image: Image, p: ShadowsHighlightsParams, ctx: OpContext) -> Image:
    """One rising curve on every channel: v' = v + a_s * S(v) + a_h * H(v), where
    S(x) = x (1 - x)^3 peaks at a quarter of full scale and H(x) = x^3 (1 - x) at three
    quarters, each scaled so that its peak moves a level by SH_OPEN (or SH_CLOSE the other
    way). Black and white stay where they are, and the mid-grey moves by less than a third
    of the peak, so "lift the shadows" opens the dark parts without flattening the rest."""
    x = code_values() / np.float32(255.0)
    peak = np.float32(27.0 / 256.0)  # the value of both bumps at their peaks
    lift = (x * (1 - x) ** 3) / peak
    fall = (x**3 * (1 - x)) / peak
    shadows = p.shadows * (SH_OPEN if p.shadows > 0 else SH_CLOSE)
    highlights = p.highlights * (SH_OPEN if p.highlights < 0 else SH_CLOSE)
    curve = code_values() + np.float32(shadows) * lift + np.float32(highlights) * fall
    # both at full strength the other way round dip below rising by a hair near mid-grey
    return apply_lut(image, np.maximum.accumulate(np.clip(curve, 0.0, 255.0)))


def invert(image: Image, p: InvertParams, ctx: OpContext) -> Image:
    """A negative, or light and dark swapped with the hues kept (see InvertParams)."""
    if p.mode == "negative":
        return apply_lut(image, np.float32(255.0) - code_values())
    if already(image, p.to):
        turned, edit = ("light", "darker") if p.to == "dark" else ("dark", "brighter")
        raise InvalidParameterError(
            f"invert: the picture is mostly {p.to} already (median lightness "
            f"{median_lightness(image):.0f} of 100), so swapping light and dark would make it "
            f"{turned}; nothing was changed. To make it {edit} without the swap, say e.g. "
            f'"make it {edit}"',
            op="invert",
            param="to",
        )
    lab = cv2.cvtColor(rgb_of(image), cv2.COLOR_RGB2LAB)
    lab[:, :, 0] = 255 - lab[:, :, 0]
    return with_alpha_of(np.asarray(cv2.cvtColor(lab, cv2.COLOR_LAB2RGB)), image)


def contrast(image: Image, p: AmountParams, ctx: OpContext) -> Image:
    """Stretch around the image's mean luma m: v' = m + (v - m) * (1 + amount), so the
    overall brightness stays; -1 is a flat grey."""
    means = cv2.mean(image)[:3]
    pivot = np.float32(LUMA_WEIGHTS @ np.asarray(means, dtype=np.float32))
    return apply_lut(image, pivot + (code_values() - pivot) * np.float32(1.0 + p.amount))


def saturation(image: Image, p: AmountParams, ctx: OpContext) -> Image:
    """Move each pixel away from (or toward) its own luma Y': v' = Y' + (v - Y') * (1 + amount);
    -1 is grey with the same luma."""
    s = np.float32(1.0 + p.amount)
    return apply_matrix(image, s * _IDENTITY + (1 - s) * _TO_LUMA)


def exposure(image: Image, p: ExposureParams, ctx: OpContext) -> Image:
    """Multiply linear light by 2 ** stops (sRGB decoded and re-encoded), clipping at white."""
    return apply_lut(image, linear_to_srgb(LINEAR_OF_CODE * np.float32(2.0**p.stops)))


def warmth(image: Image, p: AmountParams, ctx: OpContext) -> Image:
    """A white-balance shift in linear light: red x (1 + 0.3 a), blue x (1 - 0.3 a), then all
    three gains scaled so that a grey keeps its luminance (until red clips)."""
    gains = np.array(
        [1.0 + WARMTH_GAIN * p.amount, 1.0, max(0.0, 1.0 - WARMTH_GAIN * p.amount)],
        dtype=np.float32,
    )
    gains /= np.float32(LUMINANCE_WEIGHTS @ gains)
    return apply_lut(image, linear_to_srgb(LINEAR_OF_CODE[:, None] * gains[None, :]))


# The warmth amounts `balancing_warmth` searches (the operator takes -1..2), and how finely.
BALANCE_RANGE = (-1.0, 1.5)
BALANCE_STEPS = 10


def balancing_warmth(image: Image) -> float:
    """The warmth amount after which the picture's grey-edge illuminant has red and blue equal:
    positive for a blue cast (it warms), negative for a yellow one (it cools).

    The illuminant is read by grey edge (`analysis.measures.cast_imbalance`: J. van de Weijer,
    T. Gevers, A. Gijsenij, "Edge-Based Color Constancy", IEEE TIP 16(9), 2007) at the working
    size, and the amount found by bisection with this very operator, so that the amount
    planned is the amount that balances. Warming lowers blue against red, so blue - red falls
    as the amount rises; the ends of BALANCE_RANGE are returned when it does not cross zero.
    """
    from gouache.analysis.measures import WORKING_SIDE, opaque_mask, reduced
    from gouache.analysis.types import as_rgb

    small = np.ascontiguousarray(reduced(as_rgb(image), WORKING_SIDE))
    opaque = opaque_mask(image)  # what is hidden under a transparent alpha is not measured
    mask = None if opaque is None else (reduced(opaque * 255, WORKING_SIDE) >= 128)
    return warmth_balance(small, None if mask is None else mask.astype(np.uint8))


def warmth_balance(
    small: Image,
    mask: Image | None,
    span: tuple[float, float] = BALANCE_RANGE,
    steps: int = BALANCE_STEPS,
) -> float:
    """`balancing_warmth` of a picture already at the working size, grey edge read where
    `mask` is set: the bisection over `span`, `steps` times."""
    from gouache.analysis.measures import cast_imbalance

    def blue_over_red(amount: float) -> float:
        warmed = warmth(small, AmountParams(amount=amount), OpContext())
        d = cast_imbalance(warmed, mask)
        return float(d[2] - d[0])

    low, high = span
    if blue_over_red(low) <= 0.0:
        return low
    if blue_over_red(high) >= 0.0:
        return high
    for _ in range(steps):
        middle = (low + high) / 2
        if blue_over_red(middle) > 0.0:
            low = middle
        else:
            high = middle
    return (low + high) / 2


def tint(image: Image, p: TintParams, ctx: OpContext) -> Image:
    """Blend each pixel toward "its luma plus the colour's chroma": target = Y' + (c - Y'c).
    The target has the pixel's luma exactly (until it clips), and a black or grey tint just
    desaturates. v' = v + amount * (target - v), one affine colour matrix."""
    a = np.float32(p.amount)
    color = np.asarray(p.color, dtype=np.float32)
    matrix = (1 - a) * _IDENTITY + a * _TO_LUMA
    return apply_matrix(image, matrix, a * (color - np.float32(luma_of_color(p.color))))


def grayscale(image: Image, p: StrengthParams, ctx: OpContext) -> Image:
    """Blend toward the luma Y' = 0.299 R + 0.587 G + 0.114 B by `strength`."""
    s = np.float32(p.strength)
    return apply_matrix(image, (1 - s) * _IDENTITY + s * _TO_LUMA)


def sepia(image: Image, p: StrengthParams, ctx: OpContext) -> Image:
    """Blend toward the classic sepia matrix (luma-preserving for greys) by `strength`."""
    s = np.float32(p.strength)
    return apply_matrix(image, (1 - s) * _IDENTITY + s * SEPIA)


def auto_enhance(image: Image, p: StrengthParams, ctx: OpContext) -> Image:
    """Shades-of-gray white balance in linear light, then CLAHE on L* of CIELAB, blended with
    the original by `strength`.

    Shades of gray: G. Finlayson, E. Trezzi, "Shades of Gray and Colour Constancy", CIC 2004.
    The illuminant of channel c is e_c = mean(lin_c ** p) ** (1 / p) with p = 6; channel c gets
    the gain mean(e) / e_c, clamped to [1/1.5, 1.5].
    CLAHE: K. Zuiderveld, "Contrast Limited Adaptive Histogram Equalization", Graphics Gems IV
    (1994); clip limit 2, 8 x 8 tiles, as OpenCV's `createCLAHE`.
    """
    if p.strength == 0.0:
        return image.copy()
    rgb = rgb_of(image)
    # 1. white balance: the illuminant from each channel's histogram in linear light
    powered = LINEAR_OF_CODE.astype(np.float64) ** WB_NORM
    illuminant = np.empty(3, dtype=np.float64)
    for c in range(3):
        hist = cv2.calcHist([rgb], [c], None, [256], [0, 256]).ravel().astype(np.float64)
        illuminant[c] = (hist @ powered / max(hist.sum(), 1.0)) ** (1.0 / WB_NORM)
    gains = np.clip(
        illuminant.mean() / np.maximum(illuminant, 1e-9), 1.0 / MAX_WB_GAIN, MAX_WB_GAIN
    ).astype(np.float32)
    balanced = apply_lut(rgb, linear_to_srgb(LINEAR_OF_CODE[:, None] * gains[None, :]))
    # 2. local contrast on lightness only, so the balance above is kept
    lab = cv2.cvtColor(balanced, cv2.COLOR_RGB2Lab)
    clahe = cv2.createCLAHE(clipLimit=CLAHE_CLIP_LIMIT, tileGridSize=CLAHE_TILES)
    lab[:, :, 0] = clahe.apply(np.ascontiguousarray(lab[:, :, 0]))
    enhanced = cv2.cvtColor(lab, cv2.COLOR_Lab2RGB)
    # 3. blend by strength
    out = cv2.addWeighted(enhanced, p.strength, rgb, 1.0 - p.strength, 0.0)
    return with_alpha_of(np.asarray(out, dtype=np.uint8), image)


def vignette(image: Image, p: StrengthParams, ctx: OpContext) -> Image:
    """Darken toward the corners: v' = v * (1 - k * smoothstep(r)), with r the elliptical
    distance from the centre (1 at the corners), smoothstep rising from r = 0.3 to 1 and
    k = 0.6 * strength. Pixels within r < 0.3 are unchanged."""
    height, width = image.shape[:2]
    if p.strength == 0.0:
        return image.copy()
    # The gain is smooth: compute it on a grid 4x coarser, at the very positions that the
    # bilinear resize below samples, so the full-size map is exact to interpolation error.
    small_w, small_h = max(1, -(-width // 4)), max(1, -(-height // 4))
    x = (np.arange(small_w, dtype=np.float32) + 0.5) * np.float32(width / small_w) - 0.5
    y = (np.arange(small_h, dtype=np.float32) + 0.5) * np.float32(height / small_h) - 0.5
    nx = (x - np.float32((width - 1) / 2)) / np.float32(width / 2)
    ny = (y - np.float32((height - 1) / 2)) / np.float32(height / 2)
    r = np.sqrt((nx[None, :] ** 2 + ny[:, None] ** 2) * np.float32(0.5))
    t = np.clip((r - np.float32(VIGNETTE_INNER)) / np.float32(1.0 - VIGNETTE_INNER), 0.0, 1.0)
    k = np.float32((1.0 - VIGNETTE_CORNER_GAIN) * p.strength)
    gain = np.float32(1.0) - k * t * t * (np.float32(3.0) - np.float32(2.0) * t)
    gain = cv2.resize(gain, (width, height), interpolation=cv2.INTER_LINEAR)
    # a band of rows at a time: a three-channel float gain of the whole picture was 12 B/px
    rgb = rgb_of(image)
    shaded = np.empty_like(rgb)
    step = max(1, (1 << 20) // width)
    for top in range(0, height, step):
        rows = slice(top, min(height, top + step))
        band = gain[rows]
        shaded[rows] = cv2.multiply(rgb[rows], cv2.merge([band, band, band]), dtype=cv2.CV_8U)
    return with_alpha_of(shaded, image)


OPERATORS: list[Operator[Any]] = [
    Operator(
        name="invert",
        version="1.1.0",
        summary="a negative, or dark mode (light and dark swapped, colours kept)",
        params=InvertParams,
        run=invert,
        keywords=(
            "invert",
            "inverted",
            "negative",
            "dark mode",
            "night mode",
            "dark theme",
            "invert the colors",
        ),
        examples=("invert the colours", "make it dark mode"),
    ),
    Operator(
        name="shadows_highlights",
        version="1.0.0",
        summary="lift or deepen the shadows, recover or brighten the highlights",
        params=ShadowsHighlightsParams,
        run=shadows_highlights,
        grade=True,
        keywords=("shadows", "highlights", "shadow detail", "highlight detail", "blown out"),
        examples=("lift the shadows", "recover the highlights"),
    ),
    Operator(
        name="brightness",
        version="2.0.0",
        summary="brighten or darken (amount -1..2, +0.2 = 20 % brighter)",
        params=AmountParams,
        run=brightness,
        grade=True,
        keywords=(
            "brightness",
            "brighter",
            "brighten",
            "lighter",
            "lighten",
            "darker",
            "darken",
            "dim",
        ),
        examples=("make it a bit brighter", "darken by 20%"),
    ),
    Operator(
        name="contrast",
        version="1.0.0",
        summary="more or less contrast",
        params=AmountParams,
        run=contrast,
        grade=True,
        keywords=("contrast", "punchier", "flatter", "more punch"),
        examples=("increase the contrast", "much less contrast"),
    ),
    Operator(
        name="saturation",
        version="1.0.0",
        summary="more or less colour saturation",
        params=AmountParams,
        run=saturation,
        grade=True,
        keywords=(
            "saturation",
            "saturate",
            "desaturate",
            "vibrant",
            "vivid",
            "richer",
            "colorful",
            "colourful",
            "muted",
        ),
        examples=("more saturated", "desaturate a bit"),
    ),
    Operator(
        name="exposure",
        version="1.0.0",
        summary="photographic exposure in stops",
        params=ExposureParams,
        run=exposure,
        grade=True,
        keywords=("exposure", "expose", "overexpose", "underexpose", "stop", "stops"),
        examples=("exposure +1 stop", "underexpose a bit"),
    ),
    Operator(
        name="warmth",
        version="1.0.0",
        summary="warmer (orange) or cooler (blue) white balance",
        params=AmountParams,
        run=warmth,
        grade=True,
        keywords=("warm", "warmer", "warmth", "cool", "cooler", "colder", "temperature"),
        examples=("make it warmer", "a bit cooler"),
    ),
    Operator(
        name="tint",
        version="1.0.0",
        summary="wash the colours toward a colour (name or hex)",
        params=TintParams,
        run=tint,
        grade=True,
        keywords=("tint", "tinge", "hue", "cast", "wash"),
        examples=("add a blue tint", "tint it #ff8800"),
    ),
    Operator(
        name="grayscale",
        version="1.0.0",
        summary="black and white",
        params=StrengthParams,
        run=grayscale,
        grade=True,
        keywords=("grayscale", "greyscale", "black and white", "b&w", "monochrome", "gray", "grey"),
        examples=("make it black and white",),
    ),
    Operator(
        name="sepia",
        version="1.0.0",
        summary="sepia tone, an old-photo look",
        params=StrengthParams,
        run=sepia,
        grade=True,
        keywords=("sepia", "vintage", "old photo", "antique"),
        examples=("sepia", "a light sepia"),
    ),
    Operator(
        name="auto_enhance",
        version="1.0.0",
        summary="automatic white balance and local contrast",
        params=StrengthParams,
        run=auto_enhance,
        grade=True,
        keywords=(
            "enhance",
            "auto",
            "improve",
            "fix the colors",
            "fix the colours",
            "white balance",
            "auto-enhance",
            "fix the lighting",
            "better lighting",
            "bad lighting",
        ),
        examples=("auto enhance", "fix the white balance"),
    ),
    Operator(
        name="vignette",
        version="1.0.0",
        summary="darken the corners",
        params=StrengthParams,
        run=vignette,
        keywords=("vignette", "darken the corners", "dark corners"),
        examples=("add a vignette", "a subtle vignette"),
    ),
]
