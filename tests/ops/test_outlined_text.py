"""Outlined letters (a white fill in a black stroke, as meme captions are) are not redrawn in
plain letters, which lost the stroke, the size and the word spaces ("make the top text bigger"
on a meme drew a tiny black "WHENTHECODECOMPILES"): the text edits refuse them, changing
nothing, and say what can be done instead. Plain letters are redrawn as before."""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest
from PIL import Image as PILImage
from PIL import ImageDraw, ImageFont

from gouache.analysis.cache import AnalysisCache
from gouache.errors import InvalidParameterError
from gouache.evals.samples import sample
from gouache.images import Image
from gouache.ops.registry import OpContext, OperatorRegistry

CACHE = AnalysisCache()


def _meme(stroke: int) -> Image:
    """chelsea with two lines in white capitals, with a black stroke `stroke` px wide."""
    canvas = PILImage.fromarray(np.ascontiguousarray(sample("chelsea")[:, :, :3]))
    draw = ImageDraw.Draw(canvas)
    font = ImageFont.load_default(size=30)
    for text, y in (("WHEN IT COMPILES", 8), ("FIRST TRY", canvas.height - 44)):
        x = (canvas.width - draw.textlength(text, font=font)) / 2
        draw.text((x, y), text, font=font, fill="white", stroke_width=stroke, stroke_fill="black")
    return np.asarray(canvas)


@pytest.fixture(scope="module")
def run(registry: OperatorRegistry) -> Any:
    def apply(name: str, image: Image, **params: Any) -> Image:
        return registry.get(name).apply(image, params, OpContext(analyses=CACHE))

    return apply


@pytest.mark.parametrize(
    ("op", "params"),
    [
        ("resize_text", {"scale": 1.25, "fit": True}),
        ("recolor_text", {"color": (255, 220, 0)}),
        ("replace_text", {"old": "FIRST", "new": "SECOND"}),
        ("bold_text", {}),
    ],
)
def test_outlined_meme_letters_are_refused_with_the_edit_that_can_be_done(
    run: Any, op: str, params: dict[str, Any]
) -> None:
    meme = _meme(stroke=3)
    assert len(CACHE.get(meme).text) == 2
    with pytest.raises(
        InvalidParameterError, match=r"outlined letters.*\"remove the (?:top|bottom) text\""
    ):
        run(op, meme, **params)


def test_the_same_letters_without_a_stroke_are_still_recoloured(run: Any) -> None:
    plain = _meme(stroke=0)
    out = run("recolor_text", plain, color=(255, 220, 0))
    # white letters turned yellow: the blue of the brightest pixels falls
    bright = plain[..., :3].min(axis=2) > 235
    assert bright.sum() > 200
    assert float(out[bright][:, 2].astype(float).mean()) < 120
