"""Conversation words in a turn of the native API, which the web UI's chat sends: "undo that",
"redo", "start over", "compare with the original", "what did you change?", "any suggestions?",
"save it as a jpg", "go back to the first version and try sepia instead", "a bit less". They
are read by gouache.conversation, as `gouache chat` reads them, and act on the version tree.

A move (undo, redo, original) or an answer (compare, explain, suggest, save) makes no version
and needs no backend. A retry checks out v1 and runs the rest as the turn; a rescale runs the
last turn's plan again, scaled, from the version it started at (its mask kept). Every result
names the head afterwards (`head`) and the word (`word`), so a client redraws its tree, its
picture and its chat. Only the native API's turns read them (`conversation` in the request):
a prompt sent through the OpenAI or Gemini formats is always an edit.
"""

from __future__ import annotations

from typing import Any

from gouache import conversation
from gouache.conversation import Command
from gouache.errors import InputError
from gouache.server.turns import version_json
from gouache.sessions.session import Session

# The words that run a turn (and so need the backend); the others move or answer.
TURNS = ("retry", "rescale")


def read(request: dict[str, Any]) -> Command | None:
    """The conversation word the turn's instruction is, when the request asks for them."""
    if not request.get("conversation"):
        return None
    said = conversation.read(str(request["instruction"]))
    if said is not None and (request.get("at") or request.get("branch")):
        # "undo that" at v3 could mean two things; the words act on the head, as in chat
        raise InputError(
            f'"{request["instruction"]}" acts on the current version, so it takes no `at` or '
            "`branch`: check out the version first (POST .../checkout), or send "
            "`conversation: false` to give it to the planner as an edit"
        )
    return said


def answer(session: Session, said: Command) -> dict[str, Any]:
    """A move or an answer: the reply, and the head it left (a download link for "save")."""
    reply = conversation.act(session, said, web=True)
    result = settled(session, said, {"made": False, "version": None, "versions": []})
    result["reply"] = reply
    head = session.head
    if said.kind == "compare" and head.number > 1:
        result["compare"] = {"a": "v1", "b": head.label}
    fmt = conversation.download_format(said.then) if said.kind == "save" else None
    if fmt is not None:
        path = f"/api/sessions/{session.id}/versions/{head.label}/download?format={fmt}"
        result["download"] = path
    return result


def settled(session: Session, said: Command, result: dict[str, Any]) -> dict[str, Any]:
    """`result` with the word and the head after it; fields a turn's result has default to
    none (no question, no branch moved)."""
    branches = session.branches()
    with session.store.read() as tx:
        head = tx.head(session.id)
    result.setdefault("question", None)
    result.setdefault("branch", None)
    if said.kind == "retry":
        result["reply"] = f"from the original (v1): {result.get('reply') or ''}".rstrip()
    result.update(
        session_id=session.id,
        word=said.kind,
        head=version_json(head.version, branches),
        head_branch=head.branch,
    )
    return result


def mask_of_last_turn(session: Session) -> str | None:
    """The mask blob the head's turn was made with: "a bit less" changes the same region."""
    mask = (session.head.params or {}).get("mask")
    return str(mask["blob"]) if isinstance(mask, dict) and mask.get("blob") else None


def no_critique_for_rescale(request: dict[str, Any]) -> None:
    if request.get("guidelines"):
        raise InputError(
            '"more" and "less" run the last edit again with its strengths scaled; the critique '
            "loop plans each attempt anew: turn the critique loop off for this, or say how "
            'strong in words ("make it a bit warmer")'
        )
