"""A grade inside a mask the user drew fades in over the mask's inner rim, as a graduated
filter or a feathered brush does: a box drawn over a sky leaves no seam. Outside the mask
the parent's pixels stay exactly as they were; deep inside, the edit is exact too."""

from __future__ import annotations

import cv2
import numpy as np
import numpy.typing as npt

from gouache.images import Image

# The rim the edit fades in over: this share of the mask's shorter side, and at most half
# its deepest inside, so that a thin brush stroke still reaches full strength at its middle.
FADE = 0.06
# Narrower than this (px), the rim would only soften the mask's own steps: none.
MIN_FADE = 1.5


def fade_alpha(mask: npt.NDArray[np.bool_]) -> npt.NDArray[np.float32]:
    """The edit's weight per pixel: 0 outside the mask, rising smoothly to 1 over the rim
    inside it (the frame's edge is no rim: a mask running off the picture keeps full
    strength there)."""
    inside = mask.astype(np.uint8)
    depth = np.asarray(cv2.distanceTransform(inside, cv2.DIST_L2, 3), dtype=np.float32)
    ys, xs = np.nonzero(mask)
    side = min(int(np.ptp(ys)), int(np.ptp(xs))) + 1
    width = min(FADE * side, 0.5 * float(depth.max()))
    if width < MIN_FADE:
        return inside.astype(np.float32)
    t = np.clip(depth / np.float32(width), 0.0, 1.0)
    return np.asarray(t * t * (3.0 - 2.0 * t), dtype=np.float32)


def faded_inside(mask: npt.NDArray[np.bool_], parent: Image, edited: Image) -> Image:
    """`edited` inside the mask, fading into `parent` over its inner rim; `parent` outside.
    Both have the same shape."""
    alpha = fade_alpha(mask)[..., None]
    mixed = parent.astype(np.float32) + alpha * (
        edited.astype(np.float32) - parent.astype(np.float32)
    )
    out = np.rint(mixed).astype(np.uint8)
    # exact where the weight is 0 or 1 (rounding a float sum could move a level)
    out = np.where(alpha >= 1.0, edited, out)
    return np.ascontiguousarray(np.where(alpha <= 0.0, parent, out))
