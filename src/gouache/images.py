"""Loading, validating and normalising images, and the content-addressed blob store.

In memory an image is a numpy array of uint8, shape (height, width, 3) for RGB or
(height, width, 4) for RGBA. Everything that enters gouache goes through `load_image`,
which checks the pixel count from the header before any decoding.
"""

from __future__ import annotations

import hashlib
import io
import os
import re
import stat
import struct
import tempfile
import warnings
import zlib
from dataclasses import dataclass, field
from pathlib import Path
from typing import TypeAlias

import numpy as np
import numpy.typing as npt
from PIL import Image as PILImage
from PIL import ImageOps, UnidentifiedImageError

from gouache.errors import ImageTooLargeError, InvalidImageError, StoreError
from gouache.settings import DEFAULT_MAX_PIXELS

Image: TypeAlias = npt.NDArray[np.uint8]

# Formats we decode; anything else Pillow could open is refused with a clear message.
READABLE_FORMATS = frozenset({"PNG", "JPEG", "MPO", "WEBP", "TIFF", "BMP", "GIF"})

_PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"

# What a decoder raises on a damaged file; anything else is a bug and propagates.
_DECODE_ERRORS = (OSError, SyntaxError, ValueError, EOFError, IndexError, struct.error)

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
    corrupt, a folder, a format gouache does not take) and ImageTooLargeError when the
    header announces more than `max_pixels` pixels. Every message names the file: its
    path, or `name` when given.
    """
    if max_pixels < 1:
        raise ValueError(f"max_pixels must be at least 1, not {max_pixels}")

    # 1. read the bytes, with a name for every message
    data, label = _read_source(source, name)

    # 2. open the header only and check the size before any pixel is decoded
    im = _open_header(data, label, max_pixels)
    fmt = im.format or "unknown"

    # 3. check that the file is whole: Pillow accepts some cut or padded PNG and JPEG files
    _check_complete(data, fmt, label)

    # 4. decode the first frame and apply the EXIF orientation
    notes: list[str] = []
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", PILImage.DecompressionBombWarning)
            frames = int(getattr(im, "n_frames", 1))
            im.load()
            orientation = _orientation(im)
            if orientation in _TRANSPOSING_ORIENTATIONS:
                im = ImageOps.exif_transpose(im)
    except PILImage.DecompressionBombError as err:
        raise _too_large_from_pillow(err, label, max_pixels) from None
    except _DECODE_ERRORS as err:
        raise InvalidImageError(
            f"{label}: truncated or corrupt {fmt} image ({err})", path=label
        ) from None
    if frames > 1:
        notes.append(f"{fmt} with {frames} frames: the first frame was used")
    if orientation in _TRANSPOSING_ORIENTATIONS:
        notes.append(f"EXIF orientation {orientation} applied")

    # 5. bring the mode to RGB or RGBA
    try:
        array, note = _normalise(im)
    except (ValueError, OSError) as err:
        raise InvalidImageError(
            f"{label}: {fmt} images in mode {im.mode} cannot be converted to RGB ({err})",
            path=label,
        ) from None
    if note:
        notes.append(note)
    return LoadedImage(pixels=array, format=fmt, name=label, notes=tuple(notes))


def _supported() -> str:
    return ", ".join(sorted(READABLE_FORMATS - {"MPO"}))


def _read_source(source: str | os.PathLike[str] | bytes, name: str | None) -> tuple[bytes, str]:
    """The file's bytes and the label every message uses."""
    if isinstance(source, (bytes, bytearray, memoryview)):
        data, label = bytes(source), name or "<bytes>"
    elif isinstance(source, (str, os.PathLike)):
        path = Path(source)
        label = name or str(path)
        try:
            info = path.stat()
            if stat.S_ISDIR(info.st_mode):
                raise InvalidImageError(f"{label}: is a folder, not an image", path=label)
            if not stat.S_ISREG(info.st_mode):
                # a FIFO or a device (/dev/zero) would block or never end
                raise InvalidImageError(f"{label}: not a regular file", path=label)
            data = path.read_bytes()
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


def _open_header(data: bytes, label: str, max_pixels: int) -> PILImage.Image:
    """Open `data` lazily (header only), refusing unsupported formats and oversized images."""
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", PILImage.DecompressionBombWarning)
            im = PILImage.open(io.BytesIO(data))
    except PILImage.DecompressionBombError as err:
        raise _too_large_from_pillow(err, label, max_pixels) from None
    except UnidentifiedImageError:
        raise InvalidImageError(
            f"{label}: not an image gouache can read (supported: {_supported()})", path=label
        ) from None
    except _DECODE_ERRORS as err:
        raise InvalidImageError(f"{label}: unreadable image header ({err})", path=label) from None
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


def _check_complete(data: bytes, fmt: str, label: str) -> None:
    """Refuse PNG and JPEG files that are cut short or padded, which Pillow may decode.

    Pillow decodes a PNG that lost its last bytes (IEND, the final CRC) and a JPEG whose
    missing half was filled with zeros without any error, so both are checked here.
    """
    problem: str | None = None
    if fmt == "PNG":
        problem = _png_problem(data)
    elif fmt in ("JPEG", "MPO"):
        problem = _jpeg_problem(data)
    if problem:
        raise InvalidImageError(
            f"{label}: truncated or corrupt {fmt} image ({problem})", path=label
        )


def _png_problem(data: bytes) -> str | None:
    """Walk the chunks: each must fit, critical ones must pass their CRC, IEND must come.

    As libpng does, a bad CRC on an ancillary chunk (lowercase first letter) is tolerated.
    """
    pos = len(_PNG_SIGNATURE)
    while pos + 12 <= len(data):
        length, kind = struct.unpack(">I4s", data[pos : pos + 8])
        end = pos + 12 + length
        if end > len(data):
            return f"cut short inside the {kind.decode('latin-1')!r} chunk"
        crc = int.from_bytes(data[end - 4 : end], "big")
        if kind[:1].isupper() and zlib.crc32(data[pos + 4 : end - 4]) != crc:
            return f"bad CRC in the {kind.decode('latin-1')!r} chunk"
        if kind == b"IEND":
            return None
        pos = end
    return "cut short: no IEND chunk"


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


def _orientation(im: PILImage.Image) -> int | None:
    try:
        value = im.getexif().get(0x0112)
    except _DECODE_ERRORS:
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
    problem = _png_problem(data)
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
    h.update(np.ascontiguousarray(image).tobytes())
    return h.hexdigest()


def to_pil(image: Image) -> PILImage.Image:
    return PILImage.fromarray(check_image(image), "RGBA" if image.shape[2] == 4 else "RGB")


def from_pil(im: PILImage.Image) -> Image:
    return _normalise(im)[0]


class BlobStore:
    """Content-addressed PNG files: <root>/<sha[:2]>/<sha>.png, written atomically.

    The address is the sha256 of the PNG bytes, so the same image is stored once.
    """

    def __init__(self, root: str | os.PathLike[str]) -> None:
        self.root = Path(root)

    def path_of(self, digest: str) -> Path:
        """Where the blob `digest` lives; StoreError unless it is 64 lowercase hex digits."""
        if (
            not isinstance(digest, str)
            or len(digest) != 64
            or any(c not in "0123456789abcdef" for c in digest)
        ):
            raise StoreError(f"not a blob address: {digest!r}")
        return self.root / digest[:2] / f"{digest}.png"

    def put_bytes(self, data: bytes) -> str:
        """Store PNG bytes under their sha256; returns the digest. StoreError if writing fails."""
        if not data.startswith(_PNG_SIGNATURE):
            raise ValueError("BlobStore holds PNG files; these bytes are not a PNG")
        digest = hashlib.sha256(data).hexdigest()
        target = self.path_of(digest)
        if target.exists():
            return digest
        # temp file in the same folder, fsync, rename: a reader never sees half a blob
        try:
            target.parent.mkdir(parents=True, exist_ok=True)
            fd, tmp = tempfile.mkstemp(dir=target.parent, prefix=".tmp-", suffix=".png")
            try:
                with os.fdopen(fd, "wb") as fh:
                    fh.write(data)
                    fh.flush()
                    os.fsync(fh.fileno())
                os.replace(tmp, target)
            finally:
                # after a successful rename there is nothing left to remove
                Path(tmp).unlink(missing_ok=True)
        except OSError as err:
            raise StoreError(
                f"cannot write blob {digest[:12]} under {self.root} ({err})", url=str(self.root)
            ) from err
        _fsync_dir(target.parent)
        return digest

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


def _fsync_dir(path: Path) -> None:
    try:
        fd = os.open(path, os.O_RDONLY)
    except OSError:  # pragma: no cover - some filesystems refuse directory handles
        return
    try:
        os.fsync(fd)
    except OSError:  # pragma: no cover
        pass
    finally:
        os.close(fd)
