"""Palette: CIEDE2000 against Sharma, Wu and Dalal's test data, then built images."""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
import pytest
from PIL import Image as PILImage
from PIL import ImageDraw

from gouache.critics.base import CriticContext
from gouache.critics.palette import Palette, delta_e_2000, dominant_colours, srgb_to_lab
from gouache.images import Image

# G. Sharma, W. Wu, E. N. Dalal (2005), Table 1: the 34 supplementary test pairs,
# (L*, a*, b*) of each colour and the published ΔE00 to four decimals.
SHARMA_PAIRS = [
    ((50.0000, 2.6772, -79.7751), (50.0000, 0.0000, -82.7485), 2.0425),
    ((50.0000, 3.1571, -77.2803), (50.0000, 0.0000, -82.7485), 2.8615),
    ((50.0000, 2.8361, -74.0200), (50.0000, 0.0000, -82.7485), 3.4412),
    ((50.0000, -1.3802, -84.2814), (50.0000, 0.0000, -82.7485), 1.0000),
    ((50.0000, -1.1848, -84.8006), (50.0000, 0.0000, -82.7485), 1.0000),
    ((50.0000, -0.9009, -85.5211), (50.0000, 0.0000, -82.7485), 1.0000),
    ((50.0000, 0.0000, 0.0000), (50.0000, -1.0000, 2.0000), 2.3669),
    ((50.0000, -1.0000, 2.0000), (50.0000, 0.0000, 0.0000), 2.3669),
    ((50.0000, 2.4900, -0.0010), (50.0000, -2.4900, 0.0009), 7.1792),
    ((50.0000, 2.4900, -0.0010), (50.0000, -2.4900, 0.0010), 7.1792),
    ((50.0000, 2.4900, -0.0010), (50.0000, -2.4900, 0.0011), 7.2195),
    ((50.0000, 2.4900, -0.0010), (50.0000, -2.4900, 0.0012), 7.2195),
    ((50.0000, -0.0010, 2.4900), (50.0000, 0.0009, -2.4900), 4.8045),
    ((50.0000, -0.0010, 2.4900), (50.0000, 0.0010, -2.4900), 4.8045),
    ((50.0000, -0.0010, 2.4900), (50.0000, 0.0011, -2.4900), 4.7461),
    ((50.0000, 2.5000, 0.0000), (50.0000, 0.0000, -2.5000), 4.3065),
    ((50.0000, 2.5000, 0.0000), (73.0000, 25.0000, -18.0000), 27.1492),
    ((50.0000, 2.5000, 0.0000), (61.0000, -5.0000, 29.0000), 22.8977),
    ((50.0000, 2.5000, 0.0000), (56.0000, -27.0000, -3.0000), 31.9030),
    ((50.0000, 2.5000, 0.0000), (58.0000, 24.0000, 15.0000), 19.4535),
    ((50.0000, 2.5000, 0.0000), (50.0000, 3.1736, 0.5854), 1.0000),
    ((50.0000, 2.5000, 0.0000), (50.0000, 3.2972, 0.0000), 1.0000),
    ((50.0000, 2.5000, 0.0000), (50.0000, 1.8634, 0.5757), 1.0000),
    ((50.0000, 2.5000, 0.0000), (50.0000, 3.2592, 0.3350), 1.0000),
    ((60.2574, -34.0099, 36.2677), (60.4626, -34.1751, 39.4387), 1.2644),
    ((63.0109, -31.0961, -5.8663), (62.8187, -29.7946, -4.0864), 1.2630),
    ((61.2901, 3.7196, -5.3901), (61.4292, 2.2480, -4.9620), 1.8731),
    ((35.0831, -44.1164, 3.7933), (35.0232, -40.0716, 1.5901), 1.8645),
    ((22.7233, 20.0904, -46.6940), (23.0331, 14.9730, -42.5619), 2.0373),
    ((36.4612, 47.8580, 18.3852), (36.2715, 50.5065, 21.2231), 1.4146),
    ((90.8027, -2.0831, 1.4410), (91.1528, -1.6435, 0.0447), 1.4441),
    ((90.9257, -0.5406, -0.9208), (88.6381, -0.8985, -0.7239), 1.5381),
    ((6.7747, -0.2908, -2.4247), (5.8714, -0.0985, -2.2286), 0.6377),
    ((2.0776, 0.0795, -1.1350), (0.9033, -0.0636, -0.5514), 0.9082),
]

NAVY, SAND, RED = (29, 53, 87), (241, 250, 238), (230, 57, 70)


def test_ciede2000_reproduces_all_34_published_pairs_in_both_orders() -> None:
    first = np.array([pair[0] for pair in SHARMA_PAIRS])
    second = np.array([pair[1] for pair in SHARMA_PAIRS])
    published = np.array([pair[2] for pair in SHARMA_PAIRS])
    # published to 4 decimals: half a unit in the last place
    np.testing.assert_allclose(delta_e_2000(first, second), published, atol=5e-5)
    np.testing.assert_allclose(delta_e_2000(second, first), published, atol=5e-5)


def test_ciede2000_of_a_colour_with_itself_is_zero_and_it_broadcasts() -> None:
    lab = srgb_to_lab(np.array([[0, 0, 0], [255, 255, 255], [12, 200, 90]]))
    assert delta_e_2000(lab, lab) == pytest.approx([0.0, 0.0, 0.0], abs=1e-9)
    assert delta_e_2000(lab, lab[0]).shape == (3,)


def test_srgb_to_lab_agrees_with_scikit_image() -> None:
    from skimage.color import rgb2lab

    rgb = np.random.default_rng(3).integers(0, 256, size=(500, 3), dtype=np.uint8)
    expected = rgb2lab(rgb[np.newaxis].astype(np.float64) / 255.0)[0]
    np.testing.assert_allclose(srgb_to_lab(rgb), expected, atol=0.05)


def brand_image(share_of_navy: float, off_colour: tuple[int, int, int]) -> Image:
    """A navy ground with a sand band, and a block of `off_colour` covering the rest."""
    im = PILImage.new("RGB", (400, 300), NAVY)
    draw = ImageDraw.Draw(im)
    draw.rectangle((0, 0, 399, 29), fill=SAND)  # 10 %
    off_rows = round(300 * (1 - share_of_navy - 0.1))
    if off_rows:
        draw.rectangle((0, 300 - off_rows, 399, 299), fill=off_colour)
    return np.asarray(im)


def test_an_image_in_the_brand_colours_passes_with_its_dominant_colours_reported(
    context_for: Callable[..., CriticContext],
) -> None:
    image = brand_image(0.85, (235, 60, 72))  # 5 % of a red a hair off the brand red
    critic = Palette(colors=(NAVY, SAND, RED), tolerance=5.0, min_share=0.95, dominant=3)
    score = critic.score(image, context_for(image))
    assert score.passed
    assert score.value == pytest.approx(1.0, abs=0.01)
    assert "dominant: #1d3557 85%" in score.detail
    colours = critic.dominant_colours(image)
    assert [c.rgb for c in colours] == [NAVY, SAND, (235, 60, 72)]
    assert [c.share for c in colours] == pytest.approx([0.85, 0.10, 0.05], abs=0.01)
    assert colours[2].nearest == RED
    assert colours[2].delta_e < 5.0


def test_an_image_with_an_off_palette_block_fails_by_its_share(
    context_for: Callable[..., CriticContext],
) -> None:
    image = brand_image(0.6, (40, 160, 60))  # 30 % green, far from every brand colour
    critic = Palette(colors=(NAVY, SAND, RED), tolerance=10.0, min_share=0.8)
    score = critic.score(image, context_for(image))
    assert not score.passed
    assert score.value == pytest.approx(0.7, abs=0.01)
    assert score.margin < 0
    assert "off palette" in score.detail


def test_transparent_pixels_are_left_out(context_for: Callable[..., CriticContext]) -> None:
    image = np.zeros((100, 100, 4), dtype=np.uint8)
    image[:, :, :3] = (40, 160, 60)  # green, but transparent...
    image[:50, :, :3] = NAVY
    image[:50, :, 3] = 255  # ...except the navy half
    score = Palette(colors=(NAVY,), min_share=0.99).score(image, context_for(image))
    assert score.passed
    assert score.value == pytest.approx(1.0)


def test_dominant_colours_are_the_same_on_every_run() -> None:
    from skimage import data

    pixels = np.asarray(data.astronaut()).reshape(-1, 3)
    assert dominant_colours(pixels, 5) == dominant_colours(pixels, 5)


def test_a_flat_image_has_one_dominant_colour() -> None:
    pixels = np.tile(np.array([NAVY], dtype=np.uint8), (1000, 1))
    assert dominant_colours(pixels, 5) == [(NAVY, 1.0)]


def test_an_empty_palette_is_refused() -> None:
    with pytest.raises(ValueError, match="at least one colour"):
        Palette(colors=())
