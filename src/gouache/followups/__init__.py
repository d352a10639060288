"""Follow-ups that change the last turn instead of adding one.

"add a drop shadow" then "a bit bigger shadow" means the same shadow, farther: a second
shadow drawn over the first is never what was meant. Four kinds are read here, each against
the head's plan (the last turn), and run from the version that turn started at, so the new
version is the last one's sibling; the branch moves on to it (the conversation goes on along
the same line) and the last one stays in the tree, off the line:

    adjust   "a bit bigger shadow", "make the shadow softer", "the border is too thick": one
             parameter of one step (a `Knob`) times a factor, 1.5 ("a bit" 1.25, "much"
             2.25, as "more" in `conversation`), or divided by it; "a little looser" or
             "zoom in" after a crop keeps more or less of its parent (`crops`). A line that
             names an earlier turn's edit ("the shadow", two turns on) redoes that turn and
             does the turns after it again on top (`FollowUp.then`), up to six turns back.
             A comparative said alone that names a quality the last edit has ("not so dark"
             or "lighter" after a shadow or a vignette, "sharper" after a blur) adjusts that
             edit, and the reply says so and how to ask it of the picture ("make it
             lighter"); with "it" ("make it darker") it is the picture's
    target   "only the one on the right", "not her, the other one", "and the other one too",
             "both of them": which faces the step edits
    replace  "actually black and white instead": the rest of the line, planned in place of
             the last turn
    extend   "and her eyes too" after "whiten her teeth": "whiten her teeth and her eyes"

The version records what it changed as a note of its plan ("follow-up: adjusts v2 ..."),
which undo reads to go back to v2, and "more" or "less" read to scale the change itself
(`rescaled`). A line that names nothing of the last turn is left to the planner. Generic
strength words ("more", "a bit less", "too much") are `conversation`'s.

The modules: `detect` reads which kind a line is from its words, `knobs` the parameters
comparatives move, `adjust` (with `crops`), `faces` and `replace` make each kind's turn,
`plans` the turn's plan and note, `wording` the replies.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from gouache.followups import detect
from gouache.followups.adjust import adjust, rescaled
from gouache.followups.faces import on_faces, retarget
from gouache.followups.plans import FollowUp, revised, steps
from gouache.followups.replace import extend, replace
from gouache.followups.wording import edit_reply, no_faces

if TYPE_CHECKING:
    from gouache.sessions.session import Session

__all__ = ["FollowUp", "edit_reply", "looks_like", "read", "rescaled", "revised"]


def read(session: Session, line: str) -> FollowUp | None:
    """The follow-up `line` is to the head's last turn, or None when it is none (the
    planner reads it as a new turn)."""
    if session.pending is not None:
        return None  # "the one on the right" answers the question asked
    said = detect.said(line)
    last = session.head
    has_turn = last.parent_id is not None and last.plan is not None and bool(last.plan.steps)
    faces = detect.faces_asked(said)
    if faces is not None:
        if not has_turn or not any(on_faces(s) for s in steps(last)):
            return FollowUp(no_faces(line, last if has_turn else None))
        return retarget(session, last, line, faces)
    if not has_turn:
        return None
    adjusted = detect.ADJUST.fullmatch(detect.reframing(said))
    if adjusted is not None:
        return adjust(session, last, line, adjusted)
    if detect.replaces(said):
        return replace(session, last, line, said)
    also = detect.ALSO.fullmatch(said)
    if also is not None:
        return extend(session, last, line, also.group("what") or also.group("bare"))
    return None


def looks_like(line: str) -> bool:
    """True when `line` changes a last turn whatever it was: a new target ("only the one on
    the right") or a replacement ("sepia instead"). `gouache edit` answers those."""
    said = detect.said(line)
    return detect.faces_asked(said) is not None or detect.replaces(said)
