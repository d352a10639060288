"""What the guard tests measure on pixels."""

from __future__ import annotations

import cv2
import numpy as np

from gouache.images import Image

# The pixels an edit changed, grown by this many pixels: its anti-aliased rim belongs to it.
EDIT_RIM = 2


def edit_mask(source: Image, edited: Image) -> np.ndarray:
    """Where the exact edit changed any channel, with its rim."""
    changed = np.any(edited != source, axis=2).astype(np.uint8)
    size = 2 * EDIT_RIM + 1
    return cv2.dilate(changed, np.ones((size, size), np.uint8)).astype(bool)


def psnr(a: Image, b: Image, where: np.ndarray) -> float:
    """PSNR in dB over `where` (RGB), uncapped: inf for identical pixels."""
    diff = a[:, :, :3][where].astype(np.float64) - b[:, :, :3][where].astype(np.float64)
    mse = float(np.mean(diff**2))
    return float("inf") if mse == 0 else 10 * np.log10(255.0**2 / mse)
