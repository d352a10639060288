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


# The centres (row, column) of the 24 coins in scikit-image's `coins`, from the watershed
# of its own tutorial (sobel elevation, markers under 30 and over 150).
COIN_CENTRES = [
    (44, 335), (51, 155), (51, 215), (52, 276), (54, 44), (56, 100), (119, 271), (124, 45),
    (124, 205), (125, 336), (126, 102), (127, 154), (187, 347), (193, 212), (194, 274),
    (196, 102), (197, 44), (198, 154), (260, 46), (261, 172), (263, 244), (263, 301),
    (266, 114), (268, 358),
]  # fmt: skip


def test_many_coins_on_a_smooth_ground_are_all_the_subject() -> None:
    from skimage import data

    subject = subject_mask(data.coins())
    assert subject.method == "ground"
    # GrabCut around the centre dropped 3 of them: (187, 347), (261, 172), (268, 358)
    assert all(subject.mask[row, column] for row, column in COIN_CENTRES)
    assert not subject.mask[:6].any()
    assert not subject.mask[-6:].any()
    assert 0.3 < subject.coverage < 0.45  # measured 0.36


def test_two_discs_on_a_lit_ground_are_both_the_subject_and_one_disc_is_left_to_grabcut() -> None:
    height, width = 300, 400
    ramp = np.linspace(70, 150, width, dtype=np.float32)[None, :].repeat(height, axis=0)
    image = np.dstack([ramp, ramp, ramp]).astype(np.uint8)
    one = image.copy()
    cv2.circle(image, (90, 150), 40, (230, 200, 40), thickness=-1)
    cv2.circle(image, (320, 150), 30, (30, 40, 200), thickness=-1)
    both = subject_mask(image)
    assert both.method == "ground"
    assert both.mask[150, 90]
    assert both.mask[150, 320]
    assert not both.mask[20, 200]
    cv2.circle(one, (200, 150), 60, (230, 200, 40), thickness=-1)
    assert subject_mask(one).method == "grabcut-centre"


def test_the_sky_is_never_the_subject_of_a_picture_without_faces() -> None:
    from skimage import data

    from gouache.analysis.sky import sky_mask

    rocket = data.rocket()
    subject = subject_mask(rocket)
    assert subject.method == "grabcut-centre"
    # the lit sky around the rocket went with it: 32 % of the picture, now 6.6 %
    assert subject.coverage < 0.12
    assert not (subject.mask & sky_mask(rocket)).any()
    assert subject.mask[250:350, 315:330].mean() > 0.9  # the rocket's body


def test_a_headlight_read_as_a_weak_face_does_not_make_a_motorcycle_a_portrait() -> None:
    from skimage import data

    bike = np.ascontiguousarray(data.stereo_motorcycle()[0])
    faces = detect_faces(bike)
    # YuNet reads the headlight as a face (0.74); it is still reported, for "blur the faces"
    assert [round(face.score, 1) for face in faces] == [0.7]
    subject = subject_mask(bike, faces)
    assert subject.method == "grabcut-centre"
    # the whole bike, both wheels: the portrait prior cut off the front wheel
    assert subject.box is not None
    assert subject.box.x < 120  # measured 91
    assert subject.box.right > 650  # measured 708
