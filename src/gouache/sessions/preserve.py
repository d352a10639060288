"""The guard in a turn: which scope a plan has, and the line the reply gives its report.

A backend that keeps unedited pixels by construction needs no guard. For any other, the plan
tells the guard what kind of edit it was: a geometry change is the edit itself (guard off),
an edit of the whole picture is aligned but never copied back, a local one is copied back.
The turn (gouache.sessions.turn) runs the guard on every try and retries when strict mode
refuses one.
"""

from __future__ import annotations

from typing import Literal

from gouache.backends.base import ImageModel
from gouache.guard import GuardReport, Scope
from gouache.planner.plan import EditPlan

GuardMode = Literal["off", "on", "strict"]


def plan_scope(plan: EditPlan, backend: ImageModel) -> Scope | None:
    """ "local", "global", "auto" (unknown operators), or None when the guard must stay off."""
    operators = backend.operators
    if operators is None:
        return "auto"
    ops = [operators.get(step.op) for step in plan.steps if step.op in operators]
    if len(ops) < len(plan.steps):
        return "auto"
    if any(op.geometry for op in ops):
        return None
    return "global" if any(op.global_edit for op in ops) else "local"


def describe(report: GuardReport) -> str:
    """One line for the reply: what the guard corrected."""
    parts = []
    dx, dy = report.shift_px
    if report.aligned:
        parts.append(
            f"realigned (shift {dx:+.1f},{dy:+.1f} px, zoom {report.scale:.3f}, "
            f"turn {report.rotation_deg:+.2f}°)"
        )
    if report.colour_corrected:
        parts.append("colour drift undone")
    if report.global_edit:
        parts.append(f"a global edit ({report.changed_share:.0%} changed): not copied back")
    elif report.copied_back:
        parts.append(
            f"pixels outside the edit ({1 - report.mask_share:.0%}) restored, "
            f"PSNR {_db(report.psnr_outside_before)} -> {_db(report.psnr_outside_after)} dB"
        )
    return "guard: " + ("; ".join(parts) if parts else "nothing to correct")


def _db(value: float | None) -> str:
    return "-" if value is None else f"{value:.1f}"
