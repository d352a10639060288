"""Throwaway PostgreSQL and Redis servers on 127.0.0.1, for the tests, the load bench, and
trying `--workers queue` on one machine. Both come from Debian's packages (postgresql,
redis-server); nothing is downloaded. Each runs from a temporary folder that goes with it.

PostgreSQL: initdb (as the postgres user when running as root: initdb refuses root), fsync
off, stopped by pg_ctl. Redis: no persistence, stopped by its pid.
"""

from __future__ import annotations

import glob
import os
import shutil
import signal
import socket
import subprocess
import tempfile
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass


def pg_bin() -> str | None:
    """The folder of initdb and pg_ctl (Debian keeps them off PATH), newest version first."""
    found = sorted(glob.glob("/usr/lib/postgresql/*/bin/initdb"), reverse=True)
    if found:
        return os.path.dirname(found[0])
    initdb = shutil.which("initdb")
    return os.path.dirname(initdb) if initdb else None


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


@dataclass(frozen=True)
class Cluster:
    port: int

    def url(self, database: str = "postgres") -> str:
        return f"postgresql+psycopg://postgres@127.0.0.1:{self.port}/{database}"

    def new_database(self) -> str:
        """A fresh empty schema of the one database, as the URL of a store that sees only it
        (CREATE DATABASE takes half a second; a schema, milliseconds)."""
        import psycopg

        name = "t_" + uuid.uuid4().hex[:16]
        with psycopg.connect(
            f"postgresql://postgres@127.0.0.1:{self.port}/postgres", autocommit=True
        ) as conn:
            conn.execute(f'CREATE SCHEMA "{name}"')
        return f"{self.url()}?options=-csearch_path%3D{name}"


@contextmanager
def running_cluster() -> Iterator[Cluster]:
    folder = pg_bin()
    if folder is None:
        raise RuntimeError("PostgreSQL is not installed: apt-get install -y postgresql")
    root = tempfile.mkdtemp(prefix="gouache-pg-")
    data = os.path.join(root, "data")
    as_root = os.geteuid() == 0
    prefix = ["runuser", "-u", "postgres", "--"] if as_root else []
    if as_root:
        shutil.chown(root, "postgres", "postgres")
    port = free_port()
    subprocess.run(
        [*prefix, f"{folder}/initdb", "-D", data, "-A", "trust", "-U", "postgres", "--no-sync"],
        check=True,
        capture_output=True,
    )
    options = f"-p {port} -k {root} -c listen_addresses=127.0.0.1 -c fsync=off"
    options += " -c synchronous_commit=off -c full_page_writes=off"
    subprocess.run(
        [
            *prefix,
            f"{folder}/pg_ctl",
            "-D",
            data,
            "-w",
            "-l",
            f"{root}/log",
            "-o",
            options,
            "start",
        ],
        check=True,
        capture_output=True,
    )
    try:
        yield Cluster(port)
    finally:
        subprocess.run(
            [*prefix, f"{folder}/pg_ctl", "-D", data, "-m", "immediate", "-w", "stop"],
            capture_output=True,
        )
        shutil.rmtree(root, ignore_errors=True)


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
