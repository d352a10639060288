"""Haze taken out: "remove the haze", "dehaze", "clear up the fog".

The dark channel prior (K. He, J. Sun, X. Tang, "Single Image Haze Removal Using Dark
Channel Prior", CVPR 2009): in a haze-free outdoor photo most patches hold some pixel that is
dark in one channel, so the light a patch's darkest channel still has is haze. With the
airlight A (the colour of the densest haze: the brightest pixels among the top 0.1 % of the
dark channel) the transmission is t = 1 - w * min over the patch and channels of I / A, and
the scene is J = (I - A) / max(t, T_FLOOR) + A.

The estimate runs at WORK_SIDE pixels on the short side (a patch of PATCH_SHARE of it), the
transmission is smoothed by a guided filter (K. He, "Guided Image Filtering", ECCV 2010) with
the grey picture as guide, so it follows edges, and is brought back up; the picture itself is
restored at full size a band of rows at a time. A picture whose dark channel is already near
black nearly everywhere has no haze to take out, and is refused rather than changed.
"""

from __future__ import annotations

from typing import Any

import cv2
import numpy as np
import numpy.typing as npt
from pydantic import Field

from gouache.analysis.measures import is_grey
from gouache.errors import InvalidParameterError
from gouache.images import Image
from gouache.ops._pixels import rgb_of, to_uint8, with_alpha_of
from gouache.ops.registry import OpContext, Operator, Params

WORK_SIDE = 600
PATCH_SHARE = 0.02  # of the short side at the working size
T_FLOOR = 0.3  # the least transmission: deeper haze is left partly, not amplified into noise
GUIDE_EPS = 1e-3
# Haze: the median of the dark channel relative to the airlight. Under MIN_HAZE there is
# none to take out (a clear photo sits near 0.05-0.1; a hazy one above 0.3).
MIN_HAZE = 0.12
BAND_PIXELS = 1 << 18

Float32Array = npt.NDArray[np.float32]


class DehazeParams(Params):
    # 1 takes out the haze the prior finds (w = 0.95); less leaves some, for depth.
    strength: float = Field(default=0.8, gt=0.0, le=1.0)


def dehaze(image: Image, p: DehazeParams, ctx: OpContext) -> Image:
    """The picture with its haze taken out (see the module doc)."""
    if is_grey(image):
        raise InvalidParameterError(
            "dehaze: the picture is black and white, and haze is told from the colours (the "
            'prior needs them); for a clearer grey picture, e.g. "add clarity" or "increase '
            'the contrast"',
            op="dehaze",
            param="strength",
        )
    rgb = rgb_of(image)
    height, width = rgb.shape[:2]
    scale = min(1.0, WORK_SIDE / max(1, min(height, width)))
    size = (max(1, round(width * scale)), max(1, round(height * scale)))
    small = rgb if scale == 1.0 else cv2.resize(rgb, size, interpolation=cv2.INTER_AREA)
    values = small.astype(np.float32) / np.float32(255.0)
    patch = max(3, round(PATCH_SHARE * min(size)) | 1)
    airlight = _airlight(values, _dark(values, patch))
    haze = float(np.median(_dark(values / airlight, patch)))
    if haze < MIN_HAZE:
        raise InvalidParameterError(
            f"dehaze: I see no haze to take out (the darkest channel is {haze:.0%} of the "
            'airlight, a clear picture\'s level); for more punch, e.g. "add clarity" or '
            '"increase the contrast"',
            op="dehaze",
            param="strength",
        )
    omega = np.float32(0.95 * p.strength)
    transmission = 1.0 - omega * _dark(values / airlight, patch)
    grey = np.asarray(cv2.cvtColor(values, cv2.COLOR_RGB2GRAY), dtype=np.float32)
    refined = _guided(grey, transmission, radius=4 * patch)
    refined = np.clip(refined, T_FLOOR, 1.0).astype(np.float32)
    if scale != 1.0:
        refined = np.asarray(
            cv2.resize(refined, (width, height), interpolation=cv2.INTER_LINEAR), np.float32
        )
    ctx.notes.append(
        f"dehaze: haze {haze:.0%} of the airlight, taken out at strength {p.strength:g}"
    )
    out = np.empty_like(rgb)
    a = (airlight * np.float32(255.0)).astype(np.float32)
    step = max(1, BAND_PIXELS // max(width, 1))
    for top in range(0, height, step):
        rows = slice(top, min(height, top + step))
        t = refined[rows][:, :, None]
        out[rows] = to_uint8((rgb[rows].astype(np.float32) - a) / t + a)
    return with_alpha_of(out, image)


def _dark(values: Float32Array, patch: int) -> Float32Array:
    """The dark channel: the least of the channels, then the least over a patch."""
    kernel = cv2.getStructuringElement(cv2.MORPH_RECT, (patch, patch))
    return np.asarray(cv2.erode(values.min(axis=2), kernel), dtype=np.float32)


def _airlight(values: Float32Array, dark: Float32Array) -> Float32Array:
    """The colour of the densest haze: among the 0.1 % of pixels with the brightest dark
    channel, the mean of the brightest tenth (kept off black, so dividing by it is safe)."""
    flat = dark.ravel()
    count = max(1, flat.size // 1000)
    hazy = np.argpartition(flat, -count)[-count:]
    colours = values.reshape(-1, 3)[hazy]
    brightest = colours[np.argsort(colours.sum(axis=1))[-max(1, count // 10) :]]
    return np.asarray(np.maximum(brightest.mean(axis=0), 0.05), dtype=np.float32)


def _guided(guide: Float32Array, source: Float32Array, radius: int) -> Float32Array:
    """The guided filter of `source` by `guide` (both one channel, 0..1)."""
    size = (2 * radius + 1, 2 * radius + 1)

    def mean(x: Float32Array) -> Float32Array:
        return np.asarray(cv2.boxFilter(x, cv2.CV_32F, size), dtype=np.float32)

    mean_g, mean_s = mean(guide), mean(source)
    covariance = mean(guide * source) - mean_g * mean_s
    variance = mean(guide * guide) - mean_g * mean_g
    a = np.asarray(covariance / (variance + np.float32(GUIDE_EPS)), dtype=np.float32)
    b = np.asarray(mean_s - a * mean_g, dtype=np.float32)
    return np.asarray(mean(a) * guide + mean(b), dtype=np.float32)


OPERATORS: list[Operator[Any]] = [
    Operator(
        name="dehaze",
        version="1.0.0",
        summary="take out haze or fog (dark channel prior)",
        params=DehazeParams,
        run=dehaze,
        keywords=("dehaze", "haze", "hazy", "fog", "foggy", "mist", "misty", "smog", "smoggy"),
        examples=("remove the haze", "dehaze it a bit"),
    ),
]
