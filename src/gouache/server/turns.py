"""Running one job: the same code on a thread of the server and in a queue worker.

A job's request is plain JSON (images travel as blob digests, already validated and stored
when the request came in), so a worker on another machine needs only the store and the blobs.
"""

from __future__ import annotations

import tempfile
import time
from dataclasses import replace
from pathlib import Path
from typing import Any

from gouache import conversation, followups
from gouache.errors import (
    CancelledError,
    GouacheError,
    InputError,
    OutOfMemoryError,
    UnsupportedError,
)
from gouache.images import Image, LoadedImage
from gouache.planner.generative import GENERATIVE_BACKENDS
from gouache.progress import CancelToken, Progress
from gouache.server import jobs
from gouache.server.keys import may_open
from gouache.server.models import ModelPool
from gouache.sessions.session import Session, TurnResult
from gouache.sessions.store import Store
from gouache.sessions.turn import TurnRequest, mask_from_picture
from gouache.sessions.versions import Version

# Progress is written to the job row at most this often (seconds); the last step always is.
PROGRESS_EVERY = 0.2


def version_json(version: Version, branches: dict[str, str] | None = None) -> dict[str, Any]:
    held = sorted(name for name, tip in (branches or {}).items() if tip == version.id)
    return {
        "id": version.id,
        "label": version.label,
        "number": version.number,
        "parent_id": version.parent_id,
        "kind": version.kind,
        "blob": version.blob,
        "width": version.width,
        "height": version.height,
        "instruction": version.instruction,
        "backend": version.backend,
        "reply": version.reply,
        "notes": list(version.notes),
        "scores": version.scores.model_dump(mode="json"),
        "branches": held,
        "created_at": version.created_at.isoformat(),
    }


class _Reporter:
    """The backend's progress -> the job row (throttled); a cancel asked anywhere -> the token."""

    def __init__(self, store: Store, job: jobs.Job, token: CancelToken) -> None:
        self.store, self.job, self.token = store, job, token
        self._last = 0.0

    def __call__(self, progress: Progress) -> None:
        now = time.monotonic()
        final = progress.total > 0 and progress.step >= progress.total
        if not final and now - self._last < PROGRESS_EVERY:
            return
        self._last = now
        total = max(progress.total, 1)
        body = {
            "step": progress.step,
            "total": progress.total,
            "percent": round(100.0 * min(progress.step, total) / total, 1),
            "message": progress.message,
            "attempt": self.job.attempts,
        }
        if jobs.report(self.store, self.job.id, body):
            self.token.cancel()


def run_job(
    store: Store, pool: ModelPool, job_id: str, worker: str, token: CancelToken | None = None
) -> jobs.Job | None:
    """Claim the job and run it to done, failed or cancelled; None when nothing was to run.

    Errors a user caused (gouache errors, and a MemoryError: too large for this machine)
    fail the job with their shape; anything else is a bug and propagates after the job is
    failed with its class name.
    """
    job = jobs.claim(store, job_id, worker)
    if job is None:
        return None
    cancel = token if token is not None else CancelToken()
    reporter = _Reporter(store, job, cancel)
    try:
        if job.kind == "turn":
            result = _turn(store, pool, job, reporter, cancel)
        elif job.kind == "start_text":
            result = _start_text(store, pool, job, reporter, cancel)
        else:
            raise InputError(f"unknown job kind {job.kind!r}")
    except CancelledError as err:
        return jobs.finish(store, job_id, "cancelled", error=jobs.error_json(err))
    except GouacheError as err:
        return jobs.finish(store, job_id, "failed", error=jobs.error_json(err))
    except MemoryError:
        # the request was too large for this machine: its answer, not a bug to re-raise
        return jobs.finish(store, job_id, "failed", error=jobs.error_json(OutOfMemoryError()))
    except Exception as err:
        message = f"internal error ({type(err).__name__}); the store is unchanged by this turn"
        error = {"code": 500, "type": "InternalError", "message": message}
        jobs.finish(store, job_id, "failed", error=error)
        raise
    return jobs.finish(store, job_id, "done", result=result)


def _references(store: Store, request: dict[str, Any]) -> list[LoadedImage]:
    return [
        LoadedImage(store.blobs.get(ref["digest"]), "PNG", ref.get("name") or ref["digest"][:12])
        for ref in request.get("references", [])
    ]


def _mask(store: Store, digest: str | None) -> Image | None:
    """The stored mask picture as booleans: True where it is bright (and opaque)."""
    return None if digest is None else mask_from_picture(store.blobs.get(digest))


def _turn(
    store: Store, pool: ModelPool, job: jobs.Job, reporter: _Reporter, cancel: CancelToken
) -> dict[str, Any]:
    from gouache.server import words

    # 1. check inputs: the session (of this tenant), the backend, what it can take; a
    # conversation word that moves or answers needs no backend
    request = job.request
    session_id = str(request["session_id"])
    said = words.read(request)
    acted = said is not None and said.kind not in words.TURNS
    backend = None if acted else pool.get(request.get("model"))
    session = Session.open(store, session_id, backend=backend)
    if not may_open(session.record.owner, job.tenant):
        raise jobs.JobNotFoundError(job.id)
    if said is not None and acted:
        return words.answer(session, said)
    mask = _mask(store, request.get("mask"))
    references = _references(store, request)
    instruction = str(request["instruction"])
    client = str(request.get("client") or "api")
    n = int(request.get("n") or 1)
    if said is not None and said.kind == "rescale":
        words.no_critique_for_rescale(request)
        mask = mask if mask is not None else _mask(store, words.mask_of_last_turn(session))
        turn = replace(conversation.turn_request(session, said, instruction), mask=mask)
        result = session.apply(turn, progress=reporter, cancel=cancel)
        return words.settled(session, said, _made(session, [result], client))
    follow = _follow_up(session, request, said)
    if follow is not None:  # "a bit bigger shadow": the last turn again, changed
        return _followed(session, follow, mask, reporter, cancel, client)
    if said is not None:  # retry: at v1, the rest of the line is the turn
        instruction = conversation.turn_request(session, said, instruction).instruction

    # 2. the turn: a critique loop with guidelines, else n plain turns at the same version
    if request.get("guidelines"):
        if mask is not None:
            raise UnsupportedError(
                "the critique loop does not take a mask yet: clear the mask, or leave out the "
                "guidelines for this turn",
                backend=session.backend.name,
            )
        refined = _refined(session, request, instruction, references)
        return refined if said is None else words.settled(session, said, refined)
    at = request.get("at")
    seed = request.get("seed")
    results: list[TurnResult] = []
    at_first = at
    if said is None:  # a retry starts afresh: no question is answered
        _recall_question(session, request.get("answering"), at, references)
    for index in range(n):
        turn = TurnRequest(
            instruction=instruction,
            at=at if index == 0 else at_first,
            branch=request.get("branch") if index == 0 else None,
            references=references,
            seed=None if seed is None and index == 0 else int(seed or 0) + index,
            mask=mask,
        )
        result = session.apply(turn, progress=reporter, cancel=cancel)
        results.append(result)
        if result.version is None:
            break
        if index == 0:
            at_first = result.version.parent_id
    first = results[0]
    if n > 1 and first.moved_branch is not None and first.version is not None:
        # the other candidates went on branches of their own; the head stays on the first
        session.checkout(first.moved_branch)
    made = _made(session, results, client)
    return made if said is None else words.settled(session, said, made)


def _follow_up(session: Session, request: dict[str, Any], said: Any) -> followups.FollowUp | None:
    """The follow-up a conversation's line is to the head's last turn, as chat reads it; none
    for a line sent at a version, or one that answers a question."""
    if not request.get("conversation") or request.get("at") or request.get("answering"):
        return None
    if said is not None and said.kind != "rescale":
        return None
    return followups.read(session, str(request["instruction"]))


def _followed(
    session: Session,
    follow: followups.FollowUp,
    mask: Image | None,
    reporter: _Reporter,
    cancel: CancelToken,
    client: str,
) -> dict[str, Any]:
    """The follow-up's turn (its words first in the reply), or its words alone."""
    if follow.request is None:
        made: dict[str, Any] = {
            "session_id": session.id, "made": False, "version": None, "versions": [],
            "reply": follow.message, "branch": None, "ms": {}, "question": None,
        }  # fmt: skip
        return made
    results = [session.apply(replace(follow.request, mask=mask), progress=reporter, cancel=cancel)]
    for then in follow.then:  # the turns after an earlier one redone, on top
        if results[-1].version is not None:
            results.append(session.apply(then, progress=reporter, cancel=cancel))
    made = _made(session, results, client)
    made["reply"] = f"{follow.message}\n{made['reply']}".strip()
    return made


# The planner names a generative backend as a command line; over HTTP the backend is the
# turn's own (the web UI's Backend menu), and a web user has no `gouache` to run.
_COMMAND_LINE = GENERATIVE_BACKENDS.removeprefix("that takes a generative model: ")
_OVER_HTTP = (
    "send the turn to gemini, openai, diffusers or comfyui as its backend (the Backend menu in "
    "the web UI; GET /api/backends says which can run here)"
)
# In the web UI itself the menu is the whole answer: its user sees no API.
_IN_WEB_UI = "choose gemini, openai, diffusers or comfyui in the Backend menu"


def over_http(reply: str, client: str = "api") -> str:
    """The reply as an HTTP client can act on it; `client` "web" is the web UI's own page."""
    return reply.replace(_COMMAND_LINE, _IN_WEB_UI if client == "web" else _OVER_HTTP)


def _made(session: Session, results: list[TurnResult], client: str = "api") -> dict[str, Any]:
    """A turn's result: the versions its tries made, the first one's reply and question."""
    branches = session.branches()
    made = [version_json(r.version, branches) for r in results if r.version is not None]
    first = results[0]
    return {
        "session_id": session.id,
        "made": bool(made),
        "version": made[0] if made else None,
        "versions": made,
        "reply": over_http(first.reply, client),
        "branch": first.moved_branch,
        "ms": first.ms,
        "question": _question_json(first.question),
    }


def _recall_question(
    session: Session, asked: str | None, at: str | None, references: list[LoadedImage]
) -> None:
    """A turn that answers a question: ask the planner the question again (it is
    deterministic), so that the answer completes it. No state is kept between jobs."""
    if not asked:
        return
    from gouache.planner.plan import PlannerQuestion

    outcome = session.plan(str(asked), at=at, references=references)
    if isinstance(outcome, PlannerQuestion):
        session.pending = outcome


def _question_json(question: Any) -> dict[str, Any] | None:
    if question is None:
        return None
    return {
        "instruction": question.instruction,
        "message": question.message,
        "options": list(question.options),
    }


def _refined(
    session: Session, request: dict[str, Any], instruction: str, references: list[LoadedImage]
) -> dict[str, Any]:
    from gouache.critics.refine import refine

    with tempfile.TemporaryDirectory(prefix="gouache-guideline-") as folder:
        guideline = load_guideline(session.store, request["guidelines"], Path(folder))
        outcome = refine(
            session,
            instruction,
            guideline,
            candidates=int(request.get("candidates") or 3),
            budget=int(request.get("budget") or 8),
            seconds=float(request.get("seconds") or 120.0),
            references=references,
            at=request.get("at"),
        )
    branches = session.branches()
    made = [version_json(a.version, branches) for a in outcome.attempts if a.version is not None]
    best = outcome.best.version if outcome.best is not None else None
    return {
        "session_id": session.id,
        "made": best is not None,
        "version": version_json(best, branches) if best is not None else None,
        "versions": made,
        "reply": outcome.table(),
        "passed": outcome.passed,
        "branch": session.head_branch,
    }


def load_guideline(store: Store, spec: dict[str, Any], folder: Path) -> Any:
    """A guideline from YAML text, its files (logos, photos) written from their blobs into
    `folder`, the only place it may read from."""
    import yaml

    from gouache.critics.guideline import Guideline, GuidelineError

    for name, digest in dict(spec.get("files") or {}).items():
        (folder / name).write_bytes(store.blobs.get_bytes(digest))
    try:
        data = yaml.safe_load(str(spec.get("yaml") or ""))
    except yaml.YAMLError as err:
        raise GuidelineError(f"not valid YAML ({err})", path="guidelines") from None
    for text in _strings(data):
        if text.startswith(("/", "\\", "~")) or ".." in Path(text).parts:
            raise GuidelineError(
                f"{text!r}: a guideline sent to the server names only the files sent with it",
                path="guidelines",
            )
    return Guideline.from_mapping(data, base_dir=folder, label="guidelines")


def _start_text(
    store: Store, pool: ModelPool, job: jobs.Job, reporter: _Reporter, cancel: CancelToken
) -> dict[str, Any]:
    request = job.request
    backend = pool.get(request.get("model"))
    session = Session.start_from_text(
        store,
        str(request["prompt"]),
        backend=backend,
        name=request.get("name"),
        seed=request.get("seed"),
        width=request.get("width"),
        height=request.get("height"),
        progress=reporter,
        cancel=cancel,
        owner=job.tenant,
    )
    root = session.head
    made = version_json(root, session.branches())
    return {
        "session_id": session.id,
        "made": True,
        "version": made,
        "versions": [made],
        "reply": root.reply,
        "branch": session.head_branch,
    }


def _strings(data: object) -> list[str]:
    if isinstance(data, str):
        return [data]
    if isinstance(data, dict):
        return [s for value in data.values() for s in _strings(value)]
    if isinstance(data, list):
        return [s for value in data for s in _strings(value)]
    return []
