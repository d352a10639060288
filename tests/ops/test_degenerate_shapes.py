"""Every operator on thin, tiny and very long pictures: it works or refuses in one clear
error, and it is quick (restore's dust disc and OCR used to grow with the long side)."""

from __future__ import annotations

import numpy as np
import pytest

from gouache.analysis.cache import AnalysisCache
from gouache.errors import GouacheError
from gouache.ops.registry import OpContext, OperatorRegistry, default_operators
from gouache.planner.plan import EditPlan, PlanContext
from gouache.planner.rules import RulePlanner

SHAPES = [(1, 1), (1, 300), (300, 1), (2, 2), (3, 40)]
# The long strips of the field reports, for the operators that sized work from the long side.
STRIPS = [(1, 65535), (65535, 1)]
ANALYSES = AnalysisCache()


def _plans(registry: OperatorRegistry, height: int, width: int) -> list[tuple[str, EditPlan]]:
    """Each operator's first example, planned as for a picture with a face and some text."""
    planner = RulePlanner(registry)
    context = PlanContext(
        references=("image 2",),
        size=(width, height),
        faces=lambda: [(0, 0, max(1, width // 2), max(1, height // 2))],
        text=lambda: ["SALE"],
    )
    plans = []
    for op in registry.all():
        for example in op.examples[:1]:
            outcome = planner.plan(example, context)
            if isinstance(outcome, EditPlan):
                plans.append((op.name, outcome))
    return plans


def _run(registry: OperatorRegistry, plan: EditPlan, height: int, width: int) -> None:
    rng = np.random.default_rng(height * 7 + width)
    image = rng.integers(0, 256, (height, width, 3), dtype=np.uint8)
    reference = rng.integers(0, 256, (max(height, 8), max(width, 8), 3), dtype=np.uint8)
    ctx = OpContext(references=(reference,), analyses=ANALYSES)
    refusal = ""
    try:
        for step in plan.steps:
            image = registry.apply(image, step, ctx)
    except GouacheError as err:
        refusal = err.message.strip() or "(an empty message)"
    if refusal:
        assert refusal != "(an empty message)", "a refusal says why"
        return
    assert image.dtype == np.uint8
    assert image.ndim == 3
    assert min(image.shape[:2]) >= 1


@pytest.mark.parametrize(("height", "width"), SHAPES)
def test_every_operator_works_or_refuses_clearly_on_a_tiny_or_thin_picture(
    height: int, width: int
) -> None:
    registry = default_operators()
    plans = _plans(registry, height, width)
    assert len(plans) >= len(registry.all()) - 3  # nearly every operator was exercised
    for _name, plan in plans:
        _run(registry, plan, height, width)


@pytest.mark.parametrize(("height", "width"), STRIPS)
@pytest.mark.parametrize("instruction", ["restore this old photo", "remove the text"])
def test_restore_and_ocr_handle_a_65535_pixel_strip(
    height: int, width: int, instruction: str
) -> None:
    registry = default_operators()
    plan = RulePlanner(registry).plan(instruction, PlanContext(text=lambda: ["SALE"]))
    assert isinstance(plan, EditPlan)
    _run(registry, plan, height, width)


def test_no_version_exceeds_the_pixel_limit_and_the_reply_says_why() -> None:
    """A border then "extend to 1:1" used to reach 100 MP and 5-8 GB."""
    from gouache.backends.base import EditRequest
    from gouache.backends.operators import OperatorBackend
    from gouache.errors import InvalidParameterError

    image = np.zeros((300, 400, 3), dtype=np.uint8)
    backend = OperatorBackend(max_pixels=150_000)  # the picture is 0.12 MP
    plan = RulePlanner(backend.operators).plan("add a white border and extend to 1:1")
    assert isinstance(plan, EditPlan)
    with pytest.raises(InvalidParameterError, match=r"over the pixel limit of 0\.1 MP") as caught:
        backend.edit(EditRequest(prompt="", image=image, plan=plan))
    assert "GOUACHE_MAX_PIXELS" in caught.value.message
    small = RulePlanner(backend.operators).plan("add a white border")
    assert isinstance(small, EditPlan)
    result = backend.edit(EditRequest(prompt="", image=image, plan=small))
    assert result.image.shape[0] * result.image.shape[1] <= 150_000
