"""What every critic returns, and what it may look at.

A critic measures one checkable criterion of an image (requested text present, palette,
logo placement, identity...) and returns a `Score`: the measured value, the target, and
whether it passed. Critics never change pixels.

A critic that checks several measures at once (exposure: clipping and mean luminance)
reports in `value` and `target` the measure closest to failing, the binding one, and all
of them in `detail`; `passed` requires every measure to pass and `margin` is the smallest.

Two optional abilities, found with `isinstance` on the protocols below:

    ItemisedCritic     `scores()` gives one Score per item judged (one per character for
                       identity), each carrying a share of the critic's weight
    ConditionalCritic  `skip_reason()` says why the critic cannot judge with this context
                       (no source image for preservation), or None when it can

`score_all` runs a critic through both.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Literal, Protocol, runtime_checkable

from gouache.analysis.cache import Analysis
from gouache.images import Image

if TYPE_CHECKING:
    from gouache.characters import Character

# How `value` compares with `target` for a pass; "~=" is "within the tolerance in detail".
Comparison = Literal[">=", "<=", ">", "<", "~="]


@dataclass(frozen=True)
class Score:
    criterion: str
    # The measured value and the target, in the criterion's own unit (dB, share, distance...).
    value: float
    target: float
    passed: bool
    weight: float = 1.0
    unit: str = ""
    # One line a user can read: what was measured and, when it failed, why.
    detail: str = ""
    # How far from failing, in [0, 1] for a pass and below 0 for a fail; ranks candidates.
    margin: float = 0.0
    # How value must compare with target to pass, for tables and JSON readers.
    comparison: Comparison = ">="

    def to_json(self) -> dict[str, Any]:
        return {
            "criterion": self.criterion,
            "value": self.value,
            "target": self.target,
            "comparison": self.comparison,
            "passed": self.passed,
            "weight": self.weight,
            "unit": self.unit,
            "detail": self.detail,
            "margin": self.margin,
        }


@dataclass(frozen=True)
class CriticContext:
    """What a critic may consult besides the image."""

    analysis: Analysis
    # The image the edit started from, for preservation critics; None when judging alone.
    source: Image | None = None
    # Where the edit was meant to happen (True = edited), for preservation outside it.
    edit_mask: Any = None
    # Reference images by name (the logo named in a guideline, character photos...).
    references: Mapping[str, Image] = field(default_factory=dict)
    # The characters to recognise (name, reference embeddings, threshold), for identity.
    characters: Sequence[Character] = ()


class Critic(Protocol):
    """One criterion. `name` is unique within a guideline.

    `name` and `weight` are read-only here, so frozen dataclasses are critics too.
    """

    @property
    def name(self) -> str: ...

    @property
    def weight(self) -> float: ...

    def score(self, image: Image, context: CriticContext) -> Score: ...


@runtime_checkable
class ItemisedCritic(Protocol):
    """A critic that judges several items and can report each on its own line."""

    @property
    def name(self) -> str: ...

    @property
    def weight(self) -> float: ...

    def score(self, image: Image, context: CriticContext) -> Score: ...

    def scores(self, image: Image, context: CriticContext) -> list[Score]: ...


@runtime_checkable
class ConditionalCritic(Protocol):
    """A critic that needs something the context may lack."""

    @property
    def name(self) -> str: ...

    @property
    def weight(self) -> float: ...

    def score(self, image: Image, context: CriticContext) -> Score: ...

    def skip_reason(self, context: CriticContext) -> str | None: ...


@dataclass(frozen=True)
class Skipped:
    """A criterion that could not be judged, and why."""

    criterion: str
    reason: str

    def to_json(self) -> dict[str, Any]:
        return {"criterion": self.criterion, "reason": self.reason}


def score_all(critic: Critic, image: Image, context: CriticContext) -> list[Score] | Skipped:
    """Every Score a critic gives on `image` (one, or one per item), or why it was skipped."""
    if isinstance(critic, ConditionalCritic):
        reason = critic.skip_reason(context)
        if reason is not None:
            return Skipped(critic.name, reason)
    if isinstance(critic, ItemisedCritic):
        return critic.scores(image, context)
    return [critic.score(image, context)]


# -- margins ---------------------------------------------------------------------------------
def margin_at_least(value: float, target: float, scale: float) -> float:
    """(value - target) / scale in [-1, 1]: 0 at the target, 1 once `scale` above it."""
    return _clip_margin((value - target) / _positive(scale))


def margin_at_most(value: float, target: float, scale: float) -> float:
    """(target - value) / scale in [-1, 1]: 0 at the target, 1 once `scale` under it."""
    return _clip_margin((target - value) / _positive(scale))


def _positive(scale: float) -> float:
    return scale if scale > 1e-12 else 1.0


def _clip_margin(margin: float) -> float:
    if math.isnan(margin):
        return -1.0
    return max(-1.0, min(1.0, margin))
