"""Shadows and highlights ("lift the shadows", "recover the highlights") and a drop shadow
behind a cut-out or a logo ("add a drop shadow"), measured on the output."""

from __future__ import annotations

from typing import Any

import cv2
import numpy as np
import pytest

from gouache.analysis.cache import AnalysisCache
from gouache.errors import UnsupportedError
from gouache.evals.samples import cutout, logo
from gouache.images import Image
from gouache.ops.registry import OpContext, OperatorRegistry
from gouache.planner.rules import RulePlanner


def _luma(image: Image) -> np.ndarray:
    return np.asarray(cv2.cvtColor(image[:, :, :3], cv2.COLOR_RGB2GRAY), dtype=np.float64)


def _step(say: str) -> tuple[str, dict[str, Any]]:
    plan = RulePlanner().plan(say)
    assert getattr(plan, "steps", None), plan.describe()
    (step,) = plan.steps
    return step.op, dict(step.params)


def _run(registry: OperatorRegistry, op: str, image: Image, **params: Any) -> Image:
    return registry.get(op).apply(image, params, OpContext(analyses=AnalysisCache()))


def test_lifting_the_shadows_opens_the_dark_parts_and_leaves_the_bright_ones(registry, camera):
    op, params = _step("lift the shadows")
    out = _run(registry, op, camera, **params)
    before, after = _luma(camera), _luma(out)
    dark, bright = before < 64, before > 200
    assert (after[dark] - before[dark]).mean() > 10
    assert np.abs(after[bright] - before[bright]).mean() < 3
    assert np.percentile(after, 1) <= np.percentile(before, 1) + 8  # black stays near black


def test_recovering_the_highlights_darkens_the_bright_parts_only(registry, coffee):
    op, params = _step("recover the blown out highlights")
    assert params["highlights"] < 0
    out = _run(registry, op, coffee, **params)
    before, after = _luma(coffee), _luma(out)
    bright, dark = (before > 190) & (before < 250), before < 60
    assert (before[bright] - after[bright]).mean() > 8
    assert np.abs(after[dark] - before[dark]).mean() < 2


@pytest.mark.parametrize("shadows", [-1.0, 1.0])
@pytest.mark.parametrize("highlights", [-1.0, 1.0])
def test_every_curve_keeps_black_white_and_the_order_of_levels(registry, shadows, highlights):
    ramp = np.repeat(np.arange(256, dtype=np.uint8)[None, :, None], 3, axis=2)
    out = _run(registry, "shadows_highlights", ramp, shadows=shadows, highlights=highlights)
    levels = out[0, :, 0].astype(int)
    assert levels[0] == 0
    assert levels[255] == 255
    assert (np.diff(levels) >= 0).all()


@pytest.mark.parametrize(
    ("say", "shadows", "highlights"),
    [
        ("lift the shadows", 0.5, 0.0),
        ("brighten the shadows a bit", 0.25, 0.0),
        ("bring out the shadow detail", 0.5, 0.0),
        ("darker shadows pls", -0.5, 0.0),
        ("recover the highlights", 0.0, -0.5),
        ("tone down the highlights", 0.0, -0.5),
        ("brighten the highlights", 0.0, 0.5),
    ],
)
def test_shadow_and_highlight_phrasings(say, shadows, highlights):
    op, params = _step(say)
    assert op == "shadows_highlights"
    assert params.get("shadows", 0.0) == pytest.approx(shadows)
    assert params.get("highlights", 0.0) == pytest.approx(highlights)


def test_a_drop_shadow_falls_behind_a_cut_out_to_the_bottom_right(registry):
    picture = cutout()
    op, params = _step("add a drop shadow")
    out = _run(registry, op, picture, **params)
    before, after = picture[:, :, 3], out[:, :, 3]
    assert np.array_equal(out[before == 255], picture[before == 255])  # the cat is kept
    ys, xs = np.nonzero(before == 255)
    fresh = (before == 0) & (after > 0)
    assert after[fresh].mean() > 20  # the shadow shows where the picture was clear
    fy, fx = np.nonzero(fresh)
    weight = after[fresh].astype(float)
    # the shadow's weight lies below and to the right of the cat
    assert np.average(fy, weights=weight) > ys.mean() + 20
    assert np.average(fx, weights=weight) > xs.mean() + 20
    shadow = (before == 0) & (after > 0)
    assert out[:, :, :3][shadow].mean() < 20  # a black shadow


def test_a_shadow_to_the_left_falls_to_the_left(registry):
    picture = cutout()
    op, params = _step("add a soft shadow to the bottom left")
    assert params["direction"] == "bottom left"
    out = _run(registry, op, picture, **params)
    fresh = (picture[:, :, 3] == 0) & (out[:, :, 3] > 10)
    xs = np.nonzero(fresh)[1]
    assert xs.size
    assert xs.mean() < picture.shape[1] / 2


@pytest.mark.parametrize("say", ["add a shadow underneath", "add a soft shadow under it"])
def test_a_shadow_underneath_falls_straight_down(registry, say):
    # "add a shadow underneath" was refused as new content for a generative model
    picture = cutout()
    op, params = _step(say)
    assert (op, params["direction"]) == ("drop_shadow", "bottom")
    out = _run(registry, op, picture, **params)
    fresh = (picture[:, :, 3] == 0) & (out[:, :, 3] > 10)
    ys, xs = np.nonzero(fresh)
    shape = np.nonzero(picture[:, :, 3] > 0)
    assert ys.size
    assert ys.mean() > shape[0].mean()  # below the cut-out
    assert abs(xs.mean() - shape[1].mean()) < 3  # and not to either side


def test_a_logo_on_white_gets_its_shadow_on_the_white(registry):
    picture = logo()
    out = _run(registry, "drop_shadow", picture)
    assert out.shape == picture.shape
    darker = _luma(out) < _luma(picture) - 5
    assert darker.sum() > 200
    assert np.array_equal(out[:5, :5], picture[:5, :5])  # far from the logo, still white


def test_a_photo_with_no_backdrop_is_refused_with_what_to_do_first(registry, coffee):
    with pytest.raises(UnsupportedError, match="remove the background"):
        _run(registry, "drop_shadow", coffee)
