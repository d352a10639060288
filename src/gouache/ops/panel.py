"""Starting a picture again from an attached image: a storyboard panel begins from its own
source photo while its version follows the previous panel in the tree."""

from __future__ import annotations

from typing import Any

from pydantic import Field

from gouache.images import Image
from gouache.ops.registry import OpContext, Operator, Params


class UseImageParams(Params):
    reference: int = Field(default=2, ge=2)


def use_image(image: Image, p: UseImageParams, ctx: OpContext) -> Image:
    """Image N itself, in place of the current picture."""
    chosen = ctx.reference(p.reference, "use_image")
    ctx.notes.append(f"started from image {p.reference}")
    return chosen.copy()


OPERATORS: list[Operator[Any]] = [
    Operator(
        name="use_image",
        version="1.0.0",
        summary="start again from an attached image (image 2, 3...) in place of the picture",
        params=UseImageParams,
        run=use_image,
        keywords=("start from", "start again from", "use image"),
        examples=("start again from image 2",),
        geometry=True,
    ),
]
