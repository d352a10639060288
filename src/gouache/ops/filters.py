"""Filters: blur, sharpen, denoise."""

from __future__ import annotations

from typing import Any

from pydantic import Field

from gouache.images import Image
from gouache.ops.registry import OpContext, Operator, Params


class BlurParams(Params):
    # Gaussian sigma in pixels.
    radius: float = Field(default=3.0, gt=0.0, le=200.0)


class SharpenParams(Params):
    # Unsharp-mask amount (1 = add back 100 % of the detail) and radius (sigma, pixels).
    amount: float = Field(default=1.0, gt=0.0, le=5.0)
    radius: float = Field(default=1.5, gt=0.0, le=20.0)


class DenoiseParams(Params):
    # 0..1, mapped to the filter strength of non-local means.
    strength: float = Field(default=0.5, gt=0.0, le=1.0)


def blur(image: Image, p: BlurParams, ctx: OpContext) -> Image:
    raise NotImplementedError


def sharpen(image: Image, p: SharpenParams, ctx: OpContext) -> Image:
    raise NotImplementedError


def denoise(image: Image, p: DenoiseParams, ctx: OpContext) -> Image:
    raise NotImplementedError


OPERATORS: list[Operator[Any]] = [
    Operator(
        name="blur",
        version="1.0.0",
        summary="soften with a gaussian blur (radius in pixels)",
        params=BlurParams,
        run=blur,
        keywords=("blur", "blurry", "soften", "soft focus", "defocus"),
        examples=("blur it a bit", "blur with radius 8"),
    ),
    Operator(
        name="sharpen",
        version="1.0.0",
        summary="sharpen details (unsharp mask)",
        params=SharpenParams,
        run=sharpen,
        keywords=("sharpen", "sharper", "crisp", "crisper", "more detail"),
        examples=("sharpen", "sharpen a lot"),
    ),
    Operator(
        name="denoise",
        version="1.0.0",
        summary="remove noise and grain",
        params=DenoiseParams,
        run=denoise,
        keywords=("denoise", "noise", "grain", "grainy", "noisy", "clean up"),
        examples=("remove the noise", "denoise a bit"),
    ),
]
