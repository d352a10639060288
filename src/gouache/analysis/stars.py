"""Stars: small bright points on a dark picture (a night sky, a deep field).

No model: a pixel belongs to a star when the white top-hat of luma (the luma minus its
morphological opening by a disc of `POINT_SIZE` of the shorter side) rises above `MIN_PEAK`
code values; the points are grown by a pixel or two so their halos come along. Only a dark,
even ground (median luma under `MAX_MEDIAN`, its 10th and 70th percentiles close) with at
least `MIN_STARS` such points is taken as a star field: catchlights in eyes or highlights on
a cup are no stars, and the planner says it found none rather than editing them.
"""

from __future__ import annotations

import cv2
import numpy as np

from gouache.analysis.types import Mask
from gouache.images import Image

POINT_SIZE = 0.012
MIN_PEAK = 30.0
MAX_MEDIAN = 40.0
MAX_SPREAD = 12.0  # the dark ground: its 70th percentile stays within this of its 10th
MIN_STARS = 10
MAX_SHARE = 0.3


def star_mask(image: Image) -> Mask:
    """The stars as a bool mask of the image's size; all False when it is no star field."""
    h, w = image.shape[:2]
    none = np.zeros((h, w), dtype=bool)
    grey = cv2.cvtColor(np.ascontiguousarray(image[:, :, :3]), cv2.COLOR_RGB2GRAY)
    low, median, high = np.percentile(grey, [10, 50, 70])
    if median > MAX_MEDIAN or high - low > MAX_SPREAD:
        return none
    radius = max(2, round(POINT_SIZE * min(h, w)))
    disc = cv2.getStructuringElement(cv2.MORPH_ELLIPSE, (2 * radius + 1, 2 * radius + 1))
    tophat = cv2.morphologyEx(grey, cv2.MORPH_TOPHAT, disc)
    points = (tophat > MIN_PEAK).astype(np.uint8)
    count, _ = cv2.connectedComponents(points)
    if count - 1 < MIN_STARS:
        return none
    grown = cv2.dilate(points, cv2.getStructuringElement(cv2.MORPH_ELLIPSE, (5, 5)))
    mask = grown.astype(bool)
    return mask if mask.mean() <= MAX_SHARE else none
