"""The outline round letters: "make the outline red", "a thicker outline", "remove the
outline", "give the text a black outline" (`outline_text`).

The letters keep their own shapes: each pixel near them is read as layers, the fill over the
stroke over the ground, and only the stroke is changed. Notation, per pixel:

    P       the old colour                  B   the ground (the letters filled, `letterfill`)
    F, S    the fill's and the stroke's colours (`outlined.measure`); S' the new stroke's
    a       the share of fill (`outlined.fill_share`; plain letters: the share of ink, as
            `recolor_text` reads it)
    d       the distance to the letters' fill (the pixels where a >= 0.5)
    s       the old stroke's cover: the stroke width w + 0.5 - d, clipped to 0..1, or more
            where the pixel is of the stroke's colour over a ground unlike it
    s'      the new stroke's cover, w' + 0.5 - d clipped (w' = w x scale; 0 removed)

    P0  = P + s (1 - a) (B - S)             the old stroke taken out
    out = (1 - s') P0 + s' (a F + (1 - a) S')

where a F, inside the letters, is read off the pixel (P - (1 - a) S), so the fill is kept to
the level.

A plain line (no stroke) has s = 0 and is given a stroke STROKE of its size wide, as
captions are drawn (`gouache.ops.text`).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import cv2
import numpy as np
import numpy.typing as npt
from pydantic import Field

from gouache.colors import RGB, Color, color_name, plain_name
from gouache.errors import InvalidParameterError
from gouache.images import Image
from gouache.ops._pixels import contrasting, to_uint8
from gouache.ops.letterfill import fill_letters
from gouache.ops.outlined import GROUND_APART, fill_share
from gouache.ops.registry import OpContext, Operator, Params
from gouache.ops.text import STROKE
from gouache.ops.textedit import MIN_DILATE, MIN_INK_DIFF, OldText, find_old, inpaint, lines_of
from gouache.ops.textlines import LIST_LINES
from gouache.ops.textstyle import chosen_lines, near_letters

# The stroke reaches at most MAX_SCALE times as wide, and a new stroke on plain letters no
# wider than MAX_SHARE of their size.
MAX_SCALE = 4.0
MAX_SHARE = 0.25
# An outline asked in a colour this near (levels, farthest channel) to its own is as it was.
SAME = 24
Float32Array = npt.NDArray[np.float32]


class OutlineTextParams(Params):
    # Only the lines containing this (case-insensitive); None changes every line.
    match: str | None = None
    # "the title": only the most prominent line (`textstyle.title_line`)
    title: bool = False
    # The outline's colour; None keeps it (on plain letters: the colour contrasting with them).
    color: Color | None = None
    # The new width over the old one ("thicker": 1.5); plain letters get STROKE of their size.
    scale: float = Field(default=1.0, gt=0.0, le=MAX_SCALE)
    # "remove the outline": the stroke taken out, the fill kept
    remove: bool = False


def outline_text(image: Image, p: OutlineTextParams, ctx: OpContext) -> Image:
    """Recolour, widen, narrow or remove the stroke round the chosen lines' letters, or draw
    one round plain letters; the letters' fill and shapes are kept, and nothing farther from
    them than the new stroke changes."""
    # 1. the lines, the ground under them, and how their letters are drawn
    lines = lines_of(image, ctx, "outline_text", "match")
    chosen = chosen_lines(lines, p.match, p.title, "outline_text", ctx)
    clean = inpaint(image, chosen)
    ground = fill_letters(image, clean, chosen)  # over a photo, filled inside the letters only
    olds = [find_old(image, clean, line) for line in chosen]
    for old in olds:
        _refuse(old, p)

    # 2. each line's stroke taken out and drawn anew, in a window round it
    out = image.copy()
    height, width = image.shape[:2]
    for line, old in zip(chosen, olds, strict=True):
        was = old.outline.width if old.outline is not None else 0
        new = _new_width(old, p)
        pad = max(MIN_DILATE, line.box.h // 2, 2 * max(was, new))
        rows = slice(max(0, line.box.y - pad), min(height, line.box.bottom + pad))
        cols = slice(max(0, line.box.x - pad), min(width, line.box.right + pad))
        near = near_letters(
            old, (rows.stop - rows.start, cols.stop - cols.start), rows.start, cols.start
        )
        layers = _layers(image[rows, cols], ground[rows, cols], old, near)
        colour = p.color if p.color is not None else layers.stroke
        window = out[rows, cols, :3]
        window[...] = _restroked(layers, new, colour)
    ctx.notes.append(_said(olds, p))
    return out


def _refuse(old: OldText, p: OutlineTextParams) -> None:
    """Refuse what cannot be done to a line: a stroke widened or removed where there is none,
    an outlined line asked for nothing it has not got."""
    if old.unmeasured:
        raise InvalidParameterError(
            f"outline_text: the letters of {old.text!r} are of two colours that could not be "
            f"measured as a fill inside a stroke: {old.unmeasured}; nothing was changed",
            op="outline_text",
        )
    if old.outline is None and (p.remove or p.scale != 1.0):
        raise InvalidParameterError(
            f"outline_text: no outline was found round the letters of {old.text!r} to "
            f"{'remove' if p.remove else 'make wider or narrower'} (a stroke as dark or as "
            "light as the ground round it is not told from it); nothing was changed. One is "
            'drawn anew with e.g. "give the text a black outline"',
            op="outline_text",
            param="remove" if p.remove else "scale",
        )
    if old.outline is None or p.remove or p.scale != 1.0:
        return
    apart = max(
        abs(a - b) for a, b in zip(p.color or old.outline.stroke, old.outline.stroke, strict=True)
    )
    if apart <= SAME:
        raise InvalidParameterError(
            f"outline_text: the letters of {old.text!r} already have a "
            f"{plain_name(old.outline.stroke)} outline {old.outline.width} px wide; nothing was "
            'changed. Name another colour, e.g. "make the outline red", or say thicker, thinner or '
            "remove the outline",
            op="outline_text",
            param="color",
        )


def _new_width(old: OldText, p: OutlineTextParams) -> int:
    if p.remove:
        return 0
    if old.outline is None:
        return max(1, round(min(STROKE * p.scale, MAX_SHARE) * old.size))
    return max(1, round(old.outline.width * p.scale))


@dataclass(frozen=True)
class _Layers:
    """A window round one line read as layers: its old colours, the ground, the share of fill
    of colour `fill`, the distance to the fill, and the old stroke's cover (0 on plain
    letters) of colour `stroke`, `width` px wide."""

    pixels: Float32Array
    ground: Float32Array
    fill: RGB
    stroke: RGB
    width: int
    share: Float32Array
    away: Float32Array
    cover: Float32Array


def _layers(window: Image, clean: Image, old: OldText, near: Float32Array) -> _Layers:
    pixels = window[:, :, :3].astype(np.float32)
    ground = clean[:, :, :3].astype(np.float32)
    if old.outline is not None:
        fill, stroke, width = old.outline.fill, old.outline.stroke, old.outline.width
        share = fill_share(window, old.outline) * near
    else:
        fill, stroke, width = old.color, contrasting(old.color), 0
        share = _ink_share(pixels, ground, old.color) * near
    outside = (share < 0.5).astype(np.uint8)
    away = np.asarray(
        cv2.distanceTransform(outside, cv2.DIST_L2, cv2.DIST_MASK_PRECISE), dtype=np.float32
    )
    cover = np.zeros_like(away)
    if width:
        read = _stroke_share(pixels, ground, stroke, away > width + 1.5)
        cover = np.maximum(np.clip(width + 0.5 - away, 0.0, 1.0), read)
    return _Layers(pixels, ground, fill, stroke, width, share, away, cover)


def _ink_share(pixels: Float32Array, ground: Float32Array, colour: RGB) -> Float32Array:
    """How far each pixel lies from the ground towards the letters' colour, 0..1 (none where
    the ground is like that colour): `recolor_text`'s share of ink."""
    towards = np.asarray(colour, dtype=np.float32) - ground
    reach = (towards * towards).sum(axis=2)
    share = ((pixels - ground) * towards).sum(axis=2) / np.maximum(reach, np.float32(1.0))
    share[reach < MIN_INK_DIFF**2] = 0.0
    return np.asarray(np.clip(share, 0.0, 1.0), dtype=np.float32)


def _stroke_share(
    pixels: Float32Array, ground: Float32Array, stroke: RGB, far: npt.NDArray[np.bool_]
) -> Float32Array:
    """The share of stroke read from the pixels, but `far` from the letters and where the
    ground is like the stroke (there the geometry's cover stands)."""
    share = _ink_share(pixels, ground, stroke)
    apart = np.abs(ground - np.asarray(stroke, dtype=np.float32)).max(axis=2)
    share[(apart <= GROUND_APART) | far] = 0.0
    return share


def _restroked(layers: _Layers, width: int, colour: RGB) -> Image:
    """The window with the old stroke taken out and one `width` px wide of `colour` drawn."""
    fill = layers.share[:, :, None]
    old = np.asarray(layers.stroke, dtype=np.float32)
    bare = layers.pixels + layers.cover[:, :, None] * (1.0 - fill) * (layers.ground - old)
    cover = np.clip(width + 0.5 - layers.away, 0.0, 1.0) if width else np.zeros_like(layers.away)
    if width >= layers.width > 0:
        cover = np.maximum(cover, layers.cover)  # the old stroke's own rim, recoloured
    cover = cover[:, :, None]
    # a F, read off the pixel itself inside the letters (P less what lies under the fill), so
    # a fill of 254 measured as 252 stays 254
    under = old if layers.width else layers.ground
    painted = np.where(
        fill >= 0.5,
        layers.pixels - (1.0 - fill) * under,
        fill * np.asarray(layers.fill, dtype=np.float32),
    )
    letters = painted + (1.0 - fill) * np.asarray(colour, dtype=np.float32)
    return to_uint8((1.0 - cover) * bare + cover * letters)


def _said(olds: list[OldText], p: OutlineTextParams) -> str:
    what = ", ".join(f'"{old.text}"' for old in olds[:LIST_LINES])
    lines = "1 line" if len(olds) == 1 else f"{len(olds)} lines"
    if p.remove:
        return f"took the outline off {lines} of text: {what}"
    how = [] if p.color is None else [color_name(p.color)]
    how += [] if p.scale == 1.0 else [f"{p.scale:.0%} as wide"]
    return f"outlined {lines} of text ({', '.join(how) or 'as before'}): {what}"


OPERATORS: list[Operator[Any]] = [
    Operator(
        name="outline_text",
        version="1.0.0",
        summary="the outline round the text: recolour, widen, narrow, remove, or draw one",
        params=OutlineTextParams,
        run=outline_text,
        keywords=("text outline", "outline of the text", "outline colour", "outline color"),
        examples=("make the outline red", "remove the outline", "give the text a black outline"),
        global_edit=False,
    ),
]
