"""Sharpness: the variance of the Laplacian, sharp against blurred."""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
import pytest
from PIL import Image as PILImage

from gouache.critics.base import CriticContext
from gouache.critics.sharpness import Sharpness, laplacian_variance
from gouache.images import Image


def test_a_sharp_photograph_passes_and_a_blurred_one_fails(
    astronaut: Image, context_for: Callable[..., CriticContext]
) -> None:
    import cv2

    sharp = Sharpness().score(astronaut, context_for(astronaut))
    blurred_image = cv2.GaussianBlur(astronaut, (0, 0), 2.5)
    blurred = Sharpness().score(blurred_image, context_for(blurred_image))
    assert sharp.passed
    assert sharp.value > 500  # measured 861
    assert sharp.margin > 0.9
    assert not blurred.passed
    assert blurred.value < 50
    assert blurred.margin < 0


def test_a_large_image_is_measured_at_the_working_size() -> None:
    from skimage import data

    coffee = np.asarray(data.coffee())  # 600 x 400
    big = np.asarray(PILImage.fromarray(coffee).resize((2400, 1600), PILImage.Resampling.NEAREST))
    # 4x nearest enlargement, reduced again by area averaging to 1024 px: the same edges
    # at 1.7x the original scale, not 4x
    small_value = laplacian_variance(coffee)
    big_value = laplacian_variance(big)
    assert big_value < small_value
    assert (
        big_value
        > laplacian_variance(
            np.asarray(PILImage.fromarray(coffee).resize((2400, 1600), PILImage.Resampling.BICUBIC))
        )
        / 2
    )


def test_the_floor_must_be_positive() -> None:
    with pytest.raises(ValueError, match="positive"):
        Sharpness(floor=0)
