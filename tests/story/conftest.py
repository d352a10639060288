"""Two real people that ship with dependencies: the astronaut Eileen Collins (scikit-image)
and Grace Hopper (matplotlib), alone and side by side, and a store."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from PIL import Image as PILImage

from gouache.images import BlobStore
from gouache.sessions import Store
from gouache.story.run import StoryResult, run_story
from gouache.story.script import load_script


@pytest.fixture
def store(tmp_path: Path) -> Iterator[Store]:
    with Store(f"sqlite:///{tmp_path / 'g.db'}", BlobStore(tmp_path / "blobs")) as opened:
        yield opened


@pytest.fixture(scope="session")
def photos(tmp_path_factory: pytest.TempPathFactory) -> Path:
    from matplotlib import cbook
    from skimage import data

    folder = tmp_path_factory.mktemp("photos")
    eileen = PILImage.fromarray(data.astronaut()).resize((256, 256), PILImage.Resampling.LANCZOS)
    with PILImage.open(cbook.get_sample_data("grace_hopper.jpg", asfileobj=False)) as opened:
        grace = opened.convert("RGB").resize((220, 256), PILImage.Resampling.LANCZOS)
    eileen.save(folder / "eileen.png")
    grace.save(folder / "grace.png")
    both = PILImage.new("RGB", (256 + 220, 256))
    both.paste(eileen, (0, 0))
    both.paste(grace, (256, 0))
    both.save(folder / "both.png")
    return folder


SCRIPT = """\
title: Launch day
style: make it a cartoon
panel: [240, 200]
characters:
  Eileen: {photos}/eileen.png
  Grace: {photos}/grace.png
panels:
  - instruction: Eileen arrives at the pad
    characters: [Eileen]
    source: {photos}/eileen.png
    caption: Monday, 6 am
  - instruction: Grace wishes her luck
    characters: [Eileen, Grace]
    source: {photos}/both.png
    say: {{who: Grace, text: "Good luck!"}}
  - instruction: both of them wave at the crowd
    characters: [Eileen, Grace]
    source: {photos}/eileen.png
    caption: Lift-off
"""


@pytest.fixture
def script_path(photos: Path, tmp_path: Path) -> Path:
    path = tmp_path / "script.yaml"
    path.write_text(SCRIPT.format(photos=photos))
    return path


@pytest.fixture(scope="module")
def drawn(photos: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[StoryResult]:
    """The three-panel story drawn once, for the tests that only read it."""
    folder = tmp_path_factory.mktemp("drawn")
    path = folder / "script.yaml"
    path.write_text(SCRIPT.format(photos=photos))
    with Store(f"sqlite:///{folder / 'g.db'}", BlobStore(folder / "blobs")) as opened:
        yield run_story(load_script(path), opened, folder / "out")
