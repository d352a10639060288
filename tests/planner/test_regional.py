"""Plain words for a tone edit of one region read as adjust_region, and a region missing from
the picture is said so: the edit never goes to the whole picture or to something else."""

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
        ("warm up the sky", {"region": "sky", "edit": "warmth", "amount": 0.2}),
        ("make the background darker", {"region": "background", "edit": "brightness",
                                        "amount": -0.2}),
        ("brighten her face", {"region": "faces", "edit": "brightness", "amount": 0.2}),
        ("make the background a bit brighter", {"region": "background", "edit": "brightness",
                                                "amount": 0.1}),
        ("desaturate the background", {"region": "background", "edit": "saturation",
                                       "amount": -0.2}),
        ("black and white but keep her in colour", {"region": "background",
                                                    "edit": "grayscale", "amount": 1.0}),
        ("keep the cat in colour and make the rest black and white",
         {"region": "background", "edit": "grayscale", "amount": 1.0}),
        ("make the sky more blue", {"region": "sky", "edit": "tint", "color": (0, 0, 255),
                                    "amount": 0.25}),
        ("brighten the cat", {"region": "subject", "edit": "brightness", "amount": 0.2}),
    ],
)  # fmt: skip
def test_a_tone_edit_of_one_region_is_planned_for_that_region(
    planner: RulePlanner, instruction: str, params: dict[str, Any]
) -> None:
    plan = planner.plan(instruction)
    assert isinstance(plan, EditPlan), plan.describe()
    assert [(s.op, s.params) for s in plan.steps] == [("adjust_region", params)]


@pytest.mark.parametrize(
    ("instruction", "op"),
    [
        ("make the background white", "replace_background"),
        ("blur the background", "blur_background"),
        ("remove the background", "remove_background"),
        ("blur her face", "blur_faces"),
        ("make it darker", "brightness"),
    ],
)
def test_the_operators_of_a_region_keep_their_own_phrasings(
    planner: RulePlanner, instruction: str, op: str
) -> None:
    plan = planner.plan(instruction)
    assert isinstance(plan, EditPlan), plan.describe()
    assert [s.op for s in plan.steps] == [op]


@pytest.mark.parametrize(
    ("instruction", "image", "said"),
    [
        ("warm up the sky", "coffee", "any sky"),
        ("brighten the sky", "hubble", "any sky"),
        ("brighten her face", "chelsea", "a face"),
    ],
)
def test_a_region_missing_from_the_picture_is_said_and_nothing_is_planned(
    planner: RulePlanner, instruction: str, image: str, said: str
) -> None:
    context = plan_context(AnalysisCache(), sample(image))
    reply = planner.plan(instruction, context)
    assert isinstance(reply, PlannerReply)
    assert f"can't find {said}" in reply.message


@pytest.mark.parametrize(
    ("instruction", "params"),
    [
        ("make it 16:9 without cutting anything off", {"aspect": (16, 9)}),
        ("square without cropping", {"aspect": (1, 1)}),
        ("make it square but dont crop anything", {"aspect": (1, 1)}),
        ("make it 9:16 for stories without cropping", {"aspect": (9, 16)}),
        ("fit it in a square with white bars",
         {"aspect": (1, 1), "fill": "color", "color": (255, 255, 255)}),
    ],
)  # fmt: skip
def test_an_aspect_without_cropping_extends_the_canvas(
    planner: RulePlanner, instruction: str, params: dict[str, Any]
) -> None:
    plan = planner.plan(instruction)
    assert isinstance(plan, EditPlan), plan.describe()
    assert [(s.op, s.params) for s in plan.steps] == [("extend", params)]


def test_without_cropping_with_another_edit_is_not_read_as_one_extend(
    planner: RulePlanner,
) -> None:
    assert not isinstance(planner.plan("make it square without cropping and brighter"), EditPlan)


@pytest.mark.parametrize(
    ("instruction", "op"),
    [
        ("straighten it", "auto_straighten"),
        ("level the horizon pls", "auto_straighten"),
        ("zoom in on the cat", "crop_subject"),
        ("zoom in on the subject", "crop_subject"),
        ("zoom in on her face", "crop_face"),
    ],
)
def test_framing_without_numbers_is_planned(
    planner: RulePlanner, instruction: str, op: str
) -> None:
    plan = planner.plan(instruction)
    assert isinstance(plan, EditPlan), plan.describe()
    assert [s.op for s in plan.steps] == [op]
