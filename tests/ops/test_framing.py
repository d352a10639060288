"""Straightening by the measured tilt, and zooming in on the subject."""

from __future__ import annotations

from typing import Any

import pytest

from gouache.analysis.cache import AnalysisCache
from gouache.errors import InvalidParameterError
from gouache.evals.samples import horizon, sample
from gouache.images import Image
from gouache.ops.framing import tilt_of
from gouache.ops.registry import OpContext, OperatorRegistry


@pytest.fixture(scope="module")
def run(registry: OperatorRegistry) -> Any:
    cache = AnalysisCache()

    def apply(op: str, image: Image, **params: Any) -> tuple[Image, list[str]]:
        ctx = OpContext(analyses=cache)
        return registry.get(op).apply(image, params, ctx), ctx.notes

    return apply


@pytest.mark.parametrize("tilt", [4.0, -3.0, 8.0])
def test_a_tilted_horizon_is_measured_within_half_a_degree(tilt: float) -> None:
    measured = tilt_of(horizon(tilt))
    assert measured is not None
    assert measured == pytest.approx(tilt, abs=0.5)


@pytest.mark.parametrize("tilt", [4.0, -3.0])
def test_straightening_levels_the_horizon_and_says_by_how_much(run: Any, tilt: float) -> None:
    out, notes = run("auto_straighten", horizon(tilt))
    level = tilt_of(out)
    assert level is not None
    assert abs(level) < 0.5
    assert f"{abs(tilt):.0f}" in notes[0]


@pytest.mark.parametrize("name", ["coffee", "chelsea", "astronaut"])
def test_a_picture_without_a_line_to_level_by_is_refused_with_what_to_say_instead(
    run: Any, name: str
) -> None:
    with pytest.raises(InvalidParameterError, match=r'e\.g\. "rotate 2 degrees clockwise"'):
        run("auto_straighten", sample(name))


def test_a_level_picture_is_refused_as_straight_already(run: Any) -> None:
    with pytest.raises(InvalidParameterError, match="straight already"):
        run("auto_straighten", horizon(0.0))


def test_zooming_in_on_the_cat_keeps_the_whole_subject_box(run: Any) -> None:
    chelsea = sample("chelsea")
    out, _ = run("crop_subject", chelsea)
    box = AnalysisCache().get(chelsea).subject.box
    assert box is not None
    assert out.shape[0] * out.shape[1] < 0.8 * chelsea.shape[0] * chelsea.shape[1]
    assert out.shape[0] >= box.h
    assert out.shape[1] >= box.w
