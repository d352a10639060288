"""AspectSize: the aspect ratio is one of those allowed, and the size within bounds.

The aspect ratio is width / height. It matches an allowed ratio r when
|width / height - r| / r <= tolerance (1 % by default: 1080 x 1350 is 4:5 exactly,
1080 x 1360 is 0.7 % off). Sizes are in pixels, each bound optional.

The value and target are those of the check closest to failing: the aspect ratio and the
nearest allowed ratio, or a side and its bound; every check is in `detail`.
"""

from __future__ import annotations

from dataclasses import dataclass
from fractions import Fraction

from gouache.critics.base import Comparison, CriticContext, Score, margin_at_least, margin_at_most
from gouache.images import Image

DEFAULT_TOLERANCE = 0.01


def parse_ratio(value: object) -> float:
    """An aspect ratio from "4:5", "4/5", "16x9", 0.8 or (4, 5)."""
    if isinstance(value, bool):
        raise ValueError(f"not an aspect ratio: {value!r}")
    if isinstance(value, int | float):
        ratio = float(value)
    elif isinstance(value, list | tuple) and len(value) == 2:
        ratio = float(value[0]) / float(value[1])
    elif isinstance(value, str):
        text = value.strip().lower()
        for sep in (":", "/", "x"):
            if sep in text:
                left, _, right = text.partition(sep)
                ratio = float(left) / float(right)
                break
        else:
            ratio = float(text)
    else:
        raise ValueError(f'not an aspect ratio: {value!r}; write it as "4:5" or 0.8')
    if not 0.01 <= ratio <= 100.0:
        raise ValueError(f"aspect ratio {value!r} is out of range")
    return ratio


def ratio_name(ratio: float) -> str:
    """4:5 for 0.8, 16:9 for 1.777..., else the number."""
    fraction = Fraction(ratio).limit_denominator(32)
    if abs(float(fraction) - ratio) < 1e-4:
        return f"{fraction.numerator}:{fraction.denominator}"
    return f"{ratio:.3f}"


@dataclass(frozen=True)
class _Check:
    what: str
    value: float
    target: float
    passed: bool
    margin: float
    comparison: Comparison
    unit: str


@dataclass(frozen=True, kw_only=True)
class AspectSize:
    """Aspect ratio (width / height) near one of `ratios`; sides within the bounds given."""

    ratios: tuple[float, ...] = ()
    tolerance: float = DEFAULT_TOLERANCE
    min_width: int | None = None
    min_height: int | None = None
    max_width: int | None = None
    max_height: int | None = None
    name: str = "geometry"
    weight: float = 1.0

    def __post_init__(self) -> None:
        bounds = (self.min_width, self.min_height, self.max_width, self.max_height)
        if not self.ratios and all(bound is None for bound in bounds):
            raise ValueError("give at least one aspect ratio or size bound")
        if not 0.0 <= self.tolerance < 1.0:
            raise ValueError(f"tolerance must be in [0, 1), not {self.tolerance}")
        for bound in bounds:
            if bound is not None and bound < 1:
                raise ValueError(f"size bounds are positive pixel counts, not {bound}")
        for low, high, side in (
            (self.min_width, self.max_width, "width"),
            (self.min_height, self.max_height, "height"),
        ):
            if low is not None and high is not None and low > high:
                raise ValueError(f"min {side} {low} is above max {side} {high}")

    def score(self, image: Image, context: CriticContext) -> Score:
        height, width = image.shape[:2]
        checks = self._checks(width, height)
        binding = min(checks, key=lambda check: check.margin)
        passed = all(check.passed for check in checks)
        notes = "; ".join(check.what + ("" if check.passed else " (fails)") for check in checks)
        return Score(
            criterion=self.name,
            value=binding.value,
            target=binding.target,
            passed=passed,
            weight=self.weight,
            unit=binding.unit,
            detail=f"{width}x{height}: {notes}",
            margin=binding.margin,
            comparison=binding.comparison,
        )

    def _checks(self, width: int, height: int) -> list[_Check]:
        checks: list[_Check] = []
        # 1. the aspect ratio against the nearest allowed one
        if self.ratios:
            aspect = width / height
            nearest = min(self.ratios, key=lambda r: abs(aspect - r) / r)
            error = abs(aspect - nearest) / nearest
            allowed = " or ".join(ratio_name(r) for r in self.ratios)
            checks.append(
                _Check(
                    what=(
                        f"aspect {aspect:.3f} is {error:.1%} from {ratio_name(nearest)} "
                        f"(allowed {allowed} ± {self.tolerance:.1%})"
                    ),
                    value=aspect,
                    target=nearest,
                    passed=error <= self.tolerance,
                    margin=margin_at_most(error, self.tolerance, max(self.tolerance, 0.01)),
                    comparison="~=",
                    unit="W/H",
                )
            )
        # 2. each bound given: a size within it is simply right (margin 1), one outside it
        #    is as far off as its distance to the bound, scaled by the bound
        for side, size, low, high in (
            ("width", width, self.min_width, self.max_width),
            ("height", height, self.min_height, self.max_height),
        ):
            if low is not None:
                checks.append(
                    _Check(
                        f"{side} {size} px >= {low}",
                        size,
                        low,
                        size >= low,
                        1.0 if size >= low else margin_at_least(size, low, low),
                        ">=",
                        "px",
                    )
                )
            if high is not None:
                checks.append(
                    _Check(
                        f"{side} {size} px <= {high}",
                        size,
                        high,
                        size <= high,
                        1.0 if size <= high else margin_at_most(size, high, high),
                        "<=",
                        "px",
                    )
                )
        return checks
