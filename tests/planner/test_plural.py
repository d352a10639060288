"""Several faces, or all but some: every face named is blurred, or nothing is."""

from __future__ import annotations

import numpy as np
import pytest

from gouache.analysis.cache import AnalysisCache
from gouache.errors import InvalidParameterError
from gouache.evals.samples import sample
from gouache.ops.registry import OpContext, default_operators
from gouache.planner.plan import EditPlan, PlannerReply
from gouache.planner.rules import RulePlanner
from gouache.sessions.session import plan_context


@pytest.fixture(scope="module")
def group_context() -> object:
    return plan_context(AnalysisCache(), sample("group"))


@pytest.mark.parametrize(
    ("instruction", "faces", "method"),
    [
        ("blur the left and right faces", [1, 3], "blur"),
        ("blur all faces except the middle one", [1, 3], "blur"),
        ("pixelate everyone but the one in the middle", [1, 3], "pixelate"),
        ("blur faces 1 and 3", [1, 3], "blur"),
        ("blur the second and third faces", [2, 3], "blur"),
        ("blur all the faces except the one on the left", [2, 3], "blur"),
    ],
)
def test_several_faces_are_planned_by_number_from_the_left(
    group_context: object, instruction: str, faces: list[int], method: str
) -> None:
    plan = RulePlanner().plan(instruction, group_context)  # type: ignore[arg-type]
    assert isinstance(plan, EditPlan), plan.describe()
    assert [(s.op, s.params) for s in plan.steps] == [
        ("blur_faces", {"faces": faces, "method": method})
    ]


@pytest.mark.parametrize(
    ("instruction", "said"),
    [
        ("blur faces 1 and 4", "only 3 faces"),
        ("pixelate everyone but her", "which face"),
    ],
)
def test_a_face_that_is_not_there_or_not_placed_refuses_the_whole_request(
    group_context: object, instruction: str, said: str
) -> None:
    reply = RulePlanner().plan(instruction, group_context)  # type: ignore[arg-type]
    assert isinstance(reply, PlannerReply)
    assert said in reply.message


def test_blurring_faces_by_number_changes_those_faces_and_not_the_other() -> None:
    group = sample("group")
    cache = AnalysisCache()
    faces = cache.get(group).faces
    out = (
        default_operators()
        .get("blur_faces")
        .apply(group, {"faces": [1, 3]}, OpContext(analyses=cache))
    )
    changed = [
        bool(np.any(out[f.box.y : f.box.bottom, f.box.x : f.box.right]
                    != group[f.box.y : f.box.bottom, f.box.x : f.box.right]))
        for f in faces
    ]  # fmt: skip
    assert changed == [True, False, True]


def test_a_face_number_past_the_count_blurs_nothing() -> None:
    with pytest.raises(InvalidParameterError, match="no face 4"):
        default_operators().get("blur_faces").apply(sample("group"), {"faces": [1, 4]}, OpContext())
