"""The outline round the text (`outline_text`): recoloured, widened, narrowed or removed round
meme captions with the letters' fill and shapes kept, and drawn round plain letters. Each is
compared with the same caption drawn that way in the first place."""

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
WHITE = (255, 255, 255)
BLACK = (0, 0, 0)
RED = (255, 0, 0)
LINES = (("WHEN IT COMPILES", 8), ("FIRST TRY", -44))


def _meme(stroke: int, stroke_fill: tuple[int, int, int] = BLACK) -> Image:
    """chelsea with two centred lines of white capitals in a stroke `stroke` px wide."""
    canvas = PILImage.fromarray(np.ascontiguousarray(sample("chelsea")[:, :, :3]))
    draw = ImageDraw.Draw(canvas)
    font = ImageFont.load_default(size=30)
    for text, y in LINES:
        top = y if y >= 0 else canvas.height + y
        x = (canvas.width - draw.textlength(text, font=font)) / 2
        draw.text(
            (x, top), text, font=font, fill=WHITE, stroke_width=stroke, stroke_fill=stroke_fill
        )
    return np.asarray(canvas)


@pytest.fixture(scope="module")
def run(registry: OperatorRegistry) -> Any:
    def apply(image: Image, **params: Any) -> Image:
        return registry.get("outline_text").apply(image, params, OpContext(analyses=CACHE))

    return apply


def _read(image: Image) -> list[str]:
    return ["".join(line.text.split()).upper() for line in CACHE.get(image).text]


def _off(out: Image, truth: Image) -> float:
    """The share of the lettering (the widest stroke's footprint) more than 40 levels off the
    truth."""
    footprint = (_meme(6) != sample("chelsea")[:, :, :3]).any(axis=2)
    off = np.abs(out[..., :3].astype(int) - truth[..., :3]).max(axis=2) > 40
    return int(off.sum()) / int(footprint.sum())


def _near(image: Image, colour: tuple[int, int, int]) -> np.ndarray:
    return np.abs(image[..., :3].astype(int) - colour).max(axis=2) <= 60


def _fill_kept(before: Image, after: Image) -> float:
    """The share of the white fill (every channel 245 or more) within 16 levels of itself."""
    fill = before[..., :3].min(axis=2) >= 245
    change = np.abs(after[..., :3].astype(int) - before[..., :3]).max(axis=2)
    return float((change[fill] <= 16).mean())


def test_a_red_outline_is_the_old_stroke_in_red_round_the_same_white_letters(run: Any) -> None:
    meme = _meme(3)
    out = run(meme, color=RED)

    # as if drawn with a red stroke: 2.4 % of the lettering off by more than 40 levels
    assert _off(out, _meme(3, RED)) < 0.04
    stroke = _near(meme, BLACK) & ~_near(sample("chelsea")[:, :, :3], BLACK)
    assert _near(out, RED)[stroke].mean() > 0.9
    assert _fill_kept(meme, out) > 0.98
    assert _read(out) == ["WHENITCOMPILES", "FIRSTTRY"]
    far = ~(_meme(6) != sample("chelsea")[:, :, :3]).any(axis=2)
    assert (out[far] == meme[far]).all()


def test_a_thicker_outline_is_twice_as_wide_with_the_fill_kept(run: Any) -> None:
    out = run(_meme(3), scale=2.0)

    assert _off(out, _meme(6)) < 0.1
    footprint = (_meme(6) != sample("chelsea")[:, :, :3]).any(axis=2)
    before, after = _near(_meme(3), BLACK)[footprint].sum(), _near(out, BLACK)[footprint].sum()
    assert after == pytest.approx(_near(_meme(6), BLACK)[footprint].sum(), rel=0.1)
    assert after > 1.5 * before
    assert _fill_kept(_meme(3), out) > 0.98
    assert _read(out) == ["WHENITCOMPILES", "FIRSTTRY"]


def test_the_outline_removed_leaves_the_white_letters_on_the_photo(run: Any) -> None:
    out = run(_meme(3), remove=True)

    assert _off(out, _meme(0)) < 0.08
    letters = (_meme(6) != sample("chelsea")[:, :, :3]).any(axis=2)
    assert _near(out, BLACK)[letters].mean() < 0.02
    assert _fill_kept(_meme(3), out) > 0.98
    assert _read(out) == ["WHENITCOMPILES", "FIRSTTRY"]


def test_plain_letters_are_given_a_black_outline_their_red_kept(run: Any) -> None:
    poster = sample("poster")
    out = run(poster, color=BLACK)

    red = _near(poster, (200, 30, 30))
    assert (out[red] == poster[red]).all(axis=1).mean() > 0.9
    grown = _near(out, BLACK).sum() - _near(poster, BLACK).sum()
    assert grown > 0.5 * red.sum()
    assert _read(out) == _read(poster)


def test_removing_an_outline_plain_letters_have_not_got_is_refused(run: Any) -> None:
    with pytest.raises(InvalidParameterError, match="no outline was found round the letters"):
        run(sample("poster"), remove=True)


def test_an_outline_asked_as_it_already_is_is_refused_naming_what_can_be_done(run: Any) -> None:
    with pytest.raises(
        InvalidParameterError, match=r"already have a black \(#[0-9a-f]{6}\) outline 3 px wide"
    ):
        run(_meme(3), color=BLACK)
