"""The version store: sessions, their versions and branches in any SQLAlchemy database.

Pixels live in the content-addressed BlobStore; the database holds the tree and the recipes.
SQLite is the default, tuned for several processes on one file (see migrations.open_engine).

All access goes through `Store.read()` and `Store.write()`, which yield a `Transaction` with the
queries. A blob is always written before the row that names it, so a crash between the two leaves
an unreferenced blob, never a row without its pixels.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import PurePath
from types import TracebackType
from typing import TYPE_CHECKING, Any, TypeVar
from uuid import uuid4

from sqlalchemy import Row, and_, bindparam, exc, func, select
from sqlalchemy.engine import Connection

from gouache.errors import (
    InputError,
    SessionNotFoundError,
    StoreError,
    VersionNotFoundError,
)
from gouache.images import BlobStore
from gouache.sessions.migrations import (
    branches,
    characters,
    check_schema,
    failure_reason,
    is_unique_violation,
    migrate,
    open_engine,
    redact_url,
    sessions,
    versions,
)
from gouache.sessions.versions import (
    VERSION_KINDS,
    ReferenceImage,
    Version,
    VersionDraft,
    VersionScores,
    is_id_prefix,
    parse_number,
    plan_from_json,
    scores_from_json,
    split_ancestry,
    to_json,
)
from gouache.sessions.writer import PendingWrite, Writes

if TYPE_CHECKING:
    from gouache.settings import Settings

MAIN_BRANCH = "main"
MAX_SESSION_NAME = 200
# Tries of a write transaction that lost a race: another process took the version number or
# moved the branch between our read and our write (only where there is no BEGIN IMMEDIATE).
WRITE_ATTEMPTS = 5
T = TypeVar("T")

# The statements of a turn, built once: building a statement costs several times what running
# it does. Values are bound at each call (bind names differ from column names, as SQLAlchemy
# wants for an UPDATE's WHERE).
_HEAD_TIP = func.coalesce(branches.c.version_id, sessions.c.head_version_id)
_HEAD = (
    select(versions, sessions.c.head_branch, branches.c.version_id.label("branch_tip"))
    .select_from(
        sessions.outerjoin(
            branches,
            and_(branches.c.session_id == sessions.c.id, branches.c.name == sessions.c.head_branch),
        ).outerjoin(
            versions, and_(versions.c.session_id == sessions.c.id, versions.c.id == _HEAD_TIP)
        )
    )
    .where(sessions.c.id == bindparam("sid"))
)
_SESSION = select(sessions).where(sessions.c.id == bindparam("sid"))
_BRANCHES = (
    select(branches.c.name, branches.c.version_id)
    .where(branches.c.session_id == bindparam("sid"))
    .order_by(branches.c.name)
)
_BRANCH_TIP = select(branches.c.version_id).where(
    branches.c.session_id == bindparam("sid"), branches.c.name == bindparam("branch")
)
_VERSION = select(versions).where(
    versions.c.session_id == bindparam("sid"), versions.c.id == bindparam("vid")
)
_VERSION_NUMBER = select(versions).where(
    versions.c.session_id == bindparam("sid"), versions.c.number == bindparam("n")
)
# An id prefix is hex digits only (is_id_prefix), so nothing in it needs escaping for LIKE.
_ID_PREFIX = (
    select(versions)
    .where(versions.c.session_id == bindparam("sid"), versions.c.id.startswith(bindparam("prefix")))
    .limit(5)
)
_LAST_NUMBER = select(func.max(versions.c.number)).where(versions.c.session_id == bindparam("sid"))
# The session's row joined to its characters: one row with no character when it has none.
_CHARACTERS = (
    select(sessions.c.id.label("sid"), characters)
    .select_from(sessions.outerjoin(characters, characters.c.session_id == sessions.c.id))
    .where(sessions.c.id == bindparam("sid"))
    .order_by(characters.c.created_at, characters.c.name)
)
_INSERT_VERSION = versions.insert()
_CREATE_BRANCH = branches.insert()
_MOVE_BRANCH = (
    branches.update()
    .where(
        branches.c.session_id == bindparam("sid"),
        branches.c.name == bindparam("branch"),
        branches.c.version_id == bindparam("expected"),
    )
    .values(version_id=bindparam("to"))
)
_SET_HEAD = (
    sessions.update()
    .where(sessions.c.id == bindparam("sid"))
    .values(
        head_branch=bindparam("branch"),
        head_version_id=bindparam("vid"),
        updated_at=bindparam("when"),
    )
)


class WriteConflictError(StoreError):
    """A write lost a race with another process (a unique key or a moved branch); retry it."""


@dataclass(frozen=True)
class SessionRecord:
    id: str
    name: str
    created_at: datetime
    updated_at: datetime
    # The tenant of the HTTP API the session belongs to; None for the command line's own.
    owner: str | None = None


@dataclass(frozen=True)
class SessionSummary:
    """One line of `gouache sessions`."""

    id: str
    name: str
    created_at: datetime
    updated_at: datetime
    versions: int
    head_number: int | None
    head_branch: str | None
    owner: str | None = None


@dataclass(frozen=True)
class CharacterRecord:
    """A character as stored: its reference photos (blobs) and threshold, no embeddings."""

    session_id: str
    name: str
    references: tuple[ReferenceImage, ...]
    threshold: float
    created_at: datetime


@dataclass(frozen=True)
class Head:
    """The current version, and the branch it is on (None when detached)."""

    branch: str | None
    version: Version


def check_session_name(name: str) -> str:
    """`name` without surrounding blanks, or InputError when it cannot name a session."""
    cleaned = name.strip()
    if not cleaned:
        raise InputError("a session name cannot be empty")
    if len(cleaned) > MAX_SESSION_NAME:
        raise InputError(f"a session name has at most {MAX_SESSION_NAME} characters")
    if any(ord(c) < 32 for c in cleaned):
        raise InputError(f"a session name is one line of text, not {name!r}")
    return cleaned


def session_name_from_file(path: str) -> str:
    """A session name from an image's file name: one printable line of at most
    MAX_SESSION_NAME characters, whatever bytes, newlines or length the name had."""
    from gouache.usertext import one_line

    name = one_line(PurePath(path).name, MAX_SESSION_NAME)
    return name or "untitled"


def now() -> datetime:
    return datetime.now(UTC)


class Store:
    """Sessions and their version trees in a SQL database, pixels in a BlobStore."""

    def __init__(
        self,
        url: str,
        blobs: BlobStore,
        *,
        read_only: bool = False,
        durable: bool = False,
        write_behind: bool = True,
    ) -> None:
        """Open the store at `url`, bringing its schema up to date; with `read_only`, open it
        without ever writing (a read-only disk): its schema must already be current. With
        `durable`, SQLite syncs every commit to disk (survives a power cut, not only a crash);
        give the BlobStore `durable` too. With `write_behind`, a turn's version is saved on a
        thread of its own after the turn returns (see gouache.sessions.writer)."""
        self.blobs = blobs
        self.write_behind = write_behind
        self._writes = Writes()
        # The URL as given (password included): what another process opens the same store by.
        self.url = url
        self.label = redact_url(url)
        self.read_only = read_only
        self._engine = open_engine(url, self.label, read_only=read_only, durable=durable)
        try:
            if read_only:
                self.schema_version = check_schema(self._engine, label=self.label)
            else:
                self.schema_version = migrate(self._engine, label=self.label)
                blobs.clean_temp_on_open()
        except StoreError:
            self._engine.dispose()
            raise
        except (exc.SQLAlchemyError, OSError) as err:
            self._engine.dispose()
            raise StoreError(
                f"cannot open the store at {self.label}: {failure_reason(err, url)}", url=self.label
            ) from None

    @classmethod
    def from_settings(cls, settings: Settings, *, read_only: bool = False) -> Store:
        """The store Settings point at: `store_url()` and `blob_root()`."""
        blobs = BlobStore(settings.blob_root(), durable=settings.durable)
        return cls(settings.store_url(), blobs, read_only=read_only, durable=settings.durable)

    def check_writable(self) -> None:
        """StoreError when the store is open read-only."""
        if self.read_only:
            raise StoreError(f"the store at {self.label} is open read-only", url=self.label)

    def defer(self, work: Callable[[], T], what: str) -> PendingWrite[T]:
        """Run `work` (a turn's write) on a thread of its own; every transaction of this store
        waits for it first. `what` names it in the error a later call raises if it fails."""
        return self._writes.defer(work, what)

    def close(self) -> None:
        """Wait for the writes in flight (raising a failure nobody was told of), then close."""
        try:
            self._writes.settle(everyone=True)
        finally:
            self._engine.dispose()

    def __enter__(self) -> Store:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc_value: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self.close()

    def __repr__(self) -> str:
        return f"Store({self.label!r})"

    @contextmanager
    def read(self) -> Iterator[Transaction]:
        """A consistent snapshot for reading; never takes the write lock."""
        with self._transaction(write=False) as tx:
            yield tx

    @contextmanager
    def write(self) -> Iterator[Transaction]:
        """One atomic write transaction (BEGIN IMMEDIATE on SQLite): all of it or none of it.

        A unique-key violation comes out as WriteConflictError, for the caller to retry.
        """
        with self._transaction(write=True) as tx:
            yield tx

    @contextmanager
    def _transaction(self, *, write: bool) -> Iterator[Transaction]:
        if write:
            self.check_writable()
        self._writes.settle()
        try:
            with self._engine.connect() as conn:
                conn.execution_options(gouache_write=write)
                with conn.begin():
                    yield Transaction(conn)
        except exc.IntegrityError as err:
            if not is_unique_violation(err):
                raise StoreError(
                    f"the store at {self.label} refused a write: {failure_reason(err)}",
                    url=self.label,
                ) from None
            raise WriteConflictError(
                f"a concurrent write to {self.label} won: {failure_reason(err)}", url=self.label
            ) from None
        except UnicodeEncodeError:
            # text with lone surrogates: bytes that were not UTF-8 (a name, an instruction)
            raise InputError("text given to the store is not valid UTF-8") from None
        except exc.DBAPIError as err:
            reason = failure_reason(err)
            if "locked" in reason:
                reason += " (another process held it past the 30 s busy timeout)"
            raise StoreError(
                f"the store at {self.label} failed: {reason}", url=self.label
            ) from None

    def run(self, work: Callable[[Transaction], T]) -> T:
        """`work` in one write transaction, run again (up to WRITE_ATTEMPTS) if it loses a race."""
        attempt = 1
        while True:
            try:
                with self.write() as tx:
                    return work(tx)
            except WriteConflictError:
                if attempt >= WRITE_ATTEMPTS:
                    raise
                attempt += 1

    def list_sessions(self, *, owner: str | None = None) -> list[SessionSummary]:
        """Every session (or only `owner`'s), the most recently changed first."""
        with self.read() as tx:
            return tx.list_sessions(owner=owner)

    def find_session(self, text: str) -> SessionRecord:
        with self.read() as tx:
            return tx.find_session(text)


class Transaction:
    """The queries, inside one transaction of `Store.read()` or `Store.write()`."""

    def __init__(self, conn: Connection) -> None:
        self.conn = conn

    # -- sessions ---------------------------------------------------------------------------

    def session(self, session_id: str) -> SessionRecord:
        row = self.conn.execute(_SESSION, {"sid": session_id}).first()
        if row is None:
            raise SessionNotFoundError(session_id)
        return _session_from_row(row)

    def find_session(self, text: str) -> SessionRecord:
        """A session by id, then by name, then by a unique id prefix (6+ hex digits).

        A name several sessions share is refused with their ids, never guessed.
        """
        key = text.strip()
        row = self.conn.execute(select(sessions).where(sessions.c.id == key)).first()
        if row is not None:
            return _session_from_row(row)
        query = select(sessions).where(sessions.c.name == key).order_by(sessions.c.created_at)
        rows = self.conn.execute(query.limit(10)).all()
        if len(rows) > 1:
            found = ", ".join(
                f"{r.id[:8]} (started {_utc(r.created_at):%Y-%m-%d %H:%M})" for r in rows
            )
            raise InputError(f"{len(rows)} sessions are named {key!r}: {found}; give its id")
        if not rows and is_id_prefix(key.lower()):
            query = select(sessions).where(sessions.c.id.startswith(key.lower()))
            rows = self.conn.execute(query.limit(10)).all()
            if len(rows) > 1:
                found = ", ".join(f"{r.id[:10]} ({r.name})" for r in rows)
                raise InputError(f"session prefix {key!r} is ambiguous: {found}; type more of it")
        if not rows:
            raise SessionNotFoundError(text)
        return _session_from_row(rows[0])

    def session_name_taken(self, name: str) -> bool:
        query = select(sessions.c.id).where(sessions.c.name == name)
        return self.conn.execute(query).first() is not None

    def create_session(
        self,
        name: str | None,
        root: VersionDraft,
        *,
        default_name: str = "untitled",
        owner: str | None = None,
    ) -> tuple[SessionRecord, Version]:
        """A session with its root version (v1) on branch "main" as the head.

        `name` is taken as given, even if another session has it; without one, the first free
        name of `default_name`, `default_name`-2, ... is used.
        """
        if name is not None:
            chosen = check_session_name(name)
        else:
            base = check_session_name(default_name)
            chosen, n = base, 1
            while self.session_name_taken(chosen):
                n += 1
                chosen = f"{base}-{n}"
        record = self._insert_session(chosen, owner)
        version = self.insert_version(record.id, root)
        self.create_branch(record.id, MAIN_BRANCH, version.id)
        self.set_head(record.id, MAIN_BRANCH, version.id)
        return record, version

    def _insert_session(self, name: str, owner: str | None) -> SessionRecord:
        record = SessionRecord(uuid4().hex, name, now(), now(), owner)
        values = {"id": record.id, "name": name, "created_at": record.created_at}
        values["updated_at"] = record.updated_at
        if owner is not None:  # left out otherwise: null, and the same insert as schema 1
            values["owner"] = owner
        self.conn.execute(sessions.insert().values(values))
        return record

    def rename_session(self, session_id: str, name: str) -> SessionRecord:
        self.session(session_id)
        self.conn.execute(
            sessions.update()
            .where(sessions.c.id == session_id)
            .values(name=check_session_name(name), updated_at=now())
        )
        return self.session(session_id)

    def delete_session(self, session_id: str) -> None:
        """The session, its versions, branches and characters; blobs stay (others may share
        them, and an unreferenced blob is harmless)."""
        self.session(session_id)
        self.conn.execute(
            sessions.update()
            .where(sessions.c.id == session_id)
            .values(head_version_id=None, head_branch=None)
        )
        for table in (branches, characters):
            self.conn.execute(table.delete().where(table.c.session_id == session_id))
        # children before parents: the parent key points inside the table
        rows = self.conn.execute(
            select(versions.c.id)
            .where(versions.c.session_id == session_id)
            .order_by(versions.c.number.desc())
        ).all()
        for row in rows:
            self.conn.execute(versions.delete().where(versions.c.id == row.id))
        self.conn.execute(sessions.delete().where(sessions.c.id == session_id))

    def versions_with_blob(self, digest: str, *, owner: str | None) -> list[Version]:
        """The versions whose image is the blob `digest`, in sessions of `owner`, newest first."""
        query = (
            select(versions)
            .join(sessions, sessions.c.id == versions.c.session_id)
            .where(versions.c.blob == digest, sessions.c.owner == owner)
            .order_by(versions.c.created_at.desc())
        )
        return [_version_from_row(row) for row in self.conn.execute(query)]

    def list_sessions(self, *, owner: str | None = None) -> list[SessionSummary]:
        counts = (
            select(versions.c.session_id, func.count().label("n"))
            .group_by(versions.c.session_id)
            .subquery()
        )
        head = versions.alias("head")
        query = (
            select(sessions, counts.c.n, head.c.number.label("head_number"))
            .outerjoin(counts, counts.c.session_id == sessions.c.id)
            .outerjoin(head, head.c.id == sessions.c.head_version_id)
            .order_by(sessions.c.updated_at.desc(), sessions.c.name)
        )
        if owner is not None:
            query = query.where(sessions.c.owner == owner)
        return [
            SessionSummary(
                id=row.id,
                name=row.name,
                created_at=_utc(row.created_at),
                updated_at=_utc(row.updated_at),
                versions=int(row.n or 0),
                head_number=row.head_number,
                head_branch=row.head_branch,
                owner=row.owner,
            )
            for row in self.conn.execute(query)
        ]

    # -- the head and branches --------------------------------------------------------------

    def head(self, session_id: str) -> Head:
        """The head in one query: the session's head branch, its tip, and that version."""
        row = self.conn.execute(_HEAD, {"sid": session_id}).first()
        if row is None:
            raise SessionNotFoundError(session_id)
        # A head branch that no longer exists: the head is detached at head_version_id.
        branch: str | None = row.head_branch if row.branch_tip is not None else None
        if row.id is None:
            tip = self.conn.execute(
                select(sessions.c.head_version_id).where(sessions.c.id == session_id)
            ).scalar()
            if tip is None:
                raise StoreError(f"session {session_id!r} has no head version")
            raise VersionNotFoundError(session_id, tip)
        return Head(branch, _version_from_row(row))

    def set_head(self, session_id: str, branch: str | None, version_id: str) -> None:
        values = {"sid": session_id, "branch": branch, "vid": version_id, "when": now()}
        self.conn.execute(_SET_HEAD, values)

    def branches(self, session_id: str) -> dict[str, str]:
        """Branch name -> version id, sorted by name."""
        rows = self.conn.execute(_BRANCHES, {"sid": session_id})
        return {row.name: row.version_id for row in rows}

    def branch_tip(self, session_id: str, name: str) -> str | None:
        tip: str | None = self.conn.execute(
            _BRANCH_TIP, {"sid": session_id, "branch": name}
        ).scalar()
        return tip

    def create_branch(self, session_id: str, name: str, version_id: str) -> None:
        self.conn.execute(
            _CREATE_BRANCH, {"session_id": session_id, "name": name, "version_id": version_id}
        )

    def move_branch(self, session_id: str, name: str, version_id: str, *, expected: str) -> bool:
        """Compare-and-swap: point `name` at `version_id` only if it still points at `expected`."""
        values = {"sid": session_id, "branch": name, "expected": expected, "to": version_id}
        return self.conn.execute(_MOVE_BRANCH, values).rowcount == 1

    def rename_branch(self, session_id: str, old: str, new: str) -> None:
        """Rename a branch; the head follows it when it was on it."""
        self.conn.execute(
            branches.update()
            .where(branches.c.session_id == session_id, branches.c.name == old)
            .values(name=new)
        )
        self.conn.execute(
            sessions.update()
            .where(sessions.c.id == session_id, sessions.c.head_branch == old)
            .values(head_branch=new, updated_at=now())
        )

    def auto_branch_name(self, session_id: str) -> str:
        """The first free name of b2, b3, ... ("main" being the first line)."""
        taken = set(self.branches(session_id))
        n = 2
        while f"b{n}" in taken:
            n += 1
        return f"b{n}"

    # -- characters -------------------------------------------------------------------------

    def characters(self, session_id: str) -> list[CharacterRecord]:
        """The session's characters, in the order they were added."""
        rows = self.conn.execute(_CHARACTERS, {"sid": session_id}).all()
        if not rows:
            raise SessionNotFoundError(session_id)
        return [_character_from_row(row) for row in rows if row.name is not None]

    def add_character(
        self,
        session_id: str,
        name: str,
        references: Sequence[ReferenceImage],
        threshold: float,
    ) -> CharacterRecord:
        """Register a character whose photos are already blobs; InputError when the session
        has one of that name in any case."""
        for existing in self.characters(session_id):
            if existing.name.casefold() == name.casefold():
                raise InputError(
                    f"session {session_id[:8]} already has a character {existing.name!r}; "
                    "choose another name"
                )
        record = CharacterRecord(session_id, name, tuple(references), float(threshold), now())
        self.conn.execute(
            characters.insert().values(
                session_id=session_id,
                name=name,
                references=[ref.to_json() for ref in record.references],
                threshold=record.threshold,
                created_at=record.created_at,
            )
        )
        return record

    # -- versions ---------------------------------------------------------------------------

    def version(self, session_id: str, version_id: str) -> Version:
        row = self.conn.execute(_VERSION, {"sid": session_id, "vid": version_id}).first()
        if row is None:
            self.session(session_id)
            raise VersionNotFoundError(session_id, version_id)
        return _version_from_row(row)

    def versions(self, session_id: str) -> list[Version]:
        """Every version of the session, by number."""
        self.session(session_id)
        query = (
            select(versions).where(versions.c.session_id == session_id).order_by(versions.c.number)
        )
        return [_version_from_row(row) for row in self.conn.execute(query)]

    def versions_with_prefix(self, prefix: str, limit: int = 5) -> list[Version]:
        """Versions of any session whose id starts with `prefix` (hex), newest first."""
        if not prefix or any(c not in "0123456789abcdef" for c in prefix):
            return []
        query = (
            select(versions)
            .where(versions.c.id.startswith(prefix, autoescape=True))
            .order_by(versions.c.created_at.desc())
            .limit(limit)
        )
        return [_version_from_row(row) for row in self.conn.execute(query)]

    def version_sizes(self, limit: int = 200) -> list[tuple[int, int]]:
        """The (width, height) of the newest versions of any session, each size once."""
        query = (
            select(versions.c.width, versions.c.height)
            .order_by(versions.c.created_at.desc())
            .limit(limit)
        )
        return list(dict.fromkeys((int(w), int(h)) for w, h in self.conn.execute(query)))

    def children(self, session_id: str, version_id: str) -> list[Version]:
        query = (
            select(versions)
            .where(versions.c.session_id == session_id, versions.c.parent_id == version_id)
            .order_by(versions.c.number)
        )
        return [_version_from_row(row) for row in self.conn.execute(query)]

    def insert_version(self, session_id: str, draft: VersionDraft) -> Version:
        """Store a version with the next free number of its session."""
        last = self.conn.execute(_LAST_NUMBER, {"sid": session_id}).scalar()
        version = Version(
            id=uuid4().hex,
            session_id=session_id,
            number=1 if last is None else int(last) + 1,
            parent_id=draft.parent_id,
            kind=draft.kind,
            blob=draft.blob,
            width=draft.width,
            height=draft.height,
            channels=draft.channels,
            instruction=draft.instruction,
            plan=draft.plan,
            backend=draft.backend,
            backend_config=to_json(draft.backend_config or {}, "backend config"),
            params=to_json(draft.params or {}, "params"),
            seed=draft.seed,
            references=draft.references,
            timings=to_json(draft.timings or {}, "timings"),
            scores=draft.scores or VersionScores(),
            notes=tuple(draft.notes),
            reply=draft.reply,
            created_at=now(),
        )
        values = {
            **{c.name: getattr(version, c.name) for c in versions.columns},
            "plan": to_json(version.plan, "plan"),
            "scores": to_json(version.scores, "scores"),
            "references": [ref.to_json() for ref in version.references],
            "notes": list(version.notes),
        }
        self.conn.execute(_INSERT_VERSION, values)
        return version

    def resolve(self, session_id: str, ref: str) -> Version:
        """A version from a ref a user typed (see gouache.sessions.versions for the forms)."""
        text = ref.strip()
        base, steps = split_ancestry(text)
        version = self._resolve_base(session_id, base, ref)
        for _ in range(steps):
            if version.parent_id is None:
                raise VersionNotFoundError(session_id, ref)
            version = self.version(session_id, version.parent_id)
        return version

    def _resolve_base(self, session_id: str, base: str, ref: str) -> Version:
        if base.lower() == "head":
            return self.head(session_id).version
        tip = self.branch_tip(session_id, base) if base else None
        if tip is not None:
            return self.version(session_id, tip)
        number = parse_number(base)
        if number is not None:
            row = self.conn.execute(_VERSION_NUMBER, {"sid": session_id, "n": number}).first()
            if row is not None:
                return _version_from_row(row)
        # An id prefix may be all digits ("727723"): try it when no number matched.
        if is_id_prefix(base.lower()):
            rows = self.conn.execute(_ID_PREFIX, {"sid": session_id, "prefix": base.lower()}).all()
            if len(rows) == 1:
                return _version_from_row(rows[0])
            if rows:
                found = ", ".join(f"v{r.number} ({r.id[:10]})" for r in rows)
                raise InputError(f"version prefix {base!r} is ambiguous: {found}; type more of it")
        self.session(session_id)
        raise VersionNotFoundError(session_id, ref)


# ---------------------------------------------------------------------------------------------
# rows and values


def _session_from_row(row: Row[Any]) -> SessionRecord:
    return SessionRecord(row.id, row.name, _utc(row.created_at), _utc(row.updated_at), row.owner)


def _character_from_row(row: Row[Any]) -> CharacterRecord:
    return CharacterRecord(
        session_id=row.session_id,
        name=row.name,
        references=tuple(ReferenceImage(r["digest"], r["name"]) for r in row.references),
        threshold=float(row.threshold),
        created_at=_utc(row.created_at),
    )


def _version_from_row(row: Row[Any]) -> Version:
    kind = row.kind
    if kind not in VERSION_KINDS:
        raise StoreError(f"version {row.id} has an unknown kind {kind!r}")
    return Version(
        id=row.id,
        session_id=row.session_id,
        number=row.number,
        parent_id=row.parent_id,
        kind=kind,
        blob=row.blob,
        width=row.width,
        height=row.height,
        channels=row.channels,
        instruction=row.instruction,
        plan=plan_from_json(row.plan),
        backend=row.backend,
        backend_config=row.backend_config,
        params=row.params,
        seed=row.seed,
        references=tuple(ReferenceImage(r["digest"], r["name"]) for r in row.references),
        timings=row.timings,
        scores=scores_from_json(row.scores),
        notes=tuple(row.notes),
        reply=row.reply,
        created_at=_utc(row.created_at),
    )


def _utc(value: datetime) -> datetime:
    """SQLite hands datetimes back without their zone; they were written in UTC."""
    return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)
