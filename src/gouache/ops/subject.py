"""Subject and background: portrait blur, cut-out, and a new background.

The subject mask comes from the analysis cache (GrabCut seeded from faces or a centre prior;
see gouache.analysis.subject for where it fails). Every operator here composites with a
feathered mask: the hard mask blurred by a gaussian of sigma `feather`, so its edge sits at
alpha 0.5 on the mask's own border, and snapped to exactly 0 or 1 where it is within 1/512
of them. Pixels more than about 3 * feather inside the subject are therefore copied
unchanged, and those as far outside it come wholly from the new background.

How the subject was found (from a face, from the centre of the picture, or a bare prior) is
added to the turn's notes, since that is what to check when the cut is wrong.
"""

from __future__ import annotations

import math
from typing import Any

import cv2
import numpy as np
import numpy.typing as npt
from pydantic import Field, model_validator

from gouache.analysis.types import SubjectMask
from gouache.colors import RGB, Color, color_name, plain_name
from gouache.errors import UnsupportedError
from gouache.images import Image
from gouache.ops import keying
from gouache.ops._pixels import Float32Array, rgb_of, to_uint8, with_alpha_of
from gouache.ops.filters import EXACT_SIGMA_LIMIT, gaussian
from gouache.ops.registry import OpContext, Operator, Params

# blur_background scales its sigma and feather with the picture: both are given at 1 MP.
_REFERENCE_PIXELS = 1_000_000
# The feather of blur_background at 1 MP, about the mask's own edge accuracy there (the mask
# is cut at 512 px and upsampled).
BLUR_FEATHER = 2.0
# blur_background blurs at 1/f of the size, f = sigma / _SIGMA_PER_STEP, compositing
# _BAND_PIXELS pixels at a time: its working memory stays near the output's.
_SIGMA_PER_STEP = 4.0
_BAND_PIXELS = 1 << 18
# A feathered alpha within this of 0 or 1 is snapped to it, so the far inside is exact.
_SNAP = 1.0 / 512.0


class BlurBackgroundParams(Params):
    # Gaussian sigma of the background, in pixels at 1 MP.
    radius: float = Field(default=12.0, gt=0.0, le=100.0)


class RemoveBackgroundParams(Params):
    # Feather of the cut-out edge, in pixels.
    feather: float = Field(default=2.0, ge=0.0, le=50.0)
    # The background's colour, when the user named it ("remove the white background").
    key: Color | None = None


class ReplaceBackgroundParams(Params):
    # Exactly one of: a colour, a vertical gradient (top, bottom), or reference image N (>= 2).
    color: Color | None = None
    gradient: tuple[Color, Color] | None = None
    reference: int | None = Field(default=None, ge=2)
    feather: float = Field(default=2.0, ge=0.0, le=50.0)
    # The old background's colour, when the user named it ("change the white background to blue").
    key: Color | None = None

    @model_validator(mode="after")
    def _one_source(self) -> ReplaceBackgroundParams:
        given = [x for x in (self.color, self.gradient, self.reference) if x is not None]
        if len(given) != 1:
            raise ValueError("give one background: a colour, a gradient or a reference image")
        return self


def blur_background(image: Image, p: BlurBackgroundParams, ctx: OpContext) -> Image:
    """Blur everything but the subject: a gaussian of sigma radius * sqrt(pixels / 1 MP),
    then the sharp picture composited back through the feathered subject mask.

    The background is blurred by normalised convolution, sum(g * w * v) / sum(g * w) with
    w = 0 on the subject (and w = alpha where there is transparency), so the subject's
    colours do not bleed into the blurred background as a halo around it.
    """
    # 1. the subject, and the sizes at this resolution
    subject = _subject(image, ctx, "blur_background")
    height, width = image.shape[:2]
    scale = math.sqrt(height * width / _REFERENCE_PIXELS)
    sigma = max(0.5, p.radius * scale)
    alpha = _feathered(subject, max(1.0, BLUR_FEATHER * scale))

    # 2. the background blurred without the subject in it, at a working resolution where
    #    the blur is wide (a wide gaussian keeps no detail finer than sigma / 3)
    rgb = rgb_of(image)
    weight = np.where(subject.mask, np.uint8(0), np.uint8(255))
    if image.shape[2] == 4:
        weight = (weight.astype(np.uint16) * image[:, :, 3] // 255).astype(np.uint8)
    background = _blurred_background(rgb, weight, sigma)

    # 3. the sharp subject back on top, a band of rows at a time
    out = np.empty_like(rgb)
    step = max(1, _BAND_PIXELS // width)
    for top in range(0, height, step):
        rows = slice(top, min(height, top + step))
        front = rgb[rows].astype(np.float32)
        covered = background.covered[rows]
        back = np.where(covered[:, :, None], background.pixels[rows].astype(np.float32), front)
        out[rows] = _over(front, back, _alpha_rows(alpha, rows))
    return with_alpha_of(out, image)


class _Background:
    """The blurred background at full size (uint8), and where any background was near."""

    def __init__(self, pixels: Image, covered: npt.NDArray[np.bool_]) -> None:
        self.pixels = pixels
        self.covered = covered


def _blurred_background(rgb: Image, weight: Image, sigma: float) -> _Background:
    """Normalised convolution sum(g * w * v) / sum(g * w) of the colours v with weights w
    (0 on the subject), done at 1/f of the size where sigma allows, then brought back."""
    height, width = rgb.shape[:2]
    factor = max(1, int(sigma / _SIGMA_PER_STEP))
    size = (max(1, round(width / factor)), max(1, round(height / factor)))
    # v * w / 255 in uint8 (a uint16 product cost 12 bytes a pixel more)
    premultiplied = np.asarray(
        cv2.multiply(rgb, cv2.merge([weight, weight, weight]), scale=1.0 / 255.0), np.uint8
    )
    if factor > 1:
        premultiplied = np.asarray(cv2.resize(premultiplied, size, interpolation=cv2.INTER_AREA))
        weight = np.asarray(cv2.resize(weight, size, interpolation=cv2.INTER_AREA))
    small_sigma = sigma * size[0] / width
    spread = np.asarray(gaussian(premultiplied.astype(np.float32), small_sigma), np.float32)
    norm = np.asarray(gaussian(weight.astype(np.float32), small_sigma), np.float32)
    covered = norm > 255e-3
    pixels = to_uint8(spread * np.float32(255.0) / np.where(covered, norm, 1.0)[:, :, None])
    if factor > 1:
        pixels = np.asarray(
            cv2.resize(pixels, (width, height), interpolation=cv2.INTER_LINEAR), np.uint8
        )
        near = cv2.resize(
            covered.astype(np.uint8), (width, height), interpolation=cv2.INTER_NEAREST
        )
        covered = np.asarray(near, dtype=bool)
    return _Background(pixels, covered)


def remove_background(image: Image, p: RemoveBackgroundParams, ctx: OpContext) -> Image:
    """The subject on a transparent background: RGBA whose alpha is the cut (times the
    image's own alpha, if it has one). A plain background is cut by its colour, with the key
    taken out of the edge pixels; any other by the feathered subject mask, colours kept."""
    rgb, alpha = _cut(image, ctx, "remove_background", p.key, p.feather)
    out = np.empty((*alpha.shape, 4), dtype=np.uint8)
    out[:, :, :3] = rgb
    out[:, :, 3] = alpha
    return out


def _cut(
    image: Image, ctx: OpContext, op: str, named: RGB | None, feather: float
) -> tuple[Image, npt.NDArray[np.uint8]]:
    """The colours and the alpha of the subject: cut by the background's colour when it is
    plain (the key taken out of the rim), else by the feathered subject mask; times the
    image's own alpha, if it has one."""
    if named is None and _cut_out(image):
        # a transparent PNG is cut out already: its own alpha is the cut, never re-cut
        ctx.notes.append(f"{op}: the picture is cut out already: its own transparency is kept")
        return rgb_of(image), np.ascontiguousarray(image[:, :, 3])
    key = _plain_key(image, ctx, op, named)
    if key is not None:
        alpha = keying.key_alpha(image, key)
        _check_cut(alpha, key)
        rgb = keying.unmix(image, alpha, key)
    else:
        alpha = _feathered(_subject(image, ctx, op), feather)
        rgb = rgb_of(image)
    if image.shape[2] == 4:
        alpha = np.asarray(cv2.multiply(alpha, image[:, :, 3], scale=1.0 / 255.0), np.uint8)
    return rgb, alpha


# A picture at least this much clear (alpha under half) is a cut-out, not a photo with a
# stray soft pixel.
CUT_OUT_SHARE = 0.01


def _cut_out(image: Image) -> bool:
    return image.shape[2] == 4 and float((image[:, :, 3] < 128).mean()) >= CUT_OUT_SHARE


def _plain_key(image: Image, ctx: OpContext, op: str, named: RGB | None) -> RGB | None:
    """The colour to cut by: the named one, which must be the background's (else the edit
    is refused rather than cutting something else), or the frame's colour when the frame is
    plain and there is no face; None when the subject mask decides."""
    if named is not None:
        share = keying.near_share(keying.frame_pixels(image), named)
        if share < 0.5:
            colour, _ = keying.frame_colour(image)
            raise UnsupportedError(
                f"{op}: the background is not {color_name(named)}: the picture's edges are "
                f"mostly {plain_name(colour)} ({share:.0%} of them {color_name(named)}); to cut "
                'out the subject whatever the background, say e.g. "remove the background"',
                backend="operators",
            )
        ctx.notes.append(
            f"{op}: cut by colour: {color_name(named)} on {share:.0%} of the picture's edges"
        )
        return named
    colour, share = keying.frame_colour(image)
    if share < keying.PLAIN_SHARE or ctx.analysis(image).faces:
        # a person on a plain backdrop may wear its colour down to the frame (a white shirt
        # on white): the cut from the face keeps them whole
        return None
    ctx.notes.append(
        f"{op}: the background is plain {plain_name(colour)} ({share:.0%} of the edges): "
        "cut by its colour"
    )
    return colour


def _check_cut(alpha: npt.NDArray[np.uint8], key: RGB) -> None:
    if not alpha.any():
        raise UnsupportedError(
            f"the picture is all {color_name(key)}: there is nothing in front of the background",
            backend="operators",
        )


def replace_background(image: Image, p: ReplaceBackgroundParams, ctx: OpContext) -> Image:
    """The subject, composited through its feathered mask, over a colour, a vertical gradient
    or reference image N scaled to cover the frame and centre-cropped. The result is RGB:
    where the image had transparency, the new background shows through it too."""
    # 1. the background first, so that a missing reference fails before any analysis
    height, width = image.shape[:2]
    if p.reference is not None:
        background = _cover(rgb_of(ctx.reference(p.reference, "replace_background")), width, height)
    elif p.gradient is not None:
        top, bottom = (np.asarray(c, dtype=np.float32) for c in p.gradient)
        t = np.linspace(0.0, 1.0, height, dtype=np.float32)[:, None, None]
        background = np.broadcast_to(top + (bottom - top) * t, (height, width, 3))
    else:
        colour = np.asarray(p.color, dtype=np.float32)
        background = np.broadcast_to(colour, (height, width, 3))

    # 2. the subject over it
    rgb, alpha = _cut(image, ctx, "replace_background", p.key, p.feather)
    # a band of rows at a time: float copies of both whole pictures took 66 bytes a pixel
    out = np.empty_like(rgb)
    step = max(1, _BAND_PIXELS // max(width, 1))
    for first in range(0, height, step):
        rows = slice(first, min(height, first + step))
        front = rgb[rows].astype(np.float32)
        out[rows] = _over(front, background[rows].astype(np.float32), _alpha_rows(alpha, rows))
    return out


def _subject(image: Image, ctx: OpContext, op: str) -> SubjectMask:
    """The subject mask from the analysis cache, with a note on how it was found."""
    analysis = ctx.analysis(image)
    subject = analysis.subject
    if not subject.mask.any():
        raise UnsupportedError(
            f"{op}: no subject stands out in this picture (it is too plain for GrabCut), "
            "so there is no background to tell apart; try a picture with a clear subject",
            backend="operators",
        )
    share = f"{subject.coverage:.0%} of the picture"
    if subject.method == "grabcut-faces":
        count = len(analysis.faces)
        seed = "the face" if count == 1 else f"{count} faces"
        ctx.notes.append(f"{op}: subject found by GrabCut from {seed} ({share})")
    elif subject.method == "ground":
        count, _ = cv2.connectedComponents(subject.mask.astype(np.uint8), connectivity=8)
        things = "1 object" if count == 2 else f"{count - 1} objects"
        ctx.notes.append(
            f"{op}: no face found; the subject is every object on the plain ground "
            f"({things}, {share})"
        )
    elif subject.method == "grabcut-centre":
        ctx.notes.append(
            f"{op}: no face found; subject found by GrabCut around the centre ({share}); "
            "check the edges, this guess fails on busy backgrounds"
        )
    else:
        ctx.notes.append(
            f"{op}: the picture is too small or too plain for GrabCut; the subject is a rough "
            f"guess around the centre ({share})"
        )
    return subject


def _feathered(subject: SubjectMask, feather: float) -> npt.NDArray[np.uint8]:
    """The mask as alpha 0..255, blurred by a gaussian of sigma `feather` and snapped to 0 or
    255 within _SNAP of them. A band of rows at a time (each with the blur's reach of rows
    around it, so the result is the whole mask's): a float copy of the mask and its blur cost
    8 bytes a pixel. A blur too wide for that runs on gaussian()'s reduced copy, in bytes."""
    mask = subject.mask
    height, width = mask.shape[:2]
    if feather <= 0.0:
        return np.where(mask, np.uint8(255), np.uint8(0))
    if feather > EXACT_SIGMA_LIMIT:
        # gaussian()'s reduced copy, in bytes (its rounding is the snap); float planes of
        # the whole mask cost 12 bytes a pixel
        hard = np.where(mask, np.uint8(255), np.uint8(0))
        return np.asarray(gaussian(hard, feather), dtype=np.uint8)
    reach = math.ceil(4.0 * feather) + 2
    step = max(1, _BAND_PIXELS // max(width, 1))
    alpha = np.empty((height, width), dtype=np.uint8)
    for top in range(0, height, step):
        bottom = min(height, top + step)
        first, last = max(0, top - reach), min(height, bottom + reach)
        hard = mask[first:last].astype(np.float32)
        soft = np.asarray(gaussian(hard, feather), np.float32)[top - first : bottom - first]
        soft[soft >= 1.0 - _SNAP] = 1.0
        soft[soft <= _SNAP] = 0.0
        alpha[top:bottom] = to_uint8(soft * np.float32(255.0))
    return alpha


def _alpha_rows(alpha: npt.NDArray[np.uint8], rows: slice) -> Float32Array:
    """Rows of a 0..255 alpha as 0..1 (0 and 255 are exactly 0 and 1)."""
    return alpha[rows].astype(np.float32) / np.float32(255.0)


def _over(front: Float32Array, back: Float32Array, alpha: Float32Array) -> Image:
    """front * alpha + back * (1 - alpha), rounded; exact where alpha is 0 or 1."""
    a = alpha[:, :, None]
    return to_uint8(front * a + back * (np.float32(1.0) - a))


def _cover(reference: Image, width: int, height: int) -> Float32Array:
    """The reference scaled (keeping its aspect) to the smallest size that covers
    width x height, then centre-cropped to exactly that."""
    ref_h, ref_w = reference.shape[:2]
    scale = max(width / ref_w, height / ref_h)
    new_w = max(width, round(ref_w * scale))
    new_h = max(height, round(ref_h * scale))
    shrink = new_w * new_h < ref_w * ref_h
    resized = cv2.resize(
        reference,
        (new_w, new_h),
        interpolation=cv2.INTER_AREA if shrink else cv2.INTER_LANCZOS4,
    )
    x0, y0 = (new_w - width) // 2, (new_h - height) // 2
    return np.asarray(resized[y0 : y0 + height, x0 : x0 + width], dtype=np.float32)


OPERATORS: list[Operator[Any]] = [
    Operator(
        name="blur_background",
        version="1.0.0",
        summary="blur the background, keep the subject sharp (portrait look)",
        params=BlurBackgroundParams,
        run=blur_background,
        keywords=("blur the background", "portrait mode", "bokeh", "background blur"),
        examples=("blur the background", "blur the background a lot"),
        global_edit=False,
    ),
    Operator(
        name="remove_background",
        version="1.1.0",
        summary="cut out the subject on a transparent background",
        params=RemoveBackgroundParams,
        run=remove_background,
        keywords=("remove the background", "cut out", "transparent background"),
        examples=("remove the background",),
        global_edit=False,
    ),
    Operator(
        name="replace_background",
        version="1.1.0",
        summary="replace the background with a colour, a gradient or image N",
        params=ReplaceBackgroundParams,
        run=replace_background,
        keywords=(
            "replace the background",
            "new background",
            "background to",
            "change the background",
        ),
        examples=("replace the background with white", "use image 2 as the background"),
        global_edit=False,
    ),
]
