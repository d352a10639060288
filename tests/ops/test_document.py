"""The document cleanup: uneven paper becomes even white, the text darker against it; a dark
picture is refused in words."""

from __future__ import annotations

import numpy as np
import pytest

from gouache.analysis.cache import AnalysisCache
from gouache.errors import InvalidParameterError
from gouache.evals.samples import sample
from gouache.ops.registry import OpContext, default_operators


def clean(image: np.ndarray, **params: float) -> np.ndarray:
    op = default_operators().get("document")
    return op.apply(image, params, OpContext(analyses=AnalysisCache()))


def luma(image: np.ndarray) -> np.ndarray:
    rgb = np.dstack([image] * 3) if image.ndim == 2 else image[..., :3]
    return np.asarray(rgb.astype(np.float64) @ np.array([0.299, 0.587, 0.114]))


def test_the_page_gets_even_white_paper_and_darker_text() -> None:
    page = sample("page")
    before, after = luma(page), luma(clean(page))
    paper = before > np.percentile(before, 40)  # most of the page is paper
    assert after[paper].std() < 0.5 * before[paper].std()
    assert after[paper].mean() > 240
    ink = before < np.percentile(before, 3)
    assert after[paper].mean() - after[ink].mean() > 1.3 * (
        before[paper].mean() - before[ink].mean()
    )


def test_half_strength_lies_between_the_page_and_the_full_cleanup() -> None:
    page = sample("page")
    full, half = luma(clean(page)), luma(clean(page, strength=0.5))
    middle = (luma(page) + full) / 2
    assert np.abs(half - middle).mean() < 1.0


def test_a_dark_picture_is_refused_in_words() -> None:
    with pytest.raises(InvalidParameterError, match="dark text on light paper"):
        clean(sample("hubble"))
