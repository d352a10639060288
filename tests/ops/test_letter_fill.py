"""A meme line removed over a busy photo: only its letters (fill, stroke and rim) are filled,
the photo between them is kept, and the fill is nearer the photo drawn without the text than
the whole line's box filled was (the clean photo is the truth: the meme is drawn on it)."""

from __future__ import annotations

import numpy as np
import pytest
from PIL import Image as PILImage
from PIL import ImageDraw, ImageFont

from gouache.analysis.cache import AnalysisCache
from gouache.evals.samples import sample
from gouache.images import Image
from gouache.ops.letterfill import fill_letters
from gouache.ops.registry import OpContext, OperatorRegistry
from gouache.ops.textedit import inpaint

CACHE = AnalysisCache()


def _meme(name: str, text: str, top: int, size: int) -> Image:
    canvas = PILImage.fromarray(np.ascontiguousarray(sample(name)[:, :, :3]))
    draw = ImageDraw.Draw(canvas)
    font = ImageFont.load_default(size=size)
    x = (canvas.width - draw.textlength(text, font=font)) / 2
    draw.text((x, top), text, font=font, fill="white", stroke_width=3, stroke_fill="black")
    return np.asarray(canvas)


def _error(out: Image, truth: Image, letters: np.ndarray) -> float:
    return float(np.abs(out[..., :3].astype(int) - truth[..., :3]).mean(axis=2)[letters].mean())


@pytest.mark.parametrize(
    ("name", "text", "size", "most"),
    # measured (mean error over the letters, levels): chelsea 16.8 -> 16.3, coffee 33.2 ->
    # 22.4, dahlia 36.6 -> 25.7; between the letters 49-57 % of the photo kept, was 0-0.3 %
    [("chelsea", "WHEN IT COMPILES", 30, 0.99), ("coffee", "MONDAY MORNING", 34, 0.8),
     ("dahlia", "ME ON MONDAY", 44, 0.8)],
)  # fmt: skip
def test_a_line_over_a_photo_is_filled_nearer_the_photo_than_its_box_was(
    name: str, text: str, size: int, most: float
) -> None:
    truth = sample(name)[:, :, :3]
    meme = _meme(name, text, 10, size)
    (line,) = [line for line in CACHE.get(meme).text if line.box.y < 40]
    box = inpaint(meme, [line])

    out = fill_letters(meme, box, [line])

    letters = (meme != truth).any(axis=2)
    assert _error(out, truth, letters) < most * _error(box, truth, letters)
    # the photo between the letters, inside the line's box, is kept as it was
    inside = np.zeros(letters.shape, dtype=bool)
    inside[line.box.y : line.box.bottom, line.box.x : line.box.right] = True
    between = inside & ~letters
    assert (out[between] == meme[between]).all(axis=1).mean() > 0.4
    assert (box[between] == meme[between]).all(axis=1).mean() < 0.05


def test_a_line_on_a_plain_poster_keeps_the_fill_of_its_ground() -> None:
    poster = sample("poster")
    lines = CACHE.get(poster).text
    box = inpaint(poster, lines)
    assert (fill_letters(poster, box, lines) == box).all()


def test_removing_the_top_text_of_a_meme_leaves_no_letters_and_the_fur_between_them(
    registry: OperatorRegistry,
) -> None:
    meme = _meme("chelsea", "WHEN IT COMPILES", 10, 30)
    out = registry.get("remove_text").apply(meme, {"title": True}, OpContext(analyses=CACHE))

    assert CACHE.get(out).text == []
    kept = (out[:50] == meme[:50]).all(axis=2) & (meme[:50] != sample("chelsea")[:50, :, :3]).any(
        axis=2
    )
    assert not kept.any()  # no pixel of the letters is left as it was
    assert (out[:50] == meme[:50]).all(axis=2).mean() > 0.5  # the photo between them is
