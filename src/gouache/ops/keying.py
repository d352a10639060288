"""A plain background cut by its colour: logos, products on white, screenshots, scans.

GrabCut guesses a subject; a background of one colour needs no guess. The background is
the set of pixels near the key colour that are connected to the picture's edge (so a
white shirt inside a person on white stays). In the band next to it, where anti-aliased
edges mix the key K into the subject's colour F, the alpha is F's share of the pixel, F read
from the subject pixels nearby; those edge pixels get their colour with the key taken out
(un-premultiplied), so a red logo cut from white keeps no pink fringe.
"""

from __future__ import annotations

import cv2
import numpy as np
import numpy.typing as npt

from gouache.colors import RGB
from gouache.images import Image
from gouache.ops._pixels import has_transparency, rgb_of

# Distances in RGB code values: below KEEP_BELOW a pixel is the key (JPEG noise and
# paper grain included). A subject colour nearer the key than OPAQUE_FROM / 2 cannot be
# told from a mix with it, so its edge is kept whole.
KEEP_BELOW = 30.0
OPAQUE_FROM = 90.0
# The frame of the picture read for the background colour, as a share of the short side.
FRAME_SHARE = 0.02
# A background is plain when this share of the frame is within KEEP_BELOW of its colour.
PLAIN_SHARE = 0.85
# The soft edge reaches this many pixels into the subject from the keyed background.
EDGE_REACH = 3


def frame_pixels(image: Image) -> npt.NDArray[np.uint8]:
    """The RGB pixels of the picture's outer frame (FRAME_SHARE of the short side, at least
    one pixel), as an N x 3 array."""
    rgb = rgb_of(image)
    height, width = rgb.shape[:2]
    band = max(1, round(min(height, width) * FRAME_SHARE))
    parts = [rgb[:band], rgb[-band:], rgb[band:-band, :band], rgb[band:-band, -band:]]
    return np.concatenate([p.reshape(-1, 3) for p in parts if p.size])


def frame_colour(image: Image) -> tuple[RGB, float]:
    """The frame's median colour and the share of the frame within KEEP_BELOW of it."""
    frame = frame_pixels(image)
    median = np.median(frame, axis=0)
    colour: RGB = (int(median[0]), int(median[1]), int(median[2]))
    return colour, near_share(frame, colour)


def near_share(pixels: npt.NDArray[np.uint8], colour: RGB) -> float:
    """The share of N x 3 `pixels` within KEEP_BELOW of `colour`."""
    if not len(pixels):
        return 0.0
    distance = np.linalg.norm(
        pixels.astype(np.float32) - np.asarray(colour, dtype=np.float32), axis=1
    )
    return float(np.mean(distance < KEEP_BELOW))


def key_alpha(image: Image, key: RGB) -> npt.NDArray[np.uint8]:
    """Alpha 0..255: 0 on the key-coloured background connected to the edge, 255 on the
    subject, and in the band of EDGE_REACH pixels next to the background the share of the
    subject's colour F in the pixel I = a F + (1 - a) K, with F read from the nearest
    subject pixels: a = (I - K).(F - K) / |F - K|^2."""
    rgb = rgb_of(image)
    height, width = rgb.shape[:2]
    distance = np.empty((height, width), dtype=np.float32)
    for rows in _bands(height, width):
        part = rgb[rows].astype(np.float32) - np.asarray(key, dtype=np.float32)
        distance[rows] = np.sqrt(np.einsum("ijk,ijk->ij", part, part))
    near = (distance < KEEP_BELOW).astype(np.uint8)
    del distance
    count, labels = cv2.connectedComponents(near, connectivity=8)
    del near
    edge_labels = np.unique(np.concatenate([labels[0], labels[-1], labels[:, 0], labels[:, -1]]))
    touching = np.zeros(count, dtype=bool)
    touching[edge_labels] = True
    touching[0] = False  # label 0 is "not near the key"
    background = touching[labels]
    del labels
    kernel = cv2.getStructuringElement(cv2.MORPH_ELLIPSE, (2 * EDGE_REACH + 1,) * 2)
    band = cv2.dilate(background.astype(np.uint8), kernel).astype(bool) & ~background
    alpha = np.full((height, width), 255, dtype=np.uint8)
    alpha[background] = 0
    inside = ~(background | band)
    for rows in _bands(height, width):
        here = band[rows]
        if not here.any():
            continue
        alpha[rows][here] = _mixing(rgb, inside, rows, key)[here]
    return alpha


def _mixing(
    rgb: Image, inside: npt.NDArray[np.bool_], rows: slice, key: RGB
) -> npt.NDArray[np.uint8]:
    """For `rows`: the subject's share in each pixel, with F the average colour of the
    subject pixels within a few pixels (a normalised blur over the inside only)."""
    height = rgb.shape[0]
    reach = 4 * EDGE_REACH
    first, last = max(0, rows.start - reach), min(height, rows.stop + reach)
    weight = inside[first:last].astype(np.float32)
    colours = rgb[first:last].astype(np.float32)
    size = (2 * reach + 1, 2 * reach + 1)
    sigma = float(EDGE_REACH)
    total = cv2.GaussianBlur(weight, size, sigma)
    spread = cv2.GaussianBlur(colours * weight[:, :, None], size, sigma)
    known = total > 1e-3
    front = spread / np.where(known, total, 1.0)[:, :, None]
    k = np.asarray(key, dtype=np.float32)
    span = front - k
    length = np.einsum("ijk,ijk->ij", span, span)
    share = np.einsum("ijk,ijk->ij", colours - k, span) / np.maximum(length, 1.0)
    # no subject colour near, or one too like the key to tell apart: 1 (kept whole)
    share = np.where(known & (length > OPAQUE_FROM**2 / 4), share, 1.0)
    top = rows.start - first
    kept = share[top : top + rows.stop - rows.start]
    return np.asarray(np.round(np.clip(kept, 0.0, 1.0) * 255.0), dtype=np.uint8)


def _bands(height: int, width: int) -> list[slice]:
    """Rows a band at a time, so float planes of the whole picture are never held."""
    step = max(1, (1 << 18) // max(width, 1))
    return [slice(top, min(height, top + step)) for top in range(0, height, step)]


def unmix(image: Image, alpha: npt.NDArray[np.uint8], key: RGB) -> Image:
    """The colours with the key taken out where alpha is partial: c = (i - (1 - a) k) / a."""
    rgb = rgb_of(image).copy()
    partial = (alpha > 0) & (alpha < 255)
    if partial.any():
        a = alpha[partial].astype(np.float32)[:, None] / np.float32(255.0)
        mixed = rgb[partial].astype(np.float32)
        clean = (mixed - (1.0 - a) * np.asarray(key, dtype=np.float32)) / np.maximum(
            a, np.float32(1e-3)
        )
        rgb[partial] = np.clip(np.round(clean), 0, 255).astype(np.uint8)
    return rgb


def cut_alpha(image: Image) -> tuple[npt.NDArray[np.uint8], bool] | None:
    """The subject's alpha of a cut-out (its own alpha; True) or of a picture on a plain
    background (keyed from it; False); None for a picture with neither (a photo)."""
    if has_transparency(image):
        return np.ascontiguousarray(image[:, :, 3]), True
    colour, share = frame_colour(image)
    if share < PLAIN_SHARE:
        return None
    return key_alpha(rgb_of(image), colour), False
