"""Composition with reference images: paste a subject, collages, picture in picture, logos.

Image 1 is the picture being edited; attached references are images 2, 3, ...
Seamless pasting uses Poisson image editing (P. Pérez, M. Gangnet, A. Blake, "Poisson Image
Editing", SIGGRAPH 2003) through OpenCV's seamlessClone with NORMAL_CLONE: inside the mask
the result f solves the Poisson equation laplacian(f) = div(v), v = grad(g), with f equal to
the canvas f* on the mask's boundary, g being the pasted subject. The default is a cut-out
with a feathered alpha, composited "over" (T. Porter, T. Duff, "Compositing Digital
Images", SIGGRAPH 1984).

A logo without transparency whose border is a near-uniform light colour has that background
keyed out: its alpha is GIMP's "colour to alpha" against the border colour, the smallest alpha
a for which each pixel c = a F + (1 - a) bg has a colour F in range, i.e.
a = max over channels of (bg - c) / bg where c < bg, (c - bg) / (255 - bg) where c > bg,
and its colour is unmixed, F = bg + (c - bg) / a. Only the background is keyed (regions near
the border colour that touch the border, or that are that colour all through, like the inside
of an "o"), with a 2 px edge around it; light colours elsewhere in the logo stay opaque. A
white shape drawn inside the logo cannot be told from the background and turns transparent.
"""

from __future__ import annotations

import math
from typing import Any, Literal

import cv2
import numpy as np
from pydantic import Field

from gouache.colors import Color
from gouache.errors import InvalidReferenceError
from gouache.images import Image
from gouache.ops._pixels import (
    LUMA_WEIGHTS,
    Float32Array,
    has_transparency,
    resample,
    rgb_of,
    to_uint8,
)
from gouache.ops.layout import Corner, Position, place
from gouache.ops.registry import OpContext, Operator, Params

# Margins from the canvas edges (paste_subject, picture_in_picture) and the inset's border,
# as fractions of the canvas's shorter side.
MARGIN = 0.03
BORDER = 0.006
# Feather of a cut-out: gaussian sigma of the mask as a fraction of the pasted height (>= 0.5 px).
FEATHER = 0.004
# Logo keying: the border ring (fraction of the shorter side, >= 1 px); the border counts as a
# background when KEY_UNIFORM of its pixels lie within KEY_SPREAD levels (every channel) of its
# median and that median has a luma of at least KEY_LIGHT. Alphas under KEY_NOISE are noise
# (JPEG ringing) and become 0; pixels under KEY_NEAR are background candidates, and a region
# of them enclosed by the logo is background when its mean alpha is under KEY_FLAT.
KEY_RING = 0.01
KEY_UNIFORM = 0.9
KEY_SPREAD = 24
KEY_LIGHT = 190.0
KEY_NOISE = 0.08
KEY_NEAR = 0.25
KEY_FLAT = 0.04
KEY_EDGE = 2

_ATTACH = "attach images with --ref PATH or /attach PATH"


class PasteSubjectParams(Params):
    reference: int = Field(default=2, ge=2)
    position: Position = "center"
    # Height of the pasted subject as a fraction of the canvas height.
    scale: float = Field(default=0.5, gt=0.0, le=1.0)
    method: Literal["cutout", "seamless"] = "cutout"


class CollageParams(Params):
    layout: Literal["side by side", "stacked", "grid"] = "side by side"
    # Gap between pictures as a fraction of the shorter side of the first one.
    gap: float = Field(default=0.02, ge=0.0, le=0.2)
    background: Color = (255, 255, 255)


class PictureInPictureParams(Params):
    reference: int = Field(default=2, ge=2)
    position: Corner = "bottom right"
    # Width of the inset as a fraction of the canvas width.
    scale: float = Field(default=0.3, gt=0.0, le=0.9)
    border: Color | None = (255, 255, 255)


class LogoParams(Params):
    reference: int = Field(default=2, ge=2)
    position: Corner = "bottom right"
    # Width of the logo as a fraction of the canvas width.
    scale: float = Field(default=0.15, gt=0.0, le=0.9)
    opacity: float = Field(default=0.9, gt=0.0, le=1.0)
    # Margin from the edges as a fraction of the shorter side.
    margin: float = Field(default=0.03, ge=0.0, le=0.3)


BAND_PIXELS = 1 << 18  # pixels composited at once (memory, not results)


# -- helpers -----------------------------------------------------------------------------------


def _resized(image: Image, size: tuple[int, int]) -> Image:
    """`image` resized to (w, h): area averaging to shrink, bilinear to enlarge, alpha-correct."""
    height, width = image.shape[:2]
    if (width, height) == size:
        return image
    shrink = size[0] <= width and size[1] <= height
    interpolation = cv2.INTER_AREA if shrink else cv2.INTER_LINEAR
    return resample(image, lambda m: cv2.resize(m, size, interpolation=interpolation))


def _resized_alpha(alpha: Float32Array, size: tuple[int, int]) -> Float32Array:
    height, width = alpha.shape[:2]
    if (width, height) == size:
        return alpha
    shrink = size[0] <= width and size[1] <= height
    interpolation = cv2.INTER_AREA if shrink else cv2.INTER_LINEAR
    return np.asarray(cv2.resize(alpha, size, interpolation=interpolation), dtype=np.float32)


def _fit(size: tuple[float, float], room: tuple[int, int]) -> tuple[int, int]:
    """(w, h) shrunk, keeping its aspect, until it fits in `room`; whole pixels, at least 1."""
    w, h = size
    factor = min(1.0, room[0] / w, room[1] / h)
    return max(1, round(w * factor)), max(1, round(h * factor))


def _margin(image: Image, fraction: float) -> int:
    height, width = image.shape[:2]
    return round(fraction * min(int(height), int(width)))


def _alpha_of(image: Image) -> Float32Array:
    """Alpha in 0..1 (ones for RGB)."""
    if image.shape[2] == 3:
        return np.ones(image.shape[:2], dtype=np.float32)
    return image[:, :, 3].astype(np.float32) / np.float32(255.0)


def _over(canvas: Image, rgb: Image, alpha: Float32Array, x: int, y: int) -> Image:
    """A copy of `canvas` with `rgb` (h, w, 3) composited over it at (x, y) with `alpha` (h, w).

    Porter-Duff "over"; pixels where alpha is 0 are copied unchanged. The item must fit. A
    band of rows at a time: float copies of a large item and what lies under it cost some
    60 bytes a pixel of the item.
    """
    out = canvas.copy()
    h, w = alpha.shape
    step = max(1, BAND_PIXELS // max(w, 1))
    for top in range(0, h, step):
        rows = slice(top, min(h, top + step))
        place_rows = slice(y + rows.start, y + rows.stop)
        region = canvas[place_rows, x : x + w]
        out[place_rows, x : x + w] = _over_band(region, rgb[rows], alpha[rows])
    return out


def _over_band(region: Image, rgb: Image, alpha: Float32Array) -> Image:
    a = alpha[:, :, None]
    below = region[:, :, :3].astype(np.float32)
    item = rgb.astype(np.float32)
    if region.shape[2] == 3:
        mixed = to_uint8(item * a + below * (np.float32(1.0) - a))
    else:
        ca = _alpha_of(region)[:, :, None]
        out_a = a + ca * (np.float32(1.0) - a)
        colour = (item * a + below * ca * (np.float32(1.0) - a)) / np.maximum(out_a, 1e-6)
        mixed = to_uint8(np.dstack([colour, out_a * np.float32(255.0)]))
    touched = (alpha > 0)[:, :, None]
    return np.where(touched, mixed, region)


# -- paste_subject -----------------------------------------------------------------------------


def paste_subject(image: Image, p: PasteSubjectParams, ctx: OpContext) -> Image:
    """Put the subject of image N into this picture at `position`, `scale` x the canvas height
    (shrunk to fit inside a 3 % margin). The subject is the reference's own alpha when it has
    transparency, else its GrabCut subject mask from the analysis cache. "cutout" composites
    with the mask feathered (sigma 0.4 % of the pasted height); "seamless" is Poisson cloning.
    """
    height, width = image.shape[:2]
    # 1. the reference and its matte
    ref = ctx.reference(p.reference, "paste_subject")
    if has_transparency(ref):
        matte = _alpha_of(ref)
        source = f"the transparency of image {p.reference}"
    else:
        subject = ctx.analysis(ref).subject
        matte = subject.mask.astype(np.float32)
        source = f"its subject mask ({subject.method})"
    rows, cols = np.flatnonzero(matte.max(axis=1) > 0), np.flatnonzero(matte.max(axis=0) > 0)
    if rows.size == 0:
        raise InvalidReferenceError(
            f"paste_subject: no subject was found in image {p.reference}; "
            "attach a cut-out with a transparent background instead"
        )
    y0, y1, x0, x1 = int(rows[0]), int(rows[-1]) + 1, int(cols[0]), int(cols[-1]) + 1
    # 2. crop to the subject and scale it
    margin = _margin(image, MARGIN)
    room = (max(1, width - 2 * margin), max(1, height - 2 * margin))
    target_h = p.scale * height
    size = _fit(((x1 - x0) * target_h / (y1 - y0), target_h), room)
    item = rgb_of(_resized(np.ascontiguousarray(ref[y0:y1, x0:x1]), size))
    alpha = np.clip(_resized_alpha(np.ascontiguousarray(matte[y0:y1, x0:x1]), size), 0.0, 1.0)
    # 3. place it
    x, y = place((width, height), size, p.position, margin)
    x, y = min(max(x, 0), width - size[0]), min(max(y, 0), height - size[1])
    # 4. composite
    if p.method == "seamless":
        out = _seamless(image, item, alpha, x, y)
        how = "a seamless (Poisson) blend"
    else:
        sigma = max(0.5, FEATHER * size[1])
        feathered = np.asarray(cv2.GaussianBlur(alpha, (0, 0), sigma), dtype=np.float32)
        out = _over(image, item, feathered, x, y)
        how = "a feathered cut-out"
    ctx.notes.append(
        f"pasted the subject of image {p.reference} ({size[0]}x{size[1]} px at {p.position}) "
        f"as {how}, using {source}"
    )
    return out


def _seamless(canvas: Image, item: Image, alpha: Float32Array, x: int, y: int) -> Image:
    """Poisson-clone `item` where alpha >= 0.5 into the canvas at (x, y)."""
    height, width = canvas.shape[:2]
    h, w = alpha.shape
    # The source and the mask are canvas-sized so that the mask's bounding box, which
    # OpenCV re-centres on p, lands where it is; the outermost ring of the canvas is kept out
    # of the mask because the Poisson solve needs a boundary all around.
    mask = np.zeros((height, width), dtype=np.uint8)
    mask[y : y + h, x : x + w] = np.where(alpha >= 0.5, 255, 0).astype(np.uint8)
    mask[[0, -1], :], mask[:, [0, -1]] = 0, 0
    if not mask.any() or min(height, width) < 3:
        return canvas.copy()
    dst = np.ascontiguousarray(rgb_of(canvas))
    src = dst.copy()
    src[y : y + h, x : x + w] = item
    bx, by, bw, bh = cv2.boundingRect(mask)
    # OpenCV 5's seamlessClone writes into its mask argument: give it a copy
    centre = (bx + bw // 2, by + bh // 2)
    cloned = np.asarray(
        cv2.seamlessClone(src, dst, mask.copy(), centre, cv2.NORMAL_CLONE), dtype=np.uint8
    )
    inside = mask > 0
    out = canvas.copy()
    out[:, :, :3] = np.where(inside[:, :, None], cloned, dst)
    if canvas.shape[2] == 4:
        out[:, :, 3] = np.where(inside, np.uint8(255), canvas[:, :, 3])
    return out


# -- collage -----------------------------------------------------------------------------------


def collage(image: Image, p: CollageParams, ctx: OpContext) -> Image:
    """This picture and every reference, in order: side by side at the height of image 1,
    stacked at its width, or in a near-square grid of cells the size of image 1, each picture
    fitted and centred in its cell. `gap` x the shorter side of image 1 separates them; the
    rest is `background`. The result has alpha when any picture has; pixels are copied."""
    if not ctx.references:
        raise InvalidReferenceError(
            f"collage: a collage needs at least two pictures and no reference image is "
            f"attached; {_ATTACH}"
        )
    pictures = [image, *ctx.references]
    height, width = image.shape[:2]
    gap = round(p.gap * min(height, width))
    # 1. each picture's size and top-left corner
    if p.layout == "side by side":
        sizes = [
            _fit((pic.shape[1] * height / pic.shape[0], height), (10**9, height))
            for pic in pictures
        ]
        corners = [(sum(s[0] for s in sizes[:i]) + i * gap, 0) for i in range(len(sizes))]
        canvas_size = (corners[-1][0] + sizes[-1][0], height)
    elif p.layout == "stacked":
        sizes = [
            _fit((width, pic.shape[0] * width / pic.shape[1]), (width, 10**9)) for pic in pictures
        ]
        corners = [(0, sum(s[1] for s in sizes[:i]) + i * gap) for i in range(len(sizes))]
        canvas_size = (width, corners[-1][1] + sizes[-1][1])
    else:
        cols = math.ceil(math.sqrt(len(pictures)))
        rows = math.ceil(len(pictures) / cols)
        sizes = [_fit((pic.shape[1], pic.shape[0]), (width, height)) for pic in pictures]
        corners = []
        for i, (w, h) in enumerate(sizes):
            row, col = divmod(i, cols)
            corners.append(
                (col * (width + gap) + (width - w) // 2, row * (height + gap) + (height - h) // 2)
            )
        canvas_size = (cols * width + (cols - 1) * gap, rows * height + (rows - 1) * gap)
    # 2. the canvas, then each picture copied in
    channels = 4 if any(pic.shape[2] == 4 for pic in pictures) else 3
    fill = (*p.background, 255)[:channels]
    out = np.empty((canvas_size[1], canvas_size[0], channels), dtype=np.uint8)
    out[:] = np.asarray(fill, dtype=np.uint8)
    for pic, (w, h), (x, y) in zip(pictures, sizes, corners, strict=True):
        tile = _resized(pic, (w, h))
        if channels == 4 and tile.shape[2] == 3:
            tile = np.dstack([tile, np.full((h, w), 255, dtype=np.uint8)])
        out[y : y + h, x : x + w] = tile
    ctx.notes.append(f"{p.layout} collage of {len(pictures)} pictures")
    return out


# -- picture in picture ------------------------------------------------------------------------


def picture_in_picture(image: Image, p: PictureInPictureParams, ctx: OpContext) -> Image:
    """Inset image N, `scale` x the canvas width (aspect kept, shrunk to fit), in a corner
    3 % of the shorter side from the edges, inside a border 0.6 % of the shorter side thick
    (at least 1 px) unless `border` is None. A transparent inset is composited over."""
    height, width = image.shape[:2]
    ref = ctx.reference(p.reference, "picture_in_picture")
    # 1. sizes
    margin = _margin(image, MARGIN)
    border = 0 if p.border is None else max(1, _margin(image, BORDER))
    if 2 * (margin + border) >= min(width, height):
        border = 0  # a picture a few pixels wide has no room for a frame
    room = (max(1, width - 2 * (margin + border)), max(1, height - 2 * (margin + border)))
    inset_w = p.scale * width
    size = _fit((inset_w, inset_w * ref.shape[0] / ref.shape[1]), room)
    framed = (size[0] + 2 * border, size[1] + 2 * border)
    x, y = place((width, height), framed, p.position, margin)
    # 2. the border, then the picture
    out = image.copy()
    if p.border is not None:
        out[y : y + framed[1], x : x + framed[0], :3] = np.asarray(p.border, dtype=np.uint8)
        if out.shape[2] == 4:
            out[y : y + framed[1], x : x + framed[0], 3] = 255
    inset = _resized(ref, size)
    out = _over(out, rgb_of(inset), _alpha_of(inset), x + border, y + border)
    ctx.notes.append(f"image {p.reference} inset at the {p.position}, {size[0]}x{size[1]} px")
    return out


# -- logo --------------------------------------------------------------------------------------


def logo(image: Image, p: LogoParams, ctx: OpContext) -> Image:
    """Place image N in a corner, `scale` x the canvas width (aspect kept, shrunk to fit),
    `margin` x the shorter side from the edges, with alpha = `opacity` x its own alpha. An
    opaque logo on a near-uniform light background has that background keyed out (see the
    module docstring); another opaque logo is placed as a rectangle."""
    ref = ctx.reference(p.reference, "logo")
    mark, x, y, how = logo_placement(image, ref, p)
    out = _over(image, rgb_of(mark), _alpha_of(mark) * np.float32(p.opacity), x, y)
    ctx.notes.append(
        f"logo from image {p.reference} at the {p.position}, {mark.shape[1]}x{mark.shape[0]} "
        f"px, opacity {p.opacity:.0%}, {how}"
    )
    return out


def logo_placement(image: Image, ref: Image, p: LogoParams) -> tuple[Image, int, int, str]:
    """The logo as drawn (resized, keyed) and its top-left on `image`, with how it was keyed;
    shared by the operator and the layered exports, which embed the same pixels."""
    height, width = image.shape[:2]
    # 1. the logo's own alpha, or a keyed background, or none
    if has_transparency(ref):
        mark = ref
        how = "with its transparency"
    else:
        keyed = _key_light_background(rgb_of(ref))
        if keyed is None:
            mark = rgb_of(ref)
            how = "as an opaque rectangle (it has no transparency and no plain light background)"
        else:
            mark = keyed
            how = "with its light background treated as transparent"
    # 2. size and place
    margin = _margin(image, p.margin)
    room = (max(1, width - 2 * margin), max(1, height - 2 * margin))
    logo_w = p.scale * width
    size = _fit((logo_w, logo_w * ref.shape[0] / ref.shape[1]), room)
    x, y = place((width, height), size, p.position, margin)
    return _resized(mark, size), x, y, how


def _key_light_background(rgb: Image) -> Image | None:
    """RGBA with the border-connected light background keyed out, or None when the border is
    not a near-uniform light colour."""
    # 1. the border colour, if it is uniform and light
    ring = max(1, _margin(rgb, KEY_RING))
    border = np.concatenate(
        [
            rgb[:ring].reshape(-1, 3),
            rgb[-ring:].reshape(-1, 3),
            rgb[:, :ring].reshape(-1, 3),
            rgb[:, -ring:].reshape(-1, 3),
        ]
    )
    bg = np.median(border, axis=0)
    spread = np.abs(border.astype(np.float32) - bg).max(axis=1)
    if (spread <= KEY_SPREAD).mean() < KEY_UNIFORM or float(LUMA_WEIGHTS @ bg) < KEY_LIGHT:
        return None
    # 2. colour to alpha against it
    c = rgb.astype(np.float32)
    bgf = bg.astype(np.float32)
    below = (bgf - c) / np.maximum(bgf, 1.0)
    above = (c - bgf) / np.maximum(np.float32(255.0) - bgf, 1.0)
    raw = np.clip(np.where(c < bgf, below, above).max(axis=2), 0.0, 1.0)
    # 3. the background: near-background regions that touch the border, or that are flat
    #    background colour all through (the inside of an "o"); and a 2 px edge around them
    near = (raw <= KEY_NEAR).astype(np.uint8)
    count, labels = cv2.connectedComponents(near, connectivity=8)
    sizes = np.bincount(labels.ravel(), minlength=count)
    # label 0 ("not near") can be empty: a logo that is all background colour
    mean_raw = np.bincount(labels.ravel(), weights=raw.ravel(), minlength=count) / np.maximum(
        sizes, 1
    )
    touching = np.unique(np.concatenate([labels[0], labels[-1], labels[:, 0], labels[:, -1]]))
    chosen = mean_raw <= KEY_FLAT
    chosen[touching] = True
    chosen[0] = False  # label 0 is "not near the background colour"
    background = chosen[labels]
    kernel = np.ones((3, 3), dtype=np.uint8)
    zone = cv2.dilate(background.astype(np.uint8), kernel, iterations=KEY_EDGE) > 0
    alpha = np.where(zone, np.clip((raw - KEY_NOISE) / (1.0 - KEY_NOISE), 0.0, 1.0), 1.0)
    unmixed = bgf + (c - bgf) / np.maximum(raw, 1e-3)[:, :, None]
    colour = np.where(zone[:, :, None], unmixed, c)
    return to_uint8(np.dstack([colour, alpha * np.float32(255.0)]))


OPERATORS: list[Operator[Any]] = [
    Operator(
        name="paste_subject",
        version="1.0.0",
        summary="put the subject of image N into this one, at a position and scale",
        params=PasteSubjectParams,
        run=paste_subject,
        keywords=("put the", "paste", "insert", "add the person", "place"),
        examples=("put the subject of image 2 on the left", "paste the dog from image 2"),
        global_edit=False,
    ),
    Operator(
        name="collage",
        version="1.0.0",
        summary="side-by-side, stacked or grid collage of this image and the references",
        params=CollageParams,
        run=collage,
        keywords=("collage", "side by side", "grid", "next to each other", "stack"),
        examples=("put them side by side", "make a grid collage"),
        geometry=True,
    ),
    Operator(
        name="picture_in_picture",
        version="1.0.0",
        summary="inset image N in a corner",
        params=PictureInPictureParams,
        run=picture_in_picture,
        keywords=("picture in picture", "inset", "pip"),
        examples=("put image 2 as an inset in the top right",),
        global_edit=False,
    ),
    Operator(
        name="logo",
        version="1.0.0",
        summary="place a logo (image N) in a corner with an opacity",
        params=LogoParams,
        run=logo,
        keywords=("logo", "watermark with", "brand mark"),
        examples=("add the logo in the bottom right", "put the logo top left at 50% opacity"),
        global_edit=False,
    ),
]
