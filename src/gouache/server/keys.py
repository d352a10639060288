"""API keys: made once, shown once, stored as their sha256. Each names a tenant."""

from __future__ import annotations

import hashlib
import re
import secrets

from sqlalchemy import select

from gouache.errors import InputError
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


def tenant_of(store: Store, key: str) -> str | None:
    """The tenant a key belongs to, or None for an unknown key."""
    if not key.startswith(KEY_PREFIX):
        return None
    with store.read() as tx:
        found: str | None = tx.conn.execute(
            select(api_keys.c.tenant).where(api_keys.c.hash == hash_key(key))
        ).scalar()
    return found
