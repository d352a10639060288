"""Which faces the last edit touches: "only the one on the right", "not her, the other one",
"and the other one too", "both of them" redo it on other faces, numbered from the left."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from gouache.followups.detect import Faces
from gouache.followups.plans import FollowUp, follow, plan_of, steps, with_step
from gouache.followups.wording import kept, listed, one, place
from gouache.planner import targets

if TYPE_CHECKING:
    from gouache.ops.plan import Step
    from gouache.sessions.session import Session
    from gouache.sessions.versions import Version

# Operators whose step may edit some faces only (adjust_region when its region is "faces").
FACE_STEPS = ("blur_faces", "adjust_region", "brighten_eyes", "whiten_teeth")


def on_faces(step: Step) -> bool:
    if step.op == "adjust_region":
        return step.params.get("region") == "faces"
    return step.op in FACE_STEPS


def retarget(session: Session, last: Version, line: str, asked: Faces) -> FollowUp:
    parent = session.resolve(str(last.parent_id))
    boxes = sorted((f.box for f in session.analyses.get(session.image(parent.id)).faces),
                   key=lambda b: b.x)  # fmt: skip
    count = len(boxes)
    index, step = next((i, s) for i, s in enumerate(steps(last)) if on_faces(s))
    now = _edited(step, count, boxes)
    everyone = set(range(1, count + 1))
    if asked.how == "all":
        wanted = everyone
    elif asked.how == "other" or (asked.how == "add" and not asked.who):
        rest = everyone - now
        if asked.not_:
            dropped = _numbers(asked.not_, count, boxes)
            rest = everyone - (dropped or now)
        if not rest:
            return FollowUp(
                f'"{line}": the last edit (v{last.number}, "{last.instruction}") touches '
                f"{listed(now, count)}, and there is no other face in the picture."
            )
        if len(rest) > 1 and not asked.plural:
            choices = " or ".join(f'"{one(asked.how, place(n, count))}"' for n in sorted(rest))
            return FollowUp(f'"{line}": there are {len(rest)} other faces: say {choices}.')
        wanted = rest | now if asked.how == "add" else rest
    else:
        named = _numbers(asked.who, count, boxes)
        if not named:
            return FollowUp(
                f'"{line}": I found {count} face{"s" if count != 1 else ""} in v{parent.number}'
                f", and {asked.who!r} names none of them."
            )
        wanted = (
            named | now if asked.how == "add" else now - named if asked.how == "drop" else named
        )
        if not wanted:
            return FollowUp(
                f'"{line}" leaves no face for the last edit (v{last.number}): say "undo" to '
                "take it back."
            )
    if wanted == now:
        return FollowUp(
            f"The last edit (v{last.number}) already touches {listed(now, count)}: nothing changed."
        )
    params = {k: v for k, v in step.params.items() if k not in ("target", "faces")}
    if wanted != everyone:
        params["faces"] = sorted(wanted)
    elif step.op == "blur_faces":
        params["target"] = "all"
    plan = with_step(plan_of(last), index, params)
    change = f"{listed(now, count)} -> {listed(wanted, count)}"
    note = f"follow-up: retargets v{last.number} from v{parent.number}: faces {change}"
    return follow(
        last, parent, plan, line, note,
        f"Changed the last edit's faces: {change}, redone from v{parent.number} "
        f"{kept(last.number)}.",
    )  # fmt: skip


def _edited(step: Step, count: int, boxes: list[Any]) -> set[int]:
    """The faces (numbered from the left, from 1) a step edits."""
    faces = step.params.get("faces")
    if faces:
        return {int(n) for n in faces}
    target = step.params.get("target", "all")
    if target == "all":
        return set(range(1, count + 1))
    return _numbers_of(target, count, boxes)


def _numbers(who: str, count: int, boxes: list[Any]) -> set[int]:
    if who in ("her", "him"):
        return set()
    choices = targets.options(count) if count else ()
    picked = targets.read_answer(who, choices) if choices else None
    return set() if picked is None else _numbers_of(picked, count, boxes)


def _numbers_of(target: targets.Target, count: int, boxes: list[Any]) -> set[int]:
    if isinstance(target, int):
        number = target if target > 0 else count + 1 + target
        return {number} if 1 <= number <= count else set()
    if target == "all":
        return set(range(1, count + 1))
    if target in ("largest", "smallest") and boxes:
        areas = [b.w * b.h for b in boxes]
        pick = max(areas) if target == "largest" else min(areas)
        return {areas.index(pick) + 1}
    places = {"left": 1, "right": count, "middle": (count + 1) // 2 if count % 2 else 0}
    number = places.get(str(target), 0)
    return {number} if 1 <= number <= count else set()
