"""Small inline SVG charts for the HTML report: no script, no network, no plotting library."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from html import escape

PALETTE = ("#1f77b4", "#d62728", "#2ca02c", "#ff7f0e", "#9467bd", "#8c564b", "#17becf")


def bars(
    title: str,
    groups: Mapping[str, tuple[float, float]],
    *,
    unit: str,
    width: int = 420,
) -> str:
    """Horizontal bars: per group the worst value as a bar and the median as a tick."""
    row, left, pad = 26, 150, 120
    height = row * len(groups) + 34
    values = [v for pair in groups.values() for v in pair]
    top = max(max(values, default=1.0), 1e-9)
    scale = (width - left - pad) / top
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" '
        f'role="img" aria-label="{escape(title)}">',
        f'<text x="4" y="14" font-size="12" font-weight="bold">{escape(title)}</text>',
    ]
    for i, (name, (median, worst)) in enumerate(groups.items()):
        y = 24 + i * row
        colour = PALETTE[i % len(PALETTE)]
        parts.append(f'<text x="4" y="{y + 14}" font-size="11">{escape(name)}</text>')
        parts.append(
            f'<rect x="{left}" y="{y + 3}" width="{max(1.0, worst * scale):.1f}" height="14" '
            f'fill="{colour}" opacity="0.75"/>'
        )
        mx = left + median * scale
        parts.append(
            f'<line x1="{mx:.1f}" x2="{mx:.1f}" y1="{y}" y2="{y + 20}" stroke="black" '
            'stroke-width="2"/>'
        )
        parts.append(
            f'<text x="{left + max(worst, median) * scale + 4:.1f}" y="{y + 14}" font-size="10">'
            f"{worst:.3g} / {median:.3g} {escape(unit)}</text>"
        )
    parts.append("</svg>")
    return "".join(parts)


def lines(
    title: str,
    series: Mapping[str, Sequence[tuple[float, float | None]]],
    *,
    y_label: str,
    width: int = 520,
    height: int = 260,
) -> str:
    """A line per series over shared axes; None values leave a gap."""
    left, right, top, bottom = 48, 150, 24, 34
    xs = [x for points in series.values() for x, _ in points]
    ys = [y for points in series.values() for _, y in points if y is not None]
    if not xs or not ys:
        return ""
    x0, x1 = min(xs), max(xs)
    y0, y1 = min(ys), max(ys)
    if y1 - y0 < 1e-9:
        y0, y1 = y0 - 1.0, y1 + 1.0
    plot_w, plot_h = width - left - right, height - top - bottom

    def px(x: float) -> float:
        return left + (x - x0) / max(x1 - x0, 1e-9) * plot_w

    def py(y: float) -> float:
        return top + (y1 - y) / (y1 - y0) * plot_h

    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" '
        f'role="img" aria-label="{escape(title)}">',
        f'<text x="4" y="14" font-size="12" font-weight="bold">{escape(title)}</text>',
        f'<rect x="{left}" y="{top}" width="{plot_w}" height="{plot_h}" '
        'fill="none" stroke="#999"/>',
    ]
    for tick in range(5):
        value = y0 + (y1 - y0) * tick / 4
        y = py(value)
        parts.append(
            f'<line x1="{left}" x2="{left + plot_w}" y1="{y:.1f}" y2="{y:.1f}" stroke="#eee"/>'
            f'<text x="{left - 4}" y="{y + 4:.1f}" font-size="10" text-anchor="end">'
            f"{value:.3g}</text>"
        )
    for x in sorted({x0, x1, (x0 + x1) / 2}):
        parts.append(
            f'<text x="{px(x):.1f}" y="{top + plot_h + 14}" font-size="10" '
            f'text-anchor="middle">{x:g}</text>'
        )
    parts.append(
        f'<text x="{left + plot_w / 2}" y="{height - 4}" font-size="10" '
        f'text-anchor="middle">turn</text>'
        f'<text x="10" y="{top + plot_h / 2}" font-size="10" '
        f'transform="rotate(-90 10 {top + plot_h / 2})" text-anchor="middle">'
        f"{escape(y_label)}</text>"
    )
    for i, (name, points) in enumerate(series.items()):
        colour = PALETTE[i % len(PALETTE)]
        runs: list[list[str]] = [[]]
        for x, y_value in points:
            if y_value is None:
                runs.append([])
            else:
                runs[-1].append(f"{px(x):.1f},{py(y_value):.1f}")
        for run in runs:
            if run:
                parts.append(
                    f'<polyline points="{" ".join(run)}" fill="none" stroke="{colour}" '
                    'stroke-width="2"/>'
                )
        ly = top + 12 + i * 16
        parts.append(
            f'<line x1="{left + plot_w + 8}" x2="{left + plot_w + 24}" y1="{ly - 4}" '
            f'y2="{ly - 4}" stroke="{colour}" stroke-width="3"/>'
            f'<text x="{left + plot_w + 28}" y="{ly}" font-size="10">{escape(name)}</text>'
        )
    parts.append("</svg>")
    return "".join(parts)
