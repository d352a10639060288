"""Where things go on a canvas: named positions, shared by captions, logos and composites."""

from __future__ import annotations

from typing import Literal, TypeAlias

Position: TypeAlias = Literal[
    "center",
    "top",
    "bottom",
    "left",
    "right",
    "top left",
    "top right",
    "bottom left",
    "bottom right",
]
Corner: TypeAlias = Literal["top left", "top right", "bottom left", "bottom right"]


def place(
    canvas: tuple[int, int], item: tuple[int, int], position: Position, margin: int = 0
) -> tuple[int, int]:
    """Top-left (x, y) of an item of size (w, h) at `position` on a canvas of size (w, h)."""
    cw, ch = canvas
    iw, ih = item
    x = (cw - iw) // 2
    y = (ch - ih) // 2
    if "left" in position:
        x = margin
    elif "right" in position:
        x = cw - iw - margin
    if "top" in position:
        y = margin
    elif "bottom" in position:
        y = ch - ih - margin
    return x, y
