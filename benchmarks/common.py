"""What every benchmark shares: the sample image at a given size, a median timer, the machine."""

from __future__ import annotations

import os
import platform
import statistics
import time
from collections.abc import Callable

import cv2
import numpy as np
from skimage import data

from gouache.images import Image

SIZE_1MP = (1152, 896)
# --quick: small enough that every section runs in seconds, large enough for a face and text.
SIZE_QUICK = (384, 300)


def astronaut(size: tuple[int, int] = SIZE_1MP) -> Image:
    """scikit-image's astronaut resized to `size` (width, height): no download."""
    return np.ascontiguousarray(cv2.resize(data.astronaut(), size, interpolation=cv2.INTER_CUBIC))


def bench_size(quick: bool) -> tuple[int, int]:
    return SIZE_QUICK if quick else SIZE_1MP


def repeats(full: int, quick: bool) -> int:
    return 1 if quick else full


def machine() -> str:
    """The machine in words, for every table's heading and the JSON."""
    return f"{platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}"


def load() -> float | None:
    """The one-minute load average, where the platform has one."""
    return round(os.getloadavg()[0], 2) if hasattr(os, "getloadavg") else None


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
