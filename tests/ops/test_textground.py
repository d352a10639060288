"""The fill under removed text reads only the ground around the letters: on the eval suite's
red sign (white OPEN on red, inside a white border, on a sky) the white border no longer
smears into the box, the old word is no longer read, and a new word takes the old one's size."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np
import pytest

from gouache.analysis.cache import AnalysisCache
from gouache.analysis.text import read_text
from gouache.evals.samples import sample
from gouache.images import Image
from gouache.ops.registry import OpContext, OperatorRegistry

RED = (200, 30, 40)
# the board inside its 6 px white border, and the letters' rows and columns on it
BOARD = (slice(156, 255), slice(186, 455))
LETTERS = (slice(160, 250), slice(190, 450))


@pytest.fixture(scope="module")
def run(registry: OperatorRegistry) -> Any:
    cache = AnalysisCache()

    def apply(name: str, image: Image, **params: Any) -> Image:
        return registry.get(name).apply(image, params, OpContext(analyses=cache))

    return apply


@pytest.fixture(scope="module")
def sign() -> Image:
    return sample("red_sign")


def _white(image: Image) -> np.ndarray:
    return image[LETTERS].min(axis=2) > 200


def _rows_and_columns(mask: np.ndarray) -> tuple[int, int, int, int]:
    rows, cols = np.flatnonzero(mask.any(axis=1)), np.flatnonzero(mask.any(axis=0))
    return int(rows[0]), int(rows[-1]), int(cols[0]), int(cols[-1])


def _smear(image: Image) -> int:
    """Pixels of the board near neither its red nor the letters' white, nor a blend of the two
    (anti-aliased edges lie on the line from red to white)."""
    board = image[BOARD].astype(np.float64)
    red, white = np.asarray(RED, dtype=np.float64), np.full(3, 255.0)
    t = np.clip(((board - red) @ (white - red)) / float((white - red) @ (white - red)), 0, 1)
    off = np.linalg.norm(board - (red + t[..., None] * (white - red)), axis=2)
    return int((off > 20).sum())


def test_removing_the_word_leaves_the_board_red_up_to_its_border(run, sign):
    assert [line.text for line in read_text(sign)] == ["OPEN"]
    out = run("remove_text", sign)
    assert read_text(out) == []
    assert np.abs(out[BOARD].astype(int) - RED).max() <= 3  # no white pulled in
    changed = np.any(out != sign, axis=2)
    ys, xs = np.nonzero(changed)
    assert (ys.min(), ys.max()) >= (170, 0)
    assert ys.max() < 255  # the border and what is around the sign are kept exactly
    assert xs.min() >= 186
    assert xs.max() < 455


def test_the_new_word_takes_the_old_ones_cap_height_and_leaves_no_smear(run, sign):
    out = run("replace_text", sign, old="OPEN", new="SHUT")
    read = [line.text for line in read_text(out)]
    assert read == ["SHUT"]  # OPEN is no longer read under it
    top, bottom, left, right = _rows_and_columns(_white(sign))
    new_top, new_bottom, new_left, new_right = _rows_and_columns(_white(out))
    assert abs(new_top - top) <= 1
    assert abs(new_bottom - bottom) <= 1
    # SHUT is a little wider than OPEN in this font, centred where OPEN was
    assert abs((new_left + new_right) - (left + right)) <= 4
    assert 0.9 <= (new_right - new_left) / (right - left) <= 1.15
    assert _smear(out) == 0
    assert np.array_equal(out[255:], sign[255:])


def test_text_removed_from_a_gradient_leaves_the_gradient_without_a_seam(run):
    """The eval suite's poster: white SUMMER SALE on a vertical gradient, drawn again here
    without it. Telea filled the hole from its nearest edge, a seam across its middle (mean
    error 3.5 levels, up to 13); the plane fitted to the ground around it is the gradient."""
    from PIL import Image as PILImage
    from PIL import ImageDraw

    from gouache.evals import suite_images

    poster = suite_images.load_named("generated:poster", Path(".")).pixels
    canvas = PILImage.fromarray(suite_images._gradient(640, 480, (30, 60, 120), (220, 120, 60)))
    draw = ImageDraw.Draw(canvas)
    draw.ellipse((380, 200, 560, 380), fill=(250, 210, 60))
    draw.rectangle((60, 260, 300, 420), fill=(40, 160, 110))
    truth = np.asarray(canvas).astype(int)
    for params in ({}, {"match": "SALE"}):
        out = run("remove_text", poster, **params).astype(int)
        hole = np.any(out != poster, axis=2)
        assert hole.sum() > 2000
        error = np.abs(out - truth)[hole]
        assert error.mean() < 0.5
        assert error.max() <= 2


def test_a_longer_word_on_the_board_keeps_the_old_height_and_stays_on_the_board(run, sign):
    """CLOSED is wider than OPEN's box: it may take the board's plain red around it (it was
    shrunk into the box, 39 px tall for OPEN's 46)."""
    out = run("replace_text", sign, old="OPEN", new="CLOSED")
    assert [line.text for line in read_text(out)] == ["CLOSED"]
    top, bottom, _, _ = _rows_and_columns(_white(sign))
    new_top, new_bottom, new_left, new_right = _rows_and_columns(_white(out))
    assert new_bottom == bottom
    assert bottom - new_top >= 0.9 * (bottom - top)
    board_left, board_right = 186 - LETTERS[1].start, 454 - LETTERS[1].start
    assert new_left >= board_left + 10  # clear of the border
    assert new_right <= board_right - 10
    assert _smear(out) == 0


def test_a_replaced_line_of_a_left_aligned_block_keeps_its_left_edge(run):
    from gouache.evals.suite_images import load_named

    page = load_named("generated:document", Path(".")).pixels
    out = run("replace_text", page, old="March", new="April")

    def left_edge(image: Image, rows: slice) -> int:
        return int(np.flatnonzero((image[rows].min(axis=2) < 120).any(axis=0))[0])

    budget, launch = slice(130, 175), slice(210, 250)
    assert abs(left_edge(out, launch) - left_edge(page, budget)) <= 3
    assert left_edge(out, budget) == left_edge(page, budget)
    assert "April" in " ".join(line.text for line in read_text(out))
