"""Comparatives that name an effect's own strength: "a darker shadow", "a stronger vignette",
"a bigger blur" ask for that one edit made stronger, not for a second edit of the whole
picture ("darker" alone is a brightness). The effect's rule scales its strength by what
`scale` gives: 1.5 ("a bit" 1.25, "much" 2.25, as a follow-up's "a bit darker shadow"
and conversation's "more"), or divides by it."""

from __future__ import annotations

from gouache.planner.clauses import has
from gouache.planner.vocabulary import intensity

# Per operator, the comparatives that raise its strength and those that lower it.
STRONGER = {
    "drop_shadow": ("darker", "stronger", "heavier", "bolder", "denser"),
    "vignette": ("darker", "stronger", "heavier", "deeper", "bigger"),
    "blur": ("bigger", "stronger", "heavier", "larger"),  # "blurrier" is the blur itself
}
WEAKER = {
    "drop_shadow": ("lighter", "fainter", "paler", "weaker"),
    "vignette": ("lighter", "fainter", "weaker", "subtler", "smaller"),
    "blur": ("smaller", "lighter", "weaker", "subtler", "gentler"),
}


def scale(op: str, text: str) -> float | None:
    """How much a comparative in `text` scales `op`'s strength (below 1: weaker); None when
    it says none. An intensity word sizes it: "a bit darker" 1.25, "much darker" 2.25."""
    up = any(has(text, word) for word in STRONGER.get(op, ()))
    down = any(has(text, word) for word in WEAKER.get(op, ()))
    if up == down:
        return None
    size = intensity(text)
    amount = 1.0 if size is None else size
    factor = 1.0 + 0.5 * amount if amount <= 1.0 else 1.5**amount
    return factor if up else 1.0 / factor


def words() -> frozenset[str]:
    """Every comparative here, for the vocabulary of the operators that read them."""
    return frozenset(w for table in (STRONGER, WEAKER) for ws in table.values() for w in ws)
