"""Measurements the operator tests make on pixels."""

from __future__ import annotations

import cv2
import numpy as np

from gouache.images import Image

LUMA = np.array([0.299, 0.587, 0.114])


def with_alpha(image: Image) -> Image:
    """The image with a diagonal alpha ramp (every alpha value occurs)."""
    height, width = image.shape[:2]
    ramp = (np.add.outer(np.arange(height), np.arange(width)) * 7 % 256).astype(np.uint8)
    return np.dstack([image, ramp])


def mean_luma(image: Image) -> float:
    return float((image[:, :, :3].astype(np.float64) @ LUMA).mean())


def laplacian_variance(image: Image) -> float:
    grey = cv2.cvtColor(np.ascontiguousarray(image[:, :, :3]), cv2.COLOR_RGB2GRAY)
    return float(cv2.Laplacian(grey, cv2.CV_64F).var())


def srgb_to_linear(codes: np.ndarray) -> np.ndarray:
    c = np.asarray(codes, dtype=np.float64) / 255.0
    return np.where(c <= 0.04045, c / 12.92, ((c + 0.055) / 1.055) ** 2.4)


def linear_to_srgb(linear: np.ndarray) -> np.ndarray:
    x = np.clip(np.asarray(linear, dtype=np.float64), 0.0, 1.0)
    return 255.0 * np.where(x <= 0.0031308, 12.92 * x, 1.055 * x ** (1 / 2.4) - 0.055)
