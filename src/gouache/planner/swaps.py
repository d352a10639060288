"""Reading "make the blue bars green", "change the orange line to purple", "replace blue with
green" -> `replace_color` (a colour, maybe the things in it, then the colour they become).

A clause is read here when it holds a verb that changes colours, two different colours in
that order, and nothing else but the things of a chart or graphic and filler. "make the red
text blue" (text), "make the blue sky orange" (a part of a photo) are not this. Whether the
picture is a flat graphic, and has the colour, the operator says.
"""

from __future__ import annotations

from typing import Any

from gouache.planner.clauses import colors, without, words
from gouache.planner.phrases import Draft
from gouache.planner.vocabulary import FILLER, word_set

OP = "replace_color"

_VERBS = word_set(
    "make, turn, change, recolour, recolor, colour, color, paint, switch, swap, replace, convert"
)
# The things of a chart or a flat graphic that one colour names.
_THINGS = word_set(
    "bar, bars, column, columns, line, lines, slice, slices, segment, segments, wedge, wedges, "
    "section, sections, part, parts, area, areas, bits, shape, shapes, box, boxes, icon, icons, "
    "button, buttons, dot, dots, point, points, marker, markers, series, block, blocks, fill, "
    "fills, one, ones, pixels, elements, stuff, everything, colour, color, chart, charts, "
    "graph, graphs, plot, diagram, pie, donut, legend, dashboard, infographic, graphic, "
    "slide, chart's, graph's"
)
# The things that name one kind of shape ("the blue bars" are not the blue slice of a pie).
_KINDS = {
    "bars": word_set("bar, bars, column, columns"),
    "lines": word_set("line, lines"),
    "slices": word_set("slice, slices, wedge, wedges"),
}
_AROUND = FILLER | word_set("to, into, with, for, in, of, on, the, all, every, instead, them")


def read(text: str) -> Draft | None:
    """The replace_color draft of a normalised clause, or None when it is not one."""
    found = colors(text)
    if len(found) != 2 or found[0].rgb == found[1].rgb:
        return None
    before, after = words(text[: found[0].span.start]), words(text[found[1].span.end :])
    ws = words(without(text, [c.span for c in found]))
    if not any(w in _VERBS for w in before) or (after and not set(after) <= _AROUND):
        return None  # "make the blue bars green" opens with its verb and ends with the colour
    if any(w not in _AROUND and w not in _VERBS and w not in _THINGS for w in ws):
        return None
    params: dict[str, Any] = {"source": found[0].rgb, "color": found[1].rgb}
    things = next((kind for kind, names in _KINDS.items() if any(w in names for w in ws)), None)
    if things is not None:
        params["things"] = things
    return Draft(OP, params)
