"""Reading "make the text bigger", "smaller letters", "increase the font size a bit" ->
`resize_text` (every line redrawn at a new size, in its own colour), and "make the text blue",
"change the text colour to red" -> `recolor_text` (the letters' own shapes, a new colour).

A clause is read here when it names the writing (text, letters, words, font, writing ...; "the
caption" of a meme too, where the clause adds no caption) and asks for it bigger or smaller,
and holds nothing else but intensity words and filler:

    bigger, larger, enlarge, increase the font size     1.25 ("a bit" 1.12, "a lot" 1.5)
    twice as big, double the size                       2.0
    30% bigger                                          1.3
    smaller, shrink, decrease the font size             0.8 ("a bit" 0.9, "a lot" 0.6)

Without a number, "bigger" is as big as fits up to that (`fit`). The grounding checks there
is text to resize (`grounding._TEXT_OPS`); the operator refuses a size at which a line would
run off the picture or onto another line.

"make the text bold" -> `bold_text` (the lines redrawn in the bold face of their font); "not
bold", "less bold", "thinner" are read too, so that the grounding can refuse them.

"the title" (heading, headline) is the most prominent line only (`title`), as the operator
picks it: the tallest letters, the topmost of those.
"""

from __future__ import annotations

import re

from gouache.planner.clauses import (
    colors,
    is_placeholder,
    percent,
    quote_indices,
    without,
    without_quotes,
    words,
)
from gouache.planner.phrases import Draft
from gouache.planner.vocabulary import FILLER, intensity, word_set

OP = "resize_text"
BIGGER = 1.25
SMALLER = 0.8

_WRITING = word_set("text, letters, lettering, word, words, writing, font, type, wording")
# "make the caption yellow" on a meme is its text; "add a yellow caption", 'caption it "hi"'
# are a new one (`caption`)
_CAPTION = word_set("caption, captions")
_ADDING = word_set("add, put, write, insert, place, stamp, overlay, new")
# "the title" names one line, the most prominent (the operator's `title`), not every line.
_TITLE = word_set("title, heading, headline, titles, headings, headlines")
_UP = re.compile(r"\b(?:bigger|larger|enlarge|enlarged|increase|increased|grow|huger|taller)\b")
_DOWN = re.compile(r"\b(?:smaller|shrink|shrunk|decrease|decreased|reduce|reduced|tinier)\b")
_TWICE = re.compile(r"\b(?:twice as (?:big|large)|double (?:the|its) size|2x (?:bigger|larger))\b")
# What may stand around the writing and the size, and ask nothing more.
_AROUND = FILLER | word_set(
    "make, get, turn, is, are, too, so, more, bit, tad, little, lot, much, way, very, really, "
    "slightly, size, sized, all, on, in, of, the, it, its, a, lots, somewhat, touch, please, "
    "pls, bigger, larger, enlarge, enlarged, increase, increased, grow, huger, taller, smaller, "
    "shrink, shrunk, decrease, decreased, reduce, reduced, tinier, twice, as, big, large, "
    "double, x, 2x, percent, poster, sign, small, tiny, hard, read, easier, to"
)


# What may stand around the writing and its new colour ("change the text colour to blue").
_RECOLOUR_AROUND = FILLER | word_set(
    "make, turn, change, colour, color, colours, colors, coloured, colored, recolour, recolor, "
    "to, in, into, the, it, all, on, of, please, pls, instead, rather, than, from"
)
RECOLOR = "recolor_text"
# the words before the colour the text has now: "yellow instead of white", "from white to ..."
_WAS = re.compile(r"\b(?:instead of|rather than|not|from)\s*$")
BOLD = "bold_text"
_BOLD = word_set("bold, bolder, embolden, boldface, heavier, thicker, unbold, thinner")
# "not bold", "unbold", "thinner": refused in grounding (no regular face is matched to bold
# letters)
_NOT = word_set("not, no, longer, less, un, non, unbold, remove, anymore")
_UNBOLD = re.compile(
    r"\b(?:not|no longer|less|un|non)[\s-]?bold|\bremove (?:the )?bold|\bbold anymore"
    r"|\bthinner\b"
)


def read(text: str, quotes: tuple[str, ...] = (), caption: bool = True) -> Draft | None:
    """The resize_text or recolor_text draft of a normalised clause, or None. One quoted text
    ('make "OPEN LATE" bigger') names the lines to change. With `caption`, "the caption" names
    the writing too, unless the clause adds one."""
    named_line = quote_indices(text)
    if len(named_line) == 1 and named_line[0] < len(quotes):
        draft = read(f"make the text {without_quotes(text)}", caption=False)
        if draft is None:
            return None
        return Draft(draft.op, {**draft.params, "match": quotes[named_line[0]]})
    ws = words(text)
    if any(w in _TITLE for w in ws):
        titled = " ".join("text" if w in _TITLE else w for w in ws)
        draft = read(titled)
        return None if draft is None else Draft(draft.op, {**draft.params, "title": True})
    writing = _WRITING
    if caption and not quotes and ws[:1] != ["caption"] and not any(w in _ADDING for w in ws):
        writing = _WRITING | _CAPTION
    if not any(w in writing for w in ws):
        return None
    if any(w in _BOLD for w in ws):
        # "make the text bold", "bold letters": nothing else asked
        unbold = _UNBOLD.search(text) is not None
        around = _RECOLOUR_AROUND | writing | _BOLD | (_NOT if unbold else frozenset())
        if not all(w in around for w in ws):
            return None
        # "not bold" is read, so that grounding can say why it is not done
        return Draft(BOLD, {"regular": True} if unbold else {})
    named = colors(text)
    spans = [c.span for c in named]
    if len(named) == 2 and _WAS.search(text[: named[1].span.start]):
        named = named[:1]  # "yellow instead of white": white is the colour it has now
    elif len(named) == 2 and _WAS.search(text[: named[0].span.start]):
        named = named[1:]  # "from white to yellow"
    if named:
        rest = words(without(text, spans))
        plain = all(w in _RECOLOUR_AROUND or w in writing for w in rest)
        if len(named) == 1 and plain and not any(map(is_placeholder, ws)):
            return Draft(RECOLOR, {"color": named[0].rgb})
        return None
    up, down = _UP.search(text) is not None, _DOWN.search(text) is not None
    twice = _TWICE.search(text) is not None
    if up == down and not twice:
        return None
    if any(w not in _AROUND and w not in writing and not re.fullmatch(r"[\d.]+%?", w) for w in ws):
        return None
    value = percent(text)
    if twice:
        scale = 2.0
    elif value is not None:
        scale = 1.0 + value.value if up else 1.0 - value.value
    else:
        factor = intensity(text)
        step = (BIGGER if up else SMALLER) - 1.0
        scale = 1.0 + step * (1.0 if factor is None else min(2.0, factor))
        if up:  # "bigger", no number: as big as fits, up to that
            return Draft(OP, {"scale": round(min(3.0, scale), 4), "fit": True})
    return Draft(OP, {"scale": round(max(0.3, min(3.0, scale)), 4)})
