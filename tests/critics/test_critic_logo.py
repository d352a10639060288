"""LogoPlacement: the example logo pasted in a corner, in the centre, too small, or not at all."""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
import pytest

from gouache.analysis.types import Box
from gouache.critics.base import CriticContext
from gouache.critics.logo import LogoPlacement, cell_of, locate_logo
from gouache.errors import InvalidReferenceError
from gouache.images import Image

Paste = Callable[[Image, Image, int, tuple[int, int]], Image]
WIDTH, HEIGHT = 1000, 800


@pytest.fixture(scope="module")
def photo(astronaut: Image) -> Image:
    """A busy background: the astronaut photograph enlarged to 1000 x 800."""
    from PIL import Image as PILImage

    return np.asarray(PILImage.fromarray(astronaut).resize((WIDTH, HEIGHT)))


def test_the_grid_cell_is_the_one_holding_the_centre() -> None:
    assert cell_of(Box(0, 0, 100, 100), 900, 900) == "top-left"
    assert cell_of(Box(800, 800, 90, 90), 900, 900) == "bottom-right"
    assert cell_of(Box(400, 400, 100, 100), 900, 900) == "centre"
    assert cell_of(Box(400, 0, 100, 100), 900, 900) == "top"


def test_a_logo_in_an_allowed_corner_at_the_minimum_size_passes(
    photo: Image, logo: Image, paste: Paste, context_for: Callable[..., CriticContext]
) -> None:
    image = paste(photo, logo, 140, (WIDTH - 140 - 40, HEIGHT - 140 - 40))
    critic = LogoPlacement(corners=("bottom-right", "top-right"), min_width=0.1)
    score = critic.score(image, context_for(image, references={"logo": logo}))
    assert score.passed
    assert score.value > 0.85
    assert "bottom-right" in score.detail
    found = critic.locate(image, context_for(image, references={"logo": logo})).allowed
    assert found is not None
    # found within a few pixels of where it was pasted, at about its width
    assert abs(found.box.x - (WIDTH - 180)) <= 12
    assert abs(found.box.y - (HEIGHT - 180)) <= 12
    assert found.box.w == pytest.approx(140, rel=0.1)


def test_a_logo_in_the_centre_fails_and_says_where_it_is(
    photo: Image, logo: Image, paste: Paste, context_for: Callable[..., CriticContext]
) -> None:
    image = paste(photo, logo, 140, (430, 330))
    critic = LogoPlacement(corners=("bottom-right", "top-right"))
    score = critic.score(image, context_for(image, references={"logo": logo}))
    assert not score.passed
    assert score.value < 0.7
    assert "found centre" in score.detail
    assert "not in the bottom-right or top-right corner" in score.detail


def test_a_logo_in_a_corner_that_is_not_allowed_fails(
    photo: Image, logo: Image, paste: Paste, context_for: Callable[..., CriticContext]
) -> None:
    image = paste(photo, logo, 140, (40, 40))
    score = LogoPlacement(corners=("bottom-right",)).score(
        image, context_for(image, references={"logo": logo})
    )
    assert not score.passed
    assert "found top-left" in score.detail


def test_a_logo_in_the_right_corner_but_too_small_fails(
    photo: Image, logo: Image, paste: Paste, context_for: Callable[..., CriticContext]
) -> None:
    image = paste(photo, logo, 60, (WIDTH - 100, HEIGHT - 100))  # 6 % wide, 10 % asked
    score = LogoPlacement(corners=("bottom-right",), min_width=0.1).score(
        image, context_for(image, references={"logo": logo})
    )
    assert not score.passed
    assert "too small" in score.detail


def test_an_image_without_the_logo_fails(
    photo: Image, logo: Image, context_for: Callable[..., CriticContext]
) -> None:
    score = LogoPlacement().score(photo, context_for(photo, references={"logo": logo}))
    assert not score.passed
    assert score.value < 0.6
    assert "not found" in score.detail


def test_the_transparent_corners_of_the_logo_do_not_count(
    logo: Image, paste: Paste, context_for: Callable[..., CriticContext]
) -> None:
    # on white and on navy grounds the corners around the rounded square differ completely
    for ground in ((255, 255, 255), (29, 53, 87)):
        base = np.full((600, 800, 3), ground, dtype=np.uint8)
        image = paste(base, logo, 120, (800 - 150, 30))
        search = locate_logo(image, logo, corners=("top-right",))
        assert search.allowed is not None
        assert search.allowed.score > 0.95


def test_a_flat_or_missing_logo_is_refused(
    photo: Image, context_for: Callable[..., CriticContext]
) -> None:
    flat = np.full((50, 50, 3), 200, dtype=np.uint8)
    with pytest.raises(InvalidReferenceError, match="flat colour"):
        locate_logo(photo, flat)
    with pytest.raises(InvalidReferenceError, match="needs the reference image 'logo'"):
        LogoPlacement().score(photo, context_for(photo))


def test_bad_settings_are_refused() -> None:
    with pytest.raises(ValueError, match="unknown corner"):
        LogoPlacement(corners=("middle",))  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="min_width"):
        LogoPlacement(min_width=0.5, max_width=0.2)
