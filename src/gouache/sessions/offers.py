"""Which suggestions to offer after a turn: never one that undoes the turn just made (the session
also passes the operators of the last few versions of the lineage), and
never one the user passed over twice.

    undoing     the same operator again ("cooler" right after "warmer"), or a tone fix right
                after a style or a look ("darken" after a sketch: the style was the choice)
    passed over shown after two turns that did something else; offered again once the user
                takes any suggestion of the same operator
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable

from gouache.suggest import Suggestion

STYLES = frozenset({"sketch", "cartoon", "watercolor", "posterize", "pixel_art", "halftone",
                    "duotone", "look", "grayscale", "sepia", "color_transfer"})  # fmt: skip
TONES = frozenset({"brightness", "contrast", "saturation", "warmth", "exposure", "auto_enhance",
                   "tint", "denoise", "sharpen", "restore"})  # fmt: skip
PASSED_OVER = 2


def undoes(op: str, done: set[str]) -> bool:
    """Whether an idea of operator `op` would undo a turn that ran the operators `done`."""
    return op in done or (bool(done & STYLES) and op in TONES)


class Offers:
    """What was offered in one conversation, and what was passed over."""

    def __init__(self) -> None:
        self._passed: Counter[str] = Counter()
        self._last: tuple[Suggestion, ...] = ()

    def choose(
        self, ideas: Iterable[Suggestion], done: set[str], limit: int
    ) -> tuple[Suggestion, ...]:
        """The ideas to offer now, given what the turn just did; remembers them."""
        for idea in self._last:
            if idea.op in done:
                self._passed[idea.instruction] = 0  # taken, or its operator was
            else:
                self._passed[idea.instruction] += 1
        fresh = [
            idea
            for idea in ideas
            if not undoes(idea.op, done) and self._passed[idea.instruction] < PASSED_OVER
        ]
        self._last = tuple(fresh[:limit])
        return self._last
