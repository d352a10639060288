"""A real gouache server on 127.0.0.1, port chosen by the OS, in a thread of the test process;
and pictures to send it."""

from __future__ import annotations

import io
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import numpy as np
from PIL import Image as PILImage

from gouache.backends.base import ImageModel
from gouache.images import BlobStore
from gouache.server.app import create_app
from gouache.server.config import ServerConfig
from gouache.server.keys import create_key
from gouache.sessions.store import Store
from gouache.settings import Settings
from servers import serving_app


@dataclass
class LiveServer:
    url: str
    store: Store
    key: str
    other_key: str  # a second tenant's
    folder: Path

    def headers(self, key: str | None = None) -> dict[str, str]:
        return {"Authorization": f"Bearer {key or self.key}"}


@contextmanager
def live_server(
    folder: Path,
    config: ServerConfig | None = None,
    *,
    store_url: str | None = None,
    models: Mapping[str, Callable[[], ImageModel]] | None = None,
) -> Iterator[LiveServer]:
    url = store_url or f"sqlite:///{folder / 'gouache.db'}"
    settings = Settings(data_dir=folder, store=url, blobs_dir=str(folder / "blobs"))
    with Store(url, BlobStore(folder / "blobs")) as store:
        key, other = create_key(store, "acme"), create_key(store, "globex")
        app = create_app(settings, config or ServerConfig(), store=store, models=models)
        with serving_app(app) as url:
            yield LiveServer(url, store, key, other, folder)


def photo(width: int = 96, height: int = 64, seed: int = 3) -> np.ndarray:
    """A gradient with noise and a bright square: edits show, and it is not symmetric."""
    rng = np.random.default_rng(seed)
    y, x = np.mgrid[0:height, 0:width]
    base = np.stack([x * 200 // width, y * 200 // height, (x + y) * 100 // (width + height)], -1)
    image = np.clip(base + rng.integers(0, 40, size=(height, width, 3)), 0, 255).astype(np.uint8)
    image[height // 4 : height // 2, width // 8 : width // 4] = 250
    return image


def png_bytes(image: np.ndarray | None = None, fmt: str = "PNG") -> bytes:
    buffer = io.BytesIO()
    PILImage.fromarray(photo() if image is None else image).save(buffer, fmt)
    return buffer.getvalue()
