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

# tilt (see `tilt`): lines are found at TILT_SIDE px; lines within MAX_TILT degrees of level
# or upright and at least LINE_MIN_SHARE of the shorter side long vote by their length; those
# within AGREE degrees of the vote's median must be MIN_AGREEMENT of the voting length and
# MIN_SUPPORT shorter sides long. Canny's high threshold is the EDGE_PERCENTILE of the
# gradient, within EDGE_HIGH; each voter is refitted to the edge pixels within FIT_BAND px.
TILT_SIDE = 640
MAX_TILT = 12.0
LINE_MIN_SHARE = 0.12
AGREE = 1.0
MIN_AGREEMENT = 0.5
MIN_SUPPORT = 0.6
EDGE_PERCENTILE = 98.0
EDGE_HIGH = (60.0, 150.0)
FIT_BAND = 2.0

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


# Channels within this many code values of each other: a black-and-white picture (a grey
# JPEG's chroma noise included).
GREY_SPREAD = 3
# A plain edge: the outermost EDGE_RIM px all round, every pixel within EDGE_SPREAD levels.
EDGE_RIM = 2
EDGE_SPREAD = 12


def is_grey(image: Image) -> bool:
    """True when no pixel of every fourth row and column has channels more than GREY_SPREAD
    apart."""
    if image.ndim == 2 or image.shape[2] < 3:
        return True
    r, g, b = (np.ascontiguousarray(image[::4, ::4, c]) for c in range(3))
    spread = max(float(np.max(cv2.absdiff(r, g))), float(np.max(cv2.absdiff(g, b))))
    return spread <= GREY_SPREAD


def plain_edge(image: Image) -> tuple[int, int, int] | None:
    """The colour of the outermost EDGE_RIM px all round when every opaque pixel there is
    within EDGE_SPREAD levels of it, else None (a photo's edges, a transparent rim)."""
    if image.ndim == 2:
        image = image[..., None].repeat(3, axis=2)
    rim = np.ones(image.shape[:2], dtype=bool)
    rim[EDGE_RIM:-EDGE_RIM, EDGE_RIM:-EDGE_RIM] = False
    if image.shape[2] == 4:
        rim &= image[..., 3] > 0
    pixels = image[rim][:, :3].astype(np.int16)
    if pixels.shape[0] == 0:
        return None
    colour = np.median(pixels, axis=0)
    if np.abs(pixels - colour).max() > EDGE_SPREAD:
        return None
    r, g, b = (int(c) for c in colour)
    return (r, g, b)


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


# Grey world on near-neutral pixels: a pixel whose (max - min) / max is under NEUTRAL_CHROMA
# and whose brightest channel is between NEUTRAL_DARK and 250 (code values); used when they are
# at least NEUTRAL_SHARE of the pixels, else every unclipped pixel is.
NEUTRAL_CHROMA = 0.4
NEUTRAL_DARK = 40
NEUTRAL_SHARE = 0.02


def grey_world_imbalance(rgb: Image, mask: Image | None = None) -> FloatArray:
    """Each channel's mean linear light relative to their mean, minus 1, over the picture's
    near-neutral pixels (see NEUTRAL_CHROMA), or over every unclipped one when too few are
    near-neutral: a second estimate of the illuminant, beside `cast_imbalance`.

    Alone it reads natural photos as warm (their colourful things pull it), but a cast tints
    the near-neutral things too, while a colourful subject on a coloured ground (an orange
    flower on teal) leaves them alone: grey edge, which reads edges between colours, takes the
    flower for a cool cast (red -18 %) where this reads it warm.
    """
    from gouache.ops._pixels import LINEAR_OF_CODE

    brightest = rgb.max(axis=2)
    darkest = rgb.min(axis=2)
    unclipped = brightest < 250
    if mask is not None:
        unclipped &= mask.astype(bool)
    chroma = (brightest.astype(np.float32) - darkest) / np.maximum(brightest, 1)
    neutral = unclipped & (chroma < NEUTRAL_CHROMA) & (brightest > NEUTRAL_DARK)
    chosen = neutral if neutral.mean() >= NEUTRAL_SHARE else unclipped
    if not chosen.any():
        return np.zeros(3, dtype=np.float64)
    light = LINEAR_OF_CODE[rgb[chosen]].astype(np.float64)
    e = light.mean(axis=0)
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


def tilt(grey: Image, max_tilt: float = MAX_TILT) -> float | None:
    """How far the picture is turned, in degrees, from its dominant straight lines: positive
    when it is turned clockwise (a horizon falls to the right, an upright leans right at the
    top), so the rotate operator's `-tilt` levels it. None when no such lines agree: nothing
    is measured on a guess. `grey` is uint8 luma of any size.

    1. Canny edges (J. Canny, "A Computational Approach to Edge Detection", IEEE PAMI 8(6),
       1986) of the luma reduced to TILT_SIDE, the high threshold from the gradient's
       EDGE_PERCENTILE so a soft horizon counts and grass does not.
    2. Probabilistic Hough (J. Matas, C. Galambos, J. Kittler, "Robust Detection of Lines
       Using the Progressive Probabilistic Hough Transform", CVIU 78(1), 2000): segments at
       least LINE_MIN_SHARE of the shorter side, within `max_tilt` of level or upright, each
       folded to its nearest axis; they vote by length, and at least MIN_AGREEMENT of the vote
       must lie within AGREE of its median (a horizon or a wall, not a cat's fur).
    3. Each agreeing segment refitted by least squares to the edge pixels within FIT_BAND px
       of its line, twice (a Hough segment walks the pixel staircase of a line under a degree
       and reads it as level); the tilt is the length-weighted median of the refitted angles.
    """
    grey = reduced(grey, TILT_SIDE)
    if min(grey.shape[:2]) < 16:
        return None
    # 1. edges
    smooth = cv2.GaussianBlur(grey, (0, 0), 1.2)
    gradient = np.abs(cv2.Sobel(smooth, cv2.CV_32F, 1, 0)) + np.abs(
        cv2.Sobel(smooth, cv2.CV_32F, 0, 1)
    )
    high = float(np.clip(np.percentile(gradient, EDGE_PERCENTILE), *EDGE_HIGH))
    edges = cv2.Canny(smooth, high / 3, high)
    # 2. segments near an axis, and their agreement
    shortest = LINE_MIN_SHARE * min(grey.shape[:2])
    found = cv2.HoughLinesP(
        edges, 1, math.pi / 360, threshold=40, minLineLength=shortest, maxLineGap=shortest / 4
    )
    if found is None:
        return None
    segments = np.asarray(found, dtype=np.float64).reshape(-1, 4)
    x1, y1, x2, y2 = segments.T
    # image y points down: a line falling to the right has a positive angle
    folded = (np.degrees(np.arctan2(y2 - y1, x2 - x1)) + 45.0) % 90.0 - 45.0
    near_axis = np.abs(folded) <= max_tilt
    segments, folded = segments[near_axis], folded[near_axis]
    if not len(segments):
        return None
    length = np.hypot(segments[:, 2] - segments[:, 0], segments[:, 3] - segments[:, 1])
    median = _weighted_median(folded, length)
    agree = np.abs(folded - median) <= AGREE
    agreeing = float(length[agree].sum())
    if agreeing < MIN_AGREEMENT * length.sum() or agreeing < MIN_SUPPORT * min(grey.shape[:2]):
        return None
    # 3. each agreeing segment refitted to its edge pixels
    ys, xs = np.nonzero(edges)
    angles = [_refitted(s, xs.astype(np.float64), ys.astype(np.float64)) for s in segments[agree]]
    return _weighted_median(np.asarray(angles), length[agree])


def _refitted(segment: FloatArray, xs: FloatArray, ys: FloatArray) -> float:
    """The folded angle of the least-squares line through the edge pixels within FIT_BAND px
    of the segment's line (then of that fitted line); the segment's own angle when too few."""
    x1, y1, x2, y2 = (float(v) for v in segment)
    level = abs(x2 - x1) >= abs(y2 - y1)
    # fit across = slope * along + offset, along x for a level line and along y for an upright
    along, across = (xs, ys) if level else (ys, xs)
    a1, c1, a2, c2 = (x1, y1, x2, y2) if level else (y1, x1, y2, x2)
    slope = (c2 - c1) / (a2 - a1)
    offset = c1 - slope * a1
    for _ in range(2):
        near = np.abs(across - (slope * along + offset)) <= FIT_BAND
        if np.count_nonzero(near) < 10:
            break
        fitted = np.polyfit(along[near], across[near], 1)
        slope, offset = float(fitted[0]), float(fitted[1])
    angle = math.degrees(math.atan(slope))
    # an upright whose x grows with y leans left at the top: turned counter-clockwise
    return angle if level else -angle


def _weighted_median(values: FloatArray, weights: FloatArray) -> float:
    order = np.argsort(values)
    cumulative = np.cumsum(weights[order])
    return float(values[order][np.searchsorted(cumulative, cumulative[-1] / 2)])


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
