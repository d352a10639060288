"""What the templates show, built from a session: the version tree as nested nodes, the
conversation that led to the head, identity curves, a version's report. No HTTP in here."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from gouache.characters import Character
from gouache.sessions.versions import RecipeChange, Version

# The identity curve's drawing box (SVG user units).
CURVE_WIDTH, CURVE_HEIGHT = 240, 80


@dataclass
class Node:
    version: Version
    branches: list[str]
    current: bool
    children: list[Node] = field(default_factory=list)


def version_tree(versions: list[Version], branches: dict[str, str], head: Version) -> list[Node]:
    """Roots with their children, oldest first; the head's node is `current`."""
    held: dict[str, list[str]] = {}
    for name, tip in branches.items():
        held.setdefault(tip, []).append(name)
    nodes = {v.id: Node(v, sorted(held.get(v.id, [])), v.id == head.id) for v in versions}
    roots: list[Node] = []
    for version in sorted(versions, key=lambda v: v.number):
        node = nodes[version.id]
        parent = nodes.get(version.parent_id) if version.parent_id else None
        (parent.children if parent is not None else roots).append(node)
    return roots


def lineage(versions: list[Version], version: Version) -> list[Version]:
    """The versions from the root to `version`: the conversation that made it."""
    by_id = {v.id: v for v in versions}
    chain = [version]
    while chain[-1].parent_id is not None and chain[-1].parent_id in by_id:
        chain.append(by_id[chain[-1].parent_id])
    return chain[::-1]


@dataclass(frozen=True)
class Curve:
    """One character's identity score over the versions leading to the head."""

    name: str
    threshold: float
    points: list[tuple[str, float | None]]

    @property
    def polyline(self) -> str:
        """SVG points, x by position, y by score (1 at the top); absent faces leave gaps."""
        step = CURVE_WIDTH / max(1, len(self.points) - 1)
        return " ".join(
            f"{i * step:.1f},{(1 - score) * CURVE_HEIGHT:.1f}"
            for i, (_, score) in enumerate(self.points)
            if score is not None
        )

    @property
    def threshold_y(self) -> float:
        return round((1 - self.threshold) * CURVE_HEIGHT, 1)

    @property
    def spoken(self) -> str:
        """The curve in words, for a screen reader and a test."""
        parts = [f"{label} {'absent' if s is None else f'{s:.2f}'}" for label, s in self.points]
        return f"{self.name}: " + ", ".join(parts)


def identity_curves(characters: list[Character], chain: list[Version]) -> list[Curve]:
    curves = []
    for character in characters:
        points: list[tuple[str, float | None]] = []
        for version in chain:
            scores = version.scores.identity or {}
            if character.name in scores:
                points.append((version.label, scores[character.name]))
        curves.append(Curve(character.name, character.threshold, points))
    return curves


def report(version: Version) -> list[tuple[str, str]]:
    """The version's measurements as (what, value) rows: time, guard, candidates, mask."""
    rows: list[tuple[str, str]] = []
    timings = version.timings or {}
    if "total" in timings:
        rows.append(("time", f"{timings['total']:.0f} ms"))
    if version.backend:
        rows.append(("backend", version.backend))
    mask = (version.params or {}).get("mask")
    if isinstance(mask, dict):
        rows.append(("mask", f"{float(mask.get('share', 0)):.0%} of the picture"))
    guard = version.scores.guard
    if guard is not None:
        rows.append(("guard", _guard_line(guard)))
    for record in version.scores.candidates:
        rows.append((f"try, seed {record.seed}", record.outcome))
    return rows


def _guard_line(guard: Any) -> str:
    dx, dy = guard.shift_px
    parts = [
        f"shift {dx:+.1f},{dy:+.1f} px",
        f"zoom {guard.scale:.3f}",
        f"turn {guard.rotation_deg:+.2f}°",
        f"changed {guard.changed_share:.0%}",
    ]
    if guard.psnr_outside_after is not None:
        parts.append(f"PSNR outside {guard.psnr_outside_after:.1f} dB")
    return ", ".join(parts)


# Recipe fields a person does not compare: ids, hashes, the operator table, and the params,
# which hold operator versions, step timings and mask hashes (the plan says what was done).
COMPARE_HIDDEN = frozenset({"blob", "parent", "backend_config", "timings", "params"})


def compared(changes: list[RecipeChange]) -> list[RecipeChange]:
    """The recipe changes the compare page lists, a plan as its steps' labels ("grayscale"
    -> "brightness +20 %") rather than its JSON."""
    shown = [c for c in changes if c.field not in COMPARE_HIDDEN]
    return [
        c._replace(a=_steps(c.a), b=_steps(c.b))
        if c.field == "plan"
        else c._replace(a=_value(c.a), b=_value(c.b))
        for c in shown
    ]


def _value(value: Any) -> Any:
    """A field the version does not have (the original's backend) as a dash, not "None"."""
    return "—" if value is None else value


def _steps(plan: Any) -> str:
    if not isinstance(plan, dict) or not plan.get("steps"):
        return "nothing (the original)"
    labels = [str(step.get("label") or step.get("op")) for step in plan["steps"]]
    return ", then ".join(labels)
