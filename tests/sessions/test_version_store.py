"""Opening the store: SQLite tuning, numbered migrations, URLs that cannot be opened, and the
lookups of sessions."""

from __future__ import annotations

import re
import sqlite3
import threading
from datetime import UTC, datetime
from pathlib import Path

import numpy as np
import pytest
from sqlalchemy import inspect, text
from sqlalchemy.engine import Connection

from gouache.errors import InputError, SessionNotFoundError, StoreError
from gouache.images import BlobStore, LoadedImage
from gouache.sessions import Session, Store
from gouache.sessions.migrations import MIGRATIONS, Migration, metadata, migrate, sessions
from gouache.sessions.versions import to_json
from gouache.settings import Settings


def open_store(folder: Path, name: str = "gouache.db") -> Store:
    return Store(f"sqlite:///{folder / name}", BlobStore(folder / "blobs"))


def applied(store: Store) -> list[int]:
    with store.read() as tx:
        rows = tx.conn.execute(text("SELECT number FROM schema_version ORDER BY number"))
        return [row.number for row in rows]


def test_a_sqlite_store_runs_in_wal_mode_with_a_busy_timeout_and_foreign_keys(
    sqlite_store: Store,
) -> None:
    store = sqlite_store
    with store.read() as tx:
        pragma = tx.conn.exec_driver_sql
        assert pragma("PRAGMA journal_mode").scalar() == "wal"
        assert pragma("PRAGMA busy_timeout").scalar() == 30_000
        assert pragma("PRAGMA foreign_keys").scalar() == 1
        assert pragma("PRAGMA synchronous").scalar() == 1  # NORMAL


def test_a_write_transaction_takes_the_write_lock_at_begin_and_a_read_does_not(
    sqlite_store: Store, tmp_path: Path
) -> None:
    store = sqlite_store
    other = sqlite3.connect(tmp_path / "gouache.db", timeout=0, isolation_level=None)
    try:
        with store.read():
            other.execute("BEGIN IMMEDIATE")
            other.execute("ROLLBACK")
        with store.write(), pytest.raises(sqlite3.OperationalError, match="locked"):
            other.execute("BEGIN IMMEDIATE")
    finally:
        other.close()


def test_the_folder_of_a_new_sqlite_file_is_created(tmp_path: Path) -> None:
    with open_store(tmp_path / "deep" / "er", "store.db"):
        pass
    assert (tmp_path / "deep" / "er" / "store.db").is_file()


def test_a_store_opens_from_settings(tmp_path: Path) -> None:
    settings = Settings(data_dir=tmp_path / "data")
    with Store.from_settings(settings) as store:
        assert store.blobs.root == tmp_path / "data" / "blobs"
        assert store.list_sessions() == []
    assert (tmp_path / "data" / "gouache.db").is_file()


def test_migrations_are_idempotent(tmp_path: Path) -> None:
    with open_store(tmp_path) as first:
        assert applied(first) == [m.number for m in MIGRATIONS]
        assert migrate(first._engine, label="test") == MIGRATIONS[-1].number
    with open_store(tmp_path) as second:
        assert applied(second) == [m.number for m in MIGRATIONS]
        assert second.schema_version == MIGRATIONS[-1].number


def test_new_migrations_apply_once_in_order_and_then_older_code_refuses_the_store(
    store: Store, tmp_path: Path
) -> None:
    calls: list[int] = []

    def record(number: int) -> Migration:
        def apply(conn: Connection) -> None:
            calls.append(number)
            conn.execute(text(f"CREATE TABLE extra_{number} (id INTEGER)"))

        return Migration(number, f"extra table {number}", apply)

    now = MIGRATIONS[-1].number
    later = [*MIGRATIONS, record(now + 2), record(now + 1)]
    assert migrate(store._engine, label="test", migrations=later) == now + 2
    assert migrate(store._engine, label="test", migrations=later) == now + 2
    assert calls == [now + 1, now + 2]
    assert applied(store) == [*range(1, now + 1), now + 1, now + 2]

    newer = rf"schema version {now + 2}, newer than this gouache .*\({now}\)"
    with pytest.raises(StoreError, match=newer):
        Store(store.url, BlobStore(tmp_path / "blobs"))


def test_a_migration_that_fails_leaves_the_schema_as_it_was(store: Store) -> None:
    def half_done(conn: Connection) -> None:
        conn.execute(text("CREATE TABLE half (id INTEGER)"))
        raise RuntimeError("disk on fire")

    failing = Migration(MIGRATIONS[-1].number + 1, "x", half_done)
    with pytest.raises(RuntimeError, match="disk on fire"):
        migrate(store._engine, label="test", migrations=[*MIGRATIONS, failing])

    assert applied(store) == [m.number for m in MIGRATIONS]
    assert not inspect(store._engine).has_table("half")


def test_a_store_from_the_future_is_refused_with_a_clear_error(tmp_path: Path) -> None:
    with open_store(tmp_path) as store, store.write() as tx:
        tx.conn.execute(
            text("INSERT INTO schema_version VALUES (99, 'from the future', :at)"),
            {"at": datetime.now(UTC)},
        )
    with pytest.raises(StoreError, match="has schema version 99") as err:
        open_store(tmp_path)
    assert err.value.url is not None
    assert err.value.url.endswith("gouache.db")


@pytest.mark.parametrize("round_", range(5))
def test_concurrent_opens_of_a_new_database_migrate_it_once(tmp_path: Path, round_: int) -> None:
    # Eight openers at once: switching a new file to WAL used to fail with "database is
    # locked" about once in fifteen such races.
    errors: list[BaseException] = []
    start = threading.Barrier(8)

    def open_one() -> None:
        try:
            start.wait()
            open_store(tmp_path).close()
        except BaseException as err:  # collected and re-raised by the test
            errors.append(err)

    threads = [threading.Thread(target=open_one) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert errors == []
    with open_store(tmp_path) as store:
        assert applied(store) == [m.number for m in MIGRATIONS]


def test_the_migrated_schema_has_every_column_the_store_queries(store: Store) -> None:
    inspector = inspect(store._engine)
    for table in metadata.sorted_tables:
        found = {column["name"] for column in inspector.get_columns(table.name)}
        assert found == {column.name for column in table.columns}, table.name


@pytest.mark.parametrize(
    ("url", "message"),
    [
        ("postgresql://alice:s3cret@127.0.0.1:1/gouache", "postgresql://alice:***@127.0.0.1:1"),
        ("nosuchdialect://localhost/db", "nosuchdialect://localhost/db"),
        ("not a url at all", "not a database URL"),
    ],
)
def test_a_url_that_cannot_be_opened_is_a_store_error_without_its_password(
    tmp_path: Path, url: str, message: str
) -> None:
    with pytest.raises(StoreError, match=re.escape(message)) as err:
        Store(url, BlobStore(tmp_path / "blobs"))
    assert "s3cret" not in str(err.value)
    assert err.value.url is not None
    assert "s3cret" not in err.value.url


def test_a_sqlite_file_under_a_regular_file_is_a_store_error(tmp_path: Path) -> None:
    (tmp_path / "file").write_text("not a folder")
    with pytest.raises(StoreError, match=r"cannot open the store at sqlite:///.*file/x\.db"):
        Store(f"sqlite:///{tmp_path / 'file' / 'x.db'}", BlobStore(tmp_path / "blobs"))


@pytest.mark.parametrize("url", ["sqlite://", "sqlite:///:memory:"])
def test_an_in_memory_store_keeps_a_session(tmp_path: Path, url: str) -> None:
    image = LoadedImage(np.zeros((8, 8, 3), np.uint8), "PNG", "dark.png")
    with Store(url, BlobStore(tmp_path / "blobs")) as store:
        session = Session.start(store, image)
        session.branch("other")
        assert Session.open(store, "dark").head_branch == "other"
        assert [s.name for s in store.list_sessions()] == ["dark"]


def test_two_stores_on_separate_files_do_not_see_each_other(
    tmp_path: Path, photo: LoadedImage
) -> None:
    with open_store(tmp_path, "a.db") as a, open_store(tmp_path, "b.db") as b:
        Session.start(a, photo)
        assert [s.name for s in a.list_sessions()] == ["photo"]
        assert b.list_sessions() == []
        with pytest.raises(SessionNotFoundError, match="no session 'photo'"):
            b.find_session("photo")


def test_an_ambiguous_session_prefix_names_the_candidates(store: Store) -> None:
    with store.write() as tx:
        for n in (1, 2):
            tx.conn.execute(
                sessions.insert().values(
                    id=f"abcdef{n:026d}",
                    name=f"s{n}",
                    created_at=datetime.now(UTC),
                    updated_at=datetime.now(UTC),
                )
            )
    with pytest.raises(InputError, match=r"session prefix 'abcdef' is ambiguous: .*\(s1\)"):
        store.find_session("abcdef")
    assert store.find_session(f"abcdef{2:026d}").name == "s2"


def test_values_json_cannot_hold_are_refused_and_numpy_scalars_are_converted() -> None:
    assert to_json({"a": np.float32(0.5), "b": (1, 2)}, "params") == {"a": 0.5, "b": [1, 2]}
    with pytest.raises(StoreError, match="the params cannot be stored as JSON: object"):
        to_json({"a": object()}, "params")


def test_a_store_made_at_schema_1_upgrades_to_the_current_schema_keeping_its_sessions(
    empty_store_url: str, tmp_path: Path
) -> None:
    from gouache.sessions.migrations import open_engine
    from gouache.sessions.store import Transaction
    from gouache.sessions.versions import VersionDraft

    blobs = BlobStore(tmp_path / "blobs")
    engine = open_engine(empty_store_url, "old")
    try:
        assert migrate(engine, label="old", migrations=MIGRATIONS[:1]) == 1
        digest = blobs.put(np.zeros((4, 6, 3), np.uint8))
        with engine.connect() as conn, conn.begin():
            record, _ = Transaction(conn).create_session(
                "old", VersionDraft(None, "root", digest, 6, 4, 3)
            )
    finally:
        engine.dispose()
    with Store(empty_store_url, blobs) as store:
        assert applied(store) == [m.number for m in MIGRATIONS]
        assert [s.id for s in store.list_sessions()] == [record.id]
        assert store.list_sessions()[0].owner is None
        assert store.list_sessions(owner="acme") == []


def test_owned_sessions_are_listed_by_owner_found_by_image_renamed_and_deleted(
    store: Store,
) -> None:
    from gouache.errors import SessionNotFoundError
    from gouache.images import LoadedImage
    from gouache.sessions import Session

    pixels = np.random.default_rng(5).integers(0, 256, (24, 32, 3), dtype=np.uint8)
    mine = Session.start(store, LoadedImage(pixels, "PNG", "a.png"), owner="acme")
    theirs = Session.start(store, LoadedImage(pixels, "PNG", "a.png"), owner="globex")
    edited = mine.apply("make it warmer").version
    assert edited is not None
    mine.apply("add a vignette")
    mine.branch("side", at="v2")

    assert [s.id for s in store.list_sessions(owner="acme")] == [mine.id]
    with store.read() as tx:
        assert [v.id for v in tx.versions_with_blob(edited.blob, owner="acme")] == [edited.id]
        assert tx.versions_with_blob(edited.blob, owner="globex") == []
        # the same root picture in both: each owner finds only its own
        roots = tx.versions_with_blob(mine.resolve("v1").blob, owner="globex")
    assert [v.session_id for v in roots] == [theirs.id]

    store.run(lambda tx: tx.rename_session(mine.id, "summer"))
    assert store.find_session(mine.id).name == "summer"
    store.run(lambda tx: tx.delete_session(mine.id))
    assert [s.id for s in store.list_sessions()] == [theirs.id]
    with pytest.raises(SessionNotFoundError):
        store.find_session(mine.id)
    assert len(theirs.versions()) == 1
