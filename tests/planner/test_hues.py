"""One colour of a photo named as what an edit is for ("make the reds more saturated", "the
yellows are too strong") is that colour's edit (adjust_color), never the whole picture's; a
colour the picture lacks is refused naming the colours it has. Each is checked on its plan and,
where it edits, on its measured output."""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest

from gouache.analysis.cache import AnalysisCache
from gouache.evals.samples import sample
from gouache.images import Image
from gouache.ops.plan import EditPlan
from gouache.ops.recolor import hls_of
from gouache.ops.registry import OpContext, default_operators
from gouache.ops.selective import taken_weights, weights
from gouache.planner.plan import PlannerReply
from gouache.planner.rules import RulePlanner
from gouache.sessions.turn import plan_context

CACHE = AnalysisCache()


def _plan(say: str, on: str) -> Any:
    return RulePlanner().plan(say, plan_context(CACHE, sample(on)))


def _planned(say: str, on: str) -> tuple[dict[str, Any], Image, Image]:
    source = sample(on)
    plan = _plan(say, on)
    assert isinstance(plan, EditPlan), plan.describe()
    assert [step.op for step in plan.steps] == ["adjust_color"]
    params = dict(plan.steps[0].params)
    out = default_operators().get("adjust_color").apply(source, params, OpContext())
    return params, source, out


def _untaken(source: Image, params: dict[str, Any]) -> np.ndarray:
    """The pixels the edit of `params["hues"]` does not take, holes filled (ops.selective)."""
    return np.asarray(taken_weights(source, str(params["hues"])) == 0)


def _chroma(image: Image) -> np.ndarray:
    rgb = image[..., :3].astype(np.float64)
    return np.asarray(rgb.max(axis=-1) - rgb.min(axis=-1))


@pytest.mark.parametrize(
    ("say", "hues", "saturation", "lightness"),
    [
        ("make the reds more saturated", "red", 0.3, 0.0),
        ("increase the saturation of the brown", "brown", 0.3, 0.0),
        ("make the greens less saturated", "green", -0.3, 0.0),
        ("make the blues deeper", "blue", 0.3, -0.1),
        ("the yellows are too strong", "yellow", -0.3, 0.0),
        ("the yellows are way too strong", "yellow", -0.6, 0.0),
        ("make the reds a tad more saturated", "red", 0.15, 0.0),
        ("way more saturation in the blues", "blue", 0.6, 0.0),
        ("the blues look dull", "blue", 0.3, 0.0),
        ("the reds aren't vivid enough", "red", 0.3, 0.0),
        ("tone down the oranges", "orange", -0.3, 0.0),
        ("make the browns darker", "brown", 0.0, -0.2),
        ("make the teal a bit brighter", "cyan", 0.0, 0.1),
        ("make the greens grey", "green", -1.0, 0.0),
    ],
)
def test_a_colour_named_as_what_an_edit_is_for_is_read_as_that_colours_edit(
    say: str, hues: str, saturation: float, lightness: float
) -> None:
    plan = RulePlanner().plan(say)
    assert isinstance(plan, EditPlan), plan.describe()
    params = plan.steps[0].params
    assert (plan.steps[0].op, params["hues"]) == ("adjust_color", hues)
    assert params.get("saturation", 0.0) == pytest.approx(saturation)
    assert params.get("lightness", 0.0) == pytest.approx(lightness)


@pytest.mark.parametrize(
    ("say", "on", "hues"),
    [("make the reds more saturated", "astronaut", "red"),
     ("increase the saturation of the brown", "coffee", "brown")],
)  # fmt: skip
def test_the_colour_gains_chroma_and_what_is_not_that_colour_is_unchanged(
    say: str, on: str, hues: str
) -> None:
    # both were refused: "I cannot pick out the red areas on their own"
    _, source, out = _planned(say, on)
    weight = weights(source, hls_of(source), hues)
    full = weight > 0.9
    assert full.mean() > 0.05
    gained = _chroma(out)[full] - _chroma(source)[full]
    assert gained.mean() > 5.0
    untaken = taken_weights(source, hues) == 0  # its holes filled (ops.selective)
    assert np.array_equal(out[untaken], source[untaken])
    assert untaken.mean() > 0.2  # never the whole picture


def test_deeper_blues_are_richer_and_darker_and_the_lit_pad_is_kept() -> None:
    params, source, out = _planned("make the blues deeper", "rocket")
    weight = weights(source, hls_of(source), "blue")
    sky = weight > 0.9
    assert _chroma(out)[sky].mean() > 1.1 * _chroma(source)[sky].mean()
    assert out[sky].astype(float).mean() < source[sky].astype(float).mean() - 3
    assert np.array_equal(out[_untaken(source, params)], source[_untaken(source, params)])


def test_a_colour_the_picture_lacks_is_refused_naming_the_colours_it_has() -> None:
    reply = _plan("the yellows are too strong", "coffee")
    assert isinstance(reply, PlannerReply), reply.describe()
    assert "almost no yellow" in reply.message
    assert "its colours are orange, brown and red" in reply.message
    assert "make the oranges less saturated" in reply.suggestions


def test_a_colour_on_a_grey_picture_is_refused_saying_it_has_none() -> None:
    reply = _plan("make the reds more saturated", "coins")
    assert isinstance(reply, PlannerReply), reply.describe()
    assert "nearly grey all over" in reply.message


def _hue_turn(source: Image, out: Image, where: np.ndarray) -> float:
    """The mean turn of hue (degrees, the short way) over `where`."""
    turn = (hls_of(out)[..., 0] - hls_of(source)[..., 0] + 180.0) % 360.0 - 180.0
    return float(turn[where].mean())


@pytest.mark.parametrize("say", ["make the oranges pinker", "make the petals pinker"])
def test_the_dahlias_orange_turns_toward_pink_and_its_leaves_are_kept(say: str) -> None:
    # "petals pinker" tinted the whole subject a muted pink: the flower's own colour (all of
    # the picture's orange is in it) is turned instead, as a photo editor's HSL panel does
    params, source, out = _planned(say, "dahlia")
    assert params["hues"] == "orange"
    weight = weights(source, hls_of(source), "orange")
    assert _hue_turn(source, out, weight > 0.9) < -25  # 31 degrees asked, lightness kept
    assert np.array_equal(out[_untaken(source, params)], source[_untaken(source, params)])
    leaves = weights(source, hls_of(source), "green") > 0.5
    assert leaves.mean() > 0.2
    assert np.array_equal(out[leaves], source[leaves])


def test_petals_pinker_where_the_subjects_colour_is_everywhere_tints_the_subject() -> None:
    # chelsea's browns are on the cat and the floor alike: no colour of its own to turn
    plan = _plan("make the petals pinker", "chelsea")
    assert isinstance(plan, EditPlan), plan.describe()
    assert (plan.steps[0].op, plan.steps[0].params["region"]) == ("adjust_region", "subject")


@pytest.mark.parametrize(
    ("say", "on", "op"),
    [("make the sky bluer", "rocket", "adjust_region"),
     # the logo's shaded disc is no flat graphic: replacing its orange was refused when run,
     # its hue is turned to red instead
     ("make the orange into red", "logo", "adjust_color"),
     ("make the blue bars green", "chart", "replace_color"),
     ("make the cat red", "chelsea", "adjust_region")],
)  # fmt: skip
def test_a_colour_to_become_or_a_region_is_still_read_as_before(say: str, on: str, op: str) -> None:
    plan = _plan(say, on)
    assert isinstance(plan, EditPlan), plan.describe()
    assert plan.steps[0].op == op


@pytest.mark.parametrize("say", ["make the bike red", "make the horse brown"])
def test_a_bike_or_a_horse_made_a_colour_tints_the_subject(say: str) -> None:
    # "I do not know bike": now the subject tint of "make the cat red"
    plan = _plan(say, "chelsea")
    assert isinstance(plan, EditPlan), plan.describe()
    step = plan.steps[0]
    assert (step.op, step.params["region"], step.params["edit"]) == (
        "adjust_region",
        "subject",
        "tint",
    )
    assert "not recognised by name" in (plan.notes[0] if plan.notes else "")


@pytest.mark.parametrize(("say", "edit"), [("make the reds warmer", "warmth"),
                                           ("sharpen the browns", "sharpness")])  # fmt: skip
def test_an_edit_of_a_colour_it_cannot_do_says_what_a_colours_edit_can(say: str, edit: str) -> None:
    reply = _plan(say, "coffee")
    assert isinstance(reply, PlannerReply), reply.describe()
    assert "of one colour I can change its saturation, lightness or hue" in reply.message
    assert f"not its {edit}" in reply.message


def _hue(image: Image) -> np.ndarray:
    return np.asarray(hls_of(image)[..., 0])


@pytest.mark.parametrize("say", ["turn the reds to orange", "turn the red to orange",
                                 "make the reds orange"])  # fmt: skip
def test_the_reds_turned_to_orange_have_an_orange_hue_and_the_rest_is_kept(say: str) -> None:
    # "turn the reds to orange" was not understood, "the red to orange" refused on a photo
    params, source, out = _planned(say, "astronaut")
    assert (params["hues"], params["into"]) == ("red", "orange")
    weight = weights(source, hls_of(source), "red")
    full = weight > 0.9
    assert full.mean() > 0.05
    turned = _hue(out)[full]
    assert 20.0 <= float(np.median(turned)) <= 40.0
    assert ((turned >= 15.0) & (turned <= 45.0)).mean() > 0.9  # in orange's band
    assert np.array_equal(out[_untaken(source, params)], source[_untaken(source, params)])


def test_the_purples_changed_to_pink_turn_all_the_way_to_pinks_hue() -> None:
    params, source, out = _planned("change the purples to pink", "astronaut")
    assert (params["hues"], params["into"]) == ("purple", "pink")
    full = weights(source, hls_of(source), "purple") > 0.9
    assert _hue_turn(source, out, full) > 30.0


@pytest.mark.parametrize("say", ["change the blues to red", "change the blue to red"])
def test_a_colour_too_far_round_the_wheel_is_refused_offering_part_of_the_way(say: str) -> None:
    reply = _plan(say, "astronaut")
    assert isinstance(reply, PlannerReply), reply.describe()
    assert "138° from red" in reply.message
    assert '"make the blues more red" turns it part of the way' in reply.message


def test_the_blue_car_made_greenish_is_refused_where_blue_is_not_the_subjects_alone() -> None:
    # every blue pixel would turn: the car is not picked out by itself
    reply = _plan("make the blue car green-ish", "astronaut")
    assert isinstance(reply, PlannerReply), reply.describe()
    assert "cannot pick out the car by itself" in reply.message
    assert "make the blues more green" in reply.suggestions


def _field() -> Image:
    """A field under a sky: yellowish grass (hue about 85°) below, a light blue sky above."""
    rng = np.random.default_rng(5)
    image = np.zeros((120, 160, 3), np.float64)
    image[:50] = (120, 170, 230)
    image[50:] = (110, 140, 40)
    image += rng.normal(0, 6, image.shape)
    return np.asarray(np.clip(image, 0, 255), dtype=np.uint8)


def test_the_grass_made_greener_is_richer_and_nearer_pure_green_and_the_sky_is_kept() -> None:
    # "I do not know grass": the greens more saturated, their hue drawn toward green's middle
    source = _field()
    plan = RulePlanner().plan("make the grass greener", plan_context(CACHE, source))
    assert isinstance(plan, EditPlan), plan.describe()
    params = dict(plan.steps[0].params)
    assert (params["hues"], params["into"]) == ("green", "green")
    out = default_operators().get("adjust_color").apply(source, params, OpContext())
    grass = weights(source, hls_of(source), "green") > 0.9
    assert grass[50:].mean() > 0.9
    before, after = float(np.median(_hue(source)[grass])), float(np.median(_hue(out)[grass]))
    assert before < 90.0
    assert after > before + 10.0
    assert _chroma(out)[grass].mean() > 1.15 * _chroma(source)[grass].mean()
    assert np.array_equal(out[:45], source[:45])


def test_the_sky_made_bluer_is_the_sky_regions_saturation_not_every_blue_with_the_sea() -> None:
    plan = _plan("make the sky bluer", "horizon")
    assert isinstance(plan, EditPlan), plan.describe()
    step = plan.steps[0]
    assert (step.op, step.params["region"], step.params["edit"]) == (
        "adjust_region",
        "sky",
        "saturation",
    )
    assert step.params["amount"] > 0
