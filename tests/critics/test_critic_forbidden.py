"""ForbiddenWords on rendered text read by the real OCR."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from gouache.critics.base import CriticContext
from gouache.critics.forbidden import ForbiddenWords, closest, words_of
from gouache.images import Image


def test_words_are_runs_of_letters_and_digits_case_folded() -> None:
    assert [norm for norm, _ in words_of("FREE shipping, 100%!")] == ["free", "shipping", "100"]


def test_a_phrase_is_found_across_words_and_when_ocr_merges_them() -> None:
    assert closest("best price", words_of("the BEST PRICE ever")).distance == pytest.approx(0.0)
    assert closest("best price", words_of("the BESTPRICE ever")).distance == pytest.approx(0.0)


def test_whole_words_only_so_freedom_is_not_free() -> None:
    assert closest("free", words_of("FREEDOM")).distance > 0.2


def test_an_image_without_forbidden_words_passes(
    render: Callable[..., Image], context_for: Callable[..., CriticContext]
) -> None:
    image = render(
        [("SUMMER SALE", (60, 60), 64, "black"), ("only this week", (60, 170), 40, "black")]
    )
    score = ForbiddenWords(words=("free", "guaranteed")).score(image, context_for(image))
    assert score.passed
    assert score.value == 0
    assert score.margin > 0
    assert "none of 2 found" in score.detail


def test_a_forbidden_word_read_in_the_image_fails(
    render: Callable[..., Image], context_for: Callable[..., CriticContext]
) -> None:
    image = render(
        [("FREE SHIPPING", (60, 60), 64, "black"), ("guaranteed", (60, 170), 40, "black")]
    )
    score = ForbiddenWords(words=("free", "guaranteed", "cheap")).score(image, context_for(image))
    assert not score.passed
    assert score.value == 2
    assert score.margin == pytest.approx(-2 / 3)
    assert "'free' as 'FREE'" in score.detail
