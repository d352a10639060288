"""Sessions with a few real turns, and a signing identity, for the provenance tests."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import numpy as np
import pytest
from skimage import data

from gouache.images import LoadedImage
from gouache.provenance.keys import SigningKeys, make_test_identity
from gouache.sessions.session import Session
from gouache.sessions.store import Store
from gouache.settings import Settings


@pytest.fixture(scope="session")
def keys() -> SigningKeys:
    return make_test_identity()


@pytest.fixture
def settings(tmp_path: Path) -> Settings:
    return Settings(data_dir=tmp_path / "data")


@pytest.fixture
def store(settings: Settings) -> Iterator[Store]:
    with Store.from_settings(settings) as opened:
        yield opened


@pytest.fixture
def coffee() -> LoadedImage:
    return LoadedImage(np.ascontiguousarray(data.coffee()), "PNG", "coffee.png")


@pytest.fixture
def three_turns(store: Store, coffee: LoadedImage) -> Session:
    """coffee.png, then three turns: v4 is three edits deep."""
    session = Session.start(store, coffee)
    for instruction in ("make it warmer", "add a vignette", 'add the caption "espresso"'):
        assert session.apply(instruction).version is not None
    return session
