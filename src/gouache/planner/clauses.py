"""Splitting an instruction into clauses, and pulling values out of a clause: quoted text,
numbers and percentages, colours.

Quoted text is set aside first and stands in the clause as a placeholder, so that "and" or a
comma inside a caption never splits it and its words are never read as an instruction. The
placeholder is written with two control characters that `prepare` first removes from the
instruction, so no text a user types can forge one.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from PIL import ImageColor

from gouache.colors import RGB, parse_color
from gouache.planner.nouns import SUBJECT_NOUNS

_QUOTE = re.compile(
    r'"([^"]+)"|“([^”]+)”|„([^“”]+)[“”]|«([^»]+)»|‘([^’]+)’|(?<!\w)\'([^\']+)\'(?!\w)'
)
# A placeholder is OPEN index CLOSE; user text never keeps either character (see `prepare`).
_OPEN, _CLOSE = "\x00", "\x01"
_PLACEHOLDER = re.compile(f"{_OPEN}(\\d+){_CLOSE}")
_SIDE = r"(left|right|top|bottom)"
_COLOR = "|".join(sorted([*ImageColor.colormap, "grey"], key=len, reverse=True))
_SHADE = r"(?:(?:light|dark|pale|deep|medium)\s+)?"
_PROTECT = (
    (re.compile(r"\bblack[\s-]*(?:and|&|n|'n')[\s-]*white\b", re.I), "blackandwhite"),
    (re.compile(r"\bb\s*[&/]\s*w\b", re.I), "blackandwhite"),
    (re.compile(rf"\b{_SIDE}\s+(?:and|&)\s+{_SIDE}\b", re.I), r"\1+\2"),
    # Two colours are one value ("duotone navy and gold", "a blue and white gradient").
    (re.compile(rf"\b({_COLOR})\s+and\s+({_SHADE}(?:{_COLOR}))\b", re.I), r"\1 & \2"),
    (re.compile(r"\b(dust|spots?|specks?)\s+and\s+scratch(es)?\b", re.I), r"\1 & scratch\2"),
    # A file name is one word: "beach.jpg" is "beach", not the end of a sentence.
    (re.compile(r"\b([\w-]+)\.(?:jpe?g|png|webp|gif|bmp|tiff?|heic|avif)\b", re.I), r"\1"),
    (re.compile(r"(?<=\d),(?=\d{3}\b)"), ""),  # 1,200 px
    (re.compile("’"), "'"),
)
_SPLIT = re.compile(
    r"\s*(?:[;,!?]|(?<!\d)\.|\.(?!\d)"
    r"|\b(?:and\s+then|then|and|but|after\s+that|afterwards|finally)\b)\s*",
    re.I,
)


def _pairs(text: str) -> dict[str, str]:
    return dict(pair.split("=") for pair in text.split())


# Number words before a unit: "one stop", "ninety degrees", "half a stop".
_NUMBER_WORDS = _pairs(
    "one=1 two=2 three=3 four=4 five=5 six=6 seven=7 eight=8 nine=9 ten=10 fifteen=15 "
    "twenty=20 thirty=30 forty=40 fifty=50 ninety=90 a=1"
) | {"forty five": "45", "half a": "0.5", "a full": "1"}
_NUMBER_WORD = re.compile(
    r"\b(" + "|".join(sorted(_NUMBER_WORDS, key=len, reverse=True)) + r")"
    r"(?=\s*(?:stops?|ev|degrees?|°|px|pixels?|percent|%)\b)"
)
_TOKEN = re.compile(
    f"{_OPEN}\\d+{_CLOSE}|#[0-9a-f]{{6}}\\b|#[0-9a-f]{{3}}\\b"
    r"|[+-]?\d+(?:\.\d+)?(?:[:x/]\d+(?:\.\d+)?)?(?:%|°|px)?|[a-z]+(?:'[a-z]+)?"
)
_PERCENT = re.compile(r"(?<![\w.])([+-]?\d+(?:\.\d+)?)\s*(?:%|percent\b|per cent\b)")
_BARE = re.compile(r"(?<![\w.:+-])([+-]?\d+(?:\.\d+)?)(?![\w.:%°/]|\s*(?:%|percent))")
_HEX = re.compile(r"#(?:[0-9a-f]{6}|[0-9a-f]{3})\b")


@dataclass(frozen=True)
class Span:
    """A stretch of a clause: [start, end) in characters."""

    start: int
    end: int


@dataclass(frozen=True)
class Token:
    text: str
    span: Span


@dataclass(frozen=True)
class ColorMention:
    rgb: RGB
    span: Span


@dataclass(frozen=True)
class RawClause:
    """A clause as split from the instruction: `text` for reading, `original` for replies."""

    text: str
    original: str


@dataclass(frozen=True)
class Prepared:
    clauses: tuple[RawClause, ...]
    quotes: tuple[str, ...]


def prepare(instruction: str) -> Prepared:
    """Set quoted text aside, protect phrases that contain "and", and split into clauses."""
    quotes: list[str] = []

    def hold(match: re.Match[str]) -> str:
        quotes.append(next(g for g in match.groups() if g is not None).strip())
        return f" {_OPEN}{len(quotes) - 1}{_CLOSE} "

    instruction = instruction.replace(_OPEN, " ").replace(_CLOSE, " ")
    text = protect(_QUOTE.sub(hold, instruction))
    clauses = []
    for part in _SPLIT.split(text):
        part = " ".join(part.split())
        if part:
            original = restore(_unprotected(part), tuple(quotes))
            clauses.append(RawClause(text=normalise(part), original=original))
    return Prepared(clauses=tuple(clauses), quotes=tuple(quotes))


_UNPROTECT = (
    (re.compile(r"\bblackandwhite\b"), "black and white"),
    (re.compile(rf"\b{_SIDE}\+{_SIDE}\b", re.I), r"\1 and \2"),
    (re.compile(r" & "), " and "),
)


def _unprotected(part: str) -> str:
    """A clause as the user wrote it, for replies: "black and white", not "blackandwhite"."""
    for pattern, replacement in _UNPROTECT:
        part = pattern.sub(replacement, part)
    return part


def protect(text: str) -> str:
    """Join phrases that contain "and" ("black and white") so that splitting leaves them whole."""
    for pattern, replacement in _PROTECT:
        text = pattern.sub(replacement, text)
    text = _KEEP_PEOPLE.sub(" keeping everyone", text)
    text = _BLUR_KEEPING_SHARP.sub(r"\g<blur>", text)
    return _KEEP_THING.sub(" keeping the subject", text)


def restore(text: str, quotes: tuple[str, ...]) -> str:
    """Put the quoted text back in place of its placeholders."""
    return _PLACEHOLDER.sub(lambda m: f'"{quotes[int(m.group(1))]}"', text)


def normalise(text: str) -> str:
    text = text.lower().replace("×", "x")
    # Hyphens between words become spaces ("counter-clockwise"); a minus sign ("-20%") stays.
    text = re.sub(r"(?<=[a-z0-9])-(?=[a-z])", " ", text)
    text = _NUMBER_WORD.sub(lambda m: _NUMBER_WORDS[m.group(1)], text)
    text = _RATIO_BY.sub(r"\1:\2", text)
    text = _SPLIT_DOWN.sub(r"\1 down \2", text)
    text = _SPACE_AROUND.sub(r"\1 padding ", text)
    text = _AROUND_THE_LOGO.sub(r"\1 it", text)
    text = _FIX_OLD.sub("restore this old photo", text)
    text = _THING.sub(r"\1", text)
    text = _WHOLE_THING.sub(r"\1 it ", text)
    return " ".join(text.split())


# "fix the red eye thing", "the vintage thing again": the thing is what it names ("thing" read
# as a misspelt "thin"); "remove the thing" names nothing and stays, and "the sensitive stuff"
# is the redaction's own phrase
_THING = re.compile(
    r"\b(?!(?:the|a|an|this|that|any|some|one|every|each|no)\b)([a-z]+)\s+thing\b"
    r"(?=\s*(?:[,.!?;]|$|\s+(?:again|too|as well|pls|please|and|then)\b))"
)
# "make the whole thing look like night": the picture ("thing" read as a misspelt "thin")
_WHOLE_THING = re.compile(
    r"\b(make|turn|set|give|render)\s+the\s+whole\s+(?:thing|picture|photo|image|pic)\s+"
    r"(?=look|seem|feel|appear|more|less|a\b|an\b|[a-z]+er\b|into\b|to\b)"
)
# "can u fix my old pic": the restoration ("my old photo" alone read as the sepia look)
_FIX_OLD = re.compile(
    r"\b(?:fix|fix up|repair|clean up|restore)\s+(?:this|my|the|our|that|an|these)\s+"
    r"(?:(?:old|damaged|faded|scratched|vintage)\s+)+(?:photo|pic|picture|image|scan|print|"
    r"photograph)s?\b"
)
# "a white border around the logo": the picture is the logo, not a logo to place on it
_AROUND_THE_LOGO = re.compile(
    r"\b((?:border|padding|frame|margins?)\b[^,;]*?\b(?:around|round|to|on|for))\s+(?:the|my|our|"
    r"this)\s+logo\b"
)
# "add some space around it", "give it more breathing room round the logo": padding, not new
# content ("the room around her" is the background)
_SPACE_AROUND = re.compile(
    r"\b(add|give(?: it| me)?|leave|put|need|want|with|make)\s+(?:(?:some|more|a little|a bit of|"
    r"a bit more|extra|white|empty|blank)\s+)*(?:space|room|breathing room|whitespace)\s+"
    r"(?=(?:around|round|on all sides)\b)"
)


# "tone the colours down", "turn the contrast down": the verb as said whole ("tone down")
_SPLIT_DOWN = re.compile(
    r"\b(tone|turn|dial|bring) ((?:the|its|their) (?:[a-z]+ )?(?:colou?rs?|contrast|saturation|"
    r"brightness|warmth|exposure|highlights|shadows|vibrance|vignette|grain|sharpness)) down\b"
)


# "make it 16 by 9": an aspect ratio (small numbers, no unit); "800 by 600" stays a size
_RATIO_BY = re.compile(
    r"(?<![\d.])(\d{1,2}) by (\d{1,2})(?![\d.%]|\s*(?:px|pixels?|percent|cm|mm|in(?:ch)?)\b)"
)


# "crop it to 16:9 but don't cut anyone off" is the face-aware crop's "keeping everyone"
_KEEP_PEOPLE = re.compile(
    r",?\s*(?:\bbut\s+)?\b(?:don'?t|do not|without|not|never)\s+(?:cut(?:ting)?|crop(?:ping)?)"
    r"(?:\s+off)?\s+(?:(?:anyone|anybody|everyone|everybody)'?s\s+(?:faces?|heads?)|anyone|"
    r"anybody|any\s+(?:faces?|heads?|people)|people|faces|heads)(?:\s+off|\s+out)?\b",
    re.IGNORECASE,
)


# "make it square but don't crop the rocket", "... keeping the cat": the one main subject kept
# in frame (the subject cut finds it; it is not recognised by name)
_THINGS = "|".join(sorted(SUBJECT_NOUNS, key=len, reverse=True))
_KEEP_THING = re.compile(
    r",?\s*(?:\bbut\s+)?(?:\b(?:don'?t|do not|without|not|never)\s+(?:cut(?:ting)?|"
    r"crop(?:ping)?|chop(?:ping)?)(?:\s+off)?\s+(?:the|her|his|my|our)\s+"
    rf"(?:{_THINGS})\b(?:\s+off|\s+out)?|\b(?:keep(?:ing)?|leaving)\s+(?:the|her|his|my|our)\s+"
    rf"(?:{_THINGS})\b(?:\s+(?:in (?:the )?(?:frame|shot|picture)|whole))?(?=\s*$|\s*[,.;]))",
    re.IGNORECASE,
)


# "blur the background keeping the cat sharp": what a background blur does, no second edit
# (it read as "sharpen the background")
_BLUR_KEEPING_SHARP = re.compile(
    r"(?P<blur>\bblur\b.*?\bbackground\b.*?),?\s*(?:\b(?:but|and|while)\s+)?\bkeep(?:ing|s)?\s+"
    rf"(?:the|her|his|my|our|its)\s+(?:{_THINGS}|face|faces|foreground)\s+(?:sharp|in focus|crisp|"
    r"clear|as (?:it|she|he) is)\b",
    re.IGNORECASE,
)


def tokens(text: str) -> list[Token]:
    return [Token(m.group(0), Span(m.start(), m.end())) for m in _TOKEN.finditer(text)]


def words(text: str) -> list[str]:
    return [m.group(0) for m in _TOKEN.finditer(text)]


def has(text: str, phrase: str) -> bool:
    return re.search(rf"(?<![\w']){re.escape(phrase)}(?![\w'])", text) is not None


def quote_index(text: str) -> int | None:
    match = _PLACEHOLDER.search(text)
    return int(match.group(1)) if match else None


def quote_indices(text: str) -> list[int]:
    """The quoted texts of a clause, in order, by their index in `Prepared.quotes`."""
    return [int(m.group(1)) for m in _PLACEHOLDER.finditer(text)]


def is_placeholder(word: str) -> bool:
    return _PLACEHOLDER.fullmatch(word) is not None


def without_quotes(text: str) -> str:
    return _PLACEHOLDER.sub(" ", text)


def has_digit(text: str) -> bool:
    return re.search(r"\d", without_quotes(text)) is not None


@dataclass(frozen=True)
class Number:
    value: float
    # True when the user wrote the sign ("+20%", "-1 stop"), so it overrides direction words.
    signed: bool = False
    # True when written with a decimal point ("0.3"), false for an integer ("30").
    decimal: bool = False


def _number(raw: str) -> Number:
    return Number(value=float(raw), signed=raw[0] in "+-", decimal="." in raw)


def percent(text: str) -> Number | None:
    """'30%' -> 0.3."""
    match = _PERCENT.search(text)
    if match is None:
        return None
    number = _number(match.group(1))
    return Number(number.value / 100, number.signed, decimal=True)


def bare_number(text: str) -> Number | None:
    """A number with no unit after it ("radius 8", "brightness +30")."""
    match = _BARE.search(without_quotes(text))
    return _number(match.group(1)) if match else None


def number_before(text: str, units: str) -> Number | None:
    """The number before one of `units` (a regex alternation): number_before(t, "px|pixels?")."""
    match = re.search(rf"([+-]?\d+(?:\.\d+)?)\s*(?:{units})(?!\w)", text)
    return _number(match.group(1)) if match else None


def number_after(text: str, words: str) -> Number | None:
    """The number after one of `words`: number_after(t, "radius|amount")."""
    match = re.search(rf"\b(?:{words})\s*(?:of|to|=|:)?\s*([+-]?\d+(?:\.\d+)?)", text)
    return _number(match.group(1)) if match else None


def colors(text: str) -> list[ColorMention]:
    """Colours named in a clause, by CSS name ("light blue", "grey") or hex, in order."""
    found = [ColorMention(parse_color(m[0]), Span(m.start(), m.end())) for m in _HEX.finditer(text)]
    toks = tokens(text)
    i = 0
    while i < len(toks):
        for size in (3, 2, 1):
            window = toks[i : i + size]
            name = "".join(t.text for t in window).replace("grey", "gray")
            if len(window) == size and name in ImageColor.colormap:
                span = Span(window[0].span.start, window[-1].span.end)
                found.append(ColorMention(parse_color(name), span))
                i += size - 1
                break
        i += 1
    return sorted(found, key=lambda c: c.span.start)


def without(text: str, spans: list[Span]) -> str:
    """`text` with each span blanked out, offsets kept."""
    chars = list(text)
    for span in spans:
        chars[span.start : span.end] = " " * (span.end - span.start)
    return "".join(chars)
