"""Splitting instructions into clauses and reading values and intensity words out of them."""

from __future__ import annotations

import pytest

from gouache.planner.clauses import (
    Number,
    bare_number,
    colors,
    normalise,
    percent,
    prepare,
)
from gouache.planner.vocabulary import intensity, negated, polarity


@pytest.mark.parametrize(
    ("instruction", "clauses"),
    [
        ("crop to square, make it warmer and then add a vignette",
         ["crop to square", "make it warmer", "add a vignette"]),
        ("rotate left; flip. Then blur", ["rotate left", "flip", "blur"]),
        ('add the caption "salt and pepper, then more"',
         ['add the caption "salt and pepper, then more"']),
        ("make it black and white", ["make it black and white"]),
        ("crop 10% off the left and right", ["crop 10% off the left and right"]),
        ("exposure +1.5 stops and blur", ["exposure +1.5 stops", "blur"]),
        ("resize to 1,200 px wide", ["resize to 1200 px wide"]),
        ("brighter but less contrast", ["brighter", "less contrast"]),
        ("duotone navy and light blue", ["duotone navy and light blue"]),
        ("make it red and add a border", ["make it red", "add a border"]),
        ("remove the dust and scratches", ["remove the dust and scratches"]),
        ("use the colours of beach.jpg. Then crop", ["use the colours of beach", "crop"]),
    ],
)  # fmt: skip
def test_an_instruction_splits_into_clauses_but_never_inside_quotes(
    instruction: str, clauses: list[str]
) -> None:
    # `original`, which replies quote, is as the user wrote it (a reply once said "make the
    # left guy blackandwhite"); `text` keeps the joined phrases for reading
    assert [c.original for c in prepare(instruction).clauses] == clauses


def test_a_clause_is_read_with_its_and_phrases_joined() -> None:
    (clause,) = prepare("make the left and right faces black and white").clauses
    assert clause.text == "make the left+right faces blackandwhite"
    assert clause.original == "make the left and right faces black and white"


def test_quoted_text_keeps_its_case_and_stands_as_a_placeholder_in_the_clause() -> None:
    prepared = prepare("Add the caption “Hello, World” and ‘Bye’")
    assert prepared.quotes == ("Hello, World", "Bye")
    assert "hello" not in prepared.clauses[0].text
    assert prepared.clauses[0].original == 'Add the caption "Hello, World"'


@pytest.mark.parametrize(
    ("text", "normalised"),
    [
        ("Rotate Counter-Clockwise", "rotate counter clockwise"),
        ("brighten by one stop", "brighten by 1 stop"),
        ("half a stop darker", "0.5 stop darker"),
        ("rotate ninety degrees", "rotate 90 degrees"),
        ("contrast -20%", "contrast -20%"),
    ],
)
def test_normalising_lowers_case_splits_hyphenated_words_and_reads_number_words(
    text: str, normalised: str
) -> None:
    assert normalise(text) == normalised


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("brighten by 30%", Number(0.3, signed=False, decimal=True)),
        ("contrast -10 percent", Number(-0.1, signed=True, decimal=True)),
        ("no percentage", None),
    ],
)
def test_a_percentage_is_a_fraction_that_keeps_its_written_sign(
    text: str, expected: Number | None
) -> None:
    assert percent(text) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("radius 8", Number(8.0)),
        ("brightness +30", Number(30.0, signed=True)),
        ("contrast 0.3", Number(0.3, decimal=True)),
        ("resize to 800px", None),
        ("crop to 4:5", None),
        ("by 20%", None),
    ],
)
def test_a_bare_number_is_one_with_no_unit_after_it(text: str, expected: Number | None) -> None:
    assert bare_number(text) == expected


@pytest.mark.parametrize(
    ("text", "rgb"),
    [
        ("a blue tint", [(0, 0, 255)]),
        ("a light blue tint", [(173, 216, 230)]),
        ("a dark grey border", [(169, 169, 169)]),
        ("tint #ff8800", [(255, 136, 0)]),
        ("yellow text on a black box", [(255, 255, 0), (0, 0, 0)]),
        ("make it brighter", []),
    ],
)
def test_colours_are_found_by_css_name_or_hex_in_order(
    text: str, rgb: list[tuple[int, int, int]]
) -> None:
    assert [c.rgb for c in colors(text)] == rgb


@pytest.mark.parametrize(
    ("text", "factor"),
    [
        ("a tiny bit brighter", 0.25),
        ("very slightly brighter", 0.25),
        ("a bit brighter", 0.5),
        ("slightly brighter", 0.5),
        ("brighter", None),
        ("much brighter", 2.0),
        ("a lot brighter", 2.0),
        ("very bright", 2.0),
        ("way more contrast", 2.0),
        ("extremely bright", 3.0),
        ("too much contrast", None),
        ("fully desaturated", 5.0),
    ],
)
def test_intensity_words_map_to_the_documented_scale(text: str, factor: float | None) -> None:
    assert intensity(text) == factor


def test_direction_comes_from_the_word_and_is_turned_round_by_a_negator() -> None:
    assert polarity("darker") == -1
    assert polarity("warmer") == 1
    assert polarity("contrast") == 0
    assert negated("not so dark")
    assert negated("less contrast")
    assert not negated("more contrast")
