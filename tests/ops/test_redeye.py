"""Red-eye removal: red pupils painted on real faces turn dark, nothing else changes, and a
picture without red eyes (or without faces) is refused in words."""

from __future__ import annotations

import math

import cv2
import numpy as np
import pytest

from gouache.analysis.cache import AnalysisCache
from gouache.errors import InvalidParameterError
from gouache.evals.samples import sample
from gouache.images import Image
from gouache.ops.redeye import red_pupils
from gouache.ops.registry import OpContext, default_operators


def with_red_eyes(name: str) -> tuple[Image, np.ndarray]:
    """The sample with a red pupil (and a white catchlight) on every eye, and where they are."""
    image = np.array(sample(name))
    painted = np.zeros(image.shape[:2], dtype=np.uint8)
    for face in AnalysisCache().get(image).faces:
        right, left = face.landmarks.right_eye, face.landmarks.left_eye
        radius = max(2, round(0.09 * math.hypot(right.x - left.x, right.y - left.y)))
        for eye in (right, left):
            centre = (round(eye.x), round(eye.y))
            cv2.circle(image, centre, radius, (190, 35, 40), -1)
            cv2.circle(painted, centre, radius, 1, -1)
            glint = (centre[0] - radius // 3, centre[1] - radius // 3)
            cv2.circle(image, glint, max(1, radius // 4), (250, 250, 250), -1)
    return image, painted.astype(bool)


def fix(image: Image) -> Image:
    op = default_operators().get("red_eye")
    return op.apply(image, {}, OpContext(analyses=AnalysisCache()))


@pytest.mark.parametrize(("name", "eyes"), [("grace_hopper", 2), ("group", 6)])
def test_red_pupils_turn_dark_and_the_rest_stays_exact(name: str, eyes: int) -> None:
    image, painted = with_red_eyes(name)
    faces = AnalysisCache().get(image).faces
    found = red_pupils(image, faces)
    assert cv2.connectedComponents(found.astype(np.uint8))[0] - 1 == eyes
    out = fix(image)
    redness = lambda im: im[..., 0].astype(float) - im[..., 1:3].mean(axis=-1)  # noqa: E731
    assert redness(out)[painted].mean() < 20 < redness(image)[painted].mean()
    near = cv2.dilate(painted.astype(np.uint8), np.ones((11, 11), np.uint8)).astype(bool)
    np.testing.assert_array_equal(out[~near], image[~near])


@pytest.mark.parametrize("name", ["astronaut", "grace_hopper", "group", "old_photo"])
def test_faces_without_red_eyes_have_none_found(name: str) -> None:
    image = sample(name)
    assert not red_pupils(image, AnalysisCache().get(image).faces).any()
    with pytest.raises(InvalidParameterError, match="no red eyes found"):
        fix(image)


def test_a_picture_without_faces_is_refused_in_words() -> None:
    with pytest.raises(InvalidParameterError, match="no face found"):
        fix(sample("chelsea"))
