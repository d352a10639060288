"""`gouache serve` and `gouache keys create`, called from cli.py with parsed arguments."""

from __future__ import annotations

import secrets
from typing import TextIO

from gouache.server.config import ServerConfig
from gouache.settings import Settings


def serve(
    settings: Settings,
    out: TextIO,
    config: ServerConfig,
    *,
    host: str,
    port: int,
    local: bool,
) -> int:
    import dataclasses

    import uvicorn

    from gouache.analysis.text import warm_up
    from gouache.server.app import create_app

    token = secrets.token_urlsafe(24) if local else None
    if local:
        host = "127.0.0.1"  # one user, this machine: never reachable from elsewhere
        config = dataclasses.replace(config, local_token=token)
    workers = config.workers
    app = create_app(settings, config)
    base = f"http://{host}:{port}"
    print(
        f"gouache serving {settings.store_url().split('://')[0]} store, turns {workers}", file=out
    )
    if token is not None:
        print("local mode: open this link (the token is the key for every client):", file=out)
        print(f"    {base}/ui?token={token}   (the web UI)", file=out)
        print(f"    {base}/docs?token={token}   (the API)", file=out)
    else:
        print(f"API docs at {base}/docs?key=KEY (`gouache keys create --tenant NAME`)", file=out)
    out.flush()
    warm_up()  # the OCR engine, while no one is waiting for it
    uvicorn.run(app, host=host, port=port, log_level="warning")
    return 0


def create_key_command(settings: Settings, out: TextIO, *, tenant: str, label: str) -> int:
    from gouache.server.keys import create_key
    from gouache.sessions.store import Store

    with Store.from_settings(settings) as store:
        key = create_key(store, tenant, label)
    print(f"a new API key for tenant {tenant!r}; it is shown only now:", file=out)
    print(key, file=out)
    return 0


def list_keys_command(settings: Settings, out: TextIO) -> int:
    from gouache.server.keys import list_keys
    from gouache.sessions.store import Store

    with Store.from_settings(settings) as store:
        records = list_keys(store)
    print(f"{'hash':<13} {'tenant':<20} {'created':<17} label", file=out)
    for record in records:
        created = f"{record.created_at:%Y-%m-%d %H:%M}"
        print(
            f"{record.hash_prefix:<13} {record.tenant:<20} {created:<17} {record.label}", file=out
        )
    return 0


def revoke_key_command(settings: Settings, out: TextIO, *, prefix: str) -> int:
    from gouache.server.keys import revoke_key
    from gouache.sessions.store import Store

    with Store.from_settings(settings) as store:
        record = revoke_key(store, prefix)
    print(f"revoked key {record.hash_prefix} of tenant {record.tenant!r}", file=out)
    return 0
