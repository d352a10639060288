"""Sequences that need no model: a camera move towards a face or the subject, the version
history as cross-fades, and a before/after wipe. Each returns a list of RGB frames."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Literal

import cv2
import numpy as np

from gouache.analysis.cache import AnalysisCache
from gouache.errors import InputError
from gouache.images import Image
from gouache.sequences.video import fit

Move = Literal["zoom", "pan"]
Target = Literal["face", "subject"]
# How close the camera ends: the target fills this share of the frame's shorter side.
FILL = 0.55
# A pan keeps this zoom and travels from the far side to the target.
PAN_ZOOM = 1.6
MAX_SIDE = 1280


def ease(t: float) -> float:
    """Ease in and out (smoothstep): slow start, slow stop."""
    t = min(1.0, max(0.0, t))
    return t * t * (3.0 - 2.0 * t)


def _rgb(image: Image) -> Image:
    return np.ascontiguousarray(image[:, :, :3]) if image.shape[2] >= 3 else np.dstack([image] * 3)


@dataclass(frozen=True)
class Window:
    """A camera window: its centre and width in source pixels (height follows the aspect)."""

    cx: float
    cy: float
    w: float


def find_target(image: Image, analyses: AnalysisCache, to: Target) -> tuple[float, float, float]:
    """(cx, cy, size) of the largest face or of the subject; InputError when there is none."""
    analysis = analyses.get(image)
    if to == "face":
        faces = analysis.faces
        if not faces:
            raise InputError(
                "no face was found to move the camera to; use --to subject, or a picture "
                "with a face"
            )
        box = max((face.box for face in faces), key=lambda b: b.area)
        # the head and some shoulders: a face box is tight around the features
        return box.x + box.w / 2, box.y + box.h * 0.6, max(box.w, box.h) * 1.8
    subject = analysis.subject
    if subject.box is None:
        raise InputError("no subject was found to move the camera to; use --to face")
    box = subject.box
    return box.x + box.w / 2, box.y + box.h / 2, max(box.w, box.h)


def camera_move(
    image: Image, target: tuple[float, float, float], count: int, move: Move = "zoom"
) -> list[Image]:
    """`count` frames of an eased zoom (from the whole picture) or pan (at a fixed zoom, from
    the far side) ending on `target` = (cx, cy, size)."""
    if count < 2:
        raise InputError(f"a camera move needs at least 2 frames, not {count}")
    rgb = _rgb(image)
    height, width = rgb.shape[:2]
    scale = min(1.0, MAX_SIDE / max(width, height))
    out = (max(2, round(width * scale)), max(2, round(height * scale)))
    aspect = height / width
    cx, cy, size = target
    # the target fills FILL of the window's shorter side, never closer than a sixth
    end_w = min(float(width), max(size / FILL / min(1.0, aspect), width / 6))
    if move == "zoom":
        start = Window(width / 2, height / 2, float(width))
        end = _clamped(Window(cx, cy, end_w), width, height)
    else:
        pan_w = width / PAN_ZOOM
        end = _clamped(Window(cx, cy, pan_w), width, height)
        far_x = width - end.cx  # the mirror of the target across the centre
        far_y = height - end.cy
        start = _clamped(Window(far_x, far_y, pan_w), width, height)
    frames = []
    for index in range(count):
        t = ease(index / (count - 1))
        window = Window(
            start.cx + (end.cx - start.cx) * t,
            start.cy + (end.cy - start.cy) * t,
            # zoom in scale space, so it looks steady
            float(np.exp(np.log(start.w) + (np.log(end.w) - np.log(start.w)) * t)),
        )
        frames.append(_render(rgb, window, out))
    return frames


def _clamped(window: Window, width: int, height: int) -> Window:
    w = min(window.w, float(width))
    h = w * height / width
    cx = min(max(window.cx, w / 2), width - w / 2)
    cy = min(max(window.cy, h / 2), height - h / 2)
    return Window(cx, cy, w)


def _render(rgb: Image, window: Window, out: tuple[int, int]) -> Image:
    """The window resampled to `out`; sub-pixel positions, so the move does not jitter."""
    s = out[0] / window.w
    h = window.w * rgb.shape[0] / rgb.shape[1]
    matrix = np.array(
        [[s, 0.0, -(window.cx - window.w / 2) * s], [0.0, s, -(window.cy - h / 2) * s]]
    )
    interpolation = cv2.INTER_AREA if s < 1 else cv2.INTER_LINEAR
    warped = cv2.warpAffine(rgb, matrix, out, flags=interpolation, borderMode=cv2.BORDER_REPLICATE)
    return np.asarray(warped, dtype=np.uint8)


def history_frames(images: Sequence[Image], *, hold: int = 6, fade: int = 6) -> list[Image]:
    """Each image held for `hold` frames, cross-faded into the next over `fade` frames; all
    are fitted to the first one's size."""
    if not images:
        raise InputError("no versions to animate")
    if hold < 1 or fade < 0:
        raise InputError("hold at least 1 frame, fade at least 0")
    height, width = images[0].shape[:2]
    fitted = [fit(image, (int(width), int(height))).astype(np.float32) for image in images]
    frames: list[Image] = []
    for index, current in enumerate(fitted):
        frames += [current.astype(np.uint8)] * hold
        if index + 1 < len(fitted):
            following = fitted[index + 1]
            for step in range(1, fade + 1):
                t = ease(step / (fade + 1))
                frames.append(np.rint(current * (1 - t) + following * t).astype(np.uint8))
    return frames


def wipe_frames(before: Image, after: Image, count: int, *, line: int = 2) -> list[Image]:
    """A vertical line sweeping left to right: the after picture on its left, the before on
    its right; `after` is fitted to the size of `before`."""
    if count < 2:
        raise InputError(f"a wipe needs at least 2 frames, not {count}")
    first = _rgb(before)
    height, width = first.shape[:2]
    second = fit(after, (int(width), int(height)))
    frames = []
    for index in range(count):
        x = round(ease(index / (count - 1)) * width)
        frame = first.copy()
        frame[:, :x] = second[:, :x]
        if 0 < x < width:
            frame[:, max(0, x - line // 2) : min(width, x + (line + 1) // 2)] = 255
        frames.append(frame)
    return frames
