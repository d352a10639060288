"""Adjusting a parameter: "a bit bigger shadow" redoes the shadow farther, from the version
the shadow's turn started at; a line that names an earlier turn's edit ("the shadow", two
turns on) redoes that turn and the turns after it on top. `rescaled` scales such a change
("a bigger shadow", then "a bit less")."""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING, Any

from gouache.followups import crops, knobs, wording
from gouache.followups.plans import NOTE, FollowUp, follow, plan_of, steps, with_step

if TYPE_CHECKING:
    from gouache.ops.plan import EditPlan
    from gouache.sessions.session import Session
    from gouache.sessions.versions import Version

# How many turns back a line that names an edit ("the shadow") looks for it
_REACH = 6


def adjust(session: Session, last: Version, line: str, found: re.Match[str]) -> FollowUp | None:
    word, how = found.group("word"), found.group("how") or ""
    noun = found.group("noun") or found.group("noun2")
    # "darker" alone is the picture's, unless the last edit has a darkness of its own
    alone = noun is None and word in knobs.GLOBAL
    if alone and (found.group("the") or "").startswith("it"):
        return None  # "make it darker": the picture, as the planner reads it
    # the last turn's, or where the line names it, the nearest earlier turn's ("the shadow"
    # two turns after it): that turn is redone and the turns after it done again on top
    for target in chain(session, last) if noun is not None else [last]:
        ops = {step.op for step in steps(target)}
        found_knobs = [
            k
            for k in knobs.KNOBS
            if k.op in ops
            and (noun is None or noun in k.nouns)
            and knobs.direction(k, word) != 0
            and (not alone or word in k.alone)
        ]
        if found_knobs:
            break
    else:
        return None  # "make the shadow bigger" with no shadow made: a new edit, planned
    if len({k.op for k in found_knobs}) > 1:
        names = " or ".join(f'"{word} {k.nouns[0]}"' for k in found_knobs)
        return FollowUp(f'"{line}": which of the last edit\'s parts? Say {names}.')
    knob = found_knobs[0]
    inverted = how in ("too", "less", "not so", "not as", "not that")
    up = (knobs.direction(knob, word) > 0) != inverted  # "the shadow is too big": smaller
    factor = knobs.factor(found.group("size") or "")
    index, step = next((i, s) for i, s in enumerate(steps(target)) if s.op == knob.op)
    parent = session.resolve(str(target.parent_id))
    if knob.param == "margins":
        moved = _recropped(step.params, factor, up, target, parent)
    else:
        moved = _moved(knob, step.op, step.params, factor, up, target, parent)
    if isinstance(moved, str):
        return FollowUp(moved)
    plan = with_step(plan_of(target), index, moved.params)
    note = f"follow-up: adjusts v{target.number} from v{parent.number}: {step.op}.{moved.noted}"
    change = moved.change
    if target is last:
        read_as = f', as "{line}" is about its {knob.name}' if alone else ""
        message = (
            f"Adjusted the last edit{read_as}: {change}, redone from v{parent.number} "
            f"{wording.kept(last.number)}."
        )
        if alone:
            message += f" {wording.for_the_picture(word, inverted)}"
        return follow(last, parent, plan, line, note, message)
    return _replayed(session, target, last, follow(
        target, parent, plan, line, note,
        f'Adjusted v{target.number} ("{target.instruction}"): {change}, redone from '
        f"v{parent.number}",
    ))  # fmt: skip


@dataclass(frozen=True)
class _Moved:
    """A step's parameters with a knob moved: what the reply says and the note records."""

    params: dict[str, Any]
    change: str  # "shadow opacity 50 % -> 33.33 %"
    noted: str  # "opacity 0.5 -> 0.3333"


def _moved(
    knob: knobs.Knob,
    op: str,
    params: dict[str, Any],
    factor: float,
    up: bool,
    target: Version,
    parent: Version,
) -> _Moved | str:
    """The step's parameters with the knob's moved; or why nothing changed."""
    from gouache.conversation import bounded
    from gouache.ops.registry import default_operators

    operator = default_operators().get(op)
    full = operator.validate(params).model_dump()
    param = "pixels" if knob.op == "border" and full.get("pixels") else knob.param
    old = float(full[param])
    default = operator.params.model_fields[param].default
    base = old if old else float(default or 0.0)
    new = bounded(operator.params, param, base * factor if up else base / factor)
    if param == "pixels":
        new = float(max(1, round(new)))
    side = min(parent.width, parent.height)
    if new == old:
        return (
            f"The {knob.name} of v{target.number} is {wording.shown(knob, param, old, side)} "
            "already, as far as it goes: nothing changed."
        )
    change = (
        f"{knob.name} {wording.shown(knob, param, old, side)} -> "
        f"{wording.shown(knob, param, new, side)}"
    )
    return _Moved({**params, param: new}, change, f"{param} {old:g} -> {new:g}")


def _recropped(
    params: dict[str, Any], factor: float, looser: bool, target: Version, parent: Version
) -> _Moved | str:
    """A crop that keeps more of `parent` (`looser`) or less, around the same centre."""
    size = (parent.width, parent.height)
    before = crops.window(params, *size)
    if looser and crops.kept_all(params):
        return wording.widest_crop(target.number, parent.number, before, size)
    moved = crops.reframed(params, factor, looser)
    after = crops.window(moved, *size)
    if after == before:
        return (
            f"The crop of v{target.number} cannot be made {'looser' if looser else 'tighter'} "
            f"by a whole pixel: nothing changed."
        )
    kept = f"{after[0]} x {after[1]} px"
    change = (
        f"crop {before[0]} x {before[1]} px -> {kept} of v{parent.number}'s {size[0]} x {size[1]}"
    )
    margins = ", ".join(f"{side} {float(moved.get(side, 0.0)):g}" for side in crops.SIDES)
    return _Moved(moved, change, f"margins -> {margins}")


def chain(session: Session, last: Version) -> list[Version]:
    """The turns from `last` back to the first one, newest first; at most _REACH."""
    turns: list[Version] = []
    version: Version | None = last
    while version is not None and version.parent_id is not None and len(turns) < _REACH:
        turns.append(version)
        version = session.resolve(version.parent_id)
    return turns


def _replayed(session: Session, target: Version, last: Version, first: FollowUp) -> FollowUp:
    """`first`, which redoes `target`, with the turns after it up to `last` done again on
    top, each with its own plan."""
    from gouache.sessions.turn import TurnRequest

    later = list(reversed(chain(session, last)))
    later = later[later.index(target) + 1 :]
    if any(v.plan is None for v in later):
        return FollowUp(
            f"{first.message}: that would need the edits after it done again, and "
            f"{', '.join(f'v{v.number}' for v in later if v.plan is None)} has no plan to run: "
            f"/checkout {target.number} and change it there."
        )
    then = tuple(
        TurnRequest(
            instruction=v.instruction,
            plan=plan_of(v).model_copy(
                update={
                    "notes": (
                        *(n for n in plan_of(v).notes if not NOTE.match(n)),
                        f"follow-up: replays v{v.number} after the change to v{target.number}",
                    )
                }
            ),
        )
        for v in later
    )
    done = ", ".join(f'v{v.number} ("{v.instruction}")' for v in later)
    message = (
        f"{first.message}, then {done} done again on top (v{target.number} to v{last.number} "
        'stay in the tree, off this line: "undo" brings them back).'
    )
    # the branch at `last` moves to the redone turn, and on along the turns done again
    request = replace(first.request, replacing=last.id) if first.request is not None else None
    return FollowUp(message, request, then)


def rescaled(session: Session, version: Version, factor: float) -> EditPlan | None:
    """ "less" or "more" after an adjustment: the change itself scaled (a bigger shadow, then
    "a bit less": the distance moved half as far from the version before), as the plan to run
    at the same parent; None when `version` is no adjustment."""
    from gouache.conversation import bounded
    from gouache.ops.registry import default_operators

    plan = version.plan
    notes = plan.notes if plan is not None else ()
    found = next((m for m in map(NOTE.match, notes) if m and m["kind"] == "adjusts"), None)
    was = session.resolve(found["number"]).plan if found is not None else None
    if found is None or plan is None or was is None or len(was.steps) != len(plan.steps):
        return None
    registry = default_operators()
    moved = []
    for index, (before, after) in enumerate(zip(was.steps, plan.steps, strict=True)):
        model = registry.get(after.op).params
        params = dict(after.params)
        for name, value in after.params.items():
            old = before.params.get(name, model.model_fields[name].default)
            if isinstance(value, float) and isinstance(old, int | float) and value != old:
                params[name] = bounded(model, name, old + (value - old) * factor)
                moved.append(f"{after.op}.{name} {old:g} -> {params[name]:g}")
        plan = with_step(plan, index, params)
    if not moved:
        return None
    note = f"follow-up: adjusts v{found['number']}: " + ", ".join(moved)
    return plan.model_copy(update={"notes": (*plan.notes, note)})
