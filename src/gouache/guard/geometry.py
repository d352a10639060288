"""Step 1 of the guard: the output's size and aspect against the source's, and the 2-D maps.

Every map here is a 2x3 (or 3x3 homogeneous) affine matrix taking *source* pixel centres to
*output* pixel centres, the direction in which `cv2.warpAffine(..., WARP_INVERSE_MAP)`
samples the output onto the source's grid. Pixel centres sit at integer coordinates, so a
resize by f maps x to (x + 0.5) f - 0.5.

A model that returns another size either stretched the picture (a square for a wide input,
sides rounded to a multiple of 16, a 1 MP cap: "stretch") or kept its aspect and cropped or
padded it (a centre square: "uniform"). Alignment (step 2) tries each hypothesis that the two
sizes allow and keeps the one that the most feature matches agree with; the result is always
warped back onto the source's own grid, so the guarded image has the source's size.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Literal

import cv2
import numpy as np
import numpy.typing as npt

from gouache.images import Image

Matrix = npt.NDArray[np.float64]
Hypothesis = Literal["same", "stretch", "uniform"]
Resize = Literal["same", "stretch", "crop", "pad"]
# Aspects closer than this (relative) are the same aspect: rounding to a multiple of 16
# changes a 600x400 picture's aspect by 1.3 %, a stretch the similarity model cannot absorb.
SAME_ASPECT = 0.002


@dataclass(frozen=True)
class Motion:
    """A map read as the drift users see: where the centre went, zoom and turn.

    `shift_px` is the displacement (dx, dy) of the image centre in source pixels, `scale` the
    zoom of the content (sqrt of the determinant), `rotation_deg` the turn counter-clockwise
    on screen (the closest rotation), `anisotropy` the ratio of the two axes' scales minus one.
    """

    shift_px: tuple[float, float]
    scale: float
    rotation_deg: float
    anisotropy: float


def hypotheses(source_size: tuple[int, int], output_size: tuple[int, int]) -> list[Hypothesis]:
    """Which ways the output may have been resized from the source, (width, height) each."""
    if source_size == output_size:
        return ["same"]
    (sw, sh), (ow, oh) = source_size, output_size
    if abs((ow / oh) / (sw / sh) - 1.0) <= SAME_ASPECT:
        return ["stretch"]
    return ["stretch", "uniform"]


def work_size(width: int, height: int, side: int) -> tuple[int, int]:
    """A smaller copy's (width, height): the picture shrunk by the whole factor that brings its
    long side nearest `side` (never enlarged). A whole factor keeps OpenCV's area resize on
    its fast path and every work pixel an average of the same number of pixels."""
    factor = max(1, round(max(width, height) / side))
    return max(1, round(width / factor)), max(1, round(height / factor))


def scaling(fx: float, fy: float) -> Matrix:
    """3x3: a resize by (fx, fy), on pixel centres."""
    return np.array([[fx, 0.0, 0.5 * fx - 0.5], [0.0, fy, 0.5 * fy - 0.5], [0.0, 0.0, 1.0]])


def homogeneous(matrix: Matrix) -> Matrix:
    """2x3 -> 3x3."""
    if matrix.shape == (3, 3):
        return matrix.astype(np.float64)
    return np.vstack([matrix.astype(np.float64), [0.0, 0.0, 1.0]])


def resize_base(
    hypothesis: Hypothesis,
    matrix: Matrix,
    source_size: tuple[int, int],
    output_size: tuple[int, int],
) -> tuple[Resize, Matrix]:
    """The clean resize the output's map is read against, and its name.

    "same" and "stretch" are the identity and the plain stretch between the sizes; a
    "uniform" output is read as a centred crop (scaled to cover the output) or a centred pad
    (scaled to fit inside it), whichever zoom is nearer the estimated one.
    """
    (sw, sh), (ow, oh) = source_size, output_size
    if hypothesis == "same":
        return "same", np.eye(3)
    if hypothesis == "stretch":
        return "stretch", scaling(ow / sw, oh / sh)
    zoom = math.sqrt(abs(float(np.linalg.det(homogeneous(matrix)[:2, :2]))))
    cover, fit = max(ow / sw, oh / sh), min(ow / sw, oh / sh)
    name: Resize = "crop" if abs(math.log(zoom / cover)) <= abs(math.log(zoom / fit)) else "pad"
    k = cover if name == "crop" else fit
    base = np.array(
        [
            [k, 0.0, (ow - 1) / 2.0 - k * (sw - 1) / 2.0],
            [0.0, k, (oh - 1) / 2.0 - k * (sh - 1) / 2.0],
        ]
    )
    return name, homogeneous(base)


def motion_of(matrix: Matrix, base: Matrix, source_size: tuple[int, int]) -> Motion:
    """Read a source->output map as drift, after taking out the clean resize `base`.

    The residual R = base^-1 M is what moved the content on the source's own grid; for a
    similarity R = [[a, b, tx], [-b, a, ty]] the scale is sqrt(a^2 + b^2) and the angle
    atan2(b, a), the same convention as `cv2.getRotationMatrix2D`.
    """
    sw, sh = source_size
    residual = np.linalg.inv(base) @ homogeneous(matrix)
    a = residual[:2, :2]
    centre = np.array([(sw - 1) / 2.0, (sh - 1) / 2.0])
    moved = a @ centre + residual[:2, 2] - centre
    scale = math.sqrt(abs(float(np.linalg.det(a))))
    angle = math.degrees(math.atan2(a[0, 1] - a[1, 0], a[0, 0] + a[1, 1]))
    axes = np.linalg.svd(a, compute_uv=False)
    return Motion(
        shift_px=(float(moved[0]), float(moved[1])),
        scale=scale,
        rotation_deg=angle,
        anisotropy=float(axes[0] / axes[1] - 1.0),
    )


def warp_to_source(
    output: Image,
    matrix: Matrix,
    source_size: tuple[int, int],
    *,
    interpolation: int = cv2.INTER_LINEAR,
) -> Image:
    """Sample `output` onto the source's grid through `matrix`; the border is replicated.

    An output much larger than the grid is first shrunk by a whole factor with pixel
    averaging, so that the bilinear sampling does not alias.
    """
    m = homogeneous(matrix)
    zoom = math.sqrt(abs(float(np.linalg.det(m[:2, :2]))))
    if zoom >= 1.5:
        oh, ow = output.shape[:2]
        size = work_size(ow, oh, round(max(ow, oh) / zoom))
        output = np.asarray(cv2.resize(output, size, interpolation=cv2.INTER_AREA), np.uint8)
        m = scaling(size[0] / ow, size[1] / oh) @ m
    warped = cv2.warpAffine(
        output,
        m[:2],
        source_size,
        flags=interpolation | cv2.WARP_INVERSE_MAP,
        borderMode=cv2.BORDER_REPLICATE,
    )
    return np.asarray(warped, dtype=np.uint8)


def coverage(
    matrix: Matrix, source_size: tuple[int, int], output_size: tuple[int, int]
) -> npt.NDArray[np.bool_]:
    """Source pixels whose centre falls inside the output's frame: what the output shows.

    Everything else came from outside the model's frame; the guard restores it from the source.
    """
    ow, oh = output_size
    inside = np.ones((oh, ow), dtype=np.uint8)
    warped = cv2.warpAffine(
        inside,
        homogeneous(matrix)[:2],
        source_size,
        flags=cv2.INTER_NEAREST | cv2.WARP_INVERSE_MAP,
        borderMode=cv2.BORDER_CONSTANT,
        borderValue=0,
    )
    return np.asarray(warped, dtype=bool)
