"""Reading falling weather: "add snow", "make it snow", "let it snow", "heavy snowfall",
"make it rain", "add some light rain" -> `snow` or `rain`; "add some fog", "make it misty"
-> `add_fog` (taking fog out, "it's too foggy", is the dehaze's).

Only weather falling through the air is an overlay; snow lying on the ground or the roofs, a
winter scene, a storm sky need new content and stay with the generative backends (a clause
that names more than the weather is not read here). "light" and "a bit" halve the default
amount, "heavy" and "a lot" double it, a blizzard or a downpour is the most; "windy" leans the
fall. The seed is written into the step, so the recipe redraws the same flakes.
"""

from __future__ import annotations

import re
from typing import Any

from gouache.planner.clauses import has, words
from gouache.planner.phrases import Draft
from gouache.planner.vocabulary import FILLER, intensity, word_set

AMOUNT = 0.5
FOG_NOTE = (
    "fog thickens toward the top of the frame, the far part of most photos; no depth is "
    "measured, so a near thing at the top fades too"
)
WINDY = 35.0

_SNOW = re.compile(r"\b(?:snow(?:ing|fall|flakes?|s)?|snowy|blizzard|flurr(?:y|ies))\b")
_RAIN = re.compile(r"\b(?:rain(?:ing|fall|s)?|rainy|downpour|drizzl(?:e|ing))\b")
_FOG = re.compile(r"\b(?:fog|foggy|mist|misty|haze|hazy)\b")
# Fog is added only when asked for: "too foggy", "less hazy" are faults to take out.
_FOG_NOT = word_set("too, less, remove, reduce, clear, cut, through, see, it's, its, is, was")
_MOST = ("blizzard", "downpour")
# What may stand around the weather word and ask nothing more.
_AROUND = FILLER | word_set(
    "add, make, let, put, give, have, it, is, was, like, look, looks, as, if, its, it's, some, "
    "a, an, bit, of, falling, fall, more, light, heavy, lots, lot, little, gentle, soft, thick, "
    "steady, windy, wind, blowing, sideways, straight, down, over, on, in, the, picture, photo, "
    "scene, seed, effect, overlay, please, pls, tad, much, way, very, really, slightly, "
    "subtle, few, flakes, drops, streaks, storm, snowstorm, day, too"
)
# Words that put the weather somewhere it lies, or ask for a new scene: not an overlay.
_LYING = word_set(
    "ground, roof, roofs, rooftops, mountain, mountains, covered, cover, covering, lying, "
    "winter, wintry, puddles, puddle, wet, street, streets, road, sky, clouds, cloudy, "
    "umbrella, lens, window, glass, drops"
)


def read(text: str) -> Draft | None:
    """The snow, rain or fog draft of a normalised clause, or None when it is not one."""
    kinds = [(op, found) for op, found in (("snow", _SNOW), ("rain", _RAIN), ("add_fog", _FOG))
             if found.search(text)]  # fmt: skip
    if len(kinds) != 1:
        return None
    op, found = kinds[0]
    if op == "add_fog" and any(w in _FOG_NOT for w in words(text)):
        return None
    bare = found.sub(" ", text)
    ws = [w for w in words(bare) if not w.isdigit()]
    if any(w in _LYING for w in ws) or any(w not in _AROUND for w in ws):
        return None
    params: dict[str, Any] = {}
    factor = intensity(bare)
    if any(has(text, w) for w in _MOST):
        params["amount"] = 1.0
    elif factor is not None:
        params["amount"] = round(min(1.0, AMOUNT * factor), 4)
    if op == "add_fog":
        return Draft(op, params, note=FOG_NOTE)
    if any(has(text, w) for w in ("windy", "wind", "blowing", "sideways")):
        params["wind"] = WINDY
    elif has(text, "straight down"):
        params["wind"] = 0.0
    seed = re.search(r"\bseed (\d{1,9})\b", text)
    params["seed"] = int(seed.group(1)) if seed else 0
    return Draft(op, params)
