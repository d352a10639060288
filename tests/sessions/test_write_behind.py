"""A turn's version is saved behind the turn (gouache.sessions.writer): every read in the
process sees it, a failed write is never lost in silence, and a process that exits without
looking at its last turn still saves it."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

from gouache.errors import StoreError
from gouache.images import BlobStore
from gouache.sessions import Session, Store
from sessions.conftest import make_photo, store_url


def break_blob_writes(store: Store) -> None:
    """Every new blob fails to write: the blob store's temporary folder is a file."""
    temp = Path(store.blobs.root) / BlobStore.TEMP_FOLDER
    temp.parent.mkdir(parents=True, exist_ok=True)
    if temp.is_dir():
        temp.rmdir()
    temp.write_bytes(b"not a folder")


def test_every_read_after_a_turn_sees_its_version(sqlite_store: Store) -> None:
    session = Session.start(sqlite_store, make_photo())
    turn = session.apply("flip horizontally")
    # read through the store first, before the result is looked at
    assert [v.number for v in session.versions()] == [1, 2]
    assert session.head.instruction == "flip horizontally"
    assert turn.version is not None
    assert turn.version.id == session.head.id
    assert turn.moved_branch == "main"
    assert turn.ms["store"] > 0
    assert turn.ms["total"] >= turn.ms["store"]
    assert (session.image() == make_photo()[:, ::-1]).all()


def test_turns_in_a_row_build_on_each_other(sqlite_store: Store) -> None:
    session = Session.start(sqlite_store, make_photo())
    turns = [session.apply(text) for text in ("flip horizontally", "flip vertically")]
    first, second = turns[0].version, turns[1].version
    assert first is not None
    assert second is not None
    assert second.parent_id == first.id
    assert (session.image("v3") == make_photo()[::-1, ::-1]).all()


def test_a_failed_write_raises_from_the_turns_result_and_nothing_is_saved(
    sqlite_store: Store,
) -> None:
    session = Session.start(sqlite_store, make_photo())
    break_blob_writes(sqlite_store)
    turn = session.apply("flip horizontally")
    with pytest.raises(StoreError, match="cannot write blob"):
        _ = turn.version
    # told once: the next call goes on, on the store as it was
    assert session.head.number == 1
    assert [v.number for v in session.versions()] == [1]


def test_a_failed_write_nobody_looked_at_is_raised_by_the_next_call(sqlite_store: Store) -> None:
    session = Session.start(sqlite_store, make_photo())
    break_blob_writes(sqlite_store)
    session.apply("flip horizontally")
    with pytest.raises(StoreError, match="'flip horizontally' was not saved: cannot write blob"):
        session.history()
    assert session.head.number == 1


def test_closing_the_store_raises_a_failed_write_nobody_looked_at(tmp_path: Path) -> None:
    store = Store(store_url(tmp_path), BlobStore(tmp_path / "blobs"))
    session = Session.start(store, make_photo())
    break_blob_writes(store)
    session.apply("flip horizontally")
    with pytest.raises(StoreError, match="was not saved"):
        store.close()


def test_a_failed_write_is_raised_in_the_thread_that_made_the_turn_only(
    sqlite_store: Store,
) -> None:
    session = Session.start(sqlite_store, make_photo())
    break_blob_writes(sqlite_store)
    seen: list[BaseException | int] = []

    def turn_elsewhere() -> None:
        session.apply("flip horizontally")

    worker = threading.Thread(target=turn_elsewhere)
    worker.start()
    worker.join()

    def read_elsewhere() -> None:
        try:
            seen.append(Session.open(sqlite_store, session.id).head.number)
        except StoreError as err:
            seen.append(err)

    reader = threading.Thread(target=read_elsewhere)
    reader.start()
    reader.join()
    assert seen == [1]
    with pytest.raises(StoreError, match="was not saved"):
        sqlite_store.close()


EXIT_RIGHT_AFTER_A_TURN = """
import sys
import numpy as np
from gouache.images import BlobStore
from gouache.sessions import Session, Store
root = sys.argv[1]
store = Store(f"sqlite:///{root}/gouache.db", BlobStore(f"{root}/blobs"))
session = Session.start(store, np.full((600, 800, 3), 90, dtype=np.uint8), name="quick")
if sys.argv[2] == "break":
    (store.blobs.root / ".tmp").rmdir()
    (store.blobs.root / ".tmp").write_bytes(b"not a folder")
session.apply("make it brighter")  # neither looked at nor closed
"""


def test_a_process_that_exits_right_after_a_turn_still_saves_its_version(
    tmp_path: Path,
) -> None:
    command = [sys.executable, "-c", EXIT_RIGHT_AFTER_A_TURN, str(tmp_path), "ok"]
    done = subprocess.run(command, capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    with Store(store_url(tmp_path), BlobStore(tmp_path / "blobs")) as store:
        session = Session.open(store, "quick")
        assert session.head.instruction == "make it brighter"
        assert int(session.image()[0, 0, 0]) > 90


def test_a_process_that_exits_after_a_failed_write_says_so(tmp_path: Path) -> None:
    command = [sys.executable, "-c", EXIT_RIGHT_AFTER_A_TURN, str(tmp_path), "break"]
    done = subprocess.run(command, capture_output=True, text=True, timeout=120)
    assert "the version of the turn 'make it brighter' was not saved" in done.stderr
    with Store(store_url(tmp_path), BlobStore(tmp_path / "blobs")) as store:
        assert Session.open(store, "quick").head.number == 1


def test_a_store_without_write_behind_saves_before_the_turn_returns(tmp_path: Path) -> None:
    with Store(store_url(tmp_path), BlobStore(tmp_path / "blobs"), write_behind=False) as store:
        session = Session.start(store, make_photo())
        break_blob_writes(store)
        with pytest.raises(StoreError, match="cannot write blob"):
            session.apply("flip horizontally")


@pytest.mark.skipif(not hasattr(os, "fork"), reason="needs fork")
def test_a_forked_child_writes_its_own_turns(sqlite_store: Store) -> None:
    session = Session.start(sqlite_store, make_photo())
    first = session.apply("flip horizontally")
    assert first.version is not None  # stored; the parent's writer thread lives on a while
    pid = os.fork()
    if pid == 0:  # the child: a turn of its own, waited for, then out without cleanup
        code = 1
        try:
            turn = session.apply("flip vertically")
            code = 0 if turn.version is not None and turn.version.number == 3 else 2
        finally:
            os._exit(code)
    deadline = time.monotonic() + 60
    done, status = os.waitpid(pid, os.WNOHANG)
    while done == 0 and time.monotonic() < deadline:
        time.sleep(0.05)
        done, status = os.waitpid(pid, os.WNOHANG)
    if done == 0:
        os.kill(pid, signal.SIGKILL)
        os.waitpid(pid, 0)
        pytest.fail("the child's turn never finished: no writer thread took its write")
    assert os.waitstatus_to_exitcode(status) == 0
    assert [v.instruction for v in session.versions()][-1] == "flip vertically"
