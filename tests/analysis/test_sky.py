"""The sky segmentation: found where a blue sky lies over the picture, nowhere else."""

from __future__ import annotations

import numpy as np
import pytest

from gouache.analysis.sky import sky_mask
from gouache.evals.samples import horizon, sample


def test_the_dusk_sky_over_the_rocket_is_most_of_the_upper_picture() -> None:
    mask = sky_mask(sample("rocket"))
    h = mask.shape[0]
    assert 0.45 < mask.mean() < 0.75
    assert mask[: h // 4].mean() > 0.7  # the top, between the towers
    assert mask[-h // 8 :].mean() < 0.1  # not the ground with its lights


def test_a_tilted_horizon_is_followed_within_a_few_pixels() -> None:
    image = horizon(tilt=4.0)
    mask = sky_mask(image)
    h, w = mask.shape
    xs = np.arange(w)
    level = h * 0.45 - np.tan(np.radians(4.0)) * (xs - w / 2)
    found = mask.sum(axis=0)  # sky rows per column, from the top
    assert np.abs(found - level).max() < 6


@pytest.mark.parametrize(
    "name", ["coffee", "chelsea", "astronaut", "grace_hopper", "hubble", "screenshot", "page"]
)
def test_no_sky_is_found_in_pictures_without_one(name: str) -> None:
    # a studio backdrop, a blue title bar, space and a page are not skies
    assert not sky_mask(sample(name)).any()


def test_the_mask_has_the_size_of_the_picture_and_keeps_alpha_out_of_it() -> None:
    rgba = np.dstack([sample("rocket"), np.full(sample("rocket").shape[:2], 255, np.uint8)])
    assert sky_mask(rgba).shape == rgba.shape[:2]
