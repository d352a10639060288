"""Subject and background: portrait blur, cut-out, and a new background.

The subject mask comes from the analysis cache (GrabCut seeded from faces or a centre prior;
see gouache.analysis.subject for where it fails).
"""

from __future__ import annotations

from typing import Any

from pydantic import Field, model_validator

from gouache.colors import Color
from gouache.images import Image
from gouache.ops.registry import OpContext, Operator, Params


class BlurBackgroundParams(Params):
    # Gaussian sigma of the background, in pixels at 1 MP.
    radius: float = Field(default=12.0, gt=0.0, le=100.0)


class RemoveBackgroundParams(Params):
    # Feather of the cut-out edge, in pixels.
    feather: float = Field(default=2.0, ge=0.0, le=50.0)


class ReplaceBackgroundParams(Params):
    # Exactly one of: a colour, a vertical gradient (top, bottom), or reference image N (>= 2).
    color: Color | None = None
    gradient: tuple[Color, Color] | None = None
    reference: int | None = Field(default=None, ge=2)
    feather: float = Field(default=2.0, ge=0.0, le=50.0)

    @model_validator(mode="after")
    def _one_source(self) -> ReplaceBackgroundParams:
        given = [x for x in (self.color, self.gradient, self.reference) if x is not None]
        if len(given) != 1:
            raise ValueError("give one background: a colour, a gradient or a reference image")
        return self


def blur_background(image: Image, p: BlurBackgroundParams, ctx: OpContext) -> Image:
    raise NotImplementedError


def remove_background(image: Image, p: RemoveBackgroundParams, ctx: OpContext) -> Image:
    raise NotImplementedError


def replace_background(image: Image, p: ReplaceBackgroundParams, ctx: OpContext) -> Image:
    raise NotImplementedError


OPERATORS: list[Operator[Any]] = [
    Operator(
        name="blur_background",
        version="1.0.0",
        summary="blur the background, keep the subject sharp (portrait look)",
        params=BlurBackgroundParams,
        run=blur_background,
        keywords=("blur the background", "portrait mode", "bokeh", "background blur"),
        examples=("blur the background", "blur the background a lot"),
        global_edit=False,
    ),
    Operator(
        name="remove_background",
        version="1.0.0",
        summary="cut out the subject on a transparent background",
        params=RemoveBackgroundParams,
        run=remove_background,
        keywords=("remove the background", "cut out", "transparent background"),
        examples=("remove the background",),
        global_edit=False,
    ),
    Operator(
        name="replace_background",
        version="1.0.0",
        summary="replace the background with a colour, a gradient or image N",
        params=ReplaceBackgroundParams,
        run=replace_background,
        keywords=(
            "replace the background",
            "new background",
            "background to",
            "change the background",
        ),
        examples=("replace the background with white", "use image 2 as the background"),
        global_edit=False,
    ),
]
