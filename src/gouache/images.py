"""Loading, validating and normalising images, and the content-addressed blob store.

In memory an image is a numpy array of uint8, shape (height, width, 3) for RGB or
(height, width, 4) for RGBA. Everything that enters gouache goes through `load_image`,
which checks the pixel count from the header before any decoding.
"""

from __future__ import annotations

import hashlib
import io
import os
import tempfile
import warnings
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

_ALPHA_MODES = frozenset({"RGBA", "LA", "PA", "RGBa", "La"})


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

    Raises InvalidImageError for anything that is not a readable image and
    ImageTooLargeError when the header announces more than `max_pixels` pixels.
    """
    # 1. read the bytes, with a name for every message
    if isinstance(source, bytes):
        data, label = source, name or "<bytes>"
    else:
        path = Path(source)
        label = name or str(path)
        try:
            data = path.read_bytes()
        except FileNotFoundError:
            raise InvalidImageError(f"{label}: no such file", path=label) from None
        except IsADirectoryError:
            raise InvalidImageError(f"{label}: is a folder, not an image", path=label) from None
        except OSError as err:
            raise InvalidImageError(f"{label}: cannot read ({err.strerror})", path=label) from None
    if not data:
        raise InvalidImageError(f"{label}: the file is empty", path=label)

    # 2. open the header only and check the size before any pixel is decoded
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", PILImage.DecompressionBombWarning)
            im = PILImage.open(io.BytesIO(data))
    except UnidentifiedImageError:
        raise InvalidImageError(f"{label}: not an image gouache can read", path=label) from None
    except (OSError, SyntaxError, ValueError) as err:
        raise InvalidImageError(f"{label}: unreadable image header ({err})", path=label) from None
    fmt = im.format or "unknown"
    if fmt not in READABLE_FORMATS:
        known = ", ".join(sorted(READABLE_FORMATS - {"MPO"}))
        raise InvalidImageError(f"{label}: {fmt} images are not supported ({known})", path=label)
    width, height = im.size
    pixels = width * height
    if width <= 0 or height <= 0:
        raise InvalidImageError(f"{label}: the header gives an empty size", path=label)
    if pixels > max_pixels:
        raise ImageTooLargeError(
            f"{label}: {width}x{height} is {pixels / 1e6:.1f} MP, over the limit of "
            f"{max_pixels / 1e6:.1f} MP (set GOUACHE_MAX_PIXELS to raise it)",
            path=label,
            pixels=pixels,
        )

    # 3. decode the first frame, then orient and normalise it
    notes: list[str] = []
    frames = int(getattr(im, "n_frames", 1))
    if frames > 1:
        notes.append(f"{fmt} with {frames} frames: the first frame was used")
    orientation = _orientation(im)
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", PILImage.DecompressionBombWarning)
            im.load()
            oriented = ImageOps.exif_transpose(im)
    except (OSError, SyntaxError, ValueError, EOFError) as err:
        raise InvalidImageError(f"{label}: truncated or corrupt image ({err})", path=label) from None
    if orientation not in (None, 1):
        notes.append(f"EXIF orientation {orientation} applied")
    array, note = _normalise(oriented)
    if note:
        notes.append(note)
    return LoadedImage(pixels=array, format=fmt, name=label, notes=tuple(notes))


def _orientation(im: PILImage.Image) -> int | None:
    try:
        value = im.getexif().get(0x0112)
    except (OSError, ValueError, SyntaxError):
        return None
    return int(value) if isinstance(value, int) else None


def _normalise(im: PILImage.Image) -> tuple[Image, str | None]:
    """Bring any Pillow mode to RGB or RGBA uint8, keeping alpha."""
    mode = im.mode
    if mode in ("RGB", "RGBA"):
        return np.ascontiguousarray(np.asarray(im, dtype=np.uint8)), None
    if mode in ("I;16", "I;16B", "I;16L", "I;16N", "I", "F"):
        wide = np.asarray(im).astype(np.float64)
        peak = 65535.0 if mode.startswith("I;16") or wide.max(initial=0) > 255 else 255.0
        if mode == "F" and wide.max(initial=0) <= 1.0:
            peak = 1.0
        grey = np.clip(np.rint(wide * (255.0 / peak)), 0, 255).astype(np.uint8)
        return np.ascontiguousarray(np.dstack([grey, grey, grey])), f"{mode} scaled to 8-bit RGB"
    has_alpha = mode in _ALPHA_MODES or (mode in ("P", "L", "RGB") and "transparency" in im.info)
    target = "RGBA" if has_alpha else "RGB"
    return np.ascontiguousarray(np.asarray(im.convert(target), dtype=np.uint8)), (
        f"{mode} converted to {target}"
    )


def encode_png(image: Image) -> bytes:
    """Lossless PNG, tuned for speed: zlib level 1 with the SUB filter."""
    import cv2

    check_image(image)
    channels = image.shape[2]
    bgr = image[:, :, [2, 1, 0, 3][:channels]]
    params = [cv2.IMWRITE_PNG_COMPRESSION, 1, cv2.IMWRITE_PNG_FILTER, cv2.IMWRITE_PNG_FILTER_SUB]
    ok, buf = cv2.imencode(".png", np.ascontiguousarray(bgr), params)
    if not ok:  # pragma: no cover - OpenCV only fails here on a broken build
        raise StoreError("PNG encoding failed")
    return bytes(buf)


def decode_png(data: bytes) -> Image:
    """Decode a PNG written by `encode_png` (or any 8-bit RGB/RGBA PNG)."""
    import cv2

    array = cv2.imdecode(np.frombuffer(data, dtype=np.uint8), cv2.IMREAD_UNCHANGED)
    if array is None:
        raise InvalidImageError("stored image is corrupt")
    if array.ndim == 2:
        array = np.dstack([array, array, array])
    order = [2, 1, 0, 3][: array.shape[2]]
    return np.ascontiguousarray(array[:, :, order].astype(np.uint8, copy=False))


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
        if len(digest) != 64 or any(c not in "0123456789abcdef" for c in digest):
            raise StoreError(f"not a blob address: {digest!r}")
        return self.root / digest[:2] / f"{digest}.png"

    def put_bytes(self, data: bytes) -> str:
        digest = hashlib.sha256(data).hexdigest()
        target = self.path_of(digest)
        if target.exists():
            return digest
        target.parent.mkdir(parents=True, exist_ok=True)
        # temp file in the same folder, fsync, rename: a reader never sees half a blob
        fd, tmp = tempfile.mkstemp(dir=target.parent, prefix=".tmp-", suffix=".png")
        try:
            with os.fdopen(fd, "wb") as fh:
                fh.write(data)
                fh.flush()
                os.fsync(fh.fileno())
            os.replace(tmp, target)
        except BaseException:
            Path(tmp).unlink(missing_ok=True)
            raise
        _fsync_dir(target.parent)
        return digest

    def put(self, image: Image) -> str:
        return self.put_bytes(encode_png(image))

    def get_bytes(self, digest: str) -> bytes:
        try:
            return self.path_of(digest).read_bytes()
        except FileNotFoundError:
            raise StoreError(f"blob {digest[:12]} is missing from {self.root}") from None

    def get(self, digest: str) -> Image:
        return decode_png(self.get_bytes(digest))

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
