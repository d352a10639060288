"""Reading "crop out the title", "crop the caption off the bottom", "cut off the heading" ->
`crop` of the band the text stands on (`analysis.titles`).

Only a cutting verb crops ("remove the title" paints the text out: `remove_text`), and a
title bar is a bar (`bars`). The end said is where to look; none said, the top first for a
title or heading, the bottom first for a caption. The grounding measures the band and crops
it off; where no line of text stands apart at that end, nothing is cropped and the reply
names the text found there.
"""

from __future__ import annotations

from dataclasses import replace

from gouache.analysis.titles import End
from gouache.planner.clauses import has, words
from gouache.planner.phrases import Draft
from gouache.planner.plan import PlanContext
from gouache.planner.references import Problem
from gouache.planner.vocabulary import FILLER, word_set

OP = "crop"
NOTE = "title band"  # the draft's marker until the grounding measures the band

_VERBS = word_set("crop, cropped, cut, trim, chop, clip, lose")
_TITLES = word_set("title, titles, heading, headings, headline, caption, captions, subtitle")
_CAPTIONS = word_set("caption, captions")
_AROUND = FILLER | word_set(
    "off, out, away, the, at, on, from, of, chart, graph, plot, figure, diagram, top, bottom, "
    "above, below, upper, lower, text, line, big, main"
)


def read(text: str) -> Draft | None:
    """The title crop of one normalised clause, or None when it is not one."""
    ws = words(text)
    if not any(w in _VERBS for w in ws) or not any(w in _TITLES for w in ws):
        return None
    if any(w not in _AROUND and w not in _VERBS and w not in _TITLES for w in ws):
        return None  # "crop out the title bar" is a bar; "... and the legend" more
    ends: tuple[End, ...]
    if has(text, "top") or has(text, "above") or has(text, "upper"):
        ends = ("top",)
    elif has(text, "bottom") or has(text, "below") or has(text, "lower"):
        ends = ("bottom",)
    elif any(w in _CAPTIONS for w in ws):
        ends = ("bottom", "top")
    else:
        ends = ("top", "bottom")
    return Draft(OP, {"ends": ends}, note=NOTE)


def ground(draft: Draft, context: PlanContext | None) -> Draft | Problem:
    """The crop of the first end asked whose title band is there; else what is there."""
    ends: tuple[End, ...] = draft.params["ends"]
    if context is None or context.titles is None or context.size is None:
        return Problem("cropping out a title needs the picture, to find where its band ends")
    found = context.titles()
    band = next((b for end in ends for b in found.bands if b.end == end), None)
    if band is not None:
        height = context.size[1]
        lines = ", ".join(f'"{line}"' for line in band.lines)
        note = f"the {band.end} band with {lines} cropped away ({band.rows} px)"
        return replace(draft, params={band.end: round(band.rows / height, 6)}, note=note)
    where = " or ".join(ends) if len(ends) > 1 else ends[0]
    nearest = {"top": found.top, "bottom": found.bottom}
    said = [(end, nearest[end]) for end in ends if nearest[end]]
    if not said:
        return Problem(
            f"I find no text at the {where} of this picture, so there is no title to crop "
            "away; I cropped nothing",
            offers=(f"crop 10% off the {ends[0]}",),
        )
    read = [f'"{text}" at the {end}' for end, text in said]
    return Problem(
        f"I read {' and '.join(read)}, but no line of text stands on a band of its own there "
        "that could be cropped off without cutting into the rest, so I cropped nothing",
        offers=("remove the text", f"crop 10% off the {ends[0]}"),
    )
