"""Step 5 of the guard: the source's own pixels outside the change mask, with a feathered seam.

The blend weight alpha is 0 outside the mask, so those pixels are the source's bytes exactly,
and rises linearly to 1 over the mask's margin (a distance-transform ramp: G. Borgefors,
"Distance transformations in digital images", CVGIP 34(3), 1986). The mask was grown by that
margin (gouache.guard.mask), so the ramp lies on unedited content and the seam does not cut
through the edit.

The module also measures PSNR over a set of pixels, the guard's figure of preservation.
"""

from __future__ import annotations

import math

import cv2
import numpy as np
import numpy.typing as npt

from gouache.images import Image

Mask = npt.NDArray[np.bool_]
Weights = npt.NDArray[np.float32]

# The PSNR of identical pixels, which is infinite, is reported as this.
PSNR_CAP = 100.0


def feather(grown: Mask, size: tuple[int, int], ramp: float) -> Weights:
    """The blend weight at full size (width, height) from a mask on the work grid, rising
    over `ramp` work pixels."""
    work_h, work_w = grown.shape
    ramp = max(1.0, ramp)
    inside = cv2.distanceTransform(grown.astype(np.uint8), cv2.DIST_L2, 3)
    alpha = np.minimum(inside / np.float32(ramp), np.float32(1.0)).astype(np.float32)
    if (work_w, work_h) != size:
        alpha = cv2.resize(alpha, size, interpolation=cv2.INTER_LINEAR)
    return np.asarray(alpha, dtype=np.float32)


def copy_back(source: Image, edited: Image, alpha: Weights) -> Image:
    """source * (1 - alpha) + edited * alpha, exactly the source where alpha is 0."""
    out = source.copy()
    rows = np.flatnonzero(alpha.max(axis=1) > 0)
    cols = np.flatnonzero(alpha.max(axis=0) > 0)
    if rows.size == 0:
        return out
    y0, y1, x0, x1 = int(rows[0]), int(rows[-1]) + 1, int(cols[0]), int(cols[-1]) + 1
    a = alpha[y0:y1, x0:x1, None]
    s = source[y0:y1, x0:x1].astype(np.float32)
    e = edited[y0:y1, x0:x1].astype(np.float32)
    mixed = np.rint(s + (e - s) * a)
    window = out[y0:y1, x0:x1]
    mixing = a[:, :, 0] > 0
    window[mixing] = np.clip(mixed, 0, 255).astype(np.uint8)[mixing]
    return out


def psnr(reference: Image, image: Image, where: Mask) -> float:
    """PSNR in dB over the pixels `where` (RGB only), capped at `PSNR_CAP`; the cap if empty."""
    count = int(np.count_nonzero(where))
    if count == 0:
        return PSNR_CAP
    diff = cv2.absdiff(
        np.ascontiguousarray(reference[:, :, :3]), np.ascontiguousarray(image[:, :, :3])
    )
    inside = where.astype(np.uint8)
    squares = np.arange(256, dtype=np.float64) ** 2
    total = 0.0
    for channel in range(3):
        hist = cv2.calcHist([diff], [channel], inside, [256], [0, 256]).ravel()
        total += float(hist @ squares)
    mse = total / (3.0 * count)
    if mse <= 0.0:
        return PSNR_CAP
    return min(PSNR_CAP, 10.0 * math.log10(255.0**2 / mse))
