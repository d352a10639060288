"""Requests as new users wrote them on pictures beyond the astronaut: each plans the edit it
names on that picture, with its parameters, or is answered, or refused with the reason."""

from __future__ import annotations

from typing import Any

import pytest

from gouache.analysis.cache import AnalysisCache
from gouache.evals.samples import sample
from gouache.planner.plan import EditPlan, PlannerAnswer, PlannerReply
from gouache.planner.rules import RulePlanner
from gouache.sessions.session import plan_context

CACHE = AnalysisCache()


@pytest.fixture(scope="module")
def planner() -> RulePlanner:
    return RulePlanner()


def planned(planner: RulePlanner, instruction: str, image: str) -> EditPlan:
    outcome = planner.plan(instruction, plan_context(CACHE, sample(image)))
    assert isinstance(outcome, EditPlan), outcome.describe()
    return outcome


@pytest.mark.parametrize(
    ("instruction", "image", "op", "params"),
    [
        ("get rid of open late", "poster", "remove_text", {"match": "open late"}),
        ("erase summer sale pls", "poster", "remove_text", {"match": "summer sale"}),
        ("make the flag behind her black and white", "grace_hopper", "adjust_region",
         {"region": "background", "edit": "grayscale"}),
        ("brighten the faces on the left and right", "group", "adjust_region",
         {"region": "faces", "faces": [1, 3]}),
        ("brighten all faces except the middle one", "group", "adjust_region",
         {"region": "faces", "faces": [1, 3]}),
        ("make all the faces brighter but the one on the right", "group", "adjust_region",
         {"region": "faces", "faces": [1, 2]}),
        ("brighten faces 1 and 3 by 30%", "group", "adjust_region",
         {"region": "faces", "faces": [1, 3], "amount": 0.3}),
        ("make the galaxies pop", "hubble", "adjust_region", {"region": "stars", "edit": "pop"}),
        ("blur her face for privacy", "grace_hopper", "blur_faces", {}),
        ("blur the phone no", "screenshot", "redact", {"what": ["phone"]}),
        ("black out everything personal before i post this", "screenshot", "redact",
         {"any_of": True}),
        ("put the cat on a light blue background", "cutout", "replace_background", {}),
        ("make the poster square without cutting anything", "poster", "extend",
         {"aspect": (1, 1)}),
        ("rotate it so the writing is straight", "text", "auto_straighten", {}),
        ("its a bit crooked, can you fix it", "text", "auto_straighten", {}),
        ("it's kind of tilted", "text", "auto_straighten", {}),
        ("make him stand out from the background", "grace_hopper", "adjust_region",
         {"region": "subject", "edit": "pop"}),
    ],
)  # fmt: skip
def test_an_everyday_request_plans_the_edit_it_names(
    planner: RulePlanner, instruction: str, image: str, op: str, params: dict[str, Any]
) -> None:
    plan = planned(planner, instruction, image)
    [step] = plan.steps
    assert step.op == op
    assert {key: step.params.get(key) for key in params} == params


@pytest.mark.parametrize(
    ("instruction", "image", "said"),
    [
        ("what does the heading say", "page", "segmentation"),
        ("can you read whats written?", "screenshot", "jane.doe"),
    ],
)
def test_a_question_about_the_words_is_answered_with_them(
    planner: RulePlanner, instruction: str, image: str, said: str
) -> None:
    answer = planner.plan(instruction, plan_context(CACHE, sample(image)))
    assert isinstance(answer, PlannerAnswer), answer.describe()
    assert said in answer.message


@pytest.mark.parametrize(
    ("instruction", "image", "said"),
    [
        ("darken faces 1 and 4", "group", "no face 4"),
        ("darken the left half of the face on the right", "group", "a half of one region"),
        ("get rid of the tree", "poster", "needs new content"),
    ],
)
def test_what_cannot_be_done_as_asked_is_refused_with_the_reason(
    planner: RulePlanner, instruction: str, image: str, said: str
) -> None:
    reply = planner.plan(instruction, plan_context(CACHE, sample(image)))
    assert isinstance(reply, PlannerReply), reply.describe()
    assert said in reply.message
