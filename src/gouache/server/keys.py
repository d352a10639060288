"""API keys: made once, shown once, stored as their sha256. Each names a tenant."""

from __future__ import annotations

import hashlib
import re
import secrets
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select

from gouache.errors import InputError, NotFoundError
from gouache.sessions.migrations import api_keys
from gouache.sessions.store import Store, now

KEY_PREFIX = "gsk_"
# The one user of `gouache serve --local` / `gouache ui`: the owner of this machine's store, so
# also of the sessions made without a tenant (by the CLI). No key may name it.
LOCAL_TENANT = "local"
_TENANT = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]{0,63}")


def check_tenant(name: str) -> str:
    cleaned = name.strip()
    if not _TENANT.fullmatch(cleaned):
        raise InputError(f"a tenant name is 1 to 64 letters, digits, '.', '_' or '-', not {name!r}")
    if cleaned == LOCAL_TENANT:
        raise InputError(f"{LOCAL_TENANT!r} is the user of local mode; choose another tenant name")
    return cleaned


def may_open(owner: str | None, tenant: str) -> bool:
    """Whether `tenant` may open a session of `owner`: its own, and for the local user also the
    sessions the CLI made (no owner)."""
    return owner == tenant or (owner is None and tenant == LOCAL_TENANT)


def hash_key(key: str) -> str:
    # Keys are 256 random bits: a plain sha256 is enough, no slow hash needed.
    return hashlib.sha256(key.encode("utf-8")).hexdigest()


def create_key(store: Store, tenant: str, label: str = "") -> str:
    """A new key for `tenant` (created if new); only its hash is kept."""
    name = check_tenant(tenant)
    key = KEY_PREFIX + secrets.token_urlsafe(32)
    with store.write() as tx:
        tx.conn.execute(
            api_keys.insert().values(
                hash=hash_key(key), tenant=name, label=label[:200], created_at=now()
            )
        )
    return key


def tenant_of(store: Store, key: str, hashed: str | None = None) -> str | None:
    """The tenant a key belongs to, or None for an unknown key; `hashed` is `hash_key(key)`
    when the caller has it already (a request hashes its key once)."""
    if not key.startswith(KEY_PREFIX):
        return None
    with store.read() as tx:
        found: str | None = tx.conn.execute(
            select(api_keys.c.tenant).where(api_keys.c.hash == (hashed or hash_key(key)))
        ).scalar()
    return found


@dataclass(frozen=True)
class KeyRecord:
    """A key as stored: the start of its hash (what names it from now on), no secret."""

    hash_prefix: str
    tenant: str
    label: str
    created_at: datetime


def list_keys(store: Store) -> list[KeyRecord]:
    with store.read() as tx:
        rows = tx.conn.execute(select(api_keys).order_by(api_keys.c.created_at)).all()
    return [KeyRecord(r.hash[:12], r.tenant, r.label, r.created_at) for r in rows]


def revoke_key(store: Store, prefix: str) -> KeyRecord:
    """Delete the key whose hash starts with `prefix` (as `gouache keys list` shows it)."""
    wanted = prefix.strip().lower()
    if len(wanted) < 6:
        raise InputError("give at least 6 characters of the key's hash (`gouache keys list`)")
    with store.write() as tx:
        rows = tx.conn.execute(
            select(api_keys).where(api_keys.c.hash.startswith(wanted)).limit(2)
        ).all()
        if not rows:
            raise NotFoundError(f"no key whose hash starts with {wanted!r}")
        if len(rows) > 1:
            raise InputError(f"{wanted!r} starts several keys' hashes; give more of it")
        row = rows[0]
        tx.conn.execute(api_keys.delete().where(api_keys.c.hash == row.hash))
    return KeyRecord(row.hash[:12], row.tenant, row.label, row.created_at)
