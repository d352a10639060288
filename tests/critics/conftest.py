"""Images built to pass and to fail each criterion, and the context a critic is given."""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from PIL import Image as PILImage
from PIL import ImageDraw, ImageFont

from gouache.analysis.cache import AnalysisCache
from gouache.analysis.types import Face
from gouache.critics.base import CriticContext
from gouache.images import Image, load_image

EXAMPLES = Path(__file__).resolve().parents[2] / "examples"

# One line of text: the words, where its top-left corner goes, its size in px, its colour.
TextSpec = tuple[str, tuple[int, int], int, str]


@pytest.fixture(scope="session")
def cache() -> AnalysisCache:
    """One cache for the whole run, with the real models: each image is analysed once."""
    return AnalysisCache(maxsize=256)


@pytest.fixture(scope="session")
def context_for(
    cache: AnalysisCache,
) -> Callable[..., CriticContext]:
    def make(
        image: Image,
        *,
        source: Image | None = None,
        edit_mask: Any = None,
        references: Mapping[str, Image] | None = None,
        characters: Mapping[str, Sequence[Face]] | None = None,
    ) -> CriticContext:
        return CriticContext(
            analysis=cache.get(image),
            source=source,
            edit_mask=edit_mask,
            references=references or {},
            characters=characters or {},
        )

    return make


@pytest.fixture(scope="session")
def render() -> Callable[..., Image]:
    """Lines of text in Pillow's bundled font on a plain ground."""

    def make(
        lines: Sequence[TextSpec], size: tuple[int, int] = (800, 300), ground: str = "white"
    ) -> Image:
        im = PILImage.new("RGB", size, ground)
        draw = ImageDraw.Draw(im)
        for text, origin, px, colour in lines:
            draw.text(origin, text, font=ImageFont.load_default(size=px), fill=colour)
        return np.ascontiguousarray(np.asarray(im))

    return make


@pytest.fixture(scope="session")
def logo() -> Image:
    """The example logo: RGBA, a red rounded square with "GO", transparent corners."""
    return load_image(EXAMPLES / "logo.png").pixels


@pytest.fixture(scope="session")
def paste() -> Callable[..., Image]:
    """`logo` scaled to `width` px, alpha-composited onto `image` with its top-left at xy."""

    def make(image: Image, logo: Image, width: int, xy: tuple[int, int]) -> Image:
        base = PILImage.fromarray(image).convert("RGB")
        mark = PILImage.fromarray(logo)
        height = round(width * mark.height / mark.width)
        mark = mark.resize((width, height), PILImage.Resampling.LANCZOS)
        base.paste(mark, xy, mark if mark.mode == "RGBA" else None)
        return np.ascontiguousarray(np.asarray(base))

    return make


@pytest.fixture(scope="session")
def astronaut() -> Image:
    """scikit-image's portrait of Eileen Collins, 512x512: one face."""
    from skimage import data

    return np.ascontiguousarray(data.astronaut())


@pytest.fixture(scope="session")
def grace_hopper() -> Image:
    """matplotlib's portrait of Grace Hopper, 512x600: a second, different face."""
    from matplotlib import cbook

    path = cbook.get_sample_data("grace_hopper.jpg", asfileobj=False)
    with PILImage.open(path) as im:
        return np.ascontiguousarray(np.asarray(im.convert("RGB")))
