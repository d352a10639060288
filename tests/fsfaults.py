"""Real disk faults for tests: a full disk and a read-only folder, made with a private mount
namespace (`unshare -rm`), so the command under test meets the kernel's own ENOSPC or EROFS.

Tests that need them skip where mount namespaces are not allowed.
"""

from __future__ import annotations

import os
import shlex
import shutil
import subprocess
import sys
from collections.abc import Sequence
from functools import cache
from pathlib import Path

import pytest


@cache
def namespaces_work() -> bool:
    if shutil.which("unshare") is None:
        return False
    probe = subprocess.run(
        ["unshare", "-rm", "sh", "-c", "mount -t tmpfs -o size=16k tmpfs /mnt || exit 1"],
        capture_output=True,
        timeout=30,
    )
    return probe.returncode == 0


needs_namespaces = pytest.mark.skipif(
    not sys.platform.startswith("linux") or not namespaces_work(),
    reason="needs unshare -rm (mount namespaces) to make a full or read-only disk",
)


def run_with_full_disk(
    folder: Path, kib: int, command: Sequence[str], **kwargs: object
) -> subprocess.CompletedProcess[str]:
    """Run `command` with `folder` replaced by an empty tmpfs of `kib` KiB."""
    mount = f"mount -t tmpfs -o size={kib}k tmpfs {shlex.quote(str(folder))}"
    return _run(mount, command, **kwargs)


def run_with_read_only(
    folder: Path, command: Sequence[str], **kwargs: object
) -> subprocess.CompletedProcess[str]:
    """Run `command` with `folder` (and what it holds) made read-only."""
    where = shlex.quote(str(folder))
    mount = f"mount --bind {where} {where} && mount -o remount,bind,ro {where} {where}"
    return _run(mount, command, **kwargs)


def _run(mount: str, command: Sequence[str], **kwargs: object) -> subprocess.CompletedProcess[str]:
    script = f"{mount} && exec {' '.join(shlex.quote(c) for c in command)}"
    env = kwargs.pop("env", None) or dict(os.environ)
    return subprocess.run(
        ["unshare", "-rm", "sh", "-c", script],
        capture_output=True,
        text=True,
        timeout=120,
        env=env,  # type: ignore[arg-type]
        **kwargs,  # type: ignore[arg-type]
    )
