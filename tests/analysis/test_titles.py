"""Title bands: a line of text apart at the top or bottom of a plain picture."""

from __future__ import annotations

import numpy as np

from gouache.analysis.titles import TitleBand, title_bands
from gouache.analysis.types import Box, Point, TextLine


def _line(text: str, box: Box) -> TextLine:
    corners = (
        Point(box.x, box.y),
        Point(box.right, box.y),
        Point(box.right, box.y + box.h),
        Point(box.x, box.y + box.h),
    )
    return TextLine(text=text, score=1.0, box=box, polygon=corners)


def _figure(caption_top: int) -> np.ndarray:
    """White, a dark plot in rows 40..159, a caption's ink from `caption_top` for 11 rows."""
    image = np.full((200, 300, 3), 255, np.uint8)
    image[40:160, 30:270] = 40
    image[caption_top : caption_top + 11, 100:200] = 0
    return image


def test_a_caption_under_the_plot_is_cut_in_the_middle_of_the_gap_above_it() -> None:
    caption = _line("Figure 1", Box(98, 174, 104, 14))
    bands = title_bands(_figure(175), [caption])
    # its ink is rows 175..185, the plot ends at row 159: cut at (25 + 40) // 2 from the bottom
    assert bands == [TitleBand("bottom", 32, ("Figure 1",))]


def test_a_caption_touching_the_plot_is_no_band() -> None:
    caption = _line("Figure 1", Box(98, 159, 104, 14))
    assert title_bands(_figure(160), [caption]) == []


def test_ink_beside_the_text_that_no_text_box_covers_is_no_band() -> None:
    image = _figure(175)
    image[176:180, 250:260] = 0  # a mark on the caption's rows, outside its box
    caption = _line("Figure 1", Box(98, 174, 104, 14))
    assert title_bands(image, [caption]) == []
