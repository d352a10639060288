"""A state of the picture said beside an edit is the reason for that edit, not a second one:
"make the paper whiter, its yellowish" (not also a yellow tint), "make the background pure
white, its a bit grey" (not also half grey), "the photo is kinda hazy, can u dehaze" (haze
taken out once), "brighten the faces a tad, theyre in shadow", "reduce the highlights a
little, the sky is blown".

A state alone is still a complaint read as its opposite ("its a bit cold, pls fix"), and a
state said as one more thing ("..., and it's a bit cold too") is still an edit of its own.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence

from gouache.planner.phrases import CAST_WORDS

# "it's ...", "theyre ...", "the sky is ...", "this is ...": a state, not an order
_STATE = re.compile(
    r"^(?:(?:because|since|as|cause|cuz|coz|cos)\s+)?"
    r"(?:(?P<pronoun>it'?s|its|it is|it looks|it seems|they'?re|theyre|they are|they look|"
    r"they seem)"
    r"|(?:the|this|that|my|her|his|their)\s+(?:[a-z]+\s+)?(?:is|are|looks?|seems?|was|were)"
    r"|(?:this|that|everything)\s+(?:is|looks|seems))\b"
)
# "it's a bit cold too", "also it's grainy": one more request
_MORE = re.compile(r"(?:^also\b|\b(?:too|also|as well)$)")
# The parts an edit names, which "it" or "they" in the state beside it then stands for.
_PART = re.compile(
    r"\b(?:paper|page|background|backdrop|sky|faces?|face|skin|eyes?|teeth|text|writing|"
    r"letters|words|subject|foreground|shadows|highlights|logo|colou?rs)\b"
)


def is_state(text: str) -> bool:
    """Whether the clause says how the picture is rather than what to do."""
    return _STATE.match(text) is not None and _MORE.search(text) is None


def reasons(texts: Sequence[str], reads: Callable[[str], str | None]) -> set[int]:
    """The indices of the clauses that give the reason for an edit beside them. `reads`
    gives the operator a clause reads as on its own, or None when it reads as no edit."""
    states = [i for i, text in enumerate(texts) if is_state(text)]
    edits = [i for i, text in enumerate(texts) if i not in states and reads(text) is not None]
    if not states or not edits:
        return set()
    ops = {reads(texts[i]) for i in edits}
    parts = any(_PART.search(texts[i]) for i in edits)
    found = set()
    for i in states:
        op = reads(texts[i])
        pronoun = _STATE.match(texts[i])
        about_the_part = parts and pronoun is not None and pronoun.group("pronoun") is not None
        if op is None or op in ops or about_the_part:
            found.add(i)
    return found


# "its yellowish", "the paper is a bit yellow", "it looks kinda grey": a cast complained of
_STATED_COLOUR = re.compile(
    r"^(?:it'?s|its|it is|it looks|it seems|(?:the|this|my)\s+(?:photo|picture|image|pic|"
    r"paper|page|scan|whole thing)\s+(?:is|looks|seems)|everything (?:is|looks))"
    r"\s+(?P<much>(?:a bit|a little|slightly|somewhat|quite|very|kind of|kinda|rather|way|too|"
    r"so|really|all)\s+)*(?P<colour>[a-z]+?)(?:ish)?$"
)


def stated_cast(text: str) -> str | None:
    """A state that names a colour cast, said as the complaint it is: "its yellowish" ->
    "too yellow" (not a yellow tint); a grey picture is a dull one ("its a bit grey" asks for
    colour, not for half grey)."""
    found = _STATED_COLOUR.match(text)
    if found is None:
        return None
    colour = found.group("colour")
    much = (found.group("much") or "").replace("too ", "").strip()
    if colour in CAST_WORDS:
        return f"{much} too {colour}".strip()
    if colour in ("grey", "gray", "greyi", "grayi"):
        return f"it looks {much} dull".replace("  ", " ")
    return None
