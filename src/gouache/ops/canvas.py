"""The canvas: extend to an aspect ratio by filling the new borders from the image itself.

The canvas grows along one axis only, to the smallest size of the asked aspect that holds
the whole picture, whose pixels are copied into it exactly. The borders are filled by:

* `reflect`: the picture mirrored across the seam (so the seam itself is continuous),
  blended toward a heavy gaussian blur of that mirror as the distance d from the seam
  grows, with weight smoothstep(d / border): sharp next to the picture, where a mirror is
  least noticeable, and a soft wash of its colours at the far edge, where a mirrored face
  or sign would be;
* `inpaint`: A. Telea, "An image inpainting technique based on the fast marching method",
  Journal of Graphics Tools 9(1), 2004 (`cv2.inpaint`) on the border; borders wider than
  INPAINT_WORK_BORDER px are inpainted on a reduced copy and the fill upsampled, since
  the fast marching costs grow with the area and the fill is smooth anyway;
* `blur`: the picture scaled to cover the whole canvas and blurred by BLUR_FILL of its
  longer side (the "blurred background" of a phone's photo apps): its colours, nothing
  recognisable. `reflect` becomes `blur` when a face lies within the border's width of an
  edge that grows, since the mirror would show it upside down beside the original;
* `color`: a plain colour.

An alpha channel is extended with the picture: mirrored by `reflect`, replicated from the
edge by `inpaint` and `blur`, and opaque for `color`.
"""

from __future__ import annotations

import math
from typing import Any, Literal

import cv2
import numpy as np
import numpy.typing as npt

from gouache.analysis.faces import sure_faces
from gouache.colors import Color
from gouache.errors import InvalidParameterError
from gouache.images import Image
from gouache.ops._pixels import Float32Array, rgb_of, to_uint8
from gouache.ops.filters import gaussian, reduced_gaussian
from gouache.ops.geometry import check_output_size
from gouache.ops.registry import OpContext, Operator, Params

# reflect: the sigma of the far blur, as a share of the border's width.
REFLECT_BLUR = 0.25
# blur: the sigma of the blurred cover, as a share of its longer side.
BLUR_FILL = 0.04
# inpaint: the border's width on the working copy, and Telea's neighbourhood radius there.
INPAINT_WORK_BORDER = 48
INPAINT_RADIUS = 5

# Borders as cv2.copyMakeBorder takes them: top, bottom, left, right.
Pad = tuple[int, int, int, int]

_HORIZONTAL_ANCHORS = frozenset({"center", "left", "right"})
_VERTICAL_ANCHORS = frozenset({"center", "top", "bottom"})


class ExtendParams(Params):
    aspect: tuple[int, int]
    # reflect: mirrored image blended into a blur; blur: the picture blurred over the canvas;
    # inpaint: OpenCV inpainting; color: plain pad.
    fill: Literal["reflect", "blur", "inpaint", "color"] = "reflect"
    color: Color = (255, 255, 255)
    # Where the original sits on the new canvas.
    anchor: Literal["center", "left", "right", "top", "bottom"] = "center"


def extend(image: Image, p: ExtendParams, ctx: OpContext) -> Image:
    """A canvas of aspect `aspect` holding the whole picture at `anchor`, borders filled by
    `fill`. A picture already at that aspect, to within a pixel, is refused."""
    # 1. the new size, and where the picture sits on it
    height, width = image.shape[:2]
    aw, ah = p.aspect
    if aw <= 0 or ah <= 0:
        raise InvalidParameterError(
            f"extend: an aspect ratio has two positive numbers, not {aw}:{ah}",
            op="extend",
            param="aspect",
        )
    if width * ah < height * aw:
        new_w, new_h = max(width, round(height * aw / ah)), height
    else:
        new_w, new_h = width, max(height, round(width * ah / aw))
    if new_w - width + new_h - height <= 1:
        raise InvalidParameterError(
            f"extend: the {width}x{height} picture is already {aw}:{ah} (to within a pixel); "
            "nothing to extend (to add a margin, use border)",
            op="extend",
            param="aspect",
        )
    check_output_size("extend", "aspect", new_w, new_h, ctx)
    wider = new_w > width
    allowed = _HORIZONTAL_ANCHORS if wider else _VERTICAL_ANCHORS
    if p.anchor not in allowed:
        grows = "wider" if wider else "taller"
        raise InvalidParameterError(
            f"extend: {aw}:{ah} makes the {width}x{height} picture {grows}, so it can sit "
            f"{', '.join(sorted(allowed))}, not {p.anchor}",
            op="extend",
            param="anchor",
        )
    extra = (new_w - width) if wider else (new_h - height)
    before = {"center": extra // 2, "left": 0, "top": 0}.get(p.anchor, extra)
    after = extra - before
    pad = (0, 0, before, after) if wider else (before, after, 0, 0)

    # 2. the borders
    fill = p.fill
    if fill == "reflect" and _faces_mirrored(image, pad, ctx):
        fill = "blur"
        ctx.notes.append(
            "extend: a face lies near an edge that grows, and a mirror would show it upside "
            "down: the borders are the picture blurred instead"
        )
    if fill == "color":
        out = _pad_color(image, pad, p.color)
    elif fill == "reflect":
        out = _pad_reflect(image, pad, wider)
    elif fill == "blur":
        out = _pad_blur(image, pad)
    else:
        out = _pad_inpaint(image, pad)

    # 3. the picture itself, exactly
    top, left = pad[0], pad[2]
    out[top : top + height, left : left + width] = image
    return out


def _faces_mirrored(image: Image, pad: Pad, ctx: OpContext) -> bool:
    """Whether a face lies within the mirrored strip of an edge that grows (its box within
    the border's width of that edge)."""
    height, width = image.shape[:2]
    top, bottom, left, right = pad
    for face in sure_faces(ctx.analysis(image).faces):
        box = face.box
        if (top and box.y < top) or (bottom and box.y + box.h > height - bottom):
            return True
        if (left and box.x < left) or (right and box.x + box.w > width - right):
            return True
    return False


def _pad_blur(image: Image, pad: Pad) -> Image:
    """The canvas covered by the picture scaled up and blurred; the picture goes back on
    top exactly (the caller puts it). Alpha: the edge replicated."""
    height, width = image.shape[:2]
    top, bottom, left, right = pad
    new_h, new_w = height + top + bottom, width + left + right
    scale = max(new_w / width, new_h / height)
    cover_w, cover_h = math.ceil(width * scale), math.ceil(height * scale)
    y0, x0 = (cover_h - new_h) // 2, (cover_w - new_w) // 2
    # BLUR_FILL of the cover's longer side, in the picture's pixels: the blur runs on
    # gaussian()'s reduced copy, about 100 px a side
    sigma = BLUR_FILL * max(cover_w, cover_h) / scale
    soft = reduced_gaussian(np.ascontiguousarray(rgb_of(image)), sigma)
    # the copy scaled up straight onto the canvas, as if to the whole cover and its middle
    # cut out: no cover-sized array (the cover of a 4:3 picture made 9:16 is 2.4x the canvas)
    zoom_x, zoom_y = soft.shape[1] / cover_w, soft.shape[0] / cover_h
    onto = np.array(
        [[zoom_x, 0.0, (x0 + 0.5) * zoom_x - 0.5], [0.0, zoom_y, (y0 + 0.5) * zoom_y - 0.5]]
    )
    out = cv2.warpAffine(
        soft,
        onto,
        (new_w, new_h),
        flags=cv2.INTER_LINEAR | cv2.WARP_INVERSE_MAP,
        borderMode=cv2.BORDER_REPLICATE,
    )
    if image.shape[2] == 4:
        alpha = cv2.copyMakeBorder(image[:, :, 3], *pad, cv2.BORDER_REPLICATE)
        out = np.dstack([out, alpha])
    return np.asarray(out, dtype=np.uint8)


def _pad_color(image: Image, pad: Pad, color: tuple[int, int, int]) -> Image:
    value = (*color, 255) if image.shape[2] == 4 else color
    padded = cv2.copyMakeBorder(image, *pad, cv2.BORDER_CONSTANT, value=value)
    return np.asarray(padded, dtype=np.uint8)


def _pad_reflect(image: Image, pad: Pad, wider: bool) -> Image:
    """The mirror, blended toward its blur by smoothstep(distance from the seam / border).

    Only the borders change (the picture is put back exactly), so each border is blurred
    and blended on its own strip, with 3 sigma of the picture beside it: float32 work
    arrays the size of a strip, not of the whole canvas (68 bytes a pixel at 12 MP before).
    """
    out = np.asarray(cv2.copyMakeBorder(image, *pad, cv2.BORDER_REFLECT), dtype=np.uint8)
    border = max(pad)
    sigma = max(1.0, REFLECT_BLUR * border)
    margin = math.ceil(3 * sigma)
    new_h, new_w = out.shape[:2]
    top, bottom, left, right = pad
    size = new_w if wider else new_h
    start, stop = (left, new_w - right) if wider else (top, new_h - bottom)
    for lo, hi in ((0, start), (stop, size)):
        if hi <= lo:
            continue
        a, b = max(0, lo - margin), min(size, hi + margin)  # the strip, with its margin
        strip = out[:, a:b] if wider else out[a:b]
        # blurred as bytes (a float strip and its blur cost 24 bytes a pixel of the strip)
        blurred = np.asarray(gaussian(np.ascontiguousarray(strip), sigma), dtype=np.uint8)
        d = _distance_from_span(size, start, stop)[lo:hi]
        t = np.clip(d / np.float32(border), 0.0, 1.0)
        weight = t * t * (np.float32(3.0) - np.float32(2.0) * t)
        inner = slice(lo - a, hi - a)
        part = blurred[:, inner] if wider else blurred[inner]
        mirror = strip[:, inner] if wider else strip[inner]
        blend = out[:, lo:hi] if wider else out[lo:hi]  # a view: written band by band
        step = max(1, BAND_PIXELS // max(mirror.shape[1], 1))
        for first in range(0, mirror.shape[0], step):
            rows = slice(first, first + step)
            w = weight[None, :, None] if wider else weight[rows, None, None]
            m, q = mirror[rows].astype(np.float32), part[rows].astype(np.float32)
            blend[rows] = to_uint8(m * (np.float32(1.0) - w) + q * w)
    return out


BAND_PIXELS = 1 << 18  # pixels blended at once (memory, not results)


def _distance_from_span(size: int, start: int, stop: int) -> Float32Array:
    """For each index 0..size-1, how far it lies outside [start, stop) (0 inside)."""
    index = np.arange(size, dtype=np.float32)
    outside = np.maximum(np.float32(start) - index, index - np.float32(stop - 1))
    return np.asarray(np.maximum(outside, 0.0), dtype=np.float32)


def _pad_inpaint(image: Image, pad: Pad) -> Image:
    """Telea inpainting of the border, on a copy reduced so the border is at most
    INPAINT_WORK_BORDER px wide, then the fill upsampled to full size."""
    top, bottom, left, right = pad
    height, width = image.shape[:2]
    new_h, new_w = height + top + bottom, width + left + right
    scale = min(1.0, INPAINT_WORK_BORDER / max(pad))
    small_w, small_h = max(1, round(new_w * scale)), max(1, round(new_h * scale))
    # The picture's place on the working copy, rounded outward so no border pixel of the
    # full canvas is taken for picture.
    x0, y0 = math.floor(left * scale), math.floor(top * scale)
    x1 = min(small_w, math.ceil((left + width) * scale))
    y1 = min(small_h, math.ceil((top + height) * scale))
    picture = cv2.resize(
        rgb_of(image), (max(1, x1 - x0), max(1, y1 - y0)), interpolation=cv2.INTER_AREA
    )
    canvas = np.zeros((small_h, small_w, 3), dtype=np.uint8)
    canvas[y0:y1, x0:x1] = picture
    unknown = np.full((small_h, small_w), 255, dtype=np.uint8)
    unknown[y0:y1, x0:x1] = 0
    filled = cv2.inpaint(canvas, unknown, INPAINT_RADIUS, cv2.INPAINT_TELEA)
    rgb: npt.NDArray[np.uint8] = np.asarray(
        cv2.resize(filled, (new_w, new_h), interpolation=cv2.INTER_CUBIC)
        if (small_w, small_h) != (new_w, new_h)
        else filled,
        dtype=np.uint8,
    )
    if image.shape[2] == 3:
        return rgb
    alpha = cv2.copyMakeBorder(image[:, :, 3], *pad, cv2.BORDER_REPLICATE)
    return np.dstack([rgb, alpha])


OPERATORS: list[Operator[Any]] = [
    Operator(
        name="extend",
        version="1.1.0",
        summary="extend the canvas to an aspect ratio, filling the borders from the image",
        params=ExtendParams,
        run=extend,
        keywords=("extend", "outpaint", "widen", "expand the canvas", "uncrop"),
        examples=("extend to 16:9", "extend to square with white"),
        geometry=True,
    ),
]
