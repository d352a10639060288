"""Parts of a face, found from YuNet's five landmarks (`gouache.analysis.faces`): the eyes
brightened ("make her eyes pop") and the teeth whitened ("whiten her teeth"), offline.

Sizes follow the distance d between the eye landmarks (the pupils) and the width m between
the mouth corners, measured on scikit-image's astronaut (d = 36 px, eyes about 12 px wide)
and matplotlib's Grace Hopper (d = 54 px, eyes about 18 px wide):

    eye     an ellipse on each eye landmark, along the line between the eyes, of semi-axes
            EYE_AXES = (0.3 d, 0.18 d): the eye, its lids and the skin just under it; full
            strength inside FULL of its radius, a smoothstep to nothing at its edge
    mouth   an ellipse between the mouth corners, m wide and MOUTH_HEIGHT m high, along them

Eyes: within the mask, luma's detail at the eye's scale (the iris and lash line against a
blur of sigma DETAIL_SIGMA d) is raised, soft-limited as clarity is (`gouache.ops.texture`),
then the values are lifted by a gamma curve (dark irises more than the whites, which never
clip) and saturated a little; at `amount` 1, EYE_CLARITY, EYE_LIFT and EYE_SATURATION.

Teeth: inside the mouth ellipse, teeth are the pixels that are bright, pale and yellowish
against the skin around the mouth (the ring between RING of the ellipse's radius, its median
L*, a*, C* in CIELAB): L* > max(MIN_L, skin L* - DARKER_THAN_SKIN), C* < PALER * skin C*,
a* < min(PALER * skin a*, MAX_A) (lips and gums are redder than skin), b* > a* (yellow, not
pink), in pieces of at least MIN_PART of the largest (a pale highlight on the lip is no
tooth). Fewer than MIN_TEETH of the ellipse is a closed mouth: nothing is changed and the
operator says so. The teeth's b* is brought toward 0 by TEETH_YELLOW and L* raised by
TEETH_LIGHTEN at `amount` 1, through the mask softened by a pixel and never beyond pixels that
pass the looser test (a* and C* under the skin's own): lips and skin keep their values.
Measured: the astronaut's 59 teeth pixels go from b* 10.0 to 4.9 and L* 85.8 to 90.5; Grace
Hopper's closed mouth shows none. Eyes at `amount` 1: their mean luma (weight over 0.5) rises
from 139 to 154 (astronaut) and 90 to 102 (Grace Hopper).

Pixels outside the masks are copied, not recomputed: they stay exactly as they were.
"""

from __future__ import annotations

import math
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Annotated, Any

import cv2
import numpy as np
from pydantic import Field

from gouache.analysis.types import Face, Point
from gouache.errors import InvalidParameterError
from gouache.images import Image
from gouache.ops._pixels import LUMA_WEIGHTS, Float32Array, to_uint8
from gouache.ops.registry import OpContext, Operator, Params

EYE_AXES = (0.3, 0.18)  # of the distance between the eyes
FULL = 0.5  # of the ellipse's radius at full strength
DETAIL_SIGMA = 0.08  # of the distance between the eyes
HALO_LIMIT = 14.0  # code values, as clarity's
EYE_CLARITY = 0.8
EYE_LIFT = 0.3  # gamma 1 / (1 + lift)
EYE_SATURATION = 0.15

MOUTH_HEIGHT = 0.5  # of the width between the mouth corners
RING = (1.3, 2.0)
MIN_L = 55.0
DARKER_THAN_SKIN = 5.0
PALER = 0.8
MAX_A = 8.0
MIN_TEETH = 0.03  # of the mouth ellipse's pixels
MIN_TEETH_PIXELS = 4
MIN_PART = 0.2  # of the largest piece of teeth
TEETH_YELLOW = 0.6  # share of b* taken out
TEETH_LIGHTEN = 6.0  # L* added

FaceNumbers = tuple[Annotated[int, Field(ge=1)], ...] | None


class BrightenEyesParams(Params):
    # 1 makes the eyes pop; 0.5 is "a bit".
    amount: float = Field(default=1.0, gt=0.0, le=2.0)
    # Some faces only, numbered from the left (from 1); None: every face.
    faces: FaceNumbers = Field(default=None, min_length=1)


class WhitenTeethParams(Params):
    amount: float = Field(default=1.0, gt=0.0, le=2.0)
    faces: FaceNumbers = Field(default=None, min_length=1)


@dataclass(frozen=True)
class _Ellipse:
    centre: Point
    axes: tuple[float, float]  # semi-axes, along and across `angle`
    angle: float  # radians

    def box(self, width: int, height: int, grow: float = 1.0) -> tuple[slice, slice] | None:
        """The rows and columns the ellipse (grown by `grow`) covers, clipped to the image."""
        reach = grow * max(self.axes)
        x0, x1 = (
            max(0, math.floor(self.centre.x - reach)),
            min(width, math.ceil(self.centre.x + reach)),
        )
        y0, y1 = (
            max(0, math.floor(self.centre.y - reach)),
            min(height, math.ceil(self.centre.y + reach)),
        )
        if x1 <= x0 or y1 <= y0:
            return None
        return slice(y0, y1), slice(x0, x1)

    def radius(self, rows: slice, cols: slice) -> Float32Array:
        """The normalised radius over those rows and columns: 1 on the ellipse."""
        ys = np.arange(rows.start, rows.stop, dtype=np.float32)[:, None] + np.float32(0.5)
        xs = np.arange(cols.start, cols.stop, dtype=np.float32)[None, :] + np.float32(0.5)
        dx, dy = xs - np.float32(self.centre.x), ys - np.float32(self.centre.y)
        cos, sin = np.float32(math.cos(self.angle)), np.float32(math.sin(self.angle))
        along = (dx * cos + dy * sin) / np.float32(self.axes[0])
        across = (dy * cos - dx * sin) / np.float32(self.axes[1])
        return np.asarray(np.sqrt(along**2 + across**2), dtype=np.float32)


def eye_ellipses(face: Face) -> list[_Ellipse]:
    right, left = face.landmarks.right_eye, face.landmarks.left_eye
    distance = max(1.0, math.hypot(left.x - right.x, left.y - right.y))
    angle = math.atan2(left.y - right.y, left.x - right.x)
    axes = (EYE_AXES[0] * distance, EYE_AXES[1] * distance)
    return [_Ellipse(eye, axes, angle) for eye in (right, left)]


def mouth_ellipse(face: Face) -> _Ellipse:
    right, left = face.landmarks.mouth_right, face.landmarks.mouth_left
    width = max(1.0, math.hypot(left.x - right.x, left.y - right.y))
    centre = Point((right.x + left.x) / 2, (right.y + left.y) / 2)
    angle = math.atan2(left.y - right.y, left.x - right.x)
    return _Ellipse(centre, (width / 2, MOUTH_HEIGHT * width / 2), angle)


def _chosen(image: Image, faces: tuple[int, ...] | None, ctx: OpContext, op: str) -> list[Face]:
    found = ctx.analysis(image).faces
    if not found:
        raise InvalidParameterError(
            f"{op}: no face found in this picture, so nothing was changed", op=op, param="faces"
        )
    missing = [n for n in faces or () if n > len(found)]
    if missing:
        raise InvalidParameterError(
            f"{op}: there is no face {', '.join(map(str, missing))}: {len(found)} found, "
            "numbered from the left; nothing was changed",
            op=op,
            param="faces",
        )
    return [found[n - 1] for n in sorted(set(faces))] if faces else list(found)


# -- eyes -----------------------------------------------------------------------------------


def eye_weight(image: Image, faces: list[Face]) -> Float32Array:
    """How much of the eye edit each pixel gets, 0..1: 0 outside every eye ellipse."""
    h, w = image.shape[:2]
    weight = np.zeros((h, w), dtype=np.float32)
    for face in faces:
        for ellipse in eye_ellipses(face):
            box = ellipse.box(w, h)
            if box is None:
                continue
            t = np.clip((1.0 - ellipse.radius(*box)) / np.float32(1.0 - FULL), 0.0, 1.0)
            weight[box] = np.maximum(weight[box], t * t * (3.0 - 2.0 * t))
    return weight


def _popped(rgb: Float32Array, amount: float, sigma: float) -> Float32Array:
    """The eye edit of a patch: detail at the eye's scale, a lift, a little saturation."""
    luma = rgb @ LUMA_WEIGHTS
    detail = luma - cv2.GaussianBlur(luma, (0, 0), max(0.7, sigma))
    detail = np.float32(HALO_LIMIT) * np.tanh(detail / np.float32(HALO_LIMIT))
    out = np.clip(rgb + np.float32(EYE_CLARITY * amount) * detail[..., None], 0.0, 255.0)
    gamma = np.float32(1.0 / (1.0 + EYE_LIFT * amount))
    out = np.float32(255.0) * (out / np.float32(255.0)) ** gamma
    grey = (out @ LUMA_WEIGHTS)[..., None]
    return np.asarray(grey + (out - grey) * np.float32(1.0 + EYE_SATURATION * amount))


def brighten_eyes(image: Image, p: BrightenEyesParams, ctx: OpContext) -> Image:
    """Brighter, clearer eyes inside soft ellipses; every other pixel stays exactly as it was."""
    # 1. which faces, and how much each pixel gets
    faces = _chosen(image, p.faces, ctx, "brighten_eyes")
    weight = eye_weight(image, faces)
    out = image.copy()
    h, w = image.shape[:2]
    # 2. each face's eyes as one patch, with room for the blur around them
    for face in faces:
        right, left = face.landmarks.right_eye, face.landmarks.left_eye
        sigma = DETAIL_SIGMA * math.hypot(left.x - right.x, left.y - right.y)
        boxes = [b for b in (e.box(w, h) for e in eye_ellipses(face)) if b is not None]
        if not boxes:
            continue
        pad = math.ceil(3 * sigma) + 1
        rows = slice(max(0, min(b[0].start for b in boxes) - pad),
                     min(h, max(b[0].stop for b in boxes) + pad))  # fmt: skip
        cols = slice(max(0, min(b[1].start for b in boxes) - pad),
                     min(w, max(b[1].stop for b in boxes) + pad))  # fmt: skip
        # read from the picture as given: a face overlapping another is not edited twice
        source = image[rows, cols, :3].astype(np.float32)
        edited = _popped(source, p.amount, sigma)
        a = weight[rows, cols, None]
        mixed = to_uint8(source + a * (edited - source))
        # 3. blend; untouched pixels are copied, not recomputed
        target = out[rows, cols, :3]
        target[...] = np.where(a > 0, mixed, target)
    ctx.notes.append(f"brighten_eyes: {_eyes(len(faces))} brightened")
    return out


def _eyes(faces: int) -> str:
    return "the eyes of the face" if faces == 1 else f"the eyes of {faces} faces"


# -- teeth ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class _Mouth:
    rows: slice
    cols: slice
    teeth: np.ndarray  # bool, over rows x cols: the teeth
    allowed: np.ndarray  # bool: where the softened mask may reach (the looser test)


def _mouths(image: Image, faces: list[Face]) -> Iterator[_Mouth]:
    h, w = image.shape[:2]
    for face in faces:
        ellipse = mouth_ellipse(face)
        box = ellipse.box(w, h, grow=RING[1])
        if box is None:
            continue
        radius = ellipse.radius(*box)
        lab = cv2.cvtColor(image[box][..., :3].astype(np.float32) / 255.0, cv2.COLOR_RGB2LAB)
        light, a, b = lab[..., 0], lab[..., 1], lab[..., 2]
        chroma = np.hypot(a, b)
        inside, ring = radius <= 1.0, (radius > RING[0]) & (radius < RING[1])
        if not inside.any() or not ring.any():
            continue
        skin_l, skin_a = float(np.median(light[ring])), float(np.median(a[ring]))
        skin_c = float(np.median(chroma[ring]))
        pale = (
            inside
            & (light > max(MIN_L, skin_l - DARKER_THAN_SKIN))
            & (chroma < PALER * skin_c)
            & (a < min(PALER * skin_a, MAX_A))
            & (b > a)
        )
        closed = cv2.morphologyEx(pale.astype(np.uint8), cv2.MORPH_CLOSE, np.ones((3, 3), np.uint8))
        teeth = _main_parts(closed.astype(bool) & inside)
        if teeth.sum() < max(MIN_TEETH_PIXELS, MIN_TEETH * inside.sum()):
            teeth = np.zeros_like(inside)
        allowed = inside & (a < skin_a) & (chroma < skin_c)
        yield _Mouth(box[0], box[1], teeth, allowed)


def _main_parts(mask: np.ndarray) -> np.ndarray:
    """The mask's larger pieces only (at least MIN_PART of the largest): a pale highlight on
    the lip is no tooth."""
    count, labels, stats, _ = cv2.connectedComponentsWithStats(mask.astype(np.uint8))
    if count <= 2:
        return mask
    areas = stats[1:, cv2.CC_STAT_AREA]
    kept = 1 + np.flatnonzero(areas >= MIN_PART * areas.max())
    return np.isin(labels, kept)


def teeth_mask(image: Image, faces: list[Face]) -> np.ndarray:
    """The teeth showing in the faces' mouths, as a bool mask; all False when none show."""
    found = np.zeros(image.shape[:2], dtype=bool)
    for mouth in _mouths(image, faces):
        found[mouth.rows, mouth.cols] |= mouth.teeth
    return found


def whiten_teeth(image: Image, p: WhitenTeethParams, ctx: OpContext) -> Image:
    """Less yellow, a little lighter teeth; lips, skin and everything else unchanged."""
    faces = _chosen(image, p.faces, ctx, "whiten_teeth")
    out = image.copy()
    whitened = 0
    for mouth in _mouths(image, faces):
        if not mouth.teeth.any():
            continue
        whitened += 1
        soft = cv2.GaussianBlur(mouth.teeth.astype(np.float32), (0, 0), 0.7)
        alpha = np.where(mouth.allowed, np.maximum(mouth.teeth, soft), 0.0).astype(np.float32)
        patch = image[mouth.rows, mouth.cols, :3]
        lab = np.asarray(
            cv2.cvtColor(patch.astype(np.float32) / 255.0, cv2.COLOR_RGB2LAB), dtype=np.float32
        )
        yellow = np.maximum(lab[..., 2], 0.0)
        lab[..., 2] -= alpha * np.float32(min(1.0, TEETH_YELLOW * p.amount)) * yellow
        lab[..., 0] = np.minimum(100.0, lab[..., 0] + alpha * np.float32(TEETH_LIGHTEN * p.amount))
        rgb = to_uint8(cv2.cvtColor(lab, cv2.COLOR_LAB2RGB) * np.float32(255.0))
        target = out[mouth.rows, mouth.cols, :3]
        target[...] = np.where((alpha > 0)[..., None], rgb, target)
    if whitened == 0:
        mouths = "the mouth" if len(faces) == 1 else f"the {len(faces)} mouths"
        raise InvalidParameterError(
            f"whiten_teeth: I found {mouths} but no teeth showing, so nothing was changed",
            op="whiten_teeth",
        )
    ctx.notes.append(f"whiten_teeth: whitened the teeth in {whitened} of {len(faces)} faces")
    return out


OPERATORS: list[Operator[Any]] = [
    Operator(
        name="brighten_eyes",
        version="1.0.0",
        summary="brighten the eyes and make them pop (found from the detected faces)",
        params=BrightenEyesParams,
        run=brighten_eyes,
        examples=("make the eyes pop",),
        global_edit=False,
    ),
    Operator(
        name="whiten_teeth",
        version="1.0.0",
        summary="whiten the teeth: less yellow, a little lighter (in the detected faces)",
        params=WhitenTeethParams,
        run=whiten_teeth,
        examples=("whiten the teeth",),
        global_edit=False,
    ),
]
