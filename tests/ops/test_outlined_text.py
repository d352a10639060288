"""Outlined letters (a white fill in a black stroke, as meme captions are) are edited like any
text: the fill, the stroke and its width are measured and the line is redrawn with a stroke,
as tall as it was (or as much taller as asked), centred where it was, with its word spaces.
Letters of two colours that are no fill in a stroke (a drop shadow) are still refused."""

from __future__ import annotations

from typing import Any

import cv2
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
YELLOW = (255, 220, 0)
CHELSEA_LINES = (("WHEN IT COMPILES", 8), ("FIRST TRY", -44))
COFFEE_LINES = (("MONDAY MORNING", 10), ("BUT FIRST COFFEE", -50))


def _meme(
    name: str,
    lines: tuple[tuple[str, int], ...],
    stroke: int,
    size: int,
    shadow: bool = False,
    fill: tuple[int, int, int] = WHITE,
) -> Image:
    """A sample with centred lines in white (`fill`) capitals, in a black stroke `stroke` px
    wide (or over a black drop shadow); a line at a negative y stands that far above the
    bottom."""
    canvas = PILImage.fromarray(np.ascontiguousarray(sample(name)[:, :, :3]))
    draw = ImageDraw.Draw(canvas)
    font = ImageFont.load_default(size=size)
    for text, y in lines:
        top = y if y >= 0 else canvas.height + y
        x = (canvas.width - draw.textlength(text, font=font)) / 2
        if shadow:
            draw.text((x + 3, top + 3), text, font=font, fill=BLACK)
        draw.text((x, top), text, font=font, fill=fill, stroke_width=stroke, stroke_fill=BLACK)
    return np.asarray(canvas)


def _lettering(name: str, lines: tuple[tuple[str, int], ...], stroke: int, size: int) -> Image:
    """Where `_meme` draws its letters, stroke included: a mask."""
    height, width = sample(name).shape[:2]
    canvas = PILImage.new("L", (width, height), 0)
    draw = ImageDraw.Draw(canvas)
    font = ImageFont.load_default(size=size)
    for text, y in lines:
        top = y if y >= 0 else height + y
        x = (width - draw.textlength(text, font=font)) / 2
        draw.text((x, top), text, font=font, fill=255, stroke_width=stroke, stroke_fill=255)
    return np.asarray(canvas) > 40  # as the edits' ink is found: 40 levels off the ground


@pytest.fixture(scope="module")
def run(registry: OperatorRegistry) -> Any:
    def apply(name: str, image: Image, **params: Any) -> Image:
        return registry.get(name).apply(image, params, OpContext(analyses=CACHE))

    return apply


def _read(image: Image) -> list[str]:
    """The lines the OCR reads, spaces left out (it drops them between outlined words)."""
    return ["".join(line.text.split()).upper() for line in CACHE.get(image).text]


def _near(image: Image, colour: tuple[int, int, int]) -> np.ndarray:
    return np.abs(image[..., :3].astype(int) - colour).max(axis=2) <= 60


def _ink_rows(image: Image, clean: Image, rows: slice) -> tuple[int, int]:
    """The first and last row of a band where `image` differs from `clean` (the line removed
    as the edit removes it): the new line's ink, its stroke included."""
    differ = np.abs(image[rows][..., :3].astype(int) - clean[rows][..., :3]).max(axis=2) > 40
    found = np.flatnonzero(differ.sum(axis=1) >= 2)
    return rows.start + int(found[0]), rows.start + int(found[-1])


def _stroked(image: Image, rows: slice, fill: tuple[int, int, int]) -> float:
    """The share of the pixels two pixels out from the `fill`-coloured letters of a band that
    are dark, as the black stroke is (a fill on a photo without a stroke has fur or coffee
    there)."""
    inner = _near(image[rows], fill).astype(np.uint8)
    ring = (cv2.dilate(inner, np.ones((5, 5), np.uint8)) > 0) & ~(
        cv2.dilate(inner, np.ones((3, 3), np.uint8)) > 0
    )
    dark = image[rows][..., :3].max(axis=2) <= 90
    return float(dark[ring].mean())


TOP = slice(0, 70)
BOTTOM = slice(195, 256)


def _outside(before: Image, after: Image, rows: slice) -> int:
    """How many pixels differ outside a band of rows."""
    differ = (before[..., :3] != after[..., :3]).any(axis=2)
    differ[rows] = False
    return int(differ.sum())


def test_the_meme_lines_are_read_as_outlined_letters() -> None:
    meme = _meme("chelsea", CHELSEA_LINES, stroke=3, size=30)
    assert _read(meme) == ["WHENITCOMPILES", "FIRSTTRY"]
    assert _stroked(meme, BOTTOM, WHITE) > 0.9


def _height_kept(old: Image, after: Image, clean: Image, rows: slice) -> float:
    """The new line's ink height over the old one's (`old`, the old letters' mask)."""
    old_rows = np.flatnonzero(old[rows].any(axis=1))
    new_top, new_bottom = _ink_rows(after, clean, rows)
    return (new_bottom - new_top) / float(old_rows[-1] - old_rows[0])


def test_a_replaced_word_is_redrawn_white_in_a_black_stroke_as_tall_and_centred(run: Any) -> None:
    meme = _meme("chelsea", CHELSEA_LINES, stroke=3, size=30)
    old = _lettering("chelsea", CHELSEA_LINES, stroke=3, size=30)
    out = run("replace_text", meme, old="FIRST", new="SECOND")
    clean = run("remove_text", meme, match="FIRST TRY", lines=True)

    assert _read(out) == ["WHENITCOMPILES", "SECONDTRY"]
    assert _stroked(out, BOTTOM, WHITE) > 0.9
    assert _height_kept(old, out, clean, BOTTOM) == pytest.approx(1.0, abs=0.15)
    assert abs(_ink_rows(out, clean, BOTTOM)[1] - np.flatnonzero(old.any(axis=1))[-1]) <= 2
    # centred as the old line was (the picture's middle)
    differ = np.abs(out[BOTTOM][..., :3].astype(int) - clean[BOTTOM][..., :3]).max(axis=2) > 40
    cols = np.flatnonzero(differ.sum(axis=0) >= 2)
    assert abs((cols[0] + cols[-1]) / 2 - out.shape[1] / 2) <= 4
    assert _outside(meme, out, BOTTOM) == 0


def test_a_whole_bottom_line_is_changed_on_a_two_line_coffee_meme(run: Any) -> None:
    meme = _meme("coffee", COFFEE_LINES, stroke=3, size=34)
    old = _lettering("coffee", COFFEE_LINES, stroke=3, size=34)
    out = run("replace_text", meme, old="BUT FIRST COFFEE", new="FIRST TRY")
    clean = run("remove_text", meme, match="BUT FIRST COFFEE", lines=True)

    assert _read(out) == ["MONDAYMORNING", "FIRSTTRY"]
    assert _stroked(out, BOTTOM, WHITE) > 0.9
    assert _height_kept(old, out, clean, BOTTOM) == pytest.approx(1.0, abs=0.15)
    # the top line, the cup and the saucer stay bit for bit
    assert _outside(meme, out, BOTTOM) == 0


def test_the_top_text_made_bigger_keeps_its_stroke_and_grows_by_the_scale(run: Any) -> None:
    meme = _meme("chelsea", CHELSEA_LINES, stroke=3, size=30)
    old = _lettering("chelsea", CHELSEA_LINES, stroke=3, size=30)
    out = run("resize_text", meme, scale=1.2, title=True)
    clean = run("remove_text", meme, match="WHEN IT COMPILES", lines=True)

    assert _read(out) == ["WHENITCOMPILES", "FIRSTTRY"]
    assert _stroked(out, TOP, WHITE) > 0.9
    assert _height_kept(old, out, clean, TOP) == pytest.approx(1.2, rel=0.15)
    assert _outside(meme, out, TOP) == 0


def test_a_recoloured_caption_has_a_yellow_fill_in_the_old_black_stroke(run: Any) -> None:
    meme = _meme("coffee", COFFEE_LINES, stroke=3, size=34)
    out = run("recolor_text", meme, color=YELLOW)

    assert _read(out) == ["MONDAYMORNING", "BUTFIRSTCOFFEE"]
    assert _stroked(out, TOP, YELLOW) > 0.9
    assert _stroked(out, BOTTOM, YELLOW) > 0.9
    # as if drawn yellow in the first place: the letters' own shapes, their stroke kept
    drawn = _meme("coffee", COFFEE_LINES, stroke=3, size=34, fill=YELLOW)
    letters = (drawn != meme).any(axis=2)
    off = np.abs(out[..., :3].astype(int) - drawn[..., :3]).max(axis=2) > 40
    assert int(off.sum()) <= 0.03 * int(letters.sum())


def test_outlined_letters_made_bold_keep_their_stroke_and_height(run: Any) -> None:
    meme = _meme("chelsea", CHELSEA_LINES, stroke=3, size=30)
    old = _lettering("chelsea", CHELSEA_LINES, stroke=3, size=30)
    out = run("bold_text", meme, match="FIRST TRY")
    clean = run("remove_text", meme, match="FIRST TRY", lines=True)

    assert _read(out) == ["WHENITCOMPILES", "FIRSTTRY"]
    assert _stroked(out, BOTTOM, WHITE) > 0.9
    assert _height_kept(old, out, clean, BOTTOM) == pytest.approx(1.0, abs=0.15)
    # bolder: more white fill than before
    assert _near(out[BOTTOM], WHITE).sum() > 1.1 * _near(meme[BOTTOM], WHITE).sum()
    assert _outside(meme, out, BOTTOM) == 0


@pytest.mark.parametrize("stroke", [2, 5])
def test_a_thinner_or_thicker_stroke_is_redrawn_as_wide(run: Any, stroke: int) -> None:
    meme = _meme("chelsea", CHELSEA_LINES, stroke=stroke, size=30)
    out = run("replace_text", meme, old="TRY", new="GO")

    assert _read(out)[1] == "FIRSTGO"
    # the stroke's width: the black pixels over the white fill's, about as many as before
    # (the same letters FIRST stand in both)
    before = _near(meme[BOTTOM], BLACK).sum() / _near(meme[BOTTOM], WHITE).sum()
    after = _near(out[BOTTOM], BLACK).sum() / _near(out[BOTTOM], WHITE).sum()
    assert after == pytest.approx(before, rel=0.2)


def test_letters_over_a_drop_shadow_are_refused_saying_why(run: Any) -> None:
    meme = _meme("chelsea", CHELSEA_LINES, stroke=0, size=30, shadow=True)
    with pytest.raises(
        InvalidParameterError, match=r"does not go all round them.*\"remove the top text\""
    ):
        run("recolor_text", meme, color=YELLOW)


def test_the_same_letters_without_a_stroke_are_still_recoloured(run: Any) -> None:
    plain = _meme("chelsea", CHELSEA_LINES, stroke=0, size=30)
    out = run("recolor_text", plain, color=YELLOW)
    # white letters turned yellow: the blue of the brightest pixels falls
    bright = plain[..., :3].min(axis=2) > 235
    assert bright.sum() > 200
    assert float(out[bright][:, 2].astype(float).mean()) < 120


def test_the_title_removed_is_the_top_line_alone(run: Any) -> None:
    meme = _meme("chelsea", CHELSEA_LINES, stroke=3, size=30)
    out = run("remove_text", meme, title=True)

    assert _read(out) == ["FIRSTTRY"]
    differ = (meme != out).any(axis=2)
    assert differ[:60].any()
    assert not differ[60:].any()


def test_with_no_title_at_the_top_the_lines_read_are_named(run: Any) -> None:
    caption = _meme("chelsea", (("FIRST TRY", -44),), stroke=3, size=30)
    with pytest.raises(InvalidParameterError, match=r'no title.*"FIRSTTRY" at the bottom'):
        run("remove_text", caption, title=True)


def test_no_space_is_put_inside_a_word_the_ocr_read_whole() -> None:
    # on the dahlia, "make the text bigger" redrew "STILL BLOOMING" as "STILL BL OOMING": a
    # space there matched our font's narrower letters better; the old ink shows one gap
    from gouache.ops.textedit import find_old, inpaint, word_gaps

    canvas = PILImage.fromarray(np.ascontiguousarray(sample("dahlia")[:, :, :3]))
    draw = ImageDraw.Draw(canvas)
    font = ImageFont.load_default(size=44)
    text = "STILL BLOOMING"
    x = (canvas.width - draw.textlength(text, font=font)) / 2
    draw.text((x, canvas.height - 58), text, font=font, fill="white", stroke_width=3,
              stroke_fill="black")  # fmt: skip
    meme = np.ascontiguousarray(np.asarray(canvas))
    (line,) = [line for line in CACHE.get(meme).text if "BL" in line.text]
    clean = inpaint(meme, [line])

    old = find_old(meme, clean, line)

    assert old.text == "STILL BLOOMING"
    assert old.outline is not None
    assert word_gaps(_ink(meme, clean, line)) == 1


def _ink(meme: Image, clean: Image, line: Any) -> Any:
    from gouache.ops.outlined import measure
    from gouache.ops.textedit import ink_map

    inks = ink_map(meme, clean, line)
    assert inks is not None
    height, width = inks.ink.shape
    ground = clean[inks.y0 : inks.y0 + height, inks.x0 : inks.x0 + width]
    measured = measure(inks.ink, inks.pixels, ground)
    assert not isinstance(measured, str)
    return measured.ink
