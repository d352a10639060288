"""The store under real concurrency and real crashes: two OS processes applying turns to one
session at once, and a process killed with SIGKILL in the middle of a turn."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

import numpy as np
import pytest

from gouache.images import BlobStore, Image, LoadedImage
from gouache.sessions import Session, Store

TURNS_PER_PROCESS = 8

# A child process: open the store and the session, say "ready", wait for "go" on stdin, then
# apply turns, printing one line after each completed turn.
CHILD = """
import sys
from gouache.images import BlobStore
from gouache.sessions import Session, Store

url, blobs, session_id, turns = sys.argv[1], sys.argv[2], sys.argv[3], int(sys.argv[4])
store = Store(url, BlobStore(blobs))
session = Session.open(store, session_id)
instructions = ["flip horizontally", "make it brighter", "flip vertically", "make it darker"]
print("ready", flush=True)
sys.stdin.readline()
n = 0
look = len(sys.argv) < 6 or sys.argv[5] != "returned"
while turns < 0 or n < turns:
    result = session.apply(instructions[n % len(instructions)])
    n += 1
    if not look:  # the turn returned; its version is being written behind it
        print("returned", n, flush=True)
        continue
    if result.version is None:
        raise SystemExit("the planner refused: " + result.reply)
    print("done", n, result.version.number, result.moved_branch, flush=True)
"""


def spawn(
    store: Store, tmp_path: Path, session: Session, turns: int, mode: str = "look"
) -> subprocess.Popen[str]:
    where = [store.url, str(store.blobs.root), session.id, str(turns), mode]
    return subprocess.Popen(
        [sys.executable, "-c", CHILD, *where],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env={**os.environ, "PYTHONPATH": os.pathsep.join(sys.path)},
    )


def wait_ready(child: subprocess.Popen[str]) -> None:
    assert child.stdout is not None
    line = child.stdout.readline()
    if line.strip() != "ready":
        _, err = child.communicate(timeout=10)
        pytest.fail(f"the child did not start: {line!r}\n{err}")


def go(child: subprocess.Popen[str]) -> None:
    assert child.stdin is not None
    child.stdin.write("go\n")
    child.stdin.flush()


def check_store_is_whole(store: Store, session_id: str) -> list[int]:
    """Integrity, blobs, branch and head pointers; return the version numbers."""
    with store.read() as tx:
        if tx.conn.dialect.name == "sqlite":
            assert tx.conn.exec_driver_sql("PRAGMA integrity_check").scalar() == "ok"
            assert tx.conn.exec_driver_sql("PRAGMA foreign_key_check").all() == []
        versions = tx.versions(session_id)
        ids = {v.id for v in versions}
        assert set(tx.branches(session_id).values()) <= ids
        assert tx.head(session_id).version.id in ids
    for version in versions:
        assert version.parent_id is None or version.parent_id in ids
        image = store.blobs.get(version.blob)
        assert image.shape == (version.height, version.width, version.channels)
    numbers = [v.number for v in versions]
    assert len(set(numbers)) == len(numbers)
    return numbers


def test_two_processes_applying_turns_to_one_session_lose_nothing(
    tmp_path: Path, store: Store
) -> None:
    pixels = np.random.default_rng(1).integers(0, 256, size=(300, 400, 3), dtype=np.uint8)
    session = Session.start(store, LoadedImage(pixels, "PNG", "noise.png"))
    children = [spawn(store, tmp_path, session, TURNS_PER_PROCESS) for _ in range(2)]
    for child in children:
        wait_ready(child)
    for child in children:
        go(child)

    outputs = [child.communicate(timeout=60) for child in children]

    for child, (out, err) in zip(children, outputs, strict=True):
        assert child.returncode == 0, err
        assert out.count("done") == TURNS_PER_PROCESS
    numbers = check_store_is_whole(store, session.id)
    assert sorted(numbers) == list(range(1, 2 * TURNS_PER_PROCESS + 2))
    turns = [v for v in session.versions() if v.kind == "turn"]
    assert len(turns) == 2 * TURNS_PER_PROCESS
    # Every branch tip is a turn or the root, and every turn is on some branch's line.
    held: set[str] = set()
    for tip in session.branches().values():
        node: str | None = tip
        while node is not None and node not in held:
            held.add(node)
            node = session.resolve(node).parent_id
    assert {v.id for v in turns} <= held


def test_a_turn_killed_with_sigkill_loses_at_most_itself(
    tmp_path: Path, store: Store, make_photo: Callable[..., Image]
) -> None:
    # About 2 MP, so that a turn (edit, PNG encode, fsync, commit) takes a good fraction of a
    # second and the kills land in different stages of it. Each child continues the session
    # the previous one was killed in.
    pixels = make_photo(height=1200, width=1700)
    session = Session.start(store, LoadedImage(pixels, "PNG", "big.png"))
    completed_before = 0
    for attempt, delay in enumerate((0.005, 0.1, 0.17)):
        child = spawn(store, tmp_path, session, turns=-1)
        wait_ready(child)
        go(child)
        assert child.stdout is not None
        reported = [child.stdout.readline() for _ in range(attempt + 1)]
        assert all(line.startswith("done") for line in reported), reported
        time.sleep(delay)
        child.send_signal(signal.SIGKILL)
        out, _ = child.communicate(timeout=10)
        assert child.returncode == -signal.SIGKILL
        completed = completed_before + len(reported) + out.count("done")

        with Store(store.url, BlobStore(store.blobs.root)) as again:
            numbers = check_store_is_whole(again, session.id)
        turns = len(numbers) - 1
        assert completed <= turns <= completed + 1, (completed, turns)
        completed_before = turns


def test_a_process_killed_while_turns_are_written_behind_loses_at_most_one_returned_turn(
    tmp_path: Path, store: Store, make_photo: Callable[..., Image]
) -> None:
    # The child never looks at a version, so each turn returns before its version is
    # committed: the kill lands while a write is behind a returned turn, or while the next
    # turn is computed. The next turn waits for that write before it starts, so at most the
    # one returned turn whose write was in flight is lost (and the one being computed).
    pixels = make_photo(height=1200, width=1700)
    session = Session.start(store, LoadedImage(pixels, "PNG", "big.png"))
    before = 0
    for attempt, delay in enumerate((0.0, 0.03, 0.12)):
        child = spawn(store, tmp_path, session, turns=-1, mode="returned")
        wait_ready(child)
        go(child)
        assert child.stdout is not None
        reported = [child.stdout.readline() for _ in range(attempt + 1)]
        assert all(line.startswith("returned") for line in reported), reported
        time.sleep(delay)
        child.send_signal(signal.SIGKILL)
        out, _ = child.communicate(timeout=10)
        assert child.returncode == -signal.SIGKILL
        returned = before + len(reported) + out.count("returned")

        with Store(store.url, BlobStore(store.blobs.root)) as again:
            numbers = check_store_is_whole(again, session.id)
        turns = len(numbers) - 1
        assert returned - 1 <= turns <= returned + 1, (returned, turns)
        before = turns
