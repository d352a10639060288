"""A shape of crop around a subject the request names ("crop it square around the flower",
"crop to 4:5 with the cat in the middle", "square crop centred on the dog", "crop it square,
keep the flower in the middle") is smart_crop, which centres on the faces, else the main
subject; and a subject's name is never "corrected" into another word ("flower" into "lower")."""

from __future__ import annotations

import numpy as np
import pytest

from gouache.analysis.cache import AnalysisCache
from gouache.evals.samples import sample
from gouache.images import Image
from gouache.ops.registry import OpContext, default_operators
from gouache.planner.plan import EditPlan, PlannerQuestion, PlannerReply
from gouache.planner.rules import RulePlanner
from gouache.sessions.turn import plan_context

CACHE = AnalysisCache()


@pytest.fixture(scope="module")
def planner() -> RulePlanner:
    return RulePlanner()


def _cat_on_the_left() -> Image:
    """scikit-image's cat with a plain brown wall to its right: the subject is off-centre."""
    rng = np.random.default_rng(0)
    cat = sample("chelsea")
    wall = np.full((cat.shape[0], 384, 3), (120, 110, 95), dtype=np.float64)
    wall = np.clip(wall + rng.normal(0, 3, wall.shape), 0, 255).astype(np.uint8)
    return np.ascontiguousarray(np.concatenate([wall[:, :200], cat, wall], axis=1))


def _window_left(picture: Image, out: Image) -> int:
    """Where the crop `out` starts in `picture` (the same rows, one run of columns)."""
    width = out.shape[1]
    errors = [
        np.abs(picture[:, x : x + width].astype(int) - out).mean()
        for x in range(picture.shape[1] - width + 1)
    ]
    return int(np.argmin(errors))


@pytest.mark.parametrize(
    ("say", "aspect"),
    [
        ("crop it square around the flower", (1, 1)),
        ("crop it square, keep the flower in the middle", (1, 1)),
        ("crop to 4:5 with the cat in the middle", (4, 5)),
        ("square crop centred on the dog", (1, 1)),
        ("crop it 16:9 with the cat centred", (16, 9)),
    ],
)
def test_a_shape_around_a_named_subject_is_a_smart_crop(
    planner: RulePlanner, say: str, aspect: tuple[int, int]
) -> None:
    plan = planner.plan(say, plan_context(CACHE, sample("coffee")))
    assert isinstance(plan, EditPlan), plan.describe()
    assert [(s.op, s.params) for s in plan.steps] == [("smart_crop", {"aspect": aspect})]


def test_the_crop_around_the_cat_keeps_it_in_the_middle_where_a_plain_crop_cuts_it(
    planner: RulePlanner,
) -> None:
    picture = _cat_on_the_left()  # 968 px wide; the cat's subject box spans x 200-493
    box = CACHE.get(picture).subject.box
    assert box is not None
    middle = box.x + box.w / 2
    placed = {}
    for say in ("crop to 4:5 with the cat in the middle", "crop to 4:5"):
        plan = planner.plan(say, plan_context(CACHE, picture))
        assert isinstance(plan, EditPlan), plan.describe()
        out = picture
        for step in plan.steps:
            operator = default_operators().get(step.op)
            out = operator.apply(out, dict(step.params), OpContext(analyses=CACHE))
        assert out.shape[:2] == (255, 204)
        placed[say] = _window_left(picture, out) + out.shape[1] / 2
    # centred on the cat within a tenth of the crop; the plain crop takes the picture's middle
    assert abs(placed["crop to 4:5 with the cat in the middle"] - middle) <= 20
    assert abs(placed["crop to 4:5"] - picture.shape[1] / 2) <= 1


@pytest.mark.parametrize(
    ("say", "word"),
    [("crop it square beside the flower", "lower"), ("crop to 4:5 beside the cat", "cast")],
)
def test_a_subject_is_never_offered_as_a_misspelling_of_another_word(
    planner: RulePlanner, say: str, word: str
) -> None:
    # "beside" is no place smart_crop reads; the reply was 'Did you mean "... the lower"?'
    for context in (None, plan_context(CACHE, sample("chelsea"))):
        outcome = planner.plan(say, context)
        assert isinstance(outcome, PlannerReply), outcome.describe()
        assert "Did you mean" not in outcome.message
        assert f" {word}" not in outcome.message


def test_a_crop_around_a_subject_with_another_request_is_not_read_whole(
    planner: RulePlanner,
) -> None:
    plan = planner.plan("crop it square around the flower and make it brighter")
    assert not (isinstance(plan, EditPlan) and [s.op for s in plan.steps] == ["smart_crop"]), (
        "the brightening was dropped"
    )
    assert isinstance(plan, EditPlan | PlannerReply | PlannerQuestion)
