"""A colour cast complained of ("it's too blue", "too dark and a bit blue, fix it", "take out
the yellow cast"), taken out by the amount the picture itself shows.

The phrase rule reads the complaint as a warmth step of a fixed amount and names the cast
(`Draft.cast`). With the picture at hand, the amount is replaced by most of the warmth that
balances the picture's red and blue (`PlanContext.warmth`, read by grey edge): "a bit blue"
says that the picture is blue, not by how much. Only the direction asked for is ever taken.
Where the greys read no such cast (neutral, or leaning the other way) the user's eye still
decides, since grey edge reads a scene's own colour as a cast too (a cat's fur, a sunset): the
phrase's own step is taken, and the note says what the greys read.

    asked    the picture reads       the plan
    blue     balance >= +MIN_CAST   warmth + CAST_TAKEN x balance
    blue     otherwise              the phrase's step (warmer), noted
    yellow   balance <= -MIN_CAST   warmth + CAST_TAKEN x balance (a cooling)
    yellow   otherwise              the phrase's step (cooler), noted
    either   a grey picture         a Problem: it has no colour to take out
"""

from __future__ import annotations

from dataclasses import replace

from gouache.planner.phrases import Draft
from gouache.planner.plan import PlanContext
from gouache.planner.references import Problem

# A cast under 10 % warmth is too faint to see, so none to take out (suggestions round there).
MIN_CAST = 0.1
# The share of the measured cast taken out: most of it. Grey edge reads the scene's own colour
# with the cast (a blue sky, a warm room), so a fifth is left to the scene.
CAST_TAKEN = 0.8
# Which way each cast is balanced, and its opposite.
_SIGN = {"blue": 1.0, "yellow": -1.0}
_OPPOSITE = {"blue": "yellow", "yellow": "blue"}


def ground(draft: Draft, context: PlanContext | None) -> Draft | Problem:
    """The cast's warmth step with the amount the picture shows (see the module doc)."""
    if draft.cast not in _SIGN or context is None or context.warmth is None:
        return draft  # no picture: the phrase's own amount
    if context.grey is not None and context.grey():
        return Problem(
            f"the picture is black and white: it has no {draft.cast} to take out "
            '("sepia" or "duotone" give it a tone)'
        )
    balance = context.warmth()
    sign = _SIGN[draft.cast]
    if sign * balance < MIN_CAST:
        opposite = _OPPOSITE[draft.cast]
        reads = f"lean {opposite}" if -sign * balance >= MIN_CAST else "read neutral"
        note = (
            f"the picture's greys {reads} (grey edge), so no {draft.cast} cast was measured: "
            "the usual step was taken, as asked"
        )
        return replace(draft, note=note)
    amount = round(CAST_TAKEN * balance, 2)
    note = (
        f"a {draft.cast} cast read from the picture (grey edge): warmth {amount:+.0%} takes out "
        f"{CAST_TAKEN:.0%} of it"
    )
    return replace(draft, params={**draft.params, "amount": amount}, note=note)
