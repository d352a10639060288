import cv2
import numpy as np
import pytest
from skimage.metrics import peak_signal_noise_ratio

from gouache.errors import InvalidParameterError

from .measure import laplacian_variance, with_alpha


def noisy(image: np.ndarray, sigma: float) -> np.ndarray:
    noise = np.random.default_rng(0).normal(0.0, sigma, image.shape)
    return np.clip(image + noise, 0, 255).round().astype(np.uint8)


# blur


def test_blur_radius_5_cuts_the_variance_of_the_laplacian_at_least_5x(apply, astronaut):
    out = apply("blur", astronaut, radius=5)
    assert laplacian_variance(out) < laplacian_variance(astronaut) / 5


def test_blur_is_a_gaussian_of_sigma_radius(apply, coffee):
    out = apply("blur", coffee, radius=2.5)
    expected = cv2.GaussianBlur(coffee, (0, 0), 2.5)
    np.testing.assert_allclose(out, expected, atol=1)


def test_a_large_blur_stays_close_to_an_exact_gaussian(apply, coffee):
    out = apply("blur", coffee, radius=20)
    expected = cv2.GaussianBlur(coffee, (0, 0), 20)
    difference = np.abs(out.astype(np.int16) - expected)
    assert difference.mean() < 1.0
    assert np.percentile(difference, 99) <= 6


def test_a_larger_radius_blurs_more(apply, coffee):
    variances = [laplacian_variance(apply("blur", coffee, radius=r)) for r in (1, 3, 10, 40)]
    assert variances == sorted(variances, reverse=True)


def test_blur_keeps_hidden_colour_out_of_visible_pixels(apply):
    # Left half: transparent pixels whose (invisible) colour is red; right half: opaque green.
    image = np.zeros((40, 80, 4), dtype=np.uint8)
    image[:, :40] = (255, 0, 0, 0)
    image[:, 40:] = (0, 255, 0, 255)
    out = apply("blur", image, radius=4)
    np.testing.assert_array_equal(out[:, :, 3], image[:, :, 3])
    np.testing.assert_allclose(out[:, 40:, :3], np.broadcast_to((0, 255, 0), (40, 40, 3)), atol=1)


def test_blur_radius_zero_is_refused(apply, coffee):
    with pytest.raises(InvalidParameterError, match="radius"):
        apply("blur", coffee, radius=0)


# sharpen


def test_sharpen_raises_the_variance_of_the_laplacian(apply, coffee):
    soft = apply("blur", coffee, radius=2)
    sharper = apply("sharpen", soft)
    much_sharper = apply("sharpen", soft, amount=3)
    assert laplacian_variance(sharper) > 1.5 * laplacian_variance(soft)
    assert laplacian_variance(much_sharper) > 2 * laplacian_variance(sharper)


def test_sharpen_is_an_unsharp_mask(apply, coffee):
    out = apply("sharpen", coffee, amount=0.8, radius=2.0)
    source = coffee.astype(np.float64)
    blurred = cv2.GaussianBlur(source, (0, 0), 2.0)
    expected = np.clip(source + 0.8 * (source - blurred), 0, 255)
    np.testing.assert_allclose(out, expected, atol=1)


def test_sharpening_a_flat_picture_changes_nothing(apply):
    flat = np.full((30, 30, 3), 77, dtype=np.uint8)
    np.testing.assert_array_equal(apply("sharpen", flat, amount=5), flat)


# denoise


def test_denoise_raises_the_psnr_of_a_noisy_photo_by_3_db(apply, astronaut):
    dirty = noisy(astronaut, 15)
    clean = apply("denoise", dirty)
    before = peak_signal_noise_ratio(astronaut, dirty)
    after = peak_signal_noise_ratio(astronaut, clean)
    assert after >= before + 3


def test_stronger_denoising_smooths_more(apply, astronaut):
    dirty = noisy(astronaut, 15)
    light = apply("denoise", dirty, strength=0.1)
    strong = apply("denoise", dirty, strength=1.0)
    assert laplacian_variance(strong) < laplacian_variance(light) < laplacian_variance(dirty)


# every filter


FILTER_CASES = [
    ("blur", {"radius": 2}),
    ("blur", {"radius": 15}),
    ("sharpen", {}),
    ("sharpen", {"radius": 9}),
    ("denoise", {}),
]


@pytest.mark.parametrize(("name", "params"), FILTER_CASES)
def test_filters_keep_the_alpha_channel_exactly(apply, chelsea, name, params):
    rgba = with_alpha(chelsea)
    out = apply(name, rgba, **params)
    assert out.shape == rgba.shape
    np.testing.assert_array_equal(out[:, :, 3], rgba[:, :, 3])


@pytest.mark.parametrize(("name", "params"), FILTER_CASES)
def test_filters_treat_an_opaque_rgba_picture_like_rgb(apply, chelsea, name, params):
    rgba = np.dstack([chelsea, np.full(chelsea.shape[:2], 255, dtype=np.uint8)])
    np.testing.assert_array_equal(
        apply(name, rgba, **params)[:, :, :3], apply(name, chelsea, **params)
    )


@pytest.mark.parametrize(("name", "params"), FILTER_CASES)
def test_filters_return_a_new_uint8_image_and_leave_the_input_alone(apply, chelsea, name, params):
    image = chelsea.copy()
    out = apply(name, image, **params)
    assert out.dtype == np.uint8
    assert out.shape == image.shape
    assert not np.shares_memory(out, image)
    np.testing.assert_array_equal(image, chelsea)
