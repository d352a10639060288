"""Texture: film grain and clarity (local contrast).

grain    seeded gaussian noise, the same in every channel (monochrome, as silver grain),
         at the grain `size` (noise drawn at 1/size of the resolution, then enlarged
         smoothly), weighted by luma L in 0..1 as film shows it: most in the midtones,
         least in deep shadows and clipped highlights,

             v' = v + sigma * n * (W0 + (1 - W0) * 4 L (1 - L)),   sigma = amount * SIGMA_MAX

         so the same seed gives the same grain on every run.
clarity  an unsharp mask with a wide radius (CLARITY_RADIUS of the shorter side) on luma
         only: edges between large areas gain contrast, colours keep their hue, and fine
         detail is not sharpened. The detail d is soft-limited, d' = k tanh(d / k), so
         strong edges get no halo. The "depth" look and the "pop" edit of a region use it.
smooth_skin  an edge-preserving (bilateral) smoothing of the detail between about 1/400 and
         1/30 of the shorter side, where blemishes and pores are: the picture is brought to
         SMOOTH_SIDE pixels, filtered there, and the change brought back up, so eyes, lips
         and the face's outline keep their edges and the finest texture is kept (no plastic
         look). adjust_region applies it to the faces ("smooth her skin").
"""

from __future__ import annotations

from typing import Any

import cv2
import numpy as np
from pydantic import Field

from gouache.images import Image
from gouache.ops import filters
from gouache.ops._pixels import LUMA_WEIGHTS, rgb_of, to_uint8, with_alpha_of
from gouache.ops.registry import OpContext, Operator, Params

SIGMA_MAX = 24.0  # code values of noise at amount 1
W0 = 0.3  # the grain's share in the deepest shadows and highest highlights
CLARITY_RADIUS = 0.03
HALO_LIMIT = 14.0  # code values: the detail clarity adds is soft-limited to about this
BAND_PIXELS = 1 << 18  # pixels worked at once (memory, not results)
SMOOTH_SIDE = 400  # the shorter side skin is smoothed at
SMOOTH_SHARE = 0.85  # of the smoothing kept at amount 1


class GrainParams(Params):
    # 0..1: 0.25 is visible film grain (6 code values in the midtones), 1 is very coarse.
    amount: float = Field(default=0.25, gt=0.0, le=1.0)
    # The grain's size in pixels (1 = per pixel).
    size: float = Field(default=1.5, ge=1.0, le=8.0)
    seed: int = Field(default=0, ge=0)


class ClarityParams(Params):
    # Local contrast added: 0.5 is clear, 1 strong; negative softens it.
    amount: float = Field(default=0.5, ge=-1.0, le=2.0)


def grain(image: Image, p: GrainParams, ctx: OpContext) -> Image:
    """Luma-weighted monochrome grain (see the module doc). The noise is drawn whole (the
    seed's stream), the rest is worked a band of rows at a time (float copies of the whole
    picture cost some 70 bytes a pixel)."""
    rgb = rgb_of(image)
    h, w = rgb.shape[:2]
    rng = np.random.default_rng(p.seed)
    small = (max(1, round(w / p.size)), max(1, round(h / p.size)))
    noise = rng.standard_normal((small[1], small[0]), dtype=np.float32)
    if small != (w, h):
        noise = np.asarray(cv2.resize(noise, (w, h), interpolation=cv2.INTER_CUBIC))
        noise /= max(_std(noise), 1e-6)  # enlarging smooths it: keep its strength
    out = np.empty_like(rgb)
    sigma = np.float32(p.amount * SIGMA_MAX)
    for rows in _bands(h, w):
        values = rgb[rows].astype(np.float32)
        luma = (values @ LUMA_WEIGHTS) / np.float32(255.0)
        weight = np.float32(W0) + np.float32(1.0 - W0) * 4.0 * luma * (1.0 - luma)
        delta = sigma * noise[rows] * weight
        out[rows] = to_uint8(values + delta[..., None])
    return with_alpha_of(out, image)


def local_contrast(image: Image, amount: float) -> Image:
    """Clarity by `amount` (see the module doc); `amount` 0 returns the picture unchanged.
    Luma and its wide blur are whole float planes; the rest goes a band of rows at a time
    (float copies of the whole picture cost some 60 bytes a pixel)."""
    rgb = rgb_of(image)
    h, w = rgb.shape[:2]
    luma = np.empty((h, w), dtype=np.float32)
    for rows in _bands(h, w):
        luma[rows] = rgb[rows].astype(np.float32) @ LUMA_WEIGHTS
    sigma = max(2.0, CLARITY_RADIUS * min(h, w))
    # a wide blur runs on a reduced copy (filters.gaussian): 30 s -> under 1 s at 12 MP
    blurred = np.asarray(filters.gaussian(luma, sigma), dtype=np.float32)
    out = np.empty_like(rgb)
    for rows in _bands(h, w):
        detail = luma[rows] - blurred[rows]
        # soft-limited, so a strong edge (a dark head on a bright sky) gets no bright halo
        detail = np.float32(HALO_LIMIT) * np.tanh(detail / np.float32(HALO_LIMIT))
        values = rgb[rows].astype(np.float32)
        out[rows] = to_uint8(values + np.float32(amount) * detail[..., None])
    return with_alpha_of(out, image)


def smooth_skin(image: Image, amount: float) -> Image:
    """Skin smoothing by `amount` (1 full, see the module doc)."""
    rgb = rgb_of(image)
    h, w = rgb.shape[:2]
    scale = min(1.0, SMOOTH_SIDE / max(1, min(h, w)))
    size = (max(1, round(w * scale)), max(1, round(h * scale)))
    small = rgb if scale == 1.0 else np.asarray(cv2.resize(rgb, size, interpolation=cv2.INTER_AREA))
    smoothed = small
    for _ in range(2):  # two gentle passes smooth more and keep edges better than one strong one
        smoothed = np.asarray(cv2.bilateralFilter(smoothed, 9, 40.0, 5.0))
    change = smoothed.astype(np.int16) - small.astype(np.int16)
    share = np.float32(min(1.0, SMOOTH_SHARE * amount))
    out = np.empty_like(rgb)
    for rows in _bands(h, w):
        if scale == 1.0:
            part = change[rows].astype(np.float32)
        else:
            top, bottom = rows.start * scale, rows.stop * scale
            first = max(0, int(top) - 2)
            last = min(size[1], int(np.ceil(bottom)) + 2)
            # the rows of the change that cover these rows, brought back up (linear)
            ys = (np.arange(rows.start, rows.stop, dtype=np.float32) + 0.5) * scale - 0.5
            ys = np.clip(ys, 0, size[1] - 1).astype(np.float32) - np.float32(first)
            xs = np.clip((np.arange(w, dtype=np.float32) + 0.5) * scale - 0.5, 0, size[0] - 1)
            xs = xs.astype(np.float32)
            map_x, map_y = np.meshgrid(xs, ys)
            part = np.asarray(
                cv2.remap(change[first:last].astype(np.float32), map_x, map_y, cv2.INTER_LINEAR),
                dtype=np.float32,
            )
        out[rows] = to_uint8(rgb[rows].astype(np.float32) + share * part)
    return with_alpha_of(out, image)


def _bands(height: int, width: int) -> list[slice]:
    """Row ranges of about BAND_PIXELS pixels each."""
    step = max(1, BAND_PIXELS // max(width, 1))
    return [slice(top, min(height, top + step)) for top in range(0, height, step)]


def _std(plane: np.ndarray) -> float:
    """The standard deviation without numpy's full-size temporaries."""
    _, std = cv2.meanStdDev(plane)
    return float(std[0, 0])


def clarity(image: Image, p: ClarityParams, ctx: OpContext) -> Image:
    return local_contrast(image, p.amount)


OPERATORS: list[Operator[Any]] = [
    Operator(
        name="grain",
        version="1.0.0",
        summary="add film grain (seeded, strongest in the midtones)",
        params=GrainParams,
        run=grain,
        keywords=("grain", "grainy", "grainier", "film grain", "add noise"),
        examples=("add some grain", "more grain"),
    ),
    Operator(
        name="clarity",
        version="1.0.0",
        summary="local contrast: more clarity and depth without sharpening fine detail",
        params=ClarityParams,
        run=clarity,
        keywords=("clarity", "local contrast", "microcontrast", "micro contrast"),
        examples=("add clarity", "more local contrast"),
    ),
]
