"""Conversation words act on the version tree in chat, and get a pointer to --at and
`gouache history` in edit, which makes one version."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
from PIL import Image as PILImage

from gouache.conversation import Command, read


def gouache(home: Path, *args: str, stdin: str | None = None) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "GOUACHE_DATA_DIR": str(home / "data")}
    env.pop("GOUACHE_STORE", None)
    return subprocess.run(
        [sys.executable, "-m", "gouache", *args],
        input=stdin,
        capture_output=True,
        text=True,
        cwd=home,
        env=env,
        timeout=120,
    )


@pytest.fixture
def photo(tmp_path: Path) -> Path:
    pixels = np.random.default_rng(0).integers(40, 200, size=(120, 160, 3), dtype=np.uint8)
    path = tmp_path / "photo.png"
    PILImage.fromarray(pixels).save(path)
    return path


@pytest.mark.parametrize(
    ("said", "command"),
    [
        ("undo that", Command("undo")),
        ("go back", Command("undo")),
        ("that's too much, undo it", Command("undo")),
        ("undo the last two", Command("undo", steps=2)),
        ("redo", Command("redo")),
        ("start over", Command("original")),
        ("revert to the original", Command("original")),
        ("compare with the original", Command("compare")),
        ("start from scratch", Command("original")),
        ("show me the original", Command("original")),
        ("back to square one", Command("original")),
        ("how many versions are there?", Command("explain")),
        ("any suggestions?", Command("suggest")),
        ("what should I try?", Command("suggest")),
        ("what did you change?", Command("explain")),
        ("go back to the first version and try sepia instead", Command("retry", then="sepia")),
        ("go back two steps", Command("undo", steps=2)),
        ("compare", Command("compare")),
        ("compare them", Command("compare")),
        ("show me the before and after", Command("compare")),
        ("too much, tone it down", Command("rescale", factor=0.5)),
        ("way too strong, dial it back please", Command("rescale", factor=0.5)),
        ("too much. undo", Command("undo")),
        ("way too strong, go back", Command("undo")),
        ("undo that, too much", Command("undo")),
    ],
)
def test_a_conversation_word_is_read_whole(said: str, command: Command) -> None:
    assert read(said) == command


@pytest.mark.parametrize(
    "said",
    [
        "undo the vignette",
        "make it brighter",
        "go back to black and white",
        "back it up",
        "too much, make it warmer",
        "more, less",
        "not enough. undo",
        "too much. undo. redo",
    ],
)
def test_an_edit_is_not_a_conversation_word(said: str) -> None:
    assert read(said) is None


def test_in_chat_the_words_move_the_head_and_explain_the_turns(tmp_path: Path, photo: Path) -> None:
    script = "\n".join(
        [
            "make it warmer",
            "add a vignette",
            "what did you change?",
            "undo that",
            "redo",
            "start over",
            "compare with the original",
            "go back to the first version and try sepia instead",
            "/quit",
        ]
    )
    out = gouache(tmp_path, "chat", str(photo), stdin=script + "\n").stdout
    assert "v2: warmth +20 %" in out
    assert "v3: vignette 50 %" in out
    assert "back at v2" in out
    assert "forward to v3" in out
    assert "back at the original, v1" in out
    assert "This is the original (v1): nothing to compare yet." in out
    assert "plan: sepia" in out
    assert "v4 in" in out


def test_compare_with_the_original_lists_the_edits_and_writes_both_pictures_side_by_side(
    tmp_path: Path, photo: Path
) -> None:
    script = (
        "make it much brighter\nadd a vignette\nhow does it compare to the original?\n"
        "compare it with the original\n/quit\n"
    )
    out = gouache(tmp_path, "chat", str(photo), stdin=script).stdout
    assert "The original (v1) against now (v3):" in out
    assert "v2: brightness" in out
    assert "v3: vignette" in out
    assert "% of the pixels changed" in out
    assert "wrote photo-v1-vs-v3.png: the original on the left, v3 on the right" in out
    with PILImage.open(tmp_path / "photo-v1-vs-v3.png") as opened:
        picture = np.asarray(opened.convert("L"), dtype=np.float32)
    # the two tiles at the photo's own height (120 px), the brighter one on the right
    tiles = picture[36:156]
    left, right = tiles[:, 16:176], tiles[:, 192:352]
    assert right.mean() > left.mean() + 15  # measured +37 levels
    # asked again, a new file: the first is never overwritten
    assert "wrote photo-v1-vs-v3-2.png" in out


def test_in_edit_a_conversation_word_names_at_and_history_and_makes_nothing(
    tmp_path: Path, photo: Path
) -> None:
    result = gouache(tmp_path, "edit", str(photo), "undo that")
    assert result.returncode == 3
    assert "--at v1" in result.stdout
    assert "gouache history" in result.stdout
    assert "no sessions yet" in gouache(tmp_path, "sessions").stdout


@pytest.mark.parametrize(
    ("said", "named"),
    [
        ("save it as a jpg", "/save photo-edited.jpg"),
        ("convert it to a jpg", "/save photo-edited.jpg"),
        ("turn this into a pdf", "not .pdf: /save photo-edited.png"),
        ("export it as a gif", "not .gif: /save photo-edited.png"),
        ("save it", "/save photo-edited.png"),
        ("export it as a webp pls", "/save photo-edited.webp"),
        ("save it as holiday.jpg", "/save holiday.jpg"),
    ],
)
def test_save_it_in_chat_names_the_save_command_with_a_file_name(
    tmp_path: Path, photo: Path, said: str, named: str
) -> None:
    out = gouache(tmp_path, "chat", str(photo), stdin=f"make it warmer\n{said}\n/quit\n").stdout
    assert named in out
    assert "I did not understand" not in out


def test_save_it_in_edit_names_the_output_flag(tmp_path: Path, photo: Path) -> None:
    result = gouache(tmp_path, "edit", str(photo), "save it as a jpg")
    assert result.returncode == 3
    assert "-o out.jpg" in result.stdout
