"""'make the outline red', 'thicker outline', 'remove the outline', 'give the text a black
outline': the outline round the text (`outline_text`), read on the meme and the poster; a new
caption with an outline, and an outline round a part of the picture, are not read so."""

from __future__ import annotations

from typing import Any

import pytest

from gouache.analysis.cache import AnalysisCache
from gouache.evals.samples import sample
from gouache.ops.plan import EditPlan
from gouache.planner.rules import RulePlanner
from gouache.sessions.turn import plan_context

CACHE = AnalysisCache()


def _steps(say: str, on: str = "meme") -> list[tuple[str, dict[str, Any]]]:
    plan = RulePlanner().plan(say, plan_context(CACHE, sample(on)))
    assert isinstance(plan, EditPlan), plan.describe()
    return [(step.op, dict(step.params)) for step in plan.steps]


@pytest.mark.parametrize(
    ("say", "params"),
    [
        ("make the outline red", {"color": (255, 0, 0)}),
        ("change the outline colour to blue pls", {"color": (0, 0, 255)}),
        ("make the outline red instead of black", {"color": (255, 0, 0)}),
        ("thicker outline", {"scale": 1.5}),
        ("make the outline a bit thinner", {"scale": 0.8}),
        ("make the outline of the title much thicker", {"scale": 2.0, "title": True}),
        ("remove the outline", {"remove": True}),
        ("take the black outline off the text", {"remove": True}),
        ("no outline on the caption", {"remove": True}),
    ],
)
def test_the_outline_is_read_as_asked(say: str, params: dict[str, Any]) -> None:
    ((op, got),) = _steps(say)
    assert op == "outline_text"
    assert {key: got[key] for key in params} == params


def test_plain_letters_are_given_the_outline_named() -> None:
    assert _steps("give the text a black outline", "poster") == [
        ("outline_text", {"color": (0, 0, 0)})
    ]


def test_a_new_caption_with_an_outline_is_still_a_caption() -> None:
    ((op, params),) = _steps('add the caption "hi" with a blue outline', "chelsea")
    assert op == "caption"
    assert params["text"] == "hi"


def test_an_outline_round_a_part_of_the_picture_is_not_read_as_the_text() -> None:
    plan = RulePlanner().plan("outline the cat in red", plan_context(CACHE, sample("chelsea")))
    assert not isinstance(plan, EditPlan) or all(s.op != "outline_text" for s in plan.steps)
