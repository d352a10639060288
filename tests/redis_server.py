"""A throwaway Redis for the queue tests: Debian's redis-server on 127.0.0.1 at a free port,
nothing saved to disk, stopped by its pid."""

from __future__ import annotations

import os
import shutil
import signal
import socket
import subprocess
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


@contextmanager
def running_redis() -> Iterator[str]:
    """Yields the redis:// URL."""
    binary = shutil.which("redis-server")
    if binary is None:
        raise RuntimeError("redis-server is not installed: apt-get install -y redis-server")
    folder = tempfile.mkdtemp(prefix="gouache-redis-")
    port = free_port()
    pidfile = os.path.join(folder, "redis.pid")
    subprocess.run(
        [
            binary,
            "--port",
            str(port),
            "--bind",
            "127.0.0.1",
            "--save",
            "",
            "--appendonly",
            "no",
            "--daemonize",
            "yes",
            "--pidfile",
            pidfile,
            "--dir",
            folder,
        ],
        check=True,
        capture_output=True,
    )
    deadline = time.monotonic() + 10
    while True:
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.2) as sock:
                sock.sendall(b"PING\r\n")
                if sock.recv(16).startswith(b"+PONG"):
                    break
        except OSError:
            pass
        if time.monotonic() > deadline:
            raise RuntimeError("redis-server did not start")
        time.sleep(0.02)
    try:
        yield f"redis://127.0.0.1:{port}/0"
    finally:
        with open(pidfile) as fh:
            pid = int(fh.read().strip())
        os.kill(pid, signal.SIGTERM)
        shutil.rmtree(folder, ignore_errors=True)
