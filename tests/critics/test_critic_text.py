"""RequiredText: approximate substring matching, then OCR on rendered text."""

from __future__ import annotations

import itertools
from collections.abc import Callable

import numpy as np
import pytest

from gouache.critics.base import CriticContext
from gouache.critics.text import RequiredText, best_match, edit_distance, edit_rows, normalise
from gouache.images import Image


def naive_levenshtein(a: str, b: str) -> int:
    """The textbook table, one cell at a time."""
    table = [[i + j if i * j == 0 else 0 for j in range(len(b) + 1)] for i in range(len(a) + 1)]
    for i, j in itertools.product(range(1, len(a) + 1), range(1, len(b) + 1)):
        table[i][j] = min(
            table[i - 1][j] + 1, table[i][j - 1] + 1, table[i - 1][j - 1] + (a[i - 1] != b[j - 1])
        )
    return table[-1][-1]


def test_the_vectorised_rows_give_the_textbook_levenshtein_distance() -> None:
    rng = np.random.default_rng(7)
    for _ in range(200):
        a = "".join(rng.choice(list("abc"), size=int(rng.integers(1, 9))))
        b = "".join(rng.choice(list("abc"), size=int(rng.integers(0, 9))))
        assert edit_distance(a, b) == naive_levenshtein(a, b)


def test_a_free_start_finds_a_pattern_anywhere_in_the_text() -> None:
    # "sale" ends after the 8th character of "big sale": distance 0 there
    row = edit_rows("sale", "bigsale!", free_start=True)
    assert int(row.min()) == 0
    assert int(row.argmin()) == 7


def test_normalising_drops_case_spaces_and_punctuation_but_remembers_positions() -> None:
    norm = normalise("Summer  Sale!")
    assert norm.text == "summersale"
    assert norm.origin[6] == 8  # the "S" of "Sale"


def test_an_exact_reading_inside_a_longer_line_is_found_with_its_span() -> None:
    text = "GOUACHE SUMMER SALE 2026"
    match = best_match("summer sale", text)
    assert match.distance == pytest.approx(0.0)
    assert text[match.start : match.end] == "SUMMER SALE"


def test_one_misread_letter_costs_one_edit_over_the_length() -> None:
    match = best_match("GOUACHE", "G0UACHE summer")  # zero for O, a typical OCR slip
    assert match.distance == pytest.approx(1 / 7)


def test_absent_text_is_as_far_as_it_can_be() -> None:
    assert best_match("summer", "").distance == pytest.approx(1.0)
    assert best_match("summer", "xyz").distance > 0.8


def test_rendered_text_that_was_asked_for_passes(
    render: Callable[..., Image], context_for: Callable[..., CriticContext]
) -> None:
    image = render(
        [("SUMMER SALE", (60, 60), 64, "black"), ("only this week", (60, 170), 40, "black")]
    )
    critic = RequiredText(required=("Summer sale", "this week"))
    score = critic.score(image, context_for(image))
    assert score.passed
    assert score.value <= 0.1
    assert score.margin > 0.5
    assert "read as 'SUMMER SALE'" in score.detail


def test_text_that_is_missing_or_misspelt_fails_with_the_worst_distance(
    render: Callable[..., Image], context_for: Callable[..., CriticContext]
) -> None:
    image = render([("SUMER SAIL", (60, 60), 64, "black")])
    critic = RequiredText(required=("SUMMER SALE", "GOUACHE"), tolerance=0.2)
    score = critic.score(image, context_for(image))
    assert not score.passed
    assert score.value > 0.5  # GOUACHE is nowhere
    assert score.margin < 0
    assert "'GOUACHE' not found" in score.detail


def test_an_image_without_text_fails_and_says_so(
    render: Callable[..., Image], context_for: Callable[..., CriticContext]
) -> None:
    image = render([])
    score = RequiredText(required=("SALE",)).score(image, context_for(image))
    assert not score.passed
    assert score.value == pytest.approx(1.0)
    assert "no text was read" in score.detail


def test_a_required_string_without_letters_is_refused() -> None:
    with pytest.raises(ValueError, match="no letter or digit"):
        RequiredText(required=("!!",))
    with pytest.raises(ValueError, match="tolerance"):
        RequiredText(required=("sale",), tolerance=1.5)
