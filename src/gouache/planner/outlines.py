"""Reading the outline round the text -> `outline_text`:

    make the outline red, change the outline colour to blue       color
    give the text a black outline, outline the caption in black   color (a stroke drawn anew)
    thicker outline, make the outline thinner                     scale 1.5 / 0.67
                                                      ("a bit" 1.25 / 0.8, "a lot" 2 / 0.5)
    remove the outline, no outline, take the outline off          remove

A clause is read here when it names the outline (outline, stroke) and holds nothing else but
the writing, a colour, a width, a removal and filler; one quoted text names the lines
('make the outline of "SALE" red'), "the title" the most prominent line. A new caption with an
outline ('add the caption "hi" with a black outline') is the `caption` operator's.
"""

from __future__ import annotations

import re

from gouache.planner.clauses import colors, quote_indices, without, without_quotes, words
from gouache.planner.phrases import Draft
from gouache.planner.vocabulary import FILLER, word_set

OP = "outline_text"
THICKER = (1.25, 1.5, 2.0)  # a bit, plain, a lot
THINNER = (0.8, 0.67, 0.5)

_OUTLINE = word_set("outline, outlines, outlined, stroke, outlining")
_WRITING = word_set(
    "text, letters, lettering, word, words, writing, font, type, wording, caption, captions, "
    "meme, title, heading, headline"
)
_TITLE = word_set("title, heading, headline")
_ADDING = word_set("write, insert, stamp, overlay, new")
_WIDER = re.compile(r"\b(?:thicker|wider|bolder|heavier|fatter|bigger|stronger|thick|bold)\b")
_NARROWER = re.compile(r"\b(?:thinner|narrower|lighter|finer|smaller|slimmer|thin)\b")
_REMOVE = re.compile(r"\b(?:remove|delete|erase|drop|lose|strip|no|without|rid|take\b.*\boff)\b")
_LITTLE = re.compile(r"\b(?:a (?:little )?bit|a little|slightly|a tad|a touch|somewhat)\b")
_LOT = re.compile(r"\b(?:a lot|much|way|very|really|lots|twice|double)\b")
# the words before the colour the outline has now: "red instead of black", "from black to red"
_WAS = re.compile(r"\b(?:instead of|rather than|not|from)\s*$")
_AROUND = FILLER | word_set(
    "colour, color, coloured, colored, recolour, recolor, turn, change, around, round, "
    "outline, outlines, outlined, stroke, outlining, thicker, wider, bolder, heavier, fatter, "
    "bigger, stronger, thick, bold, thinner, narrower, lighter, finer, smaller, slimmer, thin, "
    "remove, delete, erase, drop, lose, strip, no, without, rid, take, away, edge, edges, "
    "border, much, way, very, really, somewhat, twice, double, rather, than, not, width, "
    "instead, more, less, make, it, them, their, letter"
)


def read(text: str, quotes: tuple[str, ...] = ()) -> Draft | None:
    """The outline_text draft of a normalised clause, or None."""
    ws = words(text)
    if not any(w in _OUTLINE for w in ws):
        return None
    named_line = quote_indices(text)
    if named_line:
        if len(named_line) != 1 or named_line[0] >= len(quotes) or any(w in _ADDING for w in ws):
            return None
        if re.search(r"\b(?:add|put)\b.*\b(?:caption|title|text)\b", text):
            return None  # 'add the caption "hi" with a black outline': a new caption
        draft = read(without_quotes(text))
        return (
            None if draft is None else Draft(OP, {**draft.params, "match": quotes[named_line[0]]})
        )
    named = colors(text)
    if len(named) == 2 and _WAS.search(text[: named[1].span.start]):
        named = named[:1]  # "red instead of black": black is the colour it has now
    elif len(named) == 2 and _WAS.search(text[: named[0].span.start]):
        named = named[1:]  # "from black to red"
    if len(named) > 1:
        return None
    rest = words(without(text, [c.span for c in colors(text)]))
    if any(w not in _AROUND and w not in _WRITING for w in rest):
        return None  # "outline the cat in red": a part of the picture, not the text
    params: dict[str, object] = {}
    if any(w in _TITLE for w in ws):
        params["title"] = True
    params["color"] = named[0].rgb if named else None
    removed = _REMOVE.search(without(text, [c.span for c in colors(text)])) is not None
    wider, narrower = _WIDER.search(text) is not None, _NARROWER.search(text) is not None
    if removed and not wider and not narrower:
        # "remove the black outline": the colour names the outline taken off
        return Draft(OP, {**params, "color": None, "remove": True})
    if (wider and narrower) or removed:
        return None
    if wider or narrower:
        step = 2 if _LOT.search(text) else 0 if _LITTLE.search(text) else 1
        params["scale"] = (THICKER if wider else THINNER)[step]
    return Draft(OP, params)
