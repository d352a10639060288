"""Characters on real faces: registering them from photos, matching them to the faces of a
picture by optimal assignment, deciding when one was lost, and the calibration of the threshold."""

from __future__ import annotations

import re

import numpy as np
import pytest
from PIL import Image as PILImage

import gouache.characters
from benchmarks.calibration import Calibration, calibrate, sample_people
from gouache.analysis.types import Box, Face, Landmarks, Point
from gouache.characters import (
    DEFAULT_THRESHOLD,
    MATCH_FLOOR,
    Character,
    CharacterMatch,
    check_identity,
    describe_loss,
    find_character,
    match_characters,
)
from gouache.errors import InputError, InvalidReferenceError, NotFoundError
from gouache.images import Image, LoadedImage


def photo(pixels: Image, name: str) -> LoadedImage:
    return LoadedImage(pixels=np.ascontiguousarray(pixels), format="PNG", name=name)


def side_by_side(left: Image, right: Image) -> Image:
    """Two photos at the same height, next to each other."""
    height = left.shape[0]
    width = round(right.shape[1] * height / right.shape[0])
    resized = np.asarray(PILImage.fromarray(right).resize((width, height), PILImage.LANCZOS))
    return np.ascontiguousarray(np.hstack([left, resized]))


@pytest.fixture(scope="module")
def people() -> dict[str, Image]:
    return sample_people()


@pytest.fixture(scope="module")
def ana(people: dict[str, Image]) -> Character:
    return Character.from_photos("Ana", [photo(people["astronaut"], "ana.png")])


@pytest.fixture(scope="module")
def grace(people: dict[str, Image]) -> Character:
    return Character.from_photos("Grace", [photo(people["Grace Hopper"], "grace.jpg")])


@pytest.fixture(scope="module")
def pair(people: dict[str, Image]) -> Image:
    """The astronaut on the left, Grace Hopper on the right."""
    return side_by_side(people["astronaut"], people["Grace Hopper"])


@pytest.fixture(scope="module")
def calibration() -> Calibration:
    return calibrate()


def faces_of(image: Image) -> list[Face]:
    from gouache.analysis.faces import detect_faces

    return detect_faces(image)


# -- registering -----------------------------------------------------------------------------


def test_a_reference_photo_without_a_face_is_refused_naming_the_photo() -> None:
    sky = np.zeros((120, 160, 3), np.uint8)
    sky[:, :] = (90, 140, 220)
    with pytest.raises(InvalidReferenceError, match=r"no face found in sky\.png"):
        Character.from_photos("Ana", [photo(sky, "sky.png")])


def test_a_reference_photo_with_two_faces_is_refused_naming_the_photo(pair: Image) -> None:
    with pytest.raises(InvalidReferenceError, match=r"pair\.png has 2 faces .*of Ana alone"):
        Character.from_photos("Ana", [photo(pair, "pair.png")])


def test_the_second_of_several_photos_is_named_when_it_is_the_bad_one(
    people: dict[str, Image],
) -> None:
    blank = np.full((64, 64, 3), 128, np.uint8)
    good, bad = photo(people["astronaut"], "ana.png"), photo(blank, "grey.png")
    with pytest.raises(InvalidReferenceError, match=r"grey\.png"):
        Character.from_photos("Ana", [good, bad])


@pytest.mark.parametrize(
    ("name", "threshold", "message"),
    [
        ("  ", None, "needs a name"),
        ("Ana=ana.jpg", None, "without '='"),
        ("Ana", 1.5, "between 0.25 and 1"),
        ("Ana", 0.2, "between 0.25 and 1"),
        ("Ana", float("nan"), "between 0.25 and 1"),
    ],
)
def test_a_name_or_threshold_that_cannot_work_is_refused(
    people: dict[str, Image], name: str, threshold: float | None, message: str
) -> None:
    with pytest.raises(InputError, match=message):
        Character.from_photos(name, [photo(people["astronaut"], "a.png")], threshold=threshold)


def test_an_unknown_character_is_refused_with_the_names_there_are(
    ana: Character, grace: Character
) -> None:
    assert find_character([ana, grace], "grace") is grace
    with pytest.raises(NotFoundError, match=r"no character 'Bob' .*Ana, Grace"):
        find_character([ana, grace], "Bob")


# -- matching --------------------------------------------------------------------------------


def test_two_characters_in_a_two_face_picture_each_get_their_own_face(
    ana: Character, grace: Character, pair: Image
) -> None:
    faces = faces_of(pair)
    assert len(faces) == 2

    matches = match_characters([ana, grace], faces)

    assert matches["Ana"].face_index == 0
    assert matches["Grace"].face_index == 1
    for match in matches.values():
        assert match.score is not None
        assert match.score > 0.8


def test_flipping_the_picture_swaps_the_faces_the_characters_get(
    ana: Character, grace: Character, pair: Image
) -> None:
    flipped = np.ascontiguousarray(pair[:, ::-1])

    matches = match_characters([grace, ana], faces_of(flipped))

    assert matches["Ana"].face_index == 1
    assert matches["Grace"].face_index == 0
    assert min(m.score or 0.0 for m in matches.values()) > DEFAULT_THRESHOLD


def test_the_assignment_is_optimal_not_greedy() -> None:
    """Greedy would give A its best face even when that costs B its only good one."""

    def face(vector: list[float]) -> Face:
        points = Landmarks(*(Point(0.0, 0.0) for _ in range(5)))
        return Face(Box(0, 0, 1, 1), 0.9, points, tuple(vector))

    a = Character("A", ((1.0, 0.0, 0.0),))
    b = Character("B", ((0.6, 0.8, 0.0),))
    # face 0 is A's best (1.0) and B's only good one (0.6); face 1 is A's second (0.7)
    faces = [face([1.0, 0.0, 0.0]), face([0.7, -0.714, 0.0])]

    matches = match_characters([a, b], faces)

    assert matches["A"].face_index == 1
    assert matches["B"].face_index == 0


def test_a_character_missing_from_the_picture_scores_none(
    ana: Character, grace: Character, people: dict[str, Image]
) -> None:
    matches = match_characters([ana, grace], faces_of(people["astronaut"]))

    assert matches["Grace"].score is None
    assert matches["Grace"].face_index is None
    assert matches["Ana"].score == pytest.approx(1.0, abs=1e-4)
    assert match_characters([ana], []) == {"Ana": CharacterMatch(None, None)}


def test_a_face_that_resembles_no_character_is_nobodys(
    ana: Character, grace: Character, people: dict[str, Image]
) -> None:
    """Grace Hopper's face is the only one, and Ana is the only character: Ana is absent."""
    face = faces_of(people["Grace Hopper"])[0]
    assert ana.similarity(face) < MATCH_FLOOR

    assert match_characters([ana], [face])["Ana"] == CharacterMatch(None, None)
    assert match_characters([ana, grace], [face])["Grace"].face_index == 0


def test_a_character_with_several_photos_scores_its_best_one(
    people: dict[str, Image], ana: Character
) -> None:
    flipped = photo(people["astronaut"][:, ::-1], "ana-mirrored.png")
    both = Character.from_photos("Ana", [flipped, photo(people["astronaut"], "ana.png")])
    face = faces_of(people["astronaut"])[0]

    assert both.similarity(face) == pytest.approx(1.0, abs=1e-4)
    assert Character("Ana", both.embeddings[:1]).similarity(face) < 0.99
    assert both.threshold == DEFAULT_THRESHOLD


# -- deciding a character was lost -----------------------------------------------------------


def test_without_a_before_only_characters_present_and_under_threshold_are_listed() -> None:
    a, b, c = (Character(n, ((1.0, 0.0),), 0.45) for n in ("A", "B", "C"))

    assert check_identity({"A": 0.9, "B": 0.3, "C": None}, [a, b, c]) == ["B"]


def test_with_a_before_a_character_is_lost_when_it_falls_under_or_goes() -> None:
    a, b, c, d = (Character(n, ((1.0, 0.0),), 0.45) for n in ("A", "B", "C", "D"))
    before = {"A": 0.95, "B": 0.95, "C": 0.30, "D": None}
    after = {"A": 0.40, "B": None, "C": 0.20, "D": 0.10}

    # C was already under its threshold and D was absent: a retry would not help them
    assert check_identity(after, [a, b, c, d], before=before) == ["A", "B"]
    assert describe_loss(["A", "B"], after, [a, b, c, d]) == (
        "A scores 0.40, under 0.45; no face in the picture resembles B any more"
    )


# -- calibration -----------------------------------------------------------------------------


@pytest.mark.slow
def test_the_calibration_separates_the_same_person_from_different_people(
    calibration: Calibration,
) -> None:
    assert len(calibration.same) == len(calibration.people) * len(calibration.edits)
    assert len(calibration.different) > 500
    assert calibration.lowest_same.cosine > DEFAULT_THRESHOLD > calibration.highest_different.cosine
    assert calibration.threshold() == pytest.approx(DEFAULT_THRESHOLD)


@pytest.mark.slow
def test_the_table_in_the_module_docstring_is_what_the_calibration_measures_now(
    calibration: Calibration,
) -> None:
    doc = gouache.characters.__doc__ or ""
    block = doc.split("    calibration table\n", 1)[1].split("\n\nThe threshold", 1)[0]
    written = [line.removeprefix("    ") for line in block.splitlines()]
    measured = calibration.table().splitlines()

    assert len(written) == len(measured)
    number = re.compile(r"\d+\.\d+")
    for old, new in zip(written, measured, strict=True):
        assert number.sub("#", old) == number.sub("#", new)
        for a, b in zip(number.findall(old), number.findall(new), strict=True):
            assert float(a) == pytest.approx(float(b), abs=0.02), (old, new)
