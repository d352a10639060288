"""Preservation: outside the edit, the image is still the source.

Two measures over the pixels outside `CriticContext.edit_mask` (all pixels when there is
none), against `CriticContext.source`:

PSNR, over the R, G and B values of those pixels: 10 log10(255^2 / MSE), capped at
PSNR_CAP dB (identical pixels).

SSIM, after Z. Wang, A. C. Bovik, H. R. Sheikh, E. P. Simoncelli, "Image quality
assessment: from error visibility to structural similarity", IEEE Transactions on Image
Processing 13(4), 600-612, 2004, computed by `skimage.metrics.structural_similarity`
with the paper's settings (Gaussian window sigma 1.5, population covariances, K1 = 0.01,
K2 = 0.03) on the luma (ITU-R BT.601) of both images. Notation (paper -> code):

    x, y           the source's and the image's luma                  `before`, `after`
    SSIM(x, y)     the local index at each pixel, from the window's
                   mu_x, mu_y, sigma_x, sigma_y, sigma_xy               `ssim_map`
    MSSIM          the mean of the local index, here over the pixels outside the edit
                   mask grown by the window radius (5 px), so that no window that saw an
                   edited pixel counts                                 the SSIM value

The value and target are those of the measure closer to failing.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

import numpy as np
import numpy.typing as npt

from gouache.critics.base import CriticContext, Score, margin_at_least
from gouache.errors import InputError
from gouache.images import Image
from gouache.ops._pixels import LUMA_WEIGHTS

DEFAULT_MIN_PSNR = 30.0
DEFAULT_MIN_SSIM = 0.9
PSNR_CAP = 100.0
PSNR_SCALE = 20.0  # dB above the minimum that count as a full margin
SSIM_SIGMA = 1.5
SSIM_RADIUS = 5  # skimage's window for sigma 1.5: 2 * int(3.5 * 1.5 + 0.5) + 1 = 11 px


def edit_mask_of(mask: Any, height: int, width: int) -> npt.NDArray[np.bool_]:
    """The edit mask as bool (H, W): True where the edit was meant to happen.

    Accepts bool or 0/255 arrays of shape (H, W) or (H, W, 1); raises InputError otherwise.
    """
    if mask is None:
        return np.zeros((height, width), dtype=bool)
    array = np.asarray(mask)
    if array.ndim == 3 and array.shape[2] == 1:
        array = array[:, :, 0]
    if array.shape != (height, width):
        raise InputError(
            f"the edit mask has shape {array.shape}, but the image is {height} x {width} "
            "(height x width)"
        )
    return array > (127 if array.dtype == np.uint8 else 0)


def _rgb(image: Image) -> npt.NDArray[np.uint8]:
    if image.ndim == 2:
        return np.repeat(image[:, :, np.newaxis], 3, axis=2)
    return image[:, :, :3]


def _luma(image: Image) -> npt.NDArray[np.float64]:
    rgb = _rgb(image).astype(np.float64)
    luma: npt.NDArray[np.float64] = rgb @ LUMA_WEIGHTS.astype(np.float64)
    return luma


def psnr(before: Image, after: Image, keep: npt.NDArray[np.bool_]) -> float:
    """PSNR in dB over the RGB values of the pixels where `keep` is True."""
    a = _rgb(before)[keep].astype(np.float64)
    b = _rgb(after)[keep].astype(np.float64)
    mse = float(np.mean((a - b) ** 2)) if a.size else 0.0
    if mse <= 0.0:
        return PSNR_CAP
    return min(PSNR_CAP, 10.0 * math.log10(255.0**2 / mse))


def ssim(before: Image, after: Image, keep: npt.NDArray[np.bool_]) -> float:
    """Mean SSIM of the luma over `keep` shrunk by the window radius (or `keep` if empty)."""
    import cv2
    from skimage.metrics import structural_similarity

    _, ssim_map = structural_similarity(  # type: ignore[no-untyped-call]
        _luma(before),
        _luma(after),
        data_range=255.0,
        gaussian_weights=True,
        sigma=SSIM_SIGMA,
        use_sample_covariance=False,
        full=True,
    )
    size = 2 * SSIM_RADIUS + 1
    kernel = np.ones((size, size), dtype=np.uint8)
    inner = cv2.erode(keep.astype(np.uint8), kernel, borderType=cv2.BORDER_REPLICATE) > 0
    region = inner if inner.any() else keep
    return float(np.mean(ssim_map[region]))


@dataclass(frozen=True, kw_only=True)
class Preservation:
    """Outside the edit: PSNR at least `min_psnr` dB and SSIM at least `min_ssim`."""

    min_psnr: float = DEFAULT_MIN_PSNR
    min_ssim: float = DEFAULT_MIN_SSIM
    name: str = "preservation"
    weight: float = 1.0

    def __post_init__(self) -> None:
        if not 0.0 < self.min_psnr < PSNR_CAP:
            raise ValueError(f"min_psnr must be in (0, {PSNR_CAP:g}) dB, not {self.min_psnr}")
        if not 0.0 < self.min_ssim < 1.0:
            raise ValueError(f"min_ssim must be in (0, 1), not {self.min_ssim}")

    def skip_reason(self, context: CriticContext) -> str | None:
        return "no source image was given" if context.source is None else None

    def score(self, image: Image, context: CriticContext) -> Score:
        source = context.source
        if source is None:
            raise InputError(f"criterion {self.name!r} needs the source image")
        height, width = image.shape[:2]

        # 1. the same frame, or nothing to compare
        if source.shape[:2] != (height, width):
            return Score(
                criterion=self.name,
                value=0.0,
                target=self.min_psnr,
                passed=False,
                weight=self.weight,
                unit="dB",
                detail=(
                    f"the image is {width}x{height} but the source is "
                    f"{source.shape[1]}x{source.shape[0]}: nothing to compare pixel by pixel"
                ),
                margin=-1.0,
            )

        # 2. the pixels the edit was not meant to touch
        keep = ~edit_mask_of(context.edit_mask, height, width)
        if not keep.any():
            return Score(
                criterion=self.name,
                value=PSNR_CAP,
                target=self.min_psnr,
                passed=True,
                weight=self.weight,
                unit="dB",
                detail="the edit covers the whole image: nothing to preserve",
                margin=1.0,
            )

        # 3. both measures; the one closer to failing is reported
        db = psnr(source, image, keep)
        index = ssim(source, image, keep)
        psnr_margin = margin_at_least(db, self.min_psnr, PSNR_SCALE)
        ssim_margin = margin_at_least(index, self.min_ssim, 1.0 - self.min_ssim)
        detail = (
            f"outside the edit ({keep.mean():.0%} of the pixels): PSNR {db:.1f} dB "
            f"(min {self.min_psnr:g}), SSIM {index:.3f} (min {self.min_ssim:g})"
        )
        if psnr_margin <= ssim_margin:
            value, target, unit = db, self.min_psnr, "dB"
        else:
            value, target, unit = index, self.min_ssim, "SSIM"
        return Score(
            criterion=self.name,
            value=value,
            target=target,
            passed=db >= self.min_psnr and index >= self.min_ssim,
            weight=self.weight,
            unit=unit,
            detail=detail,
            margin=min(psnr_margin, ssim_margin),
        )
