"""Filters: blur, sharpen, denoise."""

from __future__ import annotations

import math
from typing import TYPE_CHECKING, Any

import cv2
import numpy as np
from pydantic import Field

from gouache.images import Image
from gouache.ops._pixels import has_transparency, rgb_of, to_uint8, with_alpha_of
from gouache.ops.registry import OpContext, Operator, Params

if TYPE_CHECKING:
    from cv2.typing import MatLike

# Above this sigma a full-resolution gaussian gets slow (O(sigma) per pixel): blur a reduced
# copy instead, with the reduction chosen so the small blur keeps a sigma of about 4 pixels.
EXACT_SIGMA_LIMIT = 6.0
BAND_PIXELS = 1 << 18  # pixels sharpened at once (memory, not results)
_REDUCED_SIGMA = 4.0

# denoise: h of non-local means at strength 0 and 1, and the patch / search window sizes.
# A 3 px patch in a 7 px window keeps 1 MP near 150 ms on two cores; OpenCV's usual 7 / 21
# costs about 6x as much and scored no better on gaussian noise (astronaut, sigma 15).
DENOISE_H = (4.0, 20.0)
DENOISE_TEMPLATE = 3
DENOISE_SEARCH = 7


class BlurParams(Params):
    # Gaussian sigma in pixels.
    radius: float = Field(default=3.0, gt=0.0, le=200.0)


class SharpenParams(Params):
    # Unsharp-mask amount (1 = add back 100 % of the detail) and radius (sigma, pixels).
    amount: float = Field(default=1.0, gt=0.0, le=5.0)
    radius: float = Field(default=1.5, gt=0.0, le=20.0)


class DenoiseParams(Params):
    # 0..1, mapped to the filter strength of non-local means.
    strength: float = Field(default=0.5, gt=0.0, le=1.0)


def gaussian(pixels: MatLike, sigma: float) -> MatLike:
    """A gaussian blur of any sigma; large ones run on a reduced copy (area-averaged down,
    bilinear up), whose own blur is shrunk so that the total variance matches sigma**2."""
    height, width = pixels.shape[:2]
    small = reduced_gaussian(pixels, sigma)
    if small.shape[:2] == (height, width):
        return small
    return cv2.resize(small, (width, height), interpolation=cv2.INTER_LINEAR)


def reduced_gaussian(pixels: MatLike, sigma: float) -> MatLike:
    """`gaussian` before its last step: for a large sigma the blurred reduced copy, which
    scaled up bilinearly to the size of `pixels` (or to any multiple of it, for a blur scaled
    with the picture) is the blur; for a small one the exact blur at full size."""
    if sigma <= EXACT_SIGMA_LIMIT:
        return cv2.GaussianBlur(pixels, (0, 0), sigmaX=sigma, sigmaY=sigma)
    height, width = pixels.shape[:2]
    factor = sigma / _REDUCED_SIGMA
    small_w, small_h = max(1, round(width / factor)), max(1, round(height / factor))
    fx, fy = width / small_w, height / small_h
    # Box down and tent up add about (f**2 / 12 + f**2 / 6) of variance in full-size pixels.
    sigma_x = math.sqrt(max(sigma**2 - fx**2 / 4.0, 0.25)) / fx
    sigma_y = math.sqrt(max(sigma**2 - fy**2 / 4.0, 0.25)) / fy
    small = cv2.resize(pixels, (small_w, small_h), interpolation=cv2.INTER_AREA)
    return cv2.GaussianBlur(small, (0, 0), sigmaX=sigma_x, sigmaY=sigma_y)


def _smooth_rgb(image: Image, sigma: float) -> MatLike:
    """The gaussian-blurred colour channels as float32.

    With transparency, colours are weighted by alpha (normalised convolution), so that the
    hidden colour of transparent pixels does not bleed into visible ones as a halo.
    """
    if not has_transparency(image):
        if sigma <= EXACT_SIGMA_LIMIT:
            # Straight from uint8 to float32, without a float copy of the input.
            kernel = cv2.getGaussianKernel(2 * math.ceil(4 * sigma) + 1, sigma, cv2.CV_32F)
            return cv2.sepFilter2D(rgb_of(image), cv2.CV_32F, kernel, kernel)
        return gaussian(rgb_of(image).astype(np.float32), sigma)
    rgb = rgb_of(image).astype(np.float32)
    alpha = image[:, :, 3].astype(np.float32) / np.float32(255.0)
    weighted = np.asarray(gaussian(rgb * alpha[:, :, None], sigma), dtype=np.float32)
    weight = np.asarray(gaussian(alpha, sigma), dtype=np.float32)
    covered = weight > 1e-4
    smooth = weighted / np.where(covered, weight, np.float32(1.0))[:, :, None]
    return np.where(covered[:, :, None], smooth, rgb)


def blur(image: Image, p: BlurParams, ctx: OpContext) -> Image:
    """Gaussian blur of the colour channels, sigma = radius (edges reflected)."""
    if not has_transparency(image):
        # uint8 in and out: OpenCV's fixed-point path is several times faster than float
        return with_alpha_of(np.asarray(gaussian(rgb_of(image), p.radius), dtype=np.uint8), image)
    return with_alpha_of(to_uint8(np.asarray(_smooth_rgb(image, p.radius))), image)


def sharpen(image: Image, p: SharpenParams, ctx: OpContext) -> Image:
    """Unsharp mask: v' = v + amount * (v - gaussian(v, radius)), the blur kept in float32.

    An opaque picture is sharpened a band of rows at a time, each blurred with the kernel's
    reach of rows around it (the same result as blurring it whole): the float blur of the
    whole picture cost 12 bytes a pixel."""
    if has_transparency(image) or p.radius > EXACT_SIGMA_LIMIT:
        smooth = _smooth_rgb(image, p.radius)
        sharp = cv2.addWeighted(
            rgb_of(image), 1.0 + p.amount, smooth, -p.amount, 0.0, dtype=cv2.CV_8U
        )
        return with_alpha_of(np.asarray(sharp, dtype=np.uint8), image)
    rgb = rgb_of(image)
    height, width = rgb.shape[:2]
    reach = math.ceil(4 * p.radius)
    kernel = cv2.getGaussianKernel(2 * reach + 1, p.radius, cv2.CV_32F)
    out = np.empty_like(rgb)
    step = max(1, BAND_PIXELS // max(width, 1))
    for top in range(0, height, step):
        bottom = min(height, top + step)
        first, last = max(0, top - reach), min(height, bottom + reach)
        smooth = cv2.sepFilter2D(rgb[first:last], cv2.CV_32F, kernel, kernel)
        band = smooth[top - first : bottom - first]
        out[top:bottom] = cv2.addWeighted(
            rgb[top:bottom], 1.0 + p.amount, band, -p.amount, 0.0, dtype=cv2.CV_8U
        )
    return with_alpha_of(out, image)


def denoise(image: Image, p: DenoiseParams, ctx: OpContext) -> Image:
    """Non-local means on colour (OpenCV's `fastNlMeansDenoisingColored`, which filters L*
    and a*b* separately), with h = hColor = 4 + 16 * strength.

    A. Buades, B. Coll, J.-M. Morel, "A non-local algorithm for image denoising", CVPR 2005.
    """
    low, high = DENOISE_H
    h = low + (high - low) * p.strength
    # A band of rows at a time, each with the rows its windows read (search and template
    # reach (7 + 3) / 2 px): the same result as the whole picture at once, whose buffers
    # inside OpenCV cost some 15 bytes a pixel.
    rgb = rgb_of(image)
    height, width = rgb.shape[:2]
    reach = (DENOISE_SEARCH + DENOISE_TEMPLATE) // 2 + 2
    out = np.empty_like(rgb)
    step = max(1, BAND_PIXELS // max(width, 1))
    for top in range(0, height, step):
        bottom = min(height, top + step)
        first, last = max(0, top - reach), min(height, bottom + reach)
        # OpenCV's colour conversion inside assumes BGR order.
        bgr = cv2.cvtColor(rgb[first:last], cv2.COLOR_RGB2BGR)
        clean = cv2.fastNlMeansDenoisingColored(bgr, None, h, h, DENOISE_TEMPLATE, DENOISE_SEARCH)
        out[top:bottom] = cv2.cvtColor(clean[top - first : bottom - first], cv2.COLOR_BGR2RGB)
    return with_alpha_of(out, image)


OPERATORS: list[Operator[Any]] = [
    Operator(
        name="blur",
        version="1.0.0",
        summary="soften with a gaussian blur (radius in pixels)",
        params=BlurParams,
        run=blur,
        keywords=("blur", "blurry", "soften", "soft focus", "defocus"),
        examples=("blur it a bit", "blur with radius 8"),
    ),
    Operator(
        name="sharpen",
        version="1.0.0",
        summary="sharpen details (unsharp mask)",
        params=SharpenParams,
        run=sharpen,
        keywords=("sharpen", "sharper", "crisp", "crisper", "more detail"),
        examples=("sharpen", "sharpen a lot"),
    ),
    Operator(
        name="denoise",
        version="1.0.0",
        summary="remove noise and grain",
        params=DenoiseParams,
        run=denoise,
        keywords=("denoise", "noise", "noisy", "clean up"),
        examples=("remove the noise", "denoise a bit"),
    ),
]
