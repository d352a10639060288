"""Identity with the real face models, on the astronaut and Grace Hopper."""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
import pytest
from PIL import Image as PILImage

from gouache.analysis.cache import AnalysisCache
from gouache.analysis.types import Box, Face, Landmarks, Point
from gouache.characters import DEFAULT_THRESHOLD, Character
from gouache.critics.base import CriticContext, score_all
from gouache.critics.identity import Identity
from gouache.errors import InvalidReferenceError
from gouache.images import Image


def resized(image: Image, height: int) -> Image:
    width = round(image.shape[1] * height / image.shape[0])
    return np.asarray(
        PILImage.fromarray(image).resize((width, height), PILImage.Resampling.LANCZOS)
    )


def fake_face(x: int, embedding: tuple[float, ...]) -> Face:
    nowhere = Point(0.0, 0.0)
    return Face(Box(x, 0, 10, 10), 0.9, Landmarks(*[nowhere] * 5), embedding)


def character(name: str, photo: Image, cache: AnalysisCache) -> Character:
    (face,) = cache.get(photo).faces
    return Character(name, (face.embedding,))


@pytest.fixture(scope="module")
def collins(cache: AnalysisCache, astronaut: Image) -> Character:
    return character("collins", astronaut, cache)


@pytest.fixture(scope="module")
def hopper(cache: AnalysisCache, grace_hopper: Image) -> Character:
    return character("hopper", grace_hopper, cache)


@pytest.fixture(scope="module")
def pair(astronaut: Image, grace_hopper: Image) -> Image:
    """The astronaut on the left, Grace Hopper on the right, both 400 px tall."""
    return np.ascontiguousarray(
        np.concatenate([resized(astronaut, 400), resized(grace_hopper, 400)], axis=1)
    )


def test_the_optimal_assignment_beats_taking_each_characters_best_face() -> None:
    # collins prefers face 2 (0.96) but also fits face 1 (0.80); hopper fits only face 2
    faces = [fake_face(0, (1.0, 0.0, 0.0)), fake_face(50, (0.6, 0.8, 0.0))]
    characters = (Character("collins", ((0.8, 0.6, 0.0),)), Character("hopper", ((0.0, 1.0, 0.0),)))

    class Found:  # an Analysis that found these two faces
        def __init__(self) -> None:
            self.faces = faces

    context = CriticContext(analysis=Found(), characters=characters)  # type: ignore[arg-type]
    scores = {
        s.criterion: s
        for s in Identity(threshold=0.7).scores(np.zeros((1, 1, 3), np.uint8), context)
    }
    assert scores["identity:collins"].value == pytest.approx(0.8)
    assert scores["identity:hopper"].value == pytest.approx(0.8)
    assert "x=0 " in scores["identity:collins"].detail
    assert "x=50 " in scores["identity:hopper"].detail


def test_each_character_is_found_in_a_picture_of_both(
    pair: Image, collins: Character, hopper: Character, context_for: Callable[..., CriticContext]
) -> None:
    scores = Identity().scores(pair, context_for(pair, characters=(collins, hopper)))
    by_name = {s.criterion: s for s in scores}
    assert set(by_name) == {"identity:collins", "identity:hopper"}
    assert all(s.passed for s in scores)
    assert all(s.value > 0.8 for s in scores)  # measured 0.93 and 0.94
    assert all(s.target == DEFAULT_THRESHOLD for s in scores)
    assert all(s.weight == pytest.approx(0.5) for s in scores)
    # the astronaut is the left half
    collins_x = int(by_name["identity:collins"].detail.split("x=")[1].split()[0])
    assert collins_x < pair.shape[1] // 2


def test_another_person_in_the_characters_place_fails(
    grace_hopper: Image, collins: Character, context_for: Callable[..., CriticContext]
) -> None:
    score = Identity().score(grace_hopper, context_for(grace_hopper, characters=(collins,)))
    assert not score.passed
    assert score.value < DEFAULT_THRESHOLD
    assert score.margin < 0
    # Hopper's face resembles Collins less than the match floor: Collins is absent
    assert "absent" in score.detail


def test_a_character_left_without_a_face_scores_zero(
    astronaut: Image,
    collins: Character,
    hopper: Character,
    context_for: Callable[..., CriticContext],
) -> None:
    scores = Identity().scores(astronaut, context_for(astronaut, characters=(collins, hopper)))
    by_name = {s.criterion: s for s in scores}
    assert by_name["identity:collins"].passed
    assert not by_name["identity:hopper"].passed
    assert by_name["identity:hopper"].value == 0.0
    assert "absent" in by_name["identity:hopper"].detail


def test_the_default_threshold_separates_a_mild_edit_from_another_person(
    astronaut: Image,
    grace_hopper: Image,
    collins: Character,
    context_for: Callable[..., CriticContext],
) -> None:
    # as calibrated in gouache.characters: an edit ~0.9, another person ~0.13
    edited = resized(np.clip(astronaut * 1.2, 0, 255).astype(np.uint8), 300)
    same = Identity().score(edited, context_for(edited, characters=(collins,)))
    assert same.value > DEFAULT_THRESHOLD + 0.3
    # a stranger passes neither at the default nor at a low threshold set by a guideline
    other = Identity(threshold=0.3).score(
        grace_hopper, context_for(grace_hopper, characters=(collins,))
    )
    assert not other.passed
    assert other.target == 0.3


def test_identity_is_skipped_without_characters_and_refuses_an_unknown_one(
    astronaut: Image, collins: Character, context_for: Callable[..., CriticContext]
) -> None:
    result = score_all(Identity(), astronaut, context_for(astronaut))
    assert not isinstance(result, list)
    assert result.reason == "no character was given"
    context = context_for(astronaut, characters=(collins,))
    with pytest.raises(InvalidReferenceError, match="no reference for character 'ada'"):
        Identity(characters=("ada",)).score(astronaut, context)
    with pytest.raises(ValueError, match="match floor"):
        Identity(threshold=0.1)
