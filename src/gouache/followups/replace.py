"""Another edit in place of the last one ("sepia instead", "no, I meant cooler"), or the last
one on more ("and her eyes too" after "whiten her teeth"), planned at its parent."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from gouache.followups.detect import INSTEAD, MEANT
from gouache.followups.plans import FollowUp, plan_of
from gouache.followups.wording import kept

if TYPE_CHECKING:
    from gouache.sessions.session import Session
    from gouache.sessions.versions import Version


def replace(session: Session, last: Version, line: str, said: str) -> FollowUp | None:
    from gouache.ops.plan import EditPlan
    from gouache.sessions.turn import TurnRequest

    found = MEANT.fullmatch(said) or INSTEAD.fullmatch(said)
    rest = found.group("rest").strip(" ,") if found is not None else ""
    rest = re.sub(r"[,]?\s+instead$", "", rest)  # "i meant sepia instead"
    if not rest or rest == "instead":
        return None
    parent = session.resolve(str(last.parent_id))
    outcome = session.plan(rest, at=parent.id)
    if not isinstance(outcome, EditPlan):
        # asked, refused or answered as the rest alone would be, at the parent
        return FollowUp("", TurnRequest(instruction=rest, at=str(parent.number), replacing=last.id))
    note = f'follow-up: replaces v{last.number} ("{last.instruction}") from v{parent.number}'
    plan = outcome.model_copy(update={"notes": (*outcome.notes, note)})
    message = (
        f'Replaced the last edit ("{last.plan.describe() if last.plan else last.instruction}", '
        f"v{last.number}) with {plan.describe()}, done from v{parent.number} "
        f"{kept(last.number)}."
    )
    return FollowUp(
        message, TurnRequest(instruction=line, at=str(parent.number), plan=plan, replacing=last.id)
    )


def extend(session: Session, last: Version, line: str, what: str | None) -> FollowUp | None:
    """ "and her eyes too" after "whiten her teeth": the last turn's words with the new part
    ("whiten her teeth and her eyes"), planned at its parent, when that keeps the last
    turn's steps and adds to them, and the line alone is no edit."""
    from gouache.ops.plan import EditPlan
    from gouache.sessions.turn import TurnRequest

    plan = plan_of(last)
    if what is None or "(" in plan.instruction:
        return None  # a turn already changed by a follow-up: its words are not one request
    parent = session.resolve(str(last.parent_id))
    if isinstance(session.plan(line, at=parent.id), EditPlan):
        return None  # "and the background too" may be an edit of its own
    words = f"{plan.instruction} and {what}"
    outcome = session.plan(words, at=parent.id)
    if not isinstance(outcome, EditPlan):
        return None
    ops, before = [s.op for s in outcome.steps], [s.op for s in plan.steps]
    if len(ops) <= len(before) or ops[: len(before)] != before:
        return None
    added = " -> ".join(step.describe() for step in outcome.steps[len(before) :])
    note = f'follow-up: extends v{last.number} from v{parent.number}: "{words}"'
    planned = outcome.model_copy(update={"notes": (*outcome.notes, note)})
    message = (
        f'Added to the last edit: {added}, all done from v{parent.number} as "{words}" '
        f"{kept(last.number)}."
    )
    return FollowUp(
        message,
        TurnRequest(instruction=words, at=str(parent.number), plan=planned, replacing=last.id),
    )
