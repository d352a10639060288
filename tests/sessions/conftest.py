"""Fixtures for the version store and the session engine: a store on a temporary SQLite file
and a small photo-like image whose edits are easy to see."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path

import numpy as np
import pytest

from gouache.images import BlobStore, Image, LoadedImage
from gouache.sessions import Session, Store


def make_photo(height: int = 48, width: int = 64, seed: int = 7) -> Image:
    """A gradient with noise and a bright square near the left: not symmetric, so a flip shows."""
    rng = np.random.default_rng(seed)
    y, x = np.mgrid[0:height, 0:width]
    base = np.stack([x * 200 // width, y * 200 // height, (x + y) * 100 // (width + height)], -1)
    noise = rng.integers(0, 40, size=(height, width, 3))
    image = np.clip(base + noise, 0, 255).astype(np.uint8)
    image[height // 4 : height // 2, width // 8 : width // 4] = 250
    return image


def store_url(folder: Path) -> str:
    return f"sqlite:///{folder / 'gouache.db'}"


@pytest.fixture(params=["sqlite", "postgresql"])
def empty_store_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """An empty database: a SQLite file, and a real PostgreSQL server (tests/pg_cluster.py)."""
    if request.param == "postgresql":
        url: str = request.getfixturevalue("pg_cluster").new_database()
        return url
    return store_url(tmp_path)


@pytest.fixture
def store(empty_store_url: str, tmp_path: Path) -> Iterator[Store]:
    with Store(empty_store_url, BlobStore(tmp_path / "blobs")) as opened:
        yield opened


@pytest.fixture
def sqlite_store(tmp_path: Path) -> Iterator[Store]:
    """For what only SQLite has (WAL, its lock)."""
    with Store(store_url(tmp_path), BlobStore(tmp_path / "blobs")) as opened:
        yield opened


@pytest.fixture(name="make_photo")
def make_photo_fixture() -> Callable[..., Image]:
    return make_photo


@pytest.fixture
def photo() -> LoadedImage:
    return LoadedImage(pixels=make_photo(), format="PNG", name="photo.png")


@pytest.fixture
def session(store: Store, photo: LoadedImage) -> Session:
    return Session.start(store, photo)
