"""Face operators on real portraits: scikit-image's astronaut, matplotlib's Grace Hopper, and
side-by-side composites of them (two and three faces)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import cv2
import numpy as np
import pytest
from PIL import Image as PILImage

from gouache.analysis.cache import AnalysisCache
from gouache.analysis.faces import detect_faces, face_similarity
from gouache.analysis.types import Box
from gouache.errors import InvalidParameterError
from gouache.images import Image
from gouache.ops.registry import OpContext, OperatorRegistry

from .measure import laplacian_variance, with_alpha

# The operator's promise: only pixels within 20 % of the face's size around a face box change.
GROW = 0.2

Run = Callable[..., tuple[Image, list[str]]]


@pytest.fixture(scope="module")
def run(registry: OperatorRegistry) -> Run:
    """run("blur_faces", image, target="left") -> (result, notes); faces are detected once
    per picture for the whole module."""
    cache = AnalysisCache()

    def apply(name: str, image: Image, **params: Any) -> tuple[Image, list[str]]:
        ctx = OpContext(analyses=cache)
        return registry.get(name).apply(image, params, ctx), ctx.notes

    return apply


@pytest.fixture(scope="module")
def hopper() -> Image:
    """Grace Hopper resized to the astronaut's height (512 px)."""
    from matplotlib import cbook

    path = cbook.get_sample_data("grace_hopper.jpg", asfileobj=False)
    with PILImage.open(path) as im:
        rgb = np.asarray(im.convert("RGB"))
    width = round(rgb.shape[1] * 512 / rgb.shape[0])
    return np.asarray(cv2.resize(rgb, (width, 512), interpolation=cv2.INTER_AREA))


@pytest.fixture(scope="module")
def two(astronaut: Image, hopper: Image) -> Image:
    """Astronaut (smaller face) on the left, Hopper (larger face) on the right."""
    return np.ascontiguousarray(np.hstack([astronaut, hopper]))


@pytest.fixture(scope="module")
def three(astronaut: Image, hopper: Image) -> Image:
    """Astronaut, Hopper, and the astronaut mirrored."""
    return np.ascontiguousarray(np.hstack([astronaut, hopper, astronaut[:, ::-1]]))


@pytest.fixture(scope="module")
def boxes() -> Callable[[Image], list[Box]]:
    return lambda image: [face.box for face in detect_faces(image)]


def grown(box: Box, shape: tuple[int, ...]) -> tuple[slice, slice]:
    """Rows and columns of `box` grown by GROW of its size on every side (rounded outwards)."""
    dx, dy = GROW * box.w, GROW * box.h
    rows = slice(max(0, int(np.floor(box.y - dy))), min(shape[0], int(np.ceil(box.bottom + dy))))
    cols = slice(max(0, int(np.floor(box.x - dx))), min(shape[1], int(np.ceil(box.right + dx))))
    return rows, cols


def inside(box: Box) -> tuple[slice, slice]:
    return slice(box.y, box.bottom), slice(box.x, box.right)


def outside_all(shape: tuple[int, ...], faces: list[Box]) -> np.ndarray:
    keep = np.ones(shape[:2], dtype=bool)
    for box in faces:
        keep[grown(box, shape)] = False
    return keep


def located(crop: Image, image: Image) -> tuple[int, int]:
    """(x, y) of the top-left corner of `crop` inside `image` (an exact copy of a window)."""
    scores = cv2.matchTemplate(image, crop, cv2.TM_SQDIFF)
    _, _, (x, y), _ = cv2.minMaxLoc(scores)
    np.testing.assert_array_equal(image[y : y + crop.shape[0], x : x + crop.shape[1]], crop)
    return x, y


def holds(window: tuple[int, int, int, int], box: Box) -> bool:
    x, y, w, h = window
    return x <= box.x and y <= box.y and box.right <= x + w and box.bottom <= y + h


# blur_faces


def test_the_composites_hold_the_faces_the_tests_expect(two, three, boxes):
    left, right = boxes(two)
    assert right.area > 2 * left.area  # Hopper's face is the larger
    assert len(boxes(three)) == 3


def test_blurring_the_faces_softens_every_face_5x_and_leaves_the_rest_exact(run, three, boxes):
    faces = boxes(three)
    out, notes = run("blur_faces", three)
    for box in faces:
        ratio = laplacian_variance(three[inside(box)]) / laplacian_variance(out[inside(box)])
        assert ratio >= 5, box
    keep = outside_all(three.shape, faces)
    np.testing.assert_array_equal(out[keep], three[keep])
    assert notes == ["blurred all 3 faces"]


def test_a_blurred_face_is_no_longer_recognised(run, astronaut, hopper):
    for portrait in (astronaut, hopper):
        (before,) = detect_faces(portrait)
        out, _ = run("blur_faces", portrait)
        # the same person scores 0.5 to 0.95, strangers under about 0.2
        assert all(face_similarity(before, after) < 0.35 for after in detect_faces(out))


def test_blurring_the_face_on_the_left_changes_only_the_left_face(run, two, boxes):
    left, right = boxes(two)
    out, notes = run("blur_faces", two, target="left")
    assert laplacian_variance(two[inside(left)]) / laplacian_variance(out[inside(left)]) >= 5
    keep = outside_all(two.shape, [left])
    np.testing.assert_array_equal(out[keep], two[keep])
    np.testing.assert_array_equal(out[inside(right)], two[inside(right)])
    assert notes == ["blurred the face on the left"]


def test_a_weaker_blur_keeps_more_detail(run, astronaut, boxes):
    (face,) = boxes(astronaut)
    strong, _ = run("blur_faces", astronaut)
    weak, _ = run("blur_faces", astronaut, strength=0.2)
    original = laplacian_variance(astronaut[inside(face)])
    assert laplacian_variance(strong[inside(face)]) < laplacian_variance(weak[inside(face)])
    assert laplacian_variance(weak[inside(face)]) < original


def test_pixelated_faces_are_made_of_flat_blocks_about_a_tenth_of_the_face(run, astronaut, boxes):
    (face,) = boxes(astronaut)
    out, notes = run("blur_faces", astronaut, method="pixelate")
    # the middle half of the face, where every block is painted
    rows = slice(face.y + face.h // 4, face.bottom - face.h // 4)
    cols = slice(face.x + face.w // 4, face.right - face.w // 4)

    def equal_neighbours(pixels: Image) -> float:
        return float((pixels[:, 1:] == pixels[:, :-1]).all(axis=2).mean())

    assert equal_neighbours(out[rows, cols]) > 0.85
    assert equal_neighbours(astronaut[rows, cols]) < 0.2
    # runs of equal colour along the middle row: about ten blocks across the face
    row = out[face.y + face.h // 2, face.x : face.right]
    runs = 1 + int((row[1:] != row[:-1]).any(axis=1).sum())
    assert 6 <= runs <= 12
    keep = outside_all(astronaut.shape, [face])
    np.testing.assert_array_equal(out[keep], astronaut[keep])
    assert notes == ["pixelated the face"]


def test_a_weaker_pixelation_uses_smaller_blocks(run, astronaut, boxes):
    (face,) = boxes(astronaut)
    row = face.y + face.h // 2

    def blocks(strength: float) -> int:
        out, _ = run("blur_faces", astronaut, method="pixelate", strength=strength)
        line = out[row, face.x : face.right]
        return 1 + int((line[1:] != line[:-1]).any(axis=1).sum())

    assert blocks(0.5) > 1.5 * blocks(1.0)


def test_the_middle_of_three_faces_is_the_second_from_the_left(run, three, boxes):
    faces = boxes(three)
    out, notes = run("blur_faces", three, target="middle")
    keep = outside_all(three.shape, [faces[1]])
    np.testing.assert_array_equal(out[keep], three[keep])
    assert not np.array_equal(out[inside(faces[1])], three[inside(faces[1])])
    assert notes == ["blurred the face in the middle"]


@pytest.mark.parametrize("target", ["left", "right", "middle", "largest", "smallest", 1])
def test_with_one_face_every_target_names_that_face(run, astronaut, target):
    everything, _ = run("blur_faces", astronaut)
    out, _ = run("blur_faces", astronaut, target=target)
    np.testing.assert_array_equal(out, everything)


def test_faces_are_numbered_from_the_left_and_by_size(run, two):
    right, _ = run("blur_faces", two, target="right")
    left, _ = run("blur_faces", two, target="left")
    np.testing.assert_array_equal(run("blur_faces", two, target=2)[0], right)
    np.testing.assert_array_equal(run("blur_faces", two, target="largest")[0], right)
    np.testing.assert_array_equal(run("blur_faces", two, target="smallest")[0], left)


def test_the_middle_of_two_faces_is_refused_asking_left_or_right(run, two):
    with pytest.raises(InvalidParameterError, match="on the left or on the right") as err:
        run("blur_faces", two, target="middle")
    assert err.value.op == "blur_faces"
    assert err.value.param == "target"


def test_a_face_number_past_the_last_face_is_refused(run, two):
    with pytest.raises(InvalidParameterError, match="there is no face 3: 2 faces found"):
        run("blur_faces", two, target=3)
    with pytest.raises(InvalidParameterError, match="numbered from 1, the leftmost") as err:
        run("blur_faces", two, target=0)
    assert err.value.param == "target"


def test_a_target_is_read_as_people_write_it_and_a_wrong_one_lists_what_works(run, two):
    right, _ = run("blur_faces", two, target="right")
    np.testing.assert_array_equal(run("blur_faces", two, target="Right")[0], right)
    np.testing.assert_array_equal(run("blur_faces", two, target="2")[0], right)
    with pytest.raises(InvalidParameterError, match="all, left, right, middle") as err:
        run("crop_face", two, target="tallest")
    assert err.value.param == "target"


@pytest.mark.parametrize("op", ["blur_faces", "crop_face"])
def test_a_picture_without_faces_is_refused_not_returned_unchanged(run, coffee, op):
    with pytest.raises(InvalidParameterError, match="no face found in the image") as err:
        run(op, coffee)
    assert err.value.op == op
    assert err.value.param == "target"


@pytest.mark.parametrize("method", ["blur", "pixelate"])
def test_anonymising_keeps_alpha_and_leaves_the_input_alone(run, astronaut, boxes, method):
    (face,) = boxes(astronaut)
    image = with_alpha(astronaut)
    before = image.copy()
    out, _ = run("blur_faces", image, method=method)
    np.testing.assert_array_equal(image, before)
    assert out.dtype == np.uint8
    assert not np.shares_memory(out, image)
    np.testing.assert_array_equal(out[:, :, 3], image[:, :, 3])
    assert not np.array_equal(out[inside(face)], image[inside(face)])


# crop_face


def test_crop_face_gives_a_square_around_the_face_with_room_around_it(run, astronaut, boxes):
    (face,) = boxes(astronaut)
    out, notes = run("crop_face", astronaut)
    height, width = out.shape[:2]
    assert height == width
    x, y = located(out, astronaut)
    assert holds((x, y, width, height), face)
    # the default margin is 0.6 of a face on each side: 2.2 face heights
    assert width == pytest.approx(2.2 * face.h, abs=2)
    assert notes == [f"cropped to the face: {width}x{height} px"]


def test_crop_face_to_a_portrait_aspect(run, hopper, boxes):
    (face,) = boxes(hopper)
    out, _ = run("crop_face", hopper, aspect=(4, 5), margin=0.3)
    height, width = out.shape[:2]
    assert height / width == pytest.approx(5 / 4, abs=0.01)
    assert holds((*located(out, hopper), width, height), face)


def test_crop_face_near_the_edge_shifts_the_window_instead_of_shrinking_it(run, astronaut, boxes):
    shifted = np.ascontiguousarray(astronaut[:, 150:])
    (face,) = boxes(shifted)
    assert face.x < 40
    out, _ = run("crop_face", shifted)
    height, width = out.shape[:2]
    assert width == height == pytest.approx(2.2 * face.h, abs=2)
    x, y = located(out, shifted)
    assert x == 0
    assert holds((x, y, width, height), face)


def test_crop_face_picks_the_face_asked_for(run, two, boxes):
    left, right = boxes(two)
    out, notes = run("crop_face", two, target="left", margin=0.2)
    assert holds((*located(out, two), out.shape[1], out.shape[0]), left)
    assert out.shape[1] < 0.5 * two.shape[1]
    assert notes[0].startswith("cropped to the face on the left")
    out, _ = run("crop_face", two)  # the largest: Hopper's
    assert holds((*located(out, two), out.shape[1], out.shape[0]), right)


def test_crop_face_refuses_an_aspect_that_cannot_hold_the_face(run, astronaut):
    strip = np.ascontiguousarray(astronaut[40:200])
    assert len(detect_faces(strip)) == 1
    with pytest.raises(InvalidParameterError, match="use a wider aspect ratio") as err:
        run("crop_face", strip, aspect=(1, 4))
    assert err.value.param == "aspect"


def test_an_aspect_ratio_needs_two_positive_numbers(run, astronaut):
    with pytest.raises(InvalidParameterError, match="two positive numbers") as err:
        run("crop_face", astronaut, aspect=(0, 1))
    assert err.value.param == "aspect"
    with pytest.raises(InvalidParameterError, match="two positive numbers"):
        run("smart_crop", astronaut, aspect=(16, -9))


# smart_crop


def test_smart_crop_to_9_16_keeps_the_whole_face(run, astronaut, boxes):
    (face,) = boxes(astronaut)
    out, notes = run("smart_crop", astronaut, aspect=(9, 16))
    assert out.shape[:2] == (512, 288)
    assert holds((*located(out, astronaut), 288, 512), face)
    assert notes == ["smart_crop: kept 1 face in frame"]


def test_a_zoomed_smart_crop_is_smaller_and_centred_on_the_face(run, hopper, boxes):
    # "crop it 16:9" then "a bit tighter": the window of the aspect, 1.2 times smaller, round
    # her face
    (face,) = boxes(hopper)
    out, _ = run("smart_crop", hopper, aspect=(16, 9), zoom=1.2)
    height, width = out.shape[:2]
    assert width == round(hopper.shape[1] / 1.2)
    assert width / height == pytest.approx(16 / 9, abs=0.02)
    x, y = located(out, hopper)
    assert x + width / 2 == pytest.approx(face.x + face.w / 2, abs=1)
    assert holds((x, y, width, height), face)


def test_smart_crop_to_16_9_of_a_portrait_moves_the_window_to_the_face(run, hopper, boxes):
    (face,) = boxes(hopper)
    out, _ = run("smart_crop", hopper, aspect=(16, 9))
    height, width = out.shape[:2]
    assert width == hopper.shape[1]
    assert width / height == pytest.approx(16 / 9, abs=0.01)
    x, y = located(out, hopper)
    assert holds((x, y, width, height), face)
    # a centred crop would have cut the face
    centred_top = (hopper.shape[0] - height) // 2
    assert not holds((0, centred_top, width, height), face)


def test_smart_crop_keeps_every_face_when_they_fit_centred_on_them(run, two, boxes):
    faces = boxes(two)
    out, notes = run("smart_crop", two, aspect=(4, 3))
    height, width = out.shape[:2]
    x, y = located(out, two)
    assert all(holds((x, y, width, height), face) for face in faces)
    union_centre = (faces[0].x + faces[-1].right) / 2
    assert x + width / 2 == pytest.approx(union_centre, abs=1)
    assert notes == ["smart_crop: kept 2 faces in frame"]


def test_smart_crop_keeps_as_many_faces_as_fit_and_says_so(run, three, boxes):
    faces = boxes(three)
    out, notes = run("smart_crop", three, aspect=(1, 1))
    x, y = located(out, three)
    kept = [face for face in faces if holds((x, y, 512, 512), face)]
    assert len(kept) == 1
    assert notes == ["smart_crop: kept 1 of 3 faces in frame; they do not all fit a 1:1 crop"]


def with_room(box: Box) -> Box:
    """The face box with the room "don't cut anyone off" keeps: half its height above (the
    hair), 0.3 of it at the sides and below."""
    above, room = round(0.5 * box.h), round(0.3 * box.h)
    return Box(box.x - room, box.y - above, box.w + 2 * room, box.h + above + room)


def test_dont_cut_anyone_off_crops_to_16_9_with_every_face_whole_and_found_again(run, two, boxes):
    faces = boxes(two)
    out, notes = run("smart_crop", two, aspect=(16, 9), everyone=True)
    height, width = out.shape[:2]
    assert width / height == pytest.approx(16 / 9, abs=0.01)
    assert width < two.shape[1]
    x, y = located(out, two)
    assert all(holds((x, y, width, height), with_room(face)) for face in faces)
    assert len(boxes(out)) == len(faces) == 2  # both still detected in the crop
    assert notes == ["smart_crop: kept 2 faces whole in frame, with room around"]


def test_dont_cut_anyone_off_keeps_the_hair_above_the_face(run, astronaut, boxes):
    (face,) = boxes(astronaut)
    out, _ = run("smart_crop", astronaut, aspect=(16, 9), everyone=True)
    x, y = located(out, astronaut)
    assert holds((x, y, out.shape[1], out.shape[0]), with_room(face))
    assert len(boxes(out)) == 1


def test_dont_cut_anyone_off_crops_nothing_when_no_window_holds_every_face(run, three, hopper):
    with pytest.raises(InvalidParameterError, match='"make it 16:9 without cropping"'):
        run("smart_crop", three, aspect=(16, 9), everyone=True)
    # the face box alone fits a 16:9 strip of the portrait, but not with her hat and chin
    with pytest.raises(InvalidParameterError, match="1 face with room around it does not fit"):
        run("smart_crop", hopper, aspect=(16, 9), everyone=True)


def test_smart_crop_without_faces_centres_on_the_main_subject(run, coffee):
    out, notes = run("smart_crop", coffee, aspect=(9, 16))
    assert out.shape[:2] == (400, 225)
    assert notes == ["smart_crop: no face found; centred on the main subject"]
    located(out, coffee)


def test_a_headlight_read_as_a_weak_face_does_not_frame_a_square_crop(run):
    # YuNet reads the motorcycle's headlight as a face (0.74): the square crop was centred
    # on it, cutting off the back of the bike
    from skimage import data

    bike = np.ascontiguousarray(data.stereo_motorcycle()[0])
    out, notes = run("smart_crop", bike, aspect=(1, 1))
    assert notes == ["smart_crop: no face found; centred on the main subject"]
    x, _ = located(out, bike)
    assert 120 < x < 200  # on the bike (91..708): measured 150; on the headlight it was 241
    # nor does it turn a mirrored extension into a blurred one
    tall, tall_notes = run("extend", bike, aspect=(9, 16), fill="reflect")
    assert tall_notes == []
    top = (tall.shape[0] - bike.shape[0]) // 2
    assert np.array_equal(tall[top : top + bike.shape[0]], bike)
