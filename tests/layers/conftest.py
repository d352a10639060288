"""A store, the astronaut at 256 px (a real face, shipped with scikit-image) and a logo."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import numpy as np
import pytest
from PIL import Image as PILImage
from PIL import ImageDraw

from gouache.images import BlobStore, Image, LoadedImage
from gouache.sessions import Store


@pytest.fixture
def store(tmp_path: Path) -> Iterator[Store]:
    with Store(f"sqlite:///{tmp_path / 'g.db'}", BlobStore(tmp_path / "blobs")) as opened:
        yield opened


@pytest.fixture(scope="session")
def astronaut() -> LoadedImage:
    from skimage import data

    small = PILImage.fromarray(data.astronaut()).resize((256, 256), PILImage.Resampling.LANCZOS)
    return LoadedImage(pixels=np.asarray(small), format="PNG", name="astronaut.png")


@pytest.fixture(scope="session")
def logo() -> LoadedImage:
    """A blue disc and a red bar on white: its white is keyed out when placed."""
    mark = PILImage.new("RGB", (200, 80), "white")
    draw = ImageDraw.Draw(mark)
    draw.ellipse((10, 10, 70, 70), fill=(20, 80, 200))
    draw.rectangle((90, 25, 190, 55), fill=(220, 40, 40))
    pixels: Image = np.asarray(mark)
    return LoadedImage(pixels=pixels, format="PNG", name="logo.png")
