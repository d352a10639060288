"""Looser and tighter crops: "crop it square" then "a little looser" keeps more of the parent
around the same centre, "tighter" less. A crop's margins are shares of the parent's width and
height, cut before its aspect window is taken. A crop with an aspect ratio zooms: each axis
keeps 1 minus its two margins, which "tighter" divides by the factor and "looser" multiplies,
up to the whole axis (a square at its largest gets even margins to be tighter). A crop of
margins alone ("cut 10 % off the top") cuts them more or less: times the factor, or divided.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

_AXES = (("left", "right"), ("top", "bottom"))
SIDES = ("left", "top", "right", "bottom")
# CropParams takes each margin below one half
_MOST = 0.4999


def reframed(params: Mapping[str, Any], factor: float, looser: bool) -> dict[str, Any]:
    """The crop's parameters `factor` times looser or tighter, as the module says."""
    moved = dict(params)
    if params.get("aspect") is None:
        for side in SIDES:
            cut = float(params.get(side, 0.0))
            moved[side] = round(min(_MOST, cut / factor if looser else cut * factor), 4)
        return moved
    for first, second in _AXES:
        a, b = float(params.get(first, 0.0)), float(params.get(second, 0.0))
        kept = 1.0 - a - b
        cut = 1.0 - (min(1.0, kept * factor) if looser else kept / factor)
        shares = (a / (a + b), b / (a + b)) if a + b else (0.5, 0.5)
        moved[first], moved[second] = (round(min(_MOST, cut * share), 4) for share in shares)
    return moved


def window(params: Mapping[str, Any], width: int, height: int) -> tuple[int, int]:
    """The width and height a crop keeps of a `width` x `height` picture (as ops.geometry.crop
    cuts it)."""
    w = width - round(float(params.get("left", 0.0)) * width)
    w -= round(float(params.get("right", 0.0)) * width)
    h = height - round(float(params.get("top", 0.0)) * height)
    h -= round(float(params.get("bottom", 0.0)) * height)
    aspect = params.get("aspect")
    if aspect is None:
        return w, h
    aw, ah = aspect
    if w * ah >= h * aw:
        return min(w, round(h * aw / ah)), h
    return w, min(h, round(w * ah / aw))


def kept_all(params: Mapping[str, Any]) -> bool:
    """True when the crop cuts no margin: an aspect crop at its largest, or no crop at all."""
    return not any(float(params.get(side, 0.0)) for axis in _AXES for side in axis)
