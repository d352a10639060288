"""Darker text: handwriting the OCR cannot read (scikit-image's `text`) and printed lines it
can (`page`, the poster) get deeper strokes while the paper keeps its exact pixels; a picture
without writing is refused, by the operator and by the planner."""

from __future__ import annotations

import numpy as np
import pytest

from gouache.analysis.cache import AnalysisCache
from gouache.errors import InvalidParameterError
from gouache.evals.samples import sample
from gouache.images import Image
from gouache.ops.ink import ink_weight
from gouache.ops.registry import OpContext, default_operators
from gouache.planner.plan import EditPlan, PlannerReply
from gouache.planner.rules import RulePlanner
from gouache.sessions.turn import plan_context

from .measure import with_alpha

ANALYSES = AnalysisCache()


def darken(image: Image, **params: float) -> Image:
    ctx = OpContext(analyses=ANALYSES)
    return default_operators().get("darken_text").apply(image, params, ctx)


def luma(image: Image) -> np.ndarray:
    return np.asarray(image[:, :, :3].astype(np.float64) @ np.array([0.299, 0.587, 0.114]))


def strokes(image: Image) -> np.ndarray:
    boxes = [line.box for line in ANALYSES.get(image).text]
    weight, _ = ink_weight(image, boxes)
    return np.asarray(weight)


@pytest.mark.parametrize(("name", "deeper"), [("text", 15.0), ("page", 20.0), ("poster", 40.0)])
def test_the_strokes_get_darker_and_the_paper_keeps_its_exact_pixels(
    name: str, deeper: float
) -> None:
    image = sample(name)
    out = darken(image)
    weight = strokes(image)
    ink, paper = weight > 0.5, weight == 0
    assert float((luma(image) - luma(out))[ink].mean()) > deeper
    assert paper.mean() > 0.6  # most of the picture is paper ...
    np.testing.assert_array_equal(out[paper], image[paper])  # ... and it is untouched


def test_more_amount_darkens_more_and_the_page_still_reads_the_same() -> None:
    page = sample("page")
    ink = strokes(page) > 0.5
    light, strong = darken(page, amount=0.3), darken(page, amount=1.2)
    assert luma(strong)[ink].mean() < luma(light)[ink].mean() - 10
    read = " ".join(line.text for line in ANALYSES.get(strong).text)
    assert "Region-based segmentation" in read


def test_the_alpha_channel_is_kept() -> None:
    page = with_alpha(sample("page"))
    np.testing.assert_array_equal(darken(page)[:, :, 3], page[:, :, 3])


@pytest.mark.parametrize("name", ["coffee", "chelsea", "rocket"])
def test_a_picture_without_writing_is_refused_and_unchanged(name: str) -> None:
    with pytest.raises(InvalidParameterError, match="no text or handwriting"):
        darken(sample(name))


@pytest.mark.parametrize(
    ("instruction", "params"),
    [
        ("make the handwriting darker", {}),
        ("make the text darker pls", {}),
        ("the writing is too faint", {}),
        ("make the letters a bit blacker", {"amount": 0.3}),
        ("darken the text a lot", {"amount": 1.2}),
    ],
)
def test_the_planner_reads_darker_writing(instruction: str, params: dict[str, float]) -> None:
    plan = RulePlanner().plan(instruction)
    assert isinstance(plan, EditPlan), plan
    assert [(s.op, s.params) for s in plan.steps] == [("darken_text", params)]


def test_the_planner_refuses_darker_text_where_there_is_none_and_does_it_on_a_page() -> None:
    planner = RulePlanner()
    reply = planner.plan("make the text darker", plan_context(ANALYSES, sample("coffee")))
    assert isinstance(reply, PlannerReply)
    assert "no text or handwriting" in reply.message
    plan = planner.plan("make the handwriting darker", plan_context(ANALYSES, sample("text")))
    assert isinstance(plan, EditPlan)


def test_make_it_darker_after_naming_faint_text_darkens_the_text_not_the_picture() -> None:
    plan = RulePlanner().plan("the text is too faint, make it darker pls")
    assert isinstance(plan, EditPlan), plan
    assert [s.op for s in plan.steps] == ["darken_text"]
    plan = RulePlanner().plan("make the text darker and make it brighter")
    assert isinstance(plan, EditPlan), plan
    assert [s.op for s in plan.steps] == ["darken_text", "brightness"]


def test_the_lines_of_ruled_paper_stay_as_they_were_and_the_handwriting_darkens() -> None:
    from gouache.ops.ink import _prepared

    text = sample("text")
    _, _, area = _prepared(text, [])
    ruled = ~area  # the bands of the ruled lines, taken out of the page's writing
    assert 0.05 < ruled.mean() < 0.4
    out = darken(text)
    np.testing.assert_array_equal(out[ruled], text[ruled])
    ink = strokes(text) > 0.5
    assert float((luma(text) - luma(out))[ink].mean()) > 15
