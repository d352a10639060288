"""Cropping off bars of one colour at the edges: "crop off the blue bar at the top", "remove
the black bars". The bars are found by `gouache.analysis.bars`; only those on the sides named
(any side when none is) and of the colour named (any colour when none is) are cut away. When
none fits, or a side named has none, nothing is cropped and the error says what was found.
"crop out the sidebar" asks for a side panel (`panel`): a bar on the left or right of a
colour the rest of the picture is not (`EdgeBar.panel`); with no side named, those found on
either side (the planner asks which when "the sidebar" could be either of two)."""

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
    # Only side panels (a sidebar), on the left or right.
    panel: bool = False


def wanted(
    found: Sequence[EdgeBar],
    sides: Sequence[Side],
    color: tuple[int, int, int] | None,
    panel: bool = False,
) -> list[EdgeBar]:
    """The bars `found` on `sides` (all when empty) of `color` (any when None); with `panel`,
    only side panels."""
    return [
        bar
        for bar in found
        if (not sides or bar.side in sides)
        and (color is None or same_colour(color, bar.color))
        and (bar.panel or not panel)
    ]


def unserved(
    found: Sequence[EdgeBar],
    sides: Sequence[Side],
    color: tuple[int, int, int] | None,
    panel: bool = False,
) -> list[Side]:
    """The sides named that have no such bar: "the bars at the top and bottom" needs both."""
    served = {bar.side for bar in wanted(found, sides, color, panel)}
    return [side for side in sides if side not in served]


def missing(
    found: Sequence[EdgeBar],
    sides: Sequence[Side],
    color: tuple[int, int, int] | None,
    panel: bool = False,
) -> str:
    """Why no bar fits: what is at the edges named, and what was found elsewhere."""
    where = " or ".join(f"the {side}" for side in sides) if sides else "any edge"
    named = f"{hue_name(color)} " if color is not None else ""
    thing = "side panel" if panel else "bar"
    listed = "; ".join(f'{bar.describe()} ("{offer(bar)}")' for bar in found)
    if panel and not sides:
        where = "the left or right"
    if not found:
        of = " (a band of one colour up an edge, set apart from the rest)" if panel else ""
        return f"I find no {named}{thing}{of} of one colour at {where} of this picture"
    return f"I find no {named}{thing} at {where}; I found {listed}"


def offer(bar: EdgeBar) -> str:
    """The request that crops `bar` off."""
    if bar.panel:
        return f"crop out the {bar.side} sidebar"
    return f"crop off the bar at the {bar.side}"


def both_panels(found: Sequence[EdgeBar], color: tuple[int, int, int] | None) -> str | None:
    """The question when "the sidebar" could be either of two found, else None."""
    panels = wanted(found, ("left", "right"), color, panel=True)
    if len(panels) < 2:
        return None
    return (
        "there are side panels on the left and the right: say which, "
        '"crop out the left sidebar" or "crop out the right sidebar"'
    )


def crop_bars(image: Image, p: CropBarsParams, ctx: OpContext) -> Image:
    """The picture without the bars asked for (see the module doc)."""
    found = edge_bars(image)
    bars = wanted(found, p.sides, p.color, p.panel)
    lacking = unserved(found, p.sides, p.color, p.panel)
    if not bars or lacking:
        message = missing(found, lacking or p.sides, p.color, p.panel)
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
        summary="crop off bars of one colour at the edges (a title bar, letterbox bands, a "
        "sidebar)",
        params=CropBarsParams,
        run=crop_bars,
        keywords=(),  # read by gouache.planner.bars, which checks the bars are there
        examples=("crop off the bar at the top", "remove the black bars", "crop out the sidebar"),
        geometry=True,
    ),
]
