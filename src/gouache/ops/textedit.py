"""Text already in the picture: remove it, or replace words with others.

Text comes from the analysis cache (rapidocr). Removal inpaints the text lines' polygons,
dilated a little, with the fast marching method of A. Telea, "An Image Inpainting Technique
Based on the Fast Marching Method", Journal of Graphics Tools 9(1), 2004, 23-34, as OpenCV's
`cv2.inpaint(..., cv2.INPAINT_TELEA)`. Words named in a longer line are cut from it first
(`textwords`), so "remove SALE" leaves SUMMER of "SUMMER SALE". Adding new text is the
`caption` operator.

Replacement removes the lines that hold the words, then redraws each line with the words
replaced, in Pillow's bundled font (the `caption` layout). To size and place it, the old
letters are found as the pixels that differ from the inpainted background (the ink map), and
the line as the OCR read it is drawn in our font at a range of sizes and slid over that map;
the size and place of the best normalised cross-correlation (J. P. Lewis, "Fast Normalized
Cross-Correlation", Vision Interface 1995; OpenCV's `TM_CCOEFF_NORMED`) give the new
letters' size and baseline. Their colour is the commonest colour of the old ink under the
middle of the matched letters.

    ink map     old pixels differing from the inpainted ones by at least INK_SHARE of the
                line's strongest difference                                         `InkMap`
    T_s         the line drawn at size s, a 0/1 template                            `glyphs`
    R(x, y)     the normalised cross-correlation of T_s with the ink map; the best (s, x, y)
                over all sizes is where our font's letters fall on the old ones      `_match`

On a plain ground (a sign, a poster, paper) the fill reads only colours like the ground just
inside the line's box, so a sign's border next to the letters is not smeared into the board;
where that ground is flat or evenly graded, the hole is filled with the plane fitted to it.

Outlined letters (a fill inside a stroke of another colour, as meme captions are) are measured
by `gouache.ops.outlined`: fill, stroke and its width; our letters are matched to them with a
stroke as wide, sized so their ink, stroke included, is as tall as the old, and redrawn with
Pillow's stroke, centred where the old line was; a new line may run across the picture.

Over a busy ground (a photo) the hole is then cut down to the letters' own footprint and filled
again (`gouache.ops.letterfill`), so the photo between the letters is kept.

Where it falls short: the inpainting still smears inside each letter's footprint (it fills
from its border inward); the new words are
horizontal and in one font, so tilted, curved or decorative lettering is redrawn straight and
plain; a replaced line alone is redrawn centred where the old one was (a line of a block
keeps the block's left or right edge).
"""

from __future__ import annotations

import itertools
import math
from dataclasses import dataclass, replace
from typing import Any

import cv2
import numpy as np
import numpy.typing as npt
from PIL import Image as PILImage
from PIL import ImageDraw
from pydantic import Field

from gouache.analysis.types import TextLine
from gouache.colors import RGB, Color, color_name
from gouache.errors import InvalidParameterError
from gouache.images import Image
from gouache.ops._pixels import contrasting, to_uint8
from gouache.ops.outlined import (
    OUTLINE_MAYBE,
    OUTLINE_SHARE,
    Face,
    Outline,
    bare,
    dominant,
    draw_outlined,
    face_for,
    lacks,
    letters,
    measure,
    refuse_outlined,
    second_colour,
    size_for_height,
)
from gouache.ops.registry import OpContext, Operator, Params
from gouache.ops.text import (
    MIN_FONT_PX,
    bundled_font,
    coverage_of,
    largest_layout,
    layout_text,
    paint_layers,
    render_layout,
)
from gouache.ops.textlines import LIST_LINES, lines_read, spans, title_at_top

# The mask grows past the OCR polygon by this share of the line's height (at least
# MIN_DILATE px), to take in anti-aliased edges the detector left out.
DILATE = 0.08
MIN_DILATE = 2
# Telea's neighbourhood radius, in pixels. OpenCV's 8-bit Telea drifts over wide holes: a
# flat colour came back up to 10 grey levels off here, a visible patch. Run on float32 values
# scaled by TELEA_SCALE, the same fill came back exact.
INPAINT_RADIUS = 5
TELEA_SCALE = 256
# On a plain ground, the fill reads only colours like the ground just inside the lines' boxes
# (a sign's border or the sky around it is not read): the colours within GROUND_BAND of the
# box's height of its edge, binned GROUND_BIN levels a channel; bins holding GROUND_SHARE of
# them, and their neighbours, are the ground. The ground is plain where those bins hold
# GROUND_PLAIN of the band (a sign, a poster, paper: 1.0; photos here 0.57-0.76) and most of
# what Telea would read, GROUND_RING, is like it; elsewhere it reads everything, as before.
GROUND_BAND = 0.06
GROUND_BIN = 16
GROUND_SHARE = 0.02
GROUND_PLAIN = 0.9
GROUND_RING = 0.5
# There, a ground the pixels read fit as a plane in x and y within PLANE_RMS levels (flat or
# evenly graded: a sign, paper, a poster's gradient) is filled with that plane: Telea fills a
# gradient from the nearest edge, leaving a seam across the middle of the hole. PLANE_MIN
# pixels at least are fitted.
PLANE_RMS = 4.0
PLANE_MIN = 64
# New letters may reach past the old line's box over a plain ground, up to ROOM_MARGIN of the
# line's height from whatever stops it; a line whose box starts (ends) within ALIGN_SHARE of
# the width, at least ALIGN_MIN px, of another's keeps its left (right) edge.
ROOM_MARGIN = 0.25
ALIGN_SHARE = 0.01
ALIGN_MIN = 4
# Ink is what differs from the inpainted background by at least INK_SHARE of the strongest
# difference in the line, and never less than MIN_INK_DIFF grey levels.
INK_SHARE = 0.5
MIN_INK_DIFF = 24
# Sizes of our font tried against the old letters, as multiples of the OCR box's height:
# COARSE_STEPS of them, then every whole size within a factor FINE of the best.
SIZE_RANGE = (0.3, 1.6)
COARSE_STEPS = 24
FINE = 1.08
# The old colour is read where our matched letters cover at least COVER_INSIDE of a pixel.
COVER_INSIDE = 0.9
# Word spaces the OCR missed are put back, at most MAX_SPACES, each where it raises the
# match by at least SPACE_GAIN, and only inside runs of MIN_RUN or more characters.
MAX_SPACES = 8
SPACE_GAIN = 0.1
MIN_RUN = 6
LOOKAHEAD = 3
# In outlined letters a word space is a gap in the ink this share of its height wide or more.
WORD_GAP = 0.2
# Where no old letters stand out, the new ones fill this share of the box's height.
GUESS_SIZE = 0.7
# Outlined lines may run across the picture, short of this share of its shorter side.
EDGE_MARGIN = 0.02


class RemoveTextParams(Params):
    # Only the words that hold this (case-insensitive); None removes all text, e.g. a watermark.
    match: str | None = None
    # The whole lines that hold `match`, not only its words ('remove the watermark "sample"').
    lines: bool = False
    # "the title": only the largest line at the top (`_title`)
    title: bool = False


class ReplaceTextParams(Params):
    old: str = Field(min_length=1, max_length=200)
    new: str = Field(max_length=200)
    # "... with OPEN in green": the new words in this colour, not the old words' own
    color: Color | None = None


@dataclass(frozen=True)
class InkMap:
    """One line's old letters: the pixels that differ from the inpainted background, over the
    window around its mask whose top-left corner is (x0, y0)."""

    x0: int
    y0: int
    ink: npt.NDArray[np.bool_]
    pixels: Image  # the old colours of the window


@dataclass(frozen=True)
class _Match:
    """Where our font's letters fall on the old ones: `text` at `size` drawn from the baseline
    origin (x, y), with a correlation of `score`."""

    text: str
    size: int
    x: int
    y: int
    score: float
    stroke: int = 0  # the width of the stroke drawn round the letters


@dataclass(frozen=True)
class OldText:
    """The old letters of one line, as our font draws them."""

    text: str  # what they read, with word spaces the OCR missed put back
    size: int
    baseline: int
    centre: float  # the x of the middle of their ink
    color: RGB  # of the fill, in outlined letters
    # letters of one colour inside a stroke of another (meme captions): the stroke measured,
    # or why it could not be (then they are not redrawn: a plain redraw would lose it)
    outline: Outline | None = None
    unmeasured: str = ""
    # the face outlined letters are redrawn in: our regular font, or the heavy one (Impact's
    # kind), whichever is nearer their weight (`outlined.face_for`); size stays in ours
    face: Face = "regular"


def remove_text(image: Image, p: RemoveTextParams, ctx: OpContext) -> Image:
    """Inpaint every line of text, or the words that hold `match` (the lines that hold it,
    with `lines`); nothing outside their dilated polygons changes."""
    from gouache.ops.letterfill import fill_letters  # they build on this module
    from gouache.ops.textwords import words_holding

    # 1. the lines to remove, cut down to the words that hold `match`
    lines = lines_of(image, ctx, "remove_text", "match")
    parts: list[str] = []
    if p.match is not None and p.match.strip():
        chosen = [line for line in lines if spans(line.text, p.match)]
        if not chosen:
            raise InvalidParameterError(
                f'remove_text: no text reads "{p.match}"; {lines_read(lines)}',
                op="remove_text",
                param="match",
            )
        if not p.lines:
            cut: list[TextLine] = []
            for line in chosen:
                held = words_holding(image, line, p.match)
                cut += held
                parts += [f'"{part.text}" of "{line.text}"' for part in held if part is not line]
            chosen = cut
    elif p.title:
        chosen = [_title(lines, image.shape[0], ctx)]
    else:
        chosen = lines

    # 2. inpaint them: over a busy ground, only the letters
    out = fill_letters(image, inpaint(image, chosen), chosen)
    if parts:
        ctx.notes.append(f"removed the words {', '.join(parts[:LIST_LINES])}, not their lines")
        return out
    what = ", ".join(f'"{line.text}"' for line in chosen[:LIST_LINES])
    more = f" and {len(chosen) - LIST_LINES} more" if len(chosen) > LIST_LINES else ""
    ctx.notes.append(f"removed {_lines(len(chosen))} of text: {what}{more}")
    return out


def _title(lines: list[TextLine], height: int, ctx: OpContext) -> TextLine:
    """The title (`title_at_top`), else refused, naming the lines read and where they stand."""
    line = title_at_top(lines, height)
    if line is None:
        raise InvalidParameterError(
            "remove_text: no title stands at the top (no line in the top half is as large as "
            f'the largest); {lines_read(lines, height)}. Say which to remove, e.g. "remove '
            'the bottom text", or "remove the text" for all of it',
            op="remove_text",
            param="title",
        )
    ctx.notes.append(f'took "{line.text}" as the title (the largest letters at the top)')
    return line


def replace_text(image: Image, p: ReplaceTextParams, ctx: OpContext) -> Image:
    """Replace `old` with `new` in every line that contains it (ignoring case and spacing):
    the line is inpainted and redrawn with the words replaced, fitted to the old line."""
    # 1. the lines that hold the words
    lines = lines_of(image, ctx, "replace_text", "old")
    chosen = [line for line in lines if spans(line.text, p.old)]
    if not chosen:
        raise InvalidParameterError(
            f'replace_text: no text reads "{p.old}"; {lines_read(lines)}',
            op="replace_text",
            param="old",
        )

    # 2. remove them, and find the old letters against the clean background
    clean = inpaint(image, chosen)
    olds = [find_old(image, clean, line) for line in chosen]
    refuse_outlined("replace_text", chosen, olds, image.shape[0])

    # 3. redraw each line with the words replaced, in its old colour, on its old baseline,
    #    over the old letters filled (over a busy ground, only they: `fill_letters`)
    from gouache.ops.letterfill import fill_letters  # it builds on this module

    out = fill_letters(image, clean, chosen)
    changes: list[str] = []
    for line, old in zip(chosen, olds, strict=True):
        text = _replaced(old.text, p.old, p.new)
        if text is None:  # respacing keeps every non-space character, so `old` is still there
            text = old.text
        if text:
            drawn = old if p.color is None else replace(old, color=p.color)
            draw_line(out, line, drawn, text, _anchor(line, lines, image.shape[1]))
        changes.append(f'"{old.text}" -> "{text}"')

    how = "" if p.color is None else f" in {color_name(p.color)}"
    ctx.notes.append(
        f'replaced "{p.old}" with "{p.new}"{how} in {_lines(len(chosen))}: {"; ".join(changes)}'
    )
    return out


# -- finding words --------------------------------------------------------------------------


def lines_of(image: Image, ctx: OpContext, op: str, param: str) -> list[TextLine]:
    lines = ctx.analysis(image).text
    if not lines:
        raise InvalidParameterError(
            f"{op}: no text found in the image (text under about 10 px high, or a 200th of "
            "the height of a picture over 2 MP, or strongly curved, is not read)",
            op=op,
            param=param,
        )
    return lines


def _replaced(text: str, old: str, new: str) -> str | None:
    """`text` with every `old` replaced by `new`, spacing tidied; None if `old` is absent."""
    found = spans(text, old)
    if not found:
        return None
    pieces: list[str] = []
    last = 0
    for start, end in found:
        pieces.extend([text[last:start], new])
        last = end
    pieces.append(text[last:])
    return " ".join("".join(pieces).split())


def _lines(n: int) -> str:
    return "1 line" if n == 1 else f"{n} lines"


# -- removing -------------------------------------------------------------------------------


@dataclass(frozen=True)
class _Patch:
    """The holes of some lines inside one window of the picture whose top-left corner is
    (x0, y0): 255 inside the lines' polygons, each dilated by DILATE of its height; `band`,
    the pixels inside the polygons within GROUND_BAND of their edges (the ground around the
    letters)."""

    x0: int
    y0: int
    holes: npt.NDArray[np.uint8]
    band: npt.NDArray[np.bool_]


Window = tuple[int, int, int, int]  # x0, y0, x1, y1


def _overlap(a: Window, b: Window) -> bool:
    return a[0] < b[2] and b[0] < a[2] and a[1] < b[3] and b[1] < a[3]


def _union(a: Window, b: Window) -> Window:
    return min(a[0], b[0]), min(a[1], b[1]), max(a[2], b[2]), max(a[3], b[3])


def grow_of(line: TextLine) -> int:
    return max(MIN_DILATE, round(DILATE * line.box.h))


def _reach(line: TextLine, pad: int, shape: tuple[int, ...]) -> Window:
    """(x0, y0, x1, y1): the line's dilated polygon and `pad` more, within the picture."""
    corners = np.asarray(line.polygon, dtype=np.float64)
    grow = grow_of(line) + pad
    x0, y0 = np.floor(corners.min(axis=0)).astype(int) - grow
    x1, y1 = np.ceil(corners.max(axis=0)).astype(int) + grow + 1
    return max(0, int(x0)), max(0, int(y0)), min(shape[1], int(x1)), min(shape[0], int(y1))


def _patches(shape: tuple[int, ...], lines: list[TextLine], pad: int) -> list[_Patch]:
    """The lines' holes, drawn only in windows around them: lines whose windows (their
    dilated polygon and `pad`) overlap share one, so a window holds every hole within `pad` of
    its own (what the inpainting reads). Costs the windows' pixels, not the picture's."""
    # 1. group the lines whose windows overlap, pass after pass until no two groups' do
    groups = [([line], _reach(line, pad, shape)) for line in lines]
    merged = True
    while merged:
        merged = False
        kept: list[tuple[list[TextLine], Window]] = []
        for members, box in groups:
            for k, (others, other) in enumerate(kept):
                if _overlap(box, other):
                    kept[k] = (others + members, _union(box, other))
                    merged = True
                    break
            else:
                kept.append((members, box))
        groups = kept
    # 2. draw each group's dilated polygons in its window
    patches = []
    for members, (x0, y0, x1, y1) in groups:
        if x1 <= x0 or y1 <= y0:
            continue  # outside the picture
        holes = np.zeros((y1 - y0, x1 - x0), dtype=np.uint8)
        band = np.zeros(holes.shape, dtype=bool)
        for line in members:
            one = np.zeros_like(holes)
            corners = np.rint(np.asarray(line.polygon, dtype=np.float64)).astype(np.int32)
            cv2.fillPoly(one, [corners - (x0, y0)], 255)
            grow = grow_of(line)
            kernel = cv2.getStructuringElement(cv2.MORPH_ELLIPSE, (2 * grow + 1, 2 * grow + 1))
            holes |= np.asarray(cv2.dilate(one, kernel), dtype=np.uint8)
            width = max(MIN_DILATE, round(GROUND_BAND * line.box.h))
            inner = cv2.erode(one, np.ones((2 * width + 1, 2 * width + 1), np.uint8))
            band |= (one > 0) & (np.asarray(inner) == 0)
        patches.append(_Patch(x0, y0, holes, band))
    return patches


def inpaint(image: Image, lines: list[TextLine]) -> Image:
    """Telea inpainting of the colour channels under the lines' dilated polygons; alpha and
    every pixel outside them are kept. Each connected part of the holes is worked on in its
    own window, its box and a margin (all the method reads), so lines far apart cost no more
    than each alone, and nothing the size of the picture is made but the result."""
    out = image.copy()
    margin = 2 * INPAINT_RADIUS + 2
    ring = cv2.getStructuringElement(
        cv2.MORPH_ELLIPSE, (2 * INPAINT_RADIUS + 1, 2 * INPAINT_RADIUS + 1)
    )
    for patch in _patches(image.shape, lines, margin):
        # 16-bit labels (a text mask has a few hundred parts at most)
        count, labels, stats, _ = cv2.connectedComponentsWithStats(
            patch.holes, connectivity=8, ltype=cv2.CV_16U
        )
        height, width = patch.holes.shape
        whole = image[patch.y0 : patch.y0 + height, patch.x0 : patch.x0 + width, :3]
        bins = ground_bins(whole[patch.band])
        for label in range(1, count):
            x, y, w, h = (int(v) for v in stats[label, :4])
            y0, y1 = max(0, y - margin), min(height, y + h + margin)
            x0, x1 = max(0, x - margin), min(width, x + w + margin)
            holes = np.ascontiguousarray(patch.holes[y0:y1, x0:x1])
            top, left = patch.y0 + y0, patch.x0 + x0
            window = image[top : top + y1 - y0, left : left + x1 - x0, :3]
            smooth = None
            if bins is not None:
                # on a plain ground, Telea reads only what is like it (not a sign's border),
                # where most of what it would read is
                ground = bins[tuple(np.moveaxis(window // GROUND_BIN, 2, 0))]
                around = (np.asarray(cv2.dilate(holes, ring)) > 0) & (holes == 0)
                if around.any() and float(ground[around].mean()) >= GROUND_RING:
                    holes = np.where(ground, holes, np.uint8(255))
                    smooth = _plane(window, holes == 0)
            filled = smooth if smooth is not None else telea(window, holes)
            region = out[top : top + y1 - y0, left : left + x1 - x0, :3]
            # Windows may overlap: each writes only its own component's holes.
            own = np.asarray(labels[y0:y1, x0:x1]) == label
            region[...] = np.where(own[:, :, None], filled, region)
    return out


def telea(window: Image, holes: npt.NDArray[np.uint8]) -> Image:
    scaled = window.astype(np.float32) * np.float32(TELEA_SCALE)
    channels = [
        cv2.inpaint(np.ascontiguousarray(scaled[:, :, c]), holes, INPAINT_RADIUS, cv2.INPAINT_TELEA)
        for c in range(3)
    ]
    return to_uint8(np.dstack(channels) / np.float32(TELEA_SCALE))


def _plane(window: Image, known: npt.NDArray[np.bool_]) -> Image | None:
    """The window's colours as a plane in x and y per channel, fitted by least squares to the
    `known` pixels (a flat or evenly graded ground); None where it misses them by more than
    PLANE_RMS levels (a ground with texture or structure), or too few are known."""
    ys, xs = np.nonzero(known)
    if ys.size < PLANE_MIN:
        return None
    terms = np.stack([np.ones(ys.size), xs, ys], axis=1).astype(np.float64)
    values = window[ys, xs].astype(np.float64)
    coefficients, *_ = np.linalg.lstsq(terms, values, rcond=None)
    if float(np.sqrt(((values - terms @ coefficients) ** 2).mean())) > PLANE_RMS:
        return None
    c0, cx, cy = coefficients.astype(np.float32)
    x = np.arange(window.shape[1], dtype=np.float32)[None, :, None]
    y = np.arange(window.shape[0], dtype=np.float32)[:, None, None]
    return to_uint8(c0 + x * cx + y * cy)


def ground_bins(band: npt.NDArray[np.uint8]) -> npt.NDArray[np.bool_] | None:
    """Which colours are like a plain ground: a lookup by colour // GROUND_BIN, True for the
    bins holding GROUND_SHARE of the band's pixels and for their neighbours; None where those
    bins hold under GROUND_PLAIN of the band (a busy ground)."""
    if band.size == 0:
        return None
    side = 256 // GROUND_BIN
    index = band.reshape(-1, 3).astype(np.int64) // GROUND_BIN
    counts = np.bincount(index @ np.array([side * side, side, 1]), minlength=side**3)
    kept = counts >= GROUND_SHARE * len(index)
    if counts[kept].sum() < GROUND_PLAIN * len(index):
        return None
    padded = np.pad(kept.reshape(side, side, side), 1)
    grown = np.zeros((side, side, side), dtype=bool)
    for r, g, b in itertools.product(range(3), repeat=3):
        grown |= padded[r : r + side, g : g + side, b : b + side]
    return grown


# -- finding the old letters ----------------------------------------------------------------


def find_old(before: Image, clean: Image, line: TextLine) -> OldText:
    """Size, baseline, centre and colour of one line's old letters (a guess from its box
    where nothing stands out from the background)."""
    found_ink = ink_map(before, clean, line)
    if found_ink is None:
        return _guess_old(clean, line)
    # 1. coarse sizes over the range the box allows, then every size near the best
    low = max(MIN_FONT_PX, SIZE_RANGE[0] * line.box.h)
    high = max(low, SIZE_RANGE[1] * line.box.h)
    coarse = np.unique(np.rint(np.geomspace(low, high, COARSE_STEPS)).astype(int))
    found = _match(found_ink, line.text, [int(size) for size in coarse])
    if found is None:
        return _guess_old(clean, line)
    # 2. refine to the pixel, put back word spaces the OCR missed, and refine again
    fine = range(max(MIN_FONT_PX, math.floor(found.size / FINE)), math.ceil(found.size * FINE) + 1)
    found = _match(found_ink, line.text, list(fine)) or found
    spaced = _respace(found, found_ink)
    if spaced.text != found.text:
        near = range(max(MIN_FONT_PX, spaced.size - 2), spaced.size + 3)
        found = _match(found_ink, spaced.text, list(near)) or spaced

    # 3. the colour: the old ink under the middle of the matched letters
    cover, bx0, by0 = glyphs(found.text, found.size)
    left, top = found.x + bx0 - found_ink.x0, found.y + by0 - found_ink.y0
    inside = _placed(cover >= COVER_INSIDE, left, top, found_ink.ink.shape) & found_ink.ink
    colours = found_ink.pixels[inside if inside.any() else found_ink.ink]
    centre = found.x + bx0 + cover.shape[1] / 2
    color = dominant(colours)
    second = second_colour(found_ink.ink, found_ink.pixels, _window(clean, found_ink), color)
    if second >= OUTLINE_MAYBE:
        outlined = _outlined_old(found_ink, clean, line, found)
        if outlined.outline is not None or second >= OUTLINE_SHARE:
            return outlined
    return OldText(found.text, found.size, found.y, centre, color)


def _outlined_old(inks: InkMap, clean: Image, line: TextLine, plain: _Match) -> OldText:
    """Outlined letters: their fill, stroke and its width measured (`outlined.measure`), the
    word spaces put back with our letters stroked as wide, and the size at which those, stroke
    included, are as tall as the old ink; centred where it was, its bottom where it was."""
    measured = measure(inks.ink, inks.pixels, _window(clean, inks))
    if isinstance(measured, str):
        return OldText(plain.text, plain.size, plain.y, 0.0, (0, 0, 0), unmeasured=measured)
    outline = measured.outline
    inks = replace(inks, ink=measured.ink)
    rows = np.flatnonzero(inks.ink.any(axis=1))
    cols = np.flatnonzero(inks.ink.any(axis=0))
    tall = int(rows[-1] + 1 - rows[0])
    # sizes a pixel apart in height may be the same height: the one our letters match best
    sizes = range(
        size_for_height(line.text, tall - 1, outline.width),
        size_for_height(line.text, tall + 1, outline.width) + 1,
    )
    tries = [_match(inks, line.text, [size], outline.width) for size in sizes]
    gaps = word_gaps(inks.ink)
    spaced = [_respace(found, inks, gaps) for found in tries if found is not None]
    best = max(spaced, key=lambda found: found.score, default=None)
    if best is not None and bare(best.text) != best.text:
        # the OCR reads accents into a stroke's corners ("SUMMÉR SALE"): kept only where our
        # font has the letters and they match the old ones better than without
        unaccented = _match(inks, bare(best.text), [best.size], outline.width)
        missing = any(lacks(char) for char in best.text)
        if unaccented is not None and (missing or unaccented.score >= best.score):
            best = unaccented
    text = line.text if best is None else best.text
    size = size_for_height(text, tall, outline.width) if best is None else best.size
    _, drawn, _, y0 = letters(text, size, outline.width)
    bottom = inks.y0 + int(rows[-1]) + 1
    baseline = bottom - (y0 + drawn.shape[0])
    centre = inks.x0 + (int(cols[0]) + int(cols[-1]) + 1) / 2
    face = face_for(measured, text)
    return OldText(text, size, baseline, centre, outline.fill, outline, face=face)


def _window(clean: Image, inks: InkMap) -> Image:
    """The inpainted pixels under an ink map."""
    height, width = inks.ink.shape
    return clean[inks.y0 : inks.y0 + height, inks.x0 : inks.x0 + width]


def ink_map(before: Image, clean: Image, line: TextLine) -> InkMap | None:
    patches = _patches(before.shape, [line], 0)
    if not patches:
        return None
    patch = patches[0]
    ys, xs = np.nonzero(patch.holes)
    if ys.size == 0:
        return None
    inside = patch.holes[ys.min() : ys.max() + 1, xs.min() : xs.max() + 1] > 0
    y0, y1 = patch.y0 + int(ys.min()), patch.y0 + int(ys.max()) + 1
    x0, x1 = patch.x0 + int(xs.min()), patch.x0 + int(xs.max()) + 1
    old = np.ascontiguousarray(before[y0:y1, x0:x1, :3])
    diff = np.abs(old.astype(np.int16) - clean[y0:y1, x0:x1, :3].astype(np.int16)).max(axis=2)
    strongest = float(np.percentile(diff[inside], 99))
    ink = inside & (diff >= max(MIN_INK_DIFF, INK_SHARE * strongest))
    return InkMap(x0, y0, ink, old) if ink.any() else None


def glyphs(text: str, size: int, stroke: int = 0) -> tuple[npt.NDArray[np.float32], int, int]:
    """`text` in our font at `size` (with a stroke `stroke` px wide round it): the coverage of
    its ink box, and that box's top-left corner relative to the baseline origin."""
    if stroke:
        _, whole, x0, y0 = letters(text, size, stroke)
        return whole, x0, y0
    font = bundled_font(size)
    x0, y0, x1, y1 = (int(v) for v in font.getbbox(text, anchor="ls"))
    canvas = PILImage.new("L", (max(1, x1 - x0), max(1, y1 - y0)), 0)
    ImageDraw.Draw(canvas).text((-x0, -y0), text, font=font, fill=255, anchor="ls")
    return coverage_of(canvas), x0, y0


def _match(inks: InkMap, text: str, sizes: list[int], stroke: int = 0) -> _Match | None:
    """The size and place at which `text` in our font (stroked `stroke` px wide) best covers
    the ink map."""
    target = inks.ink.astype(np.float32)
    best: _Match | None = None
    for size in sizes:
        cover, bx0, by0 = glyphs(text, size, stroke)
        if cover.shape[0] > target.shape[0] or cover.shape[1] > target.shape[1]:
            continue
        template = (cover >= 0.5).astype(np.float32)
        scores = np.asarray(cv2.matchTemplate(target, template, cv2.TM_CCOEFF_NORMED))
        scores = np.nan_to_num(scores, nan=-1.0, posinf=-1.0, neginf=-1.0)
        iy, ix = np.unravel_index(int(np.argmax(scores)), scores.shape)
        score = float(scores[iy, ix])
        if best is None or score > best.score:
            x, y = inks.x0 + int(ix) - bx0, inks.y0 + int(iy) - by0
            best = _Match(text, size, x, y, score, stroke)
    return best


def _placed(
    part: npt.NDArray[np.bool_], left: int, top: int, shape: tuple[int, ...]
) -> npt.NDArray[np.bool_]:
    """`part` put at (left, top) on an all-False array of `shape`, clipped."""
    out = np.zeros(shape[:2], dtype=bool)
    y0, x0 = max(0, top), max(0, left)
    y1, x1 = min(shape[0], top + part.shape[0]), min(shape[1], left + part.shape[1])
    if y1 > y0 and x1 > x0:
        out[y0:y1, x0:x1] = part[y0 - top : y1 - top, x0 - left : x1 - left]
    return out


def word_gaps(ink: npt.NDArray[np.bool_]) -> int:
    """How many word spaces an ink map shows: runs of empty columns between its first and
    last inked column at least WORD_GAP of its height wide (outlined letters' strokes close
    the gaps between letters; a word space stays open)."""
    rows = np.flatnonzero(ink.any(axis=1))
    cols = np.asarray(ink.any(axis=0), dtype=bool)
    inked = np.flatnonzero(cols)
    if rows.size == 0 or inked.size == 0:
        return 0
    run = ~cols[inked[0] : inked[-1] + 1]
    # the lengths of the runs of empty columns
    edges = np.flatnonzero(np.diff(np.concatenate(([0], run.view(np.int8), [0]))))
    lengths = edges[1::2] - edges[::2]
    return int((lengths >= WORD_GAP * (rows[-1] + 1 - rows[0])).sum())


def _respace(found: _Match, inks: InkMap, most: int | None = None) -> _Match:
    """Put back word spaces the OCR missed ("SUMMERSALE" for "SUMMER SALE"): greedily, the
    space between two letters that most raises the match, while it raises it by SPACE_GAIN.
    (A missing space shifts every later letter, so the right one is worth 0.13 to 0.44 of
    correlation on photos here; a wrong one in a correctly read line at most 0.02.) In
    outlined letters two spaces missed ("WHENITCOMPILES") are worth little one at a time
    (0.05) and 0.34 together, so there the LOOKAHEAD best single spaces are tried with a
    second one too. With `most`, no space is put back past that many in the line (the gaps
    the old ink shows: a space inside a word may match our font's narrower letters better)."""
    best = found
    for _ in range(MAX_SPACES):
        if most is not None and best.text.count(" ") >= most:
            break
        scored = _spaced(best, inks)
        if not scored:
            break
        top = scored[0]
        if top.score < best.score + SPACE_GAIN and best.stroke:
            pairs = [pair for one in scored[:LOOKAHEAD] for pair in _spaced(one, inks)[:1]]
            top = max(pairs, key=lambda candidate: candidate.score, default=top)
        if top.score < best.score + SPACE_GAIN:
            break
        best = top
    return best


def _spaced(found: _Match, inks: InkMap) -> list[_Match]:
    """`found` with one more space between two letters, at each place it may go, matched at
    its size: the best first."""
    text = found.text
    tries = [
        _match(inks, f"{text[:i]} {text[i:]}", [found.size], found.stroke)
        for i in _inner_boundaries(text)
    ]
    scored = [candidate for candidate in tries if candidate is not None]
    return sorted(scored, key=lambda candidate: -candidate.score)


def _inner_boundaries(text: str) -> list[int]:
    """Indices i with text[i - 1] and text[i] both letters or digits, inside runs of at least
    MIN_RUN characters without a space (where two words may have run together)."""
    found: list[int] = []
    start = 0
    for run in text.split(" "):
        if len(run) >= MIN_RUN:
            found.extend(
                start + i for i in range(1, len(run)) if run[i - 1].isalnum() and run[i].isalnum()
            )
        start += len(run) + 1
    return found


def _guess_old(clean: Image, line: TextLine) -> OldText:
    """Where no old letters stand out: letters as tall as most of the box, in a colour that
    shows on it."""
    box = line.box
    patch = clean[box.y : box.bottom, box.x : box.right, :3].reshape(-1, 3).mean(axis=0)
    color = contrasting((int(patch[0]), int(patch[1]), int(patch[2])))
    size = max(MIN_FONT_PX, round(GUESS_SIZE * box.h))
    baseline = box.bottom - round((1 - GUESS_SIZE) / 2 * box.h)
    return OldText(line.text, size, baseline, box.x + box.w / 2, color)


# -- redrawing ------------------------------------------------------------------------------


def draw_line(
    out: Image, line: TextLine, old: OldText, text: str, anchor: str | None = None
) -> None:
    """Draw `text` into `out` (in place) at the old letters' size, shrunk if it is wider than
    the room it has (`_room`), on their baseline: its left (or right) edge where the old
    letters' was, with `anchor`, else centred on them or moved just enough to stay in that
    room."""
    if old.outline is not None:
        # a meme's lines run across the picture: the new one may take its width
        margin = round(EDGE_MARGIN * min(out.shape[:2]))
        draw_outlined(out, line, old, text, (margin, out.shape[1] - margin), anchor)
        return
    low, high = _room(out, line)
    old_w = glyphs(old.text, old.size)[0].shape[1]
    if anchor == "left":
        low = max(low, math.floor(old.centre - old_w / 2))
    elif anchor == "right":
        high = min(high, math.ceil(old.centre + old_w / 2))
    layout = largest_layout(
        MIN_FONT_PX,
        max(MIN_FONT_PX, old.size),
        lambda s: layout_text(text, s, "plain", max(high - low, MIN_FONT_PX), max_lines=1),
    )
    if layout is None:
        raise InvalidParameterError(
            f'replace_text: "{text}" does not fit where "{line.text}" was, even at '
            f"{MIN_FONT_PX} px; use fewer words",
            op="replace_text",
            param="new",
        )
    cover = coverage_of(render_layout(layout, "center", False))
    cols = np.flatnonzero(cover.max(axis=0) > 0)
    if cols.size == 0:
        return
    ascent, _ = layout.font.getmetrics()
    left = round(old.centre - (cols[0] + cols[-1] + 1) / 2)
    if anchor == "left":
        left = low - int(cols[0])
    elif anchor == "right":
        left = high - int(cols[-1]) - 1
    left = max(low - int(cols[0]), min(left, high - int(cols[-1]) - 1))
    paint(out, cover, left, old.baseline - ascent, old.color)


def _room(clean: Image, line: TextLine) -> tuple[int, int]:
    """The columns [low, high) new letters may take: the old line's box, or, on a plain ground
    (`ground_bins`), as far as its columns stay like the ground inside the box (a sign's
    board, a page), less the hole's growth from whatever stops them."""
    box = line.box
    rows = clean[box.y : box.bottom, :, :3]
    bins = ground_bins(rows[:, box.x : box.right])
    if bins is None:
        return box.x, box.right
    free = bins[tuple(np.moveaxis(rows // GROUND_BIN, 2, 0))].all(axis=0)
    low, high = box.x, box.right
    while low > 0 and free[low - 1]:
        low -= 1
    while high < free.size and free[high]:
        high += 1
    margin = max(grow_of(line), round(ROOM_MARGIN * box.h))
    return min(box.x, low + margin), max(box.right, high - margin)


def _anchor(line: TextLine, lines: list[TextLine], width: int) -> str | None:
    """ "left" where another line's box starts where this one's does (a left-aligned block
    keeps its edge), "right" where one ends where it does, else None."""
    near = max(ALIGN_MIN, ALIGN_SHARE * width)
    others = [other for other in lines if other is not line]
    if any(abs(other.box.x - line.box.x) <= near for other in others):
        return "left"
    if any(abs(other.box.right - line.box.right) <= near for other in others):
        return "right"
    return None


def paint(out: Image, cover: npt.NDArray[np.float32], left: int, top: int, color: RGB) -> None:
    """Composite `color` through `cover` placed at (left, top), clipped to the image."""
    paint_layers(out, [(color, cover)], left, top)


OPERATORS: list[Operator[Any]] = [
    Operator(
        name="remove_text",
        version="1.3.0",
        summary="remove text or a watermark (all of it, some words, or the lines holding them)",
        params=RemoveTextParams,
        run=remove_text,
        keywords=("remove the text", "remove the watermark", "erase the text", "delete the words"),
        examples=("remove the text", 'remove the watermark "sample"'),
        global_edit=False,
    ),
    Operator(
        name="replace_text",
        version="1.4.0",
        summary='replace words in the picture: "old" with "new", fitted and colour-matched',
        params=ReplaceTextParams,
        run=replace_text,
        keywords=("replace", "change the text", "change the word"),
        examples=('replace "SALE" with "SOLD"',),
        global_edit=False,
    ),
]
