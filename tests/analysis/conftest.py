"""Sample images that ship inside installed packages (never downloaded), and a network cut."""

from __future__ import annotations

import socket
from typing import Any

import numpy as np
import pytest
from PIL import Image as PILImage

from gouache.images import Image


@pytest.fixture(scope="session")
def astronaut() -> Image:
    """scikit-image's portrait of Eileen Collins, 512x512: one face."""
    from skimage import data

    return np.ascontiguousarray(data.astronaut())


@pytest.fixture(scope="session")
def grace_hopper() -> Image:
    """matplotlib's portrait of Grace Hopper, 512x600: a second, different face."""
    from matplotlib import cbook

    path = cbook.get_sample_data("grace_hopper.jpg", asfileobj=False)
    with PILImage.open(path) as im:
        return np.ascontiguousarray(np.asarray(im.convert("RGB")))


@pytest.fixture(scope="session")
def coffee() -> Image:
    from skimage import data

    return np.ascontiguousarray(data.coffee())


@pytest.fixture(scope="session")
def chelsea() -> Image:
    """A cat: a face, but not a human one."""
    from skimage import data

    return np.ascontiguousarray(data.chelsea())


@pytest.fixture
def no_network(monkeypatch: pytest.MonkeyPatch) -> None:
    """Any attempt to open a network connection fails the test."""

    def refuse(*args: Any, **kwargs: Any) -> None:
        raise AssertionError(f"a network connection was attempted: {args!r}")

    monkeypatch.setattr(socket.socket, "connect", refuse)
    monkeypatch.setattr(socket.socket, "connect_ex", refuse)
    monkeypatch.setattr(socket, "create_connection", refuse)
    monkeypatch.setattr(socket, "getaddrinfo", refuse)
