"""Restoring old photos: denoise, dust and scratches, local contrast, white balance, sharpening.

Each stage that ran, and what it found, is added to the turn's notes as a report.
"""

from __future__ import annotations

from typing import Any

from pydantic import Field

from gouache.images import Image
from gouache.ops.registry import OpContext, Operator, Params


class RestoreParams(Params):
    strength: float = Field(default=1.0, gt=0.0, le=1.0)


def restore(image: Image, p: RestoreParams, ctx: OpContext) -> Image:
    raise NotImplementedError


OPERATORS: list[Operator[Any]] = [
    Operator(
        name="restore",
        version="1.0.0",
        summary="restore an old photo: noise, dust, scratches, contrast, colour, sharpness",
        params=RestoreParams,
        run=restore,
        keywords=("restore", "repair", "fix this old photo", "dust", "scratches"),
        examples=("restore this old photo", "remove the dust and scratches"),
    ),
]
