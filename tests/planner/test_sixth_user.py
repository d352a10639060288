"""A sixth new user's plain requests (December 2026), on pictures the planner was not tuned
on: nouns that stand for the main subject (one list, read the same by zooming in, a region's
edit and "keeping the ..."; each said to be the subject the subject cut finds), "everything
but the bike", and space around the picture."""

from __future__ import annotations

from typing import Any

import pytest

from gouache.analysis.cache import AnalysisCache
from gouache.evals.samples import sample
from gouache.ops.plan import EditPlan
from gouache.planner.rules import RulePlanner
from gouache.sessions.turn import plan_context

CACHE = AnalysisCache()


def _plan(say: str, on: str) -> Any:
    return RulePlanner().plan(say, plan_context(CACHE, sample(on)))


@pytest.mark.parametrize(
    "say", ["zoom in on the motorbike", "crop to the motorcycle", "zoom in on the moon"]
)
def test_zooming_in_on_a_named_thing_crops_to_the_subject(say: str) -> None:
    # "I do not know motorbike" before
    plan = _plan(say, "coffee")
    assert isinstance(plan, EditPlan), plan.describe()
    assert [s.op for s in plan.steps] == ["crop_subject"]


@pytest.mark.parametrize(
    ("say", "note"),
    [
        ("make the motorbike pop more", "the motorbike is taken"),
        ("brighten the bus", "the bus is taken"),
        ("darken the petals a little", "the petals are taken"),
    ],
)
def test_a_region_edit_of_a_named_thing_says_it_is_the_subject(say: str, note: str) -> None:
    plan = _plan(say, "coffee")
    assert isinstance(plan, EditPlan), plan.describe()
    assert plan.steps[0].op == "adjust_region"
    assert plan.steps[0].params["region"] == "subject"
    assert any(n.startswith(note) for n in plan.notes), plan.notes


def test_a_tone_edit_of_scenery_is_refused_not_given_to_the_subject() -> None:
    # a tree is seldom what the subject cut finds: framing it shows at once what was taken
    reply = _plan("make the tree purple", "coffee")
    assert not isinstance(reply, EditPlan)
    assert "tree" in reply.message
    plan = _plan("zoom in on the pagoda", "coffee")
    assert isinstance(plan, EditPlan), plan.describe()
    assert [s.op for s in plan.steps] == ["crop_subject"]


def test_keeping_a_named_thing_in_frame_is_the_subject_kept() -> None:
    plan = _plan("make it square but don't crop the motorcycle", "coffee")
    assert isinstance(plan, EditPlan), plan.describe()
    assert [s.op for s in plan.steps] == ["smart_crop"]


@pytest.mark.parametrize(
    ("say", "op"),
    [
        ("blur everything except the bike", "blur_background"),
        ("blur everything but the motorbike a bit", "blur_background"),
        ("make everything black and white except the motorcycle", "adjust_region"),
    ],
)
def test_everything_but_a_named_thing_is_the_background(say: str, op: str) -> None:
    # "I understood it but cannot do it: I can edit the background" before
    plan = _plan(say, "coffee")
    assert isinstance(plan, EditPlan), plan.describe()
    assert [s.op for s in plan.steps] == [op]
    if op == "adjust_region":
        assert plan.steps[0].params["region"] == "background"


@pytest.mark.parametrize(
    "say",
    [
        "add some space around it",
        "give it more breathing room around the edges",
        "add a bit of room around the picture in black",
        "add a white border around the logo",
        "add some space around the logo",
    ],
)
def test_space_around_the_picture_is_a_border_not_new_content(say: str) -> None:
    # refused as new content for a generative model, or "Logo needs another image"
    plan = _plan(say, "logo")
    assert isinstance(plan, EditPlan), plan.describe()
    assert [s.op for s in plan.steps] == ["border"]


def test_a_logo_to_place_with_a_border_is_still_a_logo_to_place() -> None:
    # "around the logo" is the picture; "add the logo ... with a border" is another image
    reply = _plan("add the logo in the bottom right corner with a white border", "coffee")
    assert not isinstance(reply, EditPlan)
    assert "Logo needs another image" in reply.message


@pytest.mark.parametrize(
    ("say", "on", "ops"),
    [
        # "Understood: fog 50 %": "its" (no apostrophe) read as asking for fog
        ("its so foggy, clear it up", "hazy", ["dehaze"]),
        ("the horizon is crooked pls fix", "horizon", ["auto_straighten"]),
        ("can u fix this old pic", "old_photo", ["restore"]),
        # "fix my old photo" was the sepia look
        ("fix my old photo", "old_photo", ["restore"]),
        # "did you mean thin?"
        ("fix the red eye thing", "red_eyes", ["red_eye"]),
        ("make it brighter, and the red eye thing too", "red_eyes", ["brightness", "red_eye"]),
        # "did you mean the whole thin"
        ("make the whole thing look like night time", "rocket", ["look"]),
        ("turn the whole thing into a sketch", "chelsea", ["sketch"]),
        # "I do not know she's", "old timey"
        ("crop it so she's in the center", "astronaut", ["crop_subject"]),
        ("give it an old timey feel", "grace_hopper", ["look"]),
    ],
)
def test_complaints_and_loose_words_plan_the_edit_meant(say: str, on: str, ops: list[str]) -> None:
    plan = _plan(say, on)
    assert isinstance(plan, EditPlan), plan.describe()
    assert [s.op for s in plan.steps] == ops


def test_fog_asked_for_is_still_added() -> None:
    plan = _plan("make it foggy", "rocket")
    assert isinstance(plan, EditPlan), plan.describe()
    assert [s.op for s in plan.steps] == ["add_fog"]


def test_blemishes_are_offered_skin_smoothing_only_where_there_is_skin() -> None:
    on_face = _plan("remove the blemishes", "selfie")
    assert not isinstance(on_face, EditPlan)
    assert 'The closest offline edit: "smooth the skin"' in on_face.message
    assert on_face.suggestions[0] == "smooth the skin"
    on_cup = _plan("remove the blemishes", "coffee")
    assert not isinstance(on_cup, EditPlan)
    assert "smooth the skin" not in on_cup.message
    assert "smooth the skin" not in on_cup.suggestions


@pytest.mark.parametrize(
    "say",
    [
        # the subject was brightened: "her" read as the region
        "brighten the room around her",
        "make the space around the cup darker",
        "darken the area around him",
    ],
)
def test_the_space_around_the_subject_is_the_background(say: str) -> None:
    plan = _plan(say, "astronaut")
    assert isinstance(plan, EditPlan), plan.describe()
    assert [s.op for s in plan.steps] == ["adjust_region"]
    assert plan.steps[0].params["region"] == "background"
