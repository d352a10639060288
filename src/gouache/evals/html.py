"""The HTML report: one self-contained file (inline SVG charts, images as data URIs).

Worst first: the summary table of medians and worst 5 %, then per metric the cases behind
the worst values with the source and every variant's result side by side, then the drift
curves, the categories and every failure.
"""

from __future__ import annotations

import base64
from collections.abc import Mapping
from html import escape
from pathlib import Path
from typing import Any

from gouache.evals import charts
from gouache.evals.report import format_value
from gouache.evals.scoring import METRICS

THUMBNAIL = 220

_STYLE = """
body{font-family:system-ui,sans-serif;margin:24px;color:#222;max-width:1400px}
table{border-collapse:collapse;margin:8px 0 20px}td,th{border:1px solid #ccc;padding:4px 8px;
font-size:13px;text-align:right}th:first-child,td:first-child{text-align:left}
.bad{background:#fde2e1}.lemon{display:flex;gap:10px;align-items:flex-start;margin:6px 0 18px;
flex-wrap:wrap}.lemon figure{margin:0;font-size:11px;max-width:230px}
.lemon img{display:block;border:1px solid #aaa}.charts{display:flex;flex-wrap:wrap;gap:16px}
.note{color:#666;font-size:12px}
"""


def render(report: Mapping[str, Any], folder: Path) -> str:
    """The whole page for a report whose images lie under `folder`."""
    variants: list[str] = list(report["variants"])
    results = {(r["case"], r["variant"]): r for r in report["results"]}
    parts = [
        "<!doctype html><html><head><meta charset='utf-8'>",
        f"<title>gouache eval: {escape(report['suite'])}</title>",
        f"<style>{_STYLE}</style></head><body>",
        f"<h1>Evaluation of suite {escape(report['suite'])}</h1>",
        f"<p class='note'>{escape(report['created'])}, {escape(report['machine'])}; "
        + ", ".join(
            f"{escape(v)} {report['seconds'].get(v, 0):.1f} s "
            f"({report.get('cpu_seconds', {}).get(v, 0):.1f} s CPU)"
            for v in variants
        )
        + "</p>",
        "<h2>Summary: median / worst 5 % (failure rate)</h2>",
        _summary_table(report["summary"], variants),
        "<div class='charts'>",
        *_metric_charts(report["summary"], variants),
        "</div>",
    ]
    if "drift" in report:
        parts += _drift(report["drift"])
    parts.append("<h2>Lemons: the cases behind the worst values</h2>")
    for metric in METRICS:
        if metric == "seconds":
            continue
        worst = _lemon_cases(report["summary"], variants, metric)
        if not worst:
            continue
        parts.append(f"<h3>{escape(METRICS[metric].label)} ({escape(metric)})</h3>")
        for case in worst:
            parts.append(_lemon_row(report, results, variants, case, metric, folder))
    parts.append("<h2>By category: median / worst 5 %, and the worst case</h2>")
    for variant in variants:
        parts.append(f"<h3>{escape(variant)}</h3>")
        parts.append(_category_table(report["categories"][variant]))
    parts.append("<h2>Every failure</h2>")
    for variant in variants:
        failed = [r for r in report["results"] if r["variant"] == variant and not r["passed"]]
        parts.append(f"<details><summary>{escape(variant)}: {len(failed)} failed</summary><ul>")
        parts += [
            f"<li><b>{escape(r['case'])}</b>: {escape('; '.join(r['failures']))}</li>"
            for r in failed
        ]
        parts.append("</ul></details>")
    parts.append("</body></html>")
    return "\n".join(parts)


def _summary_table(summary: Mapping[str, Any], variants: list[str]) -> str:
    rows = ["<table><tr><th>metric</th>" + "".join(f"<th>{escape(v)}</th>" for v in variants)]
    for metric, spec in METRICS.items():
        cells = []
        for variant in variants:
            stats = summary[variant]["metrics"].get(metric)
            if stats is None:
                cells.append("<td>-</td>")
                continue
            rate = stats["failure_rate"]
            bad = " class='bad'" if rate else ""
            fail = f" ({rate:.0%})" if rate is not None else ""
            cells.append(
                f"<td{bad}>{format_value(metric, stats['median'])} / "
                f"<b>{format_value(metric, stats['worst5'])}</b>{fail}</td>"
            )
        if any(c != "<td>-</td>" for c in cells):
            label = f"{spec.label} ({spec.unit}, {spec.better} is better)"
            rows.append(f"<tr><td>{escape(label)}</td>{''.join(cells)}</tr>")
    cases = "".join(
        f"<td>{summary[v]['cases'] - summary[v]['passed']} of {summary[v]['cases']}</td>"
        for v in variants
    )
    rows.append(f"<tr><td>cases failed</td>{cases}</tr></table>")
    return "".join(rows)


def _metric_charts(summary: Mapping[str, Any], variants: list[str]) -> list[str]:
    found = []
    for metric, spec in METRICS.items():
        groups = {
            v: (s["median"], s["worst5"])
            for v in variants
            if (s := summary[v]["metrics"].get(metric)) is not None
        }
        if groups and all(value >= 0 for pair in groups.values() for value in pair):
            title = f"{spec.label}: worst 5 % (bar), median (tick)"
            found.append(charts.bars(title, groups, unit=spec.unit))
    return found


def _drift(drift: Mapping[str, Any]) -> list[str]:
    curves: Mapping[str, list[dict[str, Any]]] = drift["curves"]
    psnr = {v: [(p["turn"], p["psnr"]) for p in points] for v, points in curves.items()}
    ident = {v: [(p["turn"], p["identity"]) for p in points] for v, points in curves.items()}
    return [
        f"<h2>Drift over {drift['turns']} turns</h2>",
        f"<p class='note'>Captions in the bottom {1 - drift['band']:.0%} of the frame, turn "
        "after turn; PSNR against the source above them, and the identity of the person.</p>",
        "<div class='charts'>",
        charts.lines("PSNR outside the edits (dB)", psnr, y_label="dB"),
        charts.lines("identity (cosine)", ident, y_label="cosine"),
        "</div>",
    ]


def _lemon_cases(summary: Mapping[str, Any], variants: list[str], metric: str) -> list[str]:
    """The union over variants of the worst cases of a metric, in order of appearance."""
    found: dict[str, None] = {}
    for variant in variants:
        stats = summary[variant]["metrics"].get(metric)
        for item in stats["worst_cases"] if stats else []:
            found.setdefault(item["case"])
    return list(found)[:5]


def _lemon_row(
    report: Mapping[str, Any],
    results: Mapping[tuple[str, str], Mapping[str, Any]],
    variants: list[str],
    case: str,
    metric: str,
    folder: Path,
) -> str:
    info = report["cases"].get(case, {})
    turns = " / ".join(info.get("turns", []))
    first = results.get((case, variants[0]))
    source = first["source"] if first else None
    figures = [f"<figure>{_image(folder, source)}<figcaption>source</figcaption></figure>"]
    for variant in variants:
        result = results.get((case, variant))
        if result is None:
            continue
        measure = result["measures"].get(metric)
        value = format_value(metric, measure["value"]) if measure else "not measured"
        mark = "" if measure is None or measure["passed"] is not False else " (fail)"
        detail = escape(measure["detail"]) if measure and measure["detail"] else ""
        figures.append(
            f"<figure>{_image(folder, result['image'])}<figcaption><b>{escape(variant)}</b>: "
            f"{value}{mark}<br>{detail}</figcaption></figure>"
        )
    return (
        f"<div><b>{escape(case)}</b> <span class='note'>{escape(turns)}</span></div>"
        f"<div class='lemon'>{''.join(figures)}</div>"
    )


def _category_table(categories: Mapping[str, Any]) -> str:
    metrics = [m for m in METRICS if any(m in c["metrics"] for c in categories.values())]
    rows = [
        "<table><tr><th>category</th><th>cases failed</th>"
        + "".join(f"<th>{escape(m)}</th>" for m in metrics)
        + "</tr>"
    ]
    for name, group in categories.items():
        cells = []
        for metric in metrics:
            stats = group["metrics"].get(metric)
            if stats is None:
                cells.append("<td>-</td>")
                continue
            worst = stats["worst_cases"][0]["case"] if stats["worst_cases"] else ""
            cells.append(
                f"<td>{format_value(metric, stats['median'])} / "
                f"{format_value(metric, stats['worst5'])}"
                + (f"<br><span class='note'>{escape(worst)}</span>" if worst else "")
                + "</td>"
            )
        failed = f"{group['cases'] - group['passed']} of {group['cases']}"
        rows.append(f"<tr><td>{escape(name)}</td><td>{failed}</td>{''.join(cells)}</tr>")
    rows.append("</table>")
    return "".join(rows)


def _image(folder: Path, relative: str | None) -> str:
    if relative is None or not (folder / relative).is_file():
        return "<div class='note'>(no image)</div>"
    import numpy as np
    from PIL import Image as PILImage

    from gouache.encode import encode_pixels

    with PILImage.open(folder / relative) as opened:
        picture = opened.convert("RGBA")
    picture.thumbnail((THUMBNAIL, THUMBNAIL))
    # through the one encoder, so alpha is flattened on white as in every JPEG gouache writes
    jpeg = encode_pixels(np.asarray(picture, dtype=np.uint8), "JPEG", quality=85).data
    data = base64.b64encode(jpeg).decode("ascii")
    return f"<img src='data:image/jpeg;base64,{data}' width='{picture.width}' alt=''>"
