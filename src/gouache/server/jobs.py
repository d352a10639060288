"""Jobs: one row per turn asked over HTTP, shared by the server and the queue workers.

    queued -> running -> done | failed | cancelled

A worker claims a job by moving it to running (attempts + 1); a job whose worker died is
claimed again by the broker's redelivery, up to MAX_ATTEMPTS, then failed with the reason.
Progress and the cancel flag live on the row, so any process can read or set them.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any, Literal
from uuid import uuid4

from sqlalchemy import Row, func, select

from gouache.errors import GouacheError, NotFoundError
from gouache.sessions.migrations import jobs
from gouache.sessions.store import Store, Transaction, now

JobStatus = Literal["queued", "running", "done", "failed", "cancelled"]
ACTIVE: tuple[JobStatus, ...] = ("queued", "running")
FINISHED: tuple[JobStatus, ...] = ("done", "failed", "cancelled")
MAX_ATTEMPTS = 3


class JobNotFoundError(NotFoundError):
    def __init__(self, job_id: str) -> None:
        super().__init__(f"no job {job_id!r}")
        self.job_id = job_id


@dataclass(frozen=True)
class Job:
    id: str
    tenant: str
    session_id: str | None
    kind: str
    status: JobStatus
    request: dict[str, Any]
    progress: dict[str, Any]
    result: dict[str, Any] | None
    error: dict[str, Any] | None
    attempts: int
    worker: str | None
    cancel_requested: bool
    created_at: datetime
    updated_at: datetime

    @property
    def finished(self) -> bool:
        return self.status in FINISHED

    def to_json(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "kind": self.kind,
            "status": self.status,
            "session_id": self.session_id,
            "progress": self.progress,
            "result": self.result,
            "error": self.error,
            "attempts": self.attempts,
            "cancel_requested": self.cancel_requested,
            "created_at": self.created_at.isoformat(),
            "updated_at": self.updated_at.isoformat(),
        }


def error_json(err: GouacheError) -> dict[str, Any]:
    """The body of the API's one error shape (see server/errors.py), without HTTP."""
    return {"code": err.http_status, "type": type(err).__name__, "message": err.message}


def create(
    store: Store,
    tenant: str,
    kind: str,
    request: dict[str, Any],
    session_id: str | None,
    *,
    worker: str | None = None,
) -> Job:
    """A queued job; `worker` names the inline server that will run it (None: the queue)."""
    job_id = uuid4().hex
    stamp = now()
    with store.write() as tx:
        tx.conn.execute(
            jobs.insert().values(
                id=job_id,
                tenant=tenant,
                session_id=session_id,
                kind=kind,
                status="queued",
                request=request,
                progress={},
                attempts=0,
                worker=worker,
                cancel_requested=False,
                created_at=stamp,
                updated_at=stamp,
            )
        )
        return _get(tx, job_id)


def get(store: Store, job_id: str, *, tenant: str | None = None) -> Job:
    """The job; JobNotFoundError when it is missing or belongs to another tenant."""
    with store.read() as tx:
        job = _get(tx, job_id)
    if tenant is not None and job.tenant != tenant:
        raise JobNotFoundError(job_id)
    return job


def active_count(store: Store, tenant: str) -> int:
    with store.read() as tx:
        query = select(func.count()).where(jobs.c.tenant == tenant, jobs.c.status.in_(ACTIVE))
        return int(tx.conn.execute(query).scalar() or 0)


def claim(store: Store, job_id: str, worker: str) -> Job | None:
    """Move a queued (or orphaned running) job to running for `worker`; None when there is
    nothing to run: finished already, or cancelled before it started."""

    def work(tx: Transaction) -> Job | None:
        job = _get(tx, job_id)
        if job.finished:
            return None
        if job.cancel_requested:
            _finish(tx, job_id, "cancelled", error=_cancelled())
            return None
        if job.attempts >= MAX_ATTEMPTS:
            reason = (
                f"the job was started {job.attempts} times and its worker stopped each time "
                f"(last: {job.worker}); not trying again"
            )
            _finish(
                tx, job_id, "failed", error={"code": 500, "type": "WorkerLost", "message": reason}
            )
            return None
        tx.conn.execute(
            jobs.update()
            .where(jobs.c.id == job_id)
            .values(status="running", attempts=job.attempts + 1, worker=worker, updated_at=now())
        )
        return _get(tx, job_id)

    return store.run(work)


def report(store: Store, job_id: str, progress: dict[str, Any]) -> bool:
    """Record progress; True when someone asked to cancel."""
    with store.write() as tx:
        tx.conn.execute(
            jobs.update().where(jobs.c.id == job_id).values(progress=progress, updated_at=now())
        )
        flag = tx.conn.execute(select(jobs.c.cancel_requested).where(jobs.c.id == job_id)).scalar()
    return bool(flag)


def cancel_requested(store: Store, job_id: str) -> bool:
    with store.read() as tx:
        return bool(
            tx.conn.execute(select(jobs.c.cancel_requested).where(jobs.c.id == job_id)).scalar()
        )


def request_cancel(store: Store, job_id: str, tenant: str) -> Job:
    """Ask a job to stop: a queued one is cancelled at once, a running one at its next step."""

    def work(tx: Transaction) -> Job:
        job = _get(tx, job_id)
        if job.tenant != tenant:
            raise JobNotFoundError(job_id)
        if job.finished:
            return job
        tx.conn.execute(
            jobs.update().where(jobs.c.id == job_id).values(cancel_requested=True, updated_at=now())
        )
        if job.status == "queued":
            _finish(tx, job_id, "cancelled", error=_cancelled())
        return _get(tx, job_id)

    return store.run(work)


def finish(
    store: Store,
    job_id: str,
    status: JobStatus,
    *,
    result: dict[str, Any] | None = None,
    error: dict[str, Any] | None = None,
) -> Job:
    with store.write() as tx:
        _finish(tx, job_id, status, result=result, error=error)
        return _get(tx, job_id)


def _finish(
    tx: Transaction,
    job_id: str,
    status: JobStatus,
    *,
    result: dict[str, Any] | None = None,
    error: dict[str, Any] | None = None,
) -> None:
    tx.conn.execute(
        jobs.update()
        .where(jobs.c.id == job_id)
        .values(status=status, result=result, error=error, updated_at=now())
    )


def _cancelled() -> dict[str, Any]:
    return {"code": 499, "type": "CancelledError", "message": "the job was cancelled"}


def _get(tx: Transaction, job_id: str) -> Job:
    row = tx.conn.execute(select(jobs).where(jobs.c.id == job_id)).first()
    if row is None:
        raise JobNotFoundError(job_id)
    return _from_row(row)


def _utc(value: datetime) -> datetime:
    """SQLite hands datetimes back without their zone; they were written in UTC."""
    return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


def _from_row(row: Row[Any]) -> Job:
    return Job(
        id=row.id,
        tenant=row.tenant,
        session_id=row.session_id,
        kind=row.kind,
        status=row.status,
        request=dict(row.request),
        progress=dict(row.progress or {}),
        result=row.result,
        error=row.error,
        attempts=int(row.attempts),
        worker=row.worker,
        cancel_requested=bool(row.cancel_requested),
        created_at=_utc(row.created_at),
        updated_at=_utc(row.updated_at),
    )


@dataclass(frozen=True)
class InlineServer:
    """A server process running turns on its own threads, as a job's `worker` names it. The
    boot id is new at each start: a server restarted with the same pid (pid 1 in a container)
    is still another process, and the jobs of the one before are orphans."""

    host: str
    pid: int
    boot: str

    @classmethod
    def this_process(cls) -> InlineServer:
        import os
        import secrets
        import socket

        return cls(socket.gethostname(), os.getpid(), secrets.token_hex(8))

    @property
    def worker(self) -> str:
        return f"inline:{self.host}:{self.pid}:{self.boot}"


def fail_orphans(store: Store, me: InlineServer) -> int:
    """Fail the unfinished jobs of inline servers on `me`'s host that are gone (a server
    killed mid-turn), so that nobody waits for them forever; returns how many. Gone: its pid
    is not running, or it is `me`'s pid under another boot id (or none: a job from before boot
    ids), which is a run of this server before it restarted."""
    prefix = f"inline:{me.host}:"
    with store.read() as tx:
        rows = tx.conn.execute(
            select(jobs.c.id, jobs.c.worker).where(
                jobs.c.status.in_(ACTIVE), jobs.c.worker.startswith(prefix)
            )
        ).all()
    failed = 0
    for row in rows:
        pid_text, _, boot = row.worker[len(prefix) :].partition(":")
        if not pid_text.isdigit():
            continue
        pid = int(pid_text)
        if pid == me.pid and boot == me.boot:
            continue  # this process's own job
        if pid == me.pid or not _alive(pid):
            message = (
                f"the server running this job (pid {pid}) stopped before it ended; "
                "send the turn again if its version is not in the session"
            )
            finish(
                store,
                row.id,
                "failed",
                error={"code": 500, "type": "ServerStopped", "message": message},
            )
            failed += 1
    return failed


def _alive(pid: int) -> bool:
    import os

    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def prune(store: Store, older_than: timedelta) -> int:
    """Delete finished jobs last changed longer ago than `older_than`; returns how many.
    Their versions stay: a job only says how a turn went."""
    cutoff = now() - older_than
    with store.write() as tx:
        result = tx.conn.execute(
            jobs.delete().where(jobs.c.status.in_(FINISHED), jobs.c.updated_at < cutoff)
        )
    return int(result.rowcount or 0)
