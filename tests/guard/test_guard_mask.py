"""Steps 4 and 5: the change mask, the feathered copy-back and the PSNR it reports."""

from __future__ import annotations

import numpy as np
import pytest

from gouache.analysis.types import Box
from gouache.guard.copyback import PSNR_CAP, copy_back, feather, psnr
from gouache.guard.mask import change_mask, rasterise
from gouache.guard.photometric import Photometric


def _everywhere(image: np.ndarray) -> np.ndarray:
    return np.ones(image.shape[:2], dtype=bool)


def test_the_mask_covers_a_painted_patch_with_a_margin_and_nothing_else(astronaut):
    output = astronaut.copy()
    output[200:260, 150:300] = (0, 255, 0)
    noisy = np.clip(output + np.random.default_rng(0).normal(0, 2, output.shape), 0, 255)

    mask = change_mask(astronaut, noisy.astype(np.uint8), _everywhere(astronaut), Photometric())

    assert mask.changed[205:255, 155:295].all()
    assert mask.grown[197:263, 150:300].all()
    assert mask.grown[200:260, 147:303].all()
    assert not mask.grown[:150].any()
    assert not mask.grown[320:].any()
    assert mask.share == pytest.approx(60 * 150 / 512**2, rel=0.2)
    assert mask.visible_share < 0.1


def test_a_ring_of_change_is_filled_inside(astronaut):
    output = astronaut.copy()
    output[100:200, 100:200] = 255
    output[120:180, 120:180] = astronaut[120:180, 120:180]  # unchanged middle

    mask = change_mask(astronaut, output, _everywhere(astronaut), Photometric())

    assert mask.changed[150, 150]


def test_named_regions_join_the_mask(astronaut):
    regions = rasterise([Box(10, 10, 30, 20)], (512, 512), (512, 512))

    mask = change_mask(astronaut, astronaut, _everywhere(astronaut), Photometric(), regions)

    assert mask.changed[10:30, 10:40].all()
    assert mask.changed.sum() == 30 * 20


def test_a_region_mask_is_scaled_to_the_work_grid():
    region = np.zeros((100, 200), dtype=bool)
    region[:50, :100] = True

    (layer,) = rasterise([region], (200, 100), (100, 50))

    assert layer.shape == (50, 100)
    assert layer[:25, :50].all()
    assert not layer[25:].any()
    with pytest.raises(ValueError, match="source's shape"):
        rasterise([region], (100, 100), (50, 50))


def test_what_clipping_lost_is_not_taken_for_an_edit(astronaut):
    # a gain of 1.2 clipped the highlights; undoing it cannot bring them back
    curve = Photometric(gain=(1.2, 1.2, 1.2))
    level = astronaut.astype(np.float64) / 255.0
    drifted = np.clip(np.rint(1.2 * level * 255.0), 0, 255).astype(np.uint8)

    mask = change_mask(astronaut, curve.undo(drifted), _everywhere(astronaut), curve)

    assert mask.share < 0.001


def test_a_global_change_is_visible_almost_everywhere(astronaut):
    grey = np.repeat(astronaut.mean(axis=2, keepdims=True), 3, axis=2).astype(np.uint8)

    mask = change_mask(astronaut, grey, _everywhere(astronaut), Photometric())

    assert mask.visible_share > 0.6


def test_copy_back_keeps_the_source_bytes_where_the_weight_is_zero(astronaut):
    edited = np.zeros_like(astronaut)
    grown = np.zeros((256, 256), dtype=bool)
    grown[64:192, 64:192] = True

    alpha = feather(grown, (512, 512), 3)
    out = copy_back(astronaut, edited, alpha)

    outside = alpha == 0
    np.testing.assert_array_equal(out[outside], astronaut[outside])
    assert (out[160:350, 160:350] == 0).all()
    assert 0 < alpha[128, 130] < 1  # the seam is a ramp
    assert psnr(astronaut, out, outside) == PSNR_CAP


def test_psnr_is_the_textbook_figure_over_the_chosen_pixels():
    a = np.zeros((10, 10, 3), np.uint8)
    b = a.copy()
    b[:5] = 10
    where = np.zeros((10, 10), bool)
    where[:5] = True

    assert psnr(a, b, where) == pytest.approx(10 * np.log10(255**2 / 100))
    assert psnr(a, b, ~where) == PSNR_CAP
    assert psnr(a, b, np.zeros((10, 10), bool)) == PSNR_CAP
