"""AspectSize: aspect ratio within tolerance, and size bounds."""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
import pytest

from gouache.critics.base import CriticContext
from gouache.critics.geometry import AspectSize, parse_ratio, ratio_name


def blank(width: int, height: int) -> np.ndarray:
    return np.zeros((height, width, 3), dtype=np.uint8)


@pytest.mark.parametrize(
    ("text", "ratio"), [("4:5", 0.8), ("16/9", 16 / 9), ("1x1", 1.0), (0.8, 0.8), ((3, 2), 1.5)]
)
def test_ratios_are_read_in_the_usual_notations(text: object, ratio: float) -> None:
    assert parse_ratio(text) == pytest.approx(ratio)


def test_a_ratio_that_is_not_one_is_refused() -> None:
    with pytest.raises(ValueError, match="out of range"):
        parse_ratio("1:0.0001")
    with pytest.raises(ValueError, match="could not convert"):
        parse_ratio("wide")


def test_ratios_are_named_as_fractions_when_they_are_simple() -> None:
    assert ratio_name(0.8) == "4:5"
    assert ratio_name(16 / 9) == "16:9"


def test_a_4_by_5_poster_at_the_minimum_width_passes(
    context_for: Callable[..., CriticContext],
) -> None:
    image = blank(1080, 1350)
    critic = AspectSize(ratios=(0.8, 1.0), min_width=1080, max_width=4096)
    score = critic.score(image, context_for(image))
    assert score.passed
    assert score.margin == pytest.approx(1.0)
    assert score.value == pytest.approx(0.8)
    assert "0.0% from 4:5" in score.detail


def test_a_ratio_just_outside_the_tolerance_fails_on_the_ratio(
    context_for: Callable[..., CriticContext],
) -> None:
    image = blank(1080, 1320)  # 0.818: 2.3 % off 4:5
    score = AspectSize(ratios=(0.8,), tolerance=0.01).score(image, context_for(image))
    assert not score.passed
    assert score.unit == "W/H"
    assert score.target == pytest.approx(0.8)
    assert score.margin < 0


def test_a_small_image_fails_on_its_width_even_at_the_right_ratio(
    context_for: Callable[..., CriticContext],
) -> None:
    image = blank(400, 500)
    score = AspectSize(ratios=(0.8,), min_width=1080).score(image, context_for(image))
    assert not score.passed
    assert score.unit == "px"
    assert score.value == 400
    assert score.target == 1080
    assert "width 400 px >= 1080 (fails)" in score.detail


def test_a_geometry_check_needs_something_to_check() -> None:
    with pytest.raises(ValueError, match="at least one aspect ratio or size bound"):
        AspectSize()
    with pytest.raises(ValueError, match="min width 2000 is above max width 1000"):
        AspectSize(min_width=2000, max_width=1000)
