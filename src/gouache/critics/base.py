"""What every critic returns, and what it may look at.

A critic measures one checkable criterion of an image (requested text present, palette,
logo placement, identity...) and returns a `Score`: the measured value, the target, and
whether it passed. Critics never change pixels.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, Protocol

from gouache.analysis.cache import Analysis
from gouache.images import Image


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

    def to_json(self) -> dict[str, Any]:
        return {
            "criterion": self.criterion,
            "value": self.value,
            "target": self.target,
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


class Critic(Protocol):
    """One criterion. `name` is unique within a guideline."""

    name: str
    weight: float

    def score(self, image: Image, context: CriticContext) -> Score: ...
