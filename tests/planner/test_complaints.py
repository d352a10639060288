"""A state of the picture said as a complaint ("the colours look a bit dull", "it's dark",
"it looks flat") asks for its opposite, as "too dark" does, and the closest edits a refusal
offers never go the way of the complaint (no "desaturate" for dull colours)."""

from __future__ import annotations

import numpy as np
import pytest

from gouache.analysis.cache import AnalysisCache
from gouache.evals.samples import sample
from gouache.ops.registry import OpContext, default_operators
from gouache.planner.plan import EditPlan, PlannerReply
from gouache.planner.relevance import Offer, Picture, ranked
from gouache.planner.rules import RulePlanner
from gouache.sessions.turn import plan_context

CACHE = AnalysisCache()


@pytest.fixture(scope="module")
def planner() -> RulePlanner:
    return RulePlanner()


def _chroma(image: np.ndarray) -> float:
    rgb = image[:, :, :3].astype(np.float64)
    return float((rgb.max(axis=2) - rgb.min(axis=2)).mean())


@pytest.mark.parametrize(
    "say",
    [
        "the colours look a bit dull, can u fix",
        "colours are dull",
        "make the colours less dull",
        "it looks kinda dull",
        "the colours are so lifeless",
        "it's washed out",
    ],
)
def test_dull_colours_are_given_more_saturation_and_the_output_is_more_colourful(
    planner: RulePlanner, say: str
) -> None:
    source = sample("coffee")
    plan = planner.plan(say, plan_context(CACHE, source))
    assert isinstance(plan, EditPlan), plan.describe()
    ((op, params),) = [(s.op, s.params) for s in plan.steps]
    assert op == "saturation"
    assert params["amount"] > 0
    out = default_operators().get(op).apply(source, dict(params), OpContext(analyses=CACHE))
    # coffee's mean chroma (max - min), 107 levels, rises by 10.8 at +10 %, 21.2 at +20 %
    assert _chroma(out) >= _chroma(source) + 10


@pytest.mark.parametrize(
    ("say", "op", "sign"),
    [
        ("it looks a bit dark", "brightness", 1),
        ("it's dark", "brightness", 1),
        ("the picture came out dark", "brightness", 1),
        ("it looks flat", "contrast", 1),
        ("its a bit cold, pls fix", "warmth", 1),
        ("it's underexposed", "exposure", 1),
        ("it's overexposed", "exposure", -1),
        # asked for, not complained of: as said
        ("make it look dark", "brightness", -1),
        ("make it dull", "saturation", -1),
        ("it looks too flat", "contrast", 1),
        ("darker", "brightness", -1),
    ],
)
def test_a_state_complained_of_is_turned_round_and_one_asked_for_is_not(
    planner: RulePlanner, say: str, op: str, sign: int
) -> None:
    plan = planner.plan(say)
    assert isinstance(plan, EditPlan), plan.describe()
    ((step),) = plan.steps
    amount = step.params.get("amount", step.params.get("stops"))
    assert step.op == op
    assert np.sign(amount) == sign


def test_the_closest_edits_never_offer_the_opposite_of_dull_colours(
    planner: RulePlanner,
) -> None:
    offers = [
        Offer("desaturate a bit", "saturation"),
        Offer("more saturated", "saturation"),
        Offer("make the colours more muted", "saturation"),
    ]
    picture = Picture(plan_context(CACHE, sample("coffee")))
    for request in ("the colours are dull and glorbish", "too dull", "less dull colours"):
        found = [offer.text for offer in ranked(request, offers, picture)]
        assert found == ["more saturated"], request
    # and in a whole reply on the picture
    reply = planner.plan("the colours are dull and glorbish", plan_context(CACHE, sample("coffee")))
    assert isinstance(reply, PlannerReply)
    assert "more saturated" in reply.suggestions
    assert not any("desaturate" in s or "muted" in s for s in reply.suggestions)


@pytest.mark.parametrize("name", ["chelsea", "rocket", "astronaut"])
def test_corners_too_dark_are_never_offered_a_vignette_which_darkens_them(
    planner: RulePlanner, name: str
) -> None:
    # "a subtle vignette" was the second offer on each of these
    reply = planner.plan("this is too dark in the corners", plan_context(CACHE, sample(name)))
    assert isinstance(reply, PlannerReply)
    assert "make it a bit brighter" in reply.suggestions
    assert not any("vignette" in offer for offer in reply.suggestions)
