"""A tone or colour edit applied to one region of the picture: the sky, the background, the
subject or the faces ("warm up the sky", "make the background darker", "brighten her face",
"black and white but keep her in colour").

The edit runs on the whole picture with the tone operator it names; the result is blended in
through the region's mask, feathered by `feather` (a share of the shorter side), so outside
the region every pixel stays exactly as it was. A region that is not found is refused by
name: the edit is never applied to something else.

    sky         `gouache.analysis.sky` (smooth, blue, joined to the top edge)
    subject     the GrabCut subject of the analysis (seeded from the faces, or the centre)
    background  everything but the subject
    faces       an ellipse around each detected face box, grown by 20 % of its size; with
                `faces`, only those (numbered from the left, from 1), every one of them there
    stars       small bright points (`gouache.analysis.stars`)
    left, right, top, bottom    that half of the frame ("brighten the left side")

Besides the tone operators' edits: `sharpen` (unsharp mask, amount), `clarity` (local
contrast, `gouache.ops.texture`), `pop` (clarity, saturation and a little contrast, scaled by
amount: "make the cat pop") and `dramatic` (darker, more contrast and clarity: "a more dramatic
sky"), each with amount 1 as its full strength.
"""

from __future__ import annotations

from typing import Annotated, Any, Literal

import cv2
import numpy as np
from pydantic import Field, model_validator

from gouache.analysis.sky import sky_mask
from gouache.analysis.stars import star_mask
from gouache.colors import Color
from gouache.errors import InvalidParameterError
from gouache.images import Image
from gouache.ops import filters, texture, tone
from gouache.ops._pixels import to_uint8
from gouache.ops.registry import OpContext, Operator, OperatorRegistry, Params

Region = Literal["sky", "background", "subject", "faces", "stars", "left", "right", "top",
                 "bottom"]  # fmt: skip
Edit = Literal["brightness", "contrast", "saturation", "warmth", "exposure", "grayscale", "tint",
               "blur", "sharpen", "clarity", "pop", "dramatic", "smooth"]  # fmt: skip
REGIONS: tuple[str, ...] = ("sky", "background", "subject", "faces", "stars", "left", "right",
                            "top", "bottom")  # fmt: skip
HALVES = ("left", "right", "top", "bottom")
# Face ellipses reach this share of the face's size beyond its box on every side.
FACE_GROW = 0.2

_OPERATORS = OperatorRegistry([*tone.OPERATORS, *filters.OPERATORS])
# The edits made of several steps: (operator, its amount at the edit's amount 1).
_RECIPES: dict[str, tuple[tuple[str, float], ...]] = {
    "sharpen": (("sharpen", 1.0),),
    "clarity": (("clarity", 0.6),),
    "pop": (("clarity", 0.6), ("saturation", 0.3), ("contrast", 0.1)),
    "dramatic": (("exposure", -0.5), ("contrast", 0.3), ("clarity", 0.5), ("saturation", 0.1)),
}


class AdjustRegionParams(Params):
    region: Region
    edit: Edit
    # The tone operator's signed amount (brightness, contrast, saturation, warmth, tint), the
    # strength of grayscale, stops of exposure, or the blur radius in pixels.
    amount: float = Field(default=0.2, ge=-4.0, le=50.0)
    color: Color | None = None  # for a tint
    feather: float = Field(default=0.02, ge=0.0, le=0.2)
    # Some faces only, by number from the left (region "faces"); None: all of them.
    faces: tuple[Annotated[int, Field(ge=1)], ...] | None = Field(default=None, min_length=1)
    # One half of the region itself ("the top half of the sky"): of the rows or columns the
    # region spans, not of the frame.
    within: Literal["left", "right", "top", "bottom"] | None = None

    @model_validator(mode="after")
    def _tint_has_colour(self) -> AdjustRegionParams:
        if self.edit == "tint" and self.color is None:
            raise ValueError("a tint needs a colour")
        if self.faces is not None and self.region != "faces":
            raise ValueError("face numbers go with the region faces")
        if self.within is not None and self.region in HALVES:
            raise ValueError("a half of a half: name one region and one half of it")
        return self


BAND_PIXELS = 1 << 18  # pixels blended at once (memory, not results)


def region_mask(
    image: Image, region: str, ctx: OpContext, faces: tuple[int, ...] | None = None
) -> np.ndarray:
    """The region as a bool mask; empty when it is not in the picture."""
    h, w = image.shape[:2]
    if region == "sky":
        return sky_mask(image)
    if region == "stars":
        return star_mask(image)
    if region in HALVES:
        half = np.zeros((h, w), dtype=bool)
        rows, cols = slice(None), slice(None)
        if region in ("left", "right"):
            cols = slice(0, w // 2) if region == "left" else slice(w - w // 2, w)
        else:
            rows = slice(0, h // 2) if region == "top" else slice(h - h // 2, h)
        half[rows, cols] = True
        return half
    if region == "ink":  # not an adjust_region region: what darken_text would darken
        from gouache.ops.ink import text_mask

        return text_mask(image, ctx)
    if region == "red_eyes":  # not an adjust_region region: what red_eye would fix
        from gouache.ops.redeye import red_pupils

        return red_pupils(image, ctx.analysis(image).faces)
    if region == "teeth":  # not an adjust_region region: what whiten_teeth would whiten
        from gouache.ops.faceparts import teeth_mask

        return teeth_mask(image, ctx.analysis(image).faces)
    if region in ("subject", "background"):
        subject = ctx.analysis(image).subject.mask
        if not subject.any():
            return np.zeros((h, w), dtype=bool)
        return subject if region == "subject" else ~subject
    mask = np.zeros((h, w), dtype=np.uint8)
    found = ctx.analysis(image).faces
    missing = [n for n in faces or () if n > len(found)]
    if missing:
        raise InvalidParameterError(
            f"adjust_region: there is no face {', '.join(map(str, missing))}: {len(found)} "
            "found, numbered from the left; nothing was changed",
            op="adjust_region",
            param="faces",
        )
    chosen = [found[n - 1] for n in sorted(set(faces))] if faces else found
    for face in chosen:
        box = face.box
        centre = (round(box.x + box.w / 2), round(box.y + box.h / 2))
        axes = (round(box.w * (0.5 + FACE_GROW)), round(box.h * (0.5 + FACE_GROW)))
        cv2.ellipse(mask, centre, axes, 0, 0, 360, 1, -1)
    return mask.astype(bool)


# The seam across the middle of a region's half fades over this share of the region's span.
HALF_SEAM = 0.1


def half_weight(mask: np.ndarray, half: str) -> np.ndarray:
    """How much of an edit of `half` of the region each row (top, bottom) or column (left,
    right) gets: the region is cut at the middle of the rows or columns it spans, so "the top
    half of the sky" is the upper half of the sky wherever the sky ends, not the sky inside
    the frame's top half; 1 inside that half, 0 in the other, a linear seam between."""
    axis = 1 if half in ("top", "bottom") else 0
    spanned = np.flatnonzero(mask.any(axis=axis))
    first, last = int(spanned[0]), int(spanned[-1]) + 1
    middle = (first + last) / 2
    seam = max(1.0, HALF_SEAM * (last - first))
    place = np.arange(mask.shape[0 if axis == 1 else 1], dtype=np.float32) + np.float32(0.5)
    weight = np.clip((middle - place) / seam + 0.5, 0.0, 1.0).astype(np.float32)
    if half in ("bottom", "right"):
        weight = np.float32(1.0) - weight
    return np.asarray(weight[:, None] if axis == 1 else weight[None, :], dtype=np.float32)


def _edited(image: Image, p: AdjustRegionParams, ctx: OpContext) -> Image:
    params: dict[str, Any]
    if p.edit in ("brightness", "contrast", "saturation", "warmth"):
        params = {"amount": max(-1.0, min(2.0, p.amount))}
    elif p.edit == "exposure":
        params = {"stops": max(-4.0, min(4.0, p.amount))}
    elif p.edit == "grayscale":
        params = {"strength": max(0.0, min(1.0, p.amount))}
    elif p.edit == "tint":
        params = {"color": p.color, "amount": max(0.01, min(1.0, abs(p.amount)))}
    elif p.edit == "smooth":
        return texture.smooth_skin(image, max(0.01, min(2.0, p.amount)))
    elif p.edit in _RECIPES:
        out = image
        for op, scale in _RECIPES[p.edit]:
            amount = max(0.01, min(2.0, p.amount)) * scale
            if op == "clarity":
                out = texture.local_contrast(out, amount)
            else:
                key = "stops" if op == "exposure" else "amount"
                out = _OPERATORS.get(op).apply(out, {key: amount}, ctx)
        return out
    else:
        params = {"radius": max(0.1, p.amount)}
    return _OPERATORS.get(p.edit).apply(image, params, ctx)


# Regions whose edge is the outline of something in the picture, feathered along its edges.
EDGE_REGIONS = ("subject", "background", "sky")
# The guided filter's regulariser, on luma in 0..1: an edge whose contrast in the window
# stands well over sqrt(EDGE_EPS) = 0.03 holds the feather.
EDGE_EPS = 0.001


def edge_feather(image: Image, mask: np.ndarray, sigma: float) -> np.ndarray:
    """The mask as alpha 0..255, softened like a gaussian of `sigma` where the picture is smooth
    and kept sharp along the picture's own edges: a gaussian feather spilt the edit over the
    sky beside a rocket as a bright halo.

    The fast guided filter: K. He, J. Sun, X. Tang, "Guided Image Filtering", IEEE TPAMI 35(6)
    (2013), 1397-1409, and K. He, J. Sun, "Fast Guided Filter", arXiv:1505.00996 (2015).
    Notation (paper -> code): I the guide (luma, 0..1) `guide`, p the input (the hard mask)
    `hard`, r the window radius `radius`, epsilon `EDGE_EPS`, s the subsampling `step`;
    q = mean(a) I + mean(b) with a = cov(I, p) / (var(I) + epsilon), b = mean(p) - a mean(I).
    a and b are found at 1/s of the size and brought back by bilinear interpolation, a band
    of rows at a time, so the full-size work is a few bytes a pixel.
    """
    height, width = mask.shape
    # 1. the guide and the mask at 1/step of the size
    # two box means of radius r soften like a gaussian of sigma 0.82 r and reach 2 r, where
    # the gaussian feather (snapped at 2 %) reached 2.3 sigma
    radius = max(1.0, 1.2 * sigma)
    step = max(1, int(radius // 4))
    small = (max(1, -(-width // step)), max(1, -(-height // step)))
    grey = cv2.cvtColor(np.ascontiguousarray(image[:, :, :3]), cv2.COLOR_RGB2GRAY)
    guide = np.asarray(cv2.resize(grey, small, interpolation=cv2.INTER_AREA), np.float32) / 255
    hard = np.where(mask, np.uint8(255), np.uint8(0))
    hard = np.asarray(cv2.resize(hard, small, interpolation=cv2.INTER_AREA), np.float32) / 255

    # 2. the linear coefficients a, b in each window, then their window means
    side = 2 * max(1, round(radius / step)) + 1

    def mean(plane: np.ndarray) -> np.ndarray:
        return np.asarray(cv2.boxFilter(plane, -1, (side, side)), dtype=np.float32)

    mean_i, mean_p = mean(guide), mean(hard)
    var_i = mean(guide * guide) - mean_i * mean_i
    a = (mean(guide * hard) - mean_i * mean_p) / (var_i + np.float32(EDGE_EPS))
    b = mean_p - a * mean_i
    mean_a, mean_b = mean(a), mean(b)

    # 3. q = mean(a) I + mean(b) at full size, a band of rows at a time
    alpha = np.empty((height, width), dtype=np.uint8)
    columns = (np.arange(width, dtype=np.float32) + 0.5) * (small[0] / width) - 0.5
    rows_step = max(1, BAND_PIXELS // max(width, 1))
    for top in range(0, height, rows_step):
        rows = np.arange(top, min(height, top + rows_step), dtype=np.float32)
        lows = (rows + 0.5) * (small[1] / height) - 0.5
        map_x = np.ascontiguousarray(np.broadcast_to(columns, (rows.size, width)))
        map_y = np.ascontiguousarray(np.broadcast_to(lows[:, None], (rows.size, width)))
        band_a = cv2.remap(mean_a, map_x, map_y, cv2.INTER_LINEAR, borderMode=cv2.BORDER_REPLICATE)
        band_b = cv2.remap(mean_b, map_x, map_y, cv2.INTER_LINEAR, borderMode=cv2.BORDER_REPLICATE)
        band_i = grey[top : top + rows.size].astype(np.float32) / np.float32(255.0)
        alpha[top : top + rows.size] = to_uint8((band_a * band_i + band_b) * np.float32(255.0))
    return alpha


def adjust_region(image: Image, p: AdjustRegionParams, ctx: OpContext) -> Image:
    """The edit inside the region, the picture unchanged outside it (up to the feather)."""
    mask = region_mask(image, p.region, ctx, p.faces)
    if not mask.any():
        raise InvalidParameterError(
            f"adjust_region: no {p.region if p.region != 'faces' else 'face'} found in this "
            "picture, so nothing was changed",
            op="adjust_region",
            param="region",
        )
    weight = half_weight(mask, p.within) if p.within is not None else None
    if weight is not None:
        mask = mask & (weight > 0.0)
    named = f"face {', '.join(map(str, p.faces))} from the left" if p.faces else p.region
    named = f"{p.within} half of the {named}" if p.within is not None else named
    covers = "cover" if p.region in ("faces", "stars") and not p.faces else "covers"
    ctx.notes.append(f"adjust_region: the {named} {covers} {mask.mean():.0%} of the picture")
    edited = _edited(image, p, ctx)
    alpha = np.where(mask, np.uint8(255), np.uint8(0))
    sigma = p.feather * min(image.shape[:2])
    if sigma > 0 and p.region in EDGE_REGIONS:
        # the mask's edge is a thing's outline: the feather stops at the picture's edges there
        alpha = edge_feather(image, mask, sigma)
    elif sigma > 0:
        # a drawn edge (a half, an ellipse): the mask as bytes, through filters.gaussian (a
        # wide blur on a reduced copy: an exact one of sigma 110 px took 75 s and 56 bytes a
        # pixel at 40 MP)
        alpha = np.asarray(filters.gaussian(alpha, sigma), dtype=np.uint8)
    if weight is not None:
        alpha = to_uint8(alpha.astype(np.float32) * weight)
    # blended a band of rows at a time; alpha snaps to 1 (0) well inside (outside) the mask
    out = image.copy()
    height, width = mask.shape
    step = max(1, BAND_PIXELS // max(width, 1))
    for top in range(0, height, step):
        rows = slice(top, top + step)
        a = alpha[rows].astype(np.float32) / np.float32(255.0)
        a[mask[rows] & (a > 0.98)] = 1.0
        a[~mask[rows] & (a < 0.02)] = 0.0
        rgb = image[rows, :, :3].astype(np.float32)
        change = edited[rows, :, :3].astype(np.float32) - rgb
        out[rows, :, :3] = to_uint8(rgb + a[:, :, None] * change)
    return out


OPERATORS: list[Operator[Any]] = [
    Operator(
        name="adjust_region",
        version="1.4.0",
        summary="a tone or colour edit of the sky, the background, the subject, the faces (or "
        "some), the stars or one half only",
        params=AdjustRegionParams,
        run=adjust_region,
        examples=("warm up the sky", "make the background darker", "brighten the face"),
        global_edit=False,
    ),
]
