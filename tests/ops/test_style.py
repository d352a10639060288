"""Styles: each test measures the look it promises on scikit-image's sample photos."""

import cv2
import numpy as np
import pytest
from skimage import color

from gouache.errors import InvalidReferenceError
from gouache.ops.registry import OpContext

from .measure import LUMA, laplacian_variance, with_alpha


@pytest.fixture(scope="module")
def transfer(registry):
    """transfer(image, reference, **params): colour_transfer with the reference as image 2."""

    def run(image, reference, **params):
        ctx = OpContext(references=(reference,))
        return registry.get("color_transfer").apply(image, params, ctx)

    return run


def lab_statistics_distance(image: np.ndarray, reference: np.ndarray) -> float:
    """How far apart two pictures' colours are: the mean over L*, a*, b* (CIELAB, scikit-image's
    own conversion) of |mean difference| + |standard deviation difference|."""
    a = color.rgb2lab(image[:, :, :3]).reshape(-1, 3)
    b = color.rgb2lab(reference[:, :, :3]).reshape(-1, 3)
    gaps = np.abs(a.mean(axis=0) - b.mean(axis=0)) + np.abs(a.std(axis=0) - b.std(axis=0))
    return float(gaps.mean())


def max_cdf_gap(image: np.ndarray, reference: np.ndarray) -> float:
    """The largest difference between the two pictures' CDFs, over R, G and B."""
    gaps = []
    for c in range(3):
        cdfs = [
            np.cumsum(np.bincount(x[:, :, c].ravel(), minlength=256)) / x[:, :, c].size
            for x in (image, reference)
        ]
        gaps.append(np.abs(cdfs[0] - cdfs[1]).max())
    return float(max(gaps))


def distinct_colours(image: np.ndarray) -> int:
    return len(np.unique(image[:, :, :3].reshape(-1, 3), axis=0))


def flat(value: tuple[int, int, int], size: tuple[int, int] = (64, 64)) -> np.ndarray:
    return np.broadcast_to(np.asarray(value, dtype=np.uint8), (*size, 3)).copy()


# color_transfer


@pytest.mark.parametrize("method", ["reinhard", "histogram"])
def test_colour_transfer_at_least_halves_the_lab_distance_to_the_reference(
    transfer, astronaut, coffee, method
):
    before = lab_statistics_distance(astronaut, coffee)
    after = lab_statistics_distance(transfer(astronaut, coffee, method=method), coffee)
    assert after <= 0.5 * before
    # in fact Reinhard's matching is exact up to clipping and rounding (17 -> 1.5 here)
    assert after < 0.15 * before


def test_reinhard_matches_each_lab_channel_mean_within_three_units(transfer, astronaut, coffee):
    out = transfer(astronaut, coffee)
    means = [color.rgb2lab(x).reshape(-1, 3).mean(axis=0) for x in (out, coffee)]
    np.testing.assert_allclose(means[0], means[1], atol=3.0)


def test_histogram_matching_makes_the_channel_histograms_agree(transfer, chelsea, coffee):
    assert max_cdf_gap(chelsea, coffee) > 0.3
    out = transfer(chelsea, coffee, method="histogram")
    assert max_cdf_gap(out, coffee) < 0.03


def test_colour_transfer_at_half_strength_is_halfway(transfer, astronaut, coffee):
    full = transfer(astronaut, coffee).astype(np.float64)
    half = transfer(astronaut, coffee, strength=0.5)
    np.testing.assert_allclose(half, (full + astronaut) / 2, atol=1)


def test_colour_transfer_keeps_alpha_and_counts_only_visible_reference_pixels(
    transfer, astronaut, coffee
):
    # the reference's hidden half is pure green: it must not tint the result
    hidden = np.dstack([coffee, np.full(coffee.shape[:2], 255, dtype=np.uint8)])
    hidden[:, : coffee.shape[1] // 2] = (0, 255, 0, 0)
    visible_part = np.ascontiguousarray(coffee[:, coffee.shape[1] // 2 :])
    image = with_alpha(astronaut)
    out = transfer(image, hidden)
    np.testing.assert_array_equal(out[:, :, 3], image[:, :, 3])
    assert lab_statistics_distance(out, visible_part) < 3.0


def test_colour_transfer_from_a_missing_image_is_refused_with_the_image_named(
    transfer, registry, astronaut, coffee
):
    ctx = OpContext(references=(coffee,))
    with pytest.raises(InvalidReferenceError, match="there is no image 3"):
        registry.get("color_transfer").apply(astronaut, {"reference": 3}, ctx)


# sketch


def test_a_sketch_is_grey_mostly_light_with_dark_edges(apply, chelsea):
    out = apply("sketch", chelsea)
    assert (out.max(axis=2) == out.min(axis=2)).all()
    grey = out[:, :, 0].astype(np.float64)
    assert np.median(grey) >= 230
    assert (grey >= 200).mean() > 0.8
    # the pencil line runs along the dark side of each edge, within a pixel of it
    edges = cv2.Canny(cv2.cvtColor(chelsea, cv2.COLOR_RGB2GRAY), 100, 200) > 0
    near_edges = cv2.dilate(edges.astype(np.uint8), np.ones((5, 5), np.uint8)) > 0
    darkest_nearby = cv2.erode(out[:, :, 0], np.ones((3, 3), np.uint8)).astype(np.float64)
    assert darkest_nearby[edges].mean() < grey[~near_edges].mean() - 60


def test_a_flat_picture_sketches_to_white_paper(apply):
    np.testing.assert_array_equal(apply("sketch", flat((90, 120, 60))), 255)


# cartoon


def test_a_cartoon_has_far_fewer_colours_and_black_ink_lines(apply, astronaut):
    out = apply("cartoon", astronaut)
    assert distinct_colours(astronaut) > 100_000
    assert distinct_colours(out) <= 13  # 12 paint colours and black ink
    ink = (out == 0).all(axis=2)
    assert 0.02 < ink.mean() < 0.25
    edges = cv2.Canny(cv2.cvtColor(astronaut, cv2.COLOR_RGB2GRAY), 100, 200) > 0
    near_ink = cv2.dilate(ink.astype(np.uint8), np.ones((5, 5), np.uint8)) > 0
    assert near_ink[edges].mean() > 0.5


def test_a_cartoon_keeps_the_overall_colours(apply, coffee):
    out = apply("cartoon", coffee)
    paint = ~(out == 0).all(axis=2)
    np.testing.assert_allclose(
        out[paint].mean(axis=0), coffee[paint].reshape(-1, 3).mean(axis=0), atol=8
    )


# watercolour


def test_watercolour_flattens_fine_texture_and_keeps_the_colours(apply):
    noisy = np.clip(np.random.default_rng(1).normal(140, 25, (300, 400, 3)), 0, 255).astype(
        np.uint8
    )
    out = apply("watercolor", noisy)
    assert laplacian_variance(out) < laplacian_variance(noisy) / 20
    np.testing.assert_allclose(out.reshape(-1, 3).mean(axis=0), 140, atol=6)


def test_watercolour_leaves_white_paper_white_and_black_black(apply):
    np.testing.assert_array_equal(apply("watercolor", flat((255, 255, 255))), 255)
    np.testing.assert_array_equal(apply("watercolor", flat((0, 0, 0))), 0)


def test_watercolour_keeps_the_mean_colour_of_a_photo(apply, coffee):
    out = apply("watercolor", coffee)
    np.testing.assert_allclose(
        out.reshape(-1, 3).mean(axis=0), coffee.reshape(-1, 3).mean(axis=0), atol=5
    )


def test_watercolour_of_a_large_picture_is_worked_reduced_and_returned_full_size(apply, coffee):
    large = cv2.resize(coffee, (1200, 800), interpolation=cv2.INTER_CUBIC)
    out = apply("watercolor", large)
    assert out.shape == large.shape
    np.testing.assert_array_equal(out, apply("watercolor", large))


# posterize


def test_posterize_to_4_levels_leaves_at_most_4_values_per_channel(apply, astronaut):
    out = apply("posterize", astronaut, levels=4)
    for c in range(3):
        assert set(np.unique(out[:, :, c])) <= {0, 85, 170, 255}
    assert np.abs(out.astype(np.int16) - astronaut).max() <= 43


# pixel_art


def test_pixel_art_has_at_most_the_asked_colours_in_constant_blocks(apply, chelsea):
    out = apply("pixel_art", chelsea, block=0.03, colors=8)
    assert distinct_colours(out) <= 8
    size = round(0.03 * max(chelsea.shape[:2]))
    height, width = out.shape[:2]
    for y in range(0, height, size):
        for x in range(0, width, size):
            block = out[y : y + size, x : x + size].reshape(-1, 3)
            assert (block == block[0]).all()


def test_pixel_art_blocks_are_the_average_colour_of_the_picture_there(apply, coffee):
    out = apply("pixel_art", coffee, block=0.05, colors=64)
    size = round(0.05 * 600)  # 30 px: 20 x 13 whole blocks and a cut row at the bottom
    averages = coffee[:390].reshape(13, size, 20, size, 3).mean(axis=(1, 3))
    blocks = out[size // 2 : 390 : size, size // 2 :: size].astype(np.float64)
    assert np.abs(blocks - averages).mean() < 4


def test_pixel_art_of_a_two_colour_picture_keeps_exactly_those_colours(apply):
    image = flat((200, 30, 40), (60, 60))
    image[:, 30:] = (10, 90, 250)
    out = apply("pixel_art", image, block=0.1, colors=16)
    assert {tuple(int(v) for v in c) for c in np.unique(out.reshape(-1, 3), axis=0)} == {
        (200, 30, 40),
        (10, 90, 250),
    }


# halftone


def test_a_halftone_is_two_tone_and_its_ink_follows_the_darkness(apply):
    ramp = np.tile(np.linspace(0, 255, 600).astype(np.uint8), (200, 1))
    out = apply("halftone", np.dstack([ramp, ramp, ramp]), cell=0.02)
    assert set(np.unique(out)) <= {0, 255}
    # ink coverage over 60 px wide bands equals their mean darkness
    ink = (out[:, :, 0] == 0).reshape(200, 10, 60).mean(axis=(0, 2))
    darkness = 1 - ramp.reshape(200, 10, 60).mean(axis=(0, 2)) / 255
    np.testing.assert_allclose(ink, darkness, atol=0.04)


def test_a_halftone_of_mid_grey_is_half_inked_in_round_dots(apply):
    out = apply("halftone", flat((128, 128, 128), (240, 240)), cell=0.05)
    assert (out[:, :, 0] == 0).mean() == pytest.approx(127 / 255, abs=0.02)
    count, _ = cv2.connectedComponents((out[:, :, 0] == 0).astype(np.uint8), connectivity=4)
    assert count > 20  # separate dots, not one blob


def test_a_halftone_of_a_photo_is_nearly_two_tone(apply, astronaut):
    out = apply("halftone", astronaut)
    assert set(np.unique(out)) <= {0, 255}
    darkness = 1 - (astronaut.astype(np.float64) @ LUMA).mean() / 255
    assert (out[:, :, 0] == 0).mean() == pytest.approx(darkness, abs=0.03)


# duotone


def test_duotone_pixels_lie_on_the_segment_between_the_two_colours(apply, astronaut):
    dark, light = np.array([20, 30, 80.0]), np.array([255, 200, 120.0])
    out = apply("duotone", astronaut, dark="#141e50", light="#ffc878").astype(np.float64)
    direction = (light - dark) / np.linalg.norm(light - dark)
    offsets = out.reshape(-1, 3) - dark
    along = offsets @ direction
    across = np.linalg.norm(offsets - along[:, None] * direction, axis=1)
    assert across.max() <= 1.0
    assert along.min() >= -1.0
    assert along.max() <= np.linalg.norm(light - dark) + 1.0


def test_duotone_sends_black_to_the_dark_colour_and_white_to_the_light_one(apply):
    image = flat((0, 0, 0), (8, 16))
    image[:, 8:] = 255
    out = apply("duotone", image, dark="navy", light="gold")
    np.testing.assert_array_equal(out[0, 0], (0, 0, 128))
    np.testing.assert_array_equal(out[0, -1], (255, 215, 0))


# all styles


STYLES = [
    ("sketch", {}),
    ("cartoon", {}),
    ("watercolor", {}),
    ("posterize", {"levels": 3}),
    ("pixel_art", {}),
    ("halftone", {}),
    ("duotone", {}),
]


@pytest.mark.parametrize(("name", "params"), STYLES)
def test_every_style_keeps_alpha_and_is_deterministic(apply, chelsea, name, params):
    image = with_alpha(chelsea)
    image.setflags(write=False)
    out = apply(name, image, **params)
    assert out.shape == image.shape
    assert out.dtype == np.uint8
    np.testing.assert_array_equal(out[:, :, 3], image[:, :, 3])
    np.testing.assert_array_equal(out, apply(name, image, **params))


@pytest.mark.parametrize("name", ["sketch", "cartoon", "watercolor"])
def test_a_weaker_style_stays_closer_to_the_original(apply, coffee, name):
    strong = np.abs(apply(name, coffee).astype(np.float64) - coffee).mean()
    weak = np.abs(apply(name, coffee, strength=0.3).astype(np.float64) - coffee).mean()
    assert weak == pytest.approx(0.3 * strong, rel=0.1)
