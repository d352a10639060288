"""Text with the real PP-OCR models from RapidOCR's wheel."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from PIL import Image as PILImage
from PIL import ImageDraw, ImageFont

from gouache.analysis.text import (
    build_engine,
    engine_params,
    plausible,
    read_text,
    reading_order,
)
from gouache.analysis.types import Box, Point, TextLine
from gouache.images import Image

GlyphBox = tuple[int, int, int, int]


def render(
    lines: list[tuple[str, tuple[int, int]]], size: tuple[int, int] = (640, 200)
) -> tuple[Image, list[GlyphBox]]:
    """Black text in Pillow's bundled font at 48 px on white, and each line's glyph box."""
    im = PILImage.new("RGB", size, "white")
    draw = ImageDraw.Draw(im)
    font = ImageFont.load_default(size=48)
    boxes = []
    for text, origin in lines:
        draw.text(origin, text, font=font, fill="black")
        x0, y0, x1, y1 = draw.textbbox(origin, text, font=font)
        boxes.append((int(x0), int(y0), int(x1), int(y1)))
    return np.ascontiguousarray(np.asarray(im)), boxes


def normalised(text: str) -> str:
    return " ".join(text.upper().split())


def inside(box: Box, glyphs: GlyphBox, margin: int) -> bool:
    """The detector pads its boxes around the glyphs; allow `margin` px of that padding."""
    x0, y0, x1, y1 = glyphs
    return (
        box.x >= x0 - margin
        and box.y >= y0 - margin
        and box.right <= x1 + margin
        and box.bottom <= y1 + margin
    )


def test_rendered_text_is_read_exactly_inside_the_rendered_area() -> None:
    image, (glyphs,) = render([("GOUACHE 2026", (40, 70))])
    lines = read_text(image)
    assert [normalised(line.text) for line in lines] == ["GOUACHE 2026"]
    (line,) = lines
    assert line.score > 0.9
    # glyphs are 35 px tall; the DB detector's unclip adds up to ~20 px around them
    assert inside(line.box, glyphs, margin=24)
    assert (
        line.box.intersection(
            Box(glyphs[0], glyphs[1], glyphs[2] - glyphs[0], glyphs[3] - glyphs[1])
        )
        > 0
    )
    xs = [point.x for point in line.polygon]
    ys = [point.y for point in line.polygon]
    assert (min(xs), min(ys), max(xs), max(ys)) == pytest.approx(
        (line.box.x, line.box.y, line.box.right, line.box.bottom), abs=1.0
    )


def test_a_blank_image_has_no_text() -> None:
    assert read_text(np.full((200, 300, 3), 255, dtype=np.uint8)) == []
    assert read_text(np.zeros((3, 3), dtype=np.uint8)) == []


def test_lines_come_top_to_bottom_then_left_to_right() -> None:
    image, _ = render(
        [("GAMMA", (40, 220)), ("BETA", (620, 44)), ("ALPHA", (40, 40))], size=(900, 320)
    )
    assert [normalised(line.text) for line in read_text(image)] == ["ALPHA", "BETA", "GAMMA"]


def test_transparent_pixels_are_read_as_white_paper() -> None:
    image, _ = render([("GOUACHE 2026", (40, 70))])
    ink = image[:, :, 0] < 128
    # black ink on a transparent layer whose hidden colour is black too
    rgba = np.zeros((*image.shape[:2], 4), dtype=np.uint8)
    rgba[:, :, 3] = np.where(ink, 255, 0)
    assert [normalised(line.text) for line in read_text(rgba)] == ["GOUACHE 2026"]


def test_a_grey_page_of_prose_is_read_in_order() -> None:
    from skimage import data

    lines = read_text(data.page())
    assert normalised(lines[0].text) == "REGION-BASED SEGMENTATION"
    tops = [line.box.y for line in lines]
    assert tops == sorted(tops)


def _line(text: str, x: int, y: int, h: int = 20) -> TextLine:
    corners = (Point(x, y), Point(x + 50, y), Point(x + 50, y + h), Point(x, y + h))
    return TextLine(text=text, score=1.0, box=Box(x, y, 50, h), polygon=corners)


def test_a_slightly_lower_word_on_the_same_row_still_reads_left_to_right() -> None:
    lines = [_line("c", 0, 60), _line("b", 200, 4), _line("a", 0, 0)]
    assert [line.text for line in reading_order(lines)] == ["a", "b", "c"]


def test_the_engine_points_every_model_at_the_wheel_and_reads_without_network(
    no_network: None,
) -> None:
    params = engine_params()
    for stage in ("Det", "Cls", "Rec"):
        path = Path(params[f"{stage}.model_path"])
        assert path.is_file()
        assert path.parent.parent.name == "rapidocr"
    engine = build_engine()  # a fresh engine: it loads every stage on this first call
    image, _ = render([("OFFLINE", (40, 70))])
    result = engine(np.ascontiguousarray(image[:, :, ::-1]))
    assert result.txts == ("OFFLINE",)


def test_photos_without_text_read_no_text_not_a_picture_sized_letter() -> None:
    from skimage import data

    # scikit-image's coffee was read as one "8" whose box was the whole photo
    for photo in (data.coffee(), data.chelsea()):
        assert read_text(np.ascontiguousarray(photo)) == []


def test_a_single_large_digit_on_a_poster_is_still_read() -> None:
    poster = PILImage.new("RGB", (640, 480), "white")
    font = ImageFont.load_default(size=140)
    ImageDraw.Draw(poster).text((250, 150), "42", fill="black", font=font)
    lines = read_text(np.asarray(poster))
    assert [line.text for line in lines] == ["42"]


@pytest.mark.parametrize(
    ("text", "score", "width", "height", "read"),
    [
        ("AAA", 0.62, 22.0, 6.0, False),  # china.jpg's balustrade, unsure and 6 px tall
        ("AAA", 0.9, 22.0, 6.0, True),  # sure of it: small print
        ("SALE", 0.62, 40.0, 12.0, True),  # unsure but legibly tall
        ("balustrade", 0.62, 60.0, 6.0, True),  # a long word is no pattern
    ],
)
def test_a_few_letters_both_unsure_and_tiny_are_a_pattern_not_text(
    text: str, score: float, width: float, height: float, read: bool
) -> None:
    assert plausible(text, score, width, height) is read


def test_warming_up_builds_the_one_engine_that_the_first_read_then_uses() -> None:
    from gouache.analysis import text

    text._cached_engine.cache_clear()
    text.warm_up().join(timeout=120)
    assert text._cached_engine.cache_info().misses == 1
    assert text._cached_engine.cache_info().currsize == 1
    read_text(np.full((64, 64, 3), 255, dtype=np.uint8))
    assert text._cached_engine.cache_info().misses == 1  # built once, before the read
