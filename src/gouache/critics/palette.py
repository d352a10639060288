"""Palette: most pixels lie within a CIEDE2000 tolerance of an allowed colour.

Colour difference is CIEDE2000 as scikit-image computes it (`skimage.color.deltaE_ciede2000`,
k_L = k_C = k_H = 1), after

    G. Sharma, W. Wu, E. N. Dalal, "The CIEDE2000 color-difference formula: Implementation
    notes, supplementary test data, and mathematical observations", Color Research &
    Application 30(1), 21-30, 2005

and checked against the 34 pairs of their supplementary test data (tests/critics).

sRGB is decoded with the IEC 61966-2-1 transfer function and taken to CIELAB under D65.

The image is subsampled on a regular grid to at most SAMPLE_PIXELS pixels (a 1 MP image
keeps every fourth pixel of every fourth row; the share's sampling error is then well
under one percentage point) and transparent pixels (alpha < 128) are left out. ΔE00 is
computed once per distinct colour of the sample and weighted by its count.

The dominant colours are found by k-means in CIELAB (Lloyd's iterations from a k-means++
start: D. Arthur, S. Vassilvitskii, "k-means++: the advantages of careful seeding", SODA
2007) on at most KMEANS_PIXELS of the sampled pixels, with a fixed seed so that the same
image always reports the same colours; each is reported as the mean sRGB of its pixels.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from gouache.colors import RGB
from gouache.critics.base import CriticContext, Score, margin_at_least
from gouache.images import Image

FloatArray = npt.NDArray[np.floating]

DEFAULT_TOLERANCE = 10.0  # ΔE00
DEFAULT_MIN_SHARE = 0.8
DEFAULT_DOMINANT = 5
SAMPLE_PIXELS = 65_536
KMEANS_PIXELS = 20_000
KMEANS_ITERATIONS = 30
SEED = 0

# sRGB (IEC 61966-2-1) linear RGB -> CIE XYZ, and the D65 white point (Y = 1).
_RGB_TO_XYZ = np.array(
    [
        [0.4124564, 0.3575761, 0.1804375],
        [0.2126729, 0.7151522, 0.0721750],
        [0.0193339, 0.1191920, 0.9503041],
    ]
)
_WHITE_D65 = np.array([0.95047, 1.0, 1.08883])


def _srgb_decode_table() -> npt.NDArray[np.float64]:
    v = np.arange(256, dtype=np.float64) / 255.0
    return np.where(v <= 0.04045, v / 12.92, ((v + 0.055) / 1.055) ** 2.4)


_LINEAR = _srgb_decode_table()


def srgb_to_lab(rgb: npt.ArrayLike) -> npt.NDArray[np.float64]:
    """CIELAB (D65) of 8-bit sRGB colours, shape (..., 3) -> (..., 3)."""
    values = np.asarray(rgb)
    if values.shape[-1:] != (3,):
        raise ValueError(f"sRGB colours have 3 components, not shape {values.shape}")
    linear = _LINEAR[np.clip(values, 0, 255).astype(np.uint8)]
    xyz: npt.NDArray[np.float64] = linear @ _RGB_TO_XYZ.T / _WHITE_D65
    delta = 6.0 / 29.0
    f = np.where(xyz > delta**3, np.cbrt(xyz), xyz / (3 * delta**2) + 4.0 / 29.0)
    lab = np.empty_like(f)
    lab[..., 0] = 116.0 * f[..., 1] - 16.0
    lab[..., 1] = 500.0 * (f[..., 0] - f[..., 1])
    lab[..., 2] = 200.0 * (f[..., 1] - f[..., 2])
    return lab


def delta_e_2000(lab1: npt.ArrayLike, lab2: npt.ArrayLike) -> npt.NDArray[np.float64]:
    """CIEDE2000 colour difference of CIELAB colours, broadcast over (..., 3) arrays, with
    k_L = k_C = k_H = 1: scikit-image's `deltaE_ciede2000`, which follows Sharma, Wu and
    Dalal (2005) and is checked here against their 34 test pairs."""
    from skimage.color import deltaE_ciede2000

    x, y = np.broadcast_arrays(np.asarray(lab1, np.float64), np.asarray(lab2, np.float64))
    result: npt.NDArray[np.float64] = np.asarray(
        deltaE_ciede2000(x, y, channel_axis=-1),  # type: ignore[no-untyped-call]
        dtype=np.float64,
    )
    return result


@dataclass(frozen=True)
class DominantColour:
    rgb: RGB
    share: float
    # the closest allowed colour and its ΔE00
    nearest: RGB
    delta_e: float


def hex_of(rgb: RGB) -> str:
    return "#{:02x}{:02x}{:02x}".format(*rgb)


def opaque_sample(image: Image, limit: int = SAMPLE_PIXELS) -> npt.NDArray[np.uint8]:
    """The RGB of a regular grid of at most `limit` opaque pixels, shape (N, 3)."""
    height, width = image.shape[:2]
    step = max(1, math.ceil(math.sqrt(height * width / limit)))
    grid = image[::step, ::step]
    if grid.ndim == 2:
        grid = np.repeat(grid[:, :, np.newaxis], 3, axis=2)
    pixels = grid.reshape(-1, grid.shape[2])
    if pixels.shape[1] == 4:
        pixels = pixels[pixels[:, 3] >= 128]
    return np.ascontiguousarray(pixels[:, :3])


def distinct_colours(
    pixels: npt.NDArray[np.uint8],
) -> tuple[npt.NDArray[np.uint8], npt.NDArray[np.intp]]:
    """The distinct colours of (N, 3) pixels and how many pixels have each."""
    codes = (pixels[:, 0].astype(np.int32) << 16) | (pixels[:, 1].astype(np.int32) << 8)
    codes |= pixels[:, 2]
    unique, counts = np.unique(codes, return_counts=True)
    colours = np.stack([unique >> 16, (unique >> 8) & 255, unique & 255], axis=1)
    return colours.astype(np.uint8), counts


def nearest_allowed(
    lab: FloatArray, allowed: FloatArray
) -> tuple[FloatArray, npt.NDArray[np.intp]]:
    """For each colour (N, 3) its ΔE00 to the closest allowed colour (K, 3), and which."""
    distances = np.stack([delta_e_2000(lab, colour) for colour in allowed], axis=-1)
    which = np.argmin(distances, axis=-1)
    return np.take_along_axis(distances, which[:, np.newaxis], axis=-1)[:, 0], which


def dominant_colours(
    pixels: npt.NDArray[np.uint8], k: int, seed: int = SEED
) -> list[tuple[RGB, float]]:
    """The k main colours of (N, 3) sRGB pixels by seeded k-means in CIELAB, largest first."""
    rng = np.random.default_rng(seed)
    if len(pixels) > KMEANS_PIXELS:
        pixels = pixels[np.sort(rng.choice(len(pixels), KMEANS_PIXELS, replace=False))]
    if len(pixels) == 0 or k < 1:
        return []
    lab = srgb_to_lab(pixels)
    k = min(k, len(np.unique(pixels, axis=0)))

    # 1. k-means++ seeding: each next centre drawn with probability ∝ D(x)^2
    centres = [lab[rng.integers(len(lab))]]
    closest = np.sum((lab - centres[0]) ** 2, axis=1)
    for _ in range(1, k):
        total = float(closest.sum())
        if total <= 0.0:
            break
        centres.append(lab[rng.choice(len(lab), p=closest / total)])
        closest = np.minimum(closest, np.sum((lab - centres[-1]) ** 2, axis=1))
    centre = np.array(centres)

    # 2. Lloyd's iterations until no pixel changes cluster
    labels = np.full(len(lab), -1)
    squared = np.sum(lab**2, axis=1)
    for _ in range(KMEANS_ITERATIONS):
        # |x - c|^2 = |x|^2 - 2 x.c + |c|^2, without the (N, k, 3) array
        distances = squared[:, np.newaxis] - 2.0 * lab @ centre.T + np.sum(centre**2, axis=1)
        new = np.argmin(distances, axis=1)
        if np.array_equal(new, labels):
            break
        labels = new
        sizes = np.bincount(labels, minlength=len(centre))
        for axis in range(3):
            sums = np.bincount(labels, weights=lab[:, axis], minlength=len(centre))
            centre[:, axis] = np.where(sizes > 0, sums / np.maximum(sizes, 1), centre[:, axis])

    # 3. each cluster as the mean sRGB of its pixels, largest first
    found: list[tuple[RGB, float]] = []
    for j in range(len(centre)):
        members = pixels[labels == j]
        if len(members):
            r, g, b = (int(v) for v in np.rint(members.mean(axis=0)))
            found.append(((r, g, b), len(members) / len(pixels)))
    return sorted(found, key=lambda item: -item[1])


@dataclass(frozen=True, kw_only=True)
class Palette:
    """At least `min_share` of the pixels lie within `tolerance` ΔE00 of an allowed colour."""

    colors: tuple[RGB, ...]
    tolerance: float = DEFAULT_TOLERANCE
    min_share: float = DEFAULT_MIN_SHARE
    dominant: int = DEFAULT_DOMINANT
    name: str = "palette"
    weight: float = 1.0

    def __post_init__(self) -> None:
        if not self.colors:
            raise ValueError("a palette needs at least one colour")
        if not 0.0 < self.tolerance <= 100.0:
            raise ValueError(f"tolerance must be in (0, 100] ΔE00, not {self.tolerance}")
        if not 0.0 <= self.min_share <= 1.0:
            raise ValueError(f"min_share must be in [0, 1], not {self.min_share}")
        if not 0 <= self.dominant <= 16:
            raise ValueError(f"dominant must be 0 to 16 colours, not {self.dominant}")

    def dominant_colours(self, image: Image) -> list[DominantColour]:
        """The image's main colours, each with its closest allowed colour."""
        allowed = srgb_to_lab(np.array(self.colors))
        found = dominant_colours(opaque_sample(image), self.dominant)
        if not found:
            return []
        delta, which = nearest_allowed(srgb_to_lab(np.array([rgb for rgb, _ in found])), allowed)
        return [
            DominantColour(rgb, share, self.colors[int(j)], float(d))
            for (rgb, share), d, j in zip(found, delta, which, strict=True)
        ]

    def score(self, image: Image, context: CriticContext) -> Score:
        # 1. the opaque pixels, subsampled
        pixels = opaque_sample(image)
        if len(pixels) == 0:
            return Score(
                criterion=self.name,
                value=0.0,
                target=self.min_share,
                passed=False,
                weight=self.weight,
                unit="share",
                detail="no opaque pixel to judge",
                margin=-1.0,
            )

        # 2. the share within the tolerance of an allowed colour, one ΔE00 per distinct colour
        colours, counts = distinct_colours(pixels)
        allowed = srgb_to_lab(np.array(self.colors))
        delta, _ = nearest_allowed(srgb_to_lab(colours), allowed)
        share = float(counts[delta <= self.tolerance].sum() / counts.sum())

        # 3. the dominant colours, for the reader
        detail = f"{share:.1%} within ΔE00 {self.tolerance:g} of the palette"
        dominant = self.dominant_colours(image)
        if dominant:
            detail += "; dominant: " + ", ".join(_describe(d, self.tolerance) for d in dominant)
        return Score(
            criterion=self.name,
            value=share,
            target=self.min_share,
            passed=share >= self.min_share,
            weight=self.weight,
            unit="share",
            detail=detail,
            margin=margin_at_least(share, self.min_share, max(1.0 - self.min_share, 0.05)),
        )


def _describe(colour: DominantColour, tolerance: float) -> str:
    where = "on palette" if colour.delta_e <= tolerance else "off palette"
    return (
        f"{hex_of(colour.rgb)} {colour.share:.0%} "
        f"({where}, ΔE00 {colour.delta_e:.1f} to {hex_of(colour.nearest)})"
    )
