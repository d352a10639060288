"""Reading "make the reds more saturated", "increase the saturation of the brown", "the yellows
are too strong", "make the blues deeper" -> `adjust_color` (one colour of the picture).

A clause is read here when it names a colour as the pixels of it (a plural, "the reds", or
"the brown" followed by an edit or nothing) and an edit of saturation or lightness, and no
region ("the greens in the background" is the background's). Less of a colour ("make the blue
less blue") is left to the readings of a colour change.

    saturation   saturated, vivid, vibrant, rich, strong, bold, pop ... (+), muted, dull,
                 weak, desaturate ... (-), grey or black and white (-1); BASE_SATURATION
    lightness    brighter, lighter (+), darker (-); BASE_LIGHTNESS
    deeper       more saturated and a little darker (DEEP_DARKER of the amount)
    hue          "pinker", "more red", "towards yellow": turned HUE_SHARE of the way from the
                 colour's middle hue to the other's (at most MAX_TURN degrees); "to orange",
                 "make the reds orange": all of the way (at most MAX_FULL_TURN, further is
                 refused, offering the half turn)

The direction turns round for "less", "reduce", "too" and a state complained of ("the greens
look dull"); "a tad", "way more" scale the amount as for the tone edits. The grounding refuses
a colour the picture (almost) lacks, naming those it has (`ops.selective.shares`).
"""

from __future__ import annotations

import re
from dataclasses import replace

from gouache.colors import parse_color
from gouache.ops.replacecolor import colour_name
from gouache.ops.selective import MIN_SHARE, absent, middle, present
from gouache.planner import regional
from gouache.planner.clauses import Span, has, without, words
from gouache.planner.phrases import Draft
from gouache.planner.plan import PlanContext, PlannerQuestion
from gouache.planner.references import Problem
from gouache.planner.vocabulary import (
    FILLER,
    INTENSITY,
    TINT_WORDS,
    complained,
    intensity,
    negated,
    word_set,
)

OP = "adjust_color"
BASE_SATURATION = 0.3
BASE_LIGHTNESS = 0.2
DEEP_DARKER = 1 / 3  # "deeper": this much lightness taken off for the saturation added
HUE_SHARE = 0.5
MAX_TURN = 60.0
MAX_FULL_TURN = 60.0  # a colour turned into another further round the wheel looks painted

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
    r"slightly|much|way|brighter|darker|lighter|stronger|weaker|richer|deeper|bolder|redder|bluer|"
    r"greener|yellower|pinker|purpler|towards?|[a-z]+ish|[a-z]+ed)\b)"
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
# A region named ("the greens in the background"), a colour to change into ("change the blue to
# red"): another reading's.
_ELSEWHERE = re.compile(
    rf"\b(?:to|into) (?:{_NAME})\b|\b(?:background|bg|sky|faces?|skin|subject|foreground|left|"
    r"right|top|bottom)\b"
)
# The colour a colour becomes: "turn the reds to orange", "make the purples pink", "change the
# blues into greens"; "-ish" ("to green-ish") is half of the way.
_INTO = re.compile(
    rf"^(?:please )?(?:make|turn|change|shift|switch|convert|swap|recolou?r)\b.*?"
    rf"(?:\b(?:in)?to|\binto|(?<=make)|(?<=turn)) +(?P<name>{_NAME})(?:s|es)?(?P<ish> ?ish)?"
    r"(?: (?:instead|please|pls))?$"
)
# Things whose colour is their own: "make the petals pinker" turns that colour, not a tint.
_FLOWERS = re.compile(r"\b(?:the |its |her )?(?:petals|flowers?|blossoms?|blooms?)\b")
# A thing named by its colour: "make the blue car green-ish", "turn my red scarf pink".
_THING = re.compile(
    rf"\b(?:the|my|his|her|its|our|their|that|this) (?P<own>{_NAME}) (?P<thing>[a-z]{{3,}})\b"
)
_NOT_THINGS = word_set(
    "ones, areas, parts, tones, colour, color, colours, colors, hues, bits, shades, one, more, less"
)
# Things whose colour is a colour of the picture: "make the grass greener", "the sky bluer".
_NATURE = re.compile(
    r"\b(?:the |my |our )?(?P<thing>grass|lawn|leaves|foliage|greenery|vegetation|trees|forest|"
    r"fields?|meadows?|hills|bushes|plants|sky|skies)\b"
)
_SOME = frozenset(w for phrase, _ in INTENSITY for w in words(phrase))
# Another colour to lean toward or away from: "more red", "towards yellow", "less yellow"
_TOWARD = re.compile(rf"\b(?P<way>more|less|towards?) (?P<name>{_NAME})\b")


def read(text: str) -> Draft | None:
    """The adjust_color draft of a normalised clause, or None when it is not one."""
    said = _PLURAL.search(text) or _SINGULAR.search(text)
    if said is None:
        return _of_flowers(text) or _of_thing(text) or _of_nature(text)
    name = _NAMES[said.group("name")]
    rest = without(text, [Span(said.start(), said.end())]).replace("n't ", " not ")
    into = _INTO.search(" ".join(rest.split()))
    if into is not None and _NAMES[into.group("name")] != name:  # "turn the reds to orange"
        return _into(name, _NAMES[into.group("name")], half=bool(into.group("ish")))
    if _ELSEWHERE.search(rest):
        return None
    toward = _toward(rest)
    if toward is not None:  # "make the oranges pinker", "the greens less yellow"
        target, word, way = toward
        others = without(rest, [_span(rest, word)])
        factor = way * _factor(others)
        if target == name:  # "make the blues bluer": more of their own colour
            amount = round(max(-1.0, BASE_SATURATION * factor), 4)
            return Draft(OP, {"hues": name, "saturation": amount})
        return _turned(name, target, factor)
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


def _toward(rest: str) -> tuple[str, str, int] | None:
    """The colour a clause leans its colour toward (way 1) or away from (-1), and the words
    saying so."""
    said = _TOWARD.search(rest)
    if said is not None:
        return _NAMES[said.group("name")], said.group(0), -1 if said.group("way") == "less" else 1
    word = next((w for w in TINT_WORDS if has(rest, w)), None)
    return (TINT_WORDS[word], word, 1) if word is not None else None


def _turned(name: str, toward: str, factor: float) -> Draft:
    """The draft turning `name` toward the hue of `toward` (away, for a factor under 0), by
    HUE_SHARE of the way times `factor`, the short way round the wheel."""
    apart = (middle(toward) - middle(name) + 180.0) % 360.0 - 180.0
    turn = apart * HUE_SHARE * factor
    return Draft(OP, {"hues": name, "hue": round(max(-MAX_TURN, min(MAX_TURN, turn)), 2)})


def _into(name: str, into: str, half: bool) -> Draft:
    """The draft turning `name` all of the way to the hue of `into` (half of it for "-ish"),
    or why not: a turn over MAX_FULL_TURN degrees, or from or to brown, which is no hue."""
    if "brown" in (name, into):
        why = (
            "brown is a dark orange, not a hue of its own, so the mixer cannot turn a colour "
            f'into it or out of it; "make the {name}s darker" or "less saturated" can'
        )
        return Draft(OP, {"hues": name}, problem=why)
    if half:  # "to green-ish": as "more green"
        return _turned(name, into, 1.0)
    apart = (middle(into) - middle(name) + 180.0) % 360.0 - 180.0
    if abs(apart) > MAX_FULL_TURN:
        why = (
            f"{name} is {abs(apart):.0f}° from {into} round the colour wheel: turning it all of "
            f"the way would look painted on (I turn a colour at most {MAX_FULL_TURN:.0f}°); "
            f'"make the {name}s more {into}" turns it part of the way'
        )
        return Draft(OP, {"hues": name}, problem=why)
    return Draft(OP, {"hues": name, "into": into})


def _factor(others: str) -> float:
    stated = intensity(others)
    return 1.0 if stated is None else stated


def _of_flowers(text: str) -> Draft | None:
    """ "make the petals pinker": a flower's own colour turned toward another, which colour
    read from the picture (`ground`); the draft holds the colour to lean to and how far."""
    flowers = _FLOWERS.search(text)
    if flowers is None or _ELSEWHERE.search(text):
        return None
    rest = without(text, [Span(flowers.start(), flowers.end())])
    toward = _toward(rest)
    if toward is None:
        return None
    target, word, way = toward
    factor = way * _factor(without(rest, [_span(rest, word)]))
    return Draft(OP, {"toward": target, "factor": factor})


def _of_nature(text: str) -> Draft | None:
    """ "make the grass greener", "the sky a bit bluer": the picture's greens (blues) more
    saturated and drawn toward their middle hue (`into` their own colour); `ground` falls back
    to a tint of the sky where the picture has no blue (a grey sky)."""
    said = _NATURE.search(text)
    if said is None:
        return None
    thing = said.group("thing")
    own = "blue" if thing in ("sky", "skies") else "green"
    rest = without(text, [Span(said.start(), said.end())])
    toward = _toward(rest)
    if toward is None or toward[0] != own or toward[2] != 1:
        return None
    others = without(rest, [_span(rest, toward[1])])
    stated = intensity(others)
    if any(w not in FILLER and w not in _SOME for w in words(others)):
        return None  # "make the sky darker and bluer": the sky's own edits (`regional`)
    amount = round(min(2.0, BASE_SATURATION * (1.0 if stated is None else stated)), 4)
    return Draft(OP, {"hues": own, "saturation": amount, "into": own, "thing": thing})


def _of_thing(text: str) -> Draft | None:
    """ "make the blue car green-ish": the thing's colour turned toward another, if the
    thing is the subject that colour is almost only on (`ground`)."""
    said = _THING.search(text)
    if said is None or said.group("thing") in _NOT_THINGS:
        return None
    own = _NAMES[said.group("own")]
    rest = " ".join(without(text, [Span(said.start(), said.end())]).split())
    into = _INTO.search(rest)
    whole = into is not None and not into.group("ish")  # "turn it green": all of the way
    if into is not None:
        target, factor = _NAMES[into.group("name")], 1.0
    else:
        toward = _toward(rest)
        if toward is None:
            return None
        target, word, way = toward
        factor = way * _factor(without(rest, [_span(rest, word)]))
    if target == own:
        return None
    thing = said.group("thing")
    params = {"toward": target, "factor": factor, "own": own, "thing": thing, "whole": whole}
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


def ground(
    draft: Draft, context: PlanContext | None, instruction: str = ""
) -> Draft | Problem | PlannerQuestion:
    """The draft when its colour is in the picture; else why not, offering the colours there.
    A flower's colour is the subject's own (`ops.selective.own_colour`); with none, or no
    picture, the subject is tinted as "make the cat redder" is."""
    if "into" in draft.params and "thing" in draft.params:
        return _nature(draft, context, instruction)
    if "thing" in draft.params:
        return _thing(draft, context)
    if "toward" in draft.params:
        own = context.subject_colour() if context and context.subject_colour else None
        toward, factor = str(draft.params["toward"]), float(draft.params["factor"])
        if own is None or own == toward:
            tint = {"region": "subject", "edit": "tint", "color": parse_color(toward),
                    "amount": 0.25}  # fmt: skip
            return regional.ground(Draft(regional.OP, tint), context, instruction)
        turned = _turned(own, toward, factor)
        note = f"the {own} of the subject (the picture's only {own}) turned toward {toward}"
        return replace(turned, note=note)
    if context is None or context.colours is None or draft.problem is not None:
        return draft
    found = context.colours()
    name = str(draft.params["hues"])
    if found.get(name, 0.0) >= MIN_SHARE:
        return replace(draft, note=None)
    edit = _said(draft.params)
    there = present(found)[:2] if edit else []
    offers = tuple(f"make the {colour}s {edit}" for colour in there)
    instead = f'; e.g. "{offers[0]}"' if offers else ""
    return Problem(f"{absent(name, found)}, so I changed nothing{instead}", offers=offers)


def _nature(
    draft: Draft, context: PlanContext | None, instruction: str
) -> Draft | Problem | PlannerQuestion:
    """The grass's greens made richer and drawn toward pure green (there is no grass to pick
    out: every green goes with it); the sky's own blue richer, or a grey sky (or, with no
    picture, any sky) tinted."""
    params = {k: v for k, v in draft.params.items() if k != "thing"}
    own, thing = str(params["hues"]), str(draft.params["thing"])
    if own == "blue":
        found = context.colours() if context is not None and context.colours else None
        edit: dict[str, object] = {"region": "sky", "edit": "saturation",
                                   "amount": params["saturation"]}  # fmt: skip
        if found is None or found.get(own, 0.0) < MIN_SHARE:  # a grey sky, or none seen
            edit = {"region": "sky", "edit": "tint", "color": parse_color(own), "amount": 0.25}
        return regional.ground(Draft(regional.OP, edit), context, instruction)
    grounded = ground(Draft(OP, params), context, instruction)
    if not isinstance(grounded, Draft):
        return grounded
    note = f"the {thing} by its colour: every {own} of the picture, {thing} or not"
    return replace(grounded, note=note)


def _thing(draft: Draft, context: PlanContext | None) -> Draft | Problem:
    """A thing's colour turned when the subject is the only thing of that colour here; else
    refused: turning it would turn every pixel of that colour (the sky with a blue car)."""
    own, thing = str(draft.params["own"]), str(draft.params["thing"])
    toward, factor = str(draft.params["toward"]), float(draft.params["factor"])
    subject = context.subject_colour() if context and context.subject_colour else None
    if subject == own:
        whole = bool(draft.params["whole"])
        turned = _into(own, toward, half=False) if whole else _turned(own, toward, factor)
        if turned.problem is None:
            note = f"the {own} of the subject (the picture's only {own}) turned toward {toward}"
            return replace(turned, note=note)
    offer = f"make the {own}s more {toward}"
    return Problem(
        f"I cannot pick out the {thing} by itself: its {own} is not the subject's alone here, "
        f'so turning it would turn every {own} pixel; "{offer}" does that, and a generative '
        "backend (--backend gemini, openai, diffusers or comfyui) can recolour one thing",
        offers=(offer,),
    )


def swapped(draft: Draft, context: PlanContext | None) -> Draft | Problem:
    """A `replace_color` draft ("turn the red to orange"), or, on a photo with that colour,
    where replacing it is refused (shades everywhere), the mixer's turn of it to the other
    colour's hue, shading kept."""
    if context is None or context.takes is None or context.colours is None:
        return draft
    name = colour_name(tuple(draft.params["source"]))
    into = colour_name(tuple(draft.params["color"]))
    if name is None or into is None or draft.params.get("things", "all") != "all":
        return draft
    if context.colours().get(name, 0.0) < MIN_SHARE or context.takes(draft.op, draft.params):
        return draft
    turned = _into(name, into, half=False)
    if turned.problem is not None:
        return Problem(turned.problem, offers=(f"make the {name}s more {into}",))
    note = f"a photo: the {name} pixels' hue turned to {into}, their shading kept"
    return replace(turned, note=note)


def _said(params: dict[str, object]) -> str:
    """The edit of a draft in words, to offer it for another colour ("" for a turn of hue,
    whose way depends on the colour)."""
    if params.get("hue") or params.get("into"):
        return ""
    saturation = float(str(params.get("saturation", 0.0)))
    lightness = float(str(params.get("lightness", 0.0)))
    if saturation > 0 and lightness < 0:
        return "deeper"
    if saturation:
        return "more saturated" if saturation > 0 else "less saturated"
    return "lighter" if lightness > 0 else "darker"
