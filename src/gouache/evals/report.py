"""A run's figures, worst first: per metric and category, the median, the worst 5 % and the
failure rate, and the cases behind the worst values.

The worst 5 % of a metric is its 5th percentile when higher is better and its 95th when
lower is better (numpy's linear interpolation between the closest ranks); its "lemons" are
the cases that failed or are at or beyond that value and worse than the median, worst
first, at most LEMONS (none when every case scored alike). The
failure rate counts the cases measured against a target that missed it; a case whose
turns made no version counts as failed, on every metric it asked for. `seconds` is
reported but not judged.
"""

from __future__ import annotations

import datetime
import math
import platform
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

import numpy as np

from gouache.evals.runs import CaseResult, Run
from gouache.evals.scoring import METRICS, CaseScore, Measure

LEMONS = 5
WORST_PERCENT = 5.0


def worst_value(values: Sequence[float], better: str) -> float:
    q = WORST_PERCENT if better == "higher" else 100.0 - WORST_PERCENT
    return float(np.percentile(np.asarray(values, dtype=np.float64), q))


def metric_stats(results: Iterable[CaseResult], metric: str) -> dict[str, Any] | None:
    """Median, worst 5 %, failure rate and lemons of one metric over some results."""
    spec = METRICS[metric]
    measured = [(r.case, r.score.measures[metric]) for r in results if metric in r.score.measures]
    if not measured:
        return None
    values = [m.value for _, m in measured]
    worst = worst_value(values, spec.better)
    judged = [m for _, m in measured if m.passed is not None]
    sign = 1.0 if spec.better == "higher" else -1.0
    ordered = sorted(measured, key=lambda item: sign * item[1].value)
    median = float(np.median(values))
    # a lemon is worse than the median or failed: when every case scored alike there is none
    beyond = [
        item
        for item in ordered
        if item[1].passed is False
        or (sign * item[1].value <= sign * worst and sign * item[1].value < sign * median)
    ]
    return {
        "n": len(values),
        "median": median,
        "worst5": worst,
        "failure_rate": (sum(not m.passed for m in judged) / len(judged)) if judged else None,
        "better": spec.better,
        "unit": spec.unit,
        "worst_cases": [
            {"case": case, "value": m.value, "detail": m.detail} for case, m in beyond[:LEMONS]
        ],
    }


def results_from_json(report: Mapping[str, Any]) -> list[CaseResult]:
    """The results of a JSON report, to summarise or render them again."""
    return [
        CaseResult(
            case=r["case"],
            category=r["category"],
            variant=r["variant"],
            score=CaseScore(
                {
                    name: Measure(
                        math.nan if m["value"] is None else float(m["value"]),
                        m["passed"],
                        m["detail"],
                    )
                    for name, m in r["measures"].items()
                },
                tuple(r["failures"]),
            ),
            reply=r["reply"],
            image=r["image"],
            source=r["source"],
        )
        for r in report["results"]
    ]


def group_stats(results: Sequence[CaseResult]) -> dict[str, Any]:
    metrics = {}
    for metric in METRICS:
        stats = metric_stats(results, metric)
        if stats is not None:
            metrics[metric] = stats
    failed = [r for r in results if not r.score.passed]
    return {
        "cases": len(results),
        "passed": len(results) - len(failed),
        "failure_rate": len(failed) / len(results) if results else 0.0,
        "not_done": sum(any(f.startswith("not done") for f in r.score.failures) for r in results),
        "metrics": metrics,
    }


def summarise(run: Run, *, drift: Mapping[str, Any] | None = None) -> dict[str, Any]:
    """The run as the JSON report: summary and categories per variant, every result."""
    by_variant: dict[str, list[CaseResult]] = {v: [] for v in run.variants}
    for result in run.results:
        by_variant[result.variant].append(result)
    categories = sorted({r.category for r in run.results})
    report: dict[str, Any] = {
        "suite": run.suite,
        "created": datetime.datetime.now(datetime.UTC).isoformat(timespec="seconds"),
        "machine": f"{platform.machine()}, {platform.python_implementation()} "
        f"{platform.python_version()}, {platform.system()}",
        "variants": run.variants,
        "seconds": {**run.seconds, "total": round(sum(run.seconds.values()), 2)},
        "cpu_seconds": {**run.cpu_seconds, "total": round(sum(run.cpu_seconds.values()), 2)},
        "summary": {v: group_stats(rs) for v, rs in by_variant.items()},
        "categories": {
            v: {c: group_stats([r for r in rs if r.category == c]) for c in categories}
            for v, rs in by_variant.items()
        },
        "cases": run.cases,
        "results": [r.to_json() for r in run.results],
    }
    if drift is not None:
        report["drift"] = dict(drift)
    return report


def format_value(metric: str, value: float | None) -> str:
    if value is None:
        return "-"
    unit = METRICS[metric].unit
    if unit == "dB":
        return f"{value:.1f}"
    if unit == "s":
        return f"{value:.2f}"
    if unit == "words":
        return f"{value:.1f}"
    return f"{value:.3f}"


def table(report: Mapping[str, Any]) -> str:
    """Median / worst 5 % / failure rate per metric (rows) and variant (columns), as text."""
    variants: list[str] = list(report["variants"])
    header = ["metric", *variants]
    rows = [header]
    for metric, spec in METRICS.items():
        cells = [f"{metric} ({spec.unit}, {spec.better} better)"]
        present = False
        for variant in variants:
            stats = report["summary"][variant]["metrics"].get(metric)
            if stats is None:
                cells.append("-")
                continue
            present = True
            rate = stats["failure_rate"]
            fail = f" fail {rate:.0%}" if rate is not None else ""
            cells.append(
                f"{format_value(metric, stats['median'])} / "
                f"{format_value(metric, stats['worst5'])}{fail}"
            )
        if present:
            rows.append(cells)
    cases = ["cases failed"]
    for variant in variants:
        s = report["summary"][variant]
        cases.append(f"{s['cases'] - s['passed']} of {s['cases']} ({s['failure_rate']:.0%})")
    rows.append(cases)
    cpu = report.get("cpu_seconds", {})
    rows.append(
        [
            "seconds (wall / cpu)",
            *(f"{report['seconds'].get(v, 0):.1f} / {cpu.get(v, 0):.1f}" for v in variants),
        ]
    )
    widths = [max(len(row[i]) for row in rows) for i in range(len(header))]
    lines = ["median / worst 5 % (failure rate) per metric"]
    for row in rows:
        lines.append("  ".join(cell.ljust(width) for cell, width in zip(row, widths, strict=True)))
    return "\n".join(line.rstrip() for line in lines)
