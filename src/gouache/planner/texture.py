"""Phrase rules of grain and clarity (`gouache.ops.texture`).

"add some grain", "make it grainy"        grain, amount 0.25 (an intensity word scales it)
"more grain", "heavy grain"               grain, 0.25 / 0.5
"less grain", "remove the grain"          denoise: grain asked to go is noise to remove
"add clarity", "more local contrast"      clarity 0.5; "less clarity" -0.3
"lift the shadows", "darker shadows"      shadows_highlights: shadows +0.5 / -0.5
"remove the haze", "clear up the fog"     dehaze, strength 0.8 ("a bit": 0.4)
"invert the colours", "make it dark mode" invert: a negative; dark mode keeps the hues
"recover the highlights", "blown out"     shadows_highlights: highlights -0.5 ("brighter
                                          highlights" +0.5); an intensity word scales it
"""

from __future__ import annotations

import re

from gouache.planner.clauses import has, percent
from gouache.planner.phrases import Clause, Draft, Rule
from gouache.planner.vocabulary import negated, removal

GRAIN = 0.25
CLARITY = 0.5


def _grain(c: Clause) -> Draft | None:
    if removal(c.rest):
        strength = min(1.0, 0.5 * c.factor)
        return Draft("denoise", {"strength": round(strength, 4)})
    value = percent(c.text)
    amount = value.value if value is not None else min(1.0, GRAIN * c.factor)
    return Draft("grain", {"amount": round(max(0.01, amount), 4)})


def _clarity(c: Clause) -> Draft | None:
    value = percent(c.text)
    amount = value.value if value is not None else min(2.0, CLARITY * c.factor)
    if negated(c.rest):
        amount = -min(1.0, 0.6 * amount)
    return Draft("clarity", {"amount": round(amount, 4)})


# The way each part goes: up opens the shadows or brightens the highlights.
_UP = re.compile(
    r"\b(?:lift|lifted|open|brighten|brighter|lighten|lighter|raise|boost|more|bring out|"
    r"increase|show|reveal|see)\b"
)
_DOWN = re.compile(
    r"\b(?:deepen|deeper|darken|darker|crush|crushed|lower|less|reduce|tame|tone down|dim|"
    r"recover|rescue|bring back|bring down|blown|fix|too bright|clipped|burnt)\b"
)
_SHADOW_WORDS = re.compile(r"\b(?:shadows|shadow detail|darks|dark areas|dark parts)\b")


def _shadows_highlights(c: Clause) -> Draft | None:
    amount = round(min(1.0, 0.5 * c.factor), 4)
    part = "shadows" if _SHADOW_WORDS.search(c.text) else "highlights"
    up, down = _UP.search(c.text), _DOWN.search(c.text)
    if part == "shadows":
        # "recover the shadow detail", "bring out the shadows": open them
        opened = has(c.text, "recover") or has(c.text, "rescue") or (up and not down)
        if not opened and not down:
            return None  # "the shadows" and no way to move them
        return Draft("shadows_highlights", {"shadows": amount if opened else -amount})
    if down or has(c.text, "blown out"):
        return Draft("shadows_highlights", {"highlights": -amount})
    if up:
        return Draft("shadows_highlights", {"highlights": amount})
    return None


def _invert(c: Clause) -> Draft | None:
    if re.search(r"\b(?:dark|night|light) mode\b|\b(?:dark|light) theme\b", c.text):
        # the hues stay: a dark-mode screenshot; refused where it is that already
        to = "light" if re.search(r"\blight (?:mode|theme)\b", c.text) else "dark"
        return Draft("invert", {"mode": "lightness", "to": to})
    return Draft("invert", {"mode": "negative"})


_CLEARING = re.compile(
    r"\b(?:remove|reduce|less|clear|clean|cut|dehaze|get rid|rid|take out|take away|lift|fix|"
    r"through|see through|too|it'?s|it is|looks|is)\b"  # "it's a bit foggy": a fault to fix
)


def _dehaze(c: Clause) -> Draft | None:
    """ "remove the haze", "dehaze it a bit", "clear up the fog", "it's too hazy"; adding haze
    or fog is not this."""
    if not (has(c.text, "dehaze") or _CLEARING.search(c.text)):
        return None
    return Draft("dehaze", {"strength": round(min(1.0, 0.8 * c.factor), 4)})


RULES: dict[str, Rule] = {
    "dehaze": _dehaze,
    "invert": _invert,
    "grain": _grain,
    "clarity": _clarity,
    "shadows_highlights": _shadows_highlights,
}
