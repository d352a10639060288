"""A logo or graphic recoloured: "make the logo blue", "turn the icon black".

Offline, a thing can only be told from its ground when the ground is plain (or already
transparent): the subject is the key cut of `ops.keying`. A photo's object needs a model that
knows the object, and is refused with that said.

To a colour (one with saturation), each subject pixel keeps its HLS lightness and takes the
colour's hue, with the colour's saturation in proportion to the pixel's own up to the
subject's SATURATION_PERCENTILE: the colourful parts take the colour in full, the white and
grey ones (an outline, a highlight, the edge mixed with the ground) stay neutral, so the
shading and the drawing inside survive ("colorize" in a hue/saturation tool; HLS rather than
CIELAB, where a light pixel given a deep blue's a* b* falls out of gamut and clips to
violet). To a neutral colour (black, white, grey: no hue to give) the subject is filled flat
with it, its soft edge by its alpha: a one-colour logo.
"""

from __future__ import annotations

from typing import Any

import cv2
import numpy as np
from pydantic import Field

from gouache.colors import Color, plain_name
from gouache.errors import UnsupportedError
from gouache.images import Image
from gouache.ops import keying
from gouache.ops._pixels import to_uint8
from gouache.ops.registry import OpContext, Operator, Params

# A colour with less HLS saturation than this has no hue to give: the subject is filled.
NEUTRAL_SATURATION = 0.08
# The subject's saturation that takes the colour's in full (most of a logo's colours reach it).
SATURATION_PERCENTILE = 90
BAND_PIXELS = 1 << 18


class RecolorParams(Params):
    color: Color
    # How far toward the new colour, 0..1 (1: all the way).
    amount: float = Field(default=1.0, gt=0.0, le=1.0)


def hls_of(rgb: Image) -> np.ndarray:
    """Hue in degrees, lightness and saturation 0..1 (float32)."""
    return np.asarray(cv2.cvtColor(rgb.astype(np.float32) / np.float32(255.0), cv2.COLOR_RGB2HLS))


def colorized(rgb: Image, hue: float, saturation: float, full: float) -> np.ndarray:
    """`rgb` (..., 3) in `hue`, each pixel's HLS lightness kept and its saturation
    `saturation` in proportion to its own up to `full` (module doc), as float32 0..255."""
    hls = hls_of(rgb)
    hls[..., 0] = hue
    hls[..., 2] = saturation * np.minimum(hls[..., 2] / np.float32(full), 1.0)
    return np.asarray(cv2.cvtColor(hls, cv2.COLOR_HLS2RGB)) * np.float32(255.0)


def recolor(image: Image, p: RecolorParams, ctx: OpContext) -> Image:
    """The picture with its cut-out or plain-background subject in `p.color` (module doc)."""
    # 1. the subject: a cut-out's alpha, or the cut from a plain ground
    cut = keying.cut_alpha(image)
    if cut is None:
        raise UnsupportedError(
            "recolor: this picture's subject is not on a plain or transparent background, so "
            "I cannot tell it apart to recolour it; a generative backend can (--backend "
            'gemini, openai, diffusers or comfyui), or "tint it blue" colours the whole picture',
            backend="operators",
        )
    alpha, _ = cut
    if not alpha.any():
        raise UnsupportedError(
            "recolor: the picture is all background: nothing to recolour", backend="operators"
        )
    # 2. the colour's hue and saturation, and the subject's saturation that takes it in full
    hue, _, saturation = (float(v) for v in hls_of(np.asarray([[p.color]], dtype=np.uint8))[0, 0])
    neutral = saturation < NEUTRAL_SATURATION
    full = 1.0
    if not neutral:
        step = max(1, int(np.sqrt(alpha.size / 250_000)))
        sample = image[::step, ::step, :3][alpha[::step, ::step] > 128]
        own = hls_of(sample[None])[0, :, 2] if len(sample) else np.ones(1, dtype=np.float32)
        full = max(0.05, float(np.percentile(own, SATURATION_PERCENTILE)))
    # 3. band by band: colorised (or filled), blended by the subject's alpha and the amount
    out = image.copy()
    height, width = alpha.shape
    rows_per = max(1, BAND_PIXELS // max(width, 1))
    colour = np.asarray(p.color, dtype=np.float32)
    for top in range(0, height, rows_per):
        rows = slice(top, min(height, top + rows_per))
        rgb = image[rows, :, :3]
        a = alpha[rows].astype(np.float32)[:, :, None] / np.float32(255.0) * np.float32(p.amount)
        if neutral:
            new = np.broadcast_to(colour, rgb.shape)
        else:
            new = colorized(rgb, hue, saturation, full)
        out[rows, :, :3] = to_uint8(rgb.astype(np.float32) * (1.0 - a) + new * a)
    how = "filled" if neutral else "recoloured (its lightness kept, its neutral parts neutral)"
    ctx.notes.append(f"recolor: the subject {how} in {plain_name(p.color)}")
    return out


OPERATORS: list[Operator[Any]] = [
    Operator(
        name="recolor",
        version="1.0.0",
        summary="recolour a logo or graphic on a plain or transparent background",
        params=RecolorParams,
        run=recolor,
        # read through the logo's words ("make the logo blue", "recolour the logo red")
        keywords=(),
        examples=("make the logo blue", "turn the logo black"),
        global_edit=False,
    ),
]
