"""Removing and replacing text in the picture, judged by the OCR itself: words drawn with
Pillow's bundled font on a plain poster and on a photograph (scikit-image's coffee)."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

import numpy as np
import pytest
from PIL import Image as PILImage
from PIL import ImageDraw, ImageFont

from gouache.analysis import faces, subject
from gouache.analysis.cache import Analysers, AnalysisCache
from gouache.analysis.text import read_text
from gouache.analysis.types import Box, Face, Point, SubjectMask, TextLine
from gouache.errors import InvalidParameterError
from gouache.images import Image
from gouache.ops.registry import OpContext, OperatorRegistry

from .measure import with_alpha

PAPER = (240, 235, 220)
RED = (200, 30, 30)

Run = Callable[..., tuple[Image, list[str]]]


def drawn(
    background: Image, lines: Sequence[tuple[str, tuple[int, int], int]], fill: tuple[int, ...]
) -> Image:
    """`background` with each (text, top-left, size) written on it in `fill`."""
    canvas = PILImage.fromarray(np.ascontiguousarray(background))
    draw = ImageDraw.Draw(canvas)
    for text, xy, size in lines:
        draw.text(xy, text, font=ImageFont.load_default(size=size), fill=fill)
    return np.asarray(canvas)


def paper(height: int = 240, width: int = 640) -> Image:
    return np.full((height, width, 3), PAPER, dtype=np.uint8)


def words_read(image: Image) -> list[str]:
    return [word.upper() for line in read_text(image) for word in line.text.split()]


def ink_of(image: Image, background: tuple[int, int, int]) -> np.ndarray:
    """Pixels that clearly differ from a flat background."""
    return np.abs(image[:, :, :3].astype(int) - background).max(axis=2) > 60


def box_of(mask: np.ndarray) -> tuple[int, int, int, int]:
    """(top, bottom, left, right) of the True pixels, bottom and right exclusive."""
    rows, cols = np.flatnonzero(mask.any(axis=1)), np.flatnonzero(mask.any(axis=0))
    return int(rows[0]), int(rows[-1]) + 1, int(cols[0]), int(cols[-1]) + 1


@pytest.fixture(scope="module")
def run(registry: OperatorRegistry) -> Run:
    """run("remove_text", image, match=...) -> (result, notes); each picture is read once."""
    cache = AnalysisCache()

    def apply(name: str, image: Image, **params: Any) -> tuple[Image, list[str]]:
        ctx = OpContext(analyses=cache)
        return registry.get(name).apply(image, params, ctx), ctx.notes

    return apply


@pytest.fixture(scope="module")
def poster() -> Image:
    return drawn(paper(), [("SUMMER SALE", (40, 70), 80)], RED)


@pytest.fixture(scope="module")
def photo_sign(coffee: Image) -> Image:
    """White words across the table and the cup."""
    return drawn(coffee, [("SUMMER SALE", (60, 40), 72)], (255, 255, 255))


@pytest.fixture(scope="module")
def two_lines() -> Image:
    return drawn(paper(400), [("SUMMER SALE", (40, 60), 64), ("OPEN LATE", (40, 250), 64)], RED)


# remove_text


@pytest.mark.parametrize("picture", ["poster", "photo_sign"])
def test_removing_the_text_leaves_no_word_for_the_ocr_to_read(run, request, picture):
    image = request.getfixturevalue(picture)
    assert "".join(words_read(image)) == "SUMMERSALE"
    out, notes = run("remove_text", image)
    read = " ".join(words_read(out))
    assert "SUMMER" not in read
    assert "SALE" not in read
    assert notes[0].startswith("removed 1 line of text")


def test_removing_text_from_a_plain_background_leaves_it_flat_and_the_rest_exact(run, poster):
    out, _ = run("remove_text", poster)
    # no ghost of the letters or of the inpainted patch
    assert np.abs(out.astype(int) - PAPER).max() <= 2
    # nothing changes away from the line
    top, bottom, left, right = box_of(ink_of(poster, PAPER))
    margin = 30
    away = np.ones(poster.shape[:2], dtype=bool)
    away[top - margin : bottom + margin, left - margin : right + margin] = False
    np.testing.assert_array_equal(out[away], poster[away])


def test_removing_the_lines_that_match_keeps_the_others_exact(run, two_lines):
    out, notes = run("remove_text", two_lines, match="summer sale")
    assert words_read(out) == ["OPEN", "LATE"]
    np.testing.assert_array_equal(out[200:], two_lines[200:])
    assert notes == ['removed 1 line of text: "SUMMER SALE"']


def test_a_match_that_is_not_there_is_refused_naming_what_was_read(run, poster):
    with pytest.raises(InvalidParameterError, match='no text reads "winter"; the text read is '):
        run("remove_text", poster, match="winter")


@pytest.mark.parametrize(
    ("op", "params"), [("remove_text", {}), ("replace_text", {"old": "A", "new": "B"})]
)
def test_a_picture_without_text_is_refused(run, op, params):
    with pytest.raises(InvalidParameterError, match="no text found in the image") as err:
        run(op, paper(), **params)
    assert err.value.op == op


# replace_text


@pytest.mark.parametrize("picture", ["poster", "photo_sign"])
def test_replacing_sale_with_sold_reads_sold_and_not_sale(run, request, picture):
    image = request.getfixturevalue(picture)
    out, notes = run("replace_text", image, old="SALE", new="SOLD")
    read = " ".join(words_read(out))
    assert "SOLD" in read
    assert "SALE" not in read
    assert "SUMMER" in read
    assert notes == ['replaced "SALE" with "SOLD" in 1 line: "SUMMER SALE" -> "SUMMER SOLD"']


def test_the_new_words_keep_the_old_colour_size_and_baseline(run, poster):
    out, _ = run("replace_text", poster, old="sale", new="SOLD")
    before, after = ink_of(poster, PAPER), ink_of(out, PAPER)
    top, bottom, left, right = box_of(before)
    new_top, new_bottom, new_left, new_right = box_of(after)
    # capitals without descenders: the same cap height and baseline, the same middle
    assert abs(new_bottom - bottom) <= 2
    assert abs(new_top - top) <= 2
    assert abs((new_left + new_right) / 2 - (left + right) / 2) <= 3
    # the colour of the letters' solid insides
    solid = np.abs(out.astype(int) - RED).max(axis=2) <= 12
    assert solid.sum() > 0.6 * (np.abs(poster.astype(int) - RED).max(axis=2) <= 12).sum()


def test_the_new_words_on_a_photo_are_drawn_in_the_old_colour(run, photo_sign):
    out, _ = run("replace_text", photo_sign, old="SALE", new="SOLD")
    (line,) = [line for line in read_text(out) if "SOLD" in line.text]
    box = out[line.box.y : line.box.bottom, line.box.x : line.box.right]
    white = (box.min(axis=2) >= 245).sum()
    assert white > 0.1 * box.shape[0] * box.shape[1]


def test_an_empty_replacement_removes_the_words(run, poster):
    out, notes = run("replace_text", poster, old="SALE", new="")
    assert words_read(out) == ["SUMMER"]
    assert notes == ['replaced "SALE" with "" in 1 line: "SUMMER SALE" -> "SUMMER"']


def test_only_the_lines_holding_the_words_are_redrawn(run, two_lines):
    out, _ = run("replace_text", two_lines, old="late", new="EARLY")
    assert words_read(out) == ["SUMMER", "SALE", "OPEN", "EARLY"]
    np.testing.assert_array_equal(out[:200], two_lines[:200])


def test_a_word_that_is_not_there_is_refused_naming_what_was_read(run, poster):
    with pytest.raises(InvalidParameterError, match='the text read is "SUMMER SALE"') as err:
        run("replace_text", poster, old="WINTER", new="AUTUMN")
    assert err.value.param == "old"


def test_text_edits_keep_alpha_and_leave_the_input_alone(run, poster):
    image = with_alpha(poster)
    image[:, :, 3] = np.maximum(image[:, :, 3], 200)  # the OCR reads over white
    before = image.copy()
    out, _ = run("replace_text", image, old="SALE", new="SOLD")
    np.testing.assert_array_equal(image, before)
    np.testing.assert_array_equal(out[:, :, 3], image[:, :, 3])
    assert not np.shares_memory(out, image)


# matching words as the OCR spells them


def reading(lines: list[TextLine]) -> AnalysisCache:
    """A cache whose OCR reads `lines` whatever the picture."""
    return AnalysisCache(
        analysers=Analysers(
            detect_faces=lambda image: list[Face](),
            read_text=lambda image: list(lines),
            subject_mask=lambda image, found: SubjectMask(
                np.zeros(image.shape[:2], dtype=bool), "prior", None
            ),
            faces_signature=faces.SIGNATURE,
            text_signature="fake",
            subject_signature=subject.SIGNATURE,
        )
    )


def test_words_the_ocr_ran_together_are_matched_and_spaced_again(registry, poster):
    (line,) = read_text(poster)
    squashed = TextLine("SUMMERSALE", line.score, line.box, line.polygon)
    ctx = OpContext(analyses=reading([squashed]))
    out = registry.get("replace_text").apply(poster, {"old": "summer sale", "new": "BIG SALE"}, ctx)
    assert words_read(out) == ["BIG", "SALE"]
    ctx = OpContext(analyses=reading([squashed]))
    registry.get("replace_text").apply(poster, {"old": "SALE", "new": "SOLD"}, ctx)
    assert ctx.notes == ['replaced "SALE" with "SOLD" in 1 line: "SUMMER SALE" -> "SUMMER SOLD"']


def test_a_line_with_nothing_visible_under_it_gets_letters_that_show(registry):
    blank = paper()
    box = Box(100, 80, 300, 60)
    corners = (Point(100, 80), Point(400, 80), Point(400, 140), Point(100, 140))
    ctx = OpContext(analyses=reading([TextLine("HELLO", 0.9, box, corners)]))
    out = registry.get("replace_text").apply(blank, {"old": "hello", "new": "BYE"}, ctx)
    assert words_read(out) == ["BYE"]
    assert (out.max(axis=2) < 40).sum() > 100  # black on light paper


# working in windows


def _quad(x: int, y: int, w: int, h: int) -> tuple[Point, ...]:
    return (Point(x, y), Point(x + w, y + 3), Point(x + w, y + h + 3), Point(x, y + h))


def test_removing_lines_in_windows_gives_the_pixels_of_inpainting_the_whole_picture(coffee):
    """Two lines close enough to share a window, one far off, one cut by the picture's edge:
    the first fill (`inpaint`, before `letterfill` cuts a busy ground's hole down to the
    letters) is that of Telea's method run once over the whole picture and its whole mask."""
    import cv2

    from gouache.ops import textedit
    from gouache.ops._pixels import to_uint8

    lines = [
        TextLine(text, 0.99, Box(x, y, w, h + 3), _quad(x, y, w, h))
        for text, (x, y, w, h) in {
            "SUMMER": (40, 30, 200, 44),
            "SALE": (40, 84, 120, 44),  # its window overlaps SUMMER's
            "OPEN": (380, 300, 110, 40),
            "EDGE": (520, 370, 80, 27),  # reaches the right and bottom edges
        }.items()
    ]
    out = textedit.inpaint(coffee, lines)

    mask = np.zeros(coffee.shape[:2], dtype=np.uint8)
    for line in lines:
        one = np.zeros_like(mask)
        cv2.fillPoly(one, [np.rint(np.asarray(line.polygon)).astype(np.int32)], 255)
        grow = max(textedit.MIN_DILATE, round(textedit.DILATE * line.box.h))
        kernel = cv2.getStructuringElement(cv2.MORPH_ELLIPSE, (2 * grow + 1, 2 * grow + 1))
        mask |= cv2.dilate(one, kernel)
    scaled = coffee.astype(np.float32) * textedit.TELEA_SCALE
    filled = [
        cv2.inpaint(np.ascontiguousarray(scaled[:, :, c]), mask, textedit.INPAINT_RADIUS,
                    cv2.INPAINT_TELEA)
        for c in range(3)
    ]  # fmt: skip
    whole = to_uint8(np.dstack(filled) / np.float32(textedit.TELEA_SCALE))
    expected = np.where(mask[:, :, None] > 0, whole, coffee)
    assert (mask > 0).sum() > 20_000
    np.testing.assert_array_equal(out, expected)
    assert len(textedit._patches(coffee.shape, lines, 2 * textedit.INPAINT_RADIUS + 2)) == 3
