"""Nothing silently lost: damaged blobs are caught on write, `store check` names what is
missing or damaged, leftovers of a crash are cleaned, and a read-only store can be read."""

from __future__ import annotations

import fcntl
import os
import sys
import time
from pathlib import Path

import pytest

from fsfaults import needs_namespaces, run_with_read_only
from gouache.errors import InputError, StoreError
from gouache.images import BlobStore, Image
from gouache.sessions import Session, Store
from gouache.sessions.integrity import ORPHAN_AGE_S, check_store
from gouache.sessions.store import session_name_from_file
from sessions.conftest import make_photo, store_url


def damage(path: Path) -> None:
    data = bytearray(path.read_bytes())
    data[len(data) // 2] ^= 0xFF
    path.write_bytes(bytes(data))


def test_regenerating_the_same_pixels_rewrites_a_damaged_blob(store: Store) -> None:
    image = make_photo()
    session = Session.start(store, image)
    path = store.blobs.path_of(session.head.blob)
    damage(path)
    assert not store.blobs.intact(session.head.blob)
    again = store.blobs.put(image)  # the same pixels, as a turn that makes them again would
    assert again == session.head.blob
    assert store.blobs.intact(again)
    assert (store.blobs.get(again) == image).all()


def test_a_blob_file_replaced_after_this_process_wrote_it_is_checked_again(store: Store) -> None:
    image = make_photo()
    digest = store.blobs.put(image)
    path = store.blobs.path_of(digest)
    data = bytearray(path.read_bytes())
    data[len(data) // 2] ^= 0xFF
    swapped = path.with_name("swapped.png")
    swapped.write_bytes(bytes(data))
    os.replace(swapped, path)  # another writer's file: a new inode at the same address
    assert store.blobs.put(image) == digest
    assert store.blobs.intact(digest)


def test_a_healthy_store_checks_healthy(store: Store) -> None:
    session = Session.start(store, make_photo())
    session.apply("flip horizontally")
    report = check_store(store)
    assert report.healthy, report.describe()
    assert (report.versions, report.blobs) == (2, 2)
    assert report.describe().endswith("healthy")


def test_check_names_the_versions_whose_blobs_are_damaged_or_missing(store: Store) -> None:
    session = Session.start(store, make_photo())
    flipped = session.apply("flip horizontally").version
    assert flipped is not None
    damage(store.blobs.path_of(session.resolve("v1").blob))
    store.blobs.path_of(flipped.blob).unlink()
    report = check_store(store)
    assert not report.healthy
    text = report.describe()
    assert f"damaged blob {session.resolve('v1').blob[:12]}" in text
    assert f"missing blob {flipped.blob[:12]}" in text
    assert f"{session.id[:8]} v1" in text
    assert f"{session.id[:8]} v2" in text


def test_repair_removes_old_orphans_and_leftover_temporary_files(store: Store) -> None:
    Session.start(store, make_photo())
    orphan = store.blobs.put(make_photo(seed=99))  # a blob whose row never came: a crash
    leftover = store.blobs.root / BlobStore.TEMP_FOLDER / ".tmp-crashed.png"
    leftover.write_bytes(b"half a blob")
    old = time.time() - 3600
    os.utime(leftover, (old, old))
    found = check_store(store)
    assert found.orphans == [orphan]
    assert found.temp_files == [leftover]
    assert not found.healthy
    young = check_store(store, repair=True)  # the orphan is too young to be a crash's
    assert store.blobs.has(orphan)
    assert not leftover.exists()
    assert not young.healthy
    later = check_store(store, repair=True, now=time.time() + ORPHAN_AGE_S + 1)
    assert not store.blobs.has(orphan)
    assert "(removed)" in later.describe()
    assert check_store(store).healthy


def test_opening_a_store_cleans_a_crashs_temporary_file_but_not_a_live_writers(
    tmp_path: Path,
) -> None:
    blobs = BlobStore(tmp_path / "blobs")
    temp = tmp_path / "blobs" / BlobStore.TEMP_FOLDER
    temp.mkdir(parents=True)
    crashed, live = temp / ".tmp-crashed.png", temp / ".tmp-live.png"
    for path in (crashed, live):
        path.write_bytes(b"partial")
        os.utime(path, (time.time() - 60, time.time() - 60))
    fd = os.open(live, os.O_RDONLY)
    fcntl.flock(fd, fcntl.LOCK_EX)  # a writer still at work holds its lock
    try:
        with Store(store_url(tmp_path), blobs):
            pass
        assert not crashed.exists()
        assert live.exists()
    finally:
        os.close(fd)


def _old_file(path: Path) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(b"partial")
    os.utime(path, (time.time() - 60, time.time() - 60))
    return path


def test_an_open_sweeps_the_blob_folders_once_and_store_check_repair_every_time(
    tmp_path: Path,
) -> None:
    root = tmp_path / "blobs"
    blobs = BlobStore(root)
    legacy = _old_file(root / "ab" / ".tmp-from-an-older-version.png")
    with Store(store_url(tmp_path), blobs):
        pass
    assert not legacy.exists()
    # Later opens read .tmp/ only, however many blob folders there are ...
    later = _old_file(root / "cd" / ".tmp-another-older-version.png")
    crashed = _old_file(root / BlobStore.TEMP_FOLDER / ".tmp-crashed.png")
    with Store(store_url(tmp_path), blobs) as store:
        assert not crashed.exists()
        assert later.exists()
        # ... and `store check` still finds every leftover, and --repair removes it.
        assert check_store(store).temp_files == [later]
        check_store(store, repair=True)
    assert not later.exists()


def test_text_that_is_not_utf8_is_an_input_error_not_a_driver_crash(store: Store) -> None:
    with pytest.raises(InputError, match="not valid UTF-8"):
        store.find_session("caf\udce9")


def test_a_session_name_from_any_file_name_is_one_printable_line() -> None:
    assert session_name_from_file("/x/caf\udce9.png") == "caf\ufffd.png"
    assert session_name_from_file("two\nlines.png") == "two lines.png"
    long = session_name_from_file("a" * 300 + ".png")
    assert len(long) == 200
    assert long.endswith("…")


def test_a_read_only_store_reads_and_refuses_writes(tmp_path: Path) -> None:
    with Store(store_url(tmp_path), BlobStore(tmp_path / "blobs")) as writable:
        session = Session.start(writable, make_photo(), name="kept")
    with Store(store_url(tmp_path), BlobStore(tmp_path / "blobs"), read_only=True) as readonly:
        assert [row.name for row in readonly.list_sessions()] == ["kept"]
        opened = Session.open(readonly, "kept")
        assert opened.head.id == session.head.id
        with pytest.raises(StoreError, match="open read-only"):
            opened.apply("flip horizontally")


LIST_READ_ONLY = """
import sys
from gouache.images import BlobStore
from gouache.sessions import Store
root = sys.argv[1]
with Store(f"sqlite:///{root}/gouache.db", BlobStore(f"{root}/blobs"), read_only=True) as s:
    print([row.name for row in s.list_sessions()])
"""


@needs_namespaces
def test_a_store_on_a_read_only_disk_opens_read_only(tmp_path: Path) -> None:
    image: Image = make_photo()
    with Store(store_url(tmp_path), BlobStore(tmp_path / "blobs")) as writable:
        Session.start(writable, image, name="on-ro-disk")
    command = [sys.executable, "-c", LIST_READ_ONLY, str(tmp_path)]
    result = run_with_read_only(tmp_path, command)
    assert result.returncode == 0, result.stderr
    assert "['on-ro-disk']" in result.stdout


def test_a_blob_named_only_inside_a_versions_json_is_no_orphan(store: Store) -> None:
    # a caption is a layer: its base picture is a blob named in the version's params only
    session = Session.start(store, make_photo())
    session.apply('make it warmer and add the caption "Hi"')
    report = check_store(store)
    assert report.orphans == []
    assert report.blobs == 3
    assert report.healthy
