"""Named looks: each recipe changes the picture in the direction its name promises, blends by
strength, keeps alpha, and is reached by its name from plain words."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np
import pytest

from gouache.errors import InvalidParameterError
from gouache.images import Image
from gouache.ops.looks import LOOKS
from gouache.ops.registry import OpContext, OperatorRegistry
from gouache.planner.plan import EditPlan
from gouache.planner.rules import RulePlanner

from .measure import mean_luma

Apply = Callable[..., Image]


@pytest.fixture(scope="module")
def apply(registry: OperatorRegistry) -> Apply:
    """apply("look", image, name="film"): the operator's own `name` is a parameter here."""

    def run(_op: str, image: Image, **params: Any) -> Image:
        return registry.get("look").apply(image, params, OpContext())

    return run


def luma_std(image: Image) -> float:
    rgb = image[:, :, :3].astype(np.float64)
    return float((rgb @ np.array([0.299, 0.587, 0.114])).std())


def chroma(image: Image) -> float:
    rgb = image[:, :, :3].astype(np.float64)
    return float((rgb.max(axis=2) - rgb.min(axis=2)).mean())


def warmth(image: Image) -> float:
    return float((image[:, :, 0].astype(np.float64) - image[:, :, 2]).mean())


@pytest.mark.parametrize("name", list(LOOKS))
def test_every_look_changes_the_picture_and_keeps_its_size(
    apply: Apply, astronaut: Image, name: str
) -> None:
    out = apply("look", astronaut, name=name)
    assert out.shape == astronaut.shape
    assert np.abs(out.astype(int) - astronaut).mean() > 2


@pytest.mark.parametrize(
    ("name", "holds"),
    [
        ("noir", lambda src, out: chroma(out) < 1 and luma_std(out) > luma_std(src)),
        ("moody", lambda src, out: mean_luma(out) < mean_luma(src) - 5),
        ("low-key", lambda src, out: mean_luma(out) < mean_luma(src) - 10),
        ("high-key", lambda src, out: mean_luma(out) > mean_luma(src) + 10),
        ("faded", lambda src, out: luma_std(out) < 0.9 * luma_std(src)),
        ("matte", lambda src, out: out[..., :3].min() >= 30),
        ("golden hour", lambda src, out: warmth(out) > warmth(src) + 5),
        ("pop", lambda src, out: chroma(out) > 1.2 * chroma(src)),
        ("dramatic", lambda src, out: luma_std(out) > 1.1 * luma_std(src)),
        # lighter, softer colour that is still colour, no deep shadow left
        (
            "pastel",
            lambda src, out: (
                mean_luma(out) > mean_luma(src) + 30
                and 0.3 * chroma(src) < chroma(out) < 0.7 * chroma(src)
                and np.percentile(out[..., :3], 1) >= 80
            ),
        ),
    ],
)
def test_a_look_moves_the_picture_the_way_its_name_says(
    apply: Apply, coffee: Image, name: str, holds: Callable[[Image, Image], bool]
) -> None:
    assert holds(coffee, apply("look", coffee, name=name))


def test_strength_blends_the_look_with_the_original(apply: Apply, coffee: Image) -> None:
    full = apply("look", coffee, name="vintage").astype(np.float64)
    half = apply("look", coffee, name="vintage", strength=0.5).astype(np.float64)
    np.testing.assert_allclose(half, (full + coffee) / 2, atol=1)
    np.testing.assert_array_equal(apply("look", coffee, name="vintage", strength=0), coffee)


def test_a_look_keeps_the_alpha_channel(apply: Apply, coffee: Image) -> None:
    rgba = np.dstack([coffee, np.full(coffee.shape[:2], 77, np.uint8)])
    out = apply("look", rgba, name="film")
    assert out.shape[2] == 4
    assert (out[..., 3] == 77).all()


def test_a_look_is_the_same_every_run(apply: Apply, coffee: Image) -> None:
    np.testing.assert_array_equal(
        apply("look", coffee, name="analog"), apply("look", coffee, name="analog")
    )


def test_an_unknown_look_or_an_old_recipe_version_is_refused_by_name(
    apply: Apply, coffee: Image
) -> None:
    with pytest.raises(InvalidParameterError, match="no look 'lomo'"):
        apply("look", coffee, name="lomo")
    with pytest.raises(InvalidParameterError, match="version 0 is not available"):
        apply("look", coffee, name="film", version="0")


@pytest.mark.parametrize("name", list(LOOKS))
def test_every_look_is_planned_from_its_name_with_its_recipe_version(name: str) -> None:
    plan = RulePlanner().plan(f"give it a {name} look")
    assert isinstance(plan, EditPlan), plan.describe()
    assert [s.op for s in plan.steps] == ["look"]
    assert plan.steps[0].params == {"name": name, "strength": 1.0, "version": "1"}


def test_what_can_you_do_lists_the_looks() -> None:
    answer = RulePlanner().plan("what can you do?").describe()
    assert all(name in answer for name in LOOKS)
