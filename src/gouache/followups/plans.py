"""The turn a follow-up runs: the last turn's plan with one step changed, run from the
version that turn started at, with a note that says what it changed."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from gouache.ops.plan import EditPlan, Step
    from gouache.sessions.session import Session
    from gouache.sessions.turn import TurnRequest
    from gouache.sessions.versions import Version


@dataclass(frozen=True)
class FollowUp:
    """What a follow-up asks: the turn to run (None when it cannot be done, and `message`
    says why) and the sentence that says what was understood."""

    message: str
    request: TurnRequest | None = None
    # the turns after an earlier one that was redone, done again on top, in order
    then: tuple[TurnRequest, ...] = ()


NOTE = re.compile(
    r"^follow-up: (?P<kind>adjusts|retargets|replaces|extends|replays) v(?P<number>\d+)\b"
)


def steps(version: Version) -> tuple[Step, ...]:
    return version.plan.steps if version.plan is not None else ()


def plan_of(version: Version) -> EditPlan:
    if version.plan is None:  # pragma: no cover - read() only follows a turn with a plan
        raise ValueError(f"v{version.number} has no plan to change")
    return version.plan


def with_step(plan: EditPlan, index: int, params: dict[str, Any]) -> EditPlan:
    """`plan` with step `index` given `params` (and its label), its follow-up notes left out."""
    from gouache.ops.registry import default_operators
    from gouache.planner.labels import describe

    step = plan.steps[index]
    full = default_operators().get(step.op).validate(params).model_dump()
    changed = step.model_copy(update={"params": params, "label": describe(step.op, full)})
    changed_steps = (*plan.steps[:index], changed, *plan.steps[index + 1 :])
    notes = tuple(n for n in plan.notes if not NOTE.match(n))
    return plan.model_copy(update={"steps": changed_steps, "notes": notes})


def follow(
    last: Version, parent: Version, plan: EditPlan, line: str, note: str, message: str
) -> FollowUp:
    """`plan` as the turn that redoes `last` from `parent`, with what was said."""
    from gouache.sessions.turn import TurnRequest

    said = line.strip().rstrip(".!")
    # the version records what was said with the turn it changes, as a rescale does
    instruction = f"{plan.instruction} ({said})"
    planned = plan.model_copy(update={"instruction": instruction, "notes": (*plan.notes, note)})
    request = TurnRequest(
        instruction=instruction, at=str(parent.number), plan=planned, replacing=last.id
    )
    return FollowUp(message, request)


def revised(session: Session, version: Version) -> Version | None:
    """The version a follow-up made `version` in place of (its note names it), for undo to
    go back to; None for any other version."""
    for note in version.plan.notes if version.plan is not None else ():
        found = NOTE.match(note)
        if found is not None:
            return session.resolve(found.group("number"))
    return None
