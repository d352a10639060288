"""The canvas: extend to an aspect ratio by filling the new borders from the image itself."""

from __future__ import annotations

from typing import Any, Literal

from pydantic import Field

from gouache.colors import Color
from gouache.images import Image
from gouache.ops.registry import OpContext, Operator, Params


class ExtendParams(Params):
    aspect: tuple[int, int]
    # reflect: mirrored image blended into a blur; inpaint: OpenCV inpainting; color: plain pad.
    fill: Literal["reflect", "inpaint", "color"] = "reflect"
    color: Color = (255, 255, 255)
    # Where the original sits on the new canvas.
    anchor: Literal["center", "left", "right", "top", "bottom"] = "center"


def extend(image: Image, p: ExtendParams, ctx: OpContext) -> Image:
    raise NotImplementedError


OPERATORS: list[Operator[Any]] = [
    Operator(
        name="extend",
        version="1.0.0",
        summary="extend the canvas to an aspect ratio, filling the borders from the image",
        params=ExtendParams,
        run=extend,
        keywords=("extend", "outpaint", "widen", "expand the canvas", "uncrop"),
        examples=("extend to 16:9", "extend to square with white"),
        geometry=True,
    ),
]
