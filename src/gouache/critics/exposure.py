"""Exposure: few clipped pixels, and a mean luminance in range.

Luma is Y' as `gouache.analysis.measures` defines it (BT.601, shared with the suggestions),
over every pixel, transparent ones (alpha under half) left out.

    clipped   the share of pixels with Y' <= 2 (crushed shadows) or Y' >= 253 (blown
              highlights); must be at most `max_clipped`
    mean      the mean of Y' / 255; must lie in [min_mean, max_mean]

This is a sanity check for photographs: a graphic on a pure white or black ground is
"clipped" by this definition, so give such guidelines a larger `max_clipped`. The value
and target are those of the measure closer to failing.
"""

from __future__ import annotations

from dataclasses import dataclass

from gouache.analysis.measures import luma, opaque_mask, tone_stats
from gouache.critics.base import Comparison, CriticContext, Score, margin_at_most
from gouache.images import Image

DEFAULT_MAX_CLIPPED = 0.05
DEFAULT_MIN_MEAN = 0.2
DEFAULT_MAX_MEAN = 0.8


@dataclass(frozen=True, kw_only=True)
class Exposure:
    """At most `max_clipped` of the pixels clipped; mean luma in [min_mean, max_mean]."""

    max_clipped: float = DEFAULT_MAX_CLIPPED
    min_mean: float = DEFAULT_MIN_MEAN
    max_mean: float = DEFAULT_MAX_MEAN
    name: str = "exposure"
    weight: float = 1.0

    def __post_init__(self) -> None:
        if not 0.0 <= self.max_clipped <= 1.0:
            raise ValueError(f"max_clipped must be in [0, 1], not {self.max_clipped}")
        if not 0.0 <= self.min_mean < self.max_mean <= 1.0:
            raise ValueError(
                f"the mean luminance range must satisfy 0 <= min < max <= 1, not "
                f"[{self.min_mean}, {self.max_mean}]"
            )

    def score(self, image: Image, context: CriticContext) -> Score:
        # 1. luma of the opaque pixels
        opaque = opaque_mask(image)
        if opaque is not None and not opaque.any():
            return Score(
                criterion=self.name,
                value=1.0,
                target=self.max_clipped,
                passed=False,
                weight=self.weight,
                unit="share clipped",
                detail="no opaque pixel to judge",
                margin=-1.0,
                comparison="<=",
            )
        tone = tone_stats(luma(image), opaque)

        # 2. clipping, and the mean against the nearer bound
        shadows, highlights = tone.shadows, tone.highlights
        clipped = shadows + highlights
        mean = tone.mean
        clip_margin = margin_at_most(clipped, self.max_clipped, max(self.max_clipped, 0.01))
        half = (self.max_mean - self.min_mean) / 2.0
        mean_margin = max(-1.0, min(1.0, min(mean - self.min_mean, self.max_mean - mean) / half))
        bound = self.min_mean if mean - self.min_mean < self.max_mean - mean else self.max_mean

        # 3. the measure closer to failing is reported
        detail = (
            f"clipped {clipped:.1%} (shadows {shadows:.1%}, highlights {highlights:.1%}; "
            f"max {self.max_clipped:.1%}), mean luminance {mean:.2f} "
            f"(range {self.min_mean:g}-{self.max_mean:g})"
        )
        comparison: Comparison = "<="
        value, target, unit = clipped, self.max_clipped, "share clipped"
        if mean_margin < clip_margin:
            comparison = ">=" if bound == self.min_mean else "<="
            value, target, unit = mean, bound, "mean luminance"
        return Score(
            criterion=self.name,
            value=value,
            target=target,
            passed=clipped <= self.max_clipped and self.min_mean <= mean <= self.max_mean,
            weight=self.weight,
            unit=unit,
            detail=detail,
            margin=min(clip_margin, mean_margin),
            comparison=comparison,
        )
