"""Eyes and teeth found from the faces' landmarks: brightened eyes and whitened teeth change
only inside their masks, and a closed mouth (or no face) is refused in words."""

from __future__ import annotations

import cv2
import numpy as np
import pytest

from gouache.analysis.cache import AnalysisCache
from gouache.errors import InvalidParameterError
from gouache.evals.samples import sample
from gouache.images import Image
from gouache.ops.faceparts import eye_weight, mouth_ellipse, teeth_mask
from gouache.ops.registry import OpContext, default_operators

ANALYSES = AnalysisCache()


def run(op: str, image: Image, **params: object) -> Image:
    return default_operators().get(op).apply(image, params, OpContext(analyses=ANALYSES))


def luma(image: Image) -> np.ndarray:
    return np.asarray(image[..., :3].astype(np.float64) @ [0.299, 0.587, 0.114])


def lab(image: Image) -> np.ndarray:
    return np.asarray(cv2.cvtColor(image[..., :3].astype(np.float32) / 255, cv2.COLOR_RGB2LAB))


@pytest.mark.parametrize("name", ["astronaut", "grace_hopper", "group"])
def test_the_eyes_get_brighter_and_every_pixel_outside_them_stays_exact(name: str) -> None:
    image = sample(name)
    weight = eye_weight(image, ANALYSES.get(image).faces)
    out = run("brighten_eyes", image)
    eyes = weight > 0.5
    assert luma(out)[eyes].mean() > luma(image)[eyes].mean() + 8
    np.testing.assert_array_equal(out[weight == 0], image[weight == 0])


def test_the_eye_masks_cover_the_eyes_and_little_else() -> None:
    image = sample("grace_hopper")
    face = ANALYSES.get(image).faces[0]
    weight = eye_weight(image, [face])
    for eye in (face.landmarks.right_eye, face.landmarks.left_eye):
        assert weight[round(eye.y), round(eye.x)] == 1.0
    # two eyes of about 0.3 x 0.18 of the eye distance each: a small share of the face box
    assert 0.04 < (weight > 0).sum() / face.box.area < 0.15


def test_a_bit_brighter_eyes_are_less_bright_than_popping_ones() -> None:
    image = sample("astronaut")
    eyes = eye_weight(image, ANALYSES.get(image).faces) > 0.5
    gain = [luma(run("brighten_eyes", image, amount=a))[eyes].mean() for a in (0.5, 1.0)]
    assert luma(image)[eyes].mean() < gain[0] < gain[1]


def test_the_eyes_of_one_face_only_leave_the_other_faces_exact() -> None:
    image = sample("group")
    faces = ANALYSES.get(image).faces
    out = run("brighten_eyes", image, faces=[2])
    others = eye_weight(image, [faces[0], faces[2]]) > 0
    np.testing.assert_array_equal(out[others], image[others])
    assert (
        out[eye_weight(image, [faces[1]]) > 0.5] != image[eye_weight(image, [faces[1]]) > 0.5]
    ).any()


def test_teeth_showing_get_less_yellow_and_lighter_and_the_lips_stay_exact() -> None:
    image = sample("astronaut")
    face = ANALYSES.get(image).faces[0]
    teeth = teeth_mask(image, [face])
    assert teeth.sum() >= 30  # the astronaut smiles
    out = run("whiten_teeth", image)
    before, after = lab(image), lab(out)
    assert after[teeth, 2].mean() < before[teeth, 2].mean() - 3  # b*: less yellow
    assert after[teeth, 0].mean() > before[teeth, 0].mean() + 3  # L*: lighter
    changed = (out != image).any(axis=2)
    # only pale pixels inside the mouth's ellipse change: lips (redder than the teeth) do not
    h, w = image.shape[:2]
    ellipse = mouth_ellipse(face)
    inside = ellipse.radius(slice(0, h), slice(0, w)) <= 1.0
    assert not (changed & ~inside).any()
    lips = inside & (before[..., 1] > 12)
    assert lips.sum() > 50
    np.testing.assert_array_equal(out[lips], image[lips])


@pytest.mark.parametrize("name", ["grace_hopper", "red_eyes"])
def test_a_closed_mouth_is_refused_and_nothing_changes(name: str) -> None:
    image = sample(name)
    assert not teeth_mask(image, ANALYSES.get(image).faces).any()
    with pytest.raises(InvalidParameterError, match="found the mouth but no teeth showing"):
        run("whiten_teeth", image)


def test_in_a_group_only_the_smiling_faces_have_their_teeth_whitened() -> None:
    image = sample("group")
    ctx = OpContext(analyses=ANALYSES)
    out = default_operators().get("whiten_teeth").apply(image, {}, ctx)
    assert ctx.notes == ["whiten_teeth: whitened the teeth in 2 of 3 faces"]
    middle = ANALYSES.get(image).faces[1].box
    np.testing.assert_array_equal(
        out[middle.y : middle.bottom, middle.x : middle.right],
        image[middle.y : middle.bottom, middle.x : middle.right],
    )


@pytest.mark.parametrize("op", ["brighten_eyes", "whiten_teeth"])
def test_a_picture_without_faces_is_refused_in_words(op: str) -> None:
    with pytest.raises(InvalidParameterError, match="no face found"):
        run(op, sample("chelsea"))


def test_a_face_number_past_the_count_is_refused() -> None:
    with pytest.raises(InvalidParameterError, match="there is no face 4: 3 found"):
        run("brighten_eyes", sample("group"), faces=[4])
