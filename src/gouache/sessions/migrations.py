"""Opening the store's database and bringing it to the current schema by numbered migrations.

`MIGRATIONS` is ordered; each entry is applied once, in its own write transaction, and recorded in
`schema_version`. A migration is a frozen snapshot: it defines the tables it touches itself and
never uses the live tables further down (`sessions`, `versions`, `branches`, what store.py
queries), so old databases upgrade the same way forever. To change the schema, append a
migration and update the live tables; never edit a migration that has shipped.

`open_engine` makes the engine; for SQLite it sets WAL, `synchronous=NORMAL` (FULL when
durable), foreign keys, a 30 s busy timeout, and makes every write transaction BEGIN IMMEDIATE
(pysqlite's own BEGIN is switched off): two writers then queue on the lock instead of
deadlocking on a lock upgrade, and read transactions (a deferred BEGIN) see one consistent
snapshot without blocking writers.

Opening a store runs `migrate`. It is idempotent and safe when several processes open the same
database at once: on SQLite every write transaction is BEGIN IMMEDIATE, so the second opener waits,
then sees the migrations already applied; elsewhere a failed concurrent attempt is re-checked.
"""

from __future__ import annotations

import os
import re
import sqlite3
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any
from urllib.parse import quote

from sqlalchemy import (
    JSON,
    BigInteger,
    Boolean,
    Column,
    DateTime,
    Engine,
    Float,
    ForeignKey,
    ForeignKeyConstraint,
    Index,
    Integer,
    MetaData,
    PrimaryKeyConstraint,
    String,
    Table,
    Text,
    UniqueConstraint,
    create_engine,
    event,
    exc,
    func,
    select,
    text,
)
from sqlalchemy.engine import URL, Connection, make_url
from sqlalchemy.pool import StaticPool

from gouache.errors import StoreError

BUSY_TIMEOUT_MS = 30_000


@dataclass(frozen=True)
class Migration:
    number: int
    description: str
    apply: Callable[[Connection], None]


_schema_metadata = MetaData()
schema_version = Table(
    "schema_version",
    _schema_metadata,
    Column("number", Integer, primary_key=True, autoincrement=False),
    Column("description", Text, nullable=False),
    Column("applied_at", DateTime(timezone=True), nullable=False),
)


def _initial_schema(conn: Connection) -> None:
    """Sessions, the versions of their trees and their branches (schema 1)."""
    md = MetaData()
    Table(
        "sessions",
        md,
        Column("id", String(32), primary_key=True),
        # Not unique: starting twice from "photo.jpg" makes two sessions of that name.
        Column("name", String(200), nullable=False, index=True),
        Column("created_at", DateTime(timezone=True), nullable=False),
        Column("updated_at", DateTime(timezone=True), nullable=False),
        Column("head_branch", String(64), nullable=True),
        # Null only inside the transaction that creates the session and its root.
        Column(
            "head_version_id",
            String(32),
            ForeignKey("versions.id", use_alter=True, name="fk_sessions_head_version"),
            nullable=True,
        ),
    )
    Table(
        "versions",
        md,
        Column("id", String(32), primary_key=True),
        Column("session_id", String(32), ForeignKey("sessions.id"), nullable=False),
        Column("number", Integer, nullable=False),
        Column("parent_id", String(32), ForeignKey("versions.id"), nullable=True),
        Column("kind", String(16), nullable=False),
        Column("blob", String(64), nullable=False),
        Column("width", Integer, nullable=False),
        Column("height", Integer, nullable=False),
        Column("channels", Integer, nullable=False),
        Column("instruction", Text, nullable=False),
        Column("plan", JSON(none_as_null=True), nullable=True),
        Column("backend", String(100), nullable=True),
        Column("backend_config", JSON, nullable=False),
        Column("params", JSON, nullable=False),
        Column("seed", BigInteger, nullable=True),
        Column("references", JSON, nullable=False),
        Column("timings", JSON, nullable=False),
        Column("scores", JSON, nullable=False),
        Column("notes", JSON, nullable=False),
        Column("reply", Text, nullable=False),
        Column("created_at", DateTime(timezone=True), nullable=False),
        UniqueConstraint("session_id", "number", name="uq_versions_session_number"),
        Index("ix_versions_session_parent", "session_id", "parent_id"),
    )
    Table(
        "branches",
        md,
        Column("session_id", String(32), ForeignKey("sessions.id"), nullable=False),
        Column("name", String(64), nullable=False),
        Column("version_id", String(32), nullable=False),
        PrimaryKeyConstraint("session_id", "name"),
        ForeignKeyConstraint(["version_id"], ["versions.id"]),
        Index("ix_branches_version", "version_id"),
    )
    md.create_all(conn)


def _characters(conn: Connection) -> None:
    """The characters a session follows, by name, with their reference photos (schema 2)."""
    md = MetaData()
    Table("sessions", md, Column("id", String(32), primary_key=True))
    Table(
        "characters",
        md,
        Column("session_id", String(32), ForeignKey("sessions.id"), nullable=False),
        Column("name", String(64), nullable=False),
        # [{"digest": blob sha256, "name": the photo's file name}, ...]
        Column("references", JSON, nullable=False),
        Column("threshold", Float, nullable=False),
        Column("created_at", DateTime(timezone=True), nullable=False),
        PrimaryKeyConstraint("session_id", "name"),
    )
    md.tables["characters"].create(conn)


def _owners_keys_and_jobs(conn: Connection) -> None:
    """Who owns a session (a tenant of the HTTP API; null from the command line), versions
    found by image hash, API keys stored hashed, and the jobs that run turns (schema 3)."""
    conn.execute(text("ALTER TABLE sessions ADD COLUMN owner VARCHAR(64)"))
    md = MetaData()
    owned = Table(
        "sessions", md, Column("id", String(32), primary_key=True), Column("owner", String(64))
    )
    Index("ix_sessions_owner", owned.c.owner).create(conn)
    blobs = Table(
        "versions", md, Column("id", String(32), primary_key=True), Column("blob", String(64))
    )
    Index("ix_versions_blob", blobs.c.blob).create(conn)
    Table(
        "api_keys",
        md,
        # sha256 of the key: the key itself is shown once and never stored
        Column("hash", String(64), primary_key=True),
        Column("tenant", String(64), nullable=False, index=True),
        Column("label", String(200), nullable=False),
        Column("created_at", DateTime(timezone=True), nullable=False),
    )
    Table(
        "jobs",
        md,
        Column("id", String(32), primary_key=True),
        Column("tenant", String(64), nullable=False, index=True),
        Column("session_id", String(32), nullable=True, index=True),
        Column("kind", String(32), nullable=False),
        # queued, running, done, failed, cancelled
        Column("status", String(16), nullable=False, index=True),
        Column("request", JSON, nullable=False),
        Column("progress", JSON, nullable=False),
        Column("result", JSON, nullable=True),
        Column("error", JSON, nullable=True),
        Column("attempts", Integer, nullable=False),
        Column("worker", String(100), nullable=True),
        Column("cancel_requested", Boolean, nullable=False),
        Column("created_at", DateTime(timezone=True), nullable=False),
        Column("updated_at", DateTime(timezone=True), nullable=False),
    )
    md.tables["api_keys"].create(conn)
    md.tables["jobs"].create(conn)


MIGRATIONS: tuple[Migration, ...] = (
    Migration(1, "sessions, versions and branches", _initial_schema),
    Migration(2, "characters", _characters),
    Migration(3, "session owners, API keys and jobs", _owners_keys_and_jobs),
)


# ---------------------------------------------------------------------------------------------
# the live schema: what the store queries, the sum of MIGRATIONS (a test checks they agree)

metadata = MetaData()
sessions = Table(
    "sessions",
    metadata,
    Column("id", String(32), primary_key=True),
    Column("name", String(200), nullable=False),
    Column("created_at", DateTime(timezone=True), nullable=False),
    Column("updated_at", DateTime(timezone=True), nullable=False),
    Column("head_branch", String(64)),
    Column("head_version_id", String(32)),
    Column("owner", String(64)),
)
versions = Table(
    "versions",
    metadata,
    Column("id", String(32), primary_key=True),
    Column("session_id", String(32), nullable=False),
    Column("number", Integer, nullable=False),
    Column("parent_id", String(32)),
    Column("kind", String(16), nullable=False),
    Column("blob", String(64), nullable=False),
    Column("width", Integer, nullable=False),
    Column("height", Integer, nullable=False),
    Column("channels", Integer, nullable=False),
    Column("instruction", Text, nullable=False),
    Column("plan", JSON(none_as_null=True)),
    Column("backend", String(100)),
    Column("backend_config", JSON, nullable=False),
    Column("params", JSON, nullable=False),
    Column("seed", BigInteger),
    Column("references", JSON, nullable=False),
    Column("timings", JSON, nullable=False),
    Column("scores", JSON, nullable=False),
    Column("notes", JSON, nullable=False),
    Column("reply", Text, nullable=False),
    Column("created_at", DateTime(timezone=True), nullable=False),
)
branches = Table(
    "branches",
    metadata,
    Column("session_id", String(32), primary_key=True),
    Column("name", String(64), primary_key=True),
    Column("version_id", String(32), nullable=False),
)
characters = Table(
    "characters",
    metadata,
    Column("session_id", String(32), primary_key=True),
    Column("name", String(64), primary_key=True),
    Column("references", JSON, nullable=False),
    Column("threshold", Float, nullable=False),
    Column("created_at", DateTime(timezone=True), nullable=False),
)
api_keys = Table(
    "api_keys",
    metadata,
    Column("hash", String(64), primary_key=True),
    Column("tenant", String(64), nullable=False),
    Column("label", String(200), nullable=False),
    Column("created_at", DateTime(timezone=True), nullable=False),
)
jobs = Table(
    "jobs",
    metadata,
    Column("id", String(32), primary_key=True),
    Column("tenant", String(64), nullable=False),
    Column("session_id", String(32)),
    Column("kind", String(32), nullable=False),
    Column("status", String(16), nullable=False),
    Column("request", JSON, nullable=False),
    Column("progress", JSON, nullable=False),
    Column("result", JSON),
    Column("error", JSON),
    Column("attempts", Integer, nullable=False),
    Column("worker", String(100)),
    Column("cancel_requested", Boolean, nullable=False),
    Column("created_at", DateTime(timezone=True), nullable=False),
    Column("updated_at", DateTime(timezone=True), nullable=False),
)


def latest(migrations: Sequence[Migration] = MIGRATIONS) -> int:
    return max((m.number for m in migrations), default=0)


def current_version(conn: Connection) -> int:
    """The highest migration applied to the database, 0 for an empty one."""
    if not conn.dialect.has_table(conn, "schema_version"):
        return 0
    return int(conn.execute(select(func.max(schema_version.c.number))).scalar() or 0)


def migrate(
    engine: Engine,
    *,
    label: str,
    migrations: Sequence[Migration] = MIGRATIONS,
    attempts: int = 3,
) -> int:
    """Apply every pending migration in order; return the schema version now in the database.

    `label` names the database in errors (a URL without its password). Raises StoreError when
    the database was written by a newer gouache.
    """
    ordered = sorted(migrations, key=lambda m: m.number)
    numbers = [m.number for m in ordered]
    if len(set(numbers)) != len(numbers) or any(n < 1 for n in numbers):
        raise ValueError(f"migration numbers must be unique and positive: {numbers}")
    target = latest(ordered)

    # A quick read first: an up-to-date store (the usual case) takes no write lock.
    with engine.connect() as conn, conn.begin():
        found = current_version(conn)
    _refuse_newer(found, target, label)
    if found == target:
        return found

    for migration in ordered:
        if migration.number <= found:
            continue
        for attempt in range(attempts):
            try:
                with engine.connect() as conn:
                    conn.execution_options(gouache_write=True)
                    with conn.begin():
                        _apply_once(conn, migration, target, label)
                break
            except (exc.IntegrityError, exc.ProgrammingError, exc.OperationalError):
                # Another process applied it at the same moment (databases without
                # BEGIN IMMEDIATE); the next attempt re-reads and skips it.
                if attempt == attempts - 1:
                    raise
    with engine.connect() as conn, conn.begin():
        return current_version(conn)


def check_schema(engine: Engine, *, label: str) -> int:
    """The schema version of a store opened read-only; StoreError unless it is current."""
    try:
        with engine.connect() as conn, conn.begin():
            found = current_version(conn)
    except exc.DBAPIError as err:
        raise StoreError(
            f"cannot read the store at {label}: {failure_reason(err)}", url=label
        ) from None
    _refuse_newer(found, latest(), label)
    if found < latest():
        raise StoreError(
            f"the store at {label} has schema version {found} and is read-only here; open it "
            f"once where it can be written to upgrade it to {latest()}",
            url=label,
        )
    return found


def _apply_once(conn: Connection, migration: Migration, target: int, label: str) -> None:
    _schema_metadata.create_all(conn, checkfirst=True)
    found = current_version(conn)
    _refuse_newer(found, target, label)
    if found >= migration.number:
        return
    migration.apply(conn)
    conn.execute(
        schema_version.insert().values(
            number=migration.number,
            description=migration.description,
            applied_at=datetime.now(UTC),
        )
    )


def _refuse_newer(found: int, target: int, label: str) -> None:
    if found > target:
        raise StoreError(
            f"the store at {label} has schema version {found}, newer than this gouache "
            f"understands ({target}); upgrade gouache to open it",
            url=label,
        )


# ---------------------------------------------------------------------------------------------
# opening the database


def redact_url(url: str) -> str:
    """The URL fit for a message: the password replaced by ***."""
    try:
        return make_url(url).render_as_string(hide_password=True)
    except exc.ArgumentError:
        return re.sub(r"(//[^/@:]*:)[^/@]*@", r"\1***@", url)


def failure_reason(err: BaseException, url: str | None = None) -> str:
    """The first line of what the database driver said, with `url`'s password masked."""
    orig = getattr(err, "orig", None)
    text = str(orig if orig is not None else err).strip().splitlines()
    reason = text[0] if text else type(err).__name__
    if url is not None:
        try:
            password = make_url(url).password
        except exc.ArgumentError:
            password = None
        if password:
            reason = reason.replace(str(password), "***")
    return reason


def is_unique_violation(err: exc.IntegrityError) -> bool:
    """A duplicate key (a race to lose and retry), as opposed to any other broken constraint."""
    orig = err.orig
    code = getattr(orig, "sqlite_errorname", None) or getattr(orig, "pgcode", None)
    code = code or getattr(orig, "sqlstate", None)
    if code is not None:
        return code in ("SQLITE_CONSTRAINT_UNIQUE", "SQLITE_CONSTRAINT_PRIMARYKEY", "23505")
    text = str(orig).lower()
    return "unique" in text or "duplicate" in text


def open_engine(url: str, label: str, *, read_only: bool = False, durable: bool = False) -> Engine:
    """An engine for `url` (SQLite tuned as the module says); StoreError naming `label`.

    `read_only` opens a SQLite file with mode=ro, and as immutable where its folder cannot be
    written (SQLite could not make the WAL index there, and nobody else can write it either).
    """
    try:
        parsed = make_url(url)
    except exc.ArgumentError:
        raise StoreError(f"not a database URL: {label!r}", url=label) from None
    if read_only and parsed.get_backend_name() == "sqlite":
        parsed = _read_only_sqlite(parsed, label)
    try:
        if parsed.get_backend_name() != "sqlite":
            return create_engine(parsed)
        database = parsed.database or ""
        memory = database in ("", ":memory:") or parsed.query.get("mode") == "memory"
        if memory:
            engine = create_engine(
                parsed, poolclass=StaticPool, connect_args={"check_same_thread": False}
            )
        else:
            if not database.startswith("file:"):
                Path(database).parent.mkdir(parents=True, exist_ok=True)
            engine = create_engine(parsed)
        _tune_sqlite(engine, wal=not memory and not read_only, durable=durable)
        return engine
    except (exc.SQLAlchemyError, ImportError, OSError) as err:
        raise StoreError(
            f"cannot open the store at {label}: {failure_reason(err, url)}", url=label
        ) from None


def _read_only_sqlite(parsed: URL, label: str) -> URL:
    database = parsed.database or ""
    if database in ("", ":memory:") or database.startswith("file:"):
        return parsed
    path = Path(database)
    if not path.is_file():
        raise StoreError(f"no store at {label}", url=label)
    writable = os.access(path.parent, os.W_OK)
    query = "mode=ro" if writable else "mode=ro&immutable=1"
    where = quote(str(path))  # "?" or "#" in a path would end it early in a URI
    return parsed.set(database=f"file:{where}?{query}", query={**parsed.query, "uri": "true"})


def _set_wal(cursor: Any) -> None:
    """Switch to WAL, waiting out other openers: SQLite answers "database is locked" at once,
    without its busy handler, when several connections change the journal mode together."""
    deadline = time.monotonic() + BUSY_TIMEOUT_MS / 1000
    delay = 0.005
    while True:
        try:
            cursor.execute("PRAGMA journal_mode = WAL")
            return
        except sqlite3.OperationalError as err:
            if "locked" not in str(err) or time.monotonic() > deadline:
                raise
            time.sleep(delay)
            delay = min(delay * 2, 0.2)


def _tune_sqlite(engine: Engine, *, wal: bool, durable: bool = False) -> None:
    # NORMAL in WAL mode: a commit survives the process being killed, not a power cut (the
    # WAL is synced at checkpoints); FULL syncs it at every commit (`durable`).
    synchronous = "FULL" if durable else "NORMAL"

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection: Any, _record: Any) -> None:
        # pysqlite must not emit BEGIN itself: the "begin" listener below does.
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        try:
            cursor.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
            cursor.execute("PRAGMA foreign_keys = ON")
            if wal:
                _set_wal(cursor)
            cursor.execute(f"PRAGMA synchronous = {synchronous}")
        finally:
            cursor.close()

    @event.listens_for(engine, "begin")
    def _on_begin(conn: Connection) -> None:
        write = bool(conn.get_execution_options().get("gouache_write", False))
        conn.exec_driver_sql("BEGIN IMMEDIATE" if write else "BEGIN")
