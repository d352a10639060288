"""Load on a local `gouache serve`: concurrent clients making turns, inline and queue.

Each client starts a session on the astronaut and then, for the run's duration, posts a turn,
follows its job to the end and posts the next. Measured: turns per second, latency from POST
to done (p50/p95/p99), errors, versions lost (a job reported done whose version is not in the
store; must be 0), and the peak memory of the server and of each worker. Beside it, the same
turn in process, without HTTP. The server is a `gouache serve` process; queue mode adds a
throwaway PostgreSQL, Redis and two dramatiq worker processes (gouache.server.services).
"""

from __future__ import annotations

import io
import os
import signal
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from contextlib import ExitStack
from pathlib import Path
from typing import Any

import httpx
from PIL import Image as PILImage

from benchmarks.common import astronaut, median_ms

INSTRUCTIONS = ("make it warmer", "add a vignette", "make it cooler", "brighter")
IMAGE_SIZE = (512, 400)


def _png() -> bytes:
    buffer = io.BytesIO()
    PILImage.fromarray(astronaut(IMAGE_SIZE)).save(buffer, "PNG")
    return buffer.getvalue()


def _peak_kib(pid: int) -> int:
    """The process's peak resident memory (VmHWM), in KiB; 0 when it cannot be read."""
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1])
    except OSError:
        pass
    return 0


def _percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(share * len(ordered)))] if ordered else 0.0


def _free_port() -> int:
    from gouache.server.services import free_port

    return free_port()


def _wait_up(url: str, process: subprocess.Popen[bytes]) -> None:
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError("gouache serve exited at start")
        try:
            if httpx.get(url + "/health", timeout=1).status_code == 200:
                return
        except httpx.HTTPError:
            pass
        time.sleep(0.1)
    raise RuntimeError("gouache serve did not start")


def _clients(url: str, key: str, clients: int, seconds: float) -> dict[str, Any]:
    image = _png()
    latencies: list[float] = []
    errors: list[str] = []
    made: list[tuple[str, str]] = []
    lock = threading.Lock()
    stop_at = time.monotonic() + seconds

    def run(index: int) -> None:
        headers = {"Authorization": f"Bearer {key}"}
        with httpx.Client(base_url=url, headers=headers, timeout=120) as client:
            created = client.post("/api/sessions", files={"image": ("a.png", image, "image/png")})
            session_id = created.json()["id"]
            n = index
            while time.monotonic() < stop_at:
                started = time.perf_counter()
                instruction = INSTRUCTIONS[n % len(INSTRUCTIONS)]
                n += 1
                posted = client.post(
                    f"/api/sessions/{session_id}/turns", json={"instruction": instruction}
                )
                if posted.status_code != 202:
                    with lock:
                        errors.append(f"{posted.status_code} {posted.text[:100]}")
                    continue
                job_id = posted.json()["id"]
                while True:  # long polling: the server answers when the job ends
                    job = client.get(f"/api/jobs/{job_id}", params={"wait": 30}).json()
                    if job.get("status") in ("done", "failed", "cancelled"):
                        break
                with lock:
                    if job["status"] == "done" and job["result"]["version"] is not None:
                        latencies.append((time.perf_counter() - started) * 1000)
                        made.append((session_id, job["result"]["version"]["id"]))
                    else:
                        errors.append(str(job.get("error")))

    began = time.perf_counter()
    threads = [threading.Thread(target=run, args=(i,)) for i in range(clients)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    elapsed = time.perf_counter() - began
    return {"latencies": latencies, "errors": errors, "made": made, "elapsed": elapsed}


def _lost(store_url: str, blobs: Path, made: list[tuple[str, str]]) -> int:
    from gouache.images import BlobStore
    from gouache.sessions.store import Store

    lost = 0
    with Store(store_url, BlobStore(blobs)) as store, store.read() as tx:
        for session_id, version_id in made:
            try:
                version = tx.version(session_id, version_id)
                store.blobs.get_bytes(version.blob)
            except Exception:
                lost += 1
    return lost


def run_mode(mode: str, clients: int, seconds: float) -> dict[str, Any]:
    from gouache.images import BlobStore
    from gouache.server.keys import create_key
    from gouache.server.services import running_cluster, running_redis
    from gouache.sessions.store import Store

    with ExitStack() as stack:
        folder = Path(stack.enter_context(tempfile.TemporaryDirectory(prefix="gouache-load-")))
        blobs = folder / "blobs"
        redis_url = "redis://127.0.0.1:1/0"
        if mode == "queue":
            store_url = stack.enter_context(running_cluster()).new_database()
            redis_url = stack.enter_context(running_redis())
        else:
            store_url = f"sqlite:///{folder / 'gouache.db'}"
        with Store(store_url, BlobStore(blobs)) as store:
            key = create_key(store, "bench")
        env = {
            **os.environ,
            "PYTHONPATH": os.pathsep.join(sys.path),
            "GOUACHE_STORE": store_url,
            "GOUACHE_BLOBS_DIR": str(blobs),
            "GOUACHE_DATA_DIR": str(folder),
            "GOUACHE_REDIS_URL": redis_url,
        }
        workers: list[subprocess.Popen[bytes]] = []
        if mode == "queue":
            command = [sys.executable, "-m", "dramatiq", "gouache.server.worker_main"]
            command += ["--processes", "1", "--threads", "2", "--queues", "gouache"]
            workers = [
                subprocess.Popen(
                    command, env=env, stderr=subprocess.DEVNULL, start_new_session=True
                )
                for _ in range(2)
            ]
        port = _free_port()
        serve = [sys.executable, "-c", "import sys; from gouache.cli import main; sys.exit(main())"]
        serve += ["serve", "--port", str(port), "--workers", mode, "--redis", redis_url]
        # no rate or job limit for the bench: it measures throughput, not the limiter
        serve += ["--rate", "0", "--max-jobs", "1000"]
        server = subprocess.Popen(serve, env=env, stdout=subprocess.DEVNULL)
        url = f"http://127.0.0.1:{port}"
        try:
            _wait_up(url, server)
            got = _clients(url, key, clients, seconds)
            server_kib = _peak_kib(server.pid)
            worker_kib = [_peak_kib(_child_of(w.pid)) for w in workers]
        finally:
            server.send_signal(signal.SIGINT)
            server.wait(30)
            for worker in workers:
                os.killpg(worker.pid, signal.SIGTERM)
                worker.wait(30)
        latencies = got["latencies"]
        return {
            "mode": mode,
            "clients": clients,
            "seconds": round(got["elapsed"], 1),
            "turns": len(latencies),
            "turns_per_s": round(len(latencies) / got["elapsed"], 2),
            "p50_ms": round(_percentile(latencies, 0.50), 1),
            "p95_ms": round(_percentile(latencies, 0.95), 1),
            "p99_ms": round(_percentile(latencies, 0.99), 1),
            "mean_ms": round(statistics.fmean(latencies), 1) if latencies else 0.0,
            "errors": len(got["errors"]),
            "first_errors": got["errors"][:3],
            "versions_lost": _lost(store_url, blobs, got["made"]),
            "server_peak_mib": round(server_kib / 1024, 1),
            "worker_peak_mib": [round(k / 1024, 1) for k in worker_kib],
        }


def _child_of(pid: int) -> int:
    """dramatiq's worker process under its main process (where the turns run)."""
    try:
        children = Path(f"/proc/{pid}/task/{pid}/children").read_text().split()
    except OSError:
        return pid
    return int(children[0]) if children else pid


def in_process_ms(repeats: int) -> float:
    """One turn through Session.apply on the same picture: no HTTP, no job row."""
    from gouache.images import BlobStore, LoadedImage
    from gouache.sessions import Session, Store

    with (
        tempfile.TemporaryDirectory() as folder,
        Store(f"sqlite:///{folder}/g.db", BlobStore(Path(folder) / "blobs")) as store,
    ):
        session = Session.start(store, LoadedImage(astronaut(IMAGE_SIZE), "PNG", "a.png"))
        counter = iter(range(10_000))
        return median_ms(
            lambda: session.apply(INSTRUCTIONS[next(counter) % len(INSTRUCTIONS)]), repeats
        )


def main(quick: bool = False) -> dict[str, object]:
    from gouache.server.services import pg_bin

    clients, seconds = (4, 3.0) if quick else (16, 60.0)
    single = in_process_ms(3 if quick else 20)
    print(f"one turn in process ({IMAGE_SIZE[0]}x{IMAGE_SIZE[1]}): {single:.1f} ms")
    rows: list[dict[str, Any]] = [run_mode("inline", clients, seconds)]
    import shutil

    if pg_bin() is not None and shutil.which("redis-server"):
        rows.append(run_mode("queue", clients, seconds))
    else:
        print("queue mode skipped: needs postgresql and redis-server (make test installs them)")
    print(
        f"{'mode':<7} {'clients':>7} {'turns':>6} {'turns/s':>8} {'p50 ms':>8} {'p95 ms':>8} "
        f"{'p99 ms':>8} {'errors':>6} {'lost':>5} {'server MiB':>10} {'workers MiB'}"
    )
    for row in rows:
        print(
            f"{row['mode']:<7} {row['clients']:>7} {row['turns']:>6} {row['turns_per_s']:>8} "
            f"{row['p50_ms']:>8} {row['p95_ms']:>8} {row['p99_ms']:>8} {row['errors']:>6} "
            f"{row['versions_lost']:>5} {row['server_peak_mib']:>10} {row['worker_peak_mib']}"
        )
    return {"in_process_turn_ms": round(single, 1), "image": list(IMAGE_SIZE), "rows": rows}
