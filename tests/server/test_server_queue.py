"""--workers queue: turns on dramatiq worker processes through a real Redis, sharing one
PostgreSQL store and one blob folder with the server, as machines would."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from server_flow import start, wait_job
from server_harness import LiveServer, live_server, photo, png_bytes

from gouache.server import jobs
from gouache.server.config import ServerConfig
from gouache.server.services import Cluster, running_redis

SESSIONS = 6
TURNS_PER_SESSION = 10
INSTRUCTIONS = ("make it warmer", "make it cooler", "brighter", "darker", "add a vignette")


@pytest.fixture(scope="module")
def redis_url() -> Iterator[str]:
    with running_redis() as url:
        yield url


def _worker(server: LiveServer, redis_url: str) -> subprocess.Popen[bytes]:
    env = {
        **os.environ,
        "PYTHONPATH": os.pathsep.join(sys.path),
        "GOUACHE_STORE": server.store.url,
        "GOUACHE_BLOBS_DIR": str(server.store.blobs.root),
        "GOUACHE_DATA_DIR": str(server.folder),
        "GOUACHE_REDIS_URL": redis_url,
        # a dead worker's message goes back to the queue after 2 s without its heartbeat
        "GOUACHE_QUEUE_HEARTBEAT_MS": "2000",
    }
    command = [sys.executable, "-m", "dramatiq", "gouache.server.worker_main"]
    command += ["--processes", "1", "--threads", "2", "--queues", "gouache"]
    return subprocess.Popen(
        command, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, start_new_session=True
    )


@pytest.fixture
def queue(
    tmp_path: Path, pg_cluster: Cluster, redis_url: str
) -> Iterator[tuple[LiveServer, list[subprocess.Popen[bytes]]]]:
    config = ServerConfig(
        workers="queue", redis_url=redis_url, max_jobs_per_tenant=100, rate_per_minute=0
    )
    with live_server(tmp_path, config, store_url=pg_cluster.new_database()) as server:
        workers = [_worker(server, redis_url) for _ in range(2)]
        try:
            yield server, workers
        finally:
            for worker in workers:
                if worker.poll() is None:
                    os.killpg(worker.pid, signal.SIGTERM)
            for worker in workers:
                try:
                    worker.wait(timeout=20)
                except subprocess.TimeoutExpired:
                    os.killpg(worker.pid, signal.SIGKILL)


def test_sixty_turns_over_six_sessions_from_concurrent_clients_all_become_versions(
    queue: tuple[LiveServer, list[subprocess.Popen[bytes]]],
) -> None:
    server, _ = queue
    finished: dict[str, list[dict[str, object]]] = {}
    failures: list[BaseException] = []

    def client_run(index: int) -> None:
        try:
            with httpx.Client(base_url=server.url, headers=server.headers(), timeout=120) as c:
                session_id = start(c, png_bytes(photo(seed=index)))
                # all ten at once on one session: they race for the branch
                submitted = [
                    c.post(
                        f"/api/sessions/{session_id}/turns",
                        json={"instruction": INSTRUCTIONS[n % len(INSTRUCTIONS)]},
                    ).json()["id"]
                    for n in range(TURNS_PER_SESSION)
                ]
                finished[session_id] = [wait_job(c, j, seconds=240) for j in submitted]
        except BaseException as err:  # reported below, with the others
            failures.append(err)

    threads = [threading.Thread(target=client_run, args=(i,)) for i in range(SESSIONS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(300)
    assert not failures, failures
    assert len(finished) == SESSIONS

    workers_seen = set()
    for session_id, done in finished.items():
        assert [job["status"] for job in done] == ["done"] * TURNS_PER_SESSION
        made = {job["result"]["version"]["id"] for job in done}  # type: ignore[index]
        with server.store.read() as tx:
            versions = tx.versions(session_id)
        assert len(versions) == TURNS_PER_SESSION + 1
        assert made == {v.id for v in versions if v.kind == "turn"}
        for version in versions:
            server.store.blobs.get(version.blob)
        workers_seen |= {jobs.get(server.store, str(job["id"])).worker for job in done}
    assert len(workers_seen) == 2  # both worker processes took turns


def test_a_worker_killed_mid_turn_leaves_the_job_to_another_worker(
    queue: tuple[LiveServer, list[subprocess.Popen[bytes]]],
) -> None:
    server, _ = queue
    with httpx.Client(base_url=server.url, headers=server.headers(), timeout=120) as client:
        # 3 MP of noise: denoising it takes seconds, time to kill the worker in the middle
        import numpy as np

        noise = np.random.default_rng(0).integers(0, 256, (1500, 2000, 3), dtype=np.uint8)
        session_id = start(client, png_bytes(noise))
        job_id = client.post(
            f"/api/sessions/{session_id}/turns", json={"instruction": "denoise"}
        ).json()["id"]
        deadline = time.monotonic() + 60
        while (job := jobs.get(server.store, job_id)).status != "running":
            assert time.monotonic() < deadline, job.status
            time.sleep(0.02)
        time.sleep(0.3)
        victim = int(str(job.worker).rsplit(":", 1)[1])
        os.kill(victim, signal.SIGKILL)

        done = wait_job(client, job_id, seconds=120)
        assert done["status"] == "done", done
        assert done["attempts"] == 2
        assert jobs.get(server.store, job_id).worker != job.worker
        with server.store.read() as tx:
            versions = tx.versions(session_id)
        assert [v.number for v in versions] == [1, 2]  # made once, not twice, not half
        server.store.blobs.get(versions[1].blob)


def test_two_servers_of_one_queue_share_one_rate_limit_through_redis(
    tmp_path: Path, redis_url: str
) -> None:
    config = ServerConfig(workers="queue", redis_url=redis_url, rate_per_minute=4)
    url = f"sqlite:///{tmp_path / 'gouache.db'}"
    with (
        live_server(tmp_path, config, store_url=url) as first,
        live_server(tmp_path, config, store_url=url) as second,
    ):
        key = first.key  # one store: the key works on both
        statuses = []
        for server in (first, second, first, second, first):
            response = httpx.get(server.url + "/api/sessions", headers=server.headers(key))
            statuses.append(response.status_code)
        assert statuses == [200, 200, 200, 200, 429]
        other = httpx.get(second.url + "/api/sessions", headers=second.headers(second.other_key))
        assert other.status_code == 200
