"""Speech balloons: words in an ellipse with a tail pointing at the speaker.

The balloon goes where it covers no face (the free corner or side nearest the speaker) unless a
position is given, and its tail points at a face: the largest one, or the point given. The
shape is drawn at 4x and averaged down, so its edges are antialiased like the letters; the
layered exports draw the same ellipse and tail as vector paths (`balloon_shape`).
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, get_args

import cv2
import numpy as np
from PIL import Image as PILImage
from PIL import ImageDraw
from pydantic import Field

from gouache.analysis.types import Box
from gouache.colors import RGB, Color
from gouache.errors import InvalidParameterError
from gouache.images import Image
from gouache.ops._pixels import Float32Array
from gouache.ops.layout import Position, place
from gouache.ops.registry import OpContext, Operator, Params
from gouache.ops.text import (
    MIN_FONT_PX,
    TextLayout,
    composite_layers,
    coverage_of,
    largest_layout,
    layout_text,
    render_layout,
)

# The text block spans at most this share of the width and of the height.
MAX_WIDTH = 0.42
MAX_HEIGHT = 0.24
# Automatic letter height: at most this share of the image height.
MAX_LETTERS = 0.06
# An ellipse through the corners of a w x h rectangle has half-axes w/sqrt(2), h/sqrt(2).
ROOM = math.sqrt(2.0)
MARGIN = 0.03
SUPERSAMPLE = 4
POSITIONS: tuple[Position, ...] = tuple(p for p in get_args(Position) if p != "center")


class BalloonParams(Params):
    text: str = Field(min_length=1, max_length=300)
    # Where the balloon sits; None: where it covers no face, nearest the speaker.
    position: Position | None = None
    # What the tail points at, as fractions of (width, height); None: the largest face.
    point: tuple[float, float] | None = None
    # Letter height as a fraction of the image height; None fits the text.
    size: float | None = Field(default=None, gt=0.0, le=0.2)
    color: Color = (0, 0, 0)
    fill: Color = (255, 255, 255)


@dataclass(frozen=True)
class BalloonShape:
    """A balloon in pixels: its ellipse, its tail (base, tip, base), outline and text."""

    cx: float
    cy: float
    rx: float
    ry: float
    tail: tuple[tuple[float, float], tuple[float, float], tuple[float, float]]
    outline: int
    layout: TextLayout
    text_left: int
    text_top: int

    def bounds(self, width: int, height: int) -> tuple[int, int, int, int]:
        """(left, top, right, bottom) covering the shape and its outline, clipped."""
        xs = [self.cx - self.rx, self.cx + self.rx, *(p[0] for p in self.tail)]
        ys = [self.cy - self.ry, self.cy + self.ry, *(p[1] for p in self.tail)]
        pad = self.outline + 2
        left = max(0, math.floor(min(xs)) - pad)
        top = max(0, math.floor(min(ys)) - pad)
        return (
            left,
            top,
            min(width, math.ceil(max(xs)) + pad),
            min(height, math.ceil(max(ys)) + pad),
        )


def resolve(
    image: Image, p: BalloonParams, faces: list[Box], avoid: Sequence[Box] = ()
) -> BalloonParams:
    """`p` with its position and point chosen, so that drawing it again gives the same balloon;
    it keeps off the faces and off `avoid` (other text on the picture)."""
    height, width = image.shape[:2]
    point = p.point
    if point is None:
        if faces:
            face = max(faces, key=lambda b: b.area)
            point = ((face.x + face.w / 2) / width, (face.y + face.h * 0.75) / height)
        else:
            point = (0.5, 0.6)
    position = p.position
    if position is None:
        layout = _layout(p, width, height)
        position = _free_position(width, height, layout, [*faces, *avoid], point)
    return p.model_copy(update={"position": position, "point": point})


def _layout(p: BalloonParams, width: int, height: int) -> TextLayout:
    max_w, max_h = round(MAX_WIDTH * width), round(MAX_HEIGHT * height)
    if p.size is not None:
        layout = layout_text(p.text, max(MIN_FONT_PX, round(p.size * height)), "plain", max_w)
        if layout is None or layout.height > max_h:
            raise InvalidParameterError(
                f"balloon: at size {p.size:g} the words do not fit in a balloon on the "
                f"{width}x{height} image; use a smaller size or fewer words",
                op="balloon",
                param="size",
            )
        return layout
    top = max(MIN_FONT_PX, round(MAX_LETTERS * height))
    found = largest_layout(
        MIN_FONT_PX, top, lambda s: layout_text(p.text, s, "plain", max_w, max_h)
    )
    if found is None:
        raise InvalidParameterError(
            f"balloon: {len(p.text)} characters do not fit in a balloon on a {width}x{height} "
            "image; use fewer words",
            op="balloon",
            param="text",
        )
    return found


def _ellipse_size(layout: TextLayout) -> tuple[float, float]:
    pad = 0.3 * layout.size
    return layout.width / 2 * ROOM + pad, layout.height / 2 * ROOM + pad


def _free_position(
    width: int, height: int, layout: TextLayout, faces: list[Box], point: tuple[float, float]
) -> Position:
    """The position whose balloon covers the least face, nearest the speaker on ties."""
    rx, ry = _ellipse_size(layout)
    size = (math.ceil(2 * rx), math.ceil(2 * ry))
    margin = round(MARGIN * min(width, height))
    target = (point[0] * width, point[1] * height)

    def cost(position: Position) -> tuple[float, int, float]:
        x, y = place((width, height), size, position, margin)
        area = Box(x, y, size[0], size[1])
        covered = sum(area.intersection(_grown(face)) for face in faces)
        distance = math.hypot(x + size[0] / 2 - target[0], y + size[1] / 2 - target[1])
        # balloons are read first, so the top row wins over the bottom one (captions go there)
        row = 0 if "top" in position else 2 if "bottom" in position else 1
        return covered, row, distance

    return min(POSITIONS, key=cost)


def _grown(face: Box, by: float = 0.15) -> Box:
    dx, dy = round(face.w * by), round(face.h * by)
    return Box(face.x - dx, face.y - dy, face.w + 2 * dx, face.h + 2 * dy)


def balloon_shape(canvas: tuple[int, int], p: BalloonParams) -> BalloonShape:
    """The balloon of resolved params `p` (see `resolve`) on a canvas of (width, height)."""
    width, height = canvas
    if p.position is None or p.point is None:
        raise InvalidParameterError("balloon: resolve the position first", op="balloon")
    layout = _layout(p, width, height)
    rx, ry = _ellipse_size(layout)
    margin = round(MARGIN * min(width, height))
    x, y = place((width, height), (math.ceil(2 * rx), math.ceil(2 * ry)), p.position, margin)
    cx, cy = x + rx, y + ry
    tail = _tail(cx, cy, rx, ry, (p.point[0] * width, p.point[1] * height), min(width, height))
    outline = max(1, round(0.1 * layout.size))
    text_left = round(cx - layout.width / 2)
    text_top = round(cy - layout.height / 2)
    return BalloonShape(cx, cy, rx, ry, tail, outline, layout, text_left, text_top)


def _tail(
    cx: float, cy: float, rx: float, ry: float, target: tuple[float, float], short_side: int
) -> tuple[tuple[float, float], tuple[float, float], tuple[float, float]]:
    """A wedge leaving the ellipse towards `target`, stopping short of it."""
    dx, dy = target[0] - cx, target[1] - cy
    if math.hypot(dx, dy) < 1e-6:
        dx, dy = 0.0, 1.0
    # the angle in the ellipse's own parameter, so the base sits on the curve
    theta = math.atan2(dy / ry, dx / rx)
    spread = 0.22

    def on_curve(angle: float) -> tuple[float, float]:
        return cx + rx * math.cos(angle), cy + ry * math.sin(angle)

    edge = on_curve(theta)
    gap = math.hypot(target[0] - edge[0], target[1] - edge[1])
    inside = (dx / rx) ** 2 + (dy / ry) ** 2 <= 1.0
    length = 0.08 * short_side if inside else min(0.6 * gap, 0.1 * short_side)
    length = max(length, 0.03 * short_side)
    norm = math.hypot(target[0] - cx, target[1] - cy) or 1.0
    ux, uy = (dx / norm, dy / norm) if norm > 1e-6 else (0.0, 1.0)
    tip = (edge[0] + ux * length, edge[1] + uy * length)
    return on_curve(theta - spread), tip, on_curve(theta + spread)


def balloon(image: Image, p: BalloonParams, ctx: OpContext) -> Image:
    """Draw a speech balloon; only the pixels under it change."""
    height, width = image.shape[:2]
    if p.position is None or p.point is None:
        p = resolve(image, p, [face.box for face in ctx.analysis(image).faces])
    shape = balloon_shape((width, height), p)
    left, top, right, bottom = shape.bounds(width, height)
    fill, outline = _shape_coverage(shape, left, top, right - left, bottom - top)
    text_mask = PILImage.new("L", (right - left, bottom - top), 0)
    letters = render_layout(shape.layout, "center", False)
    text_mask.paste(letters, (shape.text_left - left, shape.text_top - top))
    layers: list[tuple[RGB, Float32Array]] = [
        (p.color, outline),
        (p.fill, fill),
        (p.color, coverage_of(text_mask)),
    ]
    out = image.copy()
    band = out[top:bottom, left:right]
    band[...] = composite_layers(band, layers)
    ctx.notes.append(f"speech balloon at the {p.position}, pointing at {_point_words(p)}")
    return out


def _point_words(p: BalloonParams) -> str:
    assert p.point is not None
    return f"({p.point[0]:.0%}, {p.point[1]:.0%}) of the picture"


def _shape_coverage(
    shape: BalloonShape, left: int, top: int, w: int, h: int
) -> tuple[Float32Array, Float32Array]:
    """Coverage (0..1) of the filled shape and of the shape grown by its outline."""
    s = SUPERSAMPLE
    big = PILImage.new("L", (w * s, h * s), 0)
    draw = ImageDraw.Draw(big)
    cx, cy = (shape.cx - left) * s, (shape.cy - top) * s
    draw.ellipse((cx - shape.rx * s, cy - shape.ry * s, cx + shape.rx * s, cy + shape.ry * s), 255)
    draw.polygon([((x - left) * s, (y - top) * s) for x, y in shape.tail], fill=255)
    mask = np.asarray(big)
    radius = shape.outline * s
    kernel = cv2.getStructuringElement(cv2.MORPH_ELLIPSE, (2 * radius + 1, 2 * radius + 1))
    grown = cv2.dilate(mask, kernel)

    def down(m: np.ndarray[Any, Any]) -> Float32Array:
        small = cv2.resize(m.astype(np.float32), (w, h), interpolation=cv2.INTER_AREA)
        return np.asarray(small, dtype=np.float32) / np.float32(255.0)

    return down(mask), down(grown)


OPERATORS: list[Operator[Any]] = [
    Operator(
        name="balloon",
        version="1.0.0",
        summary="a speech balloon with words in quotes, away from the faces, pointing at one",
        params=BalloonParams,
        run=balloon,
        keywords=("speech balloon", "speech bubble", "balloon", "bubble"),
        examples=('add a speech balloon "Hello!"',),
        global_edit=False,
    ),
]
