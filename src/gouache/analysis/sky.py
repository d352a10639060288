"""A simple sky segmentation: the smooth, blue region that touches the top edge.

No model: the picture is shrunk to at most 256 px, and a pixel is a sky candidate when it is
smooth (small local gradient of luma) and blue: hue 85-135 in OpenCV's 0-180 scale, either
saturated (a clear sky, a deep blue one at dusk) or bright and a little blue (a pale sky).
Candidates joined to the top rows, in regions whose centre lies in the upper part of the
picture and whose luma is not perfectly flat (a drawn bar is), are the sky, when together they
span most of the top edge (a blue backdrop beside a head does not). A sky under `MIN_SHARE` of
the picture is none. A grey overcast sky is not told apart from a white wall or a studio
backdrop, and space, night skies and skies behind branches are not found either: the planner
then says it found no sky, and never edits something else.
"""

from __future__ import annotations

import cv2
import numpy as np

from gouache.analysis.types import Mask
from gouache.images import Image

WORK_SIZE = 256
MIN_SHARE = 0.04
# Smoothness: the luma gradient (Sobel on a slightly blurred copy) a sky stays under.
MAX_GRADIENT = 14.0
MIN_BRIGHT_PALE = 170
TOP_ROWS = 0.04
MAX_CENTRE = 0.48
MIN_TEXTURE = 1.0
MIN_TOP_SPAN = 0.6


def sky_mask(image: Image) -> Mask:
    """The sky as a bool mask of the image's size; all False when there is none."""
    h, w = image.shape[:2]
    scale = min(1.0, WORK_SIZE / max(h, w))
    small = np.ascontiguousarray(image[:, :, :3])
    if scale < 1.0:
        size = (max(1, round(w * scale)), max(1, round(h * scale)))
        small = np.asarray(cv2.resize(small, size, interpolation=cv2.INTER_AREA))
    sh, sw = small.shape[:2]
    hsv = cv2.cvtColor(small, cv2.COLOR_RGB2HSV)
    hue, sat, val = hsv[..., 0], hsv[..., 1], hsv[..., 2]
    grey = cv2.cvtColor(small, cv2.COLOR_RGB2GRAY).astype(np.float32)
    luma = cv2.GaussianBlur(grey, (0, 0), 1.5)
    gradient = np.hypot(cv2.Sobel(luma, cv2.CV_32F, 1, 0), cv2.Sobel(luma, cv2.CV_32F, 0, 1))
    smooth = gradient < MAX_GRADIENT
    bluish = (hue >= 85) & (hue <= 135)
    # a clear sky (blue, even deep blue at dusk) or a pale one (bright, a little blue)
    blue = bluish & (((sat >= 60) & (val >= 45)) | ((sat >= 30) & (val >= 90)))
    pale = bluish & (sat >= 12) & (val >= MIN_BRIGHT_PALE)
    candidate = (smooth & (blue | pale)).astype(np.uint8)
    _, labels = cv2.connectedComponents(candidate, connectivity=4)
    top = labels[: max(1, round(TOP_ROWS * sh))]
    found = np.zeros((sh, sw), dtype=bool)
    rows = np.arange(sh, dtype=np.float32)[:, None]
    for label in np.unique(top[top > 0]):
        part = labels == label
        if part.mean() < MIN_SHARE / 2:
            continue
        # a sky lies over the picture, not down its whole height (a wall, a page), and has
        # the grain or gradient of a photograph, not the flat fill of a drawn bar
        centre = float((rows * part).sum() / part.sum()) / sh
        if centre <= MAX_CENTRE and float(grey[part].std()) >= MIN_TEXTURE:
            found |= part
    # a sky spans most of the top edge; a backdrop beside a head or a window does not
    spans = float(found[: top.shape[0]].any(axis=0).mean())
    if found.mean() < MIN_SHARE or spans < MIN_TOP_SPAN:
        return np.zeros((h, w), dtype=bool)
    # close small holes (a bird, a wire) and go back to the image's size
    closed = cv2.morphologyEx(found.astype(np.uint8), cv2.MORPH_CLOSE, np.ones((5, 5), np.uint8))
    full = cv2.resize(closed, (w, h), interpolation=cv2.INTER_NEAREST)
    return np.asarray(full, dtype=bool)
