"""`gouache ui [IMAGE]`: the server in local mode on 127.0.0.1 (a free port, a random token),
the user's own store, and the browser opened on the session."""

from __future__ import annotations

import secrets
import socket
import threading
import time
import webbrowser
from pathlib import Path
from typing import TextIO

from gouache.server.config import ServerConfig
from gouache.settings import Settings


def ui(
    settings: Settings,
    out: TextIO,
    *,
    image: Path | None = None,
    session_id: str | None = None,
    port: int = 0,
    open_browser: bool = True,
    arena: Path | None = None,
    votes: Path | None = None,
) -> int:
    import uvicorn

    from gouache.analysis.text import warm_up
    from gouache.images import load_image
    from gouache.server.app import create_app
    from gouache.sessions.session import Session
    from gouache.sessions.store import Store

    # 1. the session to open: a new one from IMAGE, the one named, or none (the start page)
    store = Store.from_settings(settings)
    try:
        path = "/ui"
        if image is not None:
            loaded = load_image(image, max_pixels=settings.max_pixels)
            session = Session.start(store, loaded)
            path = f"/ui/s/{session.id}"
        elif session_id is not None:
            path = f"/ui/s/{Session.open(store, session_id).id}"
        if arena is not None:
            from gouache.web.arena import Arena

            arena_state = Arena.open(arena, votes or arena / "votes.jsonl")
            path = "/ui/arena"

        # 2. bind the port first, so the link is known before the server starts
        listener = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        listener.bind(("127.0.0.1", port))
        token = secrets.token_urlsafe(24)
        app = create_app(settings, ServerConfig(local_token=token), store=store)
        if arena is not None:
            app.state.arena = arena_state
        url = f"http://127.0.0.1:{listener.getsockname()[1]}{path}?token={token}"
        print("gouache ui: open this link (it carries the key; Ctrl+C stops):", file=out)
        print(f"    {url}", file=out)
        out.flush()

        # 3. serve; open the browser once the server answers; build the OCR engine meanwhile
        warm_up()
        server = uvicorn.Server(uvicorn.Config(app, log_level="warning"))
        if open_browser:
            threading.Thread(target=_open_when_up, args=(server, url), daemon=True).start()
        server.run(sockets=[listener])
    finally:
        store.close()
    return 0


def _open_when_up(server: object, url: str) -> None:
    deadline = time.monotonic() + 30
    while not getattr(server, "started", False) and time.monotonic() < deadline:
        time.sleep(0.05)
    webbrowser.open(url)
