"""Image measurements shared by the suggestions (`gouache.suggest`) and the critics.

Luma has one definition here: Y' = 0.299 R' + 0.587 G' + 0.114 B' (ITU-R BT.601 weights on
the encoded values), what OpenCV's RGB2GRAY computes and what the tone operators use. Alpha is
ignored by `luma`; callers leave transparent pixels out with `opaque_mask`.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import cv2
import numpy as np
import numpy.typing as npt

from gouache.images import Image

FloatArray = npt.NDArray[np.float64]

# BT.601 luma weights, as OpenCV's RGB2GRAY.
# Luma at or below SHADOW is crushed, at or above HIGHLIGHT blown (code values).
SHADOW = 2
HIGHLIGHT = 253

# Colour and lines are measured on a copy whose longer side is at most this.
WORKING_SIDE = 512

# The share of pixels with the strongest gradients left out of the noise estimate.
NOISE_EDGE_SHARE = 0.10

# tilt: lines within TILT_WINDOW degrees of level and at least LINE_MIN_SHARE of the width
# long count.
TILT_WINDOW = 10.0
LINE_MIN_SHARE = 0.25
MAX_SEGMENTS = 32
# Edges whose gradient is at least this many times more vertical than horizontal: within
# 10 degrees of level (tan 80 degrees).
LEVEL_EDGE_RATIO = 5.67

# -- luma and tone ----------------------------------------------------------------------------


def opaque_mask(image: Image) -> Image | None:
    """1 where alpha is at least half, 0 elsewhere (uint8); None when nothing is transparent."""
    if image.ndim != 3 or image.shape[2] != 4 or image[:, :, 3].min() >= 128:
        return None
    return np.asarray(image[:, :, 3] >= 128, dtype=np.uint8)


def luma(image: Image) -> Image:
    """Luma Y' (BT.601 weights on the encoded values, OpenCV's RGB2GRAY) as uint8; alpha is
    ignored and a grey image is its own luma."""
    if image.ndim == 2:
        return image
    if image.shape[2] == 1:
        return np.ascontiguousarray(image[:, :, 0])
    rgb = np.ascontiguousarray(image[:, :, :3])
    return np.asarray(cv2.cvtColor(rgb, cv2.COLOR_RGB2GRAY), dtype=np.uint8)


@dataclass(frozen=True)
class ToneStats:
    """The luma histogram's summary, every value in [0, 1]."""

    mean: float
    rms: float
    p99: float
    clipped: float  # share of pixels at 254 or 255
    shadows: float  # share of pixels at SHADOW or below (crushed)
    highlights: float  # share of pixels at HIGHLIGHT or above (blown)


def tone_stats(grey: Image, mask: Image | None = None) -> ToneStats:
    """Mean, RMS contrast, 99th percentile and clipped share of a uint8 luma image, over the
    pixels where `mask` (uint8) is not 0, or all of them."""
    hist = cv2.calcHist([grey], [0], mask, [256], [0, 256]).ravel().astype(np.float64)
    hist /= max(hist.sum(), 1.0)
    levels = np.arange(256, dtype=np.float64) / 255.0
    mean = float(hist @ levels)
    rms = math.sqrt(max(float(hist @ (levels - mean) ** 2), 0.0))
    p99 = float(levels[min(int(np.searchsorted(np.cumsum(hist), 0.99)), 255)])
    return ToneStats(
        mean=mean,
        rms=rms,
        p99=p99,
        clipped=float(hist[254:].sum()),
        shadows=float(hist[: SHADOW + 1].sum()),
        highlights=float(hist[HIGHLIGHT:].sum()),
    )


# -- colour -----------------------------------------------------------------------------------


def is_grey(image: Image) -> bool:
    if image.ndim == 2 or image.shape[2] < 3:
        return True
    rgb = image[::4, ::4, :3]
    return bool(
        np.array_equal(rgb[..., 0], rgb[..., 1]) and np.array_equal(rgb[..., 1], rgb[..., 2])
    )


def cast_imbalance(rgb: Image, mask: Image | None = None) -> FloatArray:
    """Each channel's grey-edge illuminant relative to their mean, minus 1: 0 is neutral.

    Grey edge: J. van de Weijer, T. Gevers, A. Gijsenij, "Edge-Based Color Constancy", IEEE
    TIP 16(9), 2007, with n = 1 (first derivatives), p = 1, sigma = 1 px, on encoded values
    (call it at WORKING_SIDE px: the measure depends on scale), pixels with a channel at 250 or
    more, or where `mask` (uint8) is 0, left out: e_c = mean over pixels of
    |grad (G_sigma * f_c)|.

    Why not grey world (each channel's mean): in linear light it reads scikit-image's coffee
    as +94 % red and its astronaut as +37 % red, so any threshold that lets natural photos
    pass misses every cast. See CAST_IMBALANCE for what grey edge reads.
    """
    smooth = cv2.GaussianBlur(rgb.astype(np.float32) / np.float32(255.0), (0, 0), 1.0)
    gx = cv2.Sobel(smooth, cv2.CV_32F, 1, 0)
    gy = cv2.Sobel(smooth, cv2.CV_32F, 0, 1)
    magnitude = cv2.sqrt(gx * gx + gy * gy)
    brightest = cv2.max(cv2.max(rgb[:, :, 0], rgb[:, :, 1]), rgb[:, :, 2])
    unclipped = np.asarray(brightest < 250, dtype=np.uint8)
    if mask is not None:
        unclipped &= mask
    if not unclipped.any():
        return np.zeros(3, dtype=np.float64)
    e = np.asarray(cv2.mean(magnitude, mask=unclipped)[:3], dtype=np.float64)
    if e.mean() <= 1e-9:
        return np.zeros(3, dtype=np.float64)
    return np.asarray(e / e.mean() - 1.0, dtype=np.float64)


# -- noise ------------------------------------------------------------------------------------

# Immerkær's operator: the difference of two Laplacians, blind to planes and to linear ramps.
_IMMERKAER = np.array([[1, -2, 1], [-2, 4, -2], [1, -2, 1]], dtype=np.float32)


def noise_sigma(grey: Image, mask: Image | None = None) -> float:
    """The standard deviation of additive white noise in a uint8 luma image, in code values,
    measured where `mask` (uint8) is not 0, or everywhere.

    J. Immerkær, "Fast Noise Variance Estimation", Computer Vision and Image Understanding
    64(2), 1996: sigma = sqrt(pi / 2) / (6 (W - 2) (H - 2)) * sum |I * N|, with N the 3x3
    operator above. Edges answer N too and would read as noise, so, as S.-C. Tai and
    S.-M. Yang, "A fast method for image noise estimation using Laplacian operator and
    adaptive edge detection", ISCCSP 2008, the strongest 10 % of Sobel gradients are left
    out and the sum is averaged over the pixels that remain.
    """
    if min(grey.shape) < 3:
        return 0.0
    response = np.abs(cv2.filter2D(grey, cv2.CV_32F, _IMMERKAER))[1:-1, 1:-1]
    gx = cv2.Sobel(grey, cv2.CV_32F, 1, 0)
    gy = cv2.Sobel(grey, cv2.CV_32F, 0, 1)
    gradient = (np.abs(gx) + np.abs(gy))[1:-1, 1:-1]
    # The cut from every 4th pixel of every 4th row: the same quantile to a fraction of a level.
    sample = gradient[::4, ::4].ravel()
    rank = int(len(sample) * (1 - NOISE_EDGE_SHARE))
    cut = float(np.partition(sample, rank)[rank])
    flat = np.asarray(gradient < cut if cut > 0 else gradient >= 0, dtype=np.uint8)
    if mask is not None:
        flat &= mask[1:-1, 1:-1]
    if not flat.any():
        return 0.0
    return math.sqrt(math.pi / 2) / 6.0 * float(cv2.mean(response, mask=flat)[0])


# -- lines and sharpness ----------------------------------------------------------------------


def horizon_tilt(grey: Image) -> float | None:
    """The tilt of the long near-level lines of a uint8 luma image (at about WORKING_SIDE px),
    in degrees, positive when they fall to the right (turned clockwise); None when there are
    none.

    1. Canny edges (J. Canny, "A Computational Approach to Edge Detection", IEEE PAMI 8(6),
       1986) of the reduced luma, kept where the gradient is within 10 degrees of vertical,
       so only near-level edges remain.
    2. Probabilistic Hough (J. Matas, C. Galambos, J. Kittler, "Robust Detection of Lines
       Using the Progressive Probabilistic Hough Transform", CVIU 78(1), 2000) on those edges
       thickened to 5 px, so that a line walked at the Hough's quantised angle stays on its
       edge: segments at least a quarter of the width long, within TILT_WINDOW of level.
    3. Each segment's angle refined by a least-squares fit of the thin edge pixels within
       3 px of it (Hough endpoints alone are good to about 0.5 degree at this size).
    4. The median of the refined angles of the (at most MAX_SEGMENTS) longest segments.
    """
    height, width = grey.shape[:2]
    if min(height, width) < 16:
        return None
    smooth = cv2.GaussianBlur(grey, (0, 0), 1.5)
    edges = cv2.Canny(smooth, 25, 75)
    gx = np.abs(cv2.Sobel(smooth, cv2.CV_32F, 1, 0))
    gy = np.abs(cv2.Sobel(smooth, cv2.CV_32F, 0, 1))
    edges[gy < LEVEL_EDGE_RATIO * gx] = 0
    band = cv2.dilate(edges, np.ones((5, 1), dtype=np.uint8))
    segments = cv2.HoughLinesP(
        band,
        rho=1,
        theta=math.pi / 360,
        threshold=max(30, width // 8),
        minLineLength=max(8, int(width * LINE_MIN_SHARE)),
        maxLineGap=max(3, width // 100),
    )
    if segments is None:
        return None
    ys, xs = np.nonzero(edges)
    angles: list[float] = []
    # The longest first, and no more than MAX_SEGMENTS: a facade of windows can give hundreds.
    found = sorted(
        np.asarray(segments).reshape(-1, 4).tolist(),
        key=lambda s: (-abs(s[2] - s[0]), s),
    )
    for x1, y1, x2, y2 in found[:MAX_SEGMENTS]:
        if x2 < x1:
            x1, y1, x2, y2 = x2, y2, x1, y1
        if x2 == x1 or abs(math.degrees(math.atan2(y2 - y1, x2 - x1))) > TILT_WINDOW:
            continue
        slope = (y2 - y1) / (x2 - x1)
        near = (xs >= x1) & (xs <= x2) & (np.abs(ys - (y1 + slope * (xs - x1))) <= 3)
        if np.count_nonzero(near) < 10:
            continue
        fitted = np.polyfit(xs[near].astype(np.float64), ys[near].astype(np.float64), 1)[0]
        angle = math.degrees(math.atan(float(fitted)))
        if abs(angle) <= TILT_WINDOW:
            angles.append(angle)
    return float(np.median(angles)) if angles else None


def reduced(image: Image, side: int) -> Image:
    """The image area-averaged down so its longer side is at most `side`."""
    height, width = image.shape[:2]
    scale = side / max(height, width)
    if scale >= 1.0:
        return image
    size = (max(1, round(width * scale)), max(1, round(height * scale)))
    return np.asarray(cv2.resize(image, size, interpolation=cv2.INTER_AREA), dtype=np.uint8)


# Laplacian variance is measured at this size (see `laplacian_variance`).
SHARPNESS_SIDE = 1024


def laplacian_variance(image: Image) -> float:
    """The variance of the Laplacian of the luma, the image first reduced so its long side is
    at most SHARPNESS_SIDE (the variance grows as an image shrinks; see critics/sharpness.py).

    J. L. Pech-Pacheco, G. Cristóbal, J. Chamorro-Martínez, J. Fernández-Valdivia, "Diatom
    autofocusing in brightfield microscopy: a comparative study", ICPR 2000, vol. 3, 314-317.
    """
    grey = reduced(luma(image), SHARPNESS_SIDE)
    laplacian = cv2.Laplacian(grey.astype(np.float32), cv2.CV_32F, ksize=1)
    return float(laplacian.astype(np.float64).var())
