"""Sample pictures and an operator runner for the operator tests."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np
import pytest
from skimage import data

from gouache.images import Image
from gouache.ops.registry import OpContext, OperatorRegistry, default_operators


@pytest.fixture(scope="session")
def registry() -> OperatorRegistry:
    return default_operators()


@pytest.fixture(scope="session")
def apply(registry: OperatorRegistry) -> Callable[..., Image]:
    """apply("crop", image, aspect=(1, 1)): validate the parameters and run the operator."""

    def run(name: str, image: Image, **params: Any) -> Image:
        return registry.get(name).apply(image, params, OpContext())

    return run


def _frozen(image: Image) -> Image:
    # A test that writes into a shared sample fails loudly instead of poisoning the others.
    image = np.ascontiguousarray(image)
    image.setflags(write=False)
    return image


@pytest.fixture(scope="session")
def astronaut() -> Image:
    return _frozen(data.astronaut())


@pytest.fixture(scope="session")
def coffee() -> Image:
    return _frozen(data.coffee())


@pytest.fixture(scope="session")
def chelsea() -> Image:
    return _frozen(data.chelsea())


@pytest.fixture(scope="session")
def camera() -> Image:
    grey = data.camera()
    return _frozen(np.dstack([grey, grey, grey]))


@pytest.fixture(scope="session")
def coins() -> Image:
    """scikit-image's 24 coins on a ground lit unevenly (grey, as RGB)."""
    grey = data.coins()
    return _frozen(np.dstack([grey, grey, grey]))
