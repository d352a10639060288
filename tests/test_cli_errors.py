"""Every failure a user can cause at the command line ends in one line and a non-zero exit,
never a traceback; chat reports it and goes on. Run as a user runs it: a separate process."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
from PIL import Image as PILImage

from bad_inputs import tiff_whose_second_frame_has_no_size
from fsfaults import needs_namespaces, run_with_full_disk, run_with_read_only


def env_for(home: Path) -> dict[str, str]:
    env = {**os.environ, "GOUACHE_DATA_DIR": str(home / "data")}
    env.pop("GOUACHE_STORE", None)
    env.pop("GOUACHE_DEBUG", None)
    return env


def command(*args: str | bytes) -> list[str | bytes]:
    return [sys.executable, "-m", "gouache", *args]


def gouache(
    home: Path, *args: str | bytes, stdin: bytes | None = None
) -> subprocess.CompletedProcess[bytes]:
    return subprocess.run(
        command(*args), input=stdin, capture_output=True, cwd=home, env=env_for(home), timeout=120
    )


def one_line_error(result: subprocess.CompletedProcess[bytes], *words: str) -> str:
    """The single error line of a failed run, checked: no traceback, every word in it."""
    err = result.stderr.decode("utf-8")
    assert result.returncode not in (0, 70), (result.returncode, err)
    assert "Traceback" not in err, err
    lines = [line for line in err.splitlines() if line.strip()]
    assert len(lines) == 1, err
    for word in words:
        assert word in lines[0], lines[0]
    return lines[0]


@pytest.fixture
def photo(tmp_path: Path) -> Path:
    rng = np.random.default_rng(0)
    path = tmp_path / "ok.png"
    PILImage.fromarray(rng.integers(40, 200, (40, 50, 3), dtype=np.uint8)).save(path)
    return path


# --- text that is not UTF-8, or not text ------------------------------------------------------


def test_an_instruction_that_is_not_utf8_is_one_line(tmp_path: Path, photo: Path) -> None:
    result = gouache(tmp_path, "edit", str(photo), b"make it warmer \xe9")
    one_line_error(result, "the instruction is not valid UTF-8")


@pytest.mark.parametrize("args", [["history", b"\xe9"], ["edit", "--session", b"\xe9", "flip"]])
def test_a_session_name_that_is_not_utf8_is_one_line(tmp_path: Path, args: list[str]) -> None:
    one_line_error(gouache(tmp_path, *args), "the session is not valid UTF-8")


def test_a_store_path_that_is_not_utf8_is_one_line(tmp_path: Path) -> None:
    result = gouache(tmp_path, "--store", os.fsencode(str(tmp_path)) + b"/\xe9.db", "sessions")
    one_line_error(result, "setting store", "not valid UTF-8")


def test_an_image_whose_name_is_not_utf8_loads_and_names_its_session(
    tmp_path: Path, photo: Path
) -> None:
    odd = os.fsencode(str(tmp_path)) + b"/x\xe9.png"
    Path(os.fsdecode(odd)).write_bytes(photo.read_bytes())
    result = gouache(tmp_path, "edit", odd, "flip it", "-o", "out.png")
    assert result.returncode == 0, result.stderr
    listed = gouache(tmp_path, "sessions").stdout.decode("utf-8")
    assert "x\ufffd.png" in listed


@pytest.mark.parametrize(
    "name",
    [pytest.param("two\nlines.png", id="newline"), pytest.param("n" * 240 + ".png", id="long")],
)
def test_an_image_with_a_newline_or_a_long_name_loads(
    tmp_path: Path, photo: Path, name: str
) -> None:
    odd = tmp_path / name
    odd.write_bytes(photo.read_bytes())
    result = gouache(tmp_path, "edit", str(odd), "flip it", "-o", "out.png")
    assert result.returncode == 0, result.stderr
    listed = gouache(tmp_path, "sessions").stdout.decode("utf-8").splitlines()
    assert len(listed) == 2  # the header and one session on one line


def test_chat_reports_a_line_that_is_not_utf8_or_holds_nul_and_goes_on(
    tmp_path: Path, photo: Path
) -> None:
    lines = b"\xe9\xff what\nmake\x00 it warmer\nflip it\n/quit\n"
    result = gouache(tmp_path, "chat", str(photo), stdin=lines)
    out = result.stdout.decode("utf-8")
    assert result.returncode == 0, result.stderr
    assert "error: the instruction is not valid UTF-8" in out
    assert "error: the instruction contains a NUL character" in out
    assert "v2 in" in out  # the turn after the errors ran


def test_terminal_control_characters_are_echoed_escaped(tmp_path: Path, photo: Path) -> None:
    result = gouache(tmp_path, "edit", str(photo), "make it \x1b[31mred\x07 wow")
    out = result.stdout.decode("utf-8")
    assert "\x1b" not in out
    assert "\x07" not in out
    assert "\\x1b[31mred\\x07" in out


def test_a_private_use_placeholder_forged_in_an_instruction_is_read_as_text(
    tmp_path: Path, photo: Path
) -> None:
    result = gouache(tmp_path, "edit", str(photo), 'add the caption "\ue0009\ue001"')
    assert result.returncode == 0, result.stderr
    assert b"Traceback" not in result.stderr


def test_an_instruction_over_the_length_limit_is_one_line(tmp_path: Path, photo: Path) -> None:
    result = gouache(tmp_path, "edit", str(photo), "make it warmer " * 1000)
    one_line_error(result, "15,000 characters", "at most 4,000")


# --- images Pillow cannot read ----------------------------------------------------------------


def test_a_tiff_whose_second_frame_has_no_size_is_one_line(tmp_path: Path) -> None:
    bad = tmp_path / "two.tif"
    bad.write_bytes(tiff_whose_second_frame_has_no_size())
    one_line_error(gouache(tmp_path, "edit", str(bad), "flip it"), "two.tif", "corrupt TIFF")


# --- where results are written -----------------------------------------------------------------


def test_edit_into_a_folder_is_one_line(tmp_path: Path, photo: Path) -> None:
    result = gouache(tmp_path, "edit", str(photo), "flip it", "-o", str(tmp_path))
    one_line_error(result, "is a folder")


def test_edit_into_a_missing_folder_makes_it(tmp_path: Path, photo: Path) -> None:
    result = gouache(tmp_path, "edit", str(photo), "flip it", "-o", "new/out.png")
    assert result.returncode == 0, result.stderr
    assert (tmp_path / "new" / "out.png").is_file()


def test_edit_never_replaces_a_file_without_force(tmp_path: Path, photo: Path) -> None:
    (tmp_path / "out.png").write_bytes(b"mine")
    result = gouache(tmp_path, "edit", str(photo), "flip it", "-o", "out.png")
    one_line_error(result, "out.png exists; --force replaces it")
    assert (tmp_path / "out.png").read_bytes() == b"mine"
    assert "no sessions yet" in gouache(tmp_path, "sessions").stdout.decode()  # nothing done
    forced = gouache(tmp_path, "edit", str(photo), "flip it", "-o", "out.png", "--force")
    assert forced.returncode == 0, forced.stderr
    assert (tmp_path / "out.png").read_bytes() != b"mine"


def test_the_default_output_name_never_replaces_an_earlier_result(
    tmp_path: Path, photo: Path
) -> None:
    for _ in range(2):
        assert gouache(tmp_path, "edit", str(photo), "flip it").returncode == 0
    assert (tmp_path / "ok-edited.png").is_file()
    assert (tmp_path / "ok-edited-2.png").is_file()


def test_chat_save_into_a_missing_folder_and_over_a_file(tmp_path: Path, photo: Path) -> None:
    lines = b"/save sub/a.png\n/save sub/a.png\n/save --force sub/a.png\n/quit\n"
    out = gouache(tmp_path, "chat", str(photo), stdin=lines).stdout.decode()
    assert out.count("wrote sub/a.png") == 2
    assert "error: sub/a.png exists; --force replaces it" in out


def test_export_refuses_to_replace_and_names_the_file(tmp_path: Path, photo: Path) -> None:
    gouache(tmp_path, "edit", str(photo), "flip it", "-o", "out.png")
    session = gouache(tmp_path, "sessions").stdout.decode().splitlines()[1].split()[0]
    assert gouache(tmp_path, "export", session, "v2", "-o", "exp").returncode == 0
    one_line_error(gouache(tmp_path, "export", session, "v2", "-o", "exp"), "v2.png exists")
    assert gouache(tmp_path, "export", session, "v2", "-o", "exp", "--force").returncode == 0


def test_an_in_memory_store_is_refused_for_the_command_line(tmp_path: Path, photo: Path) -> None:
    result = gouache(tmp_path, "--store", "sqlite:///", "edit", str(photo), "flip it")
    one_line_error(result, "keeps sessions in memory")


def test_a_closed_pipe_ends_quietly(tmp_path: Path, photo: Path) -> None:
    gouache(tmp_path, "edit", str(photo), "flip it", "-o", "out.png")
    proc = subprocess.Popen(
        command("sessions"),
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        cwd=tmp_path,
        env=env_for(tmp_path),
    )
    assert proc.stdout is not None
    assert proc.stderr is not None
    proc.stdout.close()  # the reader is gone before anything was written, as with `| head`
    err = proc.stderr.read()
    assert proc.wait(timeout=60) == 141
    assert err == b""


@needs_namespaces
def test_export_onto_a_full_disk_leaves_no_empty_file(tmp_path: Path, photo: Path) -> None:
    gouache(tmp_path, "edit", str(photo), "flip it", "-o", "out.png")
    session = gouache(tmp_path, "sessions").stdout.decode().splitlines()[1].split()[0]
    disk = tmp_path / "disk"
    disk.mkdir()
    script = f"{sys.executable} -m gouache export {session} v2 -o {disk}; echo rc=$?; ls -A {disk}"
    result = run_with_full_disk(disk, 4, ["sh", "-c", script], env=env_for(tmp_path))
    assert "the disk is full" in result.stderr
    assert "Traceback" not in result.stderr
    assert result.stdout.strip() == "rc=1"  # and `ls` listed nothing: no 0-byte file


@needs_namespaces
def test_read_only_commands_work_on_a_read_only_store(tmp_path: Path, photo: Path) -> None:
    gouache(tmp_path, "edit", str(photo), "flip it", "-o", "out.png")
    session = gouache(tmp_path, "sessions").stdout.decode().splitlines()[1].split()[0]
    out = tmp_path / "out"
    out.mkdir()
    g = f"{sys.executable} -m gouache"
    script = (
        f"{g} sessions && {g} history {session} && {g} export {session} v2 -o {out} && "
        f"{g} edit --session {session} 'flip it' -o {out}/x.png; echo rc=$?"
    )
    result = run_with_read_only(tmp_path / "data", ["sh", "-c", script], env=env_for(tmp_path))
    assert "ok.png" in result.stdout
    assert "wrote" in result.stdout
    assert "Traceback" not in result.stderr
    assert "rc=1" in result.stdout  # a turn needs to write: refused in one line
    assert len(result.stderr.strip().splitlines()) == 1, result.stderr


@needs_namespaces
def test_check_with_a_read_only_analysis_cache_still_scores(tmp_path: Path, photo: Path) -> None:
    data = tmp_path / "data"
    data.mkdir()
    guide = tmp_path / "g.yaml"
    guide.write_text("name: t\ncriteria:\n  forbidden:\n    words: [free]\n")
    script = f"{sys.executable} -m gouache check {photo} --guidelines {guide}; echo rc=$?"
    result = run_with_read_only(data, ["sh", "-c", script], env=env_for(tmp_path))
    assert "Traceback" not in result.stderr, result.stderr
    assert "forbidden" in result.stdout  # scored: OCR ran, its cache simply not kept
    assert "rc=0" in result.stdout


def test_running_out_of_memory_is_one_line(tmp_path: Path, photo: Path) -> None:
    import resource

    big = tmp_path / "big.png"
    PILImage.new("RGB", (8000, 5000), (120, 80, 60)).save(big)  # 40 MP, a small file

    def limit_memory() -> None:  # room for the imports, not for 40 MP of pixels
        resource.setrlimit(resource.RLIMIT_AS, (700 * 1024**2, 700 * 1024**2))

    result = subprocess.run(
        command("edit", str(big), "flip it"),
        capture_output=True,
        cwd=tmp_path,
        env=env_for(tmp_path),
        timeout=120,
        preexec_fn=limit_memory,
    )
    one_line_error(result, "not enough memory")


def test_a_usage_error_quotes_the_argument_escaped(tmp_path: Path) -> None:
    result = gouache(tmp_path, "edit", "a.png", "flip", "--x\x1b[2J")
    err = result.stderr.decode("utf-8")
    assert result.returncode == 2
    assert "\x1b" not in err
    assert "--x\\x1b[2J" in err


@pytest.mark.parametrize("quality", ["101", "0", "high"])
def test_a_bad_quality_is_refused_before_any_work(
    tmp_path: Path, photo: Path, quality: str
) -> None:
    result = gouache(tmp_path, "edit", str(photo), "flip it", "-o", "out.jpg", "--quality", quality)
    err = result.stderr.decode("utf-8")
    assert result.returncode == 2, err
    assert "Traceback" not in err
    assert "quality is" in err.splitlines()[-1]
    assert not (tmp_path / "out.jpg").exists()
    assert "no sessions yet" in gouache(tmp_path, "sessions").stdout.decode()  # no turn was run
