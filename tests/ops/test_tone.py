import numpy as np
import pytest

from gouache.errors import InvalidParameterError
from gouache.evals.samples import SAMPLES, sample

from .measure import LUMA, linear_to_srgb, mean_luma, srgb_to_linear, with_alpha


def luma_std(image: np.ndarray) -> float:
    return float((image[:, :, :3].astype(np.float64) @ LUMA).std())


def grey(value: int, size: int = 16) -> np.ndarray:
    return np.full((size, size, 3), value, dtype=np.uint8)


def channel_means(image: np.ndarray) -> np.ndarray:
    return image[:, :, :3].reshape(-1, 3).astype(np.float64).mean(axis=0)


def blue_cast(image: np.ndarray) -> np.ndarray:
    """The picture under a bluish light: linear-light gains (0.7, 0.9, 1.3)."""
    linear = srgb_to_linear(image) * np.array([0.7, 0.9, 1.3])
    return np.clip(np.rint(linear_to_srgb(linear)), 0, 255).astype(np.uint8)


# brightness


def test_brightness_up_20_percent_raises_mean_luma_by_20_percent(apply, chelsea):
    out = apply("brightness", chelsea, amount=0.2)
    assert mean_luma(out) / mean_luma(chelsea) == pytest.approx(1.2, abs=0.01)


def test_brightness_down_darkens_in_proportion_and_minus_one_is_black(apply, chelsea):
    out = apply("brightness", chelsea, amount=-0.3)
    assert mean_luma(out) / mean_luma(chelsea) == pytest.approx(0.7, abs=0.01)
    assert apply("brightness", chelsea, amount=-1).max() == 0


@pytest.mark.parametrize("amount", [-0.3, -0.15, 0.15, 0.3])
def test_brightness_moves_the_tones_and_keeps_the_contrast(apply, coffee, amount):
    out = apply("brightness", coffee, amount=amount)
    assert out.std() == pytest.approx(coffee.std(), rel=0.08)


def test_darker_with_more_contrast_ends_with_more_contrast_than_the_source(apply, chelsea):
    darker = apply("brightness", chelsea, amount=-0.2)
    out = apply("contrast", darker, amount=0.2)
    assert mean_luma(out) < mean_luma(chelsea) - 10
    assert out.std() > chelsea.std() * 1.05


@pytest.mark.parametrize("name", sorted(SAMPLES))
def test_darker_with_more_contrast_holds_on_every_sample_picture(apply, name):
    # The astronaut ended with +0.3 % when "darker" shifted every value and clipped the
    # shadows; the power curve keeps black and white where they were.
    source = sample(name)
    darker = apply("brightness", source, amount=-0.2)
    out = apply("contrast", darker, amount=0.2)
    assert mean_luma(out) < mean_luma(source) - 2
    assert luma_std(out) > luma_std(source) * 1.03  # measured 1.04 (astronaut) .. 1.38 (page)
    # and "darker" alone loses little of the contrast
    assert luma_std(darker) > luma_std(source) * 0.92  # measured 0.93 (astronaut) .. 1.23


def test_brightness_clips_at_white_instead_of_wrapping(apply):
    out = apply("brightness", grey(200), amount=1.0)
    assert (out == 255).all()


def test_brightness_out_of_range_is_refused_with_the_parameter_named(apply, chelsea):
    with pytest.raises(InvalidParameterError, match="amount") as err:
        apply("brightness", chelsea, amount=3)
    assert err.value.op == "brightness"
    assert err.value.param == "amount"


# contrast


def test_contrast_stretches_around_the_mean_and_keeps_the_brightness(apply, chelsea):
    out = apply("contrast", chelsea, amount=0.3)
    assert out.std() / chelsea.std() == pytest.approx(1.3, abs=0.03)
    assert mean_luma(out) == pytest.approx(mean_luma(chelsea), abs=1.5)


def test_contrast_minus_one_is_a_flat_picture_of_the_mean(apply, chelsea):
    out = apply("contrast", chelsea, amount=-1)
    assert out.std() < 0.6
    assert mean_luma(out) == pytest.approx(mean_luma(chelsea), abs=1)


# saturation


def test_saturation_minus_one_leaves_a_grey_of_the_same_luma(apply, astronaut):
    out = apply("saturation", astronaut, amount=-1)
    spread = out.max(axis=2).astype(np.int16) - out.min(axis=2)
    assert spread.max() <= 1
    luma = astronaut.astype(np.float64) @ LUMA
    np.testing.assert_allclose(out[:, :, 1], luma, atol=1)


def test_more_saturation_moves_colours_away_from_grey(apply, astronaut):
    def chroma(image: np.ndarray) -> float:
        return float((image.max(axis=2).astype(np.float64) - image.min(axis=2)).mean())

    assert chroma(apply("saturation", astronaut, amount=0.5)) > 1.3 * chroma(astronaut)
    assert chroma(apply("saturation", astronaut, amount=-0.5)) < 0.55 * chroma(astronaut)


# exposure


@pytest.mark.parametrize("value", [40, 80, 118, 150])
def test_one_stop_up_doubles_the_linear_light_of_mid_tones(apply, value):
    out = apply("exposure", grey(value), stops=1)
    ratio = srgb_to_linear(out[0, 0, 0]) / srgb_to_linear(value)
    assert ratio == pytest.approx(2.0, rel=0.03)


def test_one_stop_down_halves_the_linear_light(apply):
    out = apply("exposure", grey(180), stops=-1)
    assert srgb_to_linear(out[0, 0, 0]) / srgb_to_linear(180) == pytest.approx(0.5, rel=0.02)


def test_zero_stops_changes_nothing(apply, coffee):
    np.testing.assert_array_equal(apply("exposure", coffee, stops=0), coffee)


# warmth


def test_warmer_raises_red_against_blue_and_cooler_lowers_it(apply, astronaut):
    def red_minus_blue(image: np.ndarray) -> float:
        return float((image[:, :, 0].astype(np.float64) - image[:, :, 2]).mean())

    before = red_minus_blue(astronaut)
    assert red_minus_blue(apply("warmth", astronaut, amount=0.5)) > before + 10
    assert red_minus_blue(apply("warmth", astronaut, amount=-0.5)) < before - 10


def test_warmth_keeps_the_luminance_of_a_grey(apply):
    out = apply("warmth", grey(128), amount=0.5)
    weights = np.array([0.2126, 0.7152, 0.0722])
    assert out[0, 0, 0] > out[0, 0, 1] > out[0, 0, 2]
    luminance = float(srgb_to_linear(out[0, 0]) @ weights)
    assert luminance == pytest.approx(float(srgb_to_linear(128)), rel=0.02)


# tint


def test_tint_moves_colours_toward_the_tint_and_keeps_the_luma(apply, camera):
    out = apply("tint", camera, color="royalblue", amount=0.5)
    means = channel_means(out)
    assert means[2] > means[0] + 20
    # away from clipping the luma is that of the source
    mid = (camera[:, :, 0] > 60) & (camera[:, :, 0] < 160)
    luma = out.astype(np.float64) @ LUMA
    np.testing.assert_allclose(luma[mid], camera[:, :, 0][mid], atol=1.5)


def test_a_full_tint_gives_every_grey_the_same_hue(apply):
    ramp = np.repeat(np.linspace(90, 150, 9).astype(np.uint8)[:, None], 3, axis=1)[:, :, None]
    image = np.ascontiguousarray(np.broadcast_to(ramp.transpose(0, 2, 1), (9, 4, 3)))
    out = apply("tint", image, color=(200, 100, 50), amount=1.0).astype(np.int16)
    # the difference between channels is the tint's, whatever the grey
    np.testing.assert_allclose(out[:, :, 0] - out[:, :, 1], 100, atol=1)
    np.testing.assert_allclose(out[:, :, 1] - out[:, :, 2], 50, atol=1)


def test_an_unknown_tint_colour_is_refused(apply, camera):
    with pytest.raises(InvalidParameterError, match="unknown colour"):
        apply("tint", camera, color="not-a-colour")


# grayscale and sepia


def test_grayscale_makes_r_g_and_b_equal(apply, astronaut):
    out = apply("grayscale", astronaut)
    np.testing.assert_array_equal(out[:, :, 0], out[:, :, 1])
    np.testing.assert_array_equal(out[:, :, 1], out[:, :, 2])


def test_half_grayscale_is_halfway_to_grey(apply, astronaut):
    full = apply("grayscale", astronaut).astype(np.float64)
    half = apply("grayscale", astronaut, strength=0.5)
    np.testing.assert_allclose(half, (full + astronaut) / 2, atol=1)


def test_sepia_is_red_over_green_over_blue_and_keeps_the_brightness(apply, astronaut):
    out = apply("sepia", astronaut)
    r, g, b = channel_means(out)
    assert r > g > b
    assert (out[:, :, 0] >= out[:, :, 2]).all()
    assert mean_luma(out) == pytest.approx(mean_luma(astronaut), abs=3)


@pytest.mark.parametrize("name", ["grayscale", "sepia", "auto_enhance", "vignette"])
def test_strength_zero_changes_nothing(apply, coffee, name):
    np.testing.assert_array_equal(apply(name, coffee, strength=0), coffee)


# auto_enhance


def test_auto_enhance_removes_a_blue_cast(apply, camera):
    cast = blue_cast(camera)
    out = apply("auto_enhance", cast)
    before, after = np.ptp(channel_means(cast)), np.ptp(channel_means(out))
    assert before > 30
    assert after < before / 10


def test_auto_enhance_brings_a_cast_photo_back_toward_the_original(apply, coffee):
    cast = blue_cast(coffee)
    out = apply("auto_enhance", cast)
    assert (
        np.abs(channel_means(out) - channel_means(coffee)).max()
        < 0.5 * np.abs(channel_means(cast) - channel_means(coffee)).max()
    )


def test_auto_enhance_raises_local_contrast_of_a_flat_picture(apply, camera):
    flat = (camera // 3 + 80).astype(np.uint8)
    out = apply("auto_enhance", flat)
    assert out.std() > 1.2 * flat.std()


# vignette


def test_vignette_darkens_the_corners_and_leaves_the_centre(apply):
    image = grey(200, size=201)
    out = apply("vignette", image)
    for corner in (out[0, 0], out[0, -1], out[-1, 0], out[-1, -1]):
        assert corner.max() < 0.5 * 200
    np.testing.assert_allclose(out[100, 100], 200, atol=1)
    np.testing.assert_allclose(out[80:121, 80:121], 200, atol=1)
    # darker all the way out along the diagonal
    diagonal = out[np.arange(100, 201), np.arange(100, 201), 0].astype(np.int16)
    assert (np.diff(diagonal) <= 0).all()


def test_a_subtle_vignette_is_weaker(apply, coffee):
    strong = apply("vignette", coffee, strength=1.0)
    subtle = apply("vignette", coffee, strength=0.3)
    assert strong[:20, :20].mean() < subtle[:20, :20].mean() < coffee[:20, :20].mean()
    np.testing.assert_allclose(subtle[200, 300], coffee[200, 300], atol=1)


# every tone operator


TONE_CASES = [
    ("brightness", {"amount": 0.3}),
    ("contrast", {"amount": 0.4}),
    ("saturation", {"amount": 0.5}),
    ("exposure", {"stops": -0.7}),
    ("warmth", {"amount": -0.4}),
    ("tint", {"color": "teal"}),
    ("grayscale", {}),
    ("sepia", {"strength": 0.7}),
    ("auto_enhance", {}),
    ("vignette", {}),
]


@pytest.mark.parametrize(("name", "params"), TONE_CASES)
def test_tone_keeps_the_alpha_channel_exactly(apply, coffee, name, params):
    rgba = with_alpha(coffee)
    out = apply(name, rgba, **params)
    assert out.shape == rgba.shape
    np.testing.assert_array_equal(out[:, :, 3], rgba[:, :, 3])
    # and the colour is what the operator does to the RGB picture
    np.testing.assert_allclose(out[:, :, :3], apply(name, coffee, **params), atol=1)


@pytest.mark.parametrize(("name", "params"), TONE_CASES)
def test_tone_returns_a_new_uint8_image_and_leaves_the_input_alone(apply, coffee, name, params):
    image = coffee.copy()
    out = apply(name, image, **params)
    assert out.dtype == np.uint8
    assert out.shape == image.shape
    assert not np.shares_memory(out, image)
    np.testing.assert_array_equal(image, coffee)
