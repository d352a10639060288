"""Tone and colour: brightness, contrast, saturation, exposure, warmth, tint, grayscale, sepia,
auto-enhance, vignette. Each keeps an alpha channel as it was."""

from __future__ import annotations

from typing import Any

from pydantic import Field

from gouache.colors import Color
from gouache.images import Image
from gouache.ops.registry import OpContext, Operator, Params


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


class StrengthParams(Params):
    # 0 does nothing, 1 is the full effect.
    strength: float = Field(default=1.0, ge=0.0, le=1.0)


def brightness(image: Image, p: AmountParams, ctx: OpContext) -> Image:
    raise NotImplementedError


def contrast(image: Image, p: AmountParams, ctx: OpContext) -> Image:
    raise NotImplementedError


def saturation(image: Image, p: AmountParams, ctx: OpContext) -> Image:
    raise NotImplementedError


def exposure(image: Image, p: ExposureParams, ctx: OpContext) -> Image:
    raise NotImplementedError


def warmth(image: Image, p: AmountParams, ctx: OpContext) -> Image:
    raise NotImplementedError


def tint(image: Image, p: TintParams, ctx: OpContext) -> Image:
    raise NotImplementedError


def grayscale(image: Image, p: StrengthParams, ctx: OpContext) -> Image:
    raise NotImplementedError


def sepia(image: Image, p: StrengthParams, ctx: OpContext) -> Image:
    raise NotImplementedError


def auto_enhance(image: Image, p: StrengthParams, ctx: OpContext) -> Image:
    raise NotImplementedError


def vignette(image: Image, p: StrengthParams, ctx: OpContext) -> Image:
    raise NotImplementedError


OPERATORS: list[Operator[Any]] = [
    Operator(
        name="brightness",
        version="1.0.0",
        summary="brighten or darken (amount -1..2, +0.2 = 20 % brighter)",
        params=AmountParams,
        run=brightness,
        keywords=("brightness", "brighter", "brighten", "lighter", "lighten", "darker", "darken", "dim"),
        examples=("make it a bit brighter", "darken by 20%"),
    ),
    Operator(
        name="contrast",
        version="1.0.0",
        summary="more or less contrast",
        params=AmountParams,
        run=contrast,
        keywords=("contrast", "punchier", "flatter", "more punch"),
        examples=("increase the contrast", "much less contrast"),
    ),
    Operator(
        name="saturation",
        version="1.0.0",
        summary="more or less colour saturation",
        params=AmountParams,
        run=saturation,
        keywords=("saturation", "saturate", "desaturate", "vibrant", "vivid", "colorful", "colourful", "muted"),
        examples=("more saturated", "desaturate a bit"),
    ),
    Operator(
        name="exposure",
        version="1.0.0",
        summary="photographic exposure in stops",
        params=ExposureParams,
        run=exposure,
        keywords=("exposure", "expose", "overexpose", "underexpose", "stop", "stops"),
        examples=("exposure +1 stop", "underexpose a bit"),
    ),
    Operator(
        name="warmth",
        version="1.0.0",
        summary="warmer (orange) or cooler (blue) white balance",
        params=AmountParams,
        run=warmth,
        keywords=("warm", "warmer", "warmth", "cool", "cooler", "colder", "temperature"),
        examples=("make it warmer", "a bit cooler"),
    ),
    Operator(
        name="tint",
        version="1.0.0",
        summary="wash the colours toward a colour (name or hex)",
        params=TintParams,
        run=tint,
        keywords=("tint", "tinge", "hue", "cast", "wash"),
        examples=("add a blue tint", "tint it #ff8800"),
    ),
    Operator(
        name="grayscale",
        version="1.0.0",
        summary="black and white",
        params=StrengthParams,
        run=grayscale,
        keywords=("grayscale", "greyscale", "black and white", "b&w", "monochrome", "gray", "grey"),
        examples=("make it black and white",),
    ),
    Operator(
        name="sepia",
        version="1.0.0",
        summary="sepia tone, an old-photo look",
        params=StrengthParams,
        run=sepia,
        keywords=("sepia", "vintage", "old photo", "antique"),
        examples=("sepia", "a light sepia"),
    ),
    Operator(
        name="auto_enhance",
        version="1.0.0",
        summary="automatic white balance and local contrast",
        params=StrengthParams,
        run=auto_enhance,
        keywords=("enhance", "auto", "improve", "fix the colors", "fix the colours", "white balance", "auto-enhance"),
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
