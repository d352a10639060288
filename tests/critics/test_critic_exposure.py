"""Exposure: a well exposed photograph, a blown-out one and a dark one."""

from __future__ import annotations

import re
from collections.abc import Callable

import numpy as np
import pytest

from gouache.critics.base import CriticContext
from gouache.critics.exposure import Exposure
from gouache.images import Image


def test_a_well_exposed_photograph_passes(context_for: Callable[..., CriticContext]) -> None:
    from skimage import data

    cat = np.asarray(data.chelsea())  # measured: nothing clipped, mean luminance 0.46
    score = Exposure().score(cat, context_for(cat))
    assert score.passed
    assert score.margin > 0.5
    assert "clipped 0.0%" in score.detail


def test_the_astronauts_black_sky_counts_as_crushed_shadows(
    astronaut: Image, context_for: Callable[..., CriticContext]
) -> None:
    score = Exposure(max_clipped=0.05).score(astronaut, context_for(astronaut))
    assert not score.passed
    # measured 13.0 % of every pixel (12.6 % of a 64k sample with BT.709 weights before)
    assert re.search(r"shadows 1[23]\.\d%", score.detail)


def test_blown_highlights_fail_on_the_clipped_share(
    astronaut: Image, context_for: Callable[..., CriticContext]
) -> None:
    blown = np.clip(astronaut.astype(np.float32) * 2.2, 0, 255).astype(np.uint8)
    score = Exposure(max_clipped=0.05).score(blown, context_for(blown))
    assert not score.passed
    assert score.unit == "share clipped"
    assert score.value > 0.1
    assert score.comparison == "<="


def test_a_dark_image_fails_on_its_mean_luminance(
    astronaut: Image, context_for: Callable[..., CriticContext]
) -> None:
    dark = (astronaut.astype(np.float32) * 0.25 + 8).astype(np.uint8)  # dim, nothing crushed
    score = Exposure(min_mean=0.2).score(dark, context_for(dark))
    assert not score.passed
    assert score.unit == "mean luminance"
    assert score.value < 0.2
    assert score.target == pytest.approx(0.2)
    assert score.comparison == ">="


def test_bad_ranges_are_refused() -> None:
    with pytest.raises(ValueError, match="mean luminance range"):
        Exposure(min_mean=0.8, max_mean=0.2)
