"""Cropping off bars of one colour at the edges: "crop off the blue bar at the top", "remove
the black bars". The bars are found by `gouache.analysis.bars`; only those on the sides named
(any side when none is) and of the colour named (any colour when none is) are cut away. When
none fits, or a side named has none, nothing is cropped and the error says what was found."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np
from pydantic import Field

from gouache.analysis.bars import EdgeBar, Side, edge_bars, hue_name, same_colour
from gouache.colors import Color
from gouache.errors import InvalidParameterError
from gouache.images import Image
from gouache.ops.registry import OpContext, Operator, Params


class CropBarsParams(Params):
    # The edges to look at; none named: every edge.
    sides: tuple[Side, ...] = Field(default=(), max_length=4)
    color: Color | None = None


def wanted(
    found: Sequence[EdgeBar], sides: Sequence[Side], color: tuple[int, int, int] | None
) -> list[EdgeBar]:
    """The bars `found` on `sides` (all when empty) of `color` (any when None)."""
    return [
        bar
        for bar in found
        if (not sides or bar.side in sides) and (color is None or same_colour(color, bar.color))
    ]


def unserved(
    found: Sequence[EdgeBar], sides: Sequence[Side], color: tuple[int, int, int] | None
) -> list[Side]:
    """The sides named that have no such bar: "the bars at the top and bottom" needs both."""
    served = {bar.side for bar in wanted(found, sides, color)}
    return [side for side in sides if side not in served]


def missing(
    found: Sequence[EdgeBar], sides: Sequence[Side], color: tuple[int, int, int] | None
) -> str:
    """Why no bar fits: what is at the edges named, and what was found elsewhere."""
    where = " or ".join(f"the {side}" for side in sides) if sides else "any edge"
    named = f"{hue_name(color)} " if color is not None else ""
    listed = "; ".join(f'{bar.describe()} ("crop off the bar at the {bar.side}")' for bar in found)
    if not found:
        return f"I find no {named}bar of one colour at {where} of this picture"
    return f"I find no {named}bar at {where}; I found {listed}"


def crop_bars(image: Image, p: CropBarsParams, ctx: OpContext) -> Image:
    """The picture without the bars asked for (see the module doc)."""
    found = edge_bars(image)
    bars = wanted(found, p.sides, p.color)
    lacking = unserved(found, p.sides, p.color)
    if not bars or lacking:
        message = missing(found, lacking or p.sides, p.color)
        raise InvalidParameterError(f"crop_bars: {message}", op="crop_bars", param="sides")
    cut = {bar.side: bar.size for bar in bars}
    height, width = image.shape[:2]
    rows = slice(cut.get("top", 0), height - cut.get("bottom", 0))
    cols = slice(cut.get("left", 0), width - cut.get("right", 0))
    return np.ascontiguousarray(image[rows, cols])


OPERATORS: list[Operator[Any]] = [
    Operator(
        name="crop_bars",
        version="1.0.0",
        summary="crop off bars of one colour at the edges (a title bar, letterbox bands)",
        params=CropBarsParams,
        run=crop_bars,
        keywords=(),  # read by gouache.planner.bars, which checks the bars are there
        examples=("crop off the bar at the top", "remove the black bars"),
        geometry=True,
    ),
]
