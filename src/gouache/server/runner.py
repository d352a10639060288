"""Where jobs run: threads of this process (inline) or dramatiq workers through Redis (queue)."""

from __future__ import annotations

import logging
import threading
from concurrent.futures import ThreadPoolExecutor
from typing import Protocol

from gouache.progress import CancelToken
from gouache.server import jobs
from gouache.server.models import ModelPool
from gouache.server.turns import run_job
from gouache.sessions.store import Store

log = logging.getLogger("gouache.server")


class Runner(Protocol):
    # What a new job's `worker` says before it runs: this server (inline), or None (queue).
    owner: str | None

    def submit(self, job_id: str) -> None: ...

    def cancel(self, job_id: str) -> None: ...

    def close(self) -> None: ...


class InlineRunner:
    """Turns on a pool of threads; a cancel reaches the running turn at once."""

    def __init__(self, store: Store, pool: ModelPool, threads: int) -> None:
        self.store, self.pool = store, pool
        self._executor = ThreadPoolExecutor(threads, thread_name_prefix="gouache-turn")
        self._tokens: dict[str, CancelToken] = {}
        self._lock = threading.Lock()
        me = jobs.InlineServer.this_process()
        self.owner: str | None = me.worker
        self._worker = me.worker
        # jobs left by an inline server on this machine that was killed, or by this server
        # before it restarted: fail them, with why
        jobs.fail_orphans(store, me)

    def submit(self, job_id: str) -> None:
        token = CancelToken()
        with self._lock:
            self._tokens[job_id] = token
        self._executor.submit(self._run, job_id, token)

    def _run(self, job_id: str, token: CancelToken) -> None:
        try:
            run_job(self.store, self.pool, job_id, self._worker, token)
        except Exception:
            log.exception("job %s failed with a bug", job_id)
        finally:
            with self._lock:
                self._tokens.pop(job_id, None)

    def cancel(self, job_id: str) -> None:
        with self._lock:
            token = self._tokens.get(job_id)
        if token is not None:
            token.cancel()

    def close(self) -> None:
        self._executor.shutdown(wait=True, cancel_futures=True)


class QueueRunner:
    """Job ids to dramatiq; the workers (gouache.server.worker) read the cancel flag."""

    def __init__(self, redis_url: str) -> None:
        from gouache.server.worker import connect

        self.owner: str | None = None
        self._actor = connect(redis_url)

    def submit(self, job_id: str) -> None:
        self._actor.send(job_id)

    def cancel(self, job_id: str) -> None:
        # The flag on the job row is enough: the worker reads it at every progress step.
        return None

    def close(self) -> None:
        return None
