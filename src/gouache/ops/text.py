"""Text on the picture: a caption or a title, sized to fit and legible on any background.

The font is the FreeType font that ships inside Pillow (`ImageFont.load_default(size=...)`),
so no system font is needed. Layout (`layout_text`, `largest_layout`) and painting
(`render_layout`, `composite_layers`) are shared with `textedit`, which redraws replaced words.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Literal

import numpy as np
from PIL import Image as PILImage
from PIL import ImageDraw, ImageFont
from pydantic import Field

from gouache.colors import RGB, Color
from gouache.errors import InvalidParameterError, UnsupportedError
from gouache.images import Image
from gouache.ops._pixels import Float32Array, contrasting, to_uint8
from gouache.ops.layout import Position, place
from gouache.ops.registry import OpContext, Operator, Params

# Layout, as fractions of the image: the text block spans at most FIT_WIDTH of the width and
# keeps MARGIN (of the shorter side) from the edges.
FIT_WIDTH = 0.9
MARGIN = 0.04
# Automatic size: one line is at most MAX_LINE of the image height; below MIN_LINE one line
# is too small to read, so the text is wrapped instead, into at most MAX_BLOCK of the height.
MAX_LINE = 0.12
MIN_LINE = 0.045
MAX_BLOCK = 0.3
MIN_FONT_PX = 8
# In units of the font size: space between lines, outline width, padding of the box.
LINE_GAP = 0.15
STROKE = 0.08
BOX_PAD = 0.35
BOX_OPACITY = 0.6


class CaptionParams(Params):
    text: str = Field(min_length=1, max_length=500)
    position: Position = "bottom"
    color: Color = (255, 255, 255)
    # Text height as a fraction of the image height; None fits the text to the width.
    size: float | None = Field(default=None, gt=0.0, le=0.5)
    # Legibility: an outline in a contrasting colour, or a box behind the text.
    style: Literal["outline", "box", "plain"] = "outline"
    box_color: Color | None = None


@dataclass(frozen=True)
class TextLayout:
    """Lines of text at one font size, and the size of the block they make."""

    size: int
    font: ImageFont.FreeTypeFont
    lines: tuple[str, ...]
    stroke: int
    pad: int
    pitch: int  # from one line's top to the next
    width: int  # the widest line's ink, outline included
    height: int

    def outer(self) -> tuple[int, int]:
        """Width and height including the box padding."""
        return self.width + 2 * self.pad, self.height + 2 * self.pad


def caption(image: Image, p: CaptionParams, ctx: OpContext) -> Image:
    """Write `text` in Pillow's bundled FreeType font; only the pixels under the text (and its
    outline or box) change."""
    height, width = image.shape[:2]
    # 1. lay the text out and place the block
    placed = caption_placement((width, height), p)
    layout, left, top, align = placed.layout, placed.left, placed.top, placed.align
    outer_w, outer_h = layout.outer()

    # 2. draw coverage masks for the box, the outline and the letters, then composite them
    text_color: RGB = p.color
    layers: list[tuple[RGB, Float32Array]] = []
    if p.style == "box":
        box = PILImage.new("L", (outer_w, outer_h), 0)
        ImageDraw.Draw(box).rounded_rectangle(
            (0, 0, outer_w - 1, outer_h - 1),
            radius=layout.pad // 2,
            fill=round(255 * BOX_OPACITY),
        )
        box_color = p.box_color if p.box_color is not None else contrasting(text_color)
        layers.append((box_color, coverage_of(box)))
    if p.style == "outline":
        layers.append((contrasting(text_color), coverage_of(render_layout(layout, align, True))))
    layers.append((text_color, coverage_of(render_layout(layout, align, False))))
    out = image.copy()
    band = out[top : top + outer_h, left : left + outer_w]
    band[...] = composite_layers(band, layers)
    return out


@dataclass(frozen=True)
class CaptionPlacement:
    """Where a caption goes: its layout, the top-left of its block, how its lines align."""

    layout: TextLayout
    left: int
    top: int
    align: str


def caption_placement(canvas: tuple[int, int], p: CaptionParams) -> CaptionPlacement:
    """Size, wrap and place a caption on a canvas of (width, height); shared by the operator
    and by the layered exports, which draw the same text as vectors."""
    width, height = canvas
    if not p.text.strip():
        raise InvalidParameterError(
            "caption: the text is blank; put the words in quotes", op="caption", param="text"
        )
    margin = max(1, round(MARGIN * min(width, height)))
    max_w = min(round(FIT_WIDTH * width), width - 2 * margin)
    max_h = height - 2 * margin
    layout = _fit(p, width, height, max_w, max_h)
    # the lines are aligned to the side the block sits on
    left, top = place((width, height), layout.outer(), p.position, margin)
    align = "left" if "left" in p.position else "right" if "right" in p.position else "center"
    return CaptionPlacement(layout, left, top, align)


def line_origin(layout: TextLayout, index: int, align: str) -> tuple[float, int]:
    """The (x, y) of line `index`'s ascender-left anchor inside the block."""
    line = layout.lines[index]
    # Measured with the outline in both passes so that letters and outline line up.
    x0, _, x1, _ = layout.font.getbbox(line, stroke_width=layout.stroke)
    line_w = int(x1 - min(x0, 0))
    if align == "left":
        x = 0
    elif align == "right":
        x = layout.width - line_w
    else:
        x = (layout.width - line_w) // 2
    y = layout.pad + layout.stroke + index * layout.pitch
    return layout.pad + x - min(x0, 0), y


def bundled_font(size: int) -> ImageFont.FreeTypeFont:
    """Pillow's bundled FreeType font at `size` px (the em size, as Pillow counts it)."""
    font = ImageFont.load_default(size=size)
    if not isinstance(font, ImageFont.FreeTypeFont):
        raise UnsupportedError(
            "caption needs Pillow built with FreeType; reinstall Pillow from a wheel",
            backend="operators",
        )
    return font


def layout_text(
    text: str,
    size: int,
    style: str,
    max_w: int,
    max_h: int | None = None,
    max_lines: int | None = None,
) -> TextLayout | None:
    """Wrap `text` greedily at this font size. None when a single word is wider than max_w,
    or (giving up early) when the block gets taller than max_h or longer than max_lines."""
    font = bundled_font(size)
    stroke = max(1, round(STROKE * size)) if style == "outline" else 0
    pad = max(2, round(BOX_PAD * size)) if style == "box" else 0
    room = max_w - 2 * pad
    # The outline eats into the narrow space of the font; a double space keeps words apart.
    gap = "  " if stroke else " "
    ascent, descent = font.getmetrics()
    line_height = ascent + descent + 2 * stroke
    pitch = line_height + round(LINE_GAP * size)
    if max_h is not None:
        fitting = (max_h - 2 * pad - line_height) // pitch + 1
        max_lines = fitting if max_lines is None else min(max_lines, fitting)
    if max_lines is not None and max_lines < 1:
        return None

    def ink_width(line: str) -> int:
        x0, _, x1, _ = font.getbbox(line, stroke_width=stroke)
        return int(x1 - min(x0, 0))

    paragraphs = text.splitlines() or [""]
    lines: list[str] = []
    if max_lines is not None and max_lines <= len(paragraphs):
        # No room to wrap: each paragraph must fit on its line, one measurement each.
        lines = [gap.join(paragraph.split()) for paragraph in paragraphs]
        if len(lines) > max_lines or any(ink_width(line) > room for line in lines):
            return None
    else:
        for paragraph in paragraphs:
            current = ""
            for word in paragraph.split():
                candidate = f"{current}{gap}{word}" if current else word
                if ink_width(candidate) <= room:
                    current = candidate
                elif current and ink_width(word) <= room:
                    lines.append(current)
                    current = word
                else:
                    return None
                if max_lines is not None and len(lines) >= max_lines:
                    return None
            lines.append(current)
            if max_lines is not None and len(lines) > max_lines:
                return None
    block_h = line_height + pitch * (len(lines) - 1)
    block_w = max(ink_width(line) for line in lines)
    return TextLayout(size, font, tuple(lines), stroke, pad, pitch, block_w, block_h)


def _fit(p: CaptionParams, width: int, height: int, max_w: int, max_h: int) -> TextLayout:
    # 1. a given size: wrap at it, or say why it cannot be done
    if p.size is not None:
        size = max(MIN_FONT_PX, round(p.size * height))
        layout = layout_text(p.text, size, p.style, max_w)
        if layout is None or layout.outer()[1] > max_h:
            why = "a word is wider than" if layout is None else "the text does not fit on"
            raise InvalidParameterError(
                f"caption: at size {p.size:g} {why} the {width}x{height} image; "
                "use a smaller size or leave it out to fit the text",
                op="caption",
                param="size",
            )
        return layout

    # 2. automatic: the largest single line up to MAX_LINE, if that is legible ...
    top = max(MIN_FONT_PX, round(MAX_LINE * height))
    one_line = largest_layout(MIN_FONT_PX, top, lambda s: _single_line(p, s, max_w, max_h))
    if one_line is not None and one_line.size >= MIN_LINE * height:
        return one_line
    # ... else the largest wrapped block that stays within MAX_BLOCK of the height
    block_h = min(round(MAX_BLOCK * height), max_h)
    wrapped = largest_layout(MIN_FONT_PX, top, lambda s: _wrapped(p, s, max_w, block_h))
    if wrapped is None:
        wrapped = _wrapped(p, MIN_FONT_PX, max_w, max_h)
    if wrapped is None:
        raise InvalidParameterError(
            f"caption: {len(p.text)} characters do not fit on a {width}x{height} image; "
            "use a shorter text",
            op="caption",
            param="text",
        )
    return wrapped


def _single_line(p: CaptionParams, size: int, max_w: int, max_h: int) -> TextLayout | None:
    paragraphs = len(p.text.splitlines()) or 1
    return layout_text(p.text, size, p.style, max_w, max_h, max_lines=paragraphs)


def _wrapped(p: CaptionParams, size: int, max_w: int, max_h: int) -> TextLayout | None:
    return layout_text(p.text, size, p.style, max_w, max_h)


def largest_layout(
    low: int, high: int, attempt: Callable[[int], TextLayout | None]
) -> TextLayout | None:
    """Binary search for the largest font size in [low, high] whose layout fits."""
    best: TextLayout | None = None
    while low <= high:
        mid = (low + high) // 2
        layout = attempt(mid)
        if layout is not None:
            best, low = layout, mid + 1
        else:
            high = mid - 1
    return best


def render_layout(layout: TextLayout, align: str, outlined: bool) -> PILImage.Image:
    """The coverage of the letters (with their outline when `outlined`) over the box area."""
    outer_w, outer_h = layout.outer()
    mask = PILImage.new("L", (outer_w, outer_h), 0)
    draw = ImageDraw.Draw(mask)
    stroke = layout.stroke if outlined else 0
    for index, line in enumerate(layout.lines):
        draw.text(
            line_origin(layout, index, align),
            line,
            font=layout.font,
            fill=255,
            stroke_width=stroke,
            stroke_fill=255,
            anchor="la",
        )
    return mask


def coverage_of(mask: PILImage.Image) -> Float32Array:
    """An 8-bit coverage mask as floats 0..1."""
    return np.asarray(mask, dtype=np.float32) / np.float32(255.0)


def paint_layers(out: Image, layers: list[tuple[RGB, Float32Array]], left: int, top: int) -> None:
    """Composite colour layers (covers of one shape, the first lowest) placed at (left, top)
    over `out`'s colour, clipped to it."""
    height, width = out.shape[:2]
    ch, cw = layers[0][1].shape
    x0, y0 = max(0, left), max(0, top)
    x1, y1 = min(width, left + cw), min(height, top + ch)
    if x1 <= x0 or y1 <= y0:
        return
    rows, cols = slice(y0 - top, y1 - top), slice(x0 - left, x1 - left)
    # the letters take the colours given and the old pixels' alpha
    band = out[y0:y1, x0:x1, :3]
    placed = [(rgb, np.ascontiguousarray(cover[rows, cols])) for rgb, cover in layers]
    band[...] = composite_layers(band, placed)


def composite_layers(band: Image, layers: list[tuple[RGB, Float32Array]]) -> Image:
    """Paint colour layers over `band` with Porter-Duff "over"; untouched pixels stay exact."""
    base_alpha = (
        band[:, :, 3].astype(np.float32) / np.float32(255.0)
        if band.shape[2] == 4
        else np.ones(band.shape[:2], dtype=np.float32)
    )
    color = band[:, :, :3].astype(np.float32) * base_alpha[:, :, None]  # premultiplied
    alpha = base_alpha
    touched = np.zeros(band.shape[:2], dtype=bool)
    for rgb, cover in layers:
        color = np.asarray(rgb, dtype=np.float32) * cover[:, :, None] + color * (
            1 - cover[:, :, None]
        )
        alpha = cover + alpha * (1 - cover)
        touched |= cover > 0
    straight = color / np.maximum(alpha, np.float32(1e-6))[:, :, None]
    painted = to_uint8(straight)
    if band.shape[2] == 4:
        painted = np.dstack([painted, to_uint8(alpha * np.float32(255.0))])
    return np.where(touched[:, :, None], painted, band)


OPERATORS: list[Operator[Any]] = [
    Operator(
        name="caption",
        version="1.0.0",
        summary="write a caption or title in quotes, sized to fit, outlined or on a box",
        params=CaptionParams,
        run=caption,
        keywords=("caption", "title", "text", "write", "label", "headline", "subtitle"),
        examples=('add the caption "Hello world"', 'add a title "Summer" at the top'),
        global_edit=False,
    ),
]
