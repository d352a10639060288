"""The guard in a turn: which scope a plan has, and retries when strict mode refuses.

A backend that keeps unedited pixels by construction needs no guard. For any other, the plan
tells the guard what kind of edit it was: a geometry change is the edit itself (guard off),
an edit of the whole picture is aligned but never copied back, a local one is copied back.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, replace
from typing import Literal

from gouache.backends.base import ImageModel, ImageResult
from gouache.guard import DriftError, GuardReport, Scope, guard
from gouache.images import Image
from gouache.planner.plan import EditPlan

GuardMode = Literal["off", "on", "strict"]


@dataclass(frozen=True)
class GuardedTurn:
    """The result to keep (None: strict mode refused every try), its report, and a note."""

    result: ImageResult | None
    report: GuardReport | None
    note: str


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


def guard_turn(
    mode: GuardMode,
    plan: EditPlan,
    backend: ImageModel,
    source: Image,
    first: ImageResult,
    rerun: Callable[[int], ImageResult],
    *,
    retries: int,
) -> GuardedTurn:
    """Apply the guard to a turn's result; in strict mode, retry with other seeds."""
    if mode == "off" or backend.capabilities.preserves_unedited:
        return GuardedTurn(first, None, "")
    scope = plan_scope(plan, backend)
    if scope is None:
        return GuardedTurn(first, None, "guard: off for a change of geometry")
    result = first
    for attempt in range(retries + 1):
        if attempt:
            result = rerun(attempt)
        try:
            guarded = guard(source, result.image, mode=mode, scope=scope)
        except DriftError as err:
            last = err.message
            continue
        note = describe(guarded.report)
        if attempt:
            note = f"{note}; strict mode refused {attempt} earlier try(s)"
        return GuardedTurn(replace(result, image=guarded.image), guarded.report, note)
    return GuardedTurn(None, None, f"refused after {retries + 1} tries: {last}")


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
