"""Bars of one colour along the edges of a picture: a screenshot's title bar, letterbox bands,
a scanner's margin.

From each edge inward, a line (a row for the top and bottom, a column for the sides) is of
the bar's colour (the median of the outermost line) when at least LINE_SHARE of its pixels
lie within TOLERANCE of it; lines with at least TEXT_SHARE (a title or an icon in the bar) may
stand between such lines, and the bar ends after the last full line of its colour. A bar is
only a bar when it ends sharply, with the next line mostly another colour, when it is flat
(its pixels of the bar's colour vary by at most FLAT_STD), and when it takes at least
MIN_LINES and at most MAX_SHARE of the picture: a sky fading into a photo is no bar. Nor is a
gradient (a phone's wallpaper) that a card happens to end sharply: its last line drifts more
than MAX_DRIFT from its first.

A bar on the left or right is a side panel (an app's sidebar) when the rest of the picture is
mostly of another colour: the ground of its content (the median of the rest, sampled) is
farther than TOLERANCE from the bar's colour. A chart's white margin is no panel: its content
lies on the same white.

Colours are named coarsely (`hue_name`), so "the blue bar" matches a bar of any blue.
"""

from __future__ import annotations

import colorsys
from dataclasses import dataclass
from typing import Literal

import numpy as np

from gouache.colors import RGB
from gouache.images import Image

Side = Literal["top", "bottom", "left", "right"]
SIDES: tuple[Side, ...] = ("top", "bottom", "left", "right")
TOLERANCE = 16  # code values, per channel
LINE_SHARE = 0.88
TEXT_SHARE = 0.5
END_SHARE = 0.5  # the line after a bar has fewer pixels of its colour than this
FLAT_STD = 6.0
MIN_LINES = 2
MAX_SHARE = 0.4
MAX_DRIFT = 8  # code values, per channel, between a bar's first and last line


@dataclass(frozen=True)
class EdgeBar:
    side: Side
    size: int  # lines (pixels across)
    color: RGB
    # A side panel: on the left or right, of a colour the rest of the picture is not.
    panel: bool = False

    def describe(self) -> str:
        if self.panel:
            return f"a {hue_name(self.color)} side panel {self.size} px wide at the {self.side}"
        across = "tall" if self.side in ("top", "bottom") else "wide"
        return f"a {hue_name(self.color)} bar {self.size} px {across} at the {self.side}"


def edge_bars(image: Image) -> list[EdgeBar]:
    """The bars found along the four edges, in the order top, bottom, left, right."""
    rgb = np.asarray(image[:, :, :3])
    found = []
    for side in SIDES:
        lines = _lines(rgb, side)
        bar = _bar(lines)
        if bar is not None:
            panel = side in ("left", "right") and _apart(lines[bar[0] :], bar[1])
            found.append(EdgeBar(side, bar[0], bar[1], panel))
    return found


def _apart(rest: Image, colour: RGB) -> bool:
    """Whether the ground of `rest` (its median colour, on a sample of at most ~40 000
    pixels) is another colour than `colour`."""
    step = max(1, int(np.sqrt(rest.shape[0] * rest.shape[1] / 40_000)))
    ground = np.median(rest[::step, ::step].reshape(-1, 3).astype(np.float32), axis=0)
    return bool(np.abs(ground - np.asarray(colour, np.float32)).max() > TOLERANCE)


def _lines(rgb: Image, side: Side) -> Image:
    """The picture turned so that line 0 is the edge `side` (lines, pixels, 3)."""
    if side == "top":
        return rgb
    if side == "bottom":
        return rgb[::-1]
    if side == "left":
        return rgb.transpose(1, 0, 2)
    return rgb.transpose(1, 0, 2)[::-1]


def _bar(lines: Image) -> tuple[int, RGB] | None:
    count = lines.shape[0]
    limit = int(count * MAX_SHARE)
    if limit < MIN_LINES or lines.shape[1] < 2:
        return None
    colour = np.median(lines[0].astype(np.float32), axis=0)
    size, line = 0, 0
    while line <= limit and line < count:
        share = _share(lines[line], colour)
        if share < TEXT_SHARE:
            break
        line += 1
        size = line if share >= LINE_SHARE else size
    if size < MIN_LINES or size > limit or size >= count:
        return None
    if _share(lines[size], colour) >= END_SHARE:
        return None  # it fades out: a sky, a wall, not a bar
    block = lines[:size].reshape(-1, 3).astype(np.float32)
    inside = np.abs(block - colour).max(axis=1) <= TOLERANCE
    if float(block[inside].std(axis=0).max()) > FLAT_STD:
        return None  # textured: part of the photo
    # two lines in from its end: the last may blend into what follows
    last = np.median(lines[max(0, size - 3)].astype(np.float32), axis=0)
    if float(np.abs(last - colour).max()) > MAX_DRIFT:
        return None  # a gradient, not a bar
    r, g, b = (round(float(v)) for v in colour)
    return size, (r, g, b)


def _share(line: Image, colour: np.ndarray) -> float:
    close = np.abs(line.astype(np.float32) - colour).max(axis=1) <= TOLERANCE
    return float(close.mean())


def hue_name(rgb: RGB) -> str:
    """A coarse name of the colour: black, white, grey, red, orange, brown, yellow, green,
    teal, blue, purple or pink."""
    h, s, v = colorsys.rgb_to_hsv(*(c / 255.0 for c in rgb))
    hue = h * 360.0
    if v < 0.18:
        return "black"
    if s < 0.15:
        return "white" if v > 0.85 else "grey"
    if hue < 15 or hue >= 345:
        return "red" if v >= 0.45 else "brown"
    if hue < 40:
        return "orange" if v >= 0.6 else "brown"
    if hue < 70:
        return "yellow"
    if hue < 160:
        return "green"
    if hue < 190:
        return "teal"
    if hue < 260:
        return "blue"
    if hue < 290:
        return "purple"
    return "pink"


def same_colour(named: RGB, found: RGB) -> bool:
    """Whether a colour the user named is the colour found: the same coarse name (teal counts
    as blue and green), or close in RGB."""
    a, b = hue_name(named), hue_name(found)
    near = {a, b} in ({"teal", "blue"}, {"teal", "green"}, {"grey", "white"}, {"grey", "black"})
    distance = max(abs(x - y) for x, y in zip(named, found, strict=True))
    return a == b or near or distance <= 48
