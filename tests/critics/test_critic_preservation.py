"""Preservation: a local edit keeps the rest; a global shift does not."""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
import pytest

from gouache.critics.base import CriticContext, score_all
from gouache.critics.preservation import PSNR_CAP, Preservation, edit_mask_of, psnr
from gouache.errors import InputError
from gouache.images import Image


@pytest.fixture(scope="module")
def region() -> np.ndarray:
    """The edit mask: a 160 x 160 square in the astronaut's 512 x 512 frame."""
    mask = np.zeros((512, 512), dtype=bool)
    mask[300:460, 40:200] = True
    return mask


def test_psnr_follows_its_definition() -> None:
    a = np.zeros((10, 10, 3), dtype=np.uint8)
    b = a + 10  # MSE 100
    keep = np.ones((10, 10), dtype=bool)
    assert psnr(a, b, keep) == pytest.approx(10 * np.log10(255**2 / 100))
    assert psnr(a, a, keep) == PSNR_CAP


def test_a_local_edit_inside_the_mask_preserves_everything_else(
    astronaut: Image, region: np.ndarray, context_for: Callable[..., CriticContext]
) -> None:
    edited = astronaut.copy()
    edited[region] = (255, 0, 0)  # a red square, only where the edit was meant
    score = Preservation().score(edited, context_for(edited, source=astronaut, edit_mask=region))
    assert score.passed
    assert score.margin == pytest.approx(1.0)
    assert "PSNR 100.0 dB" in score.detail
    assert "SSIM 1.000" in score.detail


def test_the_same_local_edit_without_a_mask_is_seen(
    astronaut: Image, region: np.ndarray, context_for: Callable[..., CriticContext]
) -> None:
    edited = astronaut.copy()
    edited[region] = (255, 0, 0)
    score = Preservation(min_psnr=30).score(edited, context_for(edited, source=astronaut))
    assert not score.passed


def test_a_global_brightness_shift_fails_outside_the_mask(
    astronaut: Image, region: np.ndarray, context_for: Callable[..., CriticContext]
) -> None:
    shifted = np.clip(astronaut.astype(np.int16) + 25, 0, 255).astype(np.uint8)
    score = Preservation(min_psnr=30, min_ssim=0.9).score(
        shifted, context_for(shifted, source=astronaut, edit_mask=region)
    )
    assert not score.passed
    assert score.margin < 0
    # measured: PSNR 20.3 dB, SSIM 0.835 (the shift lifts the black sky most, relatively)
    assert "PSNR 20." in score.detail


def test_blurring_everything_fails_on_structure(
    astronaut: Image, context_for: Callable[..., CriticContext]
) -> None:
    import cv2

    blurred = cv2.GaussianBlur(astronaut, (0, 0), 3)
    score = Preservation(min_psnr=15, min_ssim=0.9).score(
        blurred, context_for(blurred, source=astronaut)
    )
    assert not score.passed
    assert score.unit == "SSIM"
    assert score.value < 0.8


def test_a_different_size_fails_and_no_source_is_skipped(
    astronaut: Image, context_for: Callable[..., CriticContext]
) -> None:
    smaller = np.ascontiguousarray(astronaut[:256, :256])
    score = Preservation().score(smaller, context_for(smaller, source=astronaut))
    assert not score.passed
    assert "256x256 but the source is 512x512" in score.detail
    result = score_all(Preservation(), astronaut, context_for(astronaut))
    assert not isinstance(result, list)
    assert result.reason == "no source image was given"


def test_an_edit_mask_of_the_wrong_shape_is_refused() -> None:
    with pytest.raises(InputError, match="edit mask"):
        edit_mask_of(np.zeros((10, 10), dtype=bool), 20, 20)
    assert edit_mask_of(np.full((4, 4), 255, dtype=np.uint8), 4, 4).all()
