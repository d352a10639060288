"""Skin smoothing ("smooth her skin", "retouch her face"): measured on Grace Hopper's face,
the fine texture inside the face goes down, the strong edges (glasses, eyes) stay, and
nothing outside the faces changes."""

from __future__ import annotations

import cv2
import numpy as np
import pytest

from gouache.analysis.cache import AnalysisCache
from gouache.evals.samples import grace_hopper
from gouache.images import Image
from gouache.ops.regions import region_mask
from gouache.ops.registry import OpContext, OperatorRegistry
from gouache.ops.texture import smooth_skin
from gouache.planner.rules import RulePlanner


@pytest.fixture(scope="module")
def portrait() -> Image:
    return grace_hopper()


def _texture(image: Image, where: np.ndarray) -> float:
    """Median absolute detail finer than a 2 px blur, in luma code values (the median: skin
    texture, not the few strong edges)."""
    luma = cv2.cvtColor(image[:, :, :3], cv2.COLOR_RGB2GRAY).astype(np.float32)
    detail = luma - cv2.GaussianBlur(luma, (0, 0), 2.0)
    return float(np.median(np.abs(detail[where])))


def _edges(image: Image) -> np.ndarray:
    luma = cv2.cvtColor(image[:, :, :3], cv2.COLOR_RGB2GRAY)
    return np.asarray(cv2.Canny(luma, 100, 200) > 0)


@pytest.mark.parametrize("say", ["smooth her skin", "retouch her face", "soften her skin"])
def test_smoothing_her_skin_lowers_the_texture_of_the_face_and_nothing_else(
    say, portrait, registry: OperatorRegistry
):
    plan = RulePlanner().plan(say)
    step = plan.steps[0]
    assert (step.op, step.params["region"], step.params["edit"]) == (
        "adjust_region",
        "faces",
        "smooth",
    )
    ctx = OpContext(analyses=AnalysisCache())
    out = registry.get(step.op).apply(portrait, dict(step.params), ctx)
    face = region_mask(portrait, "faces", ctx, None)
    inner = cv2.erode(face.astype(np.uint8), np.ones((15, 15), np.uint8)).astype(bool)
    assert _texture(out, inner) < 0.75 * _texture(portrait, inner)
    # the strong edges inside the face (glasses, eyes, mouth) are mostly still there
    kept = (_edges(out) & _edges(portrait) & inner).sum() / max(1, (_edges(portrait) & inner).sum())
    assert kept > 0.6
    far = ~cv2.dilate(face.astype(np.uint8), np.ones((41, 41), np.uint8)).astype(bool)
    assert np.array_equal(out[far], portrait[far])


def test_a_bit_smooths_less_than_the_full_amount(portrait):
    everywhere = np.ones(portrait.shape[:2], dtype=bool)
    half = _texture(smooth_skin(portrait, 0.5), everywhere)
    full = _texture(smooth_skin(portrait, 1.0), everywhere)
    assert full < half < _texture(portrait, everywhere)


def test_a_large_picture_is_smoothed_like_a_small_one(portrait):
    # the filter runs at 400 px on the short side: at 4x the size the change is the same,
    # brought back up
    big = cv2.resize(portrait, None, fx=4, fy=4, interpolation=cv2.INTER_CUBIC)
    out = smooth_skin(big, 1.0)
    small_again = cv2.resize(out, portrait.shape[1::-1], interpolation=cv2.INTER_AREA)
    reference = smooth_skin(
        cv2.resize(big, portrait.shape[1::-1], interpolation=cv2.INTER_AREA), 1.0
    )
    assert np.abs(small_again.astype(int) - reference.astype(int)).mean() < 3.0


def test_smoothing_the_skin_with_no_face_is_refused_by_name(coffee):
    from gouache.sessions.session import plan_context

    plan = RulePlanner().plan("smooth her skin", plan_context(AnalysisCache(), coffee))
    assert "face" in plan.describe()
    assert not getattr(plan, "steps", ())
