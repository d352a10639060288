"""Text on the picture: a caption or a title, sized to fit and legible on any background.

The font is the FreeType font that ships inside Pillow (`ImageFont.load_default(size=...)`),
so no system font is needed.
"""

from __future__ import annotations

from typing import Any, Literal

from pydantic import Field

from gouache.colors import Color
from gouache.images import Image
from gouache.ops.registry import OpContext, Operator, Params


class CaptionParams(Params):
    text: str = Field(min_length=1, max_length=500)
    position: Literal[
        "top", "bottom", "center", "top left", "top right", "bottom left", "bottom right"
    ] = "bottom"
    color: Color = (255, 255, 255)
    # Text height as a fraction of the image height; None fits the text to the width.
    size: float | None = Field(default=None, gt=0.0, le=0.5)
    # Legibility: an outline in a contrasting colour, or a box behind the text.
    style: Literal["outline", "box", "plain"] = "outline"
    box_color: Color | None = None


def caption(image: Image, p: CaptionParams, ctx: OpContext) -> Image:
    raise NotImplementedError


OPERATORS: list[Operator[Any]] = [
    Operator(
        name="caption",
        version="1.0.0",
        summary='write a caption or title in quotes, sized to fit, outlined or on a box',
        params=CaptionParams,
        run=caption,
        keywords=("caption", "title", "text", "write", "label", "headline", "subtitle"),
        examples=('add the caption "Hello world"', 'add a title "Summer" at the top'),
        global_edit=False,
    ),
]
