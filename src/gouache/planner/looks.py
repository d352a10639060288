"""The phrase rule of named looks (`gouache.ops.looks`): which look, and how much of it.

    "give it a film look"        film, strength 1
    "a subtle vintage look"      vintage, strength 0.5 (an intensity word below 1)
    "film look at 30%"           film, strength 0.3
    "film noir"                  noir: the longest name wins

The plan records the look's recipe version, so a version says exactly which steps ran.
"""

from __future__ import annotations

import re

from gouache.ops.looks import find
from gouache.planner.clauses import percent
from gouache.planner.phrases import BASE_AMOUNT, Clause, Draft, Rule

NIGHT_NOTE = (
    "a day-for-night grade: darker, cooler and less saturated; the scene is not relit (no "
    "lamps, moon or stars are added; a generative backend can repaint it as night)"
)


# "the colours look washed out", "make it less faded": a complaint, which the faded look
# would make worse
_WASHED_OUT = re.compile(
    r"\b(?:looks?|is|are|it'?s|its|seems?|too|so|very|really|kind of|a bit|bit|less|not so|"
    r"not as)\s+(?:a bit\s+|so\s+|too\s+|"
    r"very\s+|really\s+)?(?:washed out|faded|dull|flat)\b"
)


def _look(c: Clause) -> Draft | None:
    found = find(c.text)
    if found is None:
        return None
    if found.name == "faded" and _WASHED_OUT.search(c.text):
        return Draft("saturation", {"amount": round(BASE_AMOUNT * c.factor, 4)})
    value = percent(c.text)
    strength = value.value if value is not None else min(1.0, c.factor)
    note = NIGHT_NOTE if found.name == "night" else None
    return Draft("look", {"name": found.name, "strength": round(strength, 4),
                          "version": found.version}, note=note)  # fmt: skip


RULES: dict[str, Rule] = {"look": _look}

SUNSET_NOTE = (
    "the golden hour grade: warmer, golden light with a little glow; the sky is not repainted "
    "(a generative backend can paint a sunset sky)"
)
# "sunset vibes": a time of day asked for as a mood is the look of that light. Read here, not
# as a look's name, so that "the sunset" may still name an attached picture.
_MOOD = re.compile(
    r"^(?:(?:give it|make it|add|i want|go for|more of) )?(?:a |an |some |that |more )?"
    r"(?:(?:warm|golden|nice|lovely|beautiful|pretty) )?"
    r"(?:sunset|sundown|dusk|golden light|evening)(?: (?:vibes?|feel|feeling|mood|look|tones?|"
    r"glow|colou?rs|light))+(?: (?:please|pls|plz))?$"
    # "make it look like sunset", "make it look like it was taken at sunset", "... like a
    # summer evening"
    r"|^(?:make it |can you make it |can u make it )?look like (?:a |it was (?:taken|shot) at |"
    r"it'?s )?(?:(?:summer|autumn|fall|spring|warm|late) )?(?:sunset|sundown|dusk|golden hour|"
    r"evening)(?: (?:please|pls|plz))?$"
    # "make it evening", "turn it into dusk", "make it a summer evening"
    r"|^(?:(?:can you |can u |pls |please )?(?:make it|turn it (?:into|to)|change it to) )"
    r"(?:an? )?(?:(?:summer|autumn|fall|spring|warm|late) )?(?:sunset|sundown|dusk|evening)"
    r"(?: (?:time|instead|scene|shot))?(?: (?:please|pls|plz))?$"
)


def read(text: str) -> Draft | None:
    """The golden hour look for "sunset vibes", "a sunset glow"; None for anything else."""
    if _MOOD.match(text.strip(" .!")) is None:
        return None
    found = find("golden hour")
    if found is None:
        return None
    params = {"name": found.name, "strength": 1.0, "version": found.version}
    return Draft("look", params, note=SUNSET_NOTE)
