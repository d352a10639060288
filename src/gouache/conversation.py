"""Conversation words: "undo that", "go back", "redo", "start over", "compare with the
original", "any suggestions?", "what did you change?", "go back to the first version and try
sepia instead".

In `gouache chat` they act on the version tree (`act`); `gouache edit` makes one version from
one image, so there they get a reply naming `--session ID --at vN` and `gouache history`
(`edit_reply`). Only whole sentences are read here; "undo the vignette" (an edit named) is not
a conversation word, and goes to the planner, which asks or refuses.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import TYPE_CHECKING, Literal

if TYPE_CHECKING:
    from gouache.sessions.session import Session

Kind = Literal["undo", "redo", "original", "compare", "suggest", "explain", "retry"]


@dataclass(frozen=True)
class Command:
    kind: Kind
    steps: int = 1  # undo: how many turns
    then: str = ""  # retry: the instruction to apply at the first version


_POLITE = r"^(?:(?:ok|okay|hmm|no|nah|oops|ugh|please|pls|can you|could you|let'?s|just)[,!]?\s+)*"
_TAIL = r"(?:\s+(?:please|pls|thanks|thank you))?[.!?]*$"
_NUMBERS = {"one": 1, "two": 2, "three": 3, "four": 4, "last": 1}
_BODIES: tuple[tuple[Kind, str], ...] = (
        ("retry", r"(?:go back|revert|return) to the (?:first|original) (?:version|one|photo|image"
                  r"|picture)?\s*(?:,)?\s*(?:and|then)\s+(?:try|do|make it|apply)\s+(?P<then>.+?)"
                  r"(?:\s+instead)?"),
        ("undo", r"(?:(?:that'?s|it'?s) (?:too much|worse|not (?:it|right|good)|wrong)[,.!]*\s*)?"
                 r"(?:undo|revert|reverse|take back|cancel)(?: (?:that|this|it|the last "
                 r"(?:one|change|edit|step|turn)|(?:the )?last (?P<count>two|three|four|\d+)"
                 r"(?: changes| edits| steps| turns)?))?"),
        ("undo", r"(?:go|step) back(?: one step| a step)?|back|previous version|i liked it "
                 r"better before|that'?s (?:too much|worse)"),
        ("redo", r"redo(?: that| it)?|(?:go )?forward(?: again)?|bring it back|put it back"),
        ("original", r"(?:start over|start again|from scratch|reset(?: it)?|revert to the "
                     r"original|go back to the (?:original|start|beginning|first version)"
                     r"|back to the original|show me the original again)"),
        ("compare", r"(?:compare (?:it |this )?(?:with|to|against) the original|how does it "
                    r"compare(?: to the original)?|what(?:'s| is) (?:the )?(?:difference|changed)"
                    r" (?:from|since) the original|show (?:me )?the difference)"),
        ("suggest", r"(?:any (?:suggestions|ideas|tips)|(?:got |have you got |do you have )?"
                    r"(?:any )?(?:suggestions|ideas)|what (?:should|could|would) (?:i|we|you) "
                    r"(?:try|do)(?: next| now)?|what now|suggest something|surprise me"
                    r"|what would you (?:do|change|suggest)|make a suggestion)"),
        ("explain", r"(?:what (?:did|have) you (?:change|changed|do|done)(?: so far)?|what "
                    r"(?:have we|did we) (?:done|do|change|changed)(?: so far)?|what changed|"
                    r"what'?s been done|show (?:me )?the history|history)"),
)  # fmt: skip
_PATTERNS = tuple(
    (kind, re.compile(_POLITE + "(?:" + body + ")" + _TAIL)) for kind, body in _BODIES
)


def read(text: str) -> Command | None:
    """The conversation word a whole line is, or None."""
    said = " ".join(text.lower().replace("’", "'").split())
    for kind, pattern in _PATTERNS:
        found = pattern.match(said)
        if found is None:
            continue
        if kind == "retry":
            return Command("retry", then=found.group("then"))
        if kind == "undo":
            count = found.groupdict().get("count")
            steps = int(count) if count and count.isdigit() else _NUMBERS.get(count or "", 1)
            return Command("undo", steps=steps)
        return Command(kind)
    return None


def act(session: Session, command: Command) -> str:
    """Carry out a conversation word in chat; the reply to print."""
    if command.kind == "undo":
        version = session.head
        for _ in range(command.steps):
            version = session.undo()
        return f"back at v{version.number}" + (
            f" ({command.steps} turns undone)" if command.steps > 1 else ""
        )
    if command.kind == "redo":
        return f"forward to v{session.redo().number}"
    if command.kind == "original":
        return f"back at the original, v{session.checkout('1').number} (nothing is deleted)"
    if command.kind == "compare":
        return f"v1 -> v{session.head.number}:\n" + session.diff("1", "head").describe()
    if command.kind == "suggest":
        ideas = session.suggestions()
        if not ideas:
            offered = session.ideas()
            listed = "; ".join(f'"{idea.instruction}" ({idea.reason})' for idea in offered)
            return f"Nothing needs fixing here. Ideas to try: {listed}."
        return "try: " + "; ".join(f'"{idea.instruction}" ({idea.reason})' for idea in ideas)
    if command.kind == "explain":
        return explain(session)
    raise ValueError(f"retry is run as a turn, not acted: {command}")  # pragma: no cover


def explain(session: Session) -> str:
    """Every turn from the original to the head, with what each did."""
    chain = []
    version = session.head
    while version.parent_id is not None:
        chain.append(version)
        version = session.resolve(version.parent_id)
    if not chain:
        return "Nothing yet: this is the original (v1)."
    lines = [f"From the original (v1) to v{session.head.number}:"]
    for done in reversed(chain):
        what = done.plan.describe() if done.plan is not None else done.instruction
        lines.append(f"  v{done.number}: {what}   (you said: {done.instruction!r})")
    return "\n".join(lines)


def edit_reply(command: Command, session_id: str | None) -> str:
    """What `gouache edit` says: it makes one version, so the tree is worked in chat or by
    naming a version."""
    where = f"--session {session_id[:8]}" if session_id else "--session ID"
    if command.kind in ("suggest",):
        return "`gouache suggest IMAGE` lists edits worth trying on a picture."
    return (
        f'"{command.kind}" works on a conversation\'s versions: in `gouache chat` say it as '
        f'it is; with `gouache edit`, apply at an earlier version with {where} --at v1 "...", '
        "and `gouache history SESSION` shows the versions."
    )
