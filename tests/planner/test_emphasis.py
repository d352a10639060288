"""'highlight the chart': a mark, a brighter chart or the rest cut away are different edits, so
none is guessed; the question offers the edits that plan on the picture, and an answer picks
one."""

from __future__ import annotations

from dataclasses import replace

from gouache.analysis.cache import AnalysisCache
from gouache.evals.samples import sample
from gouache.planner.plan import EditPlan, PlannerQuestion
from gouache.planner.rules import RulePlanner
from gouache.sessions.turn import plan_context

CACHE = AnalysisCache()
PLANNER = RulePlanner()


def _plan(say: str, on: str) -> object:
    return PLANNER.plan(say, plan_context(CACHE, sample(on)))


def test_highlight_the_chart_asks_which_of_the_edits_that_plan_on_the_dashboard() -> None:
    asked = _plan("highlight the chart", "dashboard")
    assert isinstance(asked, PlannerQuestion)
    assert "I do not guess which" in asked.message
    assert asked.options[0] == "crop out the sidebar"
    for option in asked.options:
        assert option in asked.message
        assert isinstance(_plan(option, "dashboard"), EditPlan)


def test_an_answer_by_number_or_words_makes_the_edit_it_picks() -> None:
    context = plan_context(CACHE, sample("dashboard"))
    asked = PLANNER.plan("highlight the chart", context)
    assert isinstance(asked, PlannerQuestion)
    pending = replace(context, pending=asked)
    first = PLANNER.plan("1", pending)
    assert isinstance(first, EditPlan), first
    assert [step.op for step in first.steps] == ["crop_bars"]
    vignette = PLANNER.plan("the vignette", pending)
    assert isinstance(vignette, EditPlan), vignette
    assert [step.op for step in vignette.steps] == ["vignette"]


def test_a_chart_without_a_side_panel_is_not_offered_to_lose_one() -> None:
    asked = _plan("can you highlight the chart pls", "chart")
    assert isinstance(asked, PlannerQuestion)
    assert "crop out the sidebar" not in asked.options
    assert asked.options


def test_a_face_to_highlight_is_offered_the_crop_to_it() -> None:
    asked = _plan("emphasize her face", "astronaut")
    assert isinstance(asked, PlannerQuestion)
    assert asked.options[0] == "crop to the face"


def test_the_highlights_of_a_photo_are_still_a_tone_edit() -> None:
    plan = _plan("recover the highlights", "coffee")
    assert isinstance(plan, EditPlan)
    assert [step.op for step in plan.steps] == ["shadows_highlights"]
