"""replace_color: one colour of a flat graphic made another (the chart's blue bars green), every
other pixel exactly as it was; a photo, or a colour the picture lacks, refused in words."""

from __future__ import annotations

import cv2
import numpy as np
import pytest

from gouache.errors import UnsupportedError
from gouache.evals.samples import sample
from gouache.images import Image
from gouache.ops.registry import OpContext, default_operators

OP = default_operators().get("replace_color")
TAB_BLUE = (31, 119, 180)  # matplotlib's first colour
TAB_ORANGE = (255, 127, 14)
BLUE, GREEN = (0, 0, 255), (0, 128, 0)


def replaced(image: Image, **params: object) -> Image:
    return OP.apply(image, params, OpContext())


def exactly(image: Image, rgb: tuple[int, int, int]) -> np.ndarray:
    return np.asarray((image[..., :3] == rgb).all(axis=-1))


def hls(image: Image) -> np.ndarray:
    return np.asarray(cv2.cvtColor(image[..., :3].astype(np.float32) / 255, cv2.COLOR_RGB2HLS))


def test_the_blue_bars_turn_green_keeping_their_lightness() -> None:
    chart = sample("chart")
    out = replaced(chart, source=BLUE, color=GREEN, things="bars")
    bars = exactly(chart, TAB_BLUE)
    assert bars.mean() > 0.1
    after, before = hls(out)[bars], hls(chart)[bars]
    assert np.all((after[:, 0] > 100) & (after[:, 0] < 140))  # green hues
    assert np.abs(after[:, 1] - before[:, 1]).max() < 2 / 255


def test_every_pixel_that_is_not_blue_stays_bit_for_bit() -> None:
    chart = sample("chart")
    out = replaced(chart, source=BLUE, color=GREEN, things="bars")
    hue, saturation = hls(chart)[..., 0], hls(chart)[..., 2]
    blueish = (hue >= 190) & (hue < 255) & (saturation > 0.08)
    assert (out[~blueish] == chart[~blueish]).all()
    assert exactly(out, TAB_ORANGE).sum() == exactly(chart, TAB_ORANGE).sum() > 0
    assert exactly(out, (255, 255, 255)).sum() == exactly(chart, (255, 255, 255)).sum()


def test_the_bars_of_a_dashboard_change_and_its_blue_donut_slice_does_not() -> None:
    board = sample("dashboard")
    out = replaced(board, source=BLUE, color=GREEN, things="bars")
    blue = exactly(board, TAB_BLUE)
    half = board.shape[1] * 2 // 3  # the bars are left of the donut
    assert not exactly(out[:, :half], TAB_BLUE).any()
    assert (out[:, half:][blue[:, half:]] == TAB_BLUE).all()


def test_all_the_blue_of_a_dashboard_changes_when_no_shape_is_named() -> None:
    board = sample("dashboard")
    out = replaced(board, source=BLUE, color=GREEN)
    assert not exactly(out, TAB_BLUE).any()


def test_a_photo_is_refused_naming_what_works() -> None:
    with pytest.raises(UnsupportedError, match=r"photo.*tint it green"):
        replaced(sample("astronaut"), source=BLUE, color=GREEN)


def test_a_colour_the_chart_lacks_is_refused_naming_the_colours_it_has() -> None:
    with pytest.raises(UnsupportedError, match=r"no red .*orange, blue"):
        replaced(sample("chart"), source=(255, 0, 0), color=GREEN)


def test_lines_asked_where_the_colour_is_only_in_bars_are_refused() -> None:
    with pytest.raises(UnsupportedError, match=r"no blue lines.*in bars"):
        replaced(sample("chart"), source=BLUE, color=GREEN, things="lines")
