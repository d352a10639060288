"""Requests a second new user made that were misread or refused: "rotate it a bit to the
left" (a quarter turn), "make it dark mode" (darker), "add a bit of color" on a black-and-white
picture (a saturation that did nothing), "crop the edges a little" (not understood). Each is
checked on its plan and its measured output."""

from __future__ import annotations

from typing import Any

import cv2
import numpy as np
import pytest
from skimage import data

from gouache.analysis.cache import AnalysisCache
from gouache.evals.samples import screenshot
from gouache.ops.plan import EditPlan
from gouache.ops.registry import OpContext, default_operators
from gouache.planner.rules import RulePlanner
from gouache.sessions.turn import plan_context


def _plan(say: str, image: np.ndarray | None = None) -> Any:
    context = plan_context(AnalysisCache(), image) if image is not None else None
    return RulePlanner().plan(say, context)


def _run(plan: EditPlan, image: np.ndarray) -> np.ndarray:
    registry = default_operators()
    out = image
    for step in plan.steps:
        out = registry.get(step.op).apply(out, dict(step.params), OpContext())
    return out


@pytest.mark.parametrize(
    ("say", "degrees"),
    [
        ("rotate it a bit to the left", -3.0),
        ("rotate slightly clockwise", 3.0),
        ("rotate it a few degrees to the right", 3.0),
        ("rotate left", -90.0),
        ("rotate 5 degrees", 5.0),
    ],
)
def test_a_bit_of_a_turn_is_a_few_degrees_not_a_quarter(say: str, degrees: float) -> None:
    plan = _plan(say)
    assert isinstance(plan, EditPlan), plan.describe()
    assert plan.steps[0].params["degrees"] == pytest.approx(degrees)


@pytest.mark.parametrize(
    ("say", "share"), [("crop the edges a little", 0.05), ("trim the edges", 0.1)]
)
def test_crop_the_edges_cuts_the_same_margin_off_every_side(say: str, share: float) -> None:
    coffee = data.coffee()
    plan = _plan(say, coffee)
    assert isinstance(plan, EditPlan), plan.describe()
    out = _run(plan, coffee)
    height, width = coffee.shape[:2]
    assert out.shape[0] == pytest.approx(height * (1 - 2 * share), abs=2)
    assert out.shape[1] == pytest.approx(width * (1 - 2 * share), abs=2)
    top, left = round(height * share), round(width * share)
    assert np.array_equal(out[:10, :10], coffee[top : top + 10, left : left + 10])


def test_dark_mode_swaps_light_and_dark_and_keeps_the_hues() -> None:
    shot = screenshot()
    plan = _plan("make it dark mode", shot)
    assert isinstance(plan, EditPlan), plan.describe()
    assert plan.steps[0].op == "invert"
    out = _run(plan, shot)
    grey_in = cv2.cvtColor(shot, cv2.COLOR_RGB2GRAY).astype(float)
    grey_out = cv2.cvtColor(out, cv2.COLOR_RGB2GRAY).astype(float)
    paper = grey_in > 240
    assert grey_out[paper].mean() < 20  # the white page is now nearly black
    bar = shot[:10].reshape(-1, 3).mean(axis=0)
    bar_out = out[:10].reshape(-1, 3).mean(axis=0)
    assert np.argmax(bar) == np.argmax(bar_out) == 2  # the blue title bar stays blue
    assert bar_out.mean() > bar.mean()  # and is lighter


def test_invert_the_colours_is_a_negative() -> None:
    coffee = data.coffee()
    plan = _plan("invert the colours")
    assert isinstance(plan, EditPlan)
    assert np.array_equal(_run(plan, coffee), 255 - coffee)


def test_more_colour_on_a_black_and_white_picture_is_refused_with_what_adds_colour() -> None:
    camera = np.dstack([data.camera()] * 3)
    reply = _plan("add a bit of color", camera)
    assert not isinstance(reply, EditPlan)
    message = reply.describe()
    assert "black and white" in message
    assert "--backend" in message
    assert "sepia" in message
    # a look whose recipe saturates still runs on it
    assert isinstance(_plan("make it cinematic", camera), EditPlan)
    # and on a colour picture more colour is planned as before
    assert isinstance(_plan("add a bit of color", data.coffee()), EditPlan)


@pytest.mark.parametrize("say", ["make the eyes brighter", "sharpen the eyes", "whiten her teeth"])
def test_a_part_of_a_face_is_never_edited_as_the_whole_picture(say: str) -> None:
    plan = _plan(say, data.chelsea())
    assert not isinstance(plan, EditPlan), plan.describe()


@pytest.mark.parametrize(
    ("say", "look"),
    [
        ("make her look more professional", "professional"),
        ("make it look like a noir film", "noir"),
        ("a vintage film look", "vintage"),
        ("give it a film look", "film"),
    ],
)
def test_looks_read_past_the_person_and_the_word_film(say: str, look: str) -> None:
    plan = _plan(say)
    assert isinstance(plan, EditPlan), plan.describe()
    assert plan.steps[0].params["name"] == look


@pytest.mark.parametrize(
    ("say", "share"), [("zoom into the center", 0.25), ("zoom in a bit on the centre", 0.125)]
)
def test_zoom_into_the_centre_crops_the_middle(say: str, share: float) -> None:
    hubble = data.hubble_deep_field()
    plan = _plan(say, hubble)
    assert isinstance(plan, EditPlan), plan.describe()
    out = _run(plan, hubble)
    assert out.shape[0] == pytest.approx(hubble.shape[0] * (1 - 2 * share), abs=2)
    top, left = round(hubble.shape[0] * share), round(hubble.shape[1] * share)
    assert np.array_equal(out[:8, :8], hubble[top : top + 8, left : left + 8])


@pytest.mark.parametrize(
    "say",
    [
        "crop it to 16:9 but don't cut anyone off",
        "crop to 16:9 without cutting anyone off",
        "crop to 4:5, don't cut off anyone's head",
    ],
)
def test_dont_cut_anyone_off_is_the_crop_that_keeps_every_face(say: str) -> None:
    plan = _plan(say)
    assert isinstance(plan, EditPlan), plan.describe()
    assert [step.op for step in plan.steps] == ["smart_crop"]


def test_dont_cut_anyone_off_inside_quotes_is_text() -> None:
    plan = _plan('add "don\'t cut anyone off" at the top')
    assert isinstance(plan, EditPlan)
    assert plan.steps[0].params["text"] == "don't cut anyone off"


@pytest.mark.parametrize(
    ("say", "ops", "warmth"),
    [
        ("the photo is too dark and a bit blue, can you fix it", ["brightness", "warmth"], 0.1),
        ("too bright and slightly yellow", ["brightness", "warmth"], -0.1),
    ],
)
def test_a_colour_after_a_too_is_a_cast_to_take_out(
    say: str, ops: list[str], warmth: float
) -> None:
    plan = _plan(say)
    assert isinstance(plan, EditPlan), plan.describe()
    assert [step.op for step in plan.steps] == ops
    assert plan.steps[-1].params["amount"] == pytest.approx(warmth)


def test_a_bare_colour_with_no_complaint_is_not_guessed() -> None:
    assert not isinstance(_plan("make it brighter and a bit blue"), EditPlan)
