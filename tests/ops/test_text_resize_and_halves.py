"""Text redrawn bigger or smaller in its own colour, a half of a region ("the top half of the
sky"), and a transparent PNG put on a new background through its own alpha, never re-cut."""

from __future__ import annotations

from typing import Any

import cv2
import numpy as np
import pytest

from gouache.analysis.cache import AnalysisCache
from gouache.analysis.sky import sky_mask
from gouache.errors import InvalidParameterError
from gouache.evals.samples import sample
from gouache.images import Image
from gouache.ops.registry import OpContext, OperatorRegistry

CACHE = AnalysisCache()


@pytest.fixture(scope="module")
def run(registry: OperatorRegistry) -> Any:
    def apply(name: str, image: Image, **params: Any) -> Image:
        return registry.get(name).apply(image, params, OpContext(analyses=CACHE))

    return apply


def _ink_height(image: Image, box: Any) -> int:
    """Rows of red ink (the poster's letters) inside a band around `box`."""
    top, bottom = max(0, box.y - box.h), min(image.shape[0], box.bottom + box.h)
    band = image[top:bottom].astype(int)
    red = (band[..., 0] > 150) & (band[..., 1] < 90)
    # the circle at the right is red too: only the columns the line spans
    red[:, box.right + 60 :] = False
    rows = np.flatnonzero(red.any(axis=1))
    return int(rows[-1] - rows[0] + 1) if rows.size else 0


def test_bigger_text_is_taller_in_the_same_colour_and_still_reads(run: Any) -> None:
    poster = sample("poster")
    lines = CACHE.get(poster).text
    out = run("resize_text", poster, scale=1.25, fit=True)
    for line in lines:
        assert _ink_height(out, line.box) > 1.1 * _ink_height(poster, line.box)
    # the same red: the commonest ink colour is the old one
    ink = out[(out[..., 0] > 150) & (out[..., 1] < 90)].astype(float)
    old = poster[(poster[..., 0] > 150) & (poster[..., 1] < 90)].astype(float)
    assert np.abs(np.median(ink, axis=0) - np.median(old, axis=0)).max() < 12
    read = " ".join(line.text for line in AnalysisCache().get(out).text).replace(" ", "")
    assert "SUMMERSALE" in read.upper()
    assert "OPENLATE" in read.upper()
    # left-aligned lines stay left-aligned: their left edges move by a few pixels at most
    for line in lines:
        band = out[line.box.y : line.box.bottom]
        cols = np.flatnonzero(((band[..., 0] > 150) & (band[..., 1] < 90)).any(axis=0))
        assert abs(int(cols[0]) - line.box.x) < 8


def test_smaller_text_is_shorter(run: Any) -> None:
    poster = sample("poster")
    line = CACHE.get(poster).text[0]
    out = run("resize_text", poster, scale=0.8)
    assert _ink_height(out, line.box) < 0.9 * _ink_height(poster, line.box)


def test_text_that_would_run_off_the_picture_is_refused_and_nothing_changes(run: Any) -> None:
    with pytest.raises(InvalidParameterError, match="run off the picture"):
        run("resize_text", sample("poster"), scale=2.0)


def test_only_the_lines_named_are_resized(run: Any) -> None:
    poster = sample("poster")
    summer, late = CACHE.get(poster).text[:2]
    out = run("resize_text", poster, match="open late", scale=1.2, fit=True)
    rows = np.s_[summer.box.y : summer.box.bottom]
    assert np.array_equal(out[rows], poster[rows])
    assert _ink_height(out, late.box) > _ink_height(poster, late.box)


def test_the_top_half_of_the_sky_darkens_and_the_bottom_half_stays(run: Any) -> None:
    rocket = sample("rocket")
    sky = sky_mask(rocket)
    rows = np.flatnonzero(sky.any(axis=1))
    middle = (rows[0] + rows[-1] + 1) // 2
    out = run("adjust_region", rocket, region="sky", edit="brightness", amount=-0.2, within="top")
    luma = np.array([0.299, 0.587, 0.114])
    top = sky.copy()
    top[middle - 20 :] = False  # clear of the seam
    below = sky.copy()
    below[: middle + 20] = False
    assert (out[top] @ luma).mean() < (rocket[top] @ luma).mean() - 3
    assert np.array_equal(out[below], rocket[below])
    grown = cv2.dilate(sky.astype(np.uint8), np.ones((33, 33), np.uint8)).astype(bool)
    assert np.array_equal(out[~grown], rocket[~grown])  # nothing outside the sky's feather


def test_a_half_of_a_half_is_refused(run: Any) -> None:
    with pytest.raises(InvalidParameterError):
        run("adjust_region", sample("rocket"), region="top", edit="brightness", within="top")


def test_a_transparent_png_goes_on_a_new_background_through_its_own_alpha(run: Any) -> None:
    cutout = sample("cutout")
    alpha = cutout[..., 3]
    out = run("replace_background", cutout, color=(255, 192, 203))
    assert out.shape[2] == 3
    inside = alpha == 255
    assert np.array_equal(out[inside], cutout[inside][:, :3])  # the whole subject kept
    assert np.all(out[alpha == 0] == (255, 192, 203))
    removed = run("remove_background", cutout)
    assert np.array_equal(removed[..., 3], alpha)


def test_recoloured_text_keeps_its_letters_and_takes_the_new_colour(run: Any) -> None:
    poster = sample("poster")
    red = (poster[..., 0] > 150) & (poster[..., 1] < 90) & (poster[..., 2] < 90)
    circle = np.zeros_like(red)
    circle[220:, 370:] = True  # the red ring is no text: it stays red
    out = run("recolor_text", poster, color=(0, 0, 255))
    letters = red & ~circle
    blue = (out[..., 2] > 150) & (out[..., 0] < 90)
    assert blue[letters].mean() > 0.95  # the same letter pixels, now blue
    assert np.array_equal(out[red & circle], poster[red & circle])
    ground = ~cv2.dilate(red.astype(np.uint8), np.ones((5, 5), np.uint8)).astype(bool)
    assert np.abs(out[ground].astype(int) - poster[ground].astype(int)).max() <= 2
    read = " ".join(line.text for line in AnalysisCache().get(out).text).replace(" ", "")
    assert "SUMMERSALE" in read.upper()


def test_text_on_a_busy_ground_is_redrawn_in_the_new_colour(run: Any) -> None:
    sign = sample("sign")
    out = run("recolor_text", sign, color=(255, 255, 0))
    yellow = (out[..., 0] > 200) & (out[..., 1] > 200) & (out[..., 2] < 80)
    assert yellow.sum() > 300
    read = " ".join(line.text for line in AnalysisCache().get(out).text).upper()
    assert "CLOSED" in read.replace(" ", "")
