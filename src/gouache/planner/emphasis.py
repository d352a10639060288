"""Requests to highlight a part of the picture: "highlight the chart", "emphasise the total",
"draw attention to the logo".

"highlight" may mean a mark drawn on it (a box, a circle, a glow), the part brightened, or the
rest dimmed or cut away: different edits, and the offline editor cannot draw a mark (nor tell
"the chart" from the rest of a picture, though it finds faces). Nothing is guessed: the
question says so and offers the edits that do plan on this picture, each of which does one of
those things (`OFFERS`, planned before they are shown); the answer picks one by its number or
its words, as a format question's does. With none that plans, the reply says what to say.
"""

from __future__ import annotations

import re
from collections.abc import Callable

from gouache.planner import formats
from gouache.planner.plan import EditPlan, PlannerQuestion, PlannerReply, PlanOutcome

_ASKS = re.compile(
    r"^(?:(?:please|pls|can you|could you|can u)\s+)*"
    r"(?P<verb>highlight|emphasi[sz]e|spotlight|draw attention to|call attention to|"
    r"bring attention to|put the focus on|focus attention on)\s+(?P<thing>[^,;]+?)"
    r"(?:\s+(?:please|pls|plz))?\s*[.!?]*$"
)
# What each does toward a highlight: cut the rest away, set the main subject apart, darken
# the edges around the middle, or more contrast over all.
OFFERS = (
    "crop out the sidebar",
    "crop to the subject",
    "make the subject stand out",
    "add a vignette",
    "more contrast",
)
MOST = 4
_TONE = re.compile(r"\b(?:shadows?|highlights?|details?|texture|contrast|colou?rs?)\b")
# A face can be cropped to, where "the chart" cannot.
_FACE = re.compile(r"\b(?:face|faces|her|him|his|person|man|woman|portrait|head)\b")


def ask(
    instruction: str, plans: Callable[[str], PlanOutcome]
) -> PlannerQuestion | PlannerReply | None:
    """The question for a request to highlight something, or None when it is not one."""
    found = _ASKS.match(instruction.strip().lower())
    if found is None:
        return None
    thing, verb = found.group("thing"), found.group("verb")
    if _TONE.search(thing):
        return None  # "highlight the details": a tone edit's words, read as they are
    offers = ("crop to the face", *OFFERS) if _FACE.search(thing) else OFFERS
    kept = [offer for offer in offers if isinstance(plans(offer), EditPlan)][:MOST]
    said = (
        f'"{verb} {thing}" could mean a mark drawn on {thing}, {thing} made brighter, or the '
        "rest dimmed or cut away, and I do not guess which; offline I cannot draw a mark on "
        "the picture."
    )
    if not kept:
        return PlannerReply(
            instruction=instruction,
            message=f'{said} Say what to change, e.g. "more contrast".',
            suggestions=("more contrast",),
        )
    listed = "; ".join(f"{n}) {offer}" for n, offer in enumerate(kept, 1))
    message = f"{said} Which of these: {listed}? (answer with the number or the words)"
    # answered as a format question is: the option picked, planned as it is written
    return PlannerQuestion(
        instruction=instruction, message=message, options=tuple(kept), slot=formats.SLOT
    )
