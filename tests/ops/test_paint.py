"""The oil painting: strokes that follow the picture's shapes (the texture turns coherent),
flat dabs (fewer colours), the picture's colours and layout kept, the same every run; and the
planner reads people's ways of asking for it."""

from __future__ import annotations

from typing import Any

import cv2
import numpy as np
import pytest

from gouache.evals.phrasings import coherence
from gouache.evals.samples import sample
from gouache.images import Image
from gouache.ops.registry import OpContext, OperatorRegistry, default_operators
from gouache.planner.plan import EditPlan
from gouache.planner.rules import RulePlanner

from .measure import with_alpha


@pytest.fixture(scope="module")
def ops() -> OperatorRegistry:
    return default_operators()


def run(ops: OperatorRegistry, image: Image, **params: Any) -> Image:
    return ops.get("oil_paint").apply(image, params, OpContext())


def _luma(image: Image) -> np.ndarray:
    return np.asarray(cv2.cvtColor(image[:, :, :3], cv2.COLOR_RGB2GRAY), np.float32)


def colours(image: Image) -> int:
    """Distinct colours at 5 bits a channel."""
    return len(np.unique((image[:, :, :3] // 8).reshape(-1, 3), axis=0))


def broad_difference(a: Image, b: Image) -> float:
    """Mean difference of the two pictures blurred at sigma 6: their layout and colours."""
    blur = [cv2.GaussianBlur(x[:, :, :3].astype(np.float32), (0, 0), 6) for x in (a, b)]
    return float(np.abs(blur[0] - blur[1]).mean())


@pytest.mark.parametrize("name", ["coffee", "chelsea", "astronaut", "rocket"])
def test_an_oil_painting_has_strokes_that_run_one_way_and_fewer_colours(
    ops: OperatorRegistry, name: str
) -> None:
    source = sample(name)
    out = run(ops, source)
    assert coherence(out) > coherence(source) + 0.05
    assert colours(out) < 0.95 * colours(source)
    assert broad_difference(source, out) < 6.0  # the same picture, painted


def test_a_bigger_brush_paints_broader_strokes_and_flattens_more(ops: OperatorRegistry) -> None:
    coffee = sample("coffee")
    small, big = run(ops, coffee), run(ops, coffee, brush=2.0)
    assert colours(big) < colours(small)
    assert coherence(big) > coherence(small)


def test_the_painting_is_the_same_every_run_and_half_strength_lies_between(
    ops: OperatorRegistry,
) -> None:
    chelsea = sample("chelsea")
    full = run(ops, chelsea)
    np.testing.assert_array_equal(full, run(ops, chelsea))
    half = run(ops, chelsea, strength=0.5).astype(np.float64)
    expected = (full.astype(np.float64) + chelsea) / 2
    assert np.abs(half - expected).max() <= 1.0


def test_the_painting_keeps_the_alpha_channel(ops: OperatorRegistry) -> None:
    image = with_alpha(sample("coffee"))
    out = run(ops, image)
    np.testing.assert_array_equal(out[:, :, 3], image[:, :, 3])


@pytest.mark.parametrize(
    ("instruction", "params"),
    [
        ("make it an oil painting", {}),
        ("can u make it look like oil on canvas pls", {}),
        ("oil painting with big brush strokes", {"brush": 2.0}),
        ("turn this into an oil painting but keep it subtle", {"strength": 0.5}),
    ],
)
def test_the_planner_reads_an_oil_painting_in_plain_words(
    instruction: str, params: dict[str, float]
) -> None:
    plan = RulePlanner().plan(instruction)
    assert isinstance(plan, EditPlan), plan
    assert [s.op for s in plan.steps] == ["oil_paint"]
    assert plan.steps[0].params == params


def test_a_painters_style_is_refused_with_the_oil_painting_as_the_closest_look() -> None:
    reply = RulePlanner().plan("make it look like a Van Gogh painting")
    assert not isinstance(reply, EditPlan)
    assert "--backend" in reply.message
    assert "oil painting" in reply.message
    assert reply.suggestions[0] == "make it an oil painting"


def test_a_cut_out_is_painted_without_a_dark_rim_from_its_hidden_pixels(
    ops: OperatorRegistry,
) -> None:
    cutout = np.array(sample("cutout"))
    cutout[cutout[:, :, 3] == 0, :3] = 0  # hidden pixels black, as many cut-outs store them
    out = run(ops, cutout)
    seen = (cutout[:, :, 3] > 0).astype(np.uint8)
    rim = (seen > 0) & ~cv2.erode(seen, np.ones((9, 9), np.uint8)).astype(bool)
    assert abs(float(_luma(out)[rim].mean()) - float(_luma(cutout)[rim].mean())) < 5
