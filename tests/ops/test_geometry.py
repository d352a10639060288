import math

import numpy as np
import pytest

from gouache.errors import InvalidParameterError

from .measure import with_alpha


def smooth_picture(height: int, width: int) -> np.ndarray:
    """Gentle gradients with no pure black anywhere (values 40..220)."""
    y, x = np.mgrid[0:height, 0:width].astype(np.float64)
    r = 40 + 180 * x / max(width - 1, 1)
    g = 40 + 180 * y / max(height - 1, 1)
    b = 130 + 90 * np.sin(x / 17.0) * np.cos(y / 23.0)
    return np.clip(np.dstack([r, g, b]), 0, 255).round().astype(np.uint8)


# crop


def test_crop_to_16_9_keeps_the_centred_window_of_the_source_exactly(apply, astronaut):
    out = apply("crop", astronaut, aspect=(16, 9))
    height, width = out.shape[:2]
    assert width == 512
    assert abs(width * 9 / 16 - height) <= 1
    top = (512 - height) // 2
    np.testing.assert_array_equal(out, astronaut[top : top + height])


def test_crop_to_a_square_of_a_wide_picture_keeps_the_middle(apply, coffee):
    out = apply("crop", coffee, aspect=(1, 1))
    np.testing.assert_array_equal(out, coffee[:, 100:500])


@pytest.mark.parametrize("aspect", [(4, 5), (3, 2), (21, 9), (9, 16)])
def test_crop_to_any_ratio_is_within_one_pixel_of_it(apply, coffee, aspect):
    out = apply("crop", coffee, aspect=aspect)
    height, width = out.shape[:2]
    assert abs(width * aspect[1] / aspect[0] - height) <= 1
    # the largest such window: it touches both sides or both the top and bottom
    assert width == 600 or height == 400


def test_crop_margins_are_fractions_of_the_width_and_height(apply, coffee):
    out = apply("crop", coffee, left=0.1, right=0.05, top=0.25, bottom=0.1)
    np.testing.assert_array_equal(out, coffee[100:360, 60:570])


def test_crop_cuts_the_margins_before_taking_the_aspect_window(apply, coffee):
    out = apply("crop", coffee, left=0.5 - 1 / 6, aspect=(1, 1))
    # 200 px are cut on the left, leaving 400 x 400, which is already square
    np.testing.assert_array_equal(out, coffee[:, 200:])


def test_crop_margins_that_leave_less_than_a_pixel_are_refused(apply):
    tiny = np.zeros((2, 2, 3), dtype=np.uint8)
    with pytest.raises(InvalidParameterError, match="less than 1 pixel") as err:
        apply("crop", tiny, left=0.49, right=0.49)
    assert err.value.op == "crop"


def test_crop_to_an_aspect_that_rounds_to_nothing_is_refused(apply, coffee):
    with pytest.raises(InvalidParameterError, match="smaller than 1 pixel"):
        apply("crop", coffee, aspect=(2000, 1))


def test_crop_without_an_aspect_or_margins_is_refused(apply, coffee):
    with pytest.raises(InvalidParameterError, match="give an aspect ratio or margins"):
        apply("crop", coffee)


# resize


def test_resize_to_a_width_alone_keeps_the_aspect_ratio(apply, coffee):
    assert apply("resize", coffee, width=300).shape == (200, 300, 3)
    assert apply("resize", coffee, height=100).shape == (100, 150, 3)


def test_resize_to_a_width_and_height_gives_exactly_that_size(apply, coffee):
    assert apply("resize", coffee, width=123, height=45).shape == (45, 123, 3)
    # one axis up, the other down
    assert apply("resize", coffee, width=900, height=100).shape == (100, 900, 3)


def test_halving_averages_each_block_of_four_pixels(apply, coffee):
    out = apply("resize", coffee, scale=0.5)
    blocks = coffee.astype(np.float64).reshape(200, 2, 300, 2, 3).mean(axis=(1, 3))
    np.testing.assert_allclose(out, blocks, atol=1)


def test_enlarging_then_shrinking_comes_back_close_to_the_source(apply, chelsea):
    big = apply("resize", chelsea, scale=2.0)
    assert big.shape == (600, 902, 3)
    back = apply("resize", big, width=451, height=300)
    assert np.abs(back.astype(np.int16) - chelsea).mean() < 1.5


def test_resizing_keeps_hidden_colour_out_of_visible_pixels(apply):
    # Left half: transparent pixels whose (invisible) colour is red; right half: opaque green.
    image = np.zeros((64, 64, 4), dtype=np.uint8)
    image[:, :32] = (255, 0, 0, 0)
    image[:, 32:] = (0, 255, 0, 255)
    for params in ({"scale": 0.5}, {"scale": 1.7}):
        out = apply("resize", image, **params)
        visible = out[:, :, 3] > 0
        assert visible.any()
        assert out[:, :, 0][visible].max() <= 1
        assert out[:, :, 1][visible].min() >= 254


def test_resize_beyond_the_pixel_limit_is_refused(apply):
    tiny = np.zeros((4, 4, 3), dtype=np.uint8)
    with pytest.raises(InvalidParameterError, match=r"over the pixel limit of 40\.0 MP") as err:
        apply("resize", tiny, width=20000, height=20000)
    assert err.value.param == "width"


def test_resize_needs_a_scale_or_a_size(apply, coffee):
    with pytest.raises(InvalidParameterError, match="give either a scale or a width/height"):
        apply("resize", coffee)
    with pytest.raises(InvalidParameterError, match="scale"):
        apply("resize", coffee, scale=0)


# rotate


def test_rotating_by_90_four_times_gives_back_the_identical_array(apply, coffee):
    out = coffee
    for _ in range(4):
        out = apply("rotate", out, degrees=90)
    np.testing.assert_array_equal(out, coffee)


@pytest.mark.parametrize(("degrees", "k"), [(90, -1), (-90, 1), (270, 1), (180, 2), (-180, 2)])
def test_right_angles_turn_clockwise_without_resampling(apply, coffee, degrees, k):
    np.testing.assert_array_equal(apply("rotate", coffee, degrees=degrees), np.rot90(coffee, k))


def test_a_full_turn_is_an_unchanged_copy(apply, coffee):
    out = apply("rotate", coffee, degrees=360)
    np.testing.assert_array_equal(out, coffee)
    assert not np.shares_memory(out, coffee)


def test_a_small_tilt_with_crop_has_no_black_corners(apply):
    image = smooth_picture(300, 400)
    for degrees in (3, -7.5, 30):
        out = apply("rotate", image, degrees=degrees, fit="crop")
        assert out.min() >= 38  # nothing darker than the source came in from outside
        assert out.shape[0] < 300
        assert out.shape[1] < 400


def test_crop_keeps_the_largest_upright_rectangle_inside_the_turned_image(apply):
    square = smooth_picture(512, 512)
    out = apply("rotate", square, degrees=5)
    side = 512 / (math.cos(math.radians(5)) + math.sin(math.radians(5)))
    assert out.shape[:2] == (math.floor(side), math.floor(side))


def test_expand_keeps_the_whole_picture_on_a_background_canvas(apply, coffee):
    out = apply("rotate", coffee, degrees=20, fit="expand", background="red")
    c, s = math.cos(math.radians(20)), math.sin(math.radians(20))
    assert out.shape == (math.ceil(600 * s + 400 * c), math.ceil(600 * c + 400 * s), 3)
    for corner in (out[0, 0], out[0, -1], out[-1, 0], out[-1, -1]):
        np.testing.assert_array_equal(corner, (255, 0, 0))
    # the centre of the picture stays at the centre
    h, w = out.shape[:2]
    np.testing.assert_allclose(out[h // 2, w // 2], coffee[200, 300], atol=12)


def test_expand_on_rgba_leaves_transparent_corners(apply, coffee):
    rgba = np.dstack([coffee, np.full(coffee.shape[:2], 255, dtype=np.uint8)])
    out = apply("rotate", rgba, degrees=15, fit="expand")
    assert out.shape[2] == 4
    assert out[0, 0, 3] == 0
    assert out[-1, -1, 3] == 0
    h, w = out.shape[:2]
    assert out[h // 2, w // 2, 3] == 255
    # no dark fringe: opaque-enough edge pixels keep the picture's colour, not black
    edge = (out[:, :, 3] > 64) & (out[:, :, 3] < 192)
    assert out[:, :, :3][edge].mean() > 0.8 * coffee.mean()


def test_rotation_is_clockwise_on_screen(apply):
    # A bright spot right of the centre moves down when turned clockwise.
    image = np.zeros((101, 101, 3), dtype=np.uint8)
    image[48:53, 78:83] = 255
    out = apply("rotate", image, degrees=30, fit="expand")
    ys, xs = np.nonzero(out[:, :, 0] > 128)
    cy, cx = (out.shape[0] - 1) / 2, (out.shape[1] - 1) / 2
    angle = math.degrees(math.atan2(ys.mean() - cy, xs.mean() - cx))
    assert angle == pytest.approx(30, abs=2)


def test_turning_a_single_pixel_by_a_small_angle_is_refused(apply):
    pixel = np.full((1, 1, 3), 7, dtype=np.uint8)
    with pytest.raises(InvalidParameterError, match="too small to turn by 30 degrees"):
        apply("rotate", pixel, degrees=30)
    np.testing.assert_array_equal(apply("rotate", pixel, degrees=90), pixel)


def test_cropping_a_turned_thin_strip_still_leaves_a_picture(apply):
    strip = np.full((2, 300, 3), 90, dtype=np.uint8)
    out = apply("rotate", strip, degrees=45)
    assert out.shape == (1, 1, 3)
    np.testing.assert_allclose(out, 90, atol=1)


# flip


@pytest.mark.parametrize("direction", ["horizontal", "vertical"])
def test_flipping_twice_is_the_identity(apply, chelsea, direction):
    once = apply("flip", chelsea, direction=direction)
    assert not np.array_equal(once, chelsea)
    np.testing.assert_array_equal(apply("flip", once, direction=direction), chelsea)


def test_horizontal_flip_mirrors_left_and_right(apply, chelsea):
    np.testing.assert_array_equal(apply("flip", chelsea), chelsea[:, ::-1])
    np.testing.assert_array_equal(apply("flip", chelsea, direction="vertical"), chelsea[::-1])


# border


def test_border_pads_all_four_sides_in_the_colour(apply, chelsea):
    out = apply("border", chelsea, pixels=10, color="teal")
    assert out.shape == (320, 471, 3)
    np.testing.assert_array_equal(out[10:-10, 10:-10], chelsea)
    ring = np.ones(out.shape[:2], dtype=bool)
    ring[10:-10, 10:-10] = False
    np.testing.assert_array_equal(np.unique(out[ring], axis=0), [[0, 128, 128]])


def test_border_size_is_a_fraction_of_the_shorter_side(apply, chelsea):
    out = apply("border", chelsea, size=0.1)
    assert out.shape == (300 + 60, 451 + 60, 3)


def test_border_on_rgba_is_opaque(apply, chelsea):
    out = apply("border", with_alpha(chelsea), pixels=3)
    assert (out[:3, :, 3] == 255).all()
    np.testing.assert_array_equal(out[3:-3, 3:-3], with_alpha(chelsea))


def test_a_border_that_makes_more_than_100_megapixels_is_refused(apply):
    pixel = np.zeros((1, 1, 3), dtype=np.uint8)
    with pytest.raises(InvalidParameterError, match="10001x10001"):
        apply("border", pixel, pixels=5000)


# every geometry operator


GEOMETRY_CASES = [
    ("crop", {"aspect": (4, 5)}),
    ("crop", {"top": 0.1}),
    ("resize", {"scale": 0.37}),
    ("resize", {"scale": 1.3}),
    ("rotate", {"degrees": 90}),
    ("rotate", {"degrees": 12}),
    ("rotate", {"degrees": -12, "fit": "expand"}),
    ("flip", {}),
    ("border", {}),
]


@pytest.mark.parametrize(("name", "params"), GEOMETRY_CASES)
@pytest.mark.parametrize("alpha", [False, True])
def test_geometry_returns_a_new_uint8_image_and_leaves_the_input_alone(
    apply, chelsea, name, params, alpha
):
    image = with_alpha(chelsea) if alpha else chelsea.copy()
    before = image.copy()
    out = apply(name, image, **params)
    assert out.dtype == np.uint8
    assert out.ndim == 3
    assert out.shape[2] == image.shape[2]
    assert out.flags.c_contiguous
    assert not np.shares_memory(out, image)
    np.testing.assert_array_equal(image, before)
