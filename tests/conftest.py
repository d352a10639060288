"""Fixtures shared across test folders."""

from __future__ import annotations

import sys
import textwrap
from collections.abc import Iterator
from pathlib import Path

import pytest

from gouache.images import BlobStore
from gouache.server.services import Cluster, pg_bin, running_cluster
from gouache.sessions import Store
from servers import (
    ChatServer,
    FakeComfyUI,
    FakeImagesServer,
    GeminiServer,
    serve_chat,
    serve_comfyui,
    serve_gemini,
    serve_images,
)

PLUGIN = textwrap.dedent(
    """
    import numpy as np
    from gouache.backends.base import Capabilities, ImageResult

    class InvertBackend:
        name = "invert"
        capabilities = Capabilities(generate=False, edit=True)
        operators = None

        def __init__(self, strength=1.0):
            self.strength = strength

        def config(self):
            return {"strength": self.strength}

        def generate(self, request, *, progress=None, cancel=None):
            raise NotImplementedError

        def edit(self, request, *, progress=None, cancel=None):
            return ImageResult(image=(255 - request.image).astype(np.uint8))
    """
)


@pytest.fixture
def plugin_on_path(tmp_path: Path) -> Iterator[Path]:
    """A real third-party distribution declaring a `gouache.backends` entry point."""
    (tmp_path / "gouache_invert.py").write_text(PLUGIN)
    info = tmp_path / "gouache_invert-0.1.dist-info"
    info.mkdir()
    (info / "METADATA").write_text("Metadata-Version: 2.1\nName: gouache-invert\nVersion: 0.1\n")
    (info / "entry_points.txt").write_text(
        "[gouache.backends]\ninvert = gouache_invert:InvertBackend\n"
    )
    sys.path.insert(0, str(tmp_path))
    yield tmp_path
    sys.path.remove(str(tmp_path))
    sys.modules.pop("gouache_invert", None)


@pytest.fixture(scope="session")
def pg_cluster() -> Iterator[Cluster]:
    """One throwaway PostgreSQL server per test process; each test takes a fresh schema."""
    if pg_bin() is None:
        pytest.skip(
            "PostgreSQL is not installed (make test installs it: apt-get install postgresql)"
        )
    with running_cluster() as cluster:
        yield cluster


def store_url(folder: Path) -> str:
    return f"sqlite:///{folder / 'gouache.db'}"


@pytest.fixture
def store(tmp_path: Path) -> Iterator[Store]:
    """A store on a temporary SQLite file, with its blobs beside it."""
    with Store(store_url(tmp_path), BlobStore(tmp_path / "blobs")) as opened:
        yield opened


@pytest.fixture
def gemini_server() -> Iterator[GeminiServer]:
    """A local server speaking Gemini's generateContent (see tests/servers.py)."""
    yield from serve_gemini()


@pytest.fixture
def images_server() -> Iterator[FakeImagesServer]:
    """A local server speaking the OpenAI images API (see tests/servers.py)."""
    yield from serve_images()


@pytest.fixture
def chat_server() -> Iterator[ChatServer]:
    """A local server speaking OpenAI's chat completions (see tests/servers.py)."""
    yield from serve_chat()


@pytest.fixture
def comfyui_server() -> Iterator[FakeComfyUI]:
    """A local server speaking ComfyUI's API (see tests/servers.py)."""
    yield from serve_comfyui()
