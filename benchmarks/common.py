"""What every benchmark shares: the sample image at a given size and a median timer."""

from __future__ import annotations

import statistics
import time
from collections.abc import Callable

import cv2
import numpy as np
from skimage import data

from gouache.images import Image

SIZE_1MP = (1152, 896)


def astronaut(size: tuple[int, int] = SIZE_1MP) -> Image:
    """scikit-image's astronaut resized to `size` (width, height): no download."""
    return np.ascontiguousarray(cv2.resize(data.astronaut(), size, interpolation=cv2.INTER_CUBIC))


def median_ms(fn: Callable[[], object], repeats: int, *, warm: bool = True) -> float:
    """Median wall time of `fn` in ms; one untimed call first unless `warm` is False."""
    if warm:
        fn()  # caches and lazy imports
    times = []
    for _ in range(repeats):
        started = time.perf_counter()
        fn()
        times.append((time.perf_counter() - started) * 1000)
    return statistics.median(times)
