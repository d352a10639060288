"""Requests a new user types first, read as the edit they mean: a colour cast taken out, a
problem followed by "fix it", a strength said in a clause of its own, grain, a region made to
pop, a platform's format asked about with options that work as answers."""

from __future__ import annotations

from typing import Any

import pytest

from gouache.analysis.cache import AnalysisCache
from gouache.evals.samples import sample
from gouache.planner.plan import EditPlan, PlannerAnswer, PlannerQuestion, PlannerReply
from gouache.planner.rules import RulePlanner
from gouache.sessions.session import plan_context


@pytest.fixture(scope="module")
def planner() -> RulePlanner:
    return RulePlanner()


def steps_of(outcome: Any) -> list[tuple[str, dict[str, Any]]]:
    assert isinstance(outcome, EditPlan), outcome.describe()
    return [(step.op, dict(step.params)) for step in outcome.steps]


@pytest.mark.parametrize(
    ("instruction", "expected"),
    [
        ("make it less yellow", [("warmth", {"amount": -0.2})]),
        ("can you make it a little less yellow", [("warmth", {"amount": -0.1})]),
        ("it's too blue", [("warmth", {"amount": 0.2})]),
        ("remove the blue cast", [("warmth", {"amount": 0.2})]),
        ("too much orange", [("warmth", {"amount": -0.2})]),
        ("remove the green cast", [("tint", {"color": (128, 0, 128), "amount": 0.1})]),
        ("make it less red", [("tint", {"color": (0, 255, 255), "amount": 0.1})]),
        ("the image is too dark, fix it", [("brightness", {"amount": 0.2})]),
        ("way too bright, can you fix that", [("brightness", {"amount": -0.4})]),
        ("brighten it but not too much", [("brightness", {"amount": 0.1})]),
        ("make it warmer, just a little", [("warmth", {"amount": 0.1})]),
        ("make it much warmer, not too much", [("warmth", {"amount": 0.4})]),
        ("add some grain", [("grain", {"amount": 0.25})]),
        ("heavy film grain", [("grain", {"amount": 0.5})]),
        ("less grain", [("denoise", {"amount": None})]),
        ("add clarity", [("clarity", {"amount": 0.5})]),
        ("make it look like night", [("look", {"name": "night"})]),
        ("give the photo more depth", [("look", {"name": "depth"})]),
        ("make the background blurry", [("blur_background", {"radius": 12.0})]),
        ("make the cat pop more", [("adjust_region", {"region": "subject", "edit": "pop"})]),
        ("sharpen his face", [("adjust_region", {"region": "faces", "edit": "sharpen"})]),
        ("make the sky more dramatic", [("adjust_region", {"region": "sky",
                                                           "edit": "dramatic"})]),
        ("make the text easier to read", [("document", {})]),
        ("blur everything except the cat", [("blur_background", {"radius": 12.0})]),
        ("blur everything but her a lot", [("blur_background", {"radius": 24.0})]),
    ],
)  # fmt: skip
def test_a_plain_request_plans_the_edit_it_means(
    planner: RulePlanner, instruction: str, expected: list[tuple[str, dict[str, Any]]]
) -> None:
    got = steps_of(planner.plan(instruction))
    assert [op for op, _ in got] == [op for op, _ in expected]
    for (_, params), (_, wanted) in zip(got, expected, strict=True):
        for key, value in wanted.items():
            if value is not None:
                assert params[key] == value, (instruction, key, params)


def test_an_animal_s_face_is_refused_with_the_subject_crop_offered(planner: RulePlanner) -> None:
    reply = planner.plan("crop tighter on the cat's face")
    assert isinstance(reply, PlannerReply)
    assert "not an animal's" in reply.message
    assert "zoom in on the subject" in reply.suggestions


def test_fix_it_alone_still_asks_what_to_change(planner: RulePlanner) -> None:
    assert isinstance(planner.plan("fix it"), PlannerReply)


def test_the_night_look_says_it_is_a_grade_and_not_a_relit_scene(planner: RulePlanner) -> None:
    plan = planner.plan("make it night time")
    assert isinstance(plan, EditPlan)
    assert any("not relit" in note for note in plan.notes)


def test_regions_not_in_the_picture_are_refused_by_name(planner: RulePlanner) -> None:
    context = plan_context(AnalysisCache(), sample("coffee"))
    stars = planner.plan("enhance the stars", context)
    assert isinstance(stars, PlannerReply)
    assert "stars" in stars.message
    text = planner.plan("make the text easier to read", context)
    assert isinstance(text, PlannerReply)
    assert "text" in text.message


def test_instagram_ready_asks_which_shape_and_a_number_answers(planner: RulePlanner) -> None:
    analyses = AnalysisCache()
    coffee = sample("coffee")
    question = planner.plan("make it instagram ready", plan_context(analyses, coffee))
    assert isinstance(question, PlannerQuestion)
    assert "4:5" in question.message
    assert "1:1" in question.message
    for answer, op, aspect in (("2", "smart_crop", (1, 1)), ("the first one", "smart_crop",
                               (4, 5)), ("without cropping", "extend", (4, 5))):  # fmt: skip
        context = plan_context(analyses, coffee, pending=question)
        assert steps_of(planner.plan(answer, context)) == [(op, {"aspect": aspect})], answer
    for option in question.options:  # each option, sent as it is, plans
        assert isinstance(planner.plan(option, plan_context(analyses, coffee)), EditPlan)


def test_crop_it_for_instagram_asks_which_crop_and_offers_no_fill(planner: RulePlanner) -> None:
    # "crop" read as a shape already said, so the request fell through and was not understood
    analyses = AnalysisCache()
    rocket = sample("rocket")
    question = planner.plan("crop it for instagram", plan_context(analyses, rocket))
    assert isinstance(question, PlannerQuestion)
    assert question.options == (
        "crop to 4:5 keeping the subject",
        "crop to square keeping the subject",
    )
    answered = planner.plan("2", plan_context(analyses, rocket, pending=question))
    assert steps_of(answered) == [("smart_crop", {"aspect": (1, 1)})]


@pytest.mark.parametrize(
    "said", ["crop it to fit my phone wallpaper", "crop it for my lock screen"]
)
def test_a_crop_for_a_phone_screen_is_9_by_19_5(planner: RulePlanner, said: str) -> None:
    plan = planner.plan(said, plan_context(AnalysisCache(), sample("rocket")))
    assert steps_of(plan) == [("crop", {"aspect": (18, 39)})]


def test_a_phone_wallpaper_asks_for_9_by_19_5(planner: RulePlanner) -> None:
    question = planner.plan(
        "make it wallpaper size for my iphone", plan_context(AnalysisCache(), sample("coffee"))
    )
    assert isinstance(question, PlannerQuestion)
    assert "9:19.5" in question.message


def test_a_request_that_only_mentions_a_platform_is_planned_as_said(
    planner: RulePlanner,
) -> None:
    context = plan_context(AnalysisCache(), sample("coffee"))
    plan = planner.plan("add a caption that says hi for instagram", context)
    assert isinstance(plan, EditPlan)
    assert [step.op for step in plan.steps] == ["caption"]


def test_a_square_picture_is_instagram_ready_already(planner: RulePlanner) -> None:
    answer = planner.plan(
        "make it instagram ready", plan_context(AnalysisCache(), sample("astronaut"))
    )
    assert isinstance(answer, PlannerAnswer)
    assert "1:1 already" in answer.message


def test_an_animal_named_on_a_portrait_is_not_taken_to_be_the_person(
    planner: RulePlanner,
) -> None:
    context = plan_context(AnalysisCache(), sample("astronaut"))
    reply = planner.plan("brighten the dog", context)
    assert isinstance(reply, PlannerReply)
    assert "cannot recognise a dog" in reply.message
    cat = planner.plan("make the cat pop more", plan_context(AnalysisCache(), sample("chelsea")))
    assert isinstance(cat, EditPlan)
    assert any("the cat is taken to be the main subject" in note for note in cat.notes)
