"""The subject mask: GrabCut from a portrait prior (faces) or a centre prior."""

from __future__ import annotations

import cv2
import numpy as np
import pytest

from gouache.analysis.faces import detect_faces
from gouache.analysis.subject import subject_mask
from gouache.analysis.types import Mask
from gouache.images import Image


def red_disc(width: int = 400, height: int = 300) -> tuple[Image, Mask]:
    """A red disc on a plain grey background, and the disc's own mask."""
    image = np.full((height, width, 3), 128, dtype=np.uint8)
    centre = (round(width * 0.55), round(height * 0.47))
    radius = round(min(width, height) * 0.27)
    cv2.circle(image, centre, radius, (220, 30, 30), thickness=-1)
    disc = np.zeros((height, width), dtype=np.uint8)
    cv2.circle(disc, centre, radius, 1, thickness=-1)
    return image, disc.astype(bool)


def iou(a: Mask, b: Mask) -> float:
    return float((a & b).sum() / (a | b).sum())


def test_the_astronaut_mask_covers_her_face_and_not_the_whole_image(astronaut: Image) -> None:
    faces = detect_faces(astronaut)
    subject = subject_mask(astronaut, faces)
    box = faces[0].box
    assert subject.method == "grabcut-faces"
    assert subject.mask.shape == astronaut.shape[:2]
    assert subject.mask.dtype == np.bool_
    assert subject.mask[box.y : box.bottom, box.x : box.right].mean() > 0.9  # measured 0.94
    assert subject.coverage < 0.8  # measured 0.33
    assert subject.box is not None
    assert subject.box.intersection(box) == box.area


def test_a_red_disc_on_grey_is_found_without_faces() -> None:
    image, disc = red_disc()
    subject = subject_mask(image)
    assert subject.method == "grabcut-centre"
    assert iou(subject.mask, disc) > 0.85


def test_a_large_image_is_cut_at_working_size_and_upsampled_to_full_size() -> None:
    image, disc = red_disc(2000, 1500)
    subject = subject_mask(image, [])
    assert subject.mask.shape == (1500, 2000)
    assert iou(subject.mask, disc) > 0.85


def test_the_same_image_gives_the_same_mask() -> None:
    image, _ = red_disc()
    assert np.array_equal(subject_mask(image).mask, subject_mask(image).mask)


def test_rgba_and_grey_inputs_are_accepted() -> None:
    image, disc = red_disc()
    rgba = np.dstack([image, np.full(disc.shape, 255, dtype=np.uint8)])
    assert iou(subject_mask(rgba).mask, disc) > 0.85
    grey = cv2.cvtColor(image, cv2.COLOR_RGB2GRAY)
    assert subject_mask(grey).mask.shape == disc.shape


@pytest.mark.parametrize("shape", [(1, 1, 3), (5, 7, 3), (12, 9, 4)])
def test_images_too_small_for_grabcut_get_the_prior_itself(shape: tuple[int, ...]) -> None:
    subject = subject_mask(np.full(shape, 90, dtype=np.uint8))
    assert subject.method == "prior"
    assert subject.mask.shape == shape[:2]


def test_a_flat_image_has_no_subject() -> None:
    subject = subject_mask(np.full((120, 160, 3), 128, dtype=np.uint8))
    assert subject.box is None
    assert subject.coverage == 0.0


def test_an_image_of_the_wrong_shape_is_refused() -> None:
    with pytest.raises(TypeError, match=r"shape \(height, width\[, 1, 3 or 4\]\)"):
        subject_mask(np.zeros((4, 4, 2), dtype=np.uint8))
