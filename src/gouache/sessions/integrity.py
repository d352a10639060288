"""`gouache store check [--repair]`: is everything the store promises still there and whole?

Every blob file is re-hashed. A blob counts as referred to by any 64-hex-digit value in any
row of any table, JSON included (a layer stack's base, a mask, a server's upload). Versions
and characters whose blobs are missing or damaged are named; blobs no row refers to
(orphans: a crash between writing the blob and its row) and temporary files (a crash during
a write) are listed. `repair` removes orphans older than ORPHAN_AGE_S (a live turn writes
its blob just before its row) and temporary files nobody holds. Damaged or missing blobs
cannot be repaired here: their versions are named so that a user knows which.
"""

from __future__ import annotations

import json
import re
import time
from dataclasses import dataclass, field
from pathlib import Path

from sqlalchemy import MetaData, select, text

from gouache.sessions.store import Store

_DIGEST = re.compile(r"(?<![0-9a-f])[0-9a-f]{64}(?![0-9a-f])")
# An unreferenced blob younger than this may belong to a turn that is being committed.
ORPHAN_AGE_S = 600.0


@dataclass
class StoreReport:
    store: str
    blobs: int = 0
    versions: int = 0
    database: str = "ok"
    damaged: list[str] = field(default_factory=list)
    missing: list[str] = field(default_factory=list)
    orphans: list[str] = field(default_factory=list)
    temp_files: list[Path] = field(default_factory=list)
    # "session-prefix vN" or "session-prefix character NAME" for each missing or damaged blob
    affected: list[str] = field(default_factory=list)
    removed: list[Path] = field(default_factory=list)

    @property
    def healthy(self) -> bool:
        """Nothing lost or damaged, and nothing left to clean."""
        left = [p for p in self.temp_files if p not in self.removed]
        orphans_left = any(not _removed(o, self.removed) for o in self.orphans)
        return (
            self.database == "ok"
            and not self.damaged
            and not self.missing
            and not left
            and not orphans_left
        )

    def describe(self) -> str:
        lines = [
            f"store {self.store}: {self.versions} versions, {self.blobs} blobs re-hashed",
            f"database: {self.database}",
        ]
        for digest in self.damaged:
            lines.append(f"damaged blob {digest[:12]}: its bytes no longer match their sha256")
        for digest in self.missing:
            lines.append(f"missing blob {digest[:12]}")
        if self.affected:
            lines.append("versions without their pixels: " + ", ".join(self.affected))
        for digest in self.orphans:
            gone = " (removed)" if _removed(digest, self.removed) else ""
            lines.append(f"orphan blob {digest[:12]}: no version refers to it{gone}")
        for path in self.temp_files:
            gone = " (removed)" if path in self.removed else ""
            lines.append(f"leftover temporary file {path}{gone}")
        lines.append("healthy" if self.healthy else "problems found")
        return "\n".join(lines)


def _removed(digest: str, removed: list[Path]) -> bool:
    return any(path.stem == digest for path in removed)


def check_store(store: Store, *, repair: bool = False, now: float | None = None) -> StoreReport:
    """Check the store; with `repair`, remove old orphans and leftover temporary files."""
    report = StoreReport(store=store.label)
    clock = time.time() if now is None else now

    # 1. the database's own check (SQLite), and every blob any row refers to: a version's
    #    pixels and references, but also digests inside JSON (a layer stack's base, a mask,
    #    a server's uploads), so any 64-hex-digit value in any table counts as a reference
    users: dict[str, list[str]] = {}
    with store.read() as tx:
        conn = tx.conn
        if conn.dialect.name == "sqlite":
            rows = [row[0] for row in conn.execute(text("PRAGMA integrity_check"))]
            report.database = "ok" if rows == ["ok"] else "; ".join(map(str, rows[:5]))
        tables = MetaData()
        tables.reflect(conn)
        for table in tables.tables.values():
            for row in conn.execute(select(table)).mappings():
                if table.name == "versions":
                    report.versions += 1
                    where = f"{row['session_id'][:8]} v{row['number']}"
                elif table.name == "characters":
                    where = f"{row['session_id'][:8]} character {row['name']}"
                else:
                    where = table.name
                for digest in set(_DIGEST.findall(json.dumps(dict(row), default=str))):
                    users.setdefault(digest, []).append(where)

    # 2. every blob on disk, re-hashed
    on_disk = set()
    for digest in store.blobs.digests():
        on_disk.add(digest)
        report.blobs += 1
        if not store.blobs.intact(digest):
            report.damaged.append(digest)
        elif digest not in users:
            report.orphans.append(digest)
    report.missing = sorted(d for d in users if d not in on_disk)
    for digest in [*report.damaged, *report.missing]:
        report.affected.extend(users.get(digest, []))
    report.temp_files = store.blobs.temp_files()

    # 3. repair what can be repaired: only files old enough not to belong to a live write
    if repair:
        for digest in report.orphans:
            _remove_if_old(store.blobs.path_of(digest), clock, report.removed)
        report.removed.extend(store.blobs.clean_temp())
    return report


def _remove_if_old(path: Path, clock: float, removed: list[Path]) -> None:
    try:
        if clock - path.stat().st_mtime >= ORPHAN_AGE_S:
            path.unlink()
            removed.append(path)
    except OSError:
        pass
