"""Straightening by the measured tilt, and zooming in on the subject."""

from __future__ import annotations

from typing import Any

import pytest

from gouache.analysis.cache import AnalysisCache
from gouache.analysis.measures import luma, tilt
from gouache.errors import InvalidParameterError
from gouache.evals.samples import horizon, sample
from gouache.images import Image
from gouache.ops.registry import OpContext, OperatorRegistry


@pytest.fixture(scope="module")
def run(registry: OperatorRegistry) -> Any:
    cache = AnalysisCache()

    def apply(op: str, image: Image, **params: Any) -> tuple[Image, list[str]]:
        ctx = OpContext(analyses=cache)
        return registry.get(op).apply(image, params, ctx), ctx.notes

    return apply


@pytest.mark.parametrize("ccw", [4.0, -3.0, 8.0, 0.7])
def test_a_tilted_horizon_is_measured_within_a_tenth_of_a_degree(ccw: float) -> None:
    # horizon(ccw) is turned counter-clockwise; tilt is positive for clockwise
    measured = tilt(luma(horizon(ccw)))
    assert measured is not None
    assert measured == pytest.approx(-ccw, abs=0.1)


@pytest.mark.parametrize("ccw", [4.0, -3.0])
def test_straightening_levels_the_horizon_and_says_by_how_much(run: Any, ccw: float) -> None:
    out, notes = run("auto_straighten", horizon(ccw))
    level = tilt(luma(out))
    assert level is not None
    assert abs(level) < 0.2
    turned = "counter-clockwise" if ccw > 0 else "clockwise"
    assert notes[0].startswith(f"auto_straighten: tilted {abs(ccw):.1f}° {turned}")


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


def _cup_off_centre() -> Image:
    """A dark round cup on a plain light table, left of and above the middle."""
    import cv2
    import numpy as np

    table = np.full((300, 480, 3), 235, dtype=np.uint8)
    cv2.circle(table, (150, 120), 40, (60, 40, 30), -1)
    return table


def test_putting_the_subject_in_the_middle_crops_around_it_keeping_the_shape(run: Any) -> None:
    picture = _cup_off_centre()
    out, notes = run("crop_subject", picture, centre=True)

    height, width = out.shape[:2]
    assert width / height == pytest.approx(480 / 300, rel=0.02)
    # the cup's centre (found as the dark pixels) is the crop's, within 2 px
    ys, xs = (out[..., 0] < 128).nonzero()
    assert abs(xs.mean() - width / 2) <= 2
    assert abs(ys.mean() - height / 2) <= 2
    # the largest such crop: it reaches the left edge, which is nearest for the shape
    # (the cup stands 150 of 240 px from it, 120 of 150 from the top)
    assert width == pytest.approx(2 * 150, abs=3)
    assert "the subject's box in its middle" in notes[0]


def test_a_subject_in_the_middle_already_is_refused_naming_the_zoom(run: Any) -> None:
    import cv2
    import numpy as np

    table = np.full((300, 480, 3), 235, dtype=np.uint8)
    cv2.circle(table, (240, 150), 40, (60, 40, 30), -1)
    with pytest.raises(InvalidParameterError, match=r"in the middle already.*zoom in on"):
        run("crop_subject", table, centre=True)
