"""Phrase rules of grain and clarity (`gouache.ops.texture`).

"add some grain", "make it grainy"        grain, amount 0.25 (an intensity word scales it)
"more grain", "heavy grain"               grain, 0.25 / 0.5
"less grain", "remove the grain"          denoise: grain asked to go is noise to remove
"add clarity", "more local contrast"      clarity 0.5; "less clarity" -0.3
"""

from __future__ import annotations

from gouache.planner.clauses import percent
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


RULES: dict[str, Rule] = {"grain": _grain, "clarity": _clarity}
