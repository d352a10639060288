"""A gouache server in local mode on 127.0.0.1 (port chosen by the OS) in a thread of the test
process, and Debian's Chromium driven by Playwright."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from gouache.images import BlobStore
from gouache.server.app import create_app
from gouache.server.config import ServerConfig
from gouache.sessions.store import Store
from gouache.settings import Settings
from servers import serving_app

TOKEN = "web-test-token"
# axe-core, vendored from the npm registry with its licence (tests/web/vendor/)
AXE = Path(__file__).parent / "vendor" / "axe-4.14.1.min.js"
# Debian's Chromium as root in a container: no sandbox, no GPU, nothing fetched at start.
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


@dataclass
class LocalServer:
    url: str
    store: Store
    folder: Path
    app: Any

    def page(self, path: str) -> str:
        """The link `gouache ui` prints: the token once, then the cookie."""
        return f"{self.url}{path}?token={TOKEN}"

    @property
    def headers(self) -> dict[str, str]:
        return {"Authorization": f"Bearer {TOKEN}"}


@contextmanager
def local_server(folder: Path) -> Iterator[LocalServer]:
    url = f"sqlite:///{folder / 'gouache.db'}"
    settings = Settings(data_dir=folder, store=url, blobs_dir=str(folder / "blobs"))
    with Store(url, BlobStore(folder / "blobs")) as store:
        app = create_app(settings, ServerConfig(threads=2, local_token=TOKEN), store=store)
        with serving_app(app) as url:
            yield LocalServer(url, store, folder, app)


def chromium_path() -> str | None:
    return shutil.which("chromium") or shutil.which("chromium-browser")
