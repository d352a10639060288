"""Text restyled in place: "make the text bigger" (`resize_text`: each line redrawn at a new
size in its own colour, with the inpainting and letter matching of `gouache.ops.textedit`) and
"make the text blue" (`recolor_text`: the letters' own shapes kept, only their colour changed)
and "make the title bold" (`bold_text`: each line redrawn in Aileron Bold, the bold face of the
font the letters are matched in, at their size, in their colour, on their baseline).

A resized line keeps its middle height and its alignment with the other lines; a size at which
a line would run off the picture or onto another line is refused with nothing changed, and
"bigger" without a number takes the largest size up to the default that fits (`fit`).
A recoloured pixel keeps its share of ink a, read against the inpainted background B and the
old ink colour I: a = clip(<P - B, I - B> / |I - B|^2, 0, 1), out = B + a (C - B).
Outlined letters (meme captions, `gouache.ops.outlined`) keep their stroke: resized and bold
lines are redrawn with a stroke as wide (scaled with the size), and a recoloured line changes
its fill alone, by each pixel's share of fill t between the stroke S and the fill F,
out = P + t (C - F).
"""

from __future__ import annotations

import io
import math
import unicodedata
from dataclasses import dataclass, replace
from functools import cache
from importlib import resources
from typing import Any

import cv2
import numpy as np
import numpy.typing as npt
from PIL import Image as PILImage
from PIL import ImageDraw, ImageFont
from pydantic import Field

from gouache.analysis.types import Box, TextLine
from gouache.colors import RGB, Color, color_name
from gouache.errors import InvalidParameterError
from gouache.images import Image
from gouache.ops._pixels import to_uint8
from gouache.ops.letterfill import fill_letters
from gouache.ops.outlined import (
    Outline,
    fill_share,
    letters,
    paint_outlined,
    refuse_outlined,
    size_for_height,
)
from gouache.ops.registry import OpContext, Operator, Params
from gouache.ops.text import MIN_FONT_PX, coverage_of, layout_text, render_layout
from gouache.ops.textedit import (
    MIN_DILATE,
    MIN_INK_DIFF,
    OldText,
    draw_line,
    find_old,
    glyphs,
    inpaint,
    lines_of,
    paint,
)
from gouache.ops.textlines import LIST_LINES, lines_read, spans
from gouache.ops.textwords import words_apart, words_holding

# recolor_text: a line whose inpainted ground varies more than this (std, grey levels) is
# redrawn rather than recoloured in place.
PLAIN_GROUND = 12.0
# bold_text: a word this share of its line's height from the line's end is its first or last.
WORD_EDGE = 0.5
# recolor_text: ink counts within this share of the size around the matched letters.
LETTER_REACH = 0.12
# resize_text: the middle of the letters stands this share of the size above the baseline;
# a line whose middle is within CENTRED of the picture's width of its centre is centred.
CAP_MIDDLE = 0.36
CENTRED = 0.05
# Lines whose edges (or middles) lie within ALIGNED of the width (at least 4 px) are aligned.
ALIGNED = 0.02
# A resized line keeps this share of the shorter side clear of the picture's edges.
EDGE_MARGIN = 0.02
# resize_text with `fit`: sizes tried from `scale` down to MIN_GROWTH, FIT_STEP apart.
MIN_GROWTH = 1.05
FIT_STEP = 0.025
# bold_text: the bold face of Pillow's bundled Aileron Regular (the font `textedit` matches the
# old letters in): Aileron Bold by Sora Sagano, CC0, the Latin subset of @fontsource/aileron
# 5.3.0, shipped in gouache/fonts. It holds Latin-1, Œ œ Ÿ, €, ™ and typographic punctuation
# (220 characters), not Central European letters (Ł, ő) nor other scripts: which it holds is
# read from the font itself (`bold_lacks`).
BOLD_FONT = "Aileron-Bold.woff"
# The size a character is drawn at to tell it from the font's .notdef box; PROBE_MISSING is a
# private-use character no font of ours holds, so it draws as .notdef.
PROBE_PX = 32
PROBE_MISSING = "\ue000"
# "the title": lines whose letters are within this share of the tallest count as tied, and
# the topmost of them is taken.
TITLE_TIE = 0.05


class ResizeTextParams(Params):
    # Only the lines containing this (case-insensitive); None resizes every line.
    match: str | None = None
    # The new letter size over the old one.
    scale: float = Field(default=1.25, ge=0.3, le=3.0)
    # "bigger", no number: up to `scale`, as large as fits (at least MIN_GROWTH)
    fit: bool = False
    # "the title": only the most prominent line (`title_line`)
    title: bool = False


class RecolorTextParams(Params):
    # Only the words that hold this (case-insensitive); None recolours every line.
    match: str | None = None
    color: Color
    # "the title": only the most prominent line (`title_line`)
    title: bool = False


class BoldTextParams(Params):
    # Only the lines containing this (case-insensitive); None makes every line bold.
    match: str | None = None
    # "the title": only the most prominent line (`title_line`)
    title: bool = False


def resize_text(image: Image, p: ResizeTextParams, ctx: OpContext) -> Image:
    """Redraw lines of text `scale` times their size, in their own colour, keeping each line's
    middle height and its alignment (lines whose left edges agree grow rightwards, right
    edges leftwards, middles both ways; a line alone by where it stands). Refused, with
    nothing changed, where a line would run off the picture or onto another line."""
    # 1. the lines to resize
    lines = lines_of(image, ctx, "resize_text", "match")
    chosen = chosen_lines(lines, p.match, p.title, "resize_text", ctx)

    # 2. remove them, and find the old letters against the clean background
    clean = inpaint(image, chosen)
    olds = [find_old(image, clean, line) for line in chosen]
    refuse_outlined("resize_text", chosen, olds, image.shape[0])

    # 3. each line at its new size, where it may stand: inside the picture, clear of the
    #    other lines (the ones left as they are, and the ones already placed); with `fit`,
    #    the largest size up to `scale` at which every line stands
    scales = [p.scale]
    if p.fit and p.scale > 1.0:
        steps = max(1, math.ceil((p.scale - MIN_GROWTH) / FIT_STEP))
        scales = [p.scale - (p.scale - MIN_GROWTH) * k / steps for k in range(steps + 1)]
    placed: list[_Drawn] | None = None
    problem = ""
    for scale in scales:
        placed, problem = _place_lines(image.shape, lines, chosen, olds, scale)
        if placed is not None:
            break
    if placed is None:
        raise InvalidParameterError(
            f"resize_text: {problem}; nothing was changed", op="resize_text", param="scale"
        )
    out = fill_letters(image, clean, chosen)  # over a photo, only the old letters filled
    for drawn in placed:
        _paint(out, drawn)
    what = ", ".join(f'"{old.text}"' for old in olds[:LIST_LINES])
    ctx.notes.append(f"redrew {_count(len(chosen))} of text at {scale:.0%} of its size: {what}")
    return out


def recolor_text(image: Image, p: RecolorTextParams, ctx: OpContext) -> Image:
    """The letters of the chosen lines in `color`, their own shapes, size and weight kept: each
    pixel's share of ink a (how far it lies from the inpainted background towards the old ink
    colour, 0..1) is kept, and only the colour it blends towards changes,
    out = background + a * (color - background). On a busy ground, where ink and ground cannot
    be told apart, the line is redrawn in our font instead."""
    # 1. the lines, the background under them, and their old ink colour
    lines = lines_of(image, ctx, "recolor_text", "match")
    chosen = chosen_lines(lines, p.match, p.title, "recolor_text", ctx)
    if p.match is not None and not p.title:  # "make 'SALE' blue": that word, not its line
        chosen = [part for line in chosen for part in words_holding(image, line, p.match)]
    clean = inpaint(image, chosen)
    olds = [find_old(image, clean, line) for line in chosen]
    refuse_outlined("recolor_text", chosen, olds, image.shape[0])

    # 2. the share of ink of every pixel around each line, blended towards the new colour
    out = image.copy()
    new = np.asarray(p.color, dtype=np.float32)
    height, width = image.shape[:2]
    redrawn = 0
    for line, old in zip(chosen, olds, strict=True):
        pad = max(MIN_DILATE, line.box.h // 2)
        rows = slice(max(0, line.box.y - pad), min(height, line.box.bottom + pad))
        cols = slice(max(0, line.box.x - pad), min(width, line.box.right + pad))
        if old.outline is not None:
            # outlined letters: only the fill changes, the stroke and the ground are kept
            share = fill_share(image[rows, cols], old.outline)
            share *= near_letters(old, share.shape, rows.start, cols.start)
            window = out[rows, cols, :3]
            shift = new - np.asarray(old.outline.fill, dtype=np.float32)
            window[...] = to_uint8(window.astype(np.float32) + share[:, :, None] * shift)
            continue
        back = clean[rows, cols, :3].astype(np.float32)
        changed = image[rows, cols, :3] != clean[rows, cols, :3]
        if float(back[changed.any(axis=2)].std(axis=0).max(initial=0.0)) > PLAIN_GROUND:
            # a busy ground (white letters over a white cup): the ink cannot be told from it,
            # so the line is redrawn in the new colour, as replace_text draws it
            window = out[rows, cols, :3]
            window[...] = np.where(changed, clean[rows, cols, :3], window)
            draw_line(out, line, replace(old, color=p.color), old.text)
            redrawn += 1
            continue
        towards = np.asarray(old.color, dtype=np.float32) - back
        reach = np.maximum((towards * towards).sum(axis=2), np.float32(1.0))
        share = ((image[rows, cols, :3].astype(np.float32) - back) * towards).sum(axis=2)
        ink = np.clip(share / reach, 0.0, 1.0)
        ink[(towards * towards).sum(axis=2) < MIN_INK_DIFF**2] = 0.0  # ink like its ground
        # only near the letters as matched: a white cup rim behind white letters is no ink
        ink *= near_letters(old, ink.shape, rows.start, cols.start)
        blended = back + ink[:, :, None] * (new - back)
        window = out[rows, cols, :3]
        window[...] = np.where(changed, to_uint8(blended), window)
    what = ", ".join(f'"{old.text}"' for old in olds[:LIST_LINES])
    how = f" ({_count(redrawn)} redrawn in our font: the ground is busy)" if redrawn else ""
    ctx.notes.append(f"recoloured {_count(len(chosen))} of text {color_name(p.color)}: {what}{how}")
    return out


def title_line(lines: list[TextLine]) -> TextLine:
    """The most prominent line: the tallest letters (OCR boxes within TITLE_TIE of the tallest
    count as tall), the topmost of those."""
    tallest = max(line.box.h for line in lines)
    tall = [line for line in lines if line.box.h >= (1.0 - TITLE_TIE) * tallest]
    return min(tall, key=lambda line: line.box.y)


def chosen_lines(
    lines: list[TextLine], match: str | None, title: bool, op: str, ctx: OpContext
) -> list[TextLine]:
    """The lines to change: the title, the lines holding `match`, or every line."""
    if title:
        line = title_line(lines)
        why = "the only line" if len(lines) == 1 else "the largest letters"
        ctx.notes.append(f'took "{line.text}" as the title ({why})')
        return [line]
    chosen = [line for line in lines if match is None or spans(line.text, match)]
    if not chosen:
        raise InvalidParameterError(
            f'{op}: no text reads "{match}"; {lines_read(lines)}', op=op, param="match"
        )
    return chosen


def bold_text(image: Image, p: BoldTextParams, ctx: OpContext) -> Image:
    """Redraw lines of text in Aileron Bold, the bold face of the font their letters are
    matched in, at the old letters' size, in their colour, on their baseline, aligned as they
    stood (a line of a left-aligned block keeps its left edge). Refused, with nothing changed,
    where no bold face holds the characters or a bolder line would run onto another."""
    # 1. the lines to make bold, and a bold face for them
    lines = lines_of(image, ctx, "bold_text", "match")
    chosen = chosen_lines(lines, p.match, p.title, "bold_text", ctx)
    whole = chosen
    others: list[tuple[Box, str]] = []  # the other words of the lines a word is cut from
    if p.match is not None and not p.title:  # "make SALE bold": that word, not its line
        apart = [(line, *words_apart(image, line, p.match)) for line in whole]
        chosen = [part for _, parts, _ in apart for part in parts]
        others = [
            (Box(x0, line.box.y, x1 + 1 - x0, line.box.h), line.text)
            for line, _, spans in apart
            for x0, x1 in spans
        ]
    bold_font(MIN_FONT_PX)  # refused here, before any work, when it is not installed
    unknown = bold_lacks("".join(line.text for line in chosen))
    if unknown:
        latin = any(unicodedata.name(c, "").startswith("LATIN") for c in unknown)
        holds = "Western European Latin letters only" if latin else "Latin letters only"
        raise InvalidParameterError(
            f"bold_text: no bold face for {''.join(unknown)!r} is available (Aileron Bold holds "
            f"{holds}); nothing was changed",
            op="bold_text",
            param="match",
        )

    # 2. remove them, and find the old letters against the clean background
    clean = inpaint(image, chosen)
    olds = [find_old(image, clean, line) for line in chosen]
    refuse_outlined("bold_text", chosen, olds, image.shape[0])

    # 3. each line in bold where it stood, clear of the picture's edges and the other lines
    height, width = image.shape[:2]
    shared = _shared_alignment(chosen, width) or _shared_alignment(lines, width)
    taken = [(line.box, line.text) for line in lines if line not in whole] + others
    parts = {
        part: line for line in whole for part in chosen if part is not line and _within(part, line)
    }
    out = fill_letters(image, clean, chosen)  # over a photo, only the old letters filled
    for part, old in zip(chosen, olds, strict=True):
        parent = parts.get(part)
        align = _word_alignment(part, parent) if parent is not None else None
        drawn = _bold(old, align or shared or _alignment(old.centre, width))
        cover, left, top = drawn.cover, drawn.left, drawn.top
        ink = _ink_box(cover, left, top)
        if ink.x < 0 or ink.y < 0 or ink.right > width or ink.bottom > height:
            raise InvalidParameterError(
                f'bold_text: "{old.text}" in bold would run off the picture; nothing was changed',
                op="bold_text",
                param="match",
            )
        hit = next((text for box, text in taken if _boxes_meet(ink, box)), None)
        if hit is not None:
            raise InvalidParameterError(
                f'bold_text: "{old.text}" in bold would run onto "{hit}"; nothing was changed',
                op="bold_text",
                param="match",
            )
        taken.append((ink, old.text))
        _paint(out, drawn)
    what = ", ".join(f'"{old.text}"' for old in olds[:LIST_LINES])
    ctx.notes.append(f"redrew {_count(len(chosen))} of text in Aileron Bold: {what}")
    return out


def bold_font(size: int) -> ImageFont.FreeTypeFont:
    """Aileron Bold at `size` px, from the fonts shipped with gouache."""
    found = resources.files("gouache") / "fonts" / BOLD_FONT
    if not found.is_file():
        raise InvalidParameterError(
            f"bold_text: no bold face of the font the letters are matched in (Aileron) is "
            f"installed: gouache/fonts/{BOLD_FONT} is missing; reinstall gouache",
            op="bold_text",
            param="match",
        )
    return ImageFont.truetype(io.BytesIO(found.read_bytes()), size)


def bold_lacks(text: str) -> list[str]:
    """The characters of `text` Aileron Bold does not hold, sorted: each drawn alone the same
    as its .notdef box (the same mask and advance). Pillow reads no cmap, so the glyph tells;
    this agrees with the font's cmap on every character of the Basic Multilingual Plane."""
    return sorted(c for c in set(text) if not _bold_holds(c))


@cache
def _bold_holds(char: str) -> bool:
    return _drawn(char) != _drawn(PROBE_MISSING)


@cache
def _drawn(char: str) -> tuple[tuple[int, int], bytes, float]:
    font = _probe_font()
    mask = font.getmask(char)
    return mask.size, bytes(mask), font.getlength(char)


@cache
def _probe_font() -> ImageFont.FreeTypeFont:
    # one character at a time, unshaped: raqm refuses to lay out some lone characters
    found = resources.files("gouache") / "fonts" / BOLD_FONT
    data = io.BytesIO(found.read_bytes())
    return ImageFont.truetype(data, PROBE_PX, layout_engine=ImageFont.Layout.BASIC)


def _bold(old: OldText, align: str) -> _Drawn:
    """The line's letters in bold at the old size (outlined ones in a stroke as wide as the
    old): their coverage and its top-left, on the old baseline, aligned `align` to the old
    letters (as our regular font matched them)."""
    font = bold_font(old.size)
    stroke = 0 if old.outline is None else old.outline.width
    x0, y0, x1, y1 = (int(v) for v in font.getbbox(old.text, anchor="ls", stroke_width=stroke))
    shape = (max(1, x1 - x0), max(1, y1 - y0))
    canvas = PILImage.new("L", shape, 0)
    ImageDraw.Draw(canvas).text(
        (-x0, -y0), old.text, font=font, fill=255, anchor="ls", stroke_width=stroke, stroke_fill=255
    )
    cover = np.asarray(canvas, dtype=np.float32) / np.float32(255.0)
    fill = None
    if stroke:
        inside = PILImage.new("L", shape, 0)
        ImageDraw.Draw(inside).text((-x0, -y0), old.text, font=font, fill=255, anchor="ls")
        fill = np.asarray(inside, dtype=np.float32) / np.float32(255.0)
    old_w = float(glyphs(old.text, old.size, stroke)[0].shape[1])
    old_left = old.centre - old_w / 2
    if align == "centre":
        start = old.centre - cover.shape[1] / 2
    elif align == "left":
        start = old_left
    else:
        start = old_left + old_w - cover.shape[1]
    return _Drawn(cover, round(start), old.baseline + y0, old.color, fill, old.outline)


@dataclass(frozen=True)
class _Drawn:
    """One resized line: its letters' coverage, placed at (left, top), in its old colour."""

    cover: npt.NDArray[np.float32]  # the stroke included, in outlined letters
    left: int
    top: int
    color: RGB
    # outlined letters: the coverage of their fill, and how they are drawn
    fill: npt.NDArray[np.float32] | None = None
    outline: Outline | None = None


def _place_lines(
    shape: tuple[int, ...],
    lines: list[TextLine],
    chosen: list[TextLine],
    olds: list[OldText],
    scale: float,
) -> tuple[list[_Drawn] | None, str]:
    """Every chosen line at `scale`, or None and why one of them cannot stand there."""
    height, width = shape[:2]
    taken = [(line.box, line.text) for line in lines if line not in chosen]
    placed: list[_Drawn] = []
    # one line of a left-aligned block keeps the block's left edge
    shared = _shared_alignment(chosen, width) or _shared_alignment(lines, width)
    for _line, old in zip(chosen, olds, strict=True):
        align = shared or _alignment(old.centre, width)
        if old.outline is not None:
            drawn = _resized_outlined(old, old.outline, scale, align)
            cover, left, top = drawn.cover, drawn.left, drawn.top
        else:
            cover, left, top = _resized(old, scale, width, align)
            drawn = _Drawn(cover, left, top, old.color)
        ink = _ink_box(cover, left, top)
        said = f'"{old.text}" at {scale:.0%} of its size'
        margin = round(EDGE_MARGIN * min(width, height))
        if (
            ink.x < margin
            or ink.y < margin
            or ink.right > width - margin
            or ink.bottom > height - margin
        ):
            return None, f"{said} would run off the picture (crop less or extend the canvas first)"
        hit = next((text for box, text in taken if _boxes_meet(ink, box)), None)
        if hit is not None:
            return None, f'{said} would run onto "{hit}"'
        taken.append((ink, old.text))
        placed.append(drawn)
    return placed, ""


def _shared_alignment(lines: list[TextLine], width: int) -> str | None:
    """How several lines stand together: "left" when their left edges agree, "right" when
    their right edges do, "centre" when their middles do; None for one line or none agreeing."""
    if len(lines) < 2:
        return None
    tolerance = max(4.0, ALIGNED * width)
    edges: dict[str, list[float]] = {
        "left": [line.box.x for line in lines],
        "right": [line.box.right for line in lines],
        "centre": [line.box.x + line.box.w / 2 for line in lines],
    }
    return next((name for name, xs in edges.items() if max(xs) - min(xs) <= tolerance), None)


def _alignment(centre: float, width: int) -> str:
    """One line's alignment, from where it stands: centred near the middle, else to its side."""
    if abs(centre - width / 2) <= CENTRED * width:
        return "centre"
    return "left" if centre < width / 2 else "right"


def _resized(
    old: OldText, scale: float, width: int, align: str
) -> tuple[npt.NDArray[np.float32], int, int]:
    """The line's letters at `scale` times their size: their coverage and its top-left, the
    middle of the letters at the old middle height, aligned `align` as the old line stood."""
    size = max(MIN_FONT_PX, round(old.size * scale))
    layout = layout_text(old.text, size, "plain", max(width, 1) * 4, max_lines=1)
    if layout is None:  # one line, as wide as it needs: only an empty text has no layout
        raise InvalidParameterError(
            f'resize_text: "{old.text}" cannot be drawn', op="resize_text", param="scale"
        )
    cover = coverage_of(render_layout(layout, "left", False))
    cols = np.flatnonzero(cover.max(axis=0) > 0)
    ascent, _ = layout.font.getmetrics()
    # capitals and x-height sit about CAP_MIDDLE of the size above the baseline
    top = round(old.baseline + CAP_MIDDLE * (size - old.size)) - ascent
    ink_w = float(cols[-1] + 1 - cols[0]) if cols.size else 0.0
    old_w = float(glyphs(old.text, old.size)[0].shape[1])
    old_left = old.centre - old_w / 2
    if align == "centre":
        start = old.centre - ink_w / 2
    elif align == "left":
        start = old_left
    else:
        start = old_left + old_w - ink_w
    left = round(start) - int(cols[0] if cols.size else 0)
    return cover, left, top


def _paint(out: Image, drawn: _Drawn) -> None:
    """Paint one redrawn line into `out`: outlined letters their stroke, then their fill."""
    if drawn.outline is not None and drawn.fill is not None:
        paint_outlined(out, (drawn.fill, drawn.cover), drawn.left, drawn.top, drawn.outline)
    else:
        paint(out, drawn.cover, drawn.left, drawn.top, drawn.color)


def _resized_outlined(old: OldText, outline: Outline, scale: float, align: str) -> _Drawn:
    """Outlined letters at `scale` times their size, their stroke widened with them: the
    middle of their ink at the old middle height, aligned `align` as the old line stood."""
    before, _, old_y0 = glyphs(old.text, old.size, outline.width)
    # the size whose ink, stroke included, is `scale` times as tall (our font's hinted sizes
    # grow unevenly: 36 px is 1.35 times as tall as 30 px)
    width = max(1, round(outline.width * scale))
    size = size_for_height(old.text, round(before.shape[0] * scale), width, old.face)
    fill, cover, _, _ = letters(old.text, size, width, old.face)
    middle = old.baseline + old_y0 + before.shape[0] / 2
    old_left = old.centre - before.shape[1] / 2
    if align == "centre":
        start = old.centre - cover.shape[1] / 2
    elif align == "left":
        start = old_left
    else:
        start = old_left + before.shape[1] - cover.shape[1]
    top = round(middle - cover.shape[0] / 2)
    return _Drawn(cover, round(start), top, old.color, fill, replace(outline, width=width))


def _ink_box(cover: npt.NDArray[np.float32], left: int, top: int) -> Box:
    rows = np.flatnonzero(cover.max(axis=1) > 0)
    cols = np.flatnonzero(cover.max(axis=0) > 0)
    if rows.size == 0 or cols.size == 0:
        return Box(left, top, 0, 0)
    x, y = left + int(cols[0]), top + int(rows[0])
    return Box(x, y, int(cols[-1] + 1 - cols[0]), int(rows[-1] + 1 - rows[0]))


def _within(part: TextLine, line: TextLine) -> bool:
    return (
        line.box.x <= part.box.x
        and part.box.right <= line.box.right
        and (line.box.y <= part.box.y + part.box.h // 2 <= line.box.bottom)
    )


def _word_alignment(part: TextLine, line: TextLine) -> str:
    """Where a bolder word of a line grows: away from the rest of its line, so the first word
    keeps its right edge, the last its left, and one between grows both ways."""
    first = part.box.x - line.box.x <= WORD_EDGE * line.box.h
    last = line.box.right - part.box.right <= WORD_EDGE * line.box.h
    if first and not last:
        return "right"
    if last and not first:
        return "left"
    return "centre"


def _boxes_meet(a: Box, b: Box) -> bool:
    return a.x < b.right and b.x < a.right and a.y < b.bottom and b.y < a.bottom


def near_letters(
    old: OldText, shape: tuple[int, ...], top: int, left: int
) -> npt.NDArray[np.float32]:
    """1 within LETTER_REACH of the size around the old letters as our font matched them (the
    window's top-left at (left, top)), else 0."""
    cover, _, by0 = glyphs(old.text, old.size, 0 if old.outline is None else old.outline.width)
    near = np.zeros(shape[:2], dtype=np.uint8)
    x0 = round(old.centre - cover.shape[1] / 2) - left
    y0 = old.baseline + by0 - top
    ys, xs = np.nonzero(cover > 0.1)
    ys, xs = ys + y0, xs + x0
    keep = (ys >= 0) & (ys < near.shape[0]) & (xs >= 0) & (xs < near.shape[1])
    near[ys[keep], xs[keep]] = 1
    reach = max(2, round(LETTER_REACH * old.size))
    grown = cv2.dilate(near, np.ones((2 * reach + 1, 2 * reach + 1), np.uint8))
    return np.asarray(grown, dtype=np.float32)


def _count(n: int) -> str:
    return "1 line" if n == 1 else f"{n} lines"


OPERATORS: list[Operator[Any]] = [
    Operator(
        name="resize_text",
        version="1.4.0",
        summary="make the text bigger or smaller: the lines redrawn at a new size, own colour",
        params=ResizeTextParams,
        run=resize_text,
        keywords=("bigger text", "larger text", "smaller text", "font size", "text size"),
        examples=("make the text bigger",),
        global_edit=False,
    ),
    Operator(
        name="recolor_text",
        version="1.5.0",
        summary="the text in another colour: the letters' own shapes kept, the colour changed",
        params=RecolorTextParams,
        run=recolor_text,
        keywords=("text colour", "text color", "colour of the text", "color of the text"),
        examples=("make the text blue",),
        global_edit=False,
    ),
    Operator(
        name="bold_text",
        version="1.4.0",
        summary="make the text bold: the lines redrawn in the bold face, same size and colour",
        params=BoldTextParams,
        run=bold_text,
        keywords=("bold text", "make the text bold", "bold letters", "bolder text"),
        examples=("make the text bold",),
        global_edit=False,
    ),
]
