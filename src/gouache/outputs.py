"""Writing a user's output files (`edit -o`, `/save`, `export`): whole or not at all.

A file is written to a temporary name in the target folder, flushed to disk, then linked to
its name, so a full disk or a crash leaves no partial file. An existing file is never replaced
without `force`, a symbolic link is never written through, and a folder is never taken for a
file. Every failure is one line naming the path.
"""

from __future__ import annotations

import errno
import os
import secrets
import stat
from contextlib import suppress
from pathlib import Path

from gouache.errors import InputError, OutputExistsError, WriteError
from gouache.usertext import printable

_REASONS = {
    errno.ENOSPC: "the disk is full",
    errno.EDQUOT: "the disk quota is spent",
    errno.EROFS: "the file system is read-only",
    errno.EACCES: "permission denied",
    errno.EPERM: "permission denied",
    errno.EFBIG: "the file is too large for this file system or limit",
    errno.ENAMETOOLONG: "the name is too long",
    errno.ENOTDIR: "a part of the path is not a folder",
}


def shown(path: Path | str) -> str:
    """A path as it can be printed on one line."""
    return printable(str(path), newlines=False)


def reason(err: OSError) -> str:
    """A short reason for an OSError, in words."""
    if err.errno in _REASONS:
        return _REASONS[err.errno]
    return err.strerror or type(err).__name__


def check_target(path: str | os.PathLike[str], *, force: bool = False) -> Path:
    """`path` if a file may be written there; otherwise the error that says why not."""
    target = Path(path)
    if target.name in ("", ".", ".."):
        raise InputError(f"{shown(target)} is not a file name")
    try:
        info = target.lstat()
    except FileNotFoundError:
        return target
    except OSError as err:
        raise WriteError(f"cannot write {shown(target)}: {reason(err)}", path=str(target)) from None
    if stat.S_ISLNK(info.st_mode):
        raise OutputExistsError(
            f"{shown(target)} is a symbolic link; gouache does not write through links "
            "(remove it or choose another name)",
            path=str(target),
        )
    if stat.S_ISDIR(info.st_mode):
        raise InputError(f"{shown(target)} is a folder; give a file name inside it")
    if not force:
        raise OutputExistsError(f"{shown(target)} exists; --force replaces it", path=str(target))
    return target


def write_file(
    path: str | os.PathLike[str], data: bytes, *, force: bool = False, mode: int = 0o666
) -> Path:
    """Write `data` to `path` atomically; the folder is made if it is missing. The file gets
    `mode` less the umask from its first byte on (0o600: a private key is never readable by
    others, not even while it is written).

    OutputExistsError when the file exists (without `force`) or is a link, InputError when
    it is a folder, WriteError when the disk refuses (full, read-only, no permission).
    """
    target = check_target(path, force=force)
    folder = target.parent
    where = shown(target)
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError as err:
        raise WriteError(
            f"cannot make the folder {shown(folder)} for {where}: {reason(err)}", path=str(target)
        ) from None
    tmp = folder / f".tmp-gouache-{secrets.token_hex(6)}{target.suffix}"
    try:
        # O_EXCL: never open something that appeared under the temporary name; mode & ~umask
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_NOFOLLOW, mode)
        try:
            view = memoryview(data)
            while view:
                view = view[os.write(fd, view) :]
            os.fsync(fd)
        finally:
            os.close(fd)
        _publish(tmp, target, force=force)
    except OutputExistsError:
        raise
    except OSError as err:
        raise WriteError(f"cannot write {where}: {reason(err)}", path=str(target)) from None
    finally:
        with suppress(OSError):  # gone after the link or rename; never made on a read-only disk
            tmp.unlink()
    fsync_dir(folder)
    return target


def _publish(tmp: Path, target: Path, *, force: bool) -> None:
    """Give the written file its name: replace only with `force`, else fail if it exists."""
    if force:
        check_target(target, force=True)  # still no link or folder
        os.replace(tmp, target)
        return
    try:
        os.link(tmp, target)  # fails if the name was taken meanwhile, unlike a rename
    except FileExistsError:
        raise OutputExistsError(f"{shown(target)} exists; --force replaces it") from None
    except OSError as err:
        if err.errno not in (errno.EPERM, errno.ENOTSUP, errno.EXDEV, errno.EMLINK):
            raise
        check_target(target)  # a file system without hard links: check, then rename
        os.replace(tmp, target)


def free_name(path: Path) -> Path:
    """`path`, or the first of path-2, path-3, ... that does not exist (a default name)."""
    candidate, n = path, 1
    while candidate.exists() or candidate.is_symlink():
        n += 1
        candidate = path.with_name(f"{path.stem}-{n}{path.suffix}")
    return candidate


def fsync_dir(path: Path) -> None:
    """Make a rename in `path` durable (where the file system allows a folder handle)."""
    try:
        fd = os.open(path, os.O_RDONLY)
    except OSError:  # pragma: no cover - some file systems refuse folder handles
        return
    try:
        os.fsync(fd)
    except OSError:  # pragma: no cover
        pass
    finally:
        os.close(fd)
