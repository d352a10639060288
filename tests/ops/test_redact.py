"""Redaction by description on a drawn settings page: what is asked is no longer read by the
OCR, everything else still is, and a kind that is not there is refused with what was read."""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest

from gouache.analysis.cache import AnalysisCache
from gouache.analysis.text import read_text
from gouache.errors import InvalidParameterError
from gouache.evals.samples import sample
from gouache.images import Image
from gouache.ops.redact import spans
from gouache.ops.registry import OpContext, OperatorRegistry

LINES = ("jane.doe@example.com", "+1 555 867 5309", "https://example.com/login",
         "sk_live_4f9a8b7c6d5e3f2a", "Jane Doe")  # fmt: skip


@pytest.fixture(scope="module")
def redact(registry: OperatorRegistry) -> Any:
    cache = AnalysisCache()

    def run(image: Image, **params: Any) -> Image:
        return registry.get("redact").apply(image, params, OpContext(analyses=cache))

    return run


@pytest.mark.parametrize(
    ("text", "kinds"),
    [
        ("mail me at jane.doe@example.com today", ["email"]),
        ("call +1 (555) 867-5309", ["phone", "number"]),
        ("see https://example.com/login", ["url"]),
        ("key: sk_live_4f9a8b7c6d5e3f2a", ["key"]),
        ("signed, Jane Doe", ["name"]),
        ("SUMMER SALE 20% OFF", []),
        ("Account settings", []),
        ("plate AB12 CDE", ["plate"]),
        ("7ABC123", ["plate"]),
        ("B-XY 1234", ["plate", "number"]),
        ("OPEN LATE 24H", []),
        ("CLOSED", []),
        ("Total users: 12,345   Active today: 1,234", ["number"]),
        ("population 12.345", ["number"]),
        ("Connected - v2.3.1", []),
        ("price 3.50", ["price"]),
        ("Payment of $1,240.00 received", ["price", "number"]),
        ("TOTAL $9.55", ["price"]),
        ("Latte 4.50", ["price"]),
    ],
)
def test_each_kind_is_found_by_its_pattern_and_plain_words_are_not(
    text: str, kinds: list[str]
) -> None:
    every = ("email", "phone", "url", "number", "key", "name", "plate", "price")
    found = [kind for kind, _, _ in spans(text, every)]
    assert sorted(set(found)) == sorted(kinds)


@pytest.mark.parametrize(
    ("what", "gone"),
    [
        ("email", "jane.doe@example.com"),
        ("phone", "+1 555 867 5309"),
        ("url", "https://example.com/login"),
        ("key", "sk_live_4f9a8b7c6d5e3f2a"),
        ("name", "Jane Doe"),
    ],
)
@pytest.mark.parametrize("method", ["box", "blur", "pixelate"])
def test_what_is_redacted_is_no_longer_read_and_the_rest_still_is(
    redact: Any, what: str, gone: str, method: str
) -> None:
    out = redact(sample("screenshot"), what=[what], method=method)
    read = [line.text for line in read_text(out)]
    assert gone not in read
    assert all(any(line in r for r in read) for line in LINES if line != gone), read


def test_a_kind_that_is_not_there_is_refused_with_what_was_read(redact: Any) -> None:
    with pytest.raises(InvalidParameterError, match=r"can't find an email address .*SUMMER SALE"):
        redact(sample("poster"), what=["email"])


def test_all_personal_info_covers_whichever_kinds_are_there(redact: Any) -> None:
    out = redact(sample("screenshot"), what=["email", "phone", "key", "name"], any_of=True)
    read = " ".join(line.text for line in read_text(out))
    assert "jane.doe" not in read
    assert "https://example.com/login" in read


def test_a_licence_plate_is_no_longer_read_and_the_words_beside_it_still_are(
    redact: Any,
) -> None:
    out = redact(sample("plate"), what=["plate"], method="pixelate")
    read = [line.text for line in read_text(out)]
    assert not any("AB12" in line for line in read)
    assert "Sedan" in read


def test_numbers_with_thousands_separators_are_blurred_to_the_last_digit(redact: Any) -> None:
    from PIL import Image as PILImage
    from PIL import ImageDraw

    page = PILImage.new("RGB", (900, 120), (245, 246, 248))
    ImageDraw.Draw(page).text(
        (20, 40), "Total users: 12,345   Active today: 1,234", fill=(50, 50, 50), font_size=28
    )
    source = np.asarray(page)
    out = redact(source, what=["number"], method="blur")
    read = " ".join(line.text for line in read_text(out))
    assert "Total users" in read
    assert "Active today" in read
    # not a digit is read back, not even the sliver of the first one
    assert not any(ch.isdigit() for ch in read), read
