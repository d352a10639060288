"""Reading "crop off the blue bar at the top", "remove the black bars", "cut the header off
this screenshot", "crop out the sidebar" -> `crop_bars`.

A clause (or the whole instruction, for "crop the black bars at the top and bottom") is read
here when it holds a cutting verb and a bar, and nothing else but sides, colours and filler.
The sides named are where to look (none: every edge), the colour named is the bar's. The
grounding checks that such a bar is there, and says what was found when it is not: nothing
is cropped on a guess. A sidebar, a side panel, is only a panel (`EdgeBar.panel`: set apart
from the rest by its colour), on the left or right; "the sidebar" with one on each side is
asked about.
"""

from __future__ import annotations

import re
from dataclasses import replace
from typing import Any

from gouache.analysis.bars import Side
from gouache.ops.trim import both_panels, missing, offer, unserved, wanted
from gouache.planner.clauses import colors, has, normalise, protect, without, words
from gouache.planner.phrases import Draft
from gouache.planner.plan import PlanContext
from gouache.planner.references import Problem
from gouache.planner.vocabulary import FILLER, word_set

OP = "crop_bars"

_VERBS = word_set("crop, cut, trim, chop, clip, remove, delete, lose, drop, rid, strip, take")
_BARS = word_set(
    "bar, bars, band, bands, banner, banners, stripe, stripes, header, headers, toolbar, "
    "toolbars, navbar, letterbox, letterboxing, letterboxed, footer, strip, strips, sidebar, "
    "sidebars, panel, panels, pane, panes, drawer, border, borders, margin, margins"
)
# A side panel, one ("the sidebar") or those on both sides ("the side panels").
_PANEL = re.compile(r"\b(?:sidebar|side bar|side panel|panel|pane|drawer|side menu)\b")
_PANELS = re.compile(r"\b(?:sidebars|side panels|panels|panes)\b")
# Bars that say their edge: a header is at the top, a footer at the bottom.
_TOP = word_set("header, headers, title, toolbar, toolbars, navbar, nav, navigation, menu, address")
_BOTTOM = word_set("footer, footers, taskbar")
_SIDES: tuple[tuple[Side, tuple[str, ...]], ...] = (
    ("top", ("top", "upper", "above")),
    ("bottom", ("bottom", "lower", "below")),
    ("left", ("left",)),
    ("right", ("right",)),
)
# What may stand around the verb, the bar, its sides and colour, and ask nothing more.
_AROUND = FILLER | word_set(
    "off, out, away, get, at, on, along, of, from, in, the, and, both, side, sides, edge, "
    "edges, either, each, top, bottom, left, right, upper, lower, above, below, thin, thick, "
    "taskbar, footers, "
    "big, little, small, wide, annoying, ugly, weird, solid, plain, coloured, colored, title, "
    "status, menu, nav, navigation, tool, address, app, window, browser, screenshot, screen, "
    "scan, video, movie, film, that, there, those, these, all, whole, just, only, so, up, "
    "black, white, grey, gray, cinema, cinematic, horizontal, vertical"
)


def read(text: str) -> Draft | None:
    """The crop_bars draft of a normalised clause or instruction, or None when it is not one."""
    found = colors(text)
    plain = without(text, [c.span for c in found])
    ws = words(plain)
    verbs = {i for i, w in enumerate(ws) if w in _VERBS}
    bars = {i for i, w in enumerate(ws) if w in _BARS}
    if not verbs or not bars or verbs == bars == {min(verbs)}:
        return None  # "strip it": a verb, but no bar
    if any(w not in _AROUND and w not in _VERBS and w not in _BARS for w in ws):
        return None
    if len({c.rgb for c in found}) > 1:
        return Draft(OP, problem='name one colour of bar at a time, e.g. "remove the black bars"')
    params: dict[str, Any] = {}
    sides = [side for side, names in _SIDES if any(has(plain, n) for n in names)]
    panels = _PANELS.search(plain) is not None
    if (_PANEL.search(plain) or panels) and not {"top", "bottom"} & set(sides):
        params["panel"] = True
        if sides:
            params["sides"] = tuple(sides)
        if found:
            params["color"] = found[0].rgb
        return Draft(OP, params, note=None if panels else _ONE)
    if has(plain, "sides") and not sides:
        sides = ["left", "right"]  # "the bars on the sides"
    if not sides and any(w in _TOP for w in ws):
        sides = ["top"]
    elif not sides and any(w in _BOTTOM for w in ws):
        sides = ["bottom"]
    if sides:
        params["sides"] = tuple(sides)
    if found:
        params["color"] = found[0].rgb
    status = has(plain, "status bar") or has(plain, "statusbar")
    return Draft(OP, params, note=_STATUS if status else None)


_ONE = "one side panel"  # "the sidebar": one, asked about when there are two
_STATUS = "the status bar"  # a phone's: a thin strip of small icons, the clock, the battery
# A phone's status bar is 3-6 % of its screen's height (24 of 800 dp, 47 of 844 pt); a bar
# found taller holds more than it (the lock screen's big clock, the page's title).
STATUS_SHARE = 0.08
# A phone's screenshot stands upright: at least this much taller than wide.
PHONE_SHAPE = 1.3


def whole(instruction: str) -> Draft | None:
    """crop_bars read from the whole instruction ("... at the top and bottom"), or None."""
    return read(normalise(protect(instruction)))


def ground(draft: Draft, context: PlanContext | None) -> Draft | Problem:
    """The draft when a bar it asks for is in the picture; else what was found there."""
    if context is None or context.bars is None or draft.problem is not None:
        return draft
    found = list(context.bars())
    sides = tuple(draft.params.get("sides", ()))
    color = draft.params.get("color")
    panel = bool(draft.params.get("panel"))
    lacking = unserved(found, sides, color, panel)
    chosen = wanted(found, sides, color, panel)
    phone = context.size is not None and context.size[1] > PHONE_SHAPE * context.size[0]
    if draft.note == _STATUS and context.size is not None and phone and chosen and not lacking:
        height = context.size[1]
        tall = [bar for bar in chosen if bar.side == "top" and bar.size > STATUS_SHARE * height]
        if tall:
            # "crop out the status bar" on a lock screen cut its clock off too
            return Problem(
                f"the plain band at the top is {tall[0].size} px tall, "
                f"{tall[0].size / height:.0%} of the picture: more than a status bar, so I "
                "cropped nothing; a status bar is about 5 % of a phone's screen",
                offers=("crop 5% off the top",),
            )
    if chosen and not lacking:
        both = both_panels(found, color) if draft.note == _ONE and not sides else None
        if both is not None:
            return Problem(both[:1].upper() + both[1:], offers=tuple(map(offer, found)))
        return replace(draft, note=None)
    missed = missing(found, lacking or sides, color, panel) + ", so I cropped nothing"
    offers = tuple(offer(bar) for bar in found)
    if draft.note == _STATUS and phone:
        # a status bar over a wallpaper is no plain band: a strip of the screen's height is
        missed += "; a status bar is about 5 % of a phone's screen"
        offers = ("crop 5% off the top", *offers)
    return Problem(missed, offers=offers)
