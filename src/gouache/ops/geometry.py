"""Geometry: crop, resize, rotate, flip, border."""

from __future__ import annotations

import math
from typing import TYPE_CHECKING, Any, Literal

import cv2
import numpy as np
from pydantic import Field, model_validator

from gouache.colors import Color
from gouache.errors import InvalidParameterError
from gouache.images import Image
from gouache.ops._pixels import resample
from gouache.ops.registry import OpContext, Operator, Params

if TYPE_CHECKING:
    from cv2.typing import MatLike


# Turns within this many degrees of a multiple of 90 are done losslessly.
_RIGHT_ANGLE_TOLERANCE = 1e-6
# Clockwise quarter turns (cv2.rotate moves pixels exactly, and faster than np.rot90).
_QUARTER_TURNS = {
    1: cv2.ROTATE_90_CLOCKWISE,
    2: cv2.ROTATE_180,
    3: cv2.ROTATE_90_COUNTERCLOCKWISE,
}


def check_output_size(op: str, param: str, width: int, height: int, ctx: OpContext) -> None:
    """Refuse, before any work, a result over the pixel limit that bounds every version."""
    if width * height > ctx.max_pixels:
        raise InvalidParameterError(
            f"{op}: the result would be {width}x{height} = {width * height / 1e6:.1f} MP, "
            f"over the pixel limit of {ctx.max_pixels / 1e6:.1f} MP that every version keeps "
            "(GOUACHE_MAX_PIXELS raises it)",
            op=op,
            param=param,
        )


class CropParams(Params):
    # An aspect ratio as (width, height), e.g. (1, 1), (4, 5), (16, 9); the largest centred
    # window of that ratio is kept.
    aspect: tuple[int, int] | None = None
    # Or margins to cut, as fractions of the width (left/right) and height (top/bottom);
    # "crop to the left third" cuts 2/3 off the right.
    left: float = Field(default=0.0, ge=0.0, lt=1.0)
    top: float = Field(default=0.0, ge=0.0, lt=1.0)
    right: float = Field(default=0.0, ge=0.0, lt=1.0)
    bottom: float = Field(default=0.0, ge=0.0, lt=1.0)

    @model_validator(mode="after")
    def _one_way(self) -> CropParams:
        margins = self.left + self.top + self.right + self.bottom
        if self.aspect is None and margins == 0:
            raise ValueError("give an aspect ratio or margins to crop")
        if self.left + self.right >= 1 or self.top + self.bottom >= 1:
            raise ValueError("the margins of a side and its opposite add up to the whole picture")
        if self.aspect is not None and (self.aspect[0] <= 0 or self.aspect[1] <= 0):
            raise ValueError("an aspect ratio has two positive numbers")
        return self


def crop(image: Image, p: CropParams, ctx: OpContext) -> Image:
    """Cut the margins first, then keep the largest centred window of `aspect` in what is left."""
    height, width = image.shape[:2]
    # 1. margins, rounded to whole pixels
    x0, x1 = round(p.left * width), width - round(p.right * width)
    y0, y1 = round(p.top * height), height - round(p.bottom * height)
    if x1 - x0 < 1 or y1 - y0 < 1:
        raise InvalidParameterError(
            f"crop: these margins leave less than 1 pixel of the {width}x{height} image",
            op="crop",
            param="left" if x1 - x0 < 1 else "top",
        )
    # 2. the largest centred window of the aspect ratio
    if p.aspect is not None:
        aw, ah = p.aspect
        cw, ch = x1 - x0, y1 - y0
        if cw * ah >= ch * aw:
            nw, nh = round(ch * aw / ah), ch
        else:
            nw, nh = cw, round(cw * ah / aw)
        if nw < 1 or nh < 1:
            raise InvalidParameterError(
                f"crop: a {aw}:{ah} window of a {cw}x{ch} image is smaller than 1 pixel",
                op="crop",
                param="aspect",
            )
        nw, nh = min(nw, cw), min(nh, ch)
        x0, y0 = x0 + (cw - nw) // 2, y0 + (ch - nh) // 2
        x1, y1 = x0 + nw, y0 + nh
    return image[y0:y1, x0:x1].copy()


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
    """Scale by a factor, or to a width and/or height (both given: exactly that size).

    Each axis is shrunk with area averaging (no aliasing) and enlarged with Lanczos.
    """
    height, width = image.shape[:2]
    if p.scale is not None:
        nw, nh = max(1, round(width * p.scale)), max(1, round(height * p.scale))
    elif p.width is not None and p.height is not None:
        nw, nh = p.width, p.height
    elif p.width is not None:
        nw, nh = p.width, max(1, round(height * p.width / width))
    elif p.height is not None:
        nw, nh = max(1, round(width * p.height / height)), p.height
    else:
        raise InvalidParameterError(
            "resize: give either a scale or a width/height", op="resize", param="scale"
        )
    check_output_size("resize", "scale" if p.scale is not None else "width", nw, nh, ctx)
    if (nw, nh) == (width, height):
        return image.copy()

    def warp(pixels: MatLike) -> MatLike:
        # One pass per direction of change: INTER_AREA only averages when it shrinks.
        if nw <= width and nh <= height:
            return cv2.resize(pixels, (nw, nh), interpolation=cv2.INTER_AREA)
        if nw >= width and nh >= height:
            return cv2.resize(pixels, (nw, nh), interpolation=cv2.INTER_LANCZOS4)
        shrunk = cv2.resize(pixels, (min(nw, width), min(nh, height)), interpolation=cv2.INTER_AREA)
        return cv2.resize(shrunk, (nw, nh), interpolation=cv2.INTER_LANCZOS4)

    return resample(image, warp)


class RotateParams(Params):
    # Clockwise degrees, as users say "rotate right 90".
    degrees: float = Field(ge=-360.0, le=360.0)
    # For angles that are not multiples of 90: keep the whole image on a larger canvas
    # ("expand", corners filled with `background`), or crop to the largest upright rectangle.
    fit: Literal["expand", "crop"] = "crop"
    background: Color = (0, 0, 0)


def rotate(image: Image, p: RotateParams, ctx: OpContext) -> Image:
    """Rotate clockwise. Multiples of 90 degrees move pixels without resampling; other angles
    use bicubic interpolation on a canvas chosen by `fit`."""
    # 1. right angles are exact
    turns = p.degrees / 90.0
    if abs(turns - round(turns)) * 90.0 < _RIGHT_ANGLE_TOLERANCE:
        quarter = round(turns) % 4
        if quarter == 0:
            return image.copy()
        return np.asarray(cv2.rotate(image, _QUARTER_TURNS[quarter]), dtype=np.uint8)

    # 2. the size of the result
    height, width = image.shape[:2]
    if min(width, height) < 2:
        raise InvalidParameterError(
            f"rotate: a {width}x{height} image is too small to turn by {p.degrees:g} degrees; "
            "only multiples of 90 work",
            op="rotate",
            param="degrees",
        )
    theta = math.radians(p.degrees)
    cos, sin = abs(math.cos(theta)), abs(math.sin(theta))
    if p.fit == "expand":
        nw = math.ceil(width * cos + height * sin - 1e-6)
        nh = math.ceil(width * sin + height * cos - 1e-6)
    else:
        # At least half the shorter side survives, so a 2 px side still leaves a pixel.
        inner_w, inner_h = _largest_upright_rectangle(width, height, cos, sin)
        nw, nh = max(1, math.floor(inner_w + 1e-6)), max(1, math.floor(inner_h + 1e-6))
    check_output_size("rotate", "fit", nw, nh, ctx)

    # 3. one affine warp about the centre (OpenCV's positive angle is counter-clockwise)
    matrix = cv2.getRotationMatrix2D(((width - 1) / 2.0, (height - 1) / 2.0), -p.degrees, 1.0)
    matrix[0, 2] += (nw - width) / 2.0
    matrix[1, 2] += (nh - height) / 2.0
    expand = p.fit == "expand"
    channels = image.shape[2]
    # RGBA corners are transparent; RGB corners are the background colour.
    border_value = (0.0, 0.0, 0.0, 0.0) if channels == 4 else tuple(float(c) for c in p.background)

    def warp(pixels: MatLike) -> MatLike:
        return cv2.warpAffine(
            pixels,
            matrix,
            (nw, nh),
            flags=cv2.INTER_CUBIC,
            # Cropping keeps only pixels inside the turned image; replicating the edge keeps
            # the bicubic kernel from pulling black in along the border.
            borderMode=cv2.BORDER_CONSTANT if expand else cv2.BORDER_REPLICATE,
            borderValue=border_value,
        )

    return resample(image, warp, transparent_border=expand, fill=p.background)


def _largest_upright_rectangle(
    width: int, height: int, cos: float, sin: float
) -> tuple[float, float]:
    """The largest axis-aligned rectangle inside a width x height rectangle turned by an angle
    with |cos| = cos and |sin| = sin.

    The closed form of the maximal-area inscribed rectangle, as derived in
    https://stackoverflow.com/a/16778797 ("Rotate image and crop out black borders").
    """
    long_side, short_side = max(width, height), min(width, height)
    if short_side <= 2.0 * sin * cos * long_side or abs(sin - cos) < 1e-10:
        # Half-constrained: two corners touch the longer side.
        x = 0.5 * short_side
        if width >= height:
            return x / sin, x / cos
        return x / cos, x / sin
    cos_2a = cos * cos - sin * sin
    return (width * cos - height * sin) / cos_2a, (height * cos - width * sin) / cos_2a


class FlipParams(Params):
    direction: Literal["horizontal", "vertical"] = "horizontal"


def flip(image: Image, p: FlipParams, ctx: OpContext) -> Image:
    """Mirror left-right ("horizontal") or top-bottom ("vertical")."""
    return np.asarray(cv2.flip(image, 1 if p.direction == "horizontal" else 0), dtype=np.uint8)


class BorderParams(Params):
    # Width of the border as a fraction of the shorter side, or in pixels when `pixels` is set.
    size: float = Field(default=0.05, gt=0.0, le=0.5)
    pixels: int | None = Field(default=None, ge=1, le=5000)
    color: Color = (255, 255, 255)


def border(image: Image, p: BorderParams, ctx: OpContext) -> Image:
    """Pad all four sides with an opaque colour, `pixels` wide or `size` x the shorter side."""
    height, width = image.shape[:2]
    pad = p.pixels if p.pixels is not None else max(1, round(p.size * min(width, height)))
    param = "pixels" if p.pixels is not None else "size"
    check_output_size("border", param, width + 2 * pad, height + 2 * pad, ctx)
    value = (*(float(c) for c in p.color), 255.0)[: image.shape[2]]
    padded = cv2.copyMakeBorder(image, pad, pad, pad, pad, cv2.BORDER_CONSTANT, value=value)
    return np.asarray(padded, dtype=np.uint8)


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
        keywords=(
            "resize",
            "scale",
            "downscale",
            "upscale",
            "shrink",
            "enlarge",
            "smaller",
            "bigger",
        ),
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
