"""A plain background is cut by its colour ("remove the white background" on a logo), and a
named colour that is not the background's is refused, not cut from something else."""

from __future__ import annotations

import io
from collections.abc import Callable
from typing import Any

import cv2
import numpy as np
import pytest
from PIL import Image as PILImage

from gouache.analysis.cache import AnalysisCache
from gouache.errors import UnsupportedError
from gouache.images import Image
from gouache.ops.registry import OpContext, OperatorRegistry
from gouache.planner.rules import RulePlanner

CENTRE, RADIUS = (200, 150), 80
RED = (200, 30, 30)


@pytest.fixture(scope="module")
def logo() -> Image:
    """A red disc with white lettering inside, on white, saved as a JPEG (its noise and
    its soft edges are what a real logo on white brings)."""
    image = np.full((300, 400, 3), 255, dtype=np.uint8)
    cv2.circle(image, CENTRE, RADIUS, RED, thickness=-1, lineType=cv2.LINE_AA)
    cv2.putText(image, "HI", (160, 170), cv2.FONT_HERSHEY_SIMPLEX, 2, (255, 255, 255), 6)
    buffer = io.BytesIO()
    PILImage.fromarray(image).save(buffer, format="JPEG", quality=85)
    return np.asarray(PILImage.open(buffer).convert("RGB"))


@pytest.fixture(scope="module")
def run(registry: OperatorRegistry) -> Callable[..., tuple[Image, list[str]]]:
    analyses = AnalysisCache()

    def apply(name: str, image: Image, **params: Any) -> tuple[Image, list[str]]:
        ctx = OpContext(analyses=analyses)
        out = registry.get(name).apply(image, params, ctx)
        return out, ctx.notes

    return apply


def _planned(say: str) -> tuple[str, dict[str, Any]]:
    plan = RulePlanner().plan(say)
    steps = getattr(plan, "steps", None)
    assert steps, plan.describe()
    assert len(steps) == 1
    return steps[0].op, dict(steps[0].params)


def test_remove_the_white_background_cuts_the_white_around_the_logo_and_nothing_inside(run, logo):
    op, params = _planned("remove the white background")
    assert op == "remove_background"
    out, notes = run(op, logo, **params)
    alpha = out[:, :, 3]
    assert out.shape == (*logo.shape[:2], 4)
    assert (alpha[:20, :20] == 0).all()
    assert (alpha[-20:, -20:] == 0).all()
    x, y = CENTRE
    disc = np.zeros(logo.shape[:2], dtype=np.uint8)
    cv2.circle(disc, CENTRE, RADIUS - 4, 1, thickness=-1)
    assert (alpha[disc == 1] == 255).all()  # the white letters inside the disc stay
    assert (alpha[y - 8 : y + 8, x - 40 : x + 40] == 255).all()
    outside = np.ones_like(disc)
    cv2.circle(outside, CENTRE, RADIUS + 4, 0, thickness=-1)
    assert (alpha[outside == 1] == 0).mean() > 0.99
    assert any("cut by colour: white" in note for note in notes)


def test_the_edge_of_a_cut_keeps_no_white_fringe(run, logo):
    out, _ = run("remove_background", logo, key=(255, 255, 255))
    alpha = out[:, :, 3]
    partial = (alpha > 0) & (alpha < 255)
    assert partial.sum() > 100  # the anti-aliased rim is soft, not a jagged step
    rim = out[:, :, :3][partial].astype(float)
    # un-mixed, the rim is the disc's red, not pink from the white it was blended with
    assert np.abs(rim.mean(axis=0) - np.array(RED)).max() < 40


def test_a_plain_background_is_found_without_being_named(run, logo):
    out, notes = run("remove_background", logo)
    assert out[5, 5, 3] == 0
    assert out[CENTRE[1], CENTRE[0], 3] == 255
    assert any("plain white" in note for note in notes)


def test_a_named_colour_that_is_not_the_background_is_refused(run, logo):
    op, params = _planned("remove the black background")
    with pytest.raises(UnsupportedError) as err:
        run(op, logo, **params)
    assert "not black" in err.value.message
    assert "mostly white" in err.value.message


def test_a_background_described_by_its_nearest_plain_name_when_refused(run, coffee):
    with pytest.raises(UnsupportedError) as err:
        run("remove_background", coffee, key=(255, 255, 255))
    assert "not white" in err.value.message
    assert "#" in err.value.message  # the measured colour is given with its plain name


def test_change_the_white_background_to_blue_keeps_the_logo_and_fills_blue(run, logo):
    op, params = _planned("change the white background to blue")
    assert op == "replace_background"
    out, _ = run(op, logo, **params)
    assert out.shape == logo.shape
    assert tuple(out[5, 5]) == (0, 0, 255)
    x, y = CENTRE
    assert np.array_equal(out[y - 60 : y - 50, x - 5 : x + 5], logo[y - 60 : y - 50, x - 5 : x + 5])


def test_a_picture_of_one_colour_has_nothing_to_cut(run):
    blank = np.full((60, 80, 3), 255, dtype=np.uint8)
    with pytest.raises(UnsupportedError, match="nothing in front"):
        run("remove_background", blank)


def test_a_busy_background_still_goes_to_the_subject_mask(run, astronaut):
    _, notes = run("remove_background", astronaut)
    assert not any("cut by" in note for note in notes)
    assert any("GrabCut" in note for note in notes)


@pytest.mark.parametrize(
    ("say", "op", "key", "color"),
    [
        ("remove the white background", "remove_background", (255, 255, 255), None),
        ("get rid of the white bg pls", "remove_background", (255, 255, 255), None),
        ("make the white background transparent", "remove_background", (255, 255, 255), None),
        ("change the white background to blue", "replace_background", (255, 255, 255), (0, 0, 255)),
        ("put it on a blue background", "replace_background", None, (0, 0, 255)),
        ("remove the background", "remove_background", None, None),
    ],
)
def test_a_named_background_colour_is_the_one_to_cut_not_the_new_one(say, op, key, color):
    planned, params = _planned(say)
    assert planned == op
    assert params.get("key") == key
    assert params.get("color") == color


def test_a_person_on_a_plain_backdrop_is_cut_from_the_face_not_by_colour(run, astronaut):
    # her white suit would run into a white backdrop down to the frame
    face_on_white = astronaut.copy()
    face_on_white[:, :30] = 255
    face_on_white[:, -30:] = 255
    face_on_white[:30] = 255
    face_on_white[-30:] = 255
    _, notes = run("remove_background", face_on_white)
    assert not any("cut by" in note for note in notes)
