"""SafeMargins: text and a logo kept out of the band along the edges, or not."""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
import pytest

from gouache.analysis.types import Box
from gouache.critics.base import CriticContext
from gouache.critics.logo import LogoPlacement
from gouache.critics.margins import SafeMargins, edge_distance
from gouache.images import Image

Paste = Callable[[Image, Image, int, tuple[int, int]], Image]


def test_the_distance_to_an_edge_is_to_the_nearest_one() -> None:
    assert edge_distance(Box(10, 50, 100, 100), 400, 300) == (10, "left")
    assert edge_distance(Box(200, 190, 100, 100), 400, 300) == (10, "bottom")


def test_text_well_inside_the_margins_passes(
    render: Callable[..., Image], context_for: Callable[..., CriticContext]
) -> None:
    # 800 x 600: a 5 % band is 30 px; the text starts 150 px in
    image = render([("SUMMER SALE", (150, 250), 60, "black")], size=(800, 600))
    score = SafeMargins(margin=0.05, elements=("text",)).score(image, context_for(image))
    assert score.passed
    assert score.value > 0.15
    assert "clear of the 30 px band" in score.detail


def test_text_against_an_edge_fails_and_names_it(
    render: Callable[..., Image], context_for: Callable[..., CriticContext]
) -> None:
    image = render([("SUMMER SALE", (6, 250), 60, "black")], size=(800, 600))
    score = SafeMargins(margin=0.05, elements=("text",)).score(image, context_for(image))
    assert not score.passed
    assert score.value < 0.02
    assert score.margin < 0
    assert "SUMMER SALE" in score.detail
    assert "left edge" in score.detail


def test_a_logo_in_the_corner_but_inside_the_band_fails(
    logo: Image, paste: Paste, context_for: Callable[..., CriticContext]
) -> None:
    base = np.full((600, 800, 3), 235, dtype=np.uint8)
    placement = LogoPlacement(corners=("bottom-right",))
    critic = SafeMargins(margin=0.05, elements=("logo",), logo=placement)
    references = {"logo": logo}

    flush = paste(base, logo, 100, (800 - 100 - 5, 600 - 100 - 5))
    score = critic.score(flush, context_for(flush, references=references))
    assert not score.passed
    assert "the logo" in score.detail

    inset = paste(base, logo, 100, (800 - 100 - 60, 600 - 100 - 60))
    score = critic.score(inset, context_for(inset, references=references))
    assert score.passed
    assert score.value == pytest.approx(60 / 600, abs=0.02)


def test_nothing_to_check_passes_and_says_so(
    render: Callable[..., Image], context_for: Callable[..., CriticContext]
) -> None:
    image = render([])
    score = SafeMargins(elements=("text",)).score(image, context_for(image))
    assert score.passed
    assert "no text found" in score.detail


def test_the_logo_element_needs_a_logo_criterion() -> None:
    with pytest.raises(ValueError, match="needs a logo criterion"):
        SafeMargins(elements=("text", "logo"))
    with pytest.raises(ValueError, match="unknown element"):
        SafeMargins(elements=("clouds",))  # type: ignore[arg-type]


def test_the_logo_is_matched_once_for_the_logo_and_the_margins_criteria(
    logo: Image,
    paste: Paste,
    context_for: Callable[..., CriticContext],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from gouache.critics import logo as logo_module

    calls: list[int] = []
    search = logo_module._search

    def counted(*args: object) -> object:
        calls.append(1)
        return search(*args)  # type: ignore[arg-type]

    monkeypatch.setattr(logo_module, "_search", counted)
    base = np.full((600, 800, 3), 235, dtype=np.uint8)
    image = paste(base, logo, 100, (800 - 160, 600 - 160))
    placement = LogoPlacement(corners=("bottom-right",))
    context = context_for(image, references={"logo": logo})
    assert placement.score(image, context).passed
    assert SafeMargins(elements=("logo",), logo=placement).score(image, context).passed
    assert len(calls) == 1
