import numpy as np
import pytest

from gouache.errors import InvalidParameterError

LONG_TEXT = (
    "A long caption that cannot possibly fit on one line at a readable size, so it has to "
    "be wrapped over several lines, each of them narrower than the picture itself"
)


def changed(before: np.ndarray, after: np.ndarray) -> np.ndarray:
    return (before != after).any(axis=2)


def bounding_box(mask: np.ndarray) -> tuple[int, int, int, int]:
    """(top, bottom, left, right) of the True pixels, bottom and right exclusive."""
    rows, cols = np.nonzero(mask.any(axis=1))[0], np.nonzero(mask.any(axis=0))[0]
    return int(rows[0]), int(rows[-1]) + 1, int(cols[0]), int(cols[-1]) + 1


def count_colour(pixels: np.ndarray, colour: tuple[int, int, int]) -> int:
    return int((pixels[..., :3] == colour).all(axis=-1).sum())


def test_a_caption_changes_only_the_pixels_of_its_band(apply, astronaut):
    out = apply("caption", astronaut, text="Hello world")
    top, bottom, left, right = bounding_box(changed(astronaut, out))
    # at the bottom, inside the margin, and everything else exactly as it was
    assert top > 0.75 * 512
    assert bottom <= 512 - 10
    np.testing.assert_array_equal(out[:top], astronaut[:top])
    np.testing.assert_array_equal(out[bottom:], astronaut[bottom:])
    np.testing.assert_array_equal(out[:, :left], astronaut[:, :left])
    np.testing.assert_array_equal(out[:, right:], astronaut[:, right:])
    # centred
    assert abs((left + right) / 2 - 256) <= 2


def test_an_outlined_caption_shows_the_text_colour_and_a_contrasting_outline(apply, astronaut):
    light = apply("caption", astronaut, text="Hello world")
    top, bottom, left, right = bounding_box(changed(astronaut, light))
    band = light[top:bottom, left:right]
    assert count_colour(band, (255, 255, 255)) > 200
    assert count_colour(band, (0, 0, 0)) > 200

    dark = apply("caption", astronaut, text="Hello world", color="navy")
    top, bottom, left, right = bounding_box(changed(astronaut, dark))
    band = dark[top:bottom, left:right]
    assert count_colour(band, (0, 0, 128)) > 200
    assert count_colour(band, (255, 255, 255)) > 200


def test_a_short_caption_is_sized_to_fit_the_width_without_towering(apply, coffee):
    out = apply("caption", coffee, text="Hi")
    top, bottom, left, right = bounding_box(changed(coffee, out))
    assert bottom - top <= 0.2 * 400
    out = apply("caption", coffee, text="Hello there, this is a caption")
    top, bottom, left, right = bounding_box(changed(coffee, out))
    assert 0.6 * 600 < right - left <= 0.9 * 600 + 1


def test_a_long_caption_wraps_onto_lines_that_fit_within_the_width(apply, astronaut):
    one_line = apply("caption", astronaut, text="Hello world", style="plain")
    wrapped = apply("caption", astronaut, text=LONG_TEXT, style="plain")
    _, _, left, right = bounding_box(changed(astronaut, wrapped))
    assert left >= 0.05 * 512 - 1
    assert right <= 0.95 * 512 + 1
    top, bottom, _, _ = bounding_box(changed(astronaut, wrapped))
    rows_with_ink = changed(astronaut, wrapped)[top:bottom].any(axis=1)
    # blank rows split the block into at least three lines
    starts = np.count_nonzero(rows_with_ink[1:] & ~rows_with_ink[:-1]) + 1
    assert starts >= 3
    assert bottom - top < 0.35 * 512
    line_top, line_bottom, _, _ = bounding_box(changed(astronaut, one_line))
    assert bottom - top > 2 * (line_bottom - line_top) * 0.5


def test_explicit_line_breaks_are_kept(apply, coffee):
    out = apply("caption", coffee, text="Top line\nBottom line", style="plain", size=0.08)
    top, bottom, _, _ = bounding_box(changed(coffee, out))
    rows = changed(coffee, out)[top:bottom].any(axis=1)
    assert np.count_nonzero(rows[1:] & ~rows[:-1]) + 1 == 2


@pytest.mark.parametrize(
    ("position", "rows", "cols"),
    [
        ("top", slice(0, 200), slice(100, 500)),
        ("center", slice(100, 300), slice(100, 500)),
        ("left", slice(100, 300), slice(0, 300)),
        ("right", slice(100, 300), slice(300, 600)),
        ("top left", slice(0, 200), slice(0, 300)),
        ("top right", slice(0, 200), slice(300, 600)),
        ("bottom left", slice(200, 400), slice(0, 300)),
        ("bottom right", slice(200, 400), slice(300, 600)),
    ],
)
def test_the_caption_goes_where_it_is_asked(apply, coffee, position, rows, cols):
    out = apply("caption", coffee, text="Espresso", position=position, size=0.08)
    mask = changed(coffee, out)
    assert mask.any()
    assert mask[rows, cols].sum() == mask.sum()


@pytest.mark.parametrize("side", ["left", "right"])
def test_a_caption_at_the_side_sits_at_the_margin_with_its_lines_aligned_to_it(apply, coffee, side):
    out = apply("caption", coffee, text=LONG_TEXT, position=side, style="plain")
    mask = changed(coffee, out)
    top, bottom, left, right = bounding_box(mask)
    # vertically centred, at the side's margin (4 % of the shorter side)
    assert abs((top + bottom) / 2 - 200) <= 2
    margin = 0.04 * 400
    assert (left if side == "left" else 600 - right) == pytest.approx(margin, abs=3)
    # every line starts (or ends) within a letter's side bearing of the block's edge
    rows = mask[top:bottom].any(axis=1)
    starts = np.flatnonzero(rows[1:] & ~rows[:-1]) + 1
    ends = np.flatnonzero(rows[:-1] & ~rows[1:]) + 1
    bands = zip(np.r_[0, starts], np.r_[ends, bottom - top], strict=True)
    edges = []
    for lo, hi in bands:
        cols = np.flatnonzero(mask[top + lo : top + hi].any(axis=0))
        edges.append(cols[0] if side == "left" else cols[-1] + 1)
    assert len(edges) >= 3
    assert max(edges) - min(edges) <= 4


def test_size_sets_the_text_height_as_a_fraction_of_the_picture(apply, coffee):
    small = changed(coffee, apply("caption", coffee, text="Tall", size=0.05, style="plain"))
    large = changed(coffee, apply("caption", coffee, text="Tall", size=0.15, style="plain"))
    (st, sb, _, _), (lt, lb, _, _) = bounding_box(small), bounding_box(large)
    assert (lb - lt) / (sb - st) == pytest.approx(3, rel=0.15)
    assert lb - lt == pytest.approx(0.15 * 400 * 0.75, rel=0.25)  # cap height of the letters


def test_a_box_caption_sits_on_a_semi_opaque_box_of_the_contrasting_colour(apply, chelsea):
    out = apply("caption", chelsea, text="A cat", style="box")
    top, bottom, left, right = bounding_box(changed(chelsea, out))
    # a point of the padding, away from the rounded corners: 60 % black over the photo
    y, x = top + 1, (left + right) // 2
    np.testing.assert_allclose(out[y, x], 0.4 * chelsea[y, x].astype(np.float64), atol=1)
    assert count_colour(out[top:bottom, left:right], (255, 255, 255)) > 100


def test_a_box_caption_uses_the_box_colour_given(apply, chelsea):
    out = apply("caption", chelsea, text="A cat", style="box", box_color="red")
    top, _, left, right = bounding_box(changed(chelsea, out))
    y, x = top + 1, (left + right) // 2
    expected = 0.4 * chelsea[y, x].astype(np.float64) + 0.6 * np.array([255, 0, 0])
    np.testing.assert_allclose(out[y, x], expected, atol=1)


def test_a_caption_on_transparent_pixels_makes_the_letters_opaque(apply):
    clear = np.zeros((240, 600, 4), dtype=np.uint8)
    clear[:, :, :3] = 90
    out = apply("caption", clear, text="Floating", color="yellow")
    mask = changed(clear, out)
    assert (out[:, :, 3][~mask] == 0).all()
    np.testing.assert_array_equal(out[~mask], clear[~mask])
    assert count_colour(out[out[:, :, 3] == 255], (255, 255, 0)) > 100


def test_a_caption_on_rgba_keeps_untouched_pixels_and_their_alpha(apply, chelsea):
    alpha = np.full(chelsea.shape[:2], 128, dtype=np.uint8)
    rgba = np.dstack([chelsea, alpha])
    out = apply("caption", rgba, text="Half seen")
    mask = changed(rgba, out) | (out[:, :, 3] != rgba[:, :, 3])
    np.testing.assert_array_equal(out[~mask], rgba[~mask])
    assert out[:, :, 3][mask].max() == 255


def test_a_size_too_large_for_the_picture_is_refused(apply, coffee):
    with pytest.raises(InvalidParameterError, match="use a smaller size") as err:
        apply("caption", coffee, text="Incomprehensibilities", size=0.5)
    assert err.value.param == "size"


def test_a_text_too_long_for_a_tiny_picture_is_refused(apply):
    tiny = np.zeros((24, 32, 3), dtype=np.uint8)
    with pytest.raises(InvalidParameterError, match="do not fit on a 32x24 image"):
        apply("caption", tiny, text=LONG_TEXT)


def test_an_empty_or_blank_caption_is_refused(apply, coffee):
    with pytest.raises(InvalidParameterError, match="text"):
        apply("caption", coffee, text="")
    with pytest.raises(InvalidParameterError, match="the text is blank"):
        apply("caption", coffee, text=" \n ")


def test_a_caption_on_a_one_pixel_high_strip_is_refused(apply):
    strip = np.zeros((1, 500, 3), dtype=np.uint8)
    with pytest.raises(InvalidParameterError, match="do not fit on a 500x1 image"):
        apply("caption", strip, text="Hi")


@pytest.mark.parametrize("style", ["outline", "box", "plain"])
@pytest.mark.parametrize("channels", [3, 4])
def test_a_caption_returns_a_new_uint8_image_and_leaves_the_input_alone(
    apply, chelsea, style, channels
):
    image = chelsea.copy() if channels == 3 else np.dstack([chelsea, chelsea[:, :, 0]])
    before = image.copy()
    out = apply("caption", image, text=LONG_TEXT, style=style, position="top left")
    assert out.dtype == np.uint8
    assert out.shape == image.shape
    assert not np.shares_memory(out, image)
    np.testing.assert_array_equal(image, before)
