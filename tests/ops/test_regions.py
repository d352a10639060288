"""Tone edits of one region: inside the region the edit shows, outside it every pixel stays
as it was (beyond the feather), and a region that is not there is refused by name."""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest

from gouache.analysis.cache import AnalysisCache
from gouache.analysis.sky import sky_mask
from gouache.errors import InvalidParameterError
from gouache.evals.samples import sample
from gouache.images import Image
from gouache.ops.regions import region_mask
from gouache.ops.registry import OpContext, OperatorRegistry


@pytest.fixture(scope="module")
def adjust(registry: OperatorRegistry) -> Any:
    cache = AnalysisCache()

    def run(image: Image, **params: Any) -> Image:
        return registry.get("adjust_region").apply(image, params, OpContext(analyses=cache))

    return run


def mean_luma(pixels: np.ndarray) -> float:
    """Mean luma of an (N, 3) list of pixels."""
    return float((pixels[:, :3].astype(np.float64) @ np.array([0.299, 0.587, 0.114])).mean())


def far_from(mask: np.ndarray, pixels: int) -> np.ndarray:
    """The pixels more than `pixels` away from the mask."""
    import cv2

    grown = cv2.dilate(mask.astype(np.uint8), np.ones((2 * pixels + 1,) * 2, np.uint8))
    return ~grown.astype(bool)


def test_warming_the_sky_warms_the_sky_and_leaves_the_ground_exact(adjust: Any) -> None:
    rocket = sample("rocket")
    out = adjust(rocket, region="sky", edit="warmth", amount=0.4)
    sky = sky_mask(rocket)
    red_blue = lambda im: im[..., 0].astype(float) - im[..., 2]  # noqa: E731
    assert (red_blue(out)[sky] - red_blue(rocket)[sky]).mean() > 5
    outside = far_from(sky, 20)
    np.testing.assert_array_equal(out[outside], rocket[outside])


def test_a_darker_background_keeps_the_subject_exact(adjust: Any) -> None:
    astronaut = sample("astronaut")
    out = adjust(astronaut, region="background", edit="brightness", amount=-0.3)
    subject = AnalysisCache().get(astronaut).subject.mask
    inside = far_from(~subject, 20)
    np.testing.assert_array_equal(out[inside], astronaut[inside])
    assert mean_luma(out[~subject]) < mean_luma(astronaut[~subject]) - 10


def test_a_grey_background_leaves_the_subject_in_colour(adjust: Any) -> None:
    astronaut = sample("astronaut")
    out = adjust(astronaut, region="background", edit="grayscale", amount=1.0)
    subject = AnalysisCache().get(astronaut).subject.mask
    spread = lambda im: im.max(axis=-1).astype(int) - im.min(axis=-1)  # noqa: E731
    far = far_from(subject, 20)
    assert spread(out[far]).max() <= 1
    inside = far_from(~subject, 20)
    np.testing.assert_array_equal(out[inside], astronaut[inside])


def test_brightening_the_faces_changes_only_around_the_faces(adjust: Any) -> None:
    group = sample("group")
    out = adjust(group, region="faces", edit="brightness", amount=0.3)
    faces = region_mask(group, "faces", OpContext())
    assert mean_luma(out[faces]) > mean_luma(group[faces]) + 5
    outside = far_from(faces, 12)
    np.testing.assert_array_equal(out[outside], group[outside])


@pytest.mark.parametrize(("name", "region"), [("coffee", "sky"), ("coffee", "faces")])
def test_a_region_that_is_not_there_is_refused_by_name(adjust: Any, name: str, region: str) -> None:
    with pytest.raises(InvalidParameterError, match=f"no {region.rstrip('s')} found"):
        adjust(sample(name), region=region, edit="brightness", amount=0.2)


def test_a_tint_without_a_colour_is_refused(adjust: Any) -> None:
    with pytest.raises(InvalidParameterError, match="colour"):
        adjust(sample("rocket"), region="sky", edit="tint")


def test_one_face_by_number_brightens_that_face_and_leaves_the_others_exact(adjust: Any) -> None:
    group = sample("group")
    out = adjust(group, region="faces", edit="brightness", amount=0.3, faces=[1])
    first = region_mask(group, "faces", OpContext(), (1,))
    others = region_mask(group, "faces", OpContext(), (2, 3))
    assert first.any()
    assert others.any()
    assert mean_luma(out[first]) > mean_luma(group[first]) + 5
    np.testing.assert_array_equal(out[others], group[others])
    np.testing.assert_array_equal(out[far_from(first, 12)], group[far_from(first, 12)])


def test_a_face_number_past_the_count_is_refused_and_nothing_changes(adjust: Any) -> None:
    with pytest.raises(InvalidParameterError, match="no face 4: 3 found"):
        adjust(sample("group"), region="faces", edit="brightness", faces=[4])


@pytest.mark.parametrize("half", ["left", "right", "top", "bottom"])
def test_a_half_is_edited_and_the_far_half_stays_exact(adjust: Any, half: str) -> None:
    coffee = sample("coffee")
    out = adjust(coffee, region=half, edit="brightness", amount=0.3, feather=0.1)
    inside = region_mask(coffee, half, OpContext())
    assert 0.45 < inside.mean() <= 0.5
    assert mean_luma(out[far_from(~inside, 60)]) > mean_luma(coffee[far_from(~inside, 60)]) + 5
    # the feather fades the edit in over the middle; past it nothing moves
    outside = far_from(inside, 60)
    np.testing.assert_array_equal(out[outside], coffee[outside])


def test_face_numbers_go_only_with_the_faces_region(adjust: Any) -> None:
    with pytest.raises(InvalidParameterError, match="face numbers"):
        adjust(sample("group"), region="sky", edit="brightness", faces=[1])


def _saturation(pixels: np.ndarray) -> float:
    rgb = pixels[:, :3].astype(np.float64)
    return float((rgb.max(axis=1) - rgb.min(axis=1)).mean())


@pytest.mark.parametrize("name", ["astronaut", "grace_hopper"])
def test_black_and_white_but_keep_her_in_colour_keeps_her_clothes_in_colour(
    adjust: Any, name: str
) -> None:
    # The subject used to be the astronaut's head only: her orange suit went grey. The chest
    # under a face is now sure foreground, and the person is kept whole.
    photo = sample(name)
    out = adjust(photo, region="background", edit="grayscale", amount=1.0)
    face = AnalysisCache().get(photo).faces[0].box
    x0, x1 = round(face.x + 0.1 * face.w), round(face.x + 0.9 * face.w)
    y0, y1 = round(face.y + 2.0 * face.h), round(min(photo.shape[0], face.y + 3.0 * face.h))
    chest = photo[y0:y1, x0:x1].reshape(-1, 3)
    kept = out[y0:y1, x0:x1].reshape(-1, 3)
    assert _saturation(kept) > 0.9 * _saturation(chest)
    subject = AnalysisCache().get(photo).subject.mask
    assert _saturation(out[~subject]) < 3.0


def test_a_darker_background_on_coffee_is_visibly_darker_than_the_cup(adjust: Any) -> None:
    coffee = sample("coffee")
    out = adjust(coffee, region="background", edit="brightness", amount=-0.2)
    subject = AnalysisCache().get(coffee).subject.mask
    drop = mean_luma(coffee[~subject]) - mean_luma(out[~subject])
    kept = mean_luma(coffee[subject]) - mean_luma(out[subject])
    assert drop > 15  # measured 22.5 levels
    assert kept < 3  # measured 0.6 (the feather)


def test_a_brighter_rocket_leaves_no_halo_in_the_sky_beside_it(adjust: Any) -> None:
    import cv2

    rocket = sample("rocket")  # 384 x 256
    out = adjust(rocket, region="subject", edit="brightness", amount=0.2)
    before = cv2.cvtColor(rocket, cv2.COLOR_RGB2GRAY).astype(np.float32)
    after = cv2.cvtColor(out, cv2.COLOR_RGB2GRAY).astype(np.float32)
    body = np.zeros(before.shape, dtype=bool)
    body[75:240, 175:210] = before[75:240, 175:210] > 110  # the white rocket
    distance = cv2.distanceTransform((~body).astype(np.uint8), cv2.DIST_L2, 5)
    # the sky 6-18 px from the rocket (10-30 px on the 640 px original), above the lights
    sky = (distance >= 6) & (distance <= 18)
    sky[200:], sky[:, :150], sky[:, 235:] = False, False, False
    assert (after - before)[body].mean() > 6  # measured 8.2
    # the subject took the lit sky around the rocket and the feather spread it: 6.1 levels
    assert (after - before)[sky].mean() < 1  # measured 0.12
