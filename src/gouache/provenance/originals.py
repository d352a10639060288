"""Imported files that carry a C2PA manifest, kept whole beside the blobs.

A session's root is stored as pixels, which drops the file's manifest. When `gouache import`
reads a valid manifest, the file itself is kept here (content-addressed, written once), and a
later signed export names it as the root's source ingredient: the chain goes on across
sessions and machines instead of starting again at the import.
"""

from __future__ import annotations

import hashlib
from collections.abc import Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Any

from gouache.provenance.metadata import EXTENSIONS, Format, format_of, parse_format

if TYPE_CHECKING:
    from gouache.images import BlobStore
    from gouache.sessions.versions import Version


def originals_dir(blobs: BlobStore) -> Path:
    return blobs.root.parent / "originals"


def keep(blobs: BlobStore, data: bytes) -> dict[str, str]:
    """Store `data` (a PNG, JPEG or WebP file) once; what the root's origin records."""
    from gouache.outputs import write_file

    fmt = format_of(data)
    if fmt is None:
        raise ValueError("only PNG, JPEG and WebP files are kept")
    digest = hashlib.sha256(data).hexdigest()
    path = originals_dir(blobs) / f"{digest}{EXTENSIONS[fmt]}"
    if not path.exists():
        write_file(path, data)
    return {"sha256": digest, "format": fmt}


def source_of(blobs: BlobStore, version: Version) -> tuple[bytes, Format, str] | None:
    """The kept original a root version was imported from: its bytes, format and file name;
    None when there is none, or it is gone or no longer matches its hash."""
    origin = version.params.get("origin")
    if not isinstance(origin, Mapping):
        return None
    kept: Any = origin.get("original")
    if not isinstance(kept, Mapping):
        return None
    try:
        fmt = parse_format(str(kept.get("format", "")))
        digest = str(kept.get("sha256", ""))
        data = (originals_dir(blobs) / f"{digest}{EXTENSIONS[fmt]}").read_bytes()
    except (ValueError, OSError):
        return None
    if hashlib.sha256(data).hexdigest() != digest:
        return None
    return data, fmt, str(origin.get("file") or "original")
