"""One word of a line of text: 'remove "SALE"' and "make 'SALE' blue" on a line reading
"SUMMER SALE" change that word only, judged by the OCR and by the pixels around it."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np
import pytest

from gouache.analysis.cache import AnalysisCache
from gouache.analysis.text import read_text
from gouache.evals.samples import sample
from gouache.evals.suite_images import load_named
from gouache.images import Image
from gouache.ops.registry import OpContext, OperatorRegistry
from gouache.ops.textwords import words_holding

from .test_textedit import PAPER, RED, drawn, ink_of, paper, words_read


@pytest.fixture(scope="module")
def run(registry: OperatorRegistry) -> Any:
    cache = AnalysisCache()

    def apply(name: str, image: Image, **params: Any) -> tuple[Image, list[str]]:
        ctx = OpContext(analyses=cache)
        return registry.get(name).apply(image, params, ctx), ctx.notes

    return apply


@pytest.fixture(scope="module")
def two_lines() -> Image:
    return drawn(paper(400), [("SUMMER SALE", (40, 60), 64), ("OPEN LATE", (40, 250), 64)], RED)


def _columns(mask: np.ndarray) -> np.ndarray:
    return np.flatnonzero(mask.any(axis=0))


def _word_columns(image: Image, rows: slice) -> tuple[int, int, int, int]:
    """First and last ink columns of the two words of the line in `rows` (split at the widest
    run of ink-free columns)."""
    cols = _columns(ink_of(image[rows], PAPER))
    gap = int(np.argmax(np.diff(cols)))
    return int(cols[0]), int(cols[gap]), int(cols[gap + 1]), int(cols[-1])


def test_a_word_is_cut_from_its_line_between_the_two_words_ink(two_lines):
    line = read_text(two_lines)[0]
    _, summer_right, sale_left, sale_right = _word_columns(two_lines, slice(0, 200))
    (sale,) = words_holding(two_lines, line, "sale")
    assert sale.text == "SALE"
    assert sale.box.x <= sale_left
    assert sale.box.right > sale_right
    # the hole grows past the box: it still stays off SUMMER's letters
    grow = max(2, round(0.08 * sale.box.h))
    assert sale.box.x - grow > summer_right
    assert (sale.box.y, sale.box.h) == (line.box.y, line.box.h)
    # the whole line named, or a word of a one-word line, is the line itself
    assert words_holding(two_lines, line, "summer sale") == [line]
    assert words_holding(two_lines, read_text(two_lines)[1], "open late") == [
        read_text(two_lines)[1]
    ]


def test_removing_one_word_keeps_the_rest_of_its_line_exact(run, two_lines):
    out, notes = run("remove_text", two_lines, match="sale")
    assert words_read(out) == ["SUMMER", "OPEN", "LATE"]
    assert notes == ['removed the words "SALE" of "SUMMER SALE", not their lines']
    _, summer_right, sale_left, _ = _word_columns(two_lines, slice(0, 200))
    middle = (summer_right + sale_left) // 2
    np.testing.assert_array_equal(out[:, :middle], two_lines[:, :middle])
    np.testing.assert_array_equal(out[200:], two_lines[200:])
    # where SALE was, flat paper
    assert np.abs(out[:200, middle:].astype(int) - PAPER).max() <= 2


def test_removing_the_lines_that_hold_a_word_takes_the_whole_line(run, two_lines):
    out, notes = run("remove_text", two_lines, match="sale", lines=True)
    assert words_read(out) == ["OPEN", "LATE"]
    assert notes == ['removed 1 line of text: "SUMMER SALE"']


def test_recolouring_one_word_leaves_the_other_word_of_its_line_exact(run):
    poster = sample("poster")  # red SUMMER SALE and OPEN LATE on paper
    out, _ = run("recolor_text", poster, color=(0, 0, 255))
    whole_blue = (out[..., 2] > 150) & (out[..., 0] < 90)
    out, notes = run("recolor_text", poster, match="SALE", color=(0, 0, 255))
    assert notes[0].startswith('recoloured 1 line of text blue: "SALE"')
    _, summer_right, sale_left, _ = _word_columns(poster, slice(40, 140))
    middle = (summer_right + sale_left) // 2
    np.testing.assert_array_equal(out[:, :middle], poster[:, :middle])
    np.testing.assert_array_equal(out[140:], poster[140:])
    blue = (out[..., 2] > 150) & (out[..., 0] < 90)
    # SALE is as blue as when the whole picture's text was recoloured
    assert blue[:140, middle:].sum() == whole_blue[:140, middle:].sum() > 500
    assert "SUMMERSALE" in "".join(line.text for line in read_text(out)).replace(" ", "")


def test_recolouring_one_word_on_a_gradient_changes_that_word_only(run):
    poster = load_named("generated:poster", Path(".")).pixels  # white words on a gradient
    out, notes = run("recolor_text", poster, match="SALE", color=(0, 0, 255))
    # the gradient under the letters is filled as a plane, so the letters keep their shapes
    assert notes == ['recoloured 1 line of text blue: "SALE"']
    white = poster[:150].min(axis=2) > 200
    summer_right = int(_columns(white[:, :300])[-1])
    np.testing.assert_array_equal(out[:, : summer_right + 4], poster[:, : summer_right + 4])
    np.testing.assert_array_equal(out[150:], poster[150:])
    blue = (out[..., 2] > 200) & (out[..., 0] < 60) & (out[..., 1] < 60)
    sale = white[:, summer_right + 4 :].sum()
    assert abs(int(blue[:150].sum()) - int(sale)) < 0.15 * sale  # SALE's letters, now blue
    assert (out[:150, summer_right + 4 :].min(axis=2) > 200).sum() == 0  # no white left
    assert "SUMMERSALE" in "".join(line.text for line in read_text(out)).replace(" ", "")
