"""Outlined letters: a fill inside a stroke of another colour, as meme captions are.

The old letters are measured from their ink (the pixels that differ from the inpainted
ground, `textedit.InkMap`): the stroke's colour is the commonest colour of the ink's outer
rim, the fill's the commonest colour of the ink far from it, and the stroke's width how deep
the fill's edge lies inside the ink (the distance to the nearest pixel of ground). They are
drawn again with Pillow's stroke (`stroke_width`, `stroke_fill`) at the size whose ink,
stroke included, is as tall as the old ink, in the face whose weight is nearer theirs
(`face_for`): our regular font, or Anton, a heavy condensed face as Impact is. Memes set in
Anton measure 0.46-0.56 of their ink box (stroke included) in fill, and the same lines drawn
again 0.51-0.59 in Anton, 0.22-0.28 in our regular font; memes set in our regular font (or an
Arial-like one) 0.19-0.22, and 0.23-0.25 drawn again in it, 0.46-0.52 in Anton.
"""

from __future__ import annotations

import io
import math
import unicodedata
from dataclasses import dataclass, replace
from functools import cache
from importlib import resources
from typing import TYPE_CHECKING, Literal

import cv2
import numpy as np
import numpy.typing as npt
from PIL import Image as PILImage
from PIL import ImageDraw, ImageFont

from gouache.analysis.types import TextLine
from gouache.colors import RGB
from gouache.errors import InvalidParameterError
from gouache.images import Image
from gouache.ops.text import MIN_FONT_PX, bundled_font, coverage_of, paint_layers

if TYPE_CHECKING:  # textedit builds on this module
    from gouache.ops.textedit import OldText

# Outlined letters: this share of the ink lies far (OUTLINE_APART levels) from the ink's own
# colour and far (MIN_GROUND_DIFF) from the ground. White-in-black meme lines measure 0.19-0.46
# (strokes of 6 px to 1 px), plain lines 0.00-0.01, a white word over a busy cup 0.15. Over
# OUTLINE_MAYBE they are outlined where they measure so (`measure`); over OUTLINE_SHARE, letters
# that do not measure so are refused.
OUTLINE_MAYBE = 0.17
OUTLINE_SHARE = 0.25
OUTLINE_APART = 120
MIN_GROUND_DIFF = 60
# The fill is ink this far (grey levels, on the farthest channel) from the stroke's colour;
# under MIN_FILL of the ink so far from it, no fill is measured.
FILL_APART = 120
MIN_FILL = 0.05
# A stroke wider than MAX_WIDTH of the fill's height is no stroke but a dark letter.
MAX_WIDTH = 0.4
COLOUR_BINS = 8
# A pixel is of a colour within NEAR levels of it (its farthest channel). A ring of pixels
# round the fill is stroke where RING_SHARE of it is of the stroke's colour, counted where the
# ground differs from that colour by GROUND_APART (a black stroke on a black table is not
# seen). Memes drawn with strokes of 2, 3 and 5 px: the rings inside 0.86-1.0, the first
# ring outside 0.02-0.59.
NEAR = 60
# The fill recoloured is nearer its colour: a white cup seen through an O (243, 230, 219) is
# no fill of (252, 252, 252).
FILL_NEAR = 24
# A part of the fill's colour is a letter's fill where ENCLOSED of its rim is stroke.
ENCLOSED = 0.5
# The first ring, where stroke and fill blend, is of the stroke's colour in 0.64-0.81 of it
# (a bold font's, 0.36: then the second ring, 0.98, tells).
FIRST_RING = 0.5
RING_SHARE = 0.7
GROUND_APART = 60
# A letter is drawn alone at PROBE_PX to tell it from the font's box for a missing one, which
# PROBE_MISSING, a private-use character, draws.
PROBE_PX = 32
PROBE_MISSING = "\ue000"
# The heavy face: Anton (SIL Open Font License 1.1), shipped in gouache/fonts (README.txt).
HEAVY_FONT = "Anton-Regular.woff"
Float32Array = npt.NDArray[np.float32]
Face = Literal["regular", "heavy"]


@dataclass(frozen=True)
class Outline:
    """How old outlined letters were drawn: `fill` inside a `stroke` `width` px wide."""

    fill: RGB
    stroke: RGB
    width: int


def second_colour(ink: npt.NDArray[np.bool_], pixels: Image, ground: Image, color: RGB) -> float:
    """The share of the ink (of colour `color`, over `pixels`; `ground`, the inpainted pixels)
    of a second colour, far from its own and from the ground: a fill inside a stroke (or a
    stroke around it) holds OUTLINE_MAYBE of it or more."""
    old = pixels[:, :, :3].astype(np.int16)
    apart = _apart(old, color) > OUTLINE_APART
    seen = np.abs(old - ground[:, :, :3].astype(np.int16)).max(axis=2) > MIN_GROUND_DIFF
    return int((ink & apart & seen).sum()) / max(1, int(ink.sum()))


@dataclass(frozen=True, eq=False)
class Measured:
    """Outlined letters as measured: how they were drawn, and their ink, stroke included (the
    fill found and grown by the stroke's width: where the ground is as dark as the stroke,
    the stroke cannot be told from it in the old pixels)."""

    outline: Outline
    ink: npt.NDArray[np.bool_]
    fill: npt.NDArray[np.bool_]  # the letters' fill alone


def measure(ink: npt.NDArray[np.bool_], pixels: Image, ground: Image) -> Measured | str:
    """The fill, stroke and stroke width of the letters whose ink is `ink` over `pixels` (the
    old colours; `ground`, the inpainted ones), or why they cannot be measured."""
    # 1. the two colours of the ink, far apart
    old = pixels[:, :, :3].astype(np.int16)
    if not ink.any():
        return "no letters stand out from the ground"
    first = dominant(pixels[ink])
    far = _apart(old, first) > FILL_APART
    if int((ink & far).sum()) < MIN_FILL * int(ink.sum()):
        return "no second colour was found in the letters"
    # the commonest of the rest, and the commonest just round the first (a black stroke on a
    # dark saucer is no ink, but the saucer's red is)
    seed = (ink & (_apart(old, first) <= NEAR)).astype(np.uint8)
    ring = (cv2.dilate(seed, np.ones((3, 3), np.uint8)) > 0) & far
    seconds = {dominant(pixels[ink & far])}
    if ring.any():
        seconds.add(dominant(pixels[ring]))
    # 2. the fill is the one the other surrounds
    pairs = [pair for second in sorted(seconds) for pair in ((first, second), (second, first))]
    fill, stroke = max(pairs, key=lambda pair: _surrounded(old, ink, *pair))
    # 3. the width: how many rings of pixels round the fill are the stroke's colour (the
    #    first ring, where they blend, always is), read where the ground is not like it
    like = _apart(old, stroke) <= NEAR
    filled = ink & (_apart(old, fill) <= NEAR)
    region = _enclosed(filled, like)
    if not region.any() or int(region.sum()) < ENCLOSED * int(filled.sum()):
        return "their second colour does not go all round them (a shadow, not a stroke)"
    away = cv2.distanceTransform((~region).astype(np.uint8), cv2.DIST_L2, cv2.DIST_MASK_PRECISE)
    seen = _apart(ground[:, :, :3].astype(np.int16), stroke) > GROUND_APART
    rows = np.flatnonzero(region.any(axis=1))
    most = max(1, round(MAX_WIDTH * (rows[-1] + 1 - rows[0])))
    if _share(like, (away > 0.5) & (away <= 1.5) & seen) < FIRST_RING and (
        _share(like, (away > 1.5) & (away <= 2.5) & seen) < RING_SHARE
    ):
        return "their second colour does not go all round them (a shadow, not a stroke)"
    width = 1
    while width < most:
        if _share(like, (away > width + 0.5) & (away <= width + 1.5) & seen) < RING_SHARE:
            break
        width += 1
    else:
        return "the stroke measured as wide as they are tall"
    grown = cv2.dilate(
        region.astype(np.uint8),
        cv2.getStructuringElement(cv2.MORPH_ELLIPSE, (2 * width + 1, 2 * width + 1)),
    )
    return Measured(Outline(fill, stroke, width), grown > 0, region)


def _share(mask: npt.NDArray[np.bool_], where: npt.NDArray[np.bool_]) -> float:
    """The share of `where` that `mask` holds (0 where `where` is empty)."""
    return float(mask[where].mean()) if where.any() else 0.0


def _apart(old: npt.NDArray[np.int16], colour: RGB) -> npt.NDArray[np.int16]:
    """How far each pixel is from `colour`, on its farthest channel."""
    return np.asarray(np.abs(old - np.asarray(colour, dtype=np.int16)).max(axis=2))


def _enclosed(region: npt.NDArray[np.bool_], like: npt.NDArray[np.bool_]) -> npt.NDArray[np.bool_]:
    """The parts of `region` most of whose rim, one or two pixels out (past the pixel where
    fill and stroke blend: a bold font's blend took most of the first), is `like` the stroke:
    a letter's fill, not a white cup's rim beside the letters."""
    count, labels = cv2.connectedComponents(region.astype(np.uint8), connectivity=8)
    kept = np.zeros(count, dtype=bool)
    inner = region.astype(np.uint8)
    for reach in (1, 2):
        side = 2 * reach + 1
        rim = cv2.dilate(labels.astype(np.float32), np.ones((side, side), np.uint8))
        rim = rim.astype(np.int32)
        rim[cv2.dilate(inner, np.ones((side - 2, side - 2), np.uint8)) > 0] = 0
        inside = np.bincount(rim[like].ravel(), minlength=count)
        around = np.bincount(rim.ravel(), minlength=count)
        kept |= inside >= ENCLOSED * np.maximum(around, 1)
    kept[0] = False
    return np.asarray(kept[labels])


def _surrounded(
    old: npt.NDArray[np.int16], ink: npt.NDArray[np.bool_], inner: RGB, outer: RGB
) -> float:
    """The share of the pixels just round the ink of colour `inner` that are of `outer`."""
    seed = (ink & (_apart(old, inner) <= NEAR)).astype(np.uint8)
    ring = (cv2.dilate(seed, np.ones((5, 5), np.uint8)) > 0) & (seed == 0)
    return float((_apart(old, outer)[ring] <= NEAR).mean()) if ring.any() else 0.0


def dominant(colours: npt.NDArray[np.uint8]) -> RGB:
    """The mean of the commonest coarse colour (COLOUR_BINS levels a channel)."""
    step = 256 // COLOUR_BINS
    values = colours.reshape(-1, colours.shape[-1])[:, :3].astype(np.int64)
    bins = (values // step) @ np.array([COLOUR_BINS * COLOUR_BINS, COLOUR_BINS, 1])
    kinds, counts = np.unique(bins, return_counts=True)
    mean = values[bins == kinds[np.argmax(counts)]].mean(axis=0)
    red, green, blue = (int(v) for v in np.rint(mean))
    return (red, green, blue)


def face_font(face: Face, size: int) -> ImageFont.FreeTypeFont:
    """Our regular font, or the heavy face, at `size` px."""
    if face == "regular":
        return bundled_font(size)
    return ImageFont.truetype(io.BytesIO(_heavy_bytes()), size)


@cache
def _heavy_bytes() -> bytes:
    found = resources.files("gouache") / "fonts" / HEAVY_FONT
    if not found.is_file():
        raise InvalidParameterError(
            f"outlined letters: the heavy face gouache/fonts/{HEAVY_FONT} is missing; "
            "reinstall gouache"
        )
    return found.read_bytes()


def face_for(measured: Measured, text: str) -> Face:
    """The face whose weight is nearer the old letters': the share of their ink box, stroke
    included, their fill takes, against `text` in each face as tall, stroked as wide (a
    heavy condensed face takes about twice our regular font's)."""
    rows = np.flatnonzero(measured.ink.any(axis=1))
    cols = np.flatnonzero(measured.ink.any(axis=0))
    if rows.size == 0 or not text.strip():
        return "regular"
    tall = int(rows[-1] + 1 - rows[0])
    old = int(measured.fill.sum()) / (tall * int(cols[-1] + 1 - cols[0]))
    if any(heavy_lacks(char) for char in text):
        return "regular"

    def off(face: Face) -> float:
        width = measured.outline.width
        fill, _, _, _ = letters(text, size_for_height(text, tall, width, face), width, face)
        return abs(math.log(max(old, 1e-3) / max(weight(fill), 1e-3)))

    return "heavy" if off("heavy") < off("regular") else "regular"


def weight(fill: Float32Array) -> float:
    """The share of a stroked ink box the fill takes (covered half or more)."""
    return float((fill >= 0.5).mean()) if fill.size else 0.0


def letters(
    text: str, size: int, width: int, face: Face = "regular"
) -> tuple[Float32Array, Float32Array, int, int]:
    """`text` in our font (or the heavy face) at `size` with a stroke `width` px wide: the
    coverage of the fill and of the stroke (the fill included) over the stroked ink box, and
    that box's top-left corner relative to the baseline origin."""
    font = face_font(face, size)
    x0, y0, x1, y1 = (int(v) for v in font.getbbox(text, anchor="ls", stroke_width=width))
    shape = (max(1, x1 - x0), max(1, y1 - y0))
    fill = PILImage.new("L", shape, 0)
    ImageDraw.Draw(fill).text((-x0, -y0), text, font=font, fill=255, anchor="ls")
    stroke = PILImage.new("L", shape, 0)
    ImageDraw.Draw(stroke).text(
        (-x0, -y0), text, font=font, fill=255, anchor="ls", stroke_width=width, stroke_fill=255
    )
    return coverage_of(fill), coverage_of(stroke), x0, y0


def size_for_height(text: str, height: int, width: int, face: Face = "regular") -> int:
    """The size at which `text` in our font (or the heavy face), with a stroke `width` px
    wide, is closest to `height` px of ink (the stroke included)."""

    def tall(size: int) -> int:
        _, y0, _, y1 = face_font(face, size).getbbox(text, anchor="ls", stroke_width=width)
        return int(y1 - y0)

    low, high = MIN_FONT_PX, max(MIN_FONT_PX, 4 * height)
    while low < high:  # the smallest size at least `height` tall
        mid = (low + high) // 2
        if tall(mid) >= height:
            high = mid
        else:
            low = mid + 1
    if low > MIN_FONT_PX and height - tall(low - 1) < tall(low) - height:
        return low - 1
    return low


def refuse_outlined(op: str, lines: list[TextLine], olds: list[OldText], height: int) -> None:
    """Raise for letters of two colours that could not be measured as outlined ones (a drop
    shadow), which a plain redraw would lose, saying why and naming what can be done: remove
    the line, and write it anew as a caption (outlined by default)."""
    found = next((pair for pair in zip(lines, olds, strict=True) if pair[1].unmeasured), None)
    if found is None:
        return
    line, old = found
    place = "top" if line.box.y + line.box.h / 2 < height / 2 else "bottom"
    raise InvalidParameterError(
        f"{op}: the line {old.text!r} is in letters of two colours that could not be measured "
        f"as a fill inside a stroke (outlined letters, as memes are): {old.unmeasured}; a "
        "redraw in plain letters would lose the second colour, so nothing was changed. "
        f'"remove the {place} text" takes it out; a caption written anew (\'add the caption '
        f"... at the {place}') is drawn in outlined letters",
        op=op,
    )


def draw_outlined(
    out: Image, line: TextLine, old: OldText, text: str, room: tuple[int, int], anchor: str | None
) -> None:
    """`text` in outlined letters at the old letters' size, on their baseline (where it is
    shrunk to fit the room, its stroke narrowed with it, the middle of its ink where theirs
    was), centred on them or kept to the edge `anchor` names."""
    if old.outline is None or not text.strip():
        return
    low, high = room
    _, old_cover, _, old_y0 = letters(old.text, old.size, old.outline.width)
    # in the heavy face (where it holds every letter), from the size at which the old text is
    # as tall as the old letters
    face: Face = old.face
    if any(heavy_lacks(char) for char in text):
        face = "regular"
    start = old.size
    if face != "regular":
        start = size_for_height(old.text, old_cover.shape[0], old.outline.width, face)
    if anchor == "left":
        low = max(low, math.floor(old.centre - old_cover.shape[1] / 2))
    elif anchor == "right":
        high = min(high, math.ceil(old.centre + old_cover.shape[1] / 2))
    middle = old.baseline + old_y0 + old_cover.shape[0] / 2
    for size in range(start, MIN_FONT_PX - 1, -1):
        width = max(1, round(old.outline.width * size / start))
        fill, stroke, _, y0 = letters(text, size, width, face)
        if fill.shape[1] <= high - low:
            break
    else:
        raise InvalidParameterError(
            f'replace_text: "{text}" does not fit where "{line.text}" was, even at '
            f"{MIN_FONT_PX} px; use fewer words",
            op="replace_text",
            param="new",
        )
    left = round(old.centre - fill.shape[1] / 2)
    if anchor == "left":
        left = low
    elif anchor == "right":
        left = high - fill.shape[1]
    left = max(low, min(left, high - fill.shape[1]))
    top = round(middle - fill.shape[0] / 2) if size < start else old.baseline + y0
    paint_outlined(out, (fill, stroke), left, top, replace(old.outline, width=width))


@cache
def lacks(char: str) -> bool:
    """Whether our font draws `char` as its box for a missing letter (Pillow's bundled font
    has no accented letters)."""

    def drawn(c: str) -> tuple[tuple[int, int], bytes]:
        mask = bundled_font(PROBE_PX).getmask(c)
        return mask.size, bytes(mask)

    return not char.isspace() and drawn(char) == drawn(PROBE_MISSING)


@cache
def heavy_lacks(char: str) -> bool:
    """Whether the heavy face draws `char` as its box for a missing letter (it holds Latin-1
    and typographic punctuation)."""

    def drawn(c: str) -> tuple[tuple[int, int], bytes]:
        font = ImageFont.truetype(
            io.BytesIO(_heavy_bytes()), PROBE_PX, layout_engine=ImageFont.Layout.BASIC
        )
        mask = font.getmask(c)
        return mask.size, bytes(mask)

    return not char.isspace() and drawn(char) == drawn(PROBE_MISSING)


def bare(text: str) -> str:
    """`text` with the accents taken off its letters."""
    return "".join(c for c in unicodedata.normalize("NFKD", text) if not unicodedata.combining(c))


def paint_outlined(
    out: Image,
    layers: tuple[Float32Array, Float32Array],
    left: int,
    top: int,
    outline: Outline,
) -> None:
    """Composite the stroke, then the fill over it, placed at (left, top), clipped."""
    fill, stroke = layers
    paint_layers(out, [(outline.stroke, stroke), (outline.fill, fill)], left, top)


def fill_share(window: Image, outline: Outline) -> Float32Array:
    """Each pixel's share of fill (0..1) in a window of outlined letters: where it lies between
    the stroke's colour and the fill's, inside the letters' fill (the parts of the fill's
    colour the stroke encloses, and the pixel round them where the two blend), so the stroke,
    the ground and a white cup beside the letters keep theirs."""
    old = window[:, :, :3].astype(np.int16)
    like = _apart(old, outline.stroke) <= NEAR
    region = _enclosed(_apart(old, outline.fill) <= FILL_NEAR, like).astype(np.uint8)
    inside = cv2.dilate(region, np.ones((3, 3), np.uint8)) > 0
    stroke = np.asarray(outline.stroke, dtype=np.float32)
    towards = np.asarray(outline.fill, dtype=np.float32) - stroke
    reach = max(float((towards * towards).sum()), 1.0)
    share = np.clip(((old - stroke) * towards).sum(axis=2) / reach, 0.0, 1.0)
    return np.where(inside, share, 0.0).astype(np.float32)
