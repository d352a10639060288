"""A state said beside an edit is why the edit is asked for, not a second edit: "make the paper
whiter, its yellowish" was a document clean-up and a yellow tint; a state said as one more
thing ("..., and its a bit cold too") or alone ("its a bit cold, pls fix") is still an edit."""

from __future__ import annotations

import pytest

from gouache.planner.plan import EditPlan, PlanContext
from gouache.planner.rules import RulePlanner


@pytest.fixture(scope="module")
def planner() -> RulePlanner:
    return RulePlanner()


@pytest.mark.parametrize(
    ("say", "ops"),
    [
        ("make the paper whiter, its yellowish", ["document"]),
        ("the photo is kinda hazy, can u dehaze", ["dehaze"]),
        ("reduce the highlights a little, the sky is blown", ["shadows_highlights"]),
        ("make it brighter, and its a bit cold too", ["brightness", "warmth"]),
        ("make it brighter, its a bit cold", ["brightness", "warmth"]),
        ("its a bit cold, pls fix", ["warmth"]),
        ("its yellowish", ["warmth"]),
    ],
)
def test_a_state_beside_an_edit_is_its_reason_unless_said_as_one_more_thing(
    planner: RulePlanner, say: str, ops: list[str]
) -> None:
    plan = planner.plan(say, PlanContext(text=lambda: ("an old letter",)))
    assert isinstance(plan, EditPlan), plan.describe()
    assert [step.op for step in plan.steps] == ops


def test_the_plan_says_which_words_it_read_as_the_reason(planner: RulePlanner) -> None:
    plan = planner.plan("make the paper whiter, its yellowish", PlanContext(text=lambda: ("a",)))
    assert isinstance(plan, EditPlan)
    assert '"its yellowish" read as the reason for the edit' in plan.notes
