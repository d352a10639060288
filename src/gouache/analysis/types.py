"""The records the analysers return, and the one pixel contract they share.

Every analyser takes a uint8 image of shape (H, W) grey, (H, W, 3) RGB or (H, W, 4) RGBA
and returns plain, immutable records in image pixel coordinates (x to the right, y down,
origin at the top-left corner of the top-left pixel). Nothing here imports a model.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal, NamedTuple

import numpy as np
import numpy.typing as npt

from gouache.images import Image

Mask = npt.NDArray[np.bool_]
Vector = npt.NDArray[np.float32]


class Point(NamedTuple):
    x: float
    y: float


class Box(NamedTuple):
    """An axis-aligned rectangle in whole pixels: columns x..x+w-1, rows y..y+h-1."""

    x: int
    y: int
    w: int
    h: int

    @property
    def area(self) -> int:
        return self.w * self.h

    @property
    def right(self) -> int:
        return self.x + self.w

    @property
    def bottom(self) -> int:
        return self.y + self.h

    def intersection(self, other: Box) -> int:
        """Pixels the two boxes share."""
        w = min(self.right, other.right) - max(self.x, other.x)
        h = min(self.bottom, other.bottom) - max(self.y, other.y)
        return max(0, w) * max(0, h)


def box_around(xs: npt.ArrayLike, ys: npt.ArrayLike, width: int, height: int) -> Box | None:
    """The whole-pixel box that holds every point, clipped to the image; None if nothing is left."""
    x_arr = np.asarray(xs, dtype=np.float64)
    y_arr = np.asarray(ys, dtype=np.float64)
    x0 = int(np.clip(np.floor(x_arr.min()), 0, width))
    y0 = int(np.clip(np.floor(y_arr.min()), 0, height))
    x1 = int(np.clip(np.ceil(x_arr.max()), 0, width))
    y1 = int(np.clip(np.ceil(y_arr.max()), 0, height))
    if x1 <= x0 or y1 <= y0:
        return None
    return Box(x0, y0, x1 - x0, y1 - y0)


class Landmarks(NamedTuple):
    """YuNet's five points, in its order; right and left are the person's own."""

    right_eye: Point
    left_eye: Point
    nose: Point
    mouth_right: Point
    mouth_left: Point


@dataclass(frozen=True)
class Face:
    """One detected face.

    `embedding` is SFace's 128-d identity vector, L2-normalised; compare two faces with
    `gouache.analysis.faces.face_similarity`. It is a tuple so that a Face is hashable and
    compares by value; `vector` gives it as a numpy array.
    """

    box: Box
    score: float
    landmarks: Landmarks
    embedding: tuple[float, ...]

    @property
    def vector(self) -> Vector:
        return np.asarray(self.embedding, dtype=np.float32)


@dataclass(frozen=True)
class TextLine:
    """One line of text as the OCR read it.

    `polygon` is the detector's quadrilateral (top-left, top-right, bottom-right,
    bottom-left of the text as written); `box` is the axis-aligned box around it.
    """

    text: str
    score: float
    box: Box
    polygon: tuple[Point, Point, Point, Point]


SubjectMethod = Literal["grabcut-faces", "grabcut-centre", "ground", "prior"]


@dataclass(frozen=True, eq=False)
class SubjectMask:
    """Which pixels belong to the main subject.

    `mask` is a bool array (H, W); `box` is the box around it, None when it is empty;
    `method` says which prior seeded it ("grabcut-faces", "grabcut-centre", "ground" where
    the picture is several objects on a smooth ground and the mask is all of them, or
    "prior" where the image was too small or too uniform for GrabCut).
    """

    mask: Mask
    method: SubjectMethod
    box: Box | None

    @property
    def coverage(self) -> float:
        """The share of the image the subject covers, 0..1."""
        return float(self.mask.mean()) if self.mask.size else 0.0


def check_pixels(image: object) -> Image:
    """An analyser's input, validated: uint8 of shape (H, W), (H, W, 1), (H, W, 3) or (H, W, 4).

    Raises TypeError, as `gouache.images.check_image` does, for anything else.
    """
    if not isinstance(image, np.ndarray):
        raise TypeError(f"an image is a numpy array, not {type(image).__name__}")
    if image.dtype != np.uint8:
        raise TypeError(f"an image has dtype uint8, not {image.dtype}")
    if (
        image.ndim not in (2, 3)
        or (image.ndim == 3 and image.shape[2] not in (1, 3, 4))
        or image.shape[0] < 1
        or image.shape[1] < 1
    ):
        raise TypeError(f"an image has shape (height, width[, 1, 3 or 4]), not {image.shape}")
    return image


def as_rgb(image: Image) -> Image:
    """Validate an analyser's input and return it as RGB (H, W, 3), alpha dropped.

    Grey (H, W) and (H, W, 1) arrays are repeated into three channels.
    """
    pixels = check_pixels(image)
    if pixels.ndim == 2:
        pixels = pixels[:, :, np.newaxis]
    if pixels.shape[2] == 1:
        return np.ascontiguousarray(np.repeat(pixels, 3, axis=2))
    return np.ascontiguousarray(pixels[:, :, :3])
