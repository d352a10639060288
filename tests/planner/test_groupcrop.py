"""Some of the people in a group photo named by their place ("crop to just the two on the
right", "crop to the one in the middle") are cropped to, with a face's margin round them; a
place the picture's faces cannot fill is refused saying how many there are."""

from __future__ import annotations

import pytest

from gouache.analysis.cache import AnalysisCache
from gouache.evals.samples import sample
from gouache.ops.plan import EditPlan
from gouache.ops.registry import OpContext, default_operators
from gouache.planner.plan import PlannerReply
from gouache.planner.rules import RulePlanner
from gouache.sessions.turn import plan_context

CACHE = AnalysisCache()


def _plan(say: str) -> EditPlan | PlannerReply:
    outcome = RulePlanner().plan(say, plan_context(CACHE, sample("group")))
    assert isinstance(outcome, EditPlan | PlannerReply), outcome
    return outcome


@pytest.mark.parametrize(
    ("say", "faces"),
    [("crop to just the two on the right", (2, 3)),
     ("crop to the left two", (1, 2)),
     ("crop it to the two people on the left", (1, 2))],
)  # fmt: skip
def test_the_two_named_by_their_side_are_cropped_to_together(
    say: str, faces: tuple[int, ...]
) -> None:
    # "I did not understand": now the union of those faces, a face's margin round it
    plan = _plan(say)
    assert isinstance(plan, EditPlan), plan.describe()
    step = plan.steps[0]
    assert (step.op, tuple(step.params["faces"]), step.params["aspect"]) == (
        "crop_face",
        faces,
        None,
    )
    image = sample("group")
    boxes = [face.box for face in CACHE.get(image).faces]
    assert len(boxes) == 3
    ctx = OpContext(analyses=CACHE)
    out = default_operators().get("crop_face").apply(image, dict(step.params), ctx)
    # the crop is as wide as the two faces and a face's margin each side, less than the whole
    kept = [boxes[n - 1] for n in faces]
    span = max(b.right for b in kept) - min(b.x for b in kept)
    assert span < out.shape[1] < span + 3 * max(b.w for b in kept)
    assert out.shape[1] < image.shape[1]


def test_the_one_in_the_middle_is_the_middle_faces_crop() -> None:
    plan = _plan("crop to the one in the middle")
    assert isinstance(plan, EditPlan), plan.describe()
    assert (plan.steps[0].op, plan.steps[0].params["target"]) == ("crop_face", "middle")


@pytest.mark.parametrize(
    ("say", "says"),
    [("crop to the two in the middle", "crop to the two on the left"),
     ("crop to the four on the left", "only 3 faces")],
)  # fmt: skip
def test_places_the_faces_cannot_fill_are_refused_saying_what_there_is(say: str, says: str) -> None:
    reply = _plan(say)
    assert isinstance(reply, PlannerReply), reply.describe()
    assert says in reply.message
