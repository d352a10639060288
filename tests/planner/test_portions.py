"""A crop to a part named by side and share ("crop to the left half", "crop out the bottom
third", "keep the top two thirds") keeps exactly that part of the picture; "brighten the left
half" is still a region."""

from __future__ import annotations

import numpy as np
import pytest

from gouache.analysis.cache import AnalysisCache
from gouache.evals.samples import sample
from gouache.ops.plan import EditPlan
from gouache.ops.registry import OpContext, default_operators
from gouache.planner.rules import RulePlanner
from gouache.sessions.turn import plan_context

CACHE = AnalysisCache()


@pytest.mark.parametrize(
    ("say", "rows", "columns"),
    [
        # both were "I did not understand"
        ("crop to the left half", (0, 1), (0, 1 / 2)),
        ("crop out the bottom third", (0, 2 / 3), (0, 1)),
        ("keep the top two thirds", (0, 2 / 3), (0, 1)),
        ("cut off the right quarter", (0, 1), (0, 3 / 4)),
        ("keep only the bottom half of the picture", (1 / 2, 1), (0, 1)),
        ("crop it so only the right third is left", (0, 1), (2 / 3, 1)),
        ("crop the top half off", (1 / 2, 1), (0, 1)),
    ],
)
def test_the_part_named_is_what_is_kept(
    say: str, rows: tuple[float, float], columns: tuple[float, float]
) -> None:
    image = sample("chelsea")
    plan = RulePlanner().plan(say, plan_context(CACHE, image))
    assert isinstance(plan, EditPlan), plan
    assert [step.op for step in plan.steps] == ["crop"]
    out = default_operators().get("crop").apply(image, dict(plan.steps[0].params), OpContext())
    height, width = image.shape[:2]
    top, bottom = (round(share * height) for share in rows)
    left, right = (round(share * width) for share in columns)
    assert np.array_equal(out, image[top:bottom, left:right])


def test_the_left_half_of_a_tone_edit_is_still_a_region() -> None:
    plan = RulePlanner().plan("brighten the left half", plan_context(CACHE, sample("chelsea")))
    assert isinstance(plan, EditPlan)
    assert plan.steps[0].op == "adjust_region"
