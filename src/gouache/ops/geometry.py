"""Geometry: crop, resize, rotate, flip, border."""

from __future__ import annotations

from typing import Any, Literal

from pydantic import Field, model_validator

from gouache.colors import Color
from gouache.images import Image
from gouache.ops.registry import OpContext, Operator, Params


class CropParams(Params):
    # An aspect ratio as (width, height), e.g. (1, 1), (4, 5), (16, 9); the largest centred
    # window of that ratio is kept.
    aspect: tuple[int, int] | None = None
    # Or margins to cut, as fractions of the width (left/right) and height (top/bottom).
    left: float = Field(default=0.0, ge=0.0, lt=0.5)
    top: float = Field(default=0.0, ge=0.0, lt=0.5)
    right: float = Field(default=0.0, ge=0.0, lt=0.5)
    bottom: float = Field(default=0.0, ge=0.0, lt=0.5)

    @model_validator(mode="after")
    def _one_way(self) -> CropParams:
        margins = self.left + self.top + self.right + self.bottom
        if self.aspect is None and margins == 0:
            raise ValueError("give an aspect ratio or margins to crop")
        if self.aspect is not None and (self.aspect[0] <= 0 or self.aspect[1] <= 0):
            raise ValueError("an aspect ratio has two positive numbers")
        return self


def crop(image: Image, p: CropParams, ctx: OpContext) -> Image:
    raise NotImplementedError


class ResizeParams(Params):
    # Either a scale factor, or a target width and/or height in pixels (one alone keeps aspect).
    scale: float | None = Field(default=None, gt=0.0, le=8.0)
    width: int | None = Field(default=None, ge=1, le=20000)
    height: int | None = Field(default=None, ge=1, le=20000)

    @model_validator(mode="after")
    def _one_way(self) -> ResizeParams:
        if (self.scale is None) == (self.width is None and self.height is None):
            raise ValueError("give either a scale or a width/height")
        return self


def resize(image: Image, p: ResizeParams, ctx: OpContext) -> Image:
    raise NotImplementedError


class RotateParams(Params):
    # Clockwise degrees, as users say "rotate right 90".
    degrees: float = Field(ge=-360.0, le=360.0)
    # For angles that are not multiples of 90: keep the whole image on a larger canvas
    # ("expand", corners filled with `background`), or crop to the largest upright rectangle.
    fit: Literal["expand", "crop"] = "crop"
    background: Color = (0, 0, 0)


def rotate(image: Image, p: RotateParams, ctx: OpContext) -> Image:
    raise NotImplementedError


class FlipParams(Params):
    direction: Literal["horizontal", "vertical"] = "horizontal"


def flip(image: Image, p: FlipParams, ctx: OpContext) -> Image:
    raise NotImplementedError


class BorderParams(Params):
    # Width of the border as a fraction of the shorter side, or in pixels when `pixels` is set.
    size: float = Field(default=0.05, gt=0.0, le=0.5)
    pixels: int | None = Field(default=None, ge=1, le=5000)
    color: Color = (255, 255, 255)


def border(image: Image, p: BorderParams, ctx: OpContext) -> Image:
    raise NotImplementedError


OPERATORS: list[Operator[Any]] = [
    Operator(
        name="crop",
        version="1.0.0",
        summary="crop to an aspect ratio (square, 4:5, 16:9 ...) or cut margins",
        params=CropParams,
        run=crop,
        keywords=("crop", "trim", "cut", "square", "make it square", "reframe"),
        examples=("crop to square", "crop to 16:9", "crop 10% off the left"),
        geometry=True,
    ),
    Operator(
        name="resize",
        version="1.0.0",
        summary="resize or scale (by a factor, or to a width/height in pixels)",
        params=ResizeParams,
        run=resize,
        keywords=("resize", "scale", "downscale", "upscale", "shrink", "enlarge", "smaller", "bigger"),
        examples=("resize to 800 px wide", "scale by 50%"),
        geometry=True,
    ),
    Operator(
        name="rotate",
        version="1.0.0",
        summary="rotate clockwise by degrees (90, 180, or a small tilt)",
        params=RotateParams,
        run=rotate,
        keywords=("rotate", "turn", "straighten", "tilt"),
        examples=("rotate 90 degrees", "rotate left", "rotate 3 degrees"),
        geometry=True,
    ),
    Operator(
        name="flip",
        version="1.0.0",
        summary="mirror horizontally or vertically",
        params=FlipParams,
        run=flip,
        keywords=("flip", "mirror"),
        examples=("flip horizontally", "flip upside down"),
        geometry=True,
    ),
    Operator(
        name="border",
        version="1.0.0",
        summary="add a border or padding in a colour",
        params=BorderParams,
        run=border,
        keywords=("border", "frame", "padding", "pad", "margin"),
        examples=("add a white border", "add a 20 px black frame"),
        geometry=True,
    ),
]
