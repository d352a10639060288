"""Step 3: a per-channel gain, offset and gamma, fitted robustly and undone."""

from __future__ import annotations

import numpy as np
import pytest

from gouache.guard.photometric import Photometric, fit_photometric


def _curve(source: np.ndarray, gain, offset, gamma) -> np.ndarray:
    level = source.astype(np.float64) / 255.0
    out = np.asarray(gain) * level ** np.asarray(gamma) + np.asarray(offset)
    return np.clip(np.rint(out * 255.0), 0, 255).astype(np.uint8)


def test_the_fit_recovers_the_curve_despite_a_fifth_of_edited_samples():
    rng = np.random.default_rng(1)
    source = rng.integers(0, 256, (20_000, 3)).astype(np.uint8)
    output = _curve(source, (1.08, 1.0, 0.92), (0.02, -0.03, 0.0), (1.1, 1.0, 0.9))
    output[:4000] = rng.integers(0, 256, (4000, 3))  # the edit: unrelated values

    fitted = fit_photometric(source, output)

    assert fitted.gain == pytest.approx((1.08, 1.0, 0.92), abs=0.01)
    assert fitted.offset == pytest.approx((0.02, -0.03, 0.0), abs=0.01)
    assert fitted.gamma == pytest.approx((1.1, 1.0, 0.9), abs=0.02)


def test_clipped_samples_do_not_bend_the_fit():
    source = np.repeat(np.arange(256, dtype=np.uint8)[:, None], 3, axis=1)
    output = _curve(source, 1.3, 0.0, 1.0)  # a third of the range clips at 255

    fitted = fit_photometric(np.tile(source, (20, 1)), np.tile(output, (20, 1)))

    assert fitted.gain == pytest.approx((1.3, 1.3, 1.3), abs=0.01)


def test_undo_inverts_the_curve_where_nothing_clipped(astronaut):
    curve = Photometric(gain=(1.05, 0.95, 1.0), offset=(0.0, 0.02, -0.02), gamma=(1.0, 1.1, 0.95))
    drifted = _curve(astronaut, curve.gain, curve.offset, curve.gamma)

    restored = curve.undo(drifted)

    assert np.abs(restored.astype(int) - astronaut.astype(int))[20:-20, 20:-20].mean() < 1.0


def test_the_identity_curve_leaves_an_image_as_it_is(astronaut):
    assert Photometric().undo(astronaut) is astronaut
    assert Photometric().magnitude == 0.0


def test_bounds_apply_to_every_channel():
    curve = Photometric(gain=(1.0, 1.0, 1.15))

    assert not curve.within(0.1, 0.1, 0.1)
    assert curve.within(0.2, 0.1, 0.1)
    assert curve.magnitude == pytest.approx(0.15)


def test_too_few_usable_samples_give_the_identity():
    source = np.full((50, 3), 255, np.uint8)

    assert fit_photometric(source, source) == Photometric()
