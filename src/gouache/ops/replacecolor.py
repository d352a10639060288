"""One colour of a flat graphic made another: "make the blue bars green" on a chart.

On a chart, an icon or a screenshot every colour is a few flat fills, so "the blue ones" are
the pixels whose colour is called blue; on a photo a colour is everywhere in shades (the sky,
a shirt, a reflection) and picking it would edit what was not asked, so a photo is refused.

    1. flat: the colourful pixels (HLS saturation over `COLOURFUL`) fall in few colours, the
       `TOP` most common 5-bit RGB bins holding `FLAT_SHARE` of them;
    2. named: each pixel's colour name is read from its hue band (`BANDS`), with saturation
       over `FLOOR` and lightness inside `LIGHTNESS` (grey, black and white are no colour);
       a dark, dull red to orange is brown, a pale red pink (`_names`). The pixels of the
       source's name are taken (only its bars, lines or other shapes when `things` says so:
       `_shapes`), with the anti-aliased rim next to them whose hue is the same and whose
       saturation is over `RIM_FLOOR`;
    3. recoloured by the logo recolour's hue mapping (`recolor.colorized`): the new hue, each
       pixel's lightness kept, the new colour's saturation in proportion to the pixel's own.

Every other pixel is left exactly as it was.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Literal

import cv2
import numpy as np
import numpy.typing as npt

from gouache.colors import Color, plain_name
from gouache.errors import UnsupportedError
from gouache.images import Image
from gouache.ops._pixels import rgb_of
from gouache.ops.recolor import NEUTRAL_SATURATION, colorized, hls_of
from gouache.ops.registry import OpContext, Operator, Params

COLOURFUL = 0.25
TOP = 8
FLAT_SHARE = 0.85
FLOOR = 0.2
RIM_FLOOR = 0.08
LIGHTNESS = (0.08, 0.94)
LINE = 0.012  # of the shorter side: at most this wide across is a line
LINE_PX = 5.0
BAR_FILL = 0.85
RIM = 2  # px around the taken pixels where their anti-aliased edge lies
BAND_PIXELS = 1 << 18
FINDS_SIDE = 512
# Hue bands in degrees (HLS): the name of every hue from its start to the next band's.
BANDS = (
    (0.0, "red"),
    (15.0, "orange"),
    (45.0, "yellow"),
    (70.0, "green"),
    (165.0, "cyan"),
    (190.0, "blue"),
    (255.0, "purple"),
    (310.0, "pink"),
    (345.0, "red"),
)
NAMES = (*dict.fromkeys(name for _, name in BANDS), "brown")
BROWN_VALUE = 0.7  # HSV value under which a red to orange is brown, unless it is a pure red
PURE_RED = 0.9  # HSV saturation from which a dark red is still red (maroon, dark red)
PALE_RED = 0.75  # HLS lightness over which a red is pink


Things = Literal["all", "bars", "lines", "slices"]


class ReplaceColorParams(Params):
    source: Color  # the colour whose pixels change, by its name (its hue band)
    color: Color
    # Which of its shapes: every one, or only its bars, its lines or its other shapes.
    things: Things = "all"


def replace_color(image: Image, p: ReplaceColorParams, ctx: OpContext) -> Image:
    """The picture with the pixels of `p.source`'s colour name in `p.color` (module doc)."""
    rgb = rgb_of(image)
    source = colour_name(p.source)
    if source is None:
        raise UnsupportedError(
            f"replace_color: {plain_name(p.source)} has no hue to pick pixels by; name a "
            'colour, e.g. "make the blue bars green"',
            backend="operators",
        )
    # 1. and 2. each pixel named, band by band, and whether the picture is flat
    read = _read(rgb, source)
    if not read.flat:
        raise UnsupportedError(
            f"replace_color: this picture is a photo, where {source} is in shades everywhere, "
            f"so recolouring every {source} pixel would change more than was asked; on a flat "
            'graphic (a chart, an icon, a screenshot) it can, "tint it green" colours the '
            "whole picture, and a generative backend (--backend gemini, openai, diffusers or "
            "comfyui) can recolour one thing in a photo",
            backend="operators",
        )
    core = read.names == NAMES.index(source)
    if not core.any():
        seen = [NAMES[i] for i in np.unique(read.names) if i >= 0]
        found = ", ".join(seen) if seen else "only greys, black and white"
        offer = f'; e.g. "make the {seen[0]} ones {plain_name(p.color)}"' if seen else ""
        raise UnsupportedError(
            f"replace_color: there is no {source} in this picture (its colours: {found}){offer}",
            backend="operators",
        )
    del read.names
    if p.things != "all":
        core = _shapes(core, p.things, source)
    # the anti-aliased rim: near the pixels taken, of their hue, with some colour
    near = cv2.dilate(core.view(np.uint8), np.ones((2 * RIM + 1, 2 * RIM + 1), np.uint8))
    taken = core | (near.view(bool) & read.rim)
    del near, read.rim
    # 3. recoloured, the lightness kept; nothing else is written
    hue, _, saturation = (float(v) for v in hls_of(np.asarray([[p.color]], np.uint8))[0, 0])
    neutral = saturation < NEUTRAL_SATURATION  # to grey, black or white: no hue to give
    full = 1.0 if neutral else _full_saturation(rgb, core)
    out = image.copy()
    height, width = core.shape
    step = max(1, BAND_PIXELS // max(width, 1))
    for top in range(0, height, step):
        rows = slice(top, min(height, top + step))
        where = taken[rows]
        if not where.any():
            continue
        pixels = rgb[rows][where][None]
        if neutral:
            new = np.broadcast_to(np.asarray(p.color, np.float32), pixels.shape)
        else:
            new = colorized(pixels, hue, saturation, full)
        band = out[rows]
        band[where, :3] = np.clip(np.rint(new[0]), 0, 255).astype(np.uint8)
    share = 100 * float(taken.mean())
    how = "" if neutral else ", their lightness kept"
    which = "pixels" if p.things == "all" else p.things
    ctx.notes.append(
        f"replace_color: the {source} {which} ({share:.3g} % of the picture) in "
        f"{plain_name(p.color)}{how}; every other pixel unchanged"
    )
    return out


@dataclass
class _Read:
    names: npt.NDArray[np.int8]  # each pixel's index in NAMES, -1 for no colour
    rim: npt.NDArray[np.bool_]  # of the source's hue, with more saturation than RIM_FLOOR
    flat: bool


def _read(rgb: Image, source: str) -> _Read:
    """Steps 1 and 2 a band of rows at a time (a float HLS copy costs 12 B/px)."""
    height, width = rgb.shape[:2]
    names = np.empty((height, width), np.int8)
    rim = np.empty((height, width), bool)
    hues = [NAMES.index(h) for h in (("red", "orange") if source == "brown" else (source,))]
    counts = np.zeros(1 << 15, np.int64)
    step = max(1, BAND_PIXELS // max(width, 1))
    for top in range(0, height, step):
        rows = slice(top, min(height, top + step))
        band = np.ascontiguousarray(rgb[rows])
        hls = hls_of(band)
        names[rows] = _names(band, hls)
        rim[rows] = np.isin(_band_names(hls[..., 0]), hues) & (hls[..., 2] > RIM_FLOOR)
        q = (band[(hls[..., 2] > COLOURFUL) & _lit(hls)] >> 3).astype(np.int32)
        counts += np.bincount((q[:, 0] << 10) | (q[:, 1] << 5) | q[:, 2], minlength=1 << 15)
    colourful = int(counts.sum())
    top_share = int(np.sort(counts)[::-1][:TOP].sum())
    flat = colourful < 0.001 * height * width or top_share >= FLAT_SHARE * colourful
    return _Read(names, rim, flat)


def _full_saturation(rgb: Image, core: npt.NDArray[np.bool_]) -> float:
    """The saturation of the taken pixels that takes the new colour's in full (a sample's
    90th percentile, as the logo recolour reads it)."""
    step = max(1, int(np.sqrt(core.size / 250_000)))
    sample = rgb[::step, ::step][core[::step, ::step]]
    if not len(sample):
        sample = rgb[core][:1]
    return max(0.05, float(np.percentile(hls_of(sample[None])[0, :, 2], 90)))


def _shapes(core: npt.NDArray[np.bool_], things: Things, source: str) -> npt.NDArray[np.bool_]:
    """The parts of `core` that are `things` (step 2): a line is thin (at most `LINE` of
    the shorter side across, or LINE_PX), a bar a filled upright rectangle (`BAR_FILL` of its
    box), a slice any other shape. None of them: refused, saying what there is."""
    count, labels, stats, _ = cv2.connectedComponentsWithStats(core.view(np.uint8), connectivity=8)
    thin = max(LINE_PX, LINE * min(core.shape))
    kinds = []
    for label in range(1, count):
        x, y, w, h, area = (int(v) for v in stats[label])
        part = (labels[y : y + h, x : x + w] == label).view(np.uint8)
        # twice the largest distance to the part's edge: how wide it is across
        across = 2 * float(cv2.distanceTransform(np.pad(part, 1), cv2.DIST_L2, 3).max())
        if across <= thin:
            kinds.append("lines")
        elif area >= BAR_FILL * w * h:
            kinds.append("bars")
        else:
            kinds.append("slices")
    wanted = [label for label, kind in enumerate(kinds, start=1) if kind == things]
    if not wanted:
        there = sorted(set(kinds))
        raise UnsupportedError(
            f"replace_color: there are no {source} {things} in this picture; its {source} is "
            f"in {' and '.join(there)}: say 'make the {source} {there[0]} ...' or 'make all the "
            f"{source} ...'",
            backend="operators",
        )
    keep = np.zeros(count, dtype=bool)
    keep[wanted] = True
    return np.asarray(keep[labels])


def finds(image: Image, source: Color) -> bool:
    """Whether `source` names pixels of a flat graphic here, as the edit would take them
    (steps 1 and 2), read on a copy at most `FINDS_SIDE` px long, nearest-sampled so that no
    new colours are mixed."""
    name = colour_name(source)
    if name is None:
        return False
    rgb = rgb_of(image)
    height, width = rgb.shape[:2]
    scale = min(1.0, FINDS_SIDE / max(height, width))
    if scale < 1.0:
        size = (max(1, round(width * scale)), max(1, round(height * scale)))
        rgb = np.asarray(cv2.resize(rgb, size, interpolation=cv2.INTER_NEAREST), np.uint8)
    read = _read(np.ascontiguousarray(rgb), name)
    return read.flat and bool((read.names == NAMES.index(name)).any())


def colour_name(rgb: tuple[int, int, int]) -> str | None:
    """The name of one colour (None for a grey, black or white), as pixels are named."""
    pixel = np.asarray([[rgb]], dtype=np.uint8)
    index = int(_names(pixel, hls_of(pixel))[0, 0])
    return NAMES[index] if index >= 0 else None


def _lit(hls: npt.NDArray[np.float32]) -> npt.NDArray[np.bool_]:
    lightness = hls[..., 1]
    return (lightness > LIGHTNESS[0]) & (lightness < LIGHTNESS[1])


def _band_names(hue: npt.NDArray[np.float32]) -> npt.NDArray[np.int8]:
    starts = np.asarray([start for start, _ in BANDS], np.float32)
    band = np.searchsorted(starts, hue, side="right") - 1
    lookup = np.asarray([NAMES.index(name) for _, name in BANDS], np.int8)
    return np.asarray(lookup[np.clip(band, 0, len(BANDS) - 1)], np.int8)


def _names(rgb: Image, hls: npt.NDArray[np.float32]) -> npt.NDArray[np.int8]:
    """Each pixel's index in NAMES, -1 for no colour (step 2)."""
    names = _band_names(hls[..., 0])
    # dull dark reds and oranges are brown (tab:brown, saddle brown), pure dark reds red
    top = rgb.max(axis=-1).astype(np.float32) / np.float32(255.0)
    bottom = rgb.min(axis=-1).astype(np.float32) / np.float32(255.0)
    hsv_saturation = (top - bottom) / np.maximum(top, np.float32(1e-6))
    warm = np.isin(names, (NAMES.index("red"), NAMES.index("orange")))
    pure_red = (names == NAMES.index("red")) & (hsv_saturation >= PURE_RED)
    names[warm & (top < BROWN_VALUE) & ~pure_red] = NAMES.index("brown")
    names[(names == NAMES.index("red")) & (hls[..., 1] > PALE_RED)] = NAMES.index("pink")
    names[(hls[..., 2] <= FLOOR) | ~_lit(hls)] = -1
    return names


OPERATORS: list[Operator[Any]] = [
    Operator(
        name="replace_color",
        version="1.0.0",
        summary="recolour one colour of a chart or graphic, e.g. its blue bars, the rest exact",
        params=ReplaceColorParams,
        run=replace_color,
        # read through a colour, a thing and another colour ("make the blue bars green")
        keywords=(),
        examples=("make the blue bars green",),
        global_edit=False,
    ),
]
