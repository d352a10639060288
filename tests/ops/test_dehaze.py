"""'remove the haze': the dark channel prior on a haze laid over a clear photo brings it back
toward the photo; a clear photo or a black-and-white one is refused, not changed."""

from __future__ import annotations

import numpy as np
import pytest
from skimage import data

from gouache.errors import InvalidParameterError
from gouache.ops.registry import OpContext, OperatorRegistry
from gouache.planner.rules import RulePlanner

AIRLIGHT = np.array([205.0, 210.0, 215.0])


def _hazy(clear: np.ndarray) -> np.ndarray:
    """The photo under a haze thickening toward the top: I = J t + A (1 - t)."""
    t = np.linspace(0.45, 0.85, clear.shape[0])[:, None, None]
    return np.asarray(np.round(clear * t + AIRLIGHT * (1 - t)), dtype=np.uint8)


def test_the_haze_taken_out_brings_the_photo_back(registry: OperatorRegistry) -> None:
    clear = data.rocket()
    hazy = _hazy(clear.astype(float))
    ctx = OpContext()
    out = registry.get("dehaze").apply(hazy, {}, ctx)
    before = np.abs(hazy.astype(float) - clear).mean()
    after = np.abs(out.astype(float) - clear).mean()
    assert after < 0.5 * before
    assert out.std() > 1.15 * hazy.std()  # the contrast the haze took comes back
    assert any("haze" in note for note in ctx.notes)


def test_a_bit_takes_out_less(registry: OperatorRegistry) -> None:
    hazy = _hazy(data.rocket().astype(float))
    full = registry.get("dehaze").apply(hazy, {"strength": 0.8}, OpContext())
    some = registry.get("dehaze").apply(hazy, {"strength": 0.4}, OpContext())
    assert hazy.std() < some.std() < full.std()


def test_a_clear_photo_has_no_haze_to_take_out(registry: OperatorRegistry) -> None:
    with pytest.raises(InvalidParameterError, match="no haze"):
        registry.get("dehaze").apply(data.astronaut(), {}, OpContext())


def test_a_black_and_white_photo_is_refused(registry: OperatorRegistry) -> None:
    camera = np.dstack([data.camera()] * 3)
    with pytest.raises(InvalidParameterError, match="black and white"):
        registry.get("dehaze").apply(camera, {}, OpContext())


@pytest.mark.parametrize(
    ("say", "strength"),
    [
        ("remove the haze", 0.8),
        ("dehaze it a bit", 0.4),
        ("clear up the fog", 0.8),
        ("it's too hazy", 0.8),
        ("cut through the haze", 0.8),
    ],
)
def test_haze_phrasings(say: str, strength: float) -> None:
    plan = RulePlanner().plan(say)
    (step,) = plan.steps
    assert step.op == "dehaze"
    assert step.params["strength"] == pytest.approx(strength)


@pytest.mark.parametrize("say", ["add fog", "make it foggy"])
def test_adding_haze_is_not_taking_it_out(say: str) -> None:
    # fog is added by its own operator (`gouache.ops.weather`), never by the dehaze
    plan = RulePlanner().plan(say)
    assert [step.op for step in plan.steps] == ["add_fog"]
