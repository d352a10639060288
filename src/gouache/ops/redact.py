"""Redaction by description: "blur the email", "hide the phone number", "black out the names".

The text is read by the OCR (`analysis.text`), each line is matched against the patterns of
the kinds asked for, and the part of the line box each match spans (in proportion to its
characters, widened by half a letter on each side) is blurred, pixelated or boxed in black.

    email   name@host.tld
    phone   a run of 7 to 15 digits with spaces, dots, dashes, brackets, a leading +
    url     http(s)://..., www...., or host.tld/path
    number  4 or more digits in a row (an account, a card, an ID)
    key     a token of 16+ letters, digits, _ and - holding both letters and digits
            (API keys, secrets, tokens)
    name    two or three Capitalised words in a row ("Jane Doe")
    plate   a licence plate: 5 to 10 capital letters and digits, both, in up to four groups
            ("AB12 CDE", "7ABC123", "B-XY 1234"); no group opens with four
            letters, so words ("OPEN LATE 24H") are not plates
    text    every line

Nothing found for a kind asked is refused with what was read, never replaced by something
else; a match in a line that cannot be told apart is covered with its whole line.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any, Literal

import cv2
import numpy as np
from pydantic import Field, field_validator

from gouache.analysis.types import Box, TextLine
from gouache.errors import InvalidParameterError
from gouache.images import Image
from gouache.ops.registry import OpContext, Operator, Params

Kind = Literal["email", "phone", "url", "number", "key", "name", "plate", "price", "text"]
KINDS: tuple[str, ...] = (
    "email", "phone", "url", "number", "key", "name", "plate", "price", "text"
)  # fmt: skip

PATTERNS: dict[str, re.Pattern[str]] = {
    "email": re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+"),
    "phone": re.compile(r"(?<![\w])\+?\(?\d[\d\s().-]{5,18}\d(?![\w])"),
    "url": re.compile(
        r"\b(?:https?://|www\.)\S+|\b[\w-]+(?:\.[\w-]+)*\.(?:com|org|net|io|dev|co|uk|de|fr|"
        r"app|ai|gov|edu)(?:/\S*)?\b"
    ),
    # digits in groups: "4111 1111", "12-3456", "12,345" and "1.234.567" (thousands)
    "number": re.compile(r"\d[\d\s-]{2,}\d|\d{1,3}(?:[,.]\d{3})+(?!\d)"),
    "key": re.compile(r"(?<![\w-])(?=[\w-]*\d)(?=[\w-]*[A-Za-z])[\w-]{16,}(?![\w-])"),
    "name": re.compile(r"\b[A-Z][a-z]+(?: [A-Z][a-z]+){1,2}\b"),
    "plate": re.compile(
        r"(?<![\w-])(?=(?:[A-Z0-9][ -]?){4,9}[A-Z0-9](?![\w-]))(?=[A-Z -]*\d)(?=[\d -]*[A-Z])"
        r"(?![A-Z]{4})[A-Z0-9]+(?:[ -](?![A-Z]{4})[A-Z0-9]+){0,3}(?![\w-])"
    ),
    # an amount of money: a currency sign and digits ("$1,240.00", "€5"), or a decimal with
    # two places ("4.50", "12,345.00")
    "price": re.compile(
        r"[$€£¥]\s?\d(?:[\d,.]*\d)?|(?<![\w.,])\d{1,3}(?:,\d{3})*[.,]\d{2}(?![\w])"
    ),
    "text": re.compile(r".+"),
}
NAMES = {"email": "an email address", "phone": "a phone number", "url": "a link",
         "number": "a long number", "key": "a key or token", "name": "a name",
         "plate": "a licence plate", "price": "a price",
         "text": "any text"}  # fmt: skip


class RedactParams(Params):
    what: tuple[Kind, ...] = Field(min_length=1)
    method: Literal["blur", "pixelate", "box"] = "box"
    # "all personal info": cover whichever kinds are there; otherwise each must be found.
    any_of: bool = False

    @field_validator("what", mode="before")
    @classmethod
    def _listed(cls, value: Any) -> Any:
        return (value,) if isinstance(value, str) else value


@dataclass(frozen=True)
class Match:
    kind: str
    line: TextLine
    start: int
    end: int


def _digits(text: str) -> int:
    return sum(ch.isdigit() for ch in text)


def spans(text: str, kinds: tuple[str, ...]) -> list[tuple[str, int, int]]:
    """(kind, start, end) of every part of one line of text that is of one of `kinds`."""
    found: list[tuple[str, int, int]] = []
    emails = [m.span() for m in PATTERNS["email"].finditer(text)]
    for kind in kinds:
        for m in PATTERNS[kind].finditer(text):
            inside_email = any(a <= m.start() and m.end() <= b for a, b in emails)
            if kind in ("url", "name", "number", "key") and inside_email:
                continue  # the host of an email is not a link
            if kind == "phone" and not 7 <= _digits(m.group()) <= 15:
                continue
            if kind == "number" and _digits(m.group()) < 4:
                continue
            found.append((kind, m.start(), m.end()))
    return found


def matches(lines: list[TextLine], kinds: tuple[str, ...]) -> list[Match]:
    """Every span of the lines that is of one of `kinds`."""
    return [Match(k, line, a, b) for line in lines for k, a, b in spans(line.text, kinds)]


def _span_box(match: Match, shape: tuple[int, ...]) -> Box:
    """The part of the line box the match spans, by characters, a letter wider each side:
    letters are not all as wide as the line's mean, and half a letter left a sliver of the
    "1" of "12,345" showing in a proportional font."""
    box, count = match.line.box, max(1, len(match.line.text))
    per_char = box.w / count
    x0 = box.x + per_char * (match.start - 1.0)
    x1 = box.x + per_char * (match.end + 1.0)
    pad = 0.15 * box.h
    left, top = max(0, int(x0)), max(0, int(box.y - pad))
    right = min(shape[1], int(np.ceil(x1)))
    bottom = min(shape[0], int(np.ceil(box.bottom + pad)))
    return Box(left, top, max(1, right - left), max(1, bottom - top))


# The widest blur worked at full resolution, in pixels of sigma.
BLUR_SIGMA = 8


def _cover(out: Image, box: Box, method: str) -> None:
    region = out[box.y : box.bottom, box.x : box.right, :3]
    if method == "box":
        region[:] = 0
    elif method == "pixelate":
        cell = max(4, box.h // 2)
        small = cv2.resize(
            region, (max(1, box.w // cell), max(1, box.h // cell)), interpolation=cv2.INTER_AREA
        )
        region[:] = cv2.resize(small, (box.w, box.h), interpolation=cv2.INTER_NEAREST)
    else:
        sigma = max(3.0, box.h / 2.5)
        # a blur this wide looks the same worked at a lower resolution: at 40 MP a line's sigma
        # of 220 px took 3 to 6 s at full size
        step = max(1, int(sigma // BLUR_SIGMA))
        small = region
        if step > 1:
            size = (max(1, box.w // step), max(1, box.h // step))
            small = cv2.resize(region, size, interpolation=cv2.INTER_AREA)
        blurred = cv2.GaussianBlur(small, (0, 0), sigma / step)
        if step > 1:
            blurred = cv2.resize(blurred, (box.w, box.h), interpolation=cv2.INTER_LINEAR)
        region[:] = blurred


def redact(image: Image, p: RedactParams, ctx: OpContext) -> Image:
    lines = ctx.analysis(image).text
    found = matches(lines, p.what)
    missing = [kind for kind in p.what if not any(m.kind == kind for m in found)]
    if (missing and not p.any_of) or not found:
        read = "; ".join(f'"{line.text}"' for line in lines[:6]) or "no text at all"
        asked = " or ".join(NAMES[kind] for kind in (missing or p.what))
        raise InvalidParameterError(
            f"redact: I can't find {asked} in this picture (I read: {read})", op="redact"
        )
    out = image.copy()
    for match in found:
        _cover(out, _span_box(match, image.shape), p.method)
    kinds = ", ".join(dict.fromkeys(m.kind for m in found))
    ctx.notes.append(f"redact: {len(found)} span(s) covered ({kinds}) by {p.method}")
    return out


OPERATORS: list[Operator[Any]] = [
    Operator(
        name="redact",
        version="1.4.0",
        summary="blur, pixelate or black out emails, phone numbers, links, keys, names, licence "
        "plates, prices in the text",
        params=RedactParams,
        run=redact,
        examples=(
            "blur the email",
            "black out the phone number",
            "redact the API key",
            "blur the text",
        ),
        global_edit=False,
    ),
]
