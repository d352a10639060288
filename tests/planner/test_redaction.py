"""Plain words for hiding text by what it is read as redact, and what is not there is said."""

from __future__ import annotations

from typing import Any

import pytest

from gouache.analysis.cache import AnalysisCache
from gouache.evals.samples import sample
from gouache.planner.plan import EditPlan, PlannerReply
from gouache.planner.rules import RulePlanner
from gouache.sessions.session import plan_context


@pytest.fixture(scope="module")
def planner() -> RulePlanner:
    return RulePlanner()


@pytest.mark.parametrize(
    ("instruction", "params"),
    [
        ("blur the email", {"what": ["email"], "method": "blur"}),
        ("hide the phone number", {"what": ["phone"], "method": "box"}),
        ("redact the API key", {"what": ["key"], "method": "box"}),
        ("black out the names", {"what": ["name"], "method": "box"}),
        ("pixelate the url", {"what": ["url"], "method": "pixelate"}),
        ("blur the email address and the phone number",
         {"what": ["email", "phone"], "method": "blur"}),
        ("hide all personal info",
         {"what": ["email", "phone", "key", "name"], "method": "box", "any_of": True}),
        ("cover the phone number with a black box", {"what": ["phone"], "method": "box"}),
    ],
)  # fmt: skip
def test_hiding_text_by_what_it_is_plans_a_redaction(
    planner: RulePlanner, instruction: str, params: dict[str, Any]
) -> None:
    context = plan_context(AnalysisCache(), sample("screenshot"))
    plan = planner.plan(instruction, context)
    assert isinstance(plan, EditPlan), plan.describe()
    assert [(s.op, s.params) for s in plan.steps] == [("redact", params)]


@pytest.mark.parametrize("instruction", ["remove the text", "hide the text", "blur the faces"])
def test_other_operators_keep_their_phrasings(planner: RulePlanner, instruction: str) -> None:
    plan = planner.plan(instruction)
    assert isinstance(plan, EditPlan)
    assert plan.steps[0].op != "redact"


def test_an_email_that_is_not_in_the_picture_is_said_with_what_was_read_and_edits_that_apply(
    planner: RulePlanner,
) -> None:
    reply = planner.plan("blur the email", plan_context(AnalysisCache(), sample("poster")))
    assert isinstance(reply, PlannerReply)
    assert "can't find an email address" in reply.message
    assert "SUMMER SALE" in reply.message
    assert reply.suggestions
    assert not any("face" in s for s in reply.suggestions)


def test_a_licence_plate_that_is_not_there_is_said_with_what_was_read() -> None:
    planner = RulePlanner()
    context = plan_context(AnalysisCache(), sample("sign"))
    reply = planner.plan("blur the licence plate text", context)
    assert isinstance(reply, PlannerReply)
    assert 'can\'t find a licence plate in this picture (I read "CLOSED")' in reply.message
    plan = planner.plan("pixelate the number plate")
    assert isinstance(plan, EditPlan)
    assert plan.steps[0].params == {"what": ["plate"], "method": "pixelate"}
