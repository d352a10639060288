"""The drift injector: any backend's edits, drifted with known parameters."""

from __future__ import annotations

import numpy as np
import pytest

from gouache.backends.base import EditRequest, GenerateRequest, ImageModel
from gouache.backends.drift import Drift, DriftInjector, apply_drift, output_size
from gouache.errors import UnsupportedError
from gouache.ops.plan import EditPlan, Step

CAPTION = EditPlan(instruction="caption", steps=(Step(op="caption", params={"text": "Hi"}),))


def test_the_injector_is_an_image_model_that_no_longer_preserves_pixels(operators):
    injector = DriftInjector(operators, Drift(shift_x=0.01))

    assert isinstance(injector, ImageModel)
    assert injector.name == "drift(operators)"
    assert operators.capabilities.preserves_unedited
    assert not injector.capabilities.preserves_unedited
    assert injector.capabilities.max_references == operators.capabilities.max_references


def test_the_config_records_the_inner_backend_and_the_drift(operators):
    drift = Drift(shift_x=0.01, gain=(1.1, 1.0, 0.9), resize_to="square", jpeg_quality=80)
    config = DriftInjector(operators, drift).config()

    assert config["inner"] == "operators"
    assert config["inner_config"] == operators.config()
    assert config["drift"]["shift_x"] == 0.01
    assert config["drift"]["gain"] == [1.1, 1.0, 0.9]
    assert config["drift"]["resize_to"] == "square"
    assert config["drift"]["jpeg_quality"] == 80


def test_an_edit_comes_back_drifted_and_says_so(operators, astronaut):
    drift = Drift(shift_x=0.02, noise_sigma=3.0, jpeg_quality=85)
    request = EditRequest(prompt="caption", image=astronaut, plan=CAPTION)

    first = DriftInjector(operators, drift).edit(request)
    second = DriftInjector(operators, drift).edit(request)

    np.testing.assert_array_equal(first.image, second.image)  # seeded: deterministic
    assert first.params["drift"]["noise_sigma"] == 3.0
    assert "operator_versions" in first.params
    assert not np.array_equal(first.image, operators.edit(request).image)


def test_generation_is_passed_to_the_inner_backend(operators):
    with pytest.raises(UnsupportedError, match="cannot draw from text"):
        DriftInjector(operators, Drift()).generate(GenerateRequest(prompt="a cat"))


def test_a_shift_moves_the_content_by_the_fraction_of_the_width(astronaut):
    out = apply_drift(astronaut, Drift(shift_x=0.0625, shift_y=0.03125))
    dx, dy = 32, 16  # 6.25 % and 3.125 % of 512 pixels

    np.testing.assert_array_equal(
        out[dy + 5 : -5, dx + 5 : -5], astronaut[5 : -dy - 5, 5 : -dx - 5]
    )


def test_no_drift_changes_nothing(astronaut):
    np.testing.assert_array_equal(apply_drift(astronaut, Drift()), astronaut)


def test_gain_offset_and_gamma_follow_the_documented_curve(astronaut):
    out = apply_drift(astronaut, Drift(gain=(1.1, 1.0, 0.9), offset=0.02, gamma=1.2))

    for channel, gain in enumerate((1.1, 1.0, 0.9)):
        level = astronaut[:, :, channel].astype(np.float64) / 255.0
        expected = np.clip(np.rint((gain * level**1.2 + 0.02) * 255.0), 0, 255)
        np.testing.assert_array_equal(out[:, :, channel], expected)


@pytest.mark.parametrize(
    ("preset", "size", "expected"),
    [
        ("square", (600, 400), (490, 490)),
        ("square_crop", (600, 400), (490, 490)),
        ("multiple16", (600, 400), (608, 400)),
        ("multiple16", (512, 512), (512, 512)),
        ("1mp", (600, 400), (600, 400)),
        ("1mp", (2000, 1500), (1168, 880)),
        ((320, 200), (600, 400), (320, 200)),
    ],
)
def test_the_size_presets_give_the_sizes_models_return(preset, size, expected):
    assert output_size(preset, *size) == expected


def test_a_square_crop_keeps_the_centre(coffee):
    out = apply_drift(coffee, Drift(resize_to=(400, 400)))
    cropped = apply_drift(coffee, Drift(resize_to="square_crop"))

    assert out.shape == (400, 400, 3)
    assert cropped.shape == (490, 490, 3)
    # the centre column of the crop is the source's centre column
    centre = cropped[:, 245].astype(int).mean()
    assert centre == pytest.approx(coffee[:, 300].astype(int).mean(), abs=3.0)


def test_an_alpha_channel_is_moved_but_not_recoloured(astronaut):
    alpha = np.full(astronaut.shape[:2], 77, np.uint8)
    out = apply_drift(np.dstack([astronaut, alpha]), Drift(gain=1.2, jpeg_quality=70))

    assert out.shape == (512, 512, 4)
    assert (out[:, :, 3] == 77).all()


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"scale": 0.0}, "scale"),
        ({"gamma": 9.0}, "gamma"),
        ({"gain": -1.0}, "gain"),
        ({"gain": (1.0, 1.0)}, "3 entries"),
        ({"jpeg_quality": 0}, "jpeg_quality"),
        ({"noise_sigma": -1.0}, "noise_sigma"),
        ({"resize_to": "huge"}, "preset"),
        ({"resize_to": (0, 10)}, "positive"),
    ],
)
def test_impossible_drifts_are_refused(fields, message):
    with pytest.raises(ValueError, match=message):
        Drift(**fields)
