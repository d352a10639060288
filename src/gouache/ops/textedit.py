"""Text already in the picture: remove it, or replace words with others.

Text comes from the analysis cache (rapidocr). Removal inpaints the text boxes (Telea 2004
or Navier-Stokes through OpenCV); replacement removes, then renders the new words fitted to
the old box in the old text's colour. Adding new text is the `caption` operator.
"""

from __future__ import annotations

from typing import Any

from pydantic import Field

from gouache.images import Image
from gouache.ops.registry import OpContext, Operator, Params


class RemoveTextParams(Params):
    # Only lines containing this (case-insensitive); None removes all text, e.g. a watermark.
    match: str | None = None


class ReplaceTextParams(Params):
    old: str = Field(min_length=1, max_length=200)
    new: str = Field(max_length=200)


def remove_text(image: Image, p: RemoveTextParams, ctx: OpContext) -> Image:
    raise NotImplementedError


def replace_text(image: Image, p: ReplaceTextParams, ctx: OpContext) -> Image:
    raise NotImplementedError


OPERATORS: list[Operator[Any]] = [
    Operator(
        name="remove_text",
        version="1.0.0",
        summary="remove text or a watermark (all of it, or the lines containing some words)",
        params=RemoveTextParams,
        run=remove_text,
        keywords=("remove the text", "remove the watermark", "erase the text", "delete the words"),
        examples=("remove the text", 'remove the watermark "sample"'),
        global_edit=False,
    ),
    Operator(
        name="replace_text",
        version="1.0.0",
        summary='replace words in the picture: "old" with "new", fitted and colour-matched',
        params=ReplaceTextParams,
        run=replace_text,
        keywords=("replace", "change the text", "change the word"),
        examples=('replace "SALE" with "SOLD"',),
        global_edit=False,
    ),
]
