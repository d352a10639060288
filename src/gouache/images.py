"""Loading, validating and normalising images, and the content-addressed blob store.

In memory an image is a numpy array of uint8, shape (height, width, 3) for RGB or
(height, width, 4) for RGBA. Everything that enters gouache goes through `load_image`,
which checks the pixel count from the header before any decoding.
"""

from __future__ import annotations

import fcntl
import hashlib
import io
import os
import re
import stat
import struct
import sys
import tempfile
import time
import warnings
import zlib
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager, suppress
from dataclasses import dataclass, field
from pathlib import Path
from typing import TypeAlias

import numpy as np
import numpy.typing as npt
from PIL import Image as PILImage
from PIL import ImageOps, UnidentifiedImageError

from gouache.errors import ImageTooLargeError, InvalidImageError, StoreError
from gouache.outputs import fsync_dir
from gouache.settings import DEFAULT_MAX_PIXELS
from gouache.usertext import printable

Image: TypeAlias = npt.NDArray[np.uint8]

# Formats we decode; anything else Pillow could open is refused with a clear message.
READABLE_FORMATS = frozenset({"PNG", "JPEG", "MPO", "WEBP", "TIFF", "BMP", "GIF"})

_PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"
_TIFF_SIGNATURES = (b"II*\x00", b"MM\x00*", b"II+\x00", b"MM\x00+")

# Bytes of metadata a file may carry beyond its pixels (ICC profiles, EXIF, XMP, thumbnails).
_METADATA_BYTES = 64 * 1024 * 1024
# The first bytes read, where PNG, JPEG, GIF, BMP and WebP keep their size.
_HEADER_BYTES = 64 * 1024

# EXIF orientations that move pixels (1 is "as stored"; other values are invalid and ignored).
_TRANSPOSING_ORIENTATIONS = frozenset(range(2, 9))

# Grey modes wider than 8 bits, scaled down by `_normalise`.
_WIDE_MODES = frozenset({"I;16", "I;16B", "I;16L", "I;16N", "I", "F"})


@dataclass(frozen=True)
class LoadedImage:
    """A decoded image and what was done to it on the way in."""

    pixels: Image
    format: str
    name: str
    notes: tuple[str, ...] = field(default=())

    @property
    def width(self) -> int:
        return int(self.pixels.shape[1])

    @property
    def height(self) -> int:
        return int(self.pixels.shape[0])


def load_image(
    source: str | os.PathLike[str] | bytes,
    *,
    max_pixels: int = DEFAULT_MAX_PIXELS,
    name: str | None = None,
) -> LoadedImage:
    """Load an image from a path or bytes as RGB or RGBA uint8.

    Raises InvalidImageError for anything that is not a readable image (empty, truncated,
    corrupt, damaged, a folder, a format gouache does not take) and ImageTooLargeError when
    the header announces more than `max_pixels` pixels or the file is larger than such an
    image can be. Every message names the file: its path, or `name` when given.
    """
    if max_pixels < 1:
        raise ValueError(f"max_pixels must be at least 1, not {max_pixels}")

    # 1. read the bytes, with a name for every message; a file larger than any image within
    #    the limit could be is refused before it is read whole
    data, label = _read_source(source, name, max_pixels)
    notes: list[str] = []

    # 2. check that the file is whole: Pillow accepts some cut, padded or damaged files, and
    #    refuses a whole PNG for one ancillary chunk's CRC, so PNG chunks are walked first
    if data.startswith(_PNG_SIGNATURE):
        data = _check_complete(data, "PNG", label, notes)
    with _c_stderr_to(notes, data[:4] in _TIFF_SIGNATURES):
        im = _open_header(data, label, max_pixels)
    fmt = im.format or "unknown"
    if fmt != "PNG":
        data = _check_complete(data, fmt, label, notes)

    # 3. decode the first frame, apply the EXIF orientation, bring the mode to RGB or RGBA;
    #    every exception or warning Pillow raises on the way is mapped in `_decoding`
    with _decoding(label, fmt, max_pixels, notes), _c_stderr_to(notes, fmt == "TIFF"):
        frames = int(getattr(im, "n_frames", 1))
        im.load()
        orientation = _orientation(im)
        if orientation in _TRANSPOSING_ORIENTATIONS:
            im = ImageOps.exif_transpose(im)
        array, note = _normalise(im)
    if frames > 1:
        notes.insert(0, f"{fmt} with {frames} frames: the first frame was used")
    if orientation in _TRANSPOSING_ORIENTATIONS:
        notes.append(f"EXIF orientation {orientation} applied")
    if note:
        notes.append(note)
    return LoadedImage(pixels=array, format=fmt, name=label, notes=tuple(notes))


def _supported() -> str:
    return ", ".join(sorted(READABLE_FORMATS - {"MPO"}))


def max_file_bytes(max_pixels: int) -> int:
    """The largest file an image of `max_pixels` can need: 8 bytes a pixel (16-bit RGBA,
    uncompressed) and 64 MiB of metadata."""
    return max_pixels * 8 + _METADATA_BYTES


@contextmanager
def _decoding(label: str, fmt: str, max_pixels: int, notes: list[str]) -> Iterator[None]:
    """The one place where what Pillow raises or warns while decoding becomes our error.

    A decoder reading untrusted bytes can raise almost anything (OSError, SyntaxError,
    TypeError from a TIFF frame without dimensions, KeyError, ZeroDivisionError...): each is
    a property of the file, so each becomes InvalidImageError naming it. Warnings never
    reach the terminal: they become notes on the image.
    """
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        try:
            yield
        except PILImage.DecompressionBombError as err:
            raise _too_large_from_pillow(err, label, max_pixels) from None
        except MemoryError:
            raise ImageTooLargeError(
                f"{label}: not enough memory to decode this {fmt} image", path=label
            ) from None
        except Exception as err:  # any decoder failure is the file's: see the docstring
            detail = printable(str(err), newlines=False) or type(err).__name__
            raise InvalidImageError(
                f"{label}: truncated or corrupt {fmt} image ({detail})", path=label
            ) from None
    for warning in caught:
        if issubclass(warning.category, PILImage.DecompressionBombWarning):
            continue
        notes.append(f"{fmt} decoder: {printable(str(warning.message), newlines=False)}")


@contextmanager
def _c_stderr_to(notes: list[str], active: bool) -> Iterator[None]:
    """While active, what C libraries write to file descriptor 2 (libtiff's warnings and
    errors: "Using code not yet in table", ...) goes into `notes` instead of the terminal.

    A temporary file rather than a pipe, so a chatty decoder can never block on it.
    """
    if not active:
        yield
        return
    sys.stderr.flush()
    saved = os.dup(2)
    with tempfile.TemporaryFile() as sink:
        os.dup2(sink.fileno(), 2)
        try:
            yield
        finally:
            os.dup2(saved, 2)
            os.close(saved)
            sink.seek(0)
            said = sink.read(4096).decode("utf-8", "replace").splitlines()
            lines = list(dict.fromkeys(line.strip() for line in said if line.strip()))
            notes.extend(f"libtiff: {printable(line, newlines=False)}" for line in lines[:3])


def _read_source(
    source: str | os.PathLike[str] | bytes, name: str | None, max_pixels: int
) -> tuple[bytes, str]:
    """The file's bytes and the label every message uses."""
    limit = max_file_bytes(max_pixels)
    if isinstance(source, (bytes, bytearray, memoryview)):
        data, label = bytes(source), printable(name or "<bytes>", newlines=False)
        if len(data) > limit:
            raise _too_many_bytes(label, len(data), limit)
    elif isinstance(source, (str, os.PathLike)):
        path = Path(source)
        label = printable(name or str(path), newlines=False)
        try:
            info = path.stat()
            if stat.S_ISDIR(info.st_mode):
                raise InvalidImageError(f"{label}: is a folder, not an image", path=label)
            if not stat.S_ISREG(info.st_mode):
                # a FIFO or a device (/dev/zero) would block or never end
                raise InvalidImageError(f"{label}: not a regular file", path=label)
            if info.st_size > limit:
                raise _too_many_bytes(label, info.st_size, limit)
            data = _read_bounded(path, info.st_size, label, max_pixels)
        except FileNotFoundError:
            raise InvalidImageError(f"{label}: no such file", path=label) from None
        except OSError as err:
            reason = err.strerror or str(err)
            raise InvalidImageError(f"{label}: cannot read ({reason})", path=label) from None
    else:
        raise TypeError(f"load_image takes a path or bytes, not {type(source).__name__}")
    if not data:
        raise InvalidImageError(f"{label}: the file is empty", path=label)
    return data, label


def _read_bounded(path: Path, size: int, label: str, max_pixels: int) -> bytes:
    """The whole file, but only after its header (when it is at the start) says that an
    image of its size can need that many bytes: a huge file behind a tiny header is refused
    having read its first 64 KiB."""
    with path.open("rb") as fh:
        head = fh.read(_HEADER_BYTES)
        if len(head) < size:
            pixels = _header_pixels(head)
            if pixels is not None and size > max_file_bytes(pixels):
                raise InvalidImageError(
                    f"{label}: {size / 1e6:.1f} MB is far more than its header's "
                    f"{pixels:,} pixels can hold; not an image gouache reads",
                    path=label,
                )
            head += fh.read()
    return head


def _header_pixels(head: bytes) -> int | None:
    """The pixel count the header in `head` announces, or None when it cannot be read there."""
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            with PILImage.open(io.BytesIO(head)) as im:
                width, height = im.size
    except Exception:  # a header not in the first bytes: decided later
        return None
    return max(1, width * height)


def _too_many_bytes(label: str, size: int, limit: int) -> ImageTooLargeError:
    return ImageTooLargeError(
        f"{label}: {size / 1e6:.1f} MB is more than an image within the pixel limit can "
        f"need ({limit / 1e6:.0f} MB; set GOUACHE_MAX_PIXELS to raise it)",
        path=label,
    )


def _open_header(data: bytes, label: str, max_pixels: int) -> PILImage.Image:
    """Open `data` lazily (header only), refusing unsupported formats and oversized images."""
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            im = PILImage.open(io.BytesIO(data))
    except PILImage.DecompressionBombError as err:
        raise _too_large_from_pillow(err, label, max_pixels) from None
    except UnidentifiedImageError:
        raise InvalidImageError(
            f"{label}: not an image gouache can read (supported: {_supported()})", path=label
        ) from None
    except MemoryError:
        raise ImageTooLargeError(
            f"{label}: not enough memory to read the header", path=label
        ) from None
    except Exception as err:  # as in _decoding: any header failure is the file's
        detail = printable(str(err), newlines=False) or type(err).__name__
        raise InvalidImageError(
            f"{label}: unreadable image header ({detail})", path=label
        ) from None
    fmt = im.format or "unknown"
    if fmt not in READABLE_FORMATS:
        raise InvalidImageError(
            f"{label}: {fmt} images are not supported (supported: {_supported()})", path=label
        )
    width, height = im.size
    if width <= 0 or height <= 0:
        raise InvalidImageError(f"{label}: the header gives an empty size", path=label)
    pixels = width * height
    if pixels > max_pixels:
        raise ImageTooLargeError(
            f"{label}: {width}x{height} is {pixels / 1e6:.1f} MP, over the limit of "
            f"{max_pixels / 1e6:.1f} MP (set GOUACHE_MAX_PIXELS to raise it)",
            path=label,
            pixels=pixels,
        )
    return im


def _too_large_from_pillow(
    err: PILImage.DecompressionBombError, label: str, max_pixels: int
) -> ImageTooLargeError:
    """Pillow's own hard limit (2 x PIL.Image.MAX_IMAGE_PIXELS) fired before our check could.

    That limit caps `max_pixels` from above. The pixel count is read from Pillow's message.
    """
    hard_limit = 2 * (PILImage.MAX_IMAGE_PIXELS or 0)
    found = re.search(r"\((\d+) pixels\)", str(err))
    pixels = int(found.group(1)) if found else hard_limit + 1
    if pixels > max_pixels:
        message = (
            f"{label}: {pixels / 1e6:.1f} MP is over the limit of {max_pixels / 1e6:.1f} MP "
            "(set GOUACHE_MAX_PIXELS to raise it)"
        )
    else:
        message = (
            f"{label}: {pixels / 1e6:.1f} MP is over Pillow's hard limit of "
            f"{hard_limit / 1e6:.1f} MP (PIL.Image.MAX_IMAGE_PIXELS)"
        )
    return ImageTooLargeError(message, path=label, pixels=pixels)


def _check_complete(data: bytes, fmt: str, label: str, notes: list[str]) -> bytes:
    """Refuse PNG and JPEG files that are cut short, padded or damaged, which Pillow may
    decode without a word; return the bytes to decode.

    Pillow decodes a PNG that lost its last bytes (IEND, the final CRC) and a JPEG whose
    missing half was filled with zeros or whose scan was damaged. A PNG whose only fault is
    an ancillary chunk's CRC is decoded without that chunk, as libpng does (Pillow would
    refuse the whole file), with a note.
    """
    problem: str | None = None
    if fmt == "PNG":
        problem, data = _png_problem(data, notes)
    elif fmt in ("JPEG", "MPO"):
        problem = _jpeg_problem(data) or _jpeg_damage(data)
    if problem:
        raise InvalidImageError(
            f"{label}: truncated or corrupt {fmt} image ({problem})", path=label
        )
    return data


def _png_problem(data: bytes, notes: list[str] | None = None) -> tuple[str | None, bytes]:
    """Walk the chunks: each must fit, critical ones must pass their CRC, IEND must come.

    As libpng does, an ancillary chunk (lowercase first letter) with a bad CRC is dropped:
    the bytes returned are without it, and `notes` says so.
    """
    pos = len(_PNG_SIGNATURE)
    dropped: list[tuple[int, int]] = []
    while pos + 12 <= len(data):
        length, kind = struct.unpack(">I4s", data[pos : pos + 8])
        end = pos + 12 + length
        name = kind.decode("latin-1")
        if end > len(data):
            return f"cut short inside the {printable(name)!r} chunk", data
        crc = int.from_bytes(data[end - 4 : end], "big")
        if zlib.crc32(data[pos + 4 : end - 4]) != crc:
            if kind[:1].isupper():
                return f"bad CRC in the {printable(name)!r} chunk", data
            dropped.append((pos, end))
            if notes is not None:
                notes.append(f"PNG chunk {printable(name)!r} had a bad CRC and was ignored")
        if kind == b"IEND":
            for start, stop in reversed(dropped):
                data = data[:start] + data[stop:]
            return None, data
        pos = end
    return "cut short: no IEND chunk", data


def _jpeg_problem(data: bytes) -> str | None:
    """Find the first start-of-scan (SOS) marker and require an end-of-image (EOI) after it.

    Inside entropy-coded data a 0xFF byte is always followed by 0x00 or a restart marker, so
    FF D9 after the first SOS can only be the image's EOI. Trailing bytes after it are fine.
    If the marker walk gets lost the check passes and Pillow's own parser decides.
    """
    pos = 2  # after SOI
    while pos + 4 <= len(data):
        if data[pos] != 0xFF:
            return None
        marker = data[pos + 1]
        if marker == 0xFF:  # fill byte
            pos += 1
        elif marker == 0xDA:  # SOS
            return None if data.find(b"\xff\xd9", pos) != -1 else "no end-of-image marker"
        elif 0xD0 <= marker <= 0xD7 or marker == 0x01:  # standalone markers
            pos += 2
        else:
            pos += 2 + int.from_bytes(data[pos + 2 : pos + 4], "big")
    return None


def _jpeg_damage(data: bytes) -> str | None:
    """libjpeg's own warning when the scan is damaged (zeroed or garbled entropy-coded data),
    which Pillow decodes silently.

    The scan is decoded at 1/8 scale, which still reads every Huffman code, so the check
    costs a fraction of a full decode. Colour conversions libjpeg does not do (CMYK to RGB)
    are not damage and pass.
    """
    import simplejpeg

    try:
        _, _, colorspace, _ = simplejpeg.decode_jpeg_header(data)
        target = {"CMYK": "CMYK", "YCCK": "CMYK", "Gray": "GRAY"}.get(colorspace, "RGB")
        simplejpeg.decode_jpeg(data, colorspace=target, min_factor=8, strict=True)
    except ValueError as err:
        message = str(err)
        if any(word in message for word in ("Corrupt", "Premature", "Huffman", "Bogus")):
            return printable(message, newlines=False)
    return None


def _orientation(im: PILImage.Image) -> int | None:
    try:
        value = im.getexif().get(0x0112)
    except Exception:  # a broken EXIF block must not fail the load: no orientation
        return None
    return int(value) if isinstance(value, int) else None


def _normalise(im: PILImage.Image) -> tuple[Image, str | None]:
    """Bring any Pillow mode to RGB or RGBA uint8, keeping alpha.

    Alpha is kept whether it is a channel (RGBA, LA, PA), a transparent palette index or
    colour (`transparency`, the PNG tRNS chunk, RGB included) or an RGBA palette.
    16-bit greys (I;16*) are scaled from 0..65535; for 32-bit integer (I) and float (F)
    greys the range is guessed from the data and the note says which range was used.
    """
    mode = im.mode
    has_alpha = im.has_transparency_data
    if mode == "RGBA" or (mode == "RGB" and not has_alpha):
        return np.ascontiguousarray(np.asarray(im, dtype=np.uint8)), None
    if mode in _WIDE_MODES:
        return _normalise_wide(im)
    target = "RGBA" if has_alpha else "RGB"
    return np.ascontiguousarray(np.asarray(im.convert(target), dtype=np.uint8)), (
        f"{mode} converted to {target}"
    )


def _normalise_wide(im: PILImage.Image) -> tuple[Image, str]:
    """16-bit, 32-bit integer and float greys to 8-bit RGB (RGBA with a tRNS grey)."""
    mode = im.mode
    raw = np.asarray(im)
    wide = np.nan_to_num(raw.astype(np.float64), nan=0.0, posinf=0.0, neginf=0.0)
    top = float(wide.max(initial=0.0))
    if mode.startswith("I;16") or top > 255:
        peak = 65535.0
    elif mode == "F" and top <= 1.0:
        peak = 1.0
    else:
        peak = 255.0
    grey = np.clip(np.rint(wide * (255.0 / peak)), 0, 255).astype(np.uint8)
    layers = [grey, grey, grey]
    target = "RGB"
    transparent = im.info.get("transparency")
    if isinstance(transparent, int) and not isinstance(transparent, bool):
        layers.append(np.where(raw == transparent, 0, 255).astype(np.uint8))
        target = "RGBA"
    note = f"{mode} scaled to 8-bit {target} (0..{peak:g} taken as the full range)"
    return np.ascontiguousarray(np.dstack(layers)), note


def encode_png(image: Image) -> bytes:
    """Lossless PNG, tuned for speed (see gouache.png)."""
    from gouache.png import write_png

    return write_png(check_image(image))


def decode_png(data: bytes) -> Image:
    """Decode an 8-bit RGB, RGBA or grey PNG (as `encode_png` writes) to RGB or RGBA.

    Raises InvalidImageError for anything else: not a PNG, cut short, corrupt, or 16-bit
    (which would otherwise wrap around when cast to uint8).
    """
    import cv2

    if not data.startswith(_PNG_SIGNATURE):
        raise InvalidImageError("stored image is not a PNG")
    problem, _ = _png_problem(data)
    if problem:
        raise InvalidImageError(f"stored PNG is corrupt ({problem})")
    array = cv2.imdecode(np.frombuffer(data, dtype=np.uint8), cv2.IMREAD_UNCHANGED)
    if array is None:
        raise InvalidImageError("stored PNG is corrupt (the decoder gave up)")
    if array.dtype != np.uint8:
        raise InvalidImageError(f"stored PNG is not 8-bit ({array.dtype})")
    if array.ndim == 2:
        array = np.dstack([array, array, array])
    if array.shape[2] not in (3, 4):
        raise InvalidImageError(f"stored PNG has {array.shape[2]} channels, not 3 or 4")
    order = [2, 1, 0, 3][: array.shape[2]]
    return np.ascontiguousarray(array[:, :, order])


def check_image(image: object) -> Image:
    """Validate an in-memory image: uint8, (H, W, 3 or 4), not empty."""
    if not isinstance(image, np.ndarray):
        raise TypeError(f"an image is a numpy array, not {type(image).__name__}")
    if image.dtype != np.uint8:
        raise TypeError(f"an image has dtype uint8, not {image.dtype}")
    if image.ndim != 3 or image.shape[2] not in (3, 4) or image.shape[0] < 1 or image.shape[1] < 1:
        raise TypeError(f"an image has shape (height, width, 3 or 4), not {image.shape}")
    return image


def image_digest(image: Image) -> str:
    """sha256 of the pixels and shape: the cache key of an image's analysis."""
    h = hashlib.sha256()
    h.update(repr(image.shape).encode())
    h.update(np.ascontiguousarray(image).data)  # the buffer itself: tobytes() copied it
    return h.hexdigest()


def to_pil(image: Image) -> PILImage.Image:
    return PILImage.fromarray(check_image(image), "RGBA" if image.shape[2] == 4 else "RGB")


def from_pil(im: PILImage.Image) -> Image:
    return _normalise(im)[0]


# How many blob files a BlobStore remembers having written or checked (see `_unchanged`).
CHECKED_BLOBS = 4096


class BlobStore:
    """Content-addressed PNG files: <root>/<sha[:2]>/<sha>.png, written atomically.

    The address is the sha256 of the PNG bytes, so the same image is stored once. A blob is
    written to <root>/.tmp/ first (under an exclusive lock held until it is renamed into
    place), so a temporary file that nobody holds is a crash's leftover: `clean_temp_on_open`,
    run when a store opens, removes those.
    """

    TEMP_FOLDER = ".tmp"

    def __init__(self, root: str | os.PathLike[str], *, durable: bool = False) -> None:
        """With `durable`, every blob and its folder are synced to disk before a version
        names it (survives a power cut). Without, a blob is complete once renamed into place,
        which a killed process cannot undo; the OS writes it out later."""
        self.root = Path(root)
        self.durable = durable
        # (size, mtime, inode) of blob files this object wrote or re-hashed: one still the same
        # file, unchanged, is not re-hashed when the same pixels are stored again.
        self._checked: dict[str, tuple[int, int, int]] = {}

    def path_of(self, digest: str) -> Path:
        """Where the blob `digest` lives; StoreError unless it is 64 lowercase hex digits."""
        if not is_digest(digest):
            raise StoreError(f"not a blob address: {digest!r}")
        return self.root / digest[:2] / f"{digest}.png"

    def put_bytes(self, data: bytes) -> str:
        """Store PNG bytes under their sha256; returns the digest. StoreError if writing fails.

        A file already at the address is trusted only when its bytes still hash to it: a
        damaged blob is rewritten, so a new version never points at damaged pixels.
        """
        if not data.startswith(_PNG_SIGNATURE):
            raise ValueError("BlobStore holds PNG files; these bytes are not a PNG")
        digest = hashlib.sha256(data).hexdigest()
        target = self.path_of(digest)
        if self._unchanged(digest) or self.intact(digest):
            return digest
        # temp file, locked, (fsync,) rename: a reader never sees half a blob
        temp_dir = self.root / self.TEMP_FOLDER
        try:
            target.parent.mkdir(parents=True, exist_ok=True)
            temp_dir.mkdir(parents=True, exist_ok=True)
            fd, tmp = tempfile.mkstemp(dir=temp_dir, prefix=".tmp-", suffix=".png")
            try:
                fcntl.flock(fd, fcntl.LOCK_EX)
                with os.fdopen(fd, "wb") as fh:
                    fh.write(data)
                    fh.flush()
                    if self.durable:
                        os.fsync(fh.fileno())
                    os.replace(tmp, target)  # still locked: a cleaner leaves it alone
            finally:
                # after a successful rename there is nothing left to remove
                with suppress(OSError):
                    Path(tmp).unlink()
        except OSError as err:
            raise StoreError(
                f"cannot write blob {digest[:12]} under {self.root} ({err})", url=str(self.root)
            ) from err
        if self.durable:
            fsync_dir(target.parent)
        self._remember(digest)
        return digest

    def _unchanged(self, digest: str) -> bool:
        """True when the blob is the very file this object wrote or re-hashed, untouched since."""
        seen = self._checked.get(digest)
        return seen is not None and seen == self._identity(digest)

    def _identity(self, digest: str) -> tuple[int, int, int] | None:
        try:
            info = self.path_of(digest).stat()
        except OSError:
            return None
        return (info.st_size, info.st_mtime_ns, info.st_ino)

    def _remember(self, digest: str) -> None:
        identity = self._identity(digest)
        if identity is None:
            return
        if len(self._checked) >= CHECKED_BLOBS:
            self._checked.pop(next(iter(self._checked)), None)
        self._checked[digest] = identity

    def put(self, image: Image) -> str:
        return self.put_bytes(encode_png(image))

    def get_bytes(self, digest: str) -> bytes:
        """The stored PNG bytes, checked against their address. StoreError if missing or bad."""
        path = self.path_of(digest)
        try:
            data = path.read_bytes()
        except FileNotFoundError:
            raise StoreError(
                f"blob {digest[:12]} is missing from {self.root}", url=str(self.root)
            ) from None
        except OSError as err:
            raise StoreError(
                f"cannot read blob {digest[:12]} from {self.root} ({err})", url=str(self.root)
            ) from err
        if hashlib.sha256(data).hexdigest() != digest:
            raise StoreError(
                f"blob {digest[:12]} in {self.root} is corrupt: its bytes no longer match "
                "their sha256",
                url=str(self.root),
            )
        return data

    def get(self, digest: str) -> Image:
        try:
            return decode_png(self.get_bytes(digest))
        except InvalidImageError as err:
            raise StoreError(
                f"blob {digest[:12]} in {self.root}: {err}", url=str(self.root)
            ) from err

    def has(self, digest: str) -> bool:
        return self.path_of(digest).exists()

    def intact(self, digest: str) -> bool:
        """True when the blob is there and its bytes still hash to its address."""
        try:
            whole = _file_sha256(self.path_of(digest)) == digest
        except OSError:
            self._checked.pop(digest, None)
            return False
        if whole:
            self._remember(digest)
        else:
            self._checked.pop(digest, None)
        return whole

    def digests(self) -> Iterator[str]:
        """The address of every blob file under the root (whole or not)."""
        try:
            folders = sorted(p for p in self.root.iterdir() if len(p.name) == 2)
        except FileNotFoundError:
            return
        for folder in folders:
            for path in sorted(folder.glob("*.png")):
                if is_digest(path.stem) and path.stem.startswith(folder.name):
                    yield path.stem

    def temp_files(self, *, beside_blobs: bool = True) -> list[Path]:
        """Temporary files under the root: in .tmp/ and, with `beside_blobs`, those older
        versions wrote into the blob folders (finding these reads every folder)."""
        found = sorted((self.root / self.TEMP_FOLDER).glob(".tmp-*"))
        if beside_blobs and self.root.is_dir():
            found += sorted(self.root.glob("??/.tmp-*"))
        return found

    def clean_temp(self, *, min_age: float = 2.0, beside_blobs: bool = True) -> list[Path]:
        """Remove the temporary files a crashed writer left: those nobody holds a lock on
        and older than `min_age` seconds (a writer locks its file as it creates it).
        Returns what was removed; a read-only disk removes nothing."""
        return remove_leftovers(self.temp_files(beside_blobs=beside_blobs), min_age=min_age)

    def clean_temp_on_open(self) -> list[Path]:
        """What a store does as it opens: .tmp/ only, which this version writes into, so an
        open stays cheap however many blob folders there are. The blob folders, where older
        versions left theirs, are swept once (a marker in .tmp/ remembers it);
        `gouache store check --repair` sweeps them every time."""
        return clean_temp_folder(
            self.root / self.TEMP_FOLDER, lambda: sorted(self.root.glob("??/.tmp-*"))
        )


SWEPT_MARKER = "older-leftovers-swept"


def clean_temp_folder(temp_dir: Path, older: Callable[[], list[Path]]) -> list[Path]:
    """Remove a crash's leftovers from `temp_dir` (where a writer makes its temporary files)
    and, the first time only, those `older` finds where older versions wrote them."""
    marker = temp_dir / SWEPT_MARKER
    if not temp_dir.parent.is_dir():
        return []
    first = not marker.exists()
    removed = remove_leftovers([*temp_dir.glob(".tmp-*"), *(older() if first else ())])
    if first:
        with suppress(OSError):  # a read-only disk sweeps again next time
            temp_dir.mkdir(exist_ok=True)
            marker.touch()
    return removed


def remove_leftovers(paths: Iterable[Path], *, min_age: float = 2.0) -> list[Path]:
    """Remove the temporary files among `paths` that no writer holds a lock on and that are
    at least `min_age` seconds old; returns those removed. Shared by every cache that
    writes through temporary files."""
    removed = []
    now = time.time()
    for path in paths:
        try:
            if now - path.stat().st_mtime < min_age:
                continue
            fd = os.open(path, os.O_RDONLY)
        except OSError:
            continue
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
            path.unlink()
            removed.append(path)
        except OSError:
            continue  # locked by a live writer, or a read-only disk
        finally:
            os.close(fd)
    return removed


def is_digest(text: object) -> bool:
    """True for 64 lowercase hex digits, the address of a blob."""
    return isinstance(text, str) and len(text) == 64 and all(c in "0123456789abcdef" for c in text)


def _file_sha256(path: Path) -> str:
    h = hashlib.sha256()
    with path.open("rb") as fh:
        for chunk in iter(lambda: fh.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()
