"""Reading "make the reds more saturated", "increase the saturation of the brown", "the yellows
are too strong", "make the blues deeper" -> `adjust_color` (one colour of the picture).

A clause is read here when it names a colour as the pixels of it (a plural, "the reds", or
"the brown" followed by an edit or nothing) and an edit of saturation or lightness, and no
region ("the greens in the background" is the background's). A colour asked to become another
("make the orange more red") is left to the readings of a colour change.

    saturation   saturated, vivid, vibrant, rich, strong, bold, pop ... (+), muted, dull,
                 weak, desaturate ... (-), grey or black and white (-1); BASE_SATURATION
    lightness    brighter, lighter (+), darker (-); BASE_LIGHTNESS
    deeper       more saturated and a little darker (DEEP_DARKER of the amount)

The direction turns round for "less", "reduce", "too" and a state complained of ("the greens
look dull"); "a tad", "way more" scale the amount as for the tone edits. The grounding refuses
a colour the picture (almost) lacks, naming those it has (`ops.selective.shares`).
"""

from __future__ import annotations

import re
from dataclasses import replace

from gouache.ops.selective import MIN_SHARE, absent, present
from gouache.planner.clauses import Span, has, without
from gouache.planner.phrases import Draft
from gouache.planner.plan import PlanContext
from gouache.planner.references import Problem
from gouache.planner.vocabulary import TINT_WORDS, complained, intensity, negated

OP = "adjust_color"
BASE_SATURATION = 0.3
BASE_LIGHTNESS = 0.2
DEEP_DARKER = 1 / 3  # "deeper": this much lightness taken off for the saturation added

_NAMES = {"red": "red", "orange": "orange", "yellow": "yellow", "green": "green",
          "cyan": "cyan", "aqua": "cyan", "teal": "cyan", "turquoise": "cyan", "blue": "blue",
          "purple": "purple", "violet": "purple", "magenta": "magenta", "pink": "pink",
          "brown": "brown"}  # fmt: skip
_NAME = "|".join(_NAMES)
_WHAT = r"(?: (?:ones|areas|parts|tones|colou?rs|hues|bits|shades))?"
# "the reds", "all the greens", "the blue tones"; "the brown" only before an edit or at the end
_PLURAL = re.compile(rf"\b(?:(?:all )?(?:the|those|these) )?(?P<name>{_NAME})s{_WHAT}\b")
_SINGULAR = re.compile(
    rf"\b(?:all )?(?:the|those|these) (?P<name>{_NAME}) ?(?:(?:ones|areas|parts|tones|colou?rs|"
    r"hues|bits|shades)\b)?(?=$| (?:is|are|looks?|seems?|more|less|a bit|a little|a tad|"
    r"slightly|much|way|brighter|darker|lighter|stronger|weaker|richer|deeper|bolder|[a-z]+ed)\b)"
)
# Edits of a colour's saturation (+1 more, -1 less) and lightness, by the words that say them;
# the first found is the edit (so "tone down" before "down").
_SATURATION = {
    **dict.fromkeys(
        ("too much", "tone down", "calm down", "desaturate", "desaturated", "muted", "mute",
         "dull", "duller", "weak", "weaker", "subdued", "drab", "washed out", "faded", "paler",
         "pale", "reduce", "soften"), -1),
    **dict.fromkeys(
        ("saturated", "saturation", "saturate", "vivid", "vibrant", "vibrance", "intense",
         "intensity", "intensify", "strong", "stronger", "rich", "richer", "bold", "bolder",
         "punchy", "punchier", "pop", "colourful", "colorful", "loud", "boost", "enhance"), 1),
}  # fmt: skip
_LIGHTNESS = {
    **dict.fromkeys(("brighter", "brighten", "bright", "lighter", "lighten"), 1),
    **dict.fromkeys(("darker", "darken", "dark", "dimmer", "dim"), -1),
}
_DEEP = ("deeper", "deepen", "deep")
_GREY = ("black and white", "blackandwhite", "monochrome", "greyscale", "grayscale", "grey",
         "gray")  # fmt: skip
# Another colour to become ("make the orange more red", "the greens bluer"), or a region named
# ("the greens in the background"): another reading's.
_ELSEWHERE = re.compile(
    rf"\b(?:more|less|to|into|towards?) (?:{_NAME})\b|\b(?:background|bg|sky|faces?|skin|subject|"
    r"foreground|left|right|top|bottom)\b"
)


def read(text: str) -> Draft | None:
    """The adjust_color draft of a normalised clause, or None when it is not one."""
    said = _PLURAL.search(text) or _SINGULAR.search(text)
    if said is None:
        return None
    name = _NAMES[said.group("name")]
    rest = without(text, [Span(said.start(), said.end())]).replace("n't ", " not ")
    if _ELSEWHERE.search(rest) or any(has(rest, w) for w in TINT_WORDS):
        return None
    if any(has(rest, w) for w in _GREY):  # "make the greens grey": all of their colour
        return Draft(OP, {"hues": name, "saturation": -1.0})
    edit = _edit(rest)
    if edit is None:
        return None
    saturation, lightness, word = edit
    others = without(rest, [_span(rest, word)])
    stated = intensity(others)
    factor = 1.0 if stated is None else stated
    # "less saturated", "too strong", "look dull": the other way; "not vivid enough": more
    turned = (negated(others) or complained(rest)) != has(others, "enough")
    sign = -1.0 if turned else 1.0
    params: dict[str, object] = {"hues": name}
    if saturation:
        params["saturation"] = round(max(-1.0, min(2.0, sign * factor * saturation)), 4)
    if lightness:
        params["lightness"] = round(max(-0.8, min(0.8, sign * factor * lightness)), 4)
    return Draft(OP, params)


def _edit(rest: str) -> tuple[float, float, str] | None:
    """The base saturation and lightness a clause asks of its colour, and the word saying so."""
    deep = next((w for w in _DEEP if has(rest, w)), None)
    if deep is not None:  # deeper: richer, and a little darker
        return BASE_SATURATION, -BASE_SATURATION * DEEP_DARKER, deep
    word = next((w for w in _SATURATION if has(rest, w)), None)
    if word is not None:
        return BASE_SATURATION * _SATURATION[word], 0.0, word
    word = next((w for w in _LIGHTNESS if has(rest, w)), None)
    if word is not None:
        return 0.0, BASE_LIGHTNESS * _LIGHTNESS[word], word
    return None


def _span(text: str, word: str) -> Span:
    match = re.search(rf"(?<![\w']){re.escape(word)}(?![\w'])", text)
    return Span(match.start(), match.end()) if match else Span(0, 0)


def ground(draft: Draft, context: PlanContext | None) -> Draft | Problem:
    """The draft when its colour is in the picture; else why not, offering the colours there."""
    if context is None or context.colours is None or draft.problem is not None:
        return draft
    found = context.colours()
    name = str(draft.params["hues"])
    if found.get(name, 0.0) >= MIN_SHARE:
        return replace(draft, note=None)
    edit = _said(draft.params)
    offers = tuple(f"make the {there}s {edit}" for there in present(found)[:2])
    instead = f'; e.g. "{offers[0]}"' if offers else ""
    return Problem(f"{absent(name, found)}, so I changed nothing{instead}", offers=offers)


def _said(params: dict[str, object]) -> str:
    """The edit of a draft in words, to offer it for another colour."""
    saturation = float(str(params.get("saturation", 0.0)))
    lightness = float(str(params.get("lightness", 0.0)))
    if saturation > 0 and lightness < 0:
        return "deeper"
    if saturation:
        return "more saturated" if saturation > 0 else "less saturated"
    return "lighter" if lightness > 0 else "darker"
