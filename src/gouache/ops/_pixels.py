"""Pixel plumbing shared by the operators: sRGB transfer curves as lookup tables, per-channel
tables and colour matrices that leave alpha alone, and premultiplied-alpha resampling.

Conventions: `luma` is BT.601 Y' on gamma-encoded values (what JPEG and OpenCV's RGB2GRAY use);
`luminance` is BT.709 Y on linear light. Both weights sum to 1, so a grey keeps its value.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

import cv2
import numpy as np
import numpy.typing as npt

from gouache.colors import RGB
from gouache.images import Image

if TYPE_CHECKING:
    from cv2.typing import MatLike

Float32Array = npt.NDArray[np.float32]

LUMA_WEIGHTS = np.array([0.299, 0.587, 0.114], dtype=np.float32)
LUMINANCE_WEIGHTS = np.array([0.2126, 0.7152, 0.0722], dtype=np.float32)

_CODES = np.arange(256, dtype=np.float32)


def srgb_to_linear(codes: Float32Array) -> Float32Array:
    """IEC 61966-2-1 decoding of code values 0..255 to linear light 0..1."""
    c = codes / np.float32(255.0)
    low = c / np.float32(12.92)
    high = ((c + np.float32(0.055)) / np.float32(1.055)) ** np.float32(2.4)
    return np.where(c <= 0.04045, low, high).astype(np.float32)


def linear_to_srgb(linear: Float32Array) -> Float32Array:
    """IEC 61966-2-1 encoding of linear light (clipped to 0..1) to code values 0..255."""
    x = np.clip(linear, 0.0, 1.0).astype(np.float32)
    low = x * np.float32(12.92)
    high = np.float32(1.055) * x ** np.float32(1.0 / 2.4) - np.float32(0.055)
    return (np.where(x <= 0.0031308, low, high) * np.float32(255.0)).astype(np.float32)


LINEAR_OF_CODE: Float32Array = srgb_to_linear(_CODES)
LINEAR_OF_CODE.setflags(write=False)


def code_values() -> Float32Array:
    """0, 1, ..., 255 as float32: the input side of every lookup table."""
    return _CODES.copy()


def to_uint8(values: npt.NDArray[np.floating]) -> Image:
    return np.asarray(np.clip(np.rint(values), 0, 255), dtype=np.uint8)


def apply_lut(image: Image, lut: npt.NDArray[np.floating]) -> Image:
    """Map each colour channel through a 256-entry table, (256,) for all or (256, 3) per channel.

    The values are rounded to uint8; an alpha channel goes through the identity.
    """
    table = to_uint8(lut)
    if table.ndim == 1:
        table = np.repeat(table[:, None], 3, axis=1)
    if image.shape[2] == 4:
        table = np.concatenate([table, np.arange(256, dtype=np.uint8)[:, None]], axis=1)
    return np.asarray(
        cv2.LUT(image, np.ascontiguousarray(table.reshape(256, 1, image.shape[2]))), dtype=np.uint8
    )


def apply_matrix(
    image: Image, matrix: npt.NDArray[np.floating], offset: npt.NDArray[np.floating] | None = None
) -> Image:
    """out_rgb = matrix @ rgb + offset for every pixel, saturated to uint8; alpha is kept.

    OpenCV's 8-bit transform works in fixed point, so results are within 1 level of exact.
    """
    channels = image.shape[2]
    full = np.zeros((channels, channels + 1), dtype=np.float32)
    full[:3, :3] = matrix
    if offset is not None:
        full[:3, channels] = offset
    if channels == 4:
        full[3, 3] = 1.0
    return np.asarray(cv2.transform(image, full), dtype=np.uint8)


def rgb_of(image: Image) -> Image:
    """The colour channels as a contiguous (H, W, 3) array (a copy when there is alpha)."""
    if image.shape[2] == 3:
        return image
    return np.ascontiguousarray(image[:, :, :3])


def with_alpha_of(rgb: Image, source: Image) -> Image:
    """Attach `source`'s alpha channel (if it has one) to new colour channels."""
    if source.shape[2] == 3:
        return rgb
    return np.dstack([rgb, source[:, :, 3]])


def has_transparency(image: Image) -> bool:
    return image.shape[2] == 4 and bool(image[:, :, 3].min() < 255)


def luma_of_color(color: RGB) -> float:
    return float(np.dot(LUMA_WEIGHTS, np.asarray(color, dtype=np.float32)))


def contrasting(color: RGB) -> RGB:
    """Black for a light colour, white for a dark one."""
    return (0, 0, 0) if luma_of_color(color) >= 128.0 else (255, 255, 255)


def resample(
    image: Image,
    warp: Callable[[MatLike], MatLike],
    *,
    transparent_border: bool = False,
    fill: RGB = (0, 0, 0),
) -> Image:
    """Run a geometric resampling (resize, warp) on an image, alpha-correctly.

    Interpolating straight RGBA bleeds the colour of invisible pixels into visible ones (dark
    fringes), so images with transparency, or warps that bring in transparent border pixels,
    are resampled premultiplied in float32 and unpremultiplied after. Where the result is fully
    transparent its colour is `fill`.
    """
    if image.shape[2] == 3 or not (transparent_border or has_transparency(image)):
        return np.asarray(warp(image), dtype=np.uint8)
    alpha = image[:, :, 3].astype(np.float32) / np.float32(255.0)
    premultiplied = image.astype(np.float32)
    premultiplied[:, :, :3] *= alpha[:, :, None]
    warped = np.asarray(warp(premultiplied), dtype=np.float32)
    out_alpha = np.clip(warped[:, :, 3], 0.0, 255.0)
    visible = out_alpha > 0.5
    scale = np.where(visible, 255.0 / np.maximum(out_alpha, 1e-6), 0.0).astype(np.float32)
    rgb = warped[:, :, :3] * scale[:, :, None]
    rgb = np.where(visible[:, :, None], rgb, np.asarray(fill, dtype=np.float32))
    return to_uint8(np.dstack([rgb, out_alpha]))
