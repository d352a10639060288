"""A store and the astronaut at 256 px (a real face, shipped with scikit-image)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import numpy as np
import pytest
from PIL import Image as PILImage

from gouache.images import BlobStore, LoadedImage
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
