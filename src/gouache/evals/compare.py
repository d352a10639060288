"""The regression gate: what moved between two reports, and whether a worst case regressed.

For every variant and metric in both reports, the median, the worst 5 % and the failure
rate are compared. A regression is a worst 5 % that moved in the worse direction by more
than the metric's tolerance, or a failure rate (of a metric, or of the cases) that rose by
more than FAILURE_TOLERANCE, or a drift chain whose worst turn (lowest PSNR outside the
edits, lowest identity) fell by more than that metric's tolerance. Medians are shown,
never judged; time is machine-dependent and is judged only when a tolerance is given for
`seconds`.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from gouache.errors import InputError
from gouache.evals.report import format_value
from gouache.evals.scoring import METRICS

# absolute, in each metric's unit
DEFAULT_TOLERANCES: dict[str, float] = {
    "psnr_outside": 1.0,
    "ssim_outside": 0.01,
    "identity": 0.03,
    "text": 0.05,
    "absent_text": 0.5,
    "aspect_error": 0.002,
    "change": 0.5,
    "guideline": 0.05,
}
FAILURE_TOLERANCE = 0.02


@dataclass(frozen=True)
class Movement:
    variant: str
    metric: str
    figure: str  # median, worst5, failure_rate, "chain N" (the worst turn of N)
    before: float | None
    after: float | None
    regressed: bool

    def line(self) -> str:
        mark = "REGRESSED" if self.regressed else "moved"
        show = _rate if self.figure == "failure_rate" else _value(self.metric)
        return (
            f"{mark:<9} {self.variant:<24} {self.metric:<14} {self.figure:<12} "
            f"{show(self.before)} -> {show(self.after)}"
        )


def _rate(value: float | None) -> str:
    return "-" if value is None else f"{value:.1%}"


def _value(metric: str):  # type: ignore[no-untyped-def]
    def show(value: float | None) -> str:
        return format_value(metric, value) if metric in METRICS else f"{value}"

    return show


def parse_tolerances(text: str | None) -> dict[str, float]:
    """`psnr_outside=0.5,identity=0.02` over the defaults; InputError names a bad entry."""
    found = dict(DEFAULT_TOLERANCES)
    for part in (text or "").split(","):
        if not part.strip():
            continue
        name, _, value = part.partition("=")
        name = name.strip()
        if name not in METRICS:
            raise InputError(f"--tolerance: no metric {name!r}; there are {', '.join(METRICS)}")
        try:
            found[name] = float(value)
        except ValueError:
            raise InputError(f"--tolerance: {part.strip()!r} is not METRIC=NUMBER") from None
        if found[name] < 0:
            raise InputError(f"--tolerance: {name} must not be negative")
    return found


def load_report(path: str | Path) -> dict[str, Any]:
    file = Path(path)
    try:
        data = json.loads(file.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise InputError(f"{path}: no such file") from None
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as err:
        raise InputError(f"{path}: not a readable JSON report ({err})") from None
    if not isinstance(data, dict) or not isinstance(data.get("summary"), dict):
        raise InputError(
            f"{path}: not an evaluation report (no summary); make one with gouache eval run"
        )
    return data


def compare(
    before: Mapping[str, Any], after: Mapping[str, Any], tolerances: Mapping[str, float]
) -> list[Movement]:
    """Every figure that moved, regressions marked."""
    moved: list[Movement] = []
    common = [v for v in before["summary"] if v in after["summary"]]
    if not common:
        raise InputError(
            "the two reports share no variant: "
            f"{', '.join(before['summary'])} against {', '.join(after['summary'])}"
        )
    for variant in common:
        old, new = before["summary"][variant], after["summary"][variant]
        for metric, spec in METRICS.items():
            a, b = old["metrics"].get(metric), new["metrics"].get(metric)
            if a is None or b is None:
                continue
            sign = 1.0 if spec.better == "higher" else -1.0
            tolerance = tolerances.get(metric)
            for figure in ("median", "worst5"):
                delta = sign * (b[figure] - a[figure])
                if abs(b[figure] - a[figure]) < 1e-9:
                    continue
                judged = figure == "worst5" and tolerance is not None
                moved.append(
                    Movement(
                        variant,
                        metric,
                        figure,
                        a[figure],
                        b[figure],
                        judged and tolerance is not None and -delta > tolerance,
                    )
                )
            ra, rb = a.get("failure_rate"), b.get("failure_rate")
            if ra is not None and rb is not None and abs(rb - ra) > 1e-9:
                moved.append(
                    Movement(variant, metric, "failure_rate", ra, rb, rb - ra > FAILURE_TOLERANCE)
                )
        moved += _chain_movements(before, after, variant, tolerances)
        ca, cb = old["failure_rate"], new["failure_rate"]
        if abs(cb - ca) > 1e-9:
            moved.append(
                Movement(variant, "cases", "failure_rate", ca, cb, cb - ca > FAILURE_TOLERANCE)
            )
    return moved


def _chain_movements(
    before: Mapping[str, Any],
    after: Mapping[str, Any],
    variant: str,
    tolerances: Mapping[str, float],
) -> list[Movement]:
    """The drift chain's worst turn (lowest PSNR, lowest identity) as worst-case figures,
    when both reports chained the same number of turns."""
    a, b = before.get("drift"), after.get("drift")
    if not a or not b or a["turns"] != b["turns"]:
        return []
    old, new = a["curves"].get(variant), b["curves"].get(variant)
    if not old or not new:
        return []
    moved = []
    for key, metric in (("psnr", "psnr_outside"), ("identity", "identity")):
        x = min((p[key] for p in old if p[key] is not None), default=None)
        y = min((p[key] for p in new if p[key] is not None), default=None)
        if x is None or y is None or abs(x - y) < 1e-9:
            continue
        tolerance = tolerances.get(metric)
        regressed = tolerance is not None and x - y > tolerance
        moved.append(Movement(variant, metric, f"chain {a['turns']}", x, y, regressed))
    return moved


def describe(moved: list[Movement], before: str, after: str) -> str:
    regressions = [m for m in moved if m.regressed]
    lines = [f"comparing {after} with {before}"]
    lines += [m.line() for m in sorted(moved, key=lambda m: not m.regressed)]
    if not moved:
        lines.append("nothing moved")
    lines.append(
        f"{len(regressions)} worst-case regression(s) beyond the tolerance"
        if regressions
        else "no worst-case regression beyond the tolerance"
    )
    return "\n".join(lines)
