"""Reading edits of the eyes and the teeth: "make her eyes pop", "brighten her eyes a bit",
"whiten her teeth", "whiter teeth" -> `brighten_eyes`, `whiten_teeth` (`gouache.ops.faceparts`).

    eyes     pop, brighten, brighter, lighter, sparkle, stand out, clearer, enhance, whiten,
             whiter ... with eye or eyes ("whiten her teeth and her eyes": the eyes' whites
             lifted, as the eyes are brightened); "a bit" halves the amount, "a lot" doubles
             it (at most 2)
    teeth    whiten, whiter, white, brighten, brighter, lighter, less yellow, clean ... with
             teeth, tooth or smile

The eyes named with a colour ("make her eyes blue", "red eyes") are not read here: a new eye
colour takes a generative backend, red eyes have their own edit (`red_eye`). Which faces: as
for a face's tone edit (`regional.face_target`): "her eyes" with several faces asks which,
"the eyes", "everyone's eyes" are all of them, "the eyes on the left" that face.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

from gouache.planner import regional, targets
from gouache.planner.clauses import colors, has
from gouache.planner.phrases import Draft
from gouache.planner.plan import PlanContext, PlannerQuestion
from gouache.planner.references import Problem
from gouache.planner.vocabulary import intensity, negated

EYES = "brighten_eyes"
TEETH = "whiten_teeth"
OPS = frozenset({EYES, TEETH})

_EYES = re.compile(r"\b(?:eyes|eye)\b")
_TEETH = re.compile(r"\b(?:teeth|tooth|smile)\b")
_EYE_EDIT = re.compile(
    r"\b(?:pop|pops|popping|brighten|brighter|brightened|bright|lighten|lighter|sparkle|"
    r"sparkly|sparkling|stand out|clearer|enhance|enhanced|punchier|brilliant|shine|shiny|"
    r"open up|livelier|lively|whiten|whitening|whitened|whiter)\b"
)
_TEETH_EDIT = re.compile(
    r"\b(?:whiten|whitening|whitened|whiter|white|brighten|brighter|bright|lighten|lighter|"
    r"clean|cleaner|bleach|(?:less|too|so|not as) yellow|yellow(?:ish|ness)? (?:out|off)|"
    r"(?:remove|take out|get rid of) the yellow(?:ness)?|(?:look|looks|are|is|seem|seems|got) "
    r"(?:a bit |so |very |really |kind of |quite )?yellow(?:ish)?|yellowed|yellowish|stained)\b"
)


def read(text: str) -> Draft | None:
    """The draft of one normalised clause that edits the eyes or the teeth; None otherwise."""
    if has(text, "red") or (negated(text) and not re.search(r"\byellow", text)):
        return None  # red eyes are red_eye's; "less bright eyes" is not offered
    if colors(_TEETH_EDIT.sub(" ", text)):
        return None  # "make her eyes blue", "make her teeth yellow" are no whitening
    stated = intensity(text)
    amount = round(min(2.0, 1.0 if stated is None else stated), 4)
    if _TEETH.search(text) and _TEETH_EDIT.search(text) and not _EYES.search(text):
        return regional.face_target(Draft(TEETH, {"amount": amount}), text)
    if _EYES.search(text) and _EYE_EDIT.search(text) and not _TEETH.search(text):
        return regional.face_target(Draft(EYES, {"amount": amount}), text)
    return None


def ground(
    draft: Draft,
    context: PlanContext | None,
    instruction: str = "",
    choices: Mapping[str, Any] | None = None,
) -> Draft | Problem | PlannerQuestion:
    """The draft with its faces numbered; a problem when there is no face, or for the teeth
    when no mouth shows any."""
    if context is None:
        return regional.numbered(draft, None, None)
    count = len(context.faces())
    part = "eyes" if draft.op == EYES else "teeth"
    if count == 0:
        return Problem(
            f"I find {part} only in people's faces, and I can't find a face in this picture; "
            "for an animal's, use a generative backend (--backend gemini, openai, diffusers or "
            "comfyui)"
        )
    grounded = regional.numbered(draft, context, (choices or {}).get(targets.SLOT), instruction)
    if draft.op == TEETH and isinstance(grounded, Draft) and context.region("teeth") == 0.0:
        whose = _whose(instruction, count)
        return Problem(f"I found {whose} but no teeth showing, so I changed nothing")
    return grounded


def _whose(instruction: str, count: int) -> str:
    """ "her mouth", "his mouth", "the 3 mouths": as the request said it."""
    said = instruction.lower()
    for pronoun in ("her", "his", "their"):
        if has(said, pronoun):
            return f"{pronoun} mouth" if count == 1 or pronoun != "their" else "their mouths"
    return "the mouth" if count == 1 else f"the {count} mouths"
