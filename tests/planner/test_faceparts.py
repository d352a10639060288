"""The eyes and the teeth in words: brighter eyes and whiter teeth are planned on the faces'
landmarks, a new eye colour stays refused, red eyes keep their own edit, and a closed mouth
is answered in words."""

from __future__ import annotations

import pytest

from gouache.analysis.cache import AnalysisCache
from gouache.evals.samples import sample
from gouache.planner.plan import EditPlan, PlannerQuestion, PlannerReply, PlanOutcome
from gouache.planner.rules import RulePlanner
from gouache.sessions.session import plan_context

PLANNER = RulePlanner()
ANALYSES = AnalysisCache()


def plan(say: str, on: str) -> PlanOutcome:
    return PLANNER.plan(say, plan_context(ANALYSES, sample(on)))


def steps(outcome: PlanOutcome) -> list[tuple[str, dict[str, object]]]:
    assert isinstance(outcome, EditPlan), outcome
    return [(step.op, dict(step.params)) for step in outcome.steps]


@pytest.mark.parametrize(
    ("say", "amount"),
    [
        ("make her eyes pop", 1.0),
        ("brighten her eyes a bit", 0.5),
        ("make the eyes brighter", 1.0),
        ("pls make her eyes sparkle a tad", 0.5),
    ],
)
def test_brighter_eyes_are_planned_on_the_eyes(say: str, amount: float) -> None:
    assert steps(plan(say, "astronaut")) == [("brighten_eyes", {"amount": amount})]


@pytest.mark.parametrize(
    "say", ["whiten her teeth", "whiter teeth", "her teeth are too yellow", "make the teeth white"]
)
def test_whiter_teeth_are_planned_where_teeth_show(say: str) -> None:
    assert steps(plan(say, "astronaut")) == [("whiten_teeth", {"amount": 1.0})]


def test_a_closed_mouth_is_answered_with_the_pronoun_the_request_used() -> None:
    reply = plan("whiten her teeth", "grace_hopper")
    assert isinstance(reply, PlannerReply)
    assert "I found her mouth but no teeth showing" in reply.message


@pytest.mark.parametrize(
    "say",
    [
        "make her eyes blue",
        "make her teeth yellow",
        "make her eyes greener",
        "make her lips redder",
    ],
)
def test_a_new_colour_for_the_eyes_or_teeth_names_a_generative_backend(say: str) -> None:
    reply = plan(say, "astronaut")
    assert isinstance(reply, PlannerReply)  # the eyes greener was the whole subject tinted
    assert "--backend" in reply.message


def test_other_edits_of_the_eyes_say_what_can_be_done() -> None:
    reply = plan("darken her eyes", "astronaut")
    assert isinstance(reply, PlannerReply)
    assert '"make her eyes pop"' in reply.message
    assert "--backend" in reply.message


@pytest.mark.parametrize(
    "say",
    [
        "remove the red eye",
        "fix her red eyes",
        "get rid of the red eyes on him",
        "her eyes are red, fix them",
    ],
)
def test_red_eyes_keep_their_own_edit(say: str) -> None:
    assert steps(plan(say, "red_eyes")) == [("red_eye", {})]


def test_her_eyes_among_several_faces_asks_which_and_the_eyes_are_all_of_them() -> None:
    asked = plan("make her eyes pop", "group")
    assert isinstance(asked, PlannerQuestion)
    assert steps(plan("make the eyes pop", "group")) == [("brighten_eyes", {"amount": 1.0})]
    assert steps(plan("make the eyes on the right pop", "group")) == [
        ("brighten_eyes", {"amount": 1.0, "faces": [3]})
    ]


def test_eyes_without_a_face_are_refused_naming_a_generative_backend() -> None:
    reply = plan("make the eyes brighter", "chelsea")
    assert isinstance(reply, PlannerReply)
    assert "can't find a face" in reply.message
    assert "--backend" in reply.message


@pytest.mark.parametrize(
    "say",
    [
        "brighten her eyes and her face",
        "brighten her eyes and face",
        "make her eyes brighter and her face",
        "brighten her face and her eyes",
    ],
)
def test_eyes_and_face_named_in_one_breath_are_both_brightened(say: str) -> None:
    import numpy as np

    from gouache.ops.faceparts import eye_weight
    from gouache.ops.registry import OpContext, default_operators

    # "her face" after "and" was read as new content to draw, and the request refused
    source = sample("grace_hopper")
    outcome = plan(say, "grace_hopper")
    assert sorted(op for op, _ in steps(outcome)) == ["adjust_region", "brighten_eyes"]
    out = source
    for op, params in steps(outcome):
        out = default_operators().get(op).apply(out, params, OpContext(analyses=ANALYSES))
    luma = lambda im: im[..., :3].astype(np.float64) @ [0.299, 0.587, 0.114]  # noqa: E731
    gain = luma(out) - luma(source)
    face = ANALYSES.get(source).faces[0]
    eyes = eye_weight(source, [face]) > 0.5
    box = face.box
    cheeks = np.zeros(eyes.shape, dtype=bool)
    cheeks[box.y + box.h * 3 // 5 : box.bottom, box.x : box.right] = True  # under the eyes
    assert gain[eyes].mean() > 20  # measured 29.3 (the eyes alone 12.5, the face alone 18.3)
    assert gain[cheeks & ~eyes].mean() > 10  # measured 17.1
    assert gain[: box.y // 2].mean() < 1  # the flag and the sky above her cap are kept
