"""Framing without being told numbers: straighten a tilted picture, and crop to the subject.

auto_straighten measures the tilt from the picture's dominant straight lines (probabilistic
                Hough transform on Canny edges; lines within `MAX_TILT` of horizontal or
                vertical vote by their length, the tilt is their weighted median, and at least
                half of the voting length must lie within a degree of it), then rotates by its
                opposite and crops to the largest upright rectangle. A picture
                with no such lines, or already level within `MIN_TILT`, is refused with the
                measured tilt named: nothing is turned on a guess.
crop_subject    the GrabCut subject's box, grown by `margin` of its size on every side.
"""

from __future__ import annotations

from typing import Any

import cv2
import numpy as np
from pydantic import Field

from gouache.errors import InvalidParameterError
from gouache.images import Image
from gouache.ops import geometry
from gouache.ops.registry import OpContext, Operator, Params

MAX_TILT = 12.0  # degrees: steeper lines are not a tilted horizon or wall
MIN_TILT = 0.4  # degrees: under this the picture is level already
MIN_LINE = 0.12  # of the shorter side: shorter segments do not vote
WORK_SIZE = 640
AGREE = 1.0  # degrees around the median that count as the same direction
MIN_AGREEMENT = 0.5  # share of the voting length that must agree
MIN_SUPPORT = 0.6  # agreeing length, in shorter sides


class StraightenParams(Params):
    # Lines within this many degrees of horizontal or vertical are taken as tilted ones.
    max_tilt: float = Field(default=MAX_TILT, gt=0.0, le=30.0)


class CropSubjectParams(Params):
    # Room around the subject's box, as a share of its size on each side.
    margin: float = Field(default=0.08, ge=0.0, le=1.0)


def tilt_of(image: Image, max_tilt: float = MAX_TILT) -> float | None:
    """The picture's tilt in degrees (positive: counter-clockwise, so rotating clockwise by
    it levels the picture), or None when no dominant straight line is found."""
    h, w = image.shape[:2]
    scale = min(1.0, WORK_SIZE / max(h, w))
    grey = cv2.cvtColor(np.ascontiguousarray(image[:, :, :3]), cv2.COLOR_RGB2GRAY)
    if scale < 1.0:
        size = (round(w * scale), round(h * scale))
        grey = np.asarray(cv2.resize(grey, size, interpolation=cv2.INTER_AREA))
    edges = cv2.Canny(cv2.GaussianBlur(grey, (0, 0), 1.2), 50, 150)
    shortest = MIN_LINE * min(grey.shape)
    segments = cv2.HoughLinesP(
        edges, 1, np.pi / 360, threshold=40, minLineLength=shortest, maxLineGap=shortest / 4
    )
    if segments is None:
        return None
    angles: list[float] = []
    weights: list[float] = []
    for x1, y1, x2, y2 in np.asarray(segments, dtype=np.float64).reshape(-1, 4):
        angle = float(np.degrees(np.arctan2(y2 - y1, x2 - x1)))
        # fold to the nearest axis: a horizon near 0, a wall near 90
        off = (angle + 45.0) % 90.0 - 45.0
        if abs(off) <= max_tilt:
            angles.append(off)
            weights.append(float(np.hypot(x2 - x1, y2 - y1)))
    if not angles:
        return None
    found, weight = np.asarray(angles), np.asarray(weights)
    order = np.argsort(found)
    cumulative = np.cumsum(weight[order])
    median = float(found[order][np.searchsorted(cumulative, cumulative[-1] / 2)])
    # the lines must agree: a horizon or a wall, not the edges of a cup or a cat's fur
    agreeing = weight[np.abs(found - median) <= AGREE].sum()
    if agreeing < MIN_AGREEMENT * weight.sum() or agreeing < MIN_SUPPORT * min(grey.shape):
        return None
    # image y points down: a line rising to the right has a negative angle
    return -median


def straighten(image: Image, p: StraightenParams, ctx: OpContext) -> Image:
    tilt = tilt_of(image, p.max_tilt)
    if tilt is None:
        raise InvalidParameterError(
            "auto_straighten: no horizon or straight edge to level by was found; to turn it "
            'anyway say how far, e.g. "rotate 2 degrees clockwise"',
            op="auto_straighten",
        )
    if abs(tilt) < MIN_TILT:
        raise InvalidParameterError(
            f"auto_straighten: the picture is straight already (tilt {tilt:+.1f}°); to turn it "
            'anyway say how far, e.g. "rotate 2 degrees clockwise"',
            op="auto_straighten",
        )
    ctx.notes.append(
        f"auto_straighten: tilted {abs(tilt):.1f}° {'counter-' if tilt > 0 else ''}clockwise, "
        f"rotated {abs(tilt):.1f}° back and cropped to the level rectangle"
    )
    return geometry.rotate(image, geometry.RotateParams(degrees=tilt, fit="crop"), ctx)


def crop_subject(image: Image, p: CropSubjectParams, ctx: OpContext) -> Image:
    subject = ctx.analysis(image).subject
    box = subject.box
    if box is None or not subject.mask.any():
        raise InvalidParameterError(
            "crop_subject: no subject stands out in this picture to zoom in on",
            op="crop_subject",
        )
    h, w = image.shape[:2]
    dx, dy = p.margin * box.w, p.margin * box.h
    x0, y0 = max(0, int(box.x - dx)), max(0, int(box.y - dy))
    x1, y1 = min(w, int(np.ceil(box.right + dx))), min(h, int(np.ceil(box.bottom + dy)))
    if (x1 - x0) * (y1 - y0) >= 0.95 * w * h:
        raise InvalidParameterError(
            "crop_subject: the subject fills the picture already; nothing to zoom in on",
            op="crop_subject",
        )
    ctx.notes.append(f"crop_subject: the subject found by GrabCut ({subject.method})")
    return np.ascontiguousarray(image[y0:y1, x0:x1])


OPERATORS: list[Operator[Any]] = [
    Operator(
        name="auto_straighten",
        version="1.0.0",
        summary="level a tilted horizon or wall (the tilt is measured), cropped to fit",
        params=StraightenParams,
        run=straighten,
        examples=("straighten it", "level the horizon"),
        geometry=True,
    ),
    Operator(
        name="crop_subject",
        version="1.0.0",
        summary="crop (zoom in) to the main subject",
        params=CropSubjectParams,
        run=crop_subject,
        examples=("zoom in on the subject",),
        geometry=True,
    ),
]
