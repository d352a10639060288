"""The queue: turns sent to dramatiq workers through Redis, for many machines on one store.

Start a worker with `python -m dramatiq gouache.server.worker_main` and the same GOUACHE_STORE
(PostgreSQL for several machines) and GOUACHE_BLOBS_DIR as the server, plus GOUACHE_REDIS_URL.
Messages carry only the job id (JSON cannot carry images; the job row names blob digests).
A message is acknowledged after the job ends, so a worker killed mid-turn leaves it to Redis
to hand to another worker once the dead one's heartbeat is older than `heartbeat_ms`.
"""

from __future__ import annotations

import os
import socket
from typing import Any

QUEUE = "gouache"
ACTOR = "gouache_turn"
DEFAULT_HEARTBEAT_MS = 60_000


class _Process:
    """The store and the backends of one worker process, made on its first job."""

    store: Any = None
    pool: Any = None


def run_turn(job_id: str) -> None:
    from gouache.server.models import ModelPool
    from gouache.server.turns import run_job
    from gouache.sessions.store import Store
    from gouache.settings import Settings

    if _Process.store is None:
        _Process.store = Store.from_settings(Settings())
        _Process.pool = ModelPool()
    run_job(_Process.store, _Process.pool, job_id, f"{socket.gethostname()}:{os.getpid()}")


def connect(redis_url: str, *, heartbeat_ms: int | None = None) -> Any:
    """Point dramatiq at Redis and declare the turn actor; returns it (`.send(job_id)`)."""
    import dramatiq
    from dramatiq.brokers.redis import MAINTENANCE_SCALE, RedisBroker

    timeout = heartbeat_ms or int(
        os.environ.get("GOUACHE_QUEUE_HEARTBEAT_MS", DEFAULT_HEARTBEAT_MS)
    )
    broker = RedisBroker(  # type: ignore[no-untyped-call]
        url=redis_url,
        heartbeat_timeout=timeout,
        # with a short heartbeat (tests), look for dead workers' messages on every fetch
        maintenance_chance=MAINTENANCE_SCALE if timeout < DEFAULT_HEARTBEAT_MS else 1000,
    )
    dramatiq.set_broker(broker)
    # max_retries=0: a turn that failed on a user's input fails the job; a dead worker's
    # message comes back through Redis instead, and jobs.claim counts those attempts.
    declare = dramatiq.actor(
        actor_name=ACTOR, queue_name=QUEUE, max_retries=0, time_limit=3_600_000
    )
    return declare(run_turn)
