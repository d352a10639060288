"""A drop shadow behind a cut-out or a logo: "add a drop shadow", "a soft shadow to the left".

The subject is what the picture's alpha holds, or, on an opaque picture with a plain
background (`gouache.ops.keying`), what stands on that background. Its alpha, moved by
`distance` (a share of the shorter side) toward `direction`, blurred by `softness` and
scaled by `opacity`, is the shadow; the subject is laid back over it unchanged. The
picture keeps its size: a shadow that reaches the edge is cut there. A picture with neither
transparency nor a plain background has no backdrop for a shadow and is refused.
"""

from __future__ import annotations

from typing import Any

import cv2
import numpy as np
import numpy.typing as npt
from pydantic import Field

from gouache.colors import Color, plain_name
from gouache.errors import UnsupportedError
from gouache.images import Image
from gouache.ops import filters, keying
from gouache.ops._pixels import to_uint8
from gouache.ops.layout import Position
from gouache.ops.registry import OpContext, Operator, Params

BAND_PIXELS = 1 << 18  # pixels blended at once (memory, not results)
_STEPS: dict[str, tuple[int, int]] = {
    "center": (0, 0), "top": (0, -1), "bottom": (0, 1), "left": (-1, 0), "right": (1, 0),
    "top left": (-1, -1), "top right": (1, -1), "bottom left": (-1, 1), "bottom right": (1, 1),
}  # fmt: skip


class DropShadowParams(Params):
    # Where the shadow falls, as if the light were on the other side.
    direction: Position = "bottom right"
    # How far it falls, and how soft its edge is, as shares of the shorter side.
    distance: float = Field(default=0.02, ge=0.0, le=0.2)
    softness: float = Field(default=0.015, ge=0.0, le=0.2)
    opacity: float = Field(default=0.5, gt=0.0, le=1.0)
    color: Color = (0, 0, 0)


def drop_shadow(image: Image, p: DropShadowParams, ctx: OpContext) -> Image:
    """The picture with the shadow of its subject under it (see the module doc)."""
    subject, transparent = _subject_alpha(image, ctx)
    shadow = _shadow(subject, p)
    height, width = subject.shape
    colour = np.asarray(p.color, dtype=np.float32)
    out = np.empty_like(image)
    step = max(1, BAND_PIXELS // max(width, 1))
    for top in range(0, height, step):
        rows = slice(top, min(height, top + step))
        a = subject[rows].astype(np.float32)[:, :, None] / np.float32(255.0)
        s = shadow[rows].astype(np.float32)[:, :, None] / np.float32(255.0)
        front = image[rows, :, :3].astype(np.float32)
        if transparent:
            # the subject over the shadow, both over nothing: "over" with straight alpha
            under = s * (1.0 - a)
            alpha = a + under
            rgb = (front * a + colour * under) / np.maximum(alpha, np.float32(1e-6))
            out[rows, :, :3] = to_uint8(rgb)
            out[rows, :, 3] = to_uint8(alpha[:, :, 0] * np.float32(255.0))
        else:
            # the shadow darkens the backdrop; the subject is laid back over it
            back = front * (1.0 - s) + colour * s
            out[rows, :, :3] = to_uint8(front * a + back * (1.0 - a))
            if image.shape[2] == 4:
                out[rows, :, 3] = image[rows, :, 3]
    return out


def _subject_alpha(image: Image, ctx: OpContext) -> tuple[npt.NDArray[np.uint8], bool]:
    cut = keying.cut_alpha(image)
    if cut is None:
        raise UnsupportedError(
            "drop_shadow: the picture has no transparent or plain background for a shadow to "
            'fall on; cut the subject out first, e.g. "remove the background"',
            backend="operators",
        )
    alpha, transparent = cut
    if transparent:
        return alpha, True
    colour, _ = keying.frame_colour(image)
    if not alpha.any():
        raise UnsupportedError(
            f"drop_shadow: the picture is all {plain_name(colour)}: nothing casts a shadow",
            backend="operators",
        )
    ctx.notes.append(f"drop_shadow: the shadow falls on the plain {plain_name(colour)} background")
    return alpha, False


def _shadow(subject: npt.NDArray[np.uint8], p: DropShadowParams) -> npt.NDArray[np.uint8]:
    """The subject's alpha moved, blurred and scaled: the shadow's alpha, 0..255."""
    height, width = subject.shape
    side = min(height, width)
    dx, dy = _STEPS[p.direction]
    reach = p.distance * side / (np.hypot(dx, dy) if dx or dy else 1.0)
    moved = cv2.warpAffine(
        subject,
        np.array([[1, 0, dx * reach], [0, 1, dy * reach]], dtype=np.float32),
        (width, height),
        flags=cv2.INTER_LINEAR,
        borderMode=cv2.BORDER_CONSTANT,
        borderValue=0,
    )
    sigma = p.softness * side
    soft = moved if sigma < 0.3 else np.asarray(filters.gaussian(moved, sigma))
    return np.asarray(np.round(soft.astype(np.float32) * p.opacity), dtype=np.uint8)


OPERATORS: list[Operator[Any]] = [
    Operator(
        name="drop_shadow",
        version="1.0.0",
        summary="a drop shadow behind a cut-out or a logo on a plain background",
        params=DropShadowParams,
        run=drop_shadow,
        keywords=("drop shadow", "shadow", "drop-shadow", "box shadow"),
        examples=("add a drop shadow", "add a soft shadow to the bottom left"),
        global_edit=False,
    ),
]
