"""Submitting a turn as a job and waiting for it; shared by the native API and the wire
formats of others. No HTTP in here."""

from __future__ import annotations

import time
from typing import Any

import anyio

from gouache.errors import InputError
from gouache.images import LoadedImage
from gouache.server import jobs
from gouache.server.errors import RateLimitedError, TurnTimeoutError
from gouache.server.state import ServerState

POLL_SECONDS = 0.05


def check_references(state: ServerState, count: int, model: str | None) -> None:
    """Too many references: the server's cap (400), then the backend's (422, from the pool)."""
    limit = state.config.max_references
    if count > limit:
        raise InputError(f"{count} reference images; this server takes at most {limit} per turn")
    backend = state.pool.get(model)
    most = backend.capabilities.max_references
    if count > most:
        from gouache.errors import UnsupportedError

        raise UnsupportedError(
            f"backend {backend.name!r} takes at most {most} reference image(s); {count} given",
            backend=backend.name,
        )


def store_images(state: ServerState, images: list[LoadedImage]) -> list[dict[str, str]]:
    return [{"digest": state.store.blobs.put(img.pixels), "name": img.name} for img in images]


def submit(
    state: ServerState, tenant: str, kind: str, request: dict[str, Any], session_id: str | None
) -> jobs.Job:
    """A new job, handed to the runner; 429 when the tenant already has its share running."""
    limit = state.config.max_jobs_per_tenant
    if jobs.active_count(state.store, tenant) >= limit:
        raise RateLimitedError(
            f"{limit} jobs of this tenant are queued or running; wait for one to finish",
            retry_after=2,
        )
    job = jobs.create(state.store, tenant, kind, request, session_id, worker=state.runner.owner)
    state.runner.submit(job.id)
    return job


async def wait(state: ServerState, job_id: str) -> jobs.Job:
    """The job once it has finished; TurnTimeoutError after config.wait_seconds."""
    deadline = time.monotonic() + state.config.wait_seconds
    while True:
        job = await anyio.to_thread.run_sync(jobs.get, state.store, job_id)
        if job.finished:
            return job
        if time.monotonic() > deadline:
            raise TurnTimeoutError(
                f"job {job_id} is still {job.status} after {state.config.wait_seconds:.0f} s; "
                f"GET /api/jobs/{job_id} follows it"
            )
        await anyio.sleep(POLL_SECONDS)
