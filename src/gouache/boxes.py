"""A region given as a box on the command line ("--box 40,30,200,120", "/box 0.1,0.2,0.5,0.5"):
the same boolean mask the web UI's box tool sends, so the turn keeps every pixel outside it.

X,Y is the top-left corner, W,H the size, in pixels; or all four as fractions of the picture
(0.5) or percentages (50%). A box is refused, never clipped or guessed: one reaching past an
edge, of no size, or not four numbers says so in one line.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import TYPE_CHECKING

from gouache.errors import InputError

if TYPE_CHECKING:
    from gouache.images import Image

USAGE = "X,Y,W,H in pixels (40,30,200,120) or as fractions of the picture (0.1,0.2,0.5,0.5)"
_NUMBER = re.compile(r"[+-]?(?:\d+\.?\d*|\.\d+)%?")


@dataclass(frozen=True)
class BoxSpec:
    """Four numbers as given: pixels, or shares of the width and height (`fractions`)."""

    x: float
    y: float
    w: float
    h: float
    fractions: bool
    said: str

    def mask(self, width: int, height: int) -> Image:
        """The box as a boolean mask of a `width` x `height` picture: True inside it."""
        import numpy as np

        left, top, right, bottom = self.pixels(width, height)
        mask = np.zeros((height, width), dtype=bool)
        mask[top:bottom, left:right] = True
        return mask

    def pixels(self, width: int, height: int) -> tuple[int, int, int, int]:
        """Left, top, right, bottom in whole pixels (right and bottom exclusive)."""
        if self.fractions:
            edges = (self.x, self.y, self.x + self.w, self.y + self.h)
            sides = (width, height, width, height)
            left, top, right, bottom = (round(v * n) for v, n in zip(edges, sides, strict=True))
            if right <= left or bottom <= top:
                raise InputError(
                    f"the box {self.said} is under a pixel wide or high on this "
                    f"{width}x{height} picture; give a larger one"
                )
            return left, top, right, bottom
        left, top = int(self.x), int(self.y)
        right, bottom = left + int(self.w), top + int(self.h)
        if right > width or bottom > height:
            edge = "right" if right > width else "bottom"
            raise InputError(
                f"the box {self.said} runs past the picture's {edge} edge: the picture is "
                f"{width}x{height}, so X+W is at most {width} and Y+H at most {height}"
            )
        return left, top, right, bottom


def read_box(text: str) -> BoxSpec:
    """`text` as a box, or an InputError that says what a box is."""
    said = text.strip()
    parts = [p for p in re.split(r"[,\s]+", said) if p]
    if len(parts) != 4 or not all(_NUMBER.fullmatch(p) for p in parts):
        raise InputError(f"--box takes {USAGE}, not {said!r}")
    percent = [p.endswith("%") for p in parts]
    values = [float(p.rstrip("%")) / (100 if p.endswith("%") else 1) for p in parts]
    if any(percent) and not all(percent):
        raise InputError(f"the box {said} mixes percentages and other numbers; give {USAGE}")
    fractions = all(percent) or (all(v <= 1 for v in values) and any("." in p for p in parts))
    x, y, w, h = values
    if x < 0 or y < 0:
        raise InputError(f"the box {said} starts outside the picture: X and Y are 0 or more")
    if w <= 0 or h <= 0:
        raise InputError(f"the box {said} has no size: W and H are more than 0")
    if fractions:
        if x + w > 1 + 1e-9 or y + h > 1 + 1e-9:
            raise InputError(
                f"the box {said} runs past the picture's {'right' if x + w > 1 else 'bottom'} "
                "edge: as fractions, X+W and Y+H are at most 1"
            )
    elif any(v != int(v) for v in values):
        raise InputError(
            f"the box {said} mixes fractions and pixels: give whole pixels, or all four as "
            "fractions of the picture (each at most 1)"
        )
    return BoxSpec(x, y, w, h, fractions, said)
