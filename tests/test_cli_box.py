"""A region from the command line: `gouache edit --box X,Y,W,H` and `/box` in chat feed the mask
the web UI's box tool sends. Run as a user runs them: a separate process, real files, a real
store; what is measured is the picture written."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from PIL import Image as PILImage

from gouache.images import load_image
from test_cli import gouache

WIDTH, HEIGHT = 160, 120


@pytest.fixture
def photo(tmp_path: Path) -> Path:
    rng = np.random.default_rng(3)
    pixels = rng.integers(40, 200, size=(HEIGHT, WIDTH, 3), dtype=np.uint8)
    pixels[..., 0] = np.clip(pixels[..., 0].astype(int) + 50, 0, 255)  # colour to take away
    path = tmp_path / "photo.png"
    PILImage.fromarray(pixels).save(path)
    return path


def _changed(before: np.ndarray, after: np.ndarray) -> np.ndarray:
    return np.abs(before.astype(int) - after.astype(int)).sum(axis=2) > 0


def _inside(left: int, top: int, right: int, bottom: int) -> np.ndarray:
    inside = np.zeros((HEIGHT, WIDTH), dtype=bool)
    inside[top:bottom, left:right] = True
    return inside


def _sessions(home: Path) -> list[str]:
    return gouache(home, "sessions").stdout.splitlines()[1:]


@pytest.mark.parametrize("box", ["40,30,80,60", "0.25,0.25,0.5,0.5", "25%,25%,50%,50%"])
def test_an_edit_with_a_box_changes_the_inside_and_keeps_every_pixel_outside(
    tmp_path: Path, photo: Path, box: str
) -> None:
    gouache(tmp_path, "edit", str(photo), "make it black and white", "--box", box, "-o", "o.png")
    before = load_image(photo).pixels
    changed = _changed(before, load_image(tmp_path / "o.png").pixels)
    inside = _inside(40, 30, 120, 90)
    assert not changed[~inside].any()
    # a grade fades in over the box's inner rim, as in the web UI; deep inside, all of it
    assert changed[inside].mean() > 0.9
    assert changed[40:80, 55:105].all()


@pytest.mark.parametrize(
    ("box", "says"),
    [
        ("10,10,200,50", "runs past the picture's right edge"),
        ("0,100,50,40", "runs past the picture's bottom edge"),
        ("0.6,0,0.5,0.5", "runs past the picture's right edge"),
        ("0,0,0,20", "has no size"),
        ("-5,0,20,20", "starts outside the picture"),
        ("10,10,50", "--box takes X,Y,W,H"),
        ("left half", "--box takes X,Y,W,H"),
        ("10.5,0,20,20", "mixes fractions and pixels"),
        ("10%,0,20,20", "mixes percentages"),
    ],
)
def test_a_bad_box_gets_one_clear_line_and_leaves_nothing_behind(
    tmp_path: Path, photo: Path, box: str, says: str
) -> None:
    result = gouache(
        tmp_path, "edit", str(photo), "make it warmer", "--box", box, "-o", "o.png", check=False
    )
    assert result.returncode == 1
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert says in lines[0]
    assert not (tmp_path / "o.png").exists()
    assert _sessions(tmp_path) == []


def test_a_crop_inside_a_box_is_refused_as_in_the_web_ui_and_leaves_no_session(
    tmp_path: Path, photo: Path
) -> None:
    result = gouache(
        tmp_path, "edit", str(photo), "crop to square", "--box", "0,0,50,50", check=False
    )
    assert result.returncode == 1
    assert "cannot be kept inside a mask" in result.stderr
    assert _sessions(tmp_path) == []


def test_chat_box_holds_for_the_next_turn_and_a_bit_less_keeps_its_region(
    tmp_path: Path, photo: Path
) -> None:
    script = "\n".join([
        "/box 0.5,0,0.5,1",
        "make it black and white",
        "/save half.png",
        "a bit less",
        "/save less.png",
        "make it black and white",
        "/save whole.png",
    ])  # fmt: skip
    result = gouache(tmp_path, "chat", str(photo), stdin=script + "\n")
    assert "box 80,0 to 160,120 of 160x120" in result.stdout
    before = load_image(photo).pixels
    right = _inside(80, 0, 160, 120)
    for name in ("half.png", "less.png"):
        changed = _changed(before, load_image(tmp_path / name).pixels)
        assert not changed[~right].any(), name
        assert changed[right].mean() > 0.9, name
    # "a bit less" is the same region, greyed less: more colour left inside it
    half, less = (load_image(tmp_path / n).pixels[:, 100:140].astype(int) for n in
                  ("half.png", "less.png"))  # fmt: skip
    assert np.ptp(less, axis=2).mean() > np.ptp(half, axis=2).mean() + 5
    # the box was used up by the turn that made a version: the next one is the whole picture
    whole = _changed(
        load_image(tmp_path / "less.png").pixels, load_image(tmp_path / "whole.png").pixels
    )
    assert whole[~right].mean() > 0.9


def test_chat_refuses_a_box_past_the_picture_and_goes_on(tmp_path: Path, photo: Path) -> None:
    script = "/box 100,0,100,100\n/box\nmake it black and white\n/save out.png\n"
    result = gouache(tmp_path, "chat", str(photo), stdin=script)
    assert "error: the box 100,0,100,100 runs past the picture's right edge" in result.stdout
    assert "box: none" in result.stdout
    changed = _changed(load_image(photo).pixels, load_image(tmp_path / "out.png").pixels)
    assert changed.mean() > 0.9
