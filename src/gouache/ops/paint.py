"""Oil painting: flat dabs of paint laid in brush strokes that follow the picture's shapes.

1. Dabs -- the "oil paint" filter of ImageMagick (`-paint`, `OilPaintImage`) and GIMP: each
   pixel takes the mean colour of the most common intensity level in its neighbourhood, so
   areas flatten into dabs while edges stay sharp. Done with box filters, one pass per level:

       q(x)        the luma of x quantised to LEVELS levels
       n_k(x)      the number of neighbours (within `radius`) whose level is k    `counts`
       s_k(x)      the sum of their colours                                       `sums`
       out(x)      s_k*(x) / n_k*(x), with k* = argmax_k n_k(x)

2. Strokes -- line integral convolution (B. Cabral, L. Leedom, "Imaging Vector Fields Using
   Line Integral Convolution", SIGGRAPH 1993) of the dabs along the flow of the picture: the
   minor eigenvector of the smoothed structure tensor (as in J. E. Kyprianidis, H. Kang,
   J. Döllner, "Image and Video Abstraction by Anisotropic Kuwahara Filtering", Pacific
   Graphics 2009, section 3), so the paint is smeared along edges, never across them:

       J = G_rho * [gx^2, gx gy; gx gy, gy^2]      the structure tensor       `jxx, jxy, jyy`
       t = (lambda1 - jxx, -jxy)                   the flow (tangent) direction  `tx, ty`
       out(x) = 1/(2L+1) sum_{i=-L..L} dabs(x + i h t(x))     (each step re-reads t)

3. Impasto -- the same integral of seeded noise gives stroke-shaped ridges; their gradient,
   lit from the top left, lightens and darkens the paint by up to IMPASTO code values.
"""

from __future__ import annotations

from typing import Any

import cv2
import numpy as np
from pydantic import Field

from gouache.images import Image
from gouache.ops._pixels import (
    LUMA_WEIGHTS,
    Float32Array,
    has_transparency,
    rgb_of,
    to_uint8,
    with_alpha_of,
)
from gouache.ops.registry import OpContext, Operator, Params

LEVELS = 16
RADIUS = 0.009  # of the long side: 3.5 px at 384 px, 9 px at 1000 px
STROKE = 0.025  # stroke length (each way) as a fraction of the long side
STROKE_STEPS = 8
SHORTEST = 0.2  # the stroke length where the picture has no one direction, of the longest
TENSOR_SIGMA = 0.016  # smoothing of the structure tensor, of the long side
IMPASTO = 10.0  # code values of light and shade on the ridges at strength 1
NOISE_SEED = 0
FILL_SIGMA = 0.03  # of the long side: how far the visible colours reach into hidden pixels
WORK_PIXELS = 1_000_000  # larger pictures are painted on a copy this size, then enlarged


class OilParams(Params):
    # 0..1: the paint blended over the picture; 1 is a full oil painting.
    strength: float = Field(default=1.0, gt=0.0, le=1.0)
    # Brush size: 1 is the default dab and stroke; 2 paints with a brush twice as wide.
    brush: float = Field(default=1.0, ge=0.5, le=3.0)


def oil_paint(image: Image, p: OilParams, ctx: OpContext) -> Image:
    """Dabs, strokes along the flow, impasto light (see the module doc); blended by strength."""
    rgb = rgb_of(image)
    height, width = rgb.shape[:2]
    work = _shrunk(rgb)
    if has_transparency(image):  # no dark halo from the hidden pixels at the cut-out's rim
        work = _filled(work, _shrunk(np.ascontiguousarray(image[:, :, 3])))
    long_side = max(work.shape[:2])
    # 1. dabs of the most common intensity
    radius = max(1, round(RADIUS * long_side * p.brush))
    dabs = _dabs(work, radius)
    # 2. strokes: the dabs smeared along the flow
    tx, ty = _flow(work, max(1.0, TENSOR_SIGMA * long_side * p.brush))
    step = max(0.5, STROKE * long_side * p.brush / STROKE_STEPS)
    strokes = _integrate(dabs.astype(np.float32), tx, ty, step)
    # 3. impasto: ridges of noise smeared the same way, lit from the top left
    rng = np.random.default_rng(NOISE_SEED)
    noise = rng.random(work.shape[:2], dtype=np.float32)
    noise = np.asarray(cv2.GaussianBlur(noise, (0, 0), max(0.6, radius / 3.0)), np.float32)
    ridges = _integrate(noise[:, :, None], tx, ty, step)[:, :, 0]
    ridges = (ridges - ridges.mean()) / max(float(ridges.std()), 1e-6)
    light = cv2.Sobel(ridges, cv2.CV_32F, 1, 0, ksize=3) + cv2.Sobel(
        ridges, cv2.CV_32F, 0, 1, ksize=3
    )
    light = np.clip(light / 4.0, -1.0, 1.0) * np.float32(IMPASTO)
    painted = to_uint8(strokes - light[:, :, None])
    if painted.shape[:2] != (height, width):
        painted = np.asarray(
            cv2.resize(painted, (width, height), interpolation=cv2.INTER_CUBIC), dtype=np.uint8
        )
    if p.strength < 1.0:
        painted = np.asarray(
            cv2.addWeighted(painted, p.strength, rgb, 1.0 - p.strength, 0.0), dtype=np.uint8
        )
    return with_alpha_of(painted, image)


def _filled(rgb: Image, alpha: Image) -> Image:
    """`rgb` with its hidden pixels (alpha 0) in the colours of the visible ones nearby (a
    normalised blur), so strokes that reach past the rim carry the subject's colour."""
    seen = (alpha > 0).astype(np.float32)
    if not seen.any() or seen.all():
        return rgb
    sigma = max(1.0, FILL_SIGMA * max(rgb.shape[:2]))
    weight = np.asarray(cv2.GaussianBlur(seen, (0, 0), sigma), np.float32)
    spread = np.asarray(cv2.GaussianBlur(rgb.astype(np.float32) * seen[:, :, None], (0, 0), sigma))
    mean = rgb[seen > 0].astype(np.float32).mean(axis=0)
    fill = np.where(weight[:, :, None] > 1e-3, spread / np.maximum(weight, 1e-3)[:, :, None], mean)
    return np.where(seen[:, :, None] > 0, rgb, to_uint8(fill))


def _shrunk(rgb: Image) -> Image:
    height, width = rgb.shape[:2]
    factor = (WORK_PIXELS / (height * width)) ** 0.5
    if factor >= 1.0:
        return rgb
    size = (max(1, round(width * factor)), max(1, round(height * factor)))
    return np.asarray(cv2.resize(rgb, size, interpolation=cv2.INTER_AREA), dtype=np.uint8)


def _dabs(rgb: Image, radius: int) -> Float32Array:
    """Each pixel the mean colour of its neighbourhood's most common luma level."""
    luma = rgb.astype(np.float32) @ LUMA_WEIGHTS
    level = np.minimum((luma * (LEVELS / 256.0)).astype(np.int32), LEVELS - 1)
    size = (2 * radius + 1, 2 * radius + 1)
    best = np.zeros(luma.shape, dtype=np.float32)  # every pixel counts itself
    out = np.zeros(rgb.shape, dtype=np.float32)
    values = rgb.astype(np.float32)
    for k in range(LEVELS):
        mask = (level == k).astype(np.float32)
        if not mask.any():
            continue
        count = np.asarray(cv2.boxFilter(mask, -1, size, normalize=False), np.float32)
        better = count > best
        if not better.any():
            continue
        sums = np.asarray(
            cv2.boxFilter(values * mask[:, :, None], -1, size, normalize=False), np.float32
        )
        best[better] = count[better]
        out[better] = sums[better] / count[better][:, None]
    return out


def _flow(rgb: Image, sigma: float) -> tuple[Float32Array, Float32Array]:
    """The tangent of the smoothed structure tensor at each pixel (along edges), its length
    the anisotropy A = (lambda1 - lambda2) / (lambda1 + lambda2) times (1 - busy) mapped to
    SHORTEST..1, busy the gradient energy against its 95th percentile: strokes are long in
    calm areas with one direction and short in busy detail (eyes, lettering)."""
    luma = (rgb.astype(np.float32) @ LUMA_WEIGHTS) / np.float32(255.0)
    gx = cv2.Sobel(luma, cv2.CV_32F, 1, 0, ksize=3)
    gy = cv2.Sobel(luma, cv2.CV_32F, 0, 1, ksize=3)
    jxx = cv2.GaussianBlur(gx * gx, (0, 0), sigma)
    jxy = cv2.GaussianBlur(gx * gy, (0, 0), sigma)
    jyy = cv2.GaussianBlur(gy * gy, (0, 0), sigma)
    # the larger eigenvalue; its eigenvector is the gradient, the tangent is normal to it
    root = np.sqrt((jxx - jyy) ** 2 + 4.0 * jxy**2)
    lambda1 = 0.5 * (jxx + jyy + root)
    tx, ty = lambda1 - jxx, -jxy
    norm = np.sqrt(tx * tx + ty * ty)
    flat = norm < 1e-9  # no direction: strokes go one fixed way (a painter's hand)
    trace = jxx + jyy
    anisotropy = np.where(trace > 1e-9, root / np.maximum(trace, 1e-9), 0.0)
    # busy places (the most gradient energy) get the short strokes of a small brush
    energy = np.sqrt(np.maximum(trace, 0.0))
    busy = np.clip(energy / max(float(np.percentile(energy, 95)), 1e-6), 0.0, 1.0)
    length = SHORTEST + (1.0 - SHORTEST) * anisotropy * (1.0 - busy)
    tx = np.where(flat, np.float32(0.7071), tx / np.maximum(norm, 1e-9)) * length
    ty = np.where(flat, np.float32(0.7071), ty / np.maximum(norm, 1e-9)) * length
    return np.asarray(tx, np.float32), np.asarray(ty, np.float32)


def _integrate(values: Float32Array, tx: Float32Array, ty: Float32Array, step: float) -> Any:
    """Line integral convolution of `values` (h, w, c) along the field (tx, ty): the mean of
    2 STROKE_STEPS + 1 samples, each step following the field where it has arrived."""
    height, width = tx.shape
    ys, xs = np.mgrid[0:height, 0:width].astype(np.float32)
    total = values.astype(np.float32).copy()
    for sign in (1.0, -1.0):
        px, py = xs.copy(), ys.copy()
        dx, dy = tx * np.float32(sign), ty * np.float32(sign)
        for _ in range(STROKE_STEPS):
            px += dx * step
            py += dy * step
            sample = cv2.remap(values, px, py, cv2.INTER_LINEAR, borderMode=cv2.BORDER_REFLECT)
            total += sample.reshape(values.shape)
            # the field where the stroke has arrived, kept pointing the same way
            nx = cv2.remap(tx, px, py, cv2.INTER_LINEAR, borderMode=cv2.BORDER_REFLECT)
            ny = cv2.remap(ty, px, py, cv2.INTER_LINEAR, borderMode=cv2.BORDER_REFLECT)
            flip = np.where(nx * dx + ny * dy < 0, np.float32(-1.0), np.float32(1.0))
            dx, dy = np.asarray(nx * flip, np.float32), np.asarray(ny * flip, np.float32)
    return total / np.float32(2 * STROKE_STEPS + 1)


OPERATORS: list[Operator[Any]] = [
    Operator(
        name="oil_paint",
        version="1.0.0",
        summary="oil painting: flat dabs of paint in brush strokes along the shapes",
        params=OilParams,
        run=oil_paint,
        keywords=("oil painting", "oil paint", "oil painted", "oils", "impasto"),
        examples=("make it an oil painting",),
    ),
]
