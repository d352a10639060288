"""Job rows, which the server and the queue workers share: claims, attempts, cancels."""

from __future__ import annotations

import pytest

from gouache.server import jobs
from gouache.sessions.store import Store


def test_a_job_whose_worker_died_three_times_is_failed_with_the_reason(store: Store) -> None:
    job = jobs.create(store, "acme", "turn", {"session_id": "x"}, None)
    for attempt in range(1, jobs.MAX_ATTEMPTS + 1):
        claimed = jobs.claim(store, job.id, f"host:{attempt}")
        assert claimed is not None
        assert claimed.status == "running"
        assert claimed.attempts == attempt
        # ... and the worker dies here: nothing finishes the job, the broker hands it on
    assert jobs.claim(store, job.id, "host:9") is None
    failed = jobs.get(store, job.id)
    assert failed.status == "failed"
    assert failed.error is not None
    assert failed.error["type"] == "WorkerLost"
    assert "started 3 times" in failed.error["message"]
    assert "host:3" in failed.error["message"]


def test_a_queued_job_is_cancelled_at_once_and_never_runs(store: Store) -> None:
    job = jobs.create(store, "acme", "turn", {}, None)
    cancelled = jobs.request_cancel(store, job.id, "acme")
    assert cancelled.status == "cancelled"
    assert cancelled.error is not None
    assert cancelled.error["code"] == 499
    assert jobs.claim(store, job.id, "host:1") is None
    assert jobs.active_count(store, "acme") == 0


def test_a_running_job_learns_of_its_cancel_at_its_next_progress_report(store: Store) -> None:
    job = jobs.create(store, "acme", "turn", {}, None)
    assert jobs.claim(store, job.id, "host:1") is not None
    assert jobs.report(store, job.id, {"step": 1, "total": 4}) is False
    assert jobs.request_cancel(store, job.id, "acme").status == "running"
    assert jobs.report(store, job.id, {"step": 2, "total": 4}) is True
    assert jobs.get(store, job.id).progress == {"step": 2, "total": 4}


def test_another_tenant_can_neither_read_nor_cancel_a_job(store: Store) -> None:
    job = jobs.create(store, "acme", "turn", {}, None)
    with pytest.raises(jobs.JobNotFoundError):
        jobs.get(store, job.id, tenant="globex")
    with pytest.raises(jobs.JobNotFoundError):
        jobs.request_cancel(store, job.id, "globex")
    assert jobs.get(store, job.id).cancel_requested is False


def test_the_domain_and_the_queue_worker_import_no_http_framework() -> None:
    import subprocess
    import sys

    code = (
        "import sys\n"
        "import gouache.sessions.session, gouache.planner.rules, gouache.critics.refine\n"
        "import gouache.server.turns, gouache.server.worker, gouache.server.jobs\n"
        "print(sorted(m for m in sys.modules if m.split('.')[0] in ('fastapi', 'starlette')))\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, timeout=120
    )
    assert done.stdout.strip() == "[]"


def test_jobs_of_an_inline_server_that_died_are_failed_when_the_next_one_starts(
    store: Store,
) -> None:
    import socket
    import subprocess
    import sys

    from gouache.server.models import ModelPool
    from gouache.server.runner import InlineRunner

    gone = subprocess.run(
        [sys.executable, "-c", "import os; print(os.getpid())"],
        capture_output=True,
        text=True,
        check=True,
    )
    dead = f"inline:{socket.gethostname()}:{int(gone.stdout)}"
    orphan = jobs.create(store, "acme", "turn", {}, None, worker=dead)
    live = jobs.create(store, "acme", "turn", {}, None, worker=f"inline:{socket.gethostname()}:1")
    queued = jobs.create(store, "acme", "turn", {}, None)  # the queue's: not this machine's
    runner = InlineRunner(store, ModelPool(), threads=1)
    runner.close()

    failed = jobs.get(store, orphan.id)
    assert failed.status == "failed"
    assert failed.error is not None
    assert failed.error["type"] == "ServerStopped"
    assert jobs.get(store, live.id).status == "queued"  # pid 1 is alive
    assert jobs.get(store, queued.id).status == "queued"


def test_a_server_restarted_with_the_same_pid_fails_the_jobs_of_its_run_before(
    store: Store,
) -> None:
    """In a container the server is pid 1 at every start: the pid is alive (it is us), but
    the run that took the job is gone, and only the boot id tells them apart."""
    import os
    import socket

    from gouache.server.models import ModelPool
    from gouache.server.runner import InlineRunner

    host, pid = socket.gethostname(), os.getpid()
    before = jobs.create(store, "acme", "turn", {}, None, worker=f"inline:{host}:{pid}:0badb007")
    claimed = jobs.claim(store, before.id, f"inline:{host}:{pid}:0badb007")
    assert claimed is not None
    assert claimed.status == "running"
    older = jobs.create(store, "acme", "turn", {}, None, worker=f"inline:{host}:{pid}")
    runner = InlineRunner(store, ModelPool(), threads=1)
    try:
        assert runner.owner is not None
        assert runner.owner.startswith(f"inline:{host}:{pid}:")
        mine = jobs.create(store, "acme", "turn", {}, None, worker=runner.owner)
        for orphan in (before, older):
            failed = jobs.get(store, orphan.id)
            assert failed.status == "failed"
            assert failed.error is not None
            assert failed.error["type"] == "ServerStopped"
        # a second look (another runner of this process would do it) leaves its own jobs be
        me = jobs.InlineServer(host, pid, runner.owner.rsplit(":", 1)[1])
        assert jobs.fail_orphans(store, me) == 0
        assert jobs.get(store, mine.id).status == "queued"
    finally:
        runner.close()


def test_finished_jobs_past_their_keep_are_pruned_and_active_ones_stay(store: Store) -> None:
    from datetime import timedelta

    done = jobs.create(store, "acme", "turn", {}, None)
    jobs.finish(store, done.id, "done", result={})
    running = jobs.create(store, "acme", "turn", {}, None)
    assert jobs.prune(store, timedelta(days=1)) == 0  # too recent
    assert jobs.prune(store, timedelta(seconds=-1)) == 1
    with pytest.raises(jobs.JobNotFoundError):
        jobs.get(store, done.id)
    assert jobs.get(store, running.id).status == "queued"
