"""A tan asked for someone ("give her a tan", "make us all look more tan") warms and darkens
the skin of the faces found, and nothing far from them; with no face it is refused, and
"her" among several faces asks whose."""

from __future__ import annotations

import numpy as np
import pytest

from gouache.analysis.cache import AnalysisCache
from gouache.evals.samples import sample
from gouache.ops.plan import EditPlan
from gouache.ops.registry import OpContext, default_operators
from gouache.planner.plan import PlannerQuestion, PlannerReply
from gouache.planner.rules import RulePlanner
from gouache.sessions.turn import plan_context

CACHE = AnalysisCache()


def _plan(say: str, on: str) -> object:
    return RulePlanner().plan(say, plan_context(CACHE, sample(on)))


@pytest.mark.parametrize(("say", "on"), [("give her a tan", "grace_hopper"),
                                         ("make us all look more tan", "group")])  # fmt: skip
def test_the_faces_skin_comes_out_warmer_and_darker_and_the_rest_is_kept(say: str, on: str) -> None:
    # both were refused: "needs new content", "I do not know us"
    plan = _plan(say, on)
    assert isinstance(plan, EditPlan), plan
    assert [(s.op, s.params["region"]) for s in plan.steps] == [("adjust_region", "faces")] * 2
    image = sample(on)
    out = image
    for step in plan.steps:
        ctx = OpContext(analyses=CACHE)
        out = default_operators().get(step.op).apply(out, dict(step.params), ctx)
    for face in CACHE.get(image).faces:
        box = face.box
        inner = (slice(box.y + box.h // 4, box.bottom - box.h // 4),
                 slice(box.x + box.w // 4, box.right - box.w // 4))  # fmt: skip
        before, after = image[inner][..., :3].astype(float), out[inner][..., :3].astype(float)
        warm = (after[..., 0] - after[..., 2]).mean() - (before[..., 0] - before[..., 2]).mean()
        assert warm > 5.0
        assert after.mean() < before.mean() - 2.0
    assert np.array_equal(out[:10, :10], image[:10, :10])  # a corner, far from every face


def test_a_tan_where_there_is_no_face_is_refused() -> None:
    reply = _plan("give her a tan", "chelsea")
    assert isinstance(reply, PlannerReply)
    assert "can't find a face" in reply.message


def test_her_tan_among_three_faces_asks_whose() -> None:
    assert isinstance(_plan("give her a tan", "group"), PlannerQuestion)


def test_a_wall_made_tan_is_not_a_tan_of_anyone() -> None:
    plan = _plan("make the wall tan", "chelsea")
    assert not (isinstance(plan, EditPlan) and plan.steps[0].params.get("region") == "faces")


def _tanned(say: str, on: str) -> tuple[float, float]:
    """How much warmer (red minus blue) and darker the middles of the faces came out."""
    plan = _plan(say, on)
    assert isinstance(plan, EditPlan), plan
    image = out = sample(on)
    for step in plan.steps:
        out = (
            default_operators()
            .get(step.op)
            .apply(out, dict(step.params), OpContext(analyses=CACHE))
        )
    warmer, darker = [], []
    for face in CACHE.get(image).faces:
        box = face.box
        inner = (slice(box.y + box.h // 4, box.bottom - box.h // 4),
                 slice(box.x + box.w // 4, box.right - box.w // 4))  # fmt: skip
        before, after = image[inner][..., :3].astype(float), out[inner][..., :3].astype(float)
        warmer.append(
            (after[..., 0] - after[..., 2]).mean() - (before[..., 0] - before[..., 2]).mean()
        )
        darker.append(before.mean() - after.mean())
    return float(np.mean(warmer)), float(np.mean(darker))


@pytest.mark.parametrize(
    ("weaker", "stronger", "on"),
    [
        ("give her a slight tan", "give her a tan", "grace_hopper"),
        ("give her a tan", "give her a strong tan", "grace_hopper"),
        ("make her a tad more tan", "give her a tan", "grace_hopper"),
        ("give her a very slight tan", "give her a slight tan", "grace_hopper"),
        ("give her a tan", "give her a deep tan", "grace_hopper"),
        ("tan her a bit", "tan her face", "grace_hopper"),
        ("give us all a slight tan", "give us all a strong tan", "group"),
        # a little more than a tan, not a slight one (it read as "slight" before)
        ("give her a tan", "give her a slightly stronger tan", "grace_hopper"),
        ("give her a slightly stronger tan", "give her a strong tan", "grace_hopper"),
    ],
)
def test_the_amount_said_orders_how_tanned_the_faces_come_out(
    weaker: str, stronger: str, on: str
) -> None:
    # "slight" was not read (a default tan), "deep" neither, "tan her a bit" needed new content
    low, high = _tanned(weaker, on), _tanned(stronger, on)
    assert high[0] > low[0] + 2.0  # warmer, red minus blue in code values
    assert high[1] > low[1] + 1.0  # darker
