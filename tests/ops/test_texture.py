"""Film grain and clarity, and the region edits built on them: grain is seeded, monochrome and
strongest in the midtones; clarity adds contrast across edges, not to flat areas; "pop",
"dramatic" and "sharpen" of a region show inside it and leave the rest exact; stars are found
on a star field only."""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest

from gouache.analysis.cache import AnalysisCache
from gouache.analysis.sky import sky_mask
from gouache.analysis.stars import star_mask
from gouache.evals.samples import sample
from gouache.images import Image
from gouache.ops.registry import OpContext, OperatorRegistry, default_operators


@pytest.fixture(scope="module")
def ops() -> OperatorRegistry:
    return default_operators()


def run(ops: OperatorRegistry, op: str, image: Image, **params: Any) -> Image:
    return ops.get(op).apply(image, params, OpContext(analyses=AnalysisCache()))


def luma(image: Image) -> np.ndarray:
    return np.asarray(image[..., :3].astype(np.float64) @ np.array([0.299, 0.587, 0.114]))


def ramp() -> Image:
    """Left half near black, right half mid grey."""
    image = np.full((64, 128, 3), 128, dtype=np.uint8)
    image[:, :64] = 12
    return image


def test_grain_is_the_same_for_a_seed_and_differs_for_another(ops: OperatorRegistry) -> None:
    coffee = sample("coffee")
    first = run(ops, "grain", coffee, amount=0.4, seed=3)
    again = run(ops, "grain", coffee, amount=0.4, seed=3)
    other = run(ops, "grain", coffee, amount=0.4, seed=4)
    np.testing.assert_array_equal(first, again)
    assert np.any(first != other)


def test_grain_is_monochrome_and_strongest_in_the_midtones(ops: OperatorRegistry) -> None:
    image = ramp()
    out = run(ops, "grain", image, amount=0.5).astype(np.int16)
    delta = out - image
    np.testing.assert_array_equal(delta[..., 0], delta[..., 1])  # the same in every channel
    shadows, midtones = delta[:, 8:56, 0].std(), delta[:, 72:120, 0].std()
    assert midtones > 1.8 * shadows > 0
    assert 8.0 < midtones < 16.0  # amount 0.5: about 12 code values in the midtones


def test_more_grain_is_stronger_grain(ops: OperatorRegistry) -> None:
    image = ramp()
    light = run(ops, "grain", image, amount=0.2).astype(np.int16) - image
    heavy = run(ops, "grain", image, amount=0.7).astype(np.int16) - image
    assert heavy.std() > 2.5 * light.std()


def test_grain_keeps_the_alpha_channel(ops: OperatorRegistry) -> None:
    image = np.dstack([ramp(), np.full((64, 128), 77, dtype=np.uint8)])
    out = run(ops, "grain", image)
    np.testing.assert_array_equal(out[..., 3], image[..., 3])


def test_clarity_adds_contrast_across_an_edge_and_leaves_flat_areas_alone(
    ops: OperatorRegistry,
) -> None:
    flat = np.full((64, 64, 3), 90, dtype=np.uint8)
    np.testing.assert_array_equal(run(ops, "clarity", flat, amount=1.0), flat)
    image = ramp()
    out = run(ops, "clarity", image, amount=1.0)
    assert (out[:, 60, 0] < image[:, 60, 0]).all()  # darker just left of the edge
    assert (out[:, 68, 0] > image[:, 68, 0]).all()  # brighter just right of it


def test_making_the_subject_pop_adds_colour_inside_it_only(ops: OperatorRegistry) -> None:
    chelsea = sample("chelsea")
    cache = AnalysisCache()
    out = ops.get("adjust_region").apply(
        chelsea, {"region": "subject", "edit": "pop", "amount": 1.0}, OpContext(analyses=cache)
    )
    subject = cache.get(chelsea).subject.mask
    spread = lambda im: (im.max(axis=-1).astype(float) - im.min(axis=-1)).mean()  # noqa: E731
    assert spread(out[subject]) > 1.15 * spread(chelsea[subject])
    import cv2

    far = ~cv2.dilate(subject.astype(np.uint8), np.ones((41, 41), np.uint8)).astype(bool)
    np.testing.assert_array_equal(out[far], chelsea[far])


def test_a_more_dramatic_sky_is_darker_with_more_contrast(ops: OperatorRegistry) -> None:
    rocket = sample("rocket")
    out = run(ops, "adjust_region", rocket, region="sky", edit="dramatic", amount=1.0)
    sky = sky_mask(rocket)
    assert luma(out)[sky].mean() < luma(rocket)[sky].mean() - 5
    assert luma(out)[sky].std() > luma(rocket)[sky].std()


def test_sharpening_the_faces_changes_the_face_and_not_the_rest(ops: OperatorRegistry) -> None:
    astronaut = sample("astronaut")
    out = run(ops, "adjust_region", astronaut, region="faces", edit="sharpen", amount=1.0)
    changed = np.abs(out.astype(int) - astronaut).max(axis=-1) > 0
    assert 0.005 < changed.mean() < 0.15


def test_stars_are_found_on_a_star_field_and_nowhere_else() -> None:
    rng = np.random.default_rng(1)
    field = np.full((200, 300, 3), 8, dtype=np.uint8)
    for x, y in rng.integers(10, 190, (40, 2)):
        field[y : y + 2, x : x + 2] = 230
    found = star_mask(field)
    assert found[field[..., 0] > 200].all()
    assert found.mean() < 0.1
    for name in ("chelsea", "coffee", "rocket", "astronaut", "page"):
        assert not star_mask(sample(name)).any(), name
    assert star_mask(sample("hubble")).any()


def test_the_night_look_is_darker_cooler_and_less_saturated(ops: OperatorRegistry) -> None:
    rocket = sample("rocket")
    out = run(ops, "look", rocket, name="night")
    spread = lambda im: (im.max(axis=-1).astype(float) - im.min(axis=-1)).mean()  # noqa: E731
    blue_share = lambda im: im[..., 2].astype(float).sum() / im[..., :3].sum()  # noqa: E731
    assert luma(out).mean() < 0.6 * luma(rocket).mean()
    assert blue_share(out) > blue_share(rocket) + 0.03
    assert spread(out) < spread(rocket)


def test_the_depth_look_adds_local_contrast(ops: OperatorRegistry) -> None:
    camera = (
        np.repeat(sample("camera")[..., :1], 3, axis=-1)
        if sample("camera").ndim == 3
        else (np.dstack([sample("camera")] * 3))
    )
    out = run(ops, "look", camera, name="depth")
    import cv2

    def local(im: Image) -> float:
        y = luma(im).astype(np.float32)
        return float(np.abs(y - cv2.GaussianBlur(y, (0, 0), 8)).mean())

    assert local(out) > 1.1 * local(camera)
