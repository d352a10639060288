"""Reading falling weather: "add snow", "make it snow", "let it snow", "heavy snowfall",
"make it rain", "add some light rain" -> `snow` or `rain`.

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
WINDY = 35.0

_SNOW = re.compile(r"\b(?:snow(?:ing|fall|flakes?|s)?|snowy|blizzard|flurr(?:y|ies))\b")
_RAIN = re.compile(r"\b(?:rain(?:ing|fall|s)?|rainy|downpour|drizzl(?:e|ing))\b")
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
    """The snow or rain draft of a normalised clause, or None when it is not one."""
    op = "snow" if _SNOW.search(text) else "rain" if _RAIN.search(text) else None
    if op is None or (_SNOW.search(text) and _RAIN.search(text)):
        return None
    bare = (_SNOW if op == "snow" else _RAIN).sub(" ", text)
    ws = [w for w in words(bare) if not w.isdigit()]
    if any(w in _LYING for w in ws) or any(w not in _AROUND for w in ws):
        return None
    params: dict[str, Any] = {}
    factor = intensity(bare)
    if any(has(text, w) for w in _MOST):
        params["amount"] = 1.0
    elif factor is not None:
        params["amount"] = round(min(1.0, AMOUNT * factor), 4)
    if any(has(text, w) for w in ("windy", "wind", "blowing", "sideways")):
        params["wind"] = WINDY
    elif has(text, "straight down"):
        params["wind"] = 0.0
    seed = re.search(r"\bseed (\d{1,9})\b", text)
    params["seed"] = int(seed.group(1)) if seed else 0
    return Draft(op, params)
