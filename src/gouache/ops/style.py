"""Styles: colours taken from a reference image, and graphic looks.

Colour transfer follows Reinhard, Ashikhmin, Gooch and Shirley, "Color Transfer between
Images", IEEE CG&A 2001 (mean and standard deviation matched per channel in a Lab space), or
matches histograms per channel.
"""

from __future__ import annotations

from typing import Any, Literal

from pydantic import Field

from gouache.colors import Color
from gouache.images import Image
from gouache.ops.registry import OpContext, Operator, Params


class ColorTransferParams(Params):
    reference: int = Field(default=2, ge=2)
    method: Literal["reinhard", "histogram"] = "reinhard"
    strength: float = Field(default=1.0, gt=0.0, le=1.0)


class StyleParams(Params):
    strength: float = Field(default=1.0, gt=0.0, le=1.0)


class PosterizeParams(Params):
    levels: int = Field(default=4, ge=2, le=64)


class PixelArtParams(Params):
    # Size of one "pixel" as a fraction of the longer side; `colors` limits the palette.
    block: float = Field(default=0.015, gt=0.0, le=0.25)
    colors: int = Field(default=16, ge=2, le=256)


class HalftoneParams(Params):
    # Dot cell size as a fraction of the longer side.
    cell: float = Field(default=0.012, gt=0.0, le=0.1)


class DuotoneParams(Params):
    dark: Color = (20, 30, 80)
    light: Color = (255, 200, 120)


def color_transfer(image: Image, p: ColorTransferParams, ctx: OpContext) -> Image:
    raise NotImplementedError


def sketch(image: Image, p: StyleParams, ctx: OpContext) -> Image:
    raise NotImplementedError


def cartoon(image: Image, p: StyleParams, ctx: OpContext) -> Image:
    raise NotImplementedError


def watercolor(image: Image, p: StyleParams, ctx: OpContext) -> Image:
    raise NotImplementedError


def posterize(image: Image, p: PosterizeParams, ctx: OpContext) -> Image:
    raise NotImplementedError


def pixel_art(image: Image, p: PixelArtParams, ctx: OpContext) -> Image:
    raise NotImplementedError


def halftone(image: Image, p: HalftoneParams, ctx: OpContext) -> Image:
    raise NotImplementedError


def duotone(image: Image, p: DuotoneParams, ctx: OpContext) -> Image:
    raise NotImplementedError


OPERATORS: list[Operator[Any]] = [
    Operator(
        name="color_transfer",
        version="1.0.0",
        summary="take the colours of image N (Reinhard in Lab, or histogram matching)",
        params=ColorTransferParams,
        run=color_transfer,
        keywords=("colours of", "colors of", "color grade like", "match the colours", "palette of"),
        examples=("use the colours of image 2", "match the colors of the second photo"),
    ),
    Operator(
        name="sketch",
        version="1.0.0",
        summary="pencil sketch",
        params=StyleParams,
        run=sketch,
        keywords=("sketch", "pencil", "drawing"),
        examples=("make it a pencil sketch",),
    ),
    Operator(
        name="cartoon",
        version="1.0.0",
        summary="cartoon: flat colours and ink edges",
        params=StyleParams,
        run=cartoon,
        keywords=("cartoon", "comic", "toon"),
        examples=("make it look like a cartoon",),
    ),
    Operator(
        name="watercolor",
        version="1.0.0",
        summary="painterly watercolour",
        params=StyleParams,
        run=watercolor,
        keywords=("watercolor", "watercolour", "painting", "painterly", "painted"),
        examples=("make it a watercolour painting",),
    ),
    Operator(
        name="posterize",
        version="1.0.0",
        summary="posterise to a few levels per channel",
        params=PosterizeParams,
        run=posterize,
        keywords=("posterize", "posterise", "poster"),
        examples=("posterize to 4 levels",),
    ),
    Operator(
        name="pixel_art",
        version="1.0.0",
        summary="pixel art: big pixels, few colours",
        params=PixelArtParams,
        run=pixel_art,
        keywords=("pixel art", "pixelated", "8-bit", "8 bit", "retro game"),
        examples=("turn it into pixel art",),
    ),
    Operator(
        name="halftone",
        version="1.0.0",
        summary="halftone dots, like newsprint",
        params=HalftoneParams,
        run=halftone,
        keywords=("halftone", "newsprint", "dots"),
        examples=("halftone effect",),
    ),
    Operator(
        name="duotone",
        version="1.0.0",
        summary="duotone between two named colours",
        params=DuotoneParams,
        run=duotone,
        keywords=("duotone", "two-tone", "two tone"),
        examples=("duotone navy and gold",),
    ),
]
