"""Text without quotes: "add a caption that says Hello from Paris at the bottom", "replace
SALE with DEALS", "change the sign to say OPEN", "put SOLD OUT in big red letters".

The instruction is rewritten with the text in quotes, then planned as usual. Text is only
taken where the words mark it, never guessed from an ordinary phrase:

    after says / saying / reads / that says:        "a caption that says Hello from Paris"
    after a label and a colon:                      "caption: Best day ever"
    after the text / the words, from a capital:     "erase the words OPEN LATE"
    after add / write / put, in capitals only:      "add Hello World", "put SOLD OUT ..."
    replace A with B / change A to B, when A is in capitals or is read in the picture
    remove / erase / get rid of A, when A is read in the picture: "get rid of open late",
        "delete the SALE text"
    change the sign (the text) to say B:            A is the picture's only line of text
    change the top (bottom) text to B:              A is the first (last) line read
    change the total (the latte's price) to 15.00:  the one line read holding those words and
                                                    a number, that number made B ("TOTAL $")
    make the top (bottom) text bigger, yellow ...:  the first (last) line read, in quotes

The text ends before a place ("at the bottom", "in the top right corner"), a style ("in big
red letters"), or a following edit (", then ...").
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence

from gouache.colors import parse_color

_STOP = (
    r"(?=\s+(?:at|in|on|to|across|along|near|into)\s+(?:the\s+)?(?:very\s+)?(?:top|bottom|left"
    r"|right|middle|center|centre|corner|upper|lower)\b|\s+(?:in|with)\s+(?:a\s+)?(?:big|small|"
    r"large|huge|bold|tiny|thin|thick|white|black|red|blue|green|yellow|gold|pink|orange|purple|"
    r"grey|gray)\b(?:\s+\w+)?(?:\s+(?:letters|font|text|outline|box|background))?|\s*[,;]\s*"
    r"(?:and|then)\b|\s+(?:and\s+)?then\s+|\s+on\s+(?:top|it)\b|\s*[.!]?\s*$"
    r"|\s+(?:please|pls|plz|thanks|thx)\s*[.!]?\s*$)"
)
# "... to SPRING SALE pls": a closing courtesy is not part of the text
_COURTESY = re.compile(r"\s+(?:please|pls|plz|thanks|thx|ty)\s*[.!]?\s*$", re.I)
# "make the sign say CLOSED pls" (a sign may well say THANKS)
_PLEASE = re.compile(r"\s+(?:please|pls|plz)\s*[.!]?\s*$", re.I)
_SAYS = re.compile(
    r"\b(?:that\s+|which\s+)?(?:says|saying|reads|reading|read|say|with the (?:text|words))"
    rf"\s*:?\s+(?P<t>.+?){_STOP}",
    re.I,
)
_LABEL = re.compile(
    rf"\b(?:caption|title|text|words|watermark|heading|headline)\s*:\s*(?P<t>.+?){_STOP}", re.I
)
_NAMED = re.compile(rf"\bthe\s+(?:text|words|word)\s+(?P<t>(?!on\b|in\b|at\b).+?){_STOP}", re.I)
_CAPS_WORD = r"(?:[A-Z0-9(©][\w'!?,.&()©@#%+-]*)"
_ADDED = re.compile(
    rf"(?:^|,\s*|\band\s+)(?:please\s+|pls\s+)?(?:add|write|put|place|stamp|type|print)\s+"
    r"(?:the\s+)?"
    rf"(?P<t>{_CAPS_WORD}(?:\s+{_CAPS_WORD})*){_STOP}"
)
# "add a caption Launch Day 2024": a label, then words from a capital
_LABELLED = re.compile(
    rf"\b(?:caption|title|watermark|heading|headline)\s+(?P<t>{_CAPS_WORD}(?:\s+{_CAPS_WORD})*)"
    rf"{_STOP}"
)
_REPLACE = re.compile(
    r"^(?:please\s+|pls\s+)?(?:replace|change|swap|turn|correct)\s+(?:the\s+(?:word|words|text)"
    r"\s+)?(?P<old>.+?)\s+(?:with|to|into|for|by)\s+(?P<new>.+?)\s*[.!]?$",
    re.I,
)
_STYLED = re.compile(
    r"^(?:please\s+|pls\s+)?(?:make|turn|set)\s+(?:the\s+(?:words?|text|line)\s+)?"
    r"(?P<t>[A-Z0-9][A-Z0-9'!&-]*(?:\s+[A-Z0-9][A-Z0-9'!&-]*)*)\s+(?:(?:a\s+(?:bit|little|lot)|"
    r"much|way)\s+)?(?:(?:less|not|no\s+longer)\s+bold|[a-z]+)(?:\s+(?:please|pls))?\s*[.!]?$"
)
_REMOVED = re.compile(
    r"^(?:please\s+|pls\s+|can you\s+|could you\s+)?(?:remove|erase|delete|get rid of|take out"
    r"|take off|clear)\s+(?:the\s+(?:(?:words?|text|line)\s+)?)?(?P<t>.+?)"
    r"(?:\s+(?:words?|text|writing|lettering))?\s*(?:please|pls)?[.!]?$",
    re.I,
)
_SIGN = re.compile(
    r"^(?:please\s+|pls\s+)?(?:change|make|edit|update|set)\s+the\s+(?:(?P<at>top|bottom|upper|"
    r"lower|first|last)\s+)?(?P<what>sign|text|label|writing|words|caption|title|heading|"
    r"headline|banner|line)\s+(?:to\s+say|to\s+read|say|read|to|into)\s+"
    rf"(?P<new>.+?){_STOP}",
    re.I,
)
# "... say OPEN and make it green": the new words' colour, said after them
_AND_COLOUR = re.compile(
    r"\s*,?\s+and\s+(?:make|turn|colou?r)\s+(?:it|them|that|the\s+(?:text|letters|words))"
    r"\s+(?P<c>[a-z]+)\s*[.!]?$",
    re.I,
)
# "change "OPEN LATE" to open early": the old words quoted, the new ones not
_HALF_QUOTED = re.compile(
    r"^(?P<head>(?:please\s+|pls\s+)?(?:replace|change|swap|turn|correct)\s+(?:the\s+(?:word|"
    r'words|text)\s+)?"[^"]+"\s+(?:with|to|into|for|by)\s+)(?P<new>[^"]+?)'
    rf"(?P<tail>{_STOP}.*)$",
    re.I,
)
# 'replace "CLOSED" with "OPEN" in green': both quoted, the new words' colour after them
_BOTH_QUOTED = re.compile(
    r"^(?:please\s+|pls\s+)?(?:replace|change|swap|turn|correct)\s+(?:the\s+(?:word|words|"
    r'text)\s+)?"[^"]+"\s+(?:with|to|into|for|by)\s+"[^"]+" in [a-z]+$',
    re.I,
)
# the title: the top line (lines are read top to bottom); the note says which was taken
_TITLE = ("title", "heading", "headline")

# "make the top text bigger", "the bottom line in yellow": a line named by where it is
_LINE_AT = re.compile(
    r"^(?P<verb>(?:please\s+|pls\s+)?(?:make|turn|set|change|recolou?r|colou?r|remove|erase|"
    r"delete|get rid of|take out|take off|clear|wipe)\s+)the\s+"
    r"(?P<at>top|bottom|upper|lower|first|last)\s+(?:text|line|caption|words|writing)\b"
    r"(?P<rest>.*)$",
    re.I,
)
_FIRST = ("top", "upper", "first")

# "change the total to 15.00", "set the price of the latte to 5": a number on a line named by
# its words
_FIELD = re.compile(
    r"^(?:please\s+|pls\s+)?(?:change|set|update|make|correct|fix|edit)\s+(?:the\s+)?"
    r"(?P<label>[a-z][a-z' ]{0,40}?)\s+(?:to|into|as)\s+[$€£]?(?P<new>\d[\d,]*(?:\.\d+)?)"
    r"\s*[.!]?$",
    re.I,
)
_NUMBER = re.compile(r"\d[\d,]*(?:\.\d+)?")
_NOT_LABEL = frozenset(("the", "of", "a", "an", "price", "cost", "amount", "number", "figure",
                        "value", "'s"))  # fmt: skip
# "set the brightness to 50": a setting of an edit, not a line to read the picture for
_SETTINGS = frozenset((
    "brightness", "contrast", "saturation", "exposure", "warmth", "temperature", "tint", "hue",
    "width", "height", "size", "quality", "opacity", "angle", "rotation", "blur", "radius",
    "strength", "sharpness", "vignette", "grain", "noise", "zoom", "scale", "resolution", "dpi",
    "margin", "margins", "border", "padding", "gamma", "shadows", "highlights", "image", "photo",
    "picture", "it", "everything", "volume", "level", "levels", "aspect", "ratio",
))  # fmt: skip


def _coloured(text: str) -> str:
    """ "... say OPEN and make it green" -> "... say OPEN in green": one edit, the new words'
    colour, where "make it green" alone would tint the whole picture."""
    found = _AND_COLOUR.search(text)
    if found is None or not _is_colour(found.group("c")):
        return text
    return f"{text[: found.start()]} in {found.group('c')}"


def _is_colour(word: str) -> bool:
    try:
        parse_color(word)
    except ValueError:
        return False
    return True


def _line_at(at: str, read: Sequence[str]) -> str:
    """The line read first (top) or last (bottom): lines are read top to bottom."""
    return read[0] if at.lower() in _FIRST else read[-1]


def quote(instruction: str, lines: Callable[[], Sequence[str]] | None = None) -> str | None:
    """The instruction with its unquoted text in quotes; None when there is none to quote
    (or it is quoted already)."""
    if "“" in instruction:
        return None
    text = instruction.strip()
    # "... and make it green" said of the new words: only where new words are written
    coloured = _coloured(text)
    if '"' in text:
        half = _HALF_QUOTED.match(coloured)
        if half is not None and half.group("new").strip(" .,:"):
            return f'{half.group("head")}"{_clean(half.group("new"))}"{half.group("tail")}'
        return coloured if coloured != text and _BOTH_QUOTED.match(coloured) else None
    sign = _SIGN.match(_PLEASE.sub("", coloured))
    if sign is not None:
        new, tail = _clean(sign.group("new")), _PLEASE.sub("", coloured)[sign.end("new") :]
        read = [line for line in (lines() if lines is not None else ()) if line.strip()]
        if not read:  # the grounding says no text was read
            return f'replace "{sign.group("what")}" with "{new}"{tail}'
        at = sign.group("at") or ("top" if sign.group("what").lower() in _TITLE else None)
        if at is not None:  # "change the bottom text to ON THE SECOND TRY"
            return f'replace "{_line_at(at, read)}" with "{new}"{tail}'
        if len(read) != 1:
            return None  # which text is "the sign"? the planner's reply asks for quotes
        return f'replace "{read[0]}" with "{new}"{tail}'
    field = _FIELD.match(_PLEASE.sub("", text))
    if field is not None and lines is not None:
        line = _field_line(field.group("label"), lines)
        if line is not None:
            number = _NUMBER.findall(line)[-1]
            cut = line.rindex(number)
            written = line[:cut] + field.group("new") + line[cut + len(number) :]
            return f'replace "{line}" with "{written}"'
    placed = _LINE_AT.match(_PLEASE.sub("", text))
    if placed is not None:  # the picture is read only when a line is named by its place
        read = [line for line in (lines() if lines is not None else ()) if line.strip()]
        if read:
            at = _line_at(placed.group("at"), read)
            return f'{placed.group("verb")}"{at}"{placed.group("rest")}'
    text = _COURTESY.sub("", text)
    swap = _REPLACE.match(text)
    if swap is not None:
        old, new = _clean(swap.group("old")), _clean(swap.group("new"))
        new = _cased(old, new, lines)
        if _marked(old, lines) and (_capitals(new) or _marked(old, lines)):
            return f'{text[: swap.start("old")]}"{old}" with "{new}"'
    styled = _STYLED.match(text)
    if styled is not None and lines is not None and _read_in(styled.group("t"), lines):
        # "make OPEN LATE bigger", "make SUMMER SALE less bold": words read in the picture, in
        # capitals, then a size, colour or weight
        return f'{text[: styled.start("t")]}"{styled.group("t")}"{text[styled.end("t") :]}'
    removed = _REMOVED.match(text)
    if removed is not None and lines is not None and _read_in(removed.group("t"), lines):
        # "get rid of open late": words read in the picture, as they are written there
        return f'remove the text "{_clean(removed.group("t"))}"'
    for pattern in (_SAYS, _LABEL, _NAMED, _ADDED, _LABELLED):
        found = pattern.search(text)
        if found is not None and found.group("t").strip(" .,:"):
            said = _clean(found.group("t"))
            if pattern in (_ADDED, _LABELLED) and not _capitals(said):
                continue
            if pattern is _NAMED and not (said[0].isupper() or said[0].isdigit()):
                continue  # "make the text bigger" names no text
            return f'{text[: found.start("t")]}"{said}"{text[found.end("t") :]}'
    return None


# "add good morning at the top": lowercase words to write, two or more, before a place
_LOWER_ADDED = re.compile(
    r"^(?:please\s+|pls\s+)?(?:add|write|put|type|print)\s+(?P<t>(?!(?:a|an|the|some|more|"
    r"less|my|our|his|her|their|this|that)\s)[a-z][a-z'!?,.&-]*(?:\s+[a-z0-9][a-z0-9'!?,.&-]*)+?)"
    r"(?=\s+(?:at|in|on|across|along|near)\s+(?:the\s+)?(?:very\s+)?(?:top|bottom|left|right|"
    r"middle|center|centre|corner|upper|lower)\b)"
)


def maybe_text(instruction: str) -> str | None:
    """ "add good morning at the top in white": lowercase words that may be text to write,
    not an edit; the instruction with them in quotes, to be asked about, never done unasked."""
    if '"' in instruction or "“" in instruction:
        return None
    text = _COURTESY.sub("", instruction.strip())
    found = _LOWER_ADDED.match(text)
    if found is None:
        return None
    return f'{text[: found.start("t")]}"{found.group("t")}"{text[found.end("t") :]}'


def _field_line(label: str, lines: Callable[[], Sequence[str]]) -> str | None:
    """The one line read that holds a number and every word of `label` but filler ("the
    total": TOTAL $9.55), or None."""
    words = [w for w in re.split(r"[\s']+", label.lower()) if w and w not in _NOT_LABEL]
    if not words or any(w in _SETTINGS for w in words):
        return None
    found = [
        line
        for line in lines()
        if _NUMBER.search(line) and all(w in re.findall(r"[a-z]+", line.lower()) for w in words)
    ]
    return found[0] if len(found) == 1 else None


def _cased(old: str, new: str, lines: Callable[[], Sequence[str]] | None) -> str:
    """ "swap sale for deals" on a poster reading SUMMER SALE: the new words in capitals, as
    the words they replace are written there; typed in any other case, they stay as typed."""
    if lines is None or not new.islower() or not old.islower():
        return new
    wanted = _squeezed(old)
    written = [line for line in lines() if wanted and wanted in _squeezed(line)]
    if written and all(line.isupper() for line in written):
        return new.upper()
    return new


def _clean(text: str) -> str:
    return text.strip().strip(",;:").strip()


def _capitals(text: str) -> bool:
    """Every word starts with a capital or a digit, and it holds a letter: a title or a name,
    not an ordinary phrase ("a vignette")."""
    words = text.split()
    return (
        bool(words)
        and any(ch.isalpha() for ch in text)
        and all(w[0].isupper() or w[0].isdigit() or w[0] in "(©@#" for w in words)
    )


def _marked(old: str, lines: Callable[[], Sequence[str]] | None) -> bool:
    """The words to replace are in capitals, or read in the picture (any case or spacing)."""
    if old.isupper():
        return True
    if lines is None:
        return False
    wanted = _squeezed(old)
    return bool(wanted) and any(wanted in _squeezed(line) for line in lines())


def _read_in(words: str, lines: Callable[[], Sequence[str]]) -> bool:
    """`words` (at least two letters) are read in the picture, any case or spacing."""
    wanted = _squeezed(words)
    return len(wanted) >= 2 and any(wanted in _squeezed(line) for line in lines())


def _squeezed(text: str) -> str:
    return "".join(ch for ch in text.lower() if ch.isalnum())
