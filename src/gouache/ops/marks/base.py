"""What the stages of `gouache.ops.marks` share: the per-pixel codes, the residual's and
the flank tests' thresholds, and reading a picture at offsets from many pixels."""

from __future__ import annotations

import math

import numpy as np
import numpy.typing as npt

from gouache.ops._pixels import Float32Array

MEDIAN = 15
CONTRAST = 20.0
TEXTURE = 3.0
DIRECTIONS = 8
# Points averaged along the line, for its centre and each flank.
ALONG = 7
FLANKS = (4, 7)
SYMMETRY = 0.5
FLATNESS = 0.3
# Levels of slack on the flank tests (JPEG noise on a smooth ground).
FLANK_SLACK = 4.0
# ... and this share of the local grain (the flanks are averages, so far less than it).
GRAIN_SLACK = 0.25

# The per-pixel code kept whole: what the band pass found.
LIGHT, DARK, RIDGE, SPECK = 1, 2, 4, 8

IntArray = npt.NDArray[np.intp]


def samples(angle: float, across: int) -> list[tuple[int, int]]:
    """(dx, dy) of the ALONG points `across` px out along the normal at `angle`, spread
    along the line (its tangent)."""
    nx, ny = math.cos(angle), math.sin(angle)
    return [
        (round(across * nx - k * ny), round(across * ny + k * nx))
        for k in range(-ALONG // 2 + 1, ALONG // 2 + 1)
    ]


def meanat(
    a: Float32Array, ys: IntArray, xs: IntArray, points: list[tuple[int, int]]
) -> Float32Array:
    total = np.zeros(len(ys), dtype=np.float32)
    for dx, dy in points:
        total += at(a, ys, xs, dx, dy)
    return total / np.float32(len(points))


def at(
    a: Float32Array, ys: IntArray, xs: IntArray, dx: int | IntArray, dy: int | IntArray
) -> Float32Array:
    height, width = a.shape
    return np.asarray(a[np.clip(ys + dy, 0, height - 1), np.clip(xs + dx, 0, width - 1)])


def mirrored(a: Float32Array, ys: IntArray, xs: IntArray, dx: int, dy: int) -> Float32Array:
    """As `_at`, but a point past the edge is read mirrored back in: clamped, a ring around a
    speck at the edge would read the speck itself."""
    height, width = a.shape
    y, x = np.abs(ys + dy), np.abs(xs + dx)
    y = np.where(y > height - 1, 2 * (height - 1) - y, y)
    x = np.where(x > width - 1, 2 * (width - 1) - x, x)
    return np.asarray(a[np.clip(y, 0, height - 1), np.clip(x, 0, width - 1)])
