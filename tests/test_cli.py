"""The command line, run as a user runs it: a separate process, real files, a real store."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
from PIL import Image as PILImage

from gouache.images import load_image


def gouache(
    home: Path, *args: str, stdin: str | None = None, check: bool = True
) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "GOUACHE_DATA_DIR": str(home / "data")}
    env.pop("GOUACHE_STORE", None)
    result = subprocess.run(
        [sys.executable, "-m", "gouache", *args],
        input=stdin,
        capture_output=True,
        text=True,
        cwd=home,
        env=env,
        timeout=120,
    )
    if check and result.returncode != 0:
        raise AssertionError(f"exit {result.returncode}\n{result.stdout}\n{result.stderr}")
    return result


@pytest.fixture
def photo(tmp_path: Path) -> Path:
    rng = np.random.default_rng(0)
    pixels = rng.integers(40, 200, size=(120, 160, 3), dtype=np.uint8)
    path = tmp_path / "photo.jpg"
    PILImage.fromarray(pixels).save(path, quality=95)
    return path


def test_edit_writes_the_result_and_prints_the_plan(tmp_path: Path, photo: Path) -> None:
    result = gouache(tmp_path, "edit", str(photo), "crop to square and flip it", "-o", "out.png")
    assert "plan:" in result.stdout
    assert "crop" in result.stdout
    assert "flip" in result.stdout
    out = load_image(tmp_path / "out.png")
    assert (out.width, out.height) == (120, 120)


def test_an_impossible_instruction_makes_nothing_and_says_what_can_be_done(
    tmp_path: Path, photo: Path
) -> None:
    result = gouache(tmp_path, "edit", str(photo), "add a dragon", "-o", "out.png", check=False)
    assert result.returncode == 3
    assert "add a dragon" in result.stdout
    assert not (tmp_path / "out.png").exists()
    assert "Traceback" not in result.stderr
    assert "no sessions yet" in gouache(tmp_path, "sessions").stdout


def test_sessions_history_diff_and_export_follow_an_edit(tmp_path: Path, photo: Path) -> None:
    gouache(tmp_path, "edit", str(photo), "make it black and white", "-o", "bw.png")
    listing = gouache(tmp_path, "sessions").stdout
    session_id = listing.splitlines()[1].split()[0]
    history = gouache(tmp_path, "history", session_id).stdout
    assert "black and white" in history
    diff = gouache(tmp_path, "diff", session_id, "v1", "v2").stdout
    assert "instruction" in diff
    gouache(tmp_path, "export", session_id, "v2", "-o", "exported")
    recipe = json.loads((tmp_path / "exported" / "v2.json").read_text())
    assert recipe["instruction"] == "make it black and white"
    exported = load_image(tmp_path / "exported" / "v2.png").pixels
    assert np.array_equal(exported, load_image(tmp_path / "bw.png").pixels)


def test_a_chat_with_undo_branch_and_checkout_keeps_every_version(
    tmp_path: Path, photo: Path
) -> None:
    script = "\n".join(
        [
            "make it warmer",
            "add a vignette",
            "/undo",
            "/branch cool",
            "make it cooler",
            "/checkout main",
            "/history",
            "/save saved.png",
            "/nonsense",
            "/quit",
        ]
    )
    result = gouache(tmp_path, "chat", str(photo), stdin=script + "\n")
    out = result.stdout
    assert "v2 in" in out
    assert "v3 in" in out
    assert "back at v2" in out
    assert "v4 in" in out
    assert "unknown command /nonsense" in out
    assert (tmp_path / "saved.png").exists()
    listing = gouache(tmp_path, "sessions").stdout
    assert listing.splitlines()[1].split()[1] == "4"


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("empty.png", b"", "empty"),
        ("notes.png", b"this is text, not a picture\n", "not an image"),
        ("missing.png", None, "no such file"),
    ],
)
def test_bad_input_gets_one_clear_line_and_a_non_zero_exit(
    tmp_path: Path, name: str, content: bytes | None, message: str
) -> None:
    path = tmp_path / name
    if content is not None:
        path.write_bytes(content)
    result = gouache(tmp_path, "edit", str(path), "flip", check=False)
    assert result.returncode == 1
    assert "Traceback" not in result.stderr
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1
    assert message in lines[0]
    assert name in lines[0]


def test_an_unknown_version_is_a_clear_error(tmp_path: Path, photo: Path) -> None:
    gouache(tmp_path, "edit", str(photo), "flip", "-o", "f.png")
    session_id = gouache(tmp_path, "sessions").stdout.splitlines()[1].split()[0]
    result = gouache(tmp_path, "export", session_id, "v99", check=False)
    assert result.returncode == 1
    assert "no version 'v99'" in result.stderr
    assert "Traceback" not in result.stderr


def test_ops_lists_the_operator_registry(tmp_path: Path) -> None:
    out = gouache(tmp_path, "ops").stdout
    for name in ("crop", "vignette", "caption", "denoise"):
        assert name in out


def test_help_lists_every_command(tmp_path: Path) -> None:
    out = gouache(tmp_path, "--help").stdout
    for command in ("edit", "chat", "sessions", "history", "export", "demo"):
        assert command in out


def test_a_reference_attached_with_ref_is_placed_and_a_bad_one_is_refused(
    tmp_path: Path, photo: Path
) -> None:
    logo = tmp_path / "logo.png"
    PILImage.new("RGB", (40, 20), (200, 30, 30)).save(logo)
    gouache(tmp_path, "edit", str(photo), "add the logo in the top left", "--ref", str(logo))
    out = load_image(tmp_path / "photo-edited.png").pixels.astype(int)
    source = load_image(photo).pixels.astype(int)
    changed = np.abs(out - source).max(axis=2) > 0
    assert changed[:60, :80].any()
    assert not changed[60:, :].any()

    missing = gouache(
        tmp_path, "edit", str(photo), "add the logo", "--ref", "nope.png", check=False
    )
    assert missing.returncode == 1
    assert "nope.png: no such file" in missing.stderr

    too_far = gouache(
        tmp_path, "edit", str(photo), "use the colours of image 5", "--ref", str(logo), check=False
    )
    assert too_far.returncode == 3
    assert "only 2 images" in too_far.stdout


def test_a_question_about_the_picture_is_answered_and_makes_nothing(
    tmp_path: Path, photo: Path
) -> None:
    # noise has no face; the astronaut has one: the answer counts them, it does not echo
    result = gouache(tmp_path, "edit", str(photo), "how many faces are there?")
    assert result.stdout.strip() == "I can't find any face in this picture."
    from skimage import data

    astronaut = tmp_path / "astronaut.png"
    PILImage.fromarray(data.astronaut()).save(astronaut)
    counted = gouache(tmp_path, "edit", str(astronaut), "how many faces are there?")
    assert counted.stdout.strip() == "I can see 1 face."
    assert "no sessions yet" in gouache(tmp_path, "sessions").stdout


def test_chat_follows_a_character_and_history_draws_the_identity_curve(tmp_path: Path) -> None:
    from benchmarks.calibration import sample_people

    portrait = tmp_path / "ana.png"
    PILImage.fromarray(sample_people()["astronaut"]).save(portrait)
    script = "make it warmer\n/history\n/character Bo nope.png\n/quit\n"
    out = gouache(
        tmp_path, "chat", str(portrait), "--character", f"Ana={portrait}", stdin=script
    ).stdout
    assert "following Ana" in out
    assert "Ana: v1 1.00  v2 0." in out
    assert "nope.png: no such file" in out


def test_an_unreachable_llm_planner_falls_back_to_the_rules_and_says_so(
    tmp_path: Path, photo: Path
) -> None:
    import socket

    closed = socket.socket()
    closed.bind(("127.0.0.1", 0))
    port = closed.getsockname()[1]
    closed.close()
    result = gouache(
        tmp_path,
        "--llm",
        f"http://127.0.0.1:{port}/v1",
        "edit",
        str(photo),
        "flip it",
        "-o",
        "flipped.png",
    )
    assert "LLM planner failed" in result.stdout
    assert "used the rule planner" in result.stdout
    assert (tmp_path / "flipped.png").exists()


def test_edit_plans_the_instruction_once(
    tmp_path: Path, photo: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from gouache.cli import main
    from gouache.planner.rules import RulePlanner

    planned: list[str] = []
    real = RulePlanner.plan

    def counted(self: RulePlanner, instruction: str, context: object = None) -> object:
        planned.append(instruction)
        return real(self, instruction, context)  # type: ignore[arg-type]

    monkeypatch.setattr(RulePlanner, "plan", counted)
    out = tmp_path / "out.png"
    code = main(
        ["--data-dir", str(tmp_path / "data"), "edit", str(photo), "flip it", "-o", str(out)]
    )
    assert code == 0
    assert planned == ["flip it"]
    assert out.exists()


@pytest.mark.parametrize("backend", ["operators", "invert"])
def test_a_refused_instruction_leaves_no_session_behind_on_any_backend(
    tmp_path: Path,
    photo: Path,
    plugin_on_path: Path,
    backend: str,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    paths = [str(plugin_on_path), os.environ.get("PYTHONPATH", "")]
    monkeypatch.setenv("PYTHONPATH", os.pathsep.join(paths))
    # the rule planner cannot map a dragon; a backend that takes words gets no words
    words = "add a dragon" if backend == "operators" else " "
    result = gouache(tmp_path, "--backend", backend, "edit", str(photo), words, check=False)
    assert result.returncode == 3, result.stderr
    assert "Traceback" not in result.stderr
    assert "no sessions yet" in gouache(tmp_path, "sessions").stdout


@pytest.mark.parametrize(
    ("words", "offered"),
    [
        ("straighten it", "rotate 2 degrees clockwise"),  # no line to level by in noise
        ("dehaze it", "add clarity; increase the contrast"),  # haze is told from colours
        ("remove the haze", "add clarity; increase the contrast"),
    ],
)
def test_an_edit_the_picture_does_not_allow_is_refused_like_any_other_refusal(
    tmp_path: Path, words: str, offered: str
) -> None:
    grey = np.random.default_rng(0).integers(40, 200, size=(120, 160), dtype=np.uint8)
    PILImage.fromarray(grey).save(tmp_path / "grey.png")
    # the operator's refusal was printed as "gouache: error: ...", exit 1, like a failure
    result = gouache(tmp_path, "edit", "grey.png", words, "-o", "out.png", check=False)
    assert result.returncode == 3
    assert "error" not in result.stderr
    assert "Nothing was changed." in result.stdout
    assert f"Closest edits I can do: {offered}" in result.stdout
    assert not (tmp_path / "out.png").exists()
    assert "no sessions yet" in gouache(tmp_path, "sessions").stdout


def test_chat_refuses_an_edit_the_picture_does_not_allow_and_goes_on(
    tmp_path: Path, photo: Path
) -> None:
    result = gouache(tmp_path, "chat", str(photo), stdin="straighten it\nflip it\n")
    assert "error" not in result.stdout
    assert "Closest edits I can do: rotate 2 degrees clockwise" in result.stdout
    assert "plan: flip" in result.stdout
