"""Output files (`edit -o`, `/save`, `export`): whole or absent, never replaced without force,
never written through a link."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

from fsfaults import needs_namespaces, run_with_full_disk, run_with_read_only
from gouache.errors import InputError, OutputExistsError, WriteError
from gouache.outputs import free_name, write_file


def test_a_new_file_is_written_and_its_missing_folder_made(tmp_path: Path) -> None:
    target = tmp_path / "new" / "deeper" / "out.png"
    write_file(target, b"pixels")
    assert target.read_bytes() == b"pixels"
    assert sorted(p.name for p in target.parent.iterdir()) == ["out.png"]


def test_an_existing_file_is_kept_and_named_without_force(tmp_path: Path) -> None:
    target = tmp_path / "out.png"
    target.write_bytes(b"mine")
    with pytest.raises(OutputExistsError, match=r"out\.png exists; --force replaces it"):
        write_file(target, b"theirs")
    assert target.read_bytes() == b"mine"


def test_force_replaces_an_existing_file(tmp_path: Path) -> None:
    target = tmp_path / "out.png"
    target.write_bytes(b"old")
    write_file(target, b"new", force=True)
    assert target.read_bytes() == b"new"


def test_a_private_file_is_private_from_its_first_byte_and_after_a_replacement(
    tmp_path: Path,
) -> None:
    target = tmp_path / "key.pem"
    write_file(target, b"secret", mode=0o600)
    assert target.stat().st_mode & 0o777 == 0o600
    target.chmod(0o644)
    write_file(target, b"new secret", force=True, mode=0o600)
    assert target.stat().st_mode & 0o777 == 0o600
    assert target.read_bytes() == b"new secret"


def test_a_symbolic_link_is_never_written_through_even_with_force(tmp_path: Path) -> None:
    victim = tmp_path / "victim.txt"
    victim.write_bytes(b"precious")
    link = tmp_path / "out.png"
    link.symlink_to(victim)
    for force in (False, True):
        with pytest.raises(OutputExistsError, match=r"symbolic link"):
            write_file(link, b"x", force=force)
    assert victim.read_bytes() == b"precious"
    assert link.is_symlink()


def test_a_dangling_link_is_not_followed_to_create_its_target(tmp_path: Path) -> None:
    link = tmp_path / "out.png"
    link.symlink_to(tmp_path / "elsewhere.png")
    with pytest.raises(OutputExistsError, match=r"symbolic link"):
        write_file(link, b"x")
    assert not (tmp_path / "elsewhere.png").exists()


def test_a_folder_is_not_taken_for_a_file(tmp_path: Path) -> None:
    with pytest.raises(InputError, match=r"is a folder; give a file name inside it"):
        write_file(tmp_path, b"x")


def test_a_path_through_a_file_is_a_write_error(tmp_path: Path) -> None:
    (tmp_path / "plain").write_bytes(b"")
    with pytest.raises(WriteError, match=r"cannot (write|make the folder)"):
        write_file(tmp_path / "plain" / "out.png", b"x")


def test_free_name_counts_up_past_names_that_are_taken(tmp_path: Path) -> None:
    (tmp_path / "a-edited.png").write_bytes(b"")
    (tmp_path / "a-edited-2.png").write_bytes(b"")
    assert free_name(tmp_path / "a-edited.png") == tmp_path / "a-edited-3.png"
    assert free_name(tmp_path / "b.png") == tmp_path / "b.png"


# Runs inside the namespace, where the fault is: tries the write, then lists the folder.
TRY_WRITE = """
import sys
from pathlib import Path
from gouache.errors import WriteError
from gouache.outputs import write_file
target = Path(sys.argv[1])
try:
    write_file(target, b"x" * int(sys.argv[2]))
    print("written")
except WriteError as err:
    print("error:", err.message)
print("left:", sorted(p.name for p in target.parent.iterdir()))
"""


@needs_namespaces
def test_a_full_disk_leaves_no_partial_file_and_says_so(tmp_path: Path) -> None:
    disk = tmp_path / "disk"
    disk.mkdir()
    command = [sys.executable, "-c", TRY_WRITE, str(disk / "out.png"), "200000"]
    result = run_with_full_disk(disk, 64, command)
    assert result.returncode == 0, result.stderr
    assert "error: cannot write" in result.stdout
    assert "the disk is full" in result.stdout
    assert "left: []" in result.stdout  # no 0-byte or partial file, no temporary file


@needs_namespaces
def test_a_read_only_folder_is_a_write_error(tmp_path: Path) -> None:
    folder = tmp_path / "ro"
    folder.mkdir()
    command = [sys.executable, "-c", TRY_WRITE, str(folder / "out.png"), "10"]
    result = run_with_read_only(folder, command)
    assert result.returncode == 0, result.stderr
    assert "the file system is read-only" in result.stdout
    assert "left: []" in result.stdout
