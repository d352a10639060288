"""Real operator edits, drifted by the injector, and the measures the guard tests make."""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
import pytest
from skimage import data

from gouache.backends.base import EditRequest
from gouache.backends.drift import Drift, DriftInjector
from gouache.backends.operators import OperatorBackend
from gouache.images import Image
from gouache.ops.plan import EditPlan, Step

PLANS = {
    "caption": EditPlan(
        instruction='add the caption "Hello world" at the bottom',
        steps=(Step(op="caption", params={"text": "Hello world", "position": "bottom"}),),
    ),
    "blur_faces": EditPlan(instruction="blur the faces", steps=(Step(op="blur_faces"),)),
    "sepia": EditPlan(instruction="sepia", steps=(Step(op="sepia"),)),
    "vignette": EditPlan(instruction="add a vignette", steps=(Step(op="vignette"),)),
}

Drifted = Callable[[Image, str, Drift], tuple[Image, Image]]


def _frozen(image: Image) -> Image:
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
def operators() -> OperatorBackend:
    return OperatorBackend()


@pytest.fixture(scope="session")
def drifted(operators: OperatorBackend) -> Drifted:
    """drifted(source, plan, drift) -> (the exact edit, the drifted backend's output)."""

    def run(source: Image, plan: str, drift: Drift) -> tuple[Image, Image]:
        request = EditRequest(prompt=PLANS[plan].instruction, image=source, plan=PLANS[plan])
        exact = operators.edit(request).image
        return exact, DriftInjector(operators, drift).edit(request).image

    return run
