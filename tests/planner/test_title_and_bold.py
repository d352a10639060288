"""'make the title red', 'make the heading bigger' (the most prominent line only) and 'make
SUMMER SALE bold' (the line redrawn in Aileron Bold), checked on their plans and on the
measured output on the poster (SUMMER SALE over OPEN LATE) and the sign (CLOSED)."""

from __future__ import annotations

from importlib import resources
from typing import Any

import numpy as np
import pytest

from gouache.analysis.cache import AnalysisCache
from gouache.analysis.types import Box, TextLine
from gouache.errors import InvalidParameterError
from gouache.evals.samples import sample
from gouache.images import Image
from gouache.ops import textstyle
from gouache.ops.plan import EditPlan
from gouache.ops.registry import OpContext, default_operators
from gouache.planner.plan import PlannerReply
from gouache.planner.rules import RulePlanner
from gouache.sessions.turn import plan_context

CACHE = AnalysisCache()


def _plan(say: str, on: str) -> Any:
    return RulePlanner().plan(say, plan_context(CACHE, sample(on)))


def _planned(say: str, on: str) -> tuple[EditPlan, Image, Image, list[str]]:
    plan = _plan(say, on)
    assert isinstance(plan, EditPlan), plan.describe()
    source = sample(on)
    registry = default_operators()
    ctx = OpContext(analyses=CACHE)
    out = source
    for step in plan.steps:
        out = registry.get(step.op).apply(out, dict(step.params), ctx)
    return plan, source, out, ctx.notes


def _band(box: Box) -> tuple[slice, slice]:
    """The line's box and half its height around it."""
    pad = box.h // 2
    return np.s_[max(0, box.y - pad) : box.bottom + pad], np.s_[
        max(0, box.x - pad) : box.right + pad
    ]


def _poster_ink(pixels: np.ndarray) -> np.ndarray:
    """The poster's dark red letters (over a cream ground)."""
    return np.asarray((pixels[..., 0] > 120) & (pixels[..., 1] < 110) & (pixels[..., 2] < 110))


def _lines(source: Image) -> list[TextLine]:
    return CACHE.get(source).text


def test_the_title_is_the_tallest_line_and_the_topmost_of_ties() -> None:
    def line(text: str, y: int, h: int) -> TextLine:
        box = Box(10, y, 100, h)
        corners = ((10.0, y), (110.0, y), (110.0, y + h), (10.0, y + h))
        return TextLine(text, 0.9, box, corners)  # type: ignore[arg-type]

    low_tall, top_small = line("BIG", 200, 60), line("small", 20, 30)
    assert textstyle.title_line([top_small, low_tall]).text == "BIG"
    # heights within TITLE_TIE of each other tie: the topmost is the title
    assert textstyle.title_line([line("second", 200, 59), line("first", 50, 60)]).text == "first"
    assert textstyle.title_line([top_small]).text == "small"


def test_make_the_title_red_recolours_only_the_largest_line() -> None:
    plan, source, out, notes = _planned("make the title red", "poster")
    assert plan.steps[0].op == "recolor_text"
    assert plan.steps[0].params == {"color": (255, 0, 0), "title": True}
    summer, late = _lines(source)[:2]
    assert any('"SUMMER SALE" as the title' in note for note in notes)
    # OPEN LATE's rows are untouched, SUMMER SALE's letters turned pure red
    rows = np.s_[late.box.y - late.box.h // 2 : late.box.bottom + late.box.h // 2]
    assert np.array_equal(out[rows], source[rows])
    red = lambda image: int(  # noqa: E731
        ((image[..., 0] > 220) & (image[..., 1] < 40) & (image[..., 2] < 40))[
            _band(summer.box)
        ].sum()
    )
    assert red(source) == 0
    assert red(out) > 2000


def test_make_the_heading_bigger_and_the_headline_smaller_resize_only_the_title() -> None:
    _, source, bigger, _ = _planned("make the heading bigger", "poster")
    _, _, smaller, _ = _planned("make the headline smaller", "poster")
    late = _lines(source)[1]
    rows = np.s_[late.box.y - 4 : late.box.bottom + 4]
    assert np.array_equal(bigger[rows], source[rows])
    assert np.array_equal(smaller[rows], source[rows])
    band = np.s_[: late.box.y - 4]  # everything above OPEN LATE
    before = int(_poster_ink(source[band]).sum())
    assert int(_poster_ink(bigger[band]).sum()) > 1.15 * before
    assert int(_poster_ink(smaller[band]).sum()) < 0.8 * before
    # the two lines are left-aligned: the resized title keeps its left edge
    for out in (bigger, smaller):
        cols = np.flatnonzero(_poster_ink(out[band]).any(axis=0))
        assert (
            abs(int(cols[0]) - int(np.flatnonzero(_poster_ink(source[band]).any(axis=0))[0])) <= 3
        )


def test_the_only_line_is_the_title() -> None:
    _, source, out, notes = _planned("make the title red", "sign")
    assert any('"CLOSED" as the title (the only line)' in note for note in notes)
    closed = _lines(source)[0].box
    red = (out[..., 0] > 200) & (out[..., 1] < 60) & (out[..., 2] < 60)
    assert int(red[_band(closed)].sum()) > 1500


def test_make_summer_sale_bold_thickens_its_strokes_in_place() -> None:
    plan, source, out, notes = _planned("make SUMMER SALE bold", "poster")
    assert plan.steps[0].op == "bold_text"
    assert plan.steps[0].params == {"match": "SUMMER SALE"}
    assert any("Aileron Bold" in note for note in notes)
    summer, late = _lines(source)[:2]
    rows = np.s_[late.box.y - late.box.h // 2 : late.box.bottom + late.box.h // 2]
    assert np.array_equal(out[rows], source[rows])
    band = _band(summer.box)
    old, new = _poster_ink(source[band]), _poster_ink(out[band])
    assert new.sum() > 1.3 * old.sum()  # thicker strokes: more ink
    # same size and place: the ink's top, bottom and left edge within 2 px, a little wider
    for axis in (1, 0):
        was, now = np.flatnonzero(old.any(axis=axis)), np.flatnonzero(new.any(axis=axis))
        assert abs(int(now[0]) - int(was[0])) <= 2
        if axis == 1:
            assert abs(int(now[-1]) - int(was[-1])) <= 2
        else:
            assert 0 <= int(now[-1]) - int(was[-1]) <= 0.1 * summer.box.w
    # same colour: the ink's median colour within 12 levels
    core = lambda image, ink: np.median(image[band][ink], axis=0)  # noqa: E731
    assert np.abs(core(out, new) - core(source, old)).max() <= 12


@pytest.mark.parametrize(
    ("say", "bold", "kept"), [("make SALE bold", 1, 0), ("make SUMMER bold", 0, 1)]
)
def test_one_word_made_bold_leaves_the_other_word_of_its_line_exact(
    say: str, bold: int, kept: int
) -> None:
    plan, source, out, _ = _planned(say, "poster")
    assert plan.steps[0].op == "bold_text"
    summer = _lines(source)[0]
    band = _band(summer.box)
    cols = np.flatnonzero(_poster_ink(source[band]).any(axis=0))
    gap = int(np.argmax(np.diff(cols)))
    words = [(int(cols[0]), int(cols[gap]) + 1), (int(cols[gap + 1]), int(cols[-1]) + 1)]
    middle = (words[0][1] + words[1][0]) // 2
    halves = [np.s_[:, :middle], np.s_[:, middle:]]
    # the other word bit for bit, and the rest of the poster under the line
    np.testing.assert_array_equal(out[halves[kept]], source[halves[kept]])
    np.testing.assert_array_equal(out[summer.box.bottom + 20 :], source[summer.box.bottom + 20 :])
    old = _poster_ink(source[band][halves[bold]]).sum()
    assert _poster_ink(out[band][halves[bold]]).sum() > 1.3 * old
    # it grows away from the other word: SALE keeps its left edge, SUMMER its right
    new = np.flatnonzero(_poster_ink(out[band][halves[bold]]).any(axis=0)) + (
        middle if bold == 1 else 0
    )
    kept_edge = int(new[0]) if bold == 1 else int(new[-1]) + 1
    assert abs(kept_edge - (words[1][0] if bold == 1 else words[0][1])) <= 2


def test_make_the_text_bold_thickens_every_line_and_the_title_only_the_title() -> None:
    _, source, every, _ = _planned("make the text bold", "poster")
    _, _, title, _ = _planned("make the title bold", "poster")
    summer, late = _lines(source)[:2]
    for line, in_title in ((summer, True), (late, False)):
        band = _band(line.box)
        before = int(_poster_ink(source[band]).sum())
        assert int(_poster_ink(every[band]).sum()) > 1.3 * before
        grown = int(_poster_ink(title[band]).sum()) > 1.3 * before
        assert grown == in_title


def test_bold_on_the_sign_thickens_the_white_letters() -> None:
    _, source, out, _ = _planned("make the text bold", "sign")
    band = _band(_lines(source)[0].box)
    white = lambda image: int((image[band][..., :3].min(axis=-1) > 230).sum())  # noqa: E731
    assert white(out) > 1.25 * white(source)


def test_bold_is_refused_when_no_bold_face_is_installed(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(textstyle, "BOLD_FONT", "Missing-Bold.woff")
    source = sample("poster")
    op = default_operators().get("bold_text")
    with pytest.raises(InvalidParameterError, match=r"no bold face .*\(Aileron\) is installed"):
        op.apply(source, {"title": True}, OpContext(analyses=CACHE))


def _poster_with_greek() -> Image:
    """The poster with a third line, "καλημέρα", in DejaVu Sans (matplotlib's, which holds
    Greek); the OCR reads Greek letters (the Cyrillic it does not read at all)."""
    return _poster_with("καλημέρα", 270)


def _poster_with(words: str, baseline: int) -> Image:
    """The poster with a third line of `words` in DejaVu Sans, which holds every letter used
    here (Pillow's own Aileron Regular draws €, Ł and ő as empty boxes)."""
    from matplotlib import get_data_path
    from PIL import Image as PILImage
    from PIL import ImageDraw, ImageFont

    font = ImageFont.truetype(f"{get_data_path()}/fonts/ttf/DejaVuSans.ttf", 40)
    canvas = PILImage.fromarray(np.array(sample("poster")))
    ImageDraw.Draw(canvas).text((30, baseline), words, font=font, fill=(178, 34, 34), anchor="ls")
    image = np.asarray(canvas).copy()
    image.flags.writeable = False
    return image


def test_bold_is_refused_on_a_line_of_greek_naming_its_letters() -> None:
    image = _poster_with_greek()
    greek = [line.text for line in _lines(image) if any("α" <= c <= "ω" for c in line.text)]
    assert greek, [line.text for line in _lines(image)]
    op = default_operators().get("bold_text")
    with pytest.raises(
        InvalidParameterError,
        match=r"no bold face for '[α-ω]+' is available \(Aileron Bold holds Latin letters only\); "
        r"nothing was changed",
    ):
        op.apply(image, {}, OpContext(analyses=CACHE))
    # a Latin line of the same picture is made bold
    out = op.apply(image, {"match": "SUMMER SALE"}, OpContext(analyses=CACHE))
    band = _band(_lines(image)[0].box)
    assert _poster_ink(out[band]).sum() > 1.1 * _poster_ink(image[band]).sum()


def test_which_characters_bold_lacks_is_read_from_the_font_as_its_cmap_says() -> None:
    ttlib = pytest.importorskip("fontTools.ttLib")
    font = resources.files("gouache") / "fonts" / textstyle.BOLD_FONT
    with resources.as_file(font) as path:
        held = set(ttlib.TTFont(str(path)).getBestCmap())
    chars = "".join(map(chr, [*range(0x20, 0xD800), *range(0xE000, 0x10000)]))
    lacked = {ord(c) for c in textstyle.bold_lacks(chars)}
    assert lacked == {ord(c) for c in chars} - held
    assert textstyle.bold_lacks("€ Œœ Ÿ — “ ” … ™ é ß") == []
    assert textstyle.bold_lacks("Łódź Győr") == ["Ł", "ő", "ź"]  # in code point order


def test_bold_redraws_a_line_with_a_euro_sign_the_bold_face_holds() -> None:
    image = _poster_with("ONLY €5", 290)
    lines = _lines(image)
    assert [line.text for line in lines] == ["SUMMER SALE", "OPEN LATE", "ONLY €5"]
    ctx = OpContext(analyses=CACHE)
    out = default_operators().get("bold_text").apply(image, {"match": "€5"}, ctx)
    assert ctx.notes[-1] == 'redrew 1 line of text in Aileron Bold: "€5"'  # the word alone
    rows, cols = _band(lines[2].box)
    ink = np.flatnonzero(_poster_ink(image[rows, cols]).any(axis=0))
    gap = int(np.argmax(np.diff(ink)))
    middle = cols.start + (int(ink[gap]) + int(ink[gap + 1])) // 2
    euro = np.s_[rows, middle : cols.stop]
    assert _poster_ink(out[euro]).sum() > 1.2 * _poster_ink(image[euro]).sum()
    assert np.array_equal(out[:, :middle], image[:, :middle])  # "ONLY" as it was
    # the other lines stay as they were, and the OCR still reads the euro sign
    top = lines[1].box.bottom + 2
    assert np.array_equal(out[:top], image[:top])
    assert "ONLY €5" in [line.text for line in CACHE.get(out).text]


def test_bold_is_refused_naming_the_central_european_letters_it_lacks() -> None:
    image = _poster_with("Łódź 5", 290)
    assert "Łódź 5" in [line.text for line in _lines(image)]
    with pytest.raises(
        InvalidParameterError,
        match=r"no bold face for 'Łź' is available \(Aileron Bold holds Western European Latin "
        r"letters only\); nothing was changed",
    ):
        default_operators().get("bold_text").apply(
            image, {"match": "Łódź"}, OpContext(analyses=CACHE)
        )


def test_not_bold_is_refused_saying_only_bold_is_done() -> None:
    for say in (
        "make the title not bold",
        "unbold the text",
        "make the heading less bold",
        "unbold the title",
        "make SUMMER SALE less bold",
        "make SALE thinner",
        "make the text thinner",
    ):
        reply = _plan(say, "poster")
        assert isinstance(reply, PlannerReply), say
        assert "not bold text regular" in reply.message, reply.message


def test_bold_letters_made_bold_again_stay_as_they_are() -> None:
    _, source, once, _ = _planned("make the title bold", "poster")
    twice = default_operators().get("bold_text").apply(once, {"title": True}, OpContext())
    band = _band(_lines(source)[0].box)
    first, second = int(_poster_ink(once[band]).sum()), int(_poster_ink(twice[band]).sum())
    assert abs(second - first) <= 0.03 * first  # no thickening or drift on a second pass


def test_less_before_a_colour_names_no_weight_and_never_tints_the_whole_poster() -> None:
    # "less bold" after words in capitals is read; "less red" is not taken for it
    assert isinstance(_plan("make SUMMER SALE less red", "poster"), PlannerReply)
