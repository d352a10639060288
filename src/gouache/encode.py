"""Encoding a version for a user's file in the format its name asks for.

The store keeps every version as lossless PNG; `-o out.jpg`, `-o out.webp` and `/save x.jpg`
write JPEG or WebP, at `quality` (JPEG 92 and WebP 90 unless given; WebP at 100 is lossless).
JPEG has no transparency: a picture with alpha is flattened over white, and the note says so.
A name with no suffix or .png gets the stored PNG bytes as they are.
"""

from __future__ import annotations

import io
from dataclasses import dataclass
from pathlib import Path

import numpy as np
from PIL import Image as PILImage

from gouache.errors import InputError

FORMATS = {".png": "PNG", ".jpg": "JPEG", ".jpeg": "JPEG", ".webp": "WEBP", ".tif": "TIFF",
           ".tiff": "TIFF", ".bmp": "BMP"}  # fmt: skip
DEFAULT_QUALITY = {"JPEG": 92, "WEBP": 90}


@dataclass(frozen=True)
class Encoded:
    data: bytes
    format: str
    note: str = ""


def format_of(path: Path) -> str:
    """The format a file name asks for; PNG when it has no suffix. An unknown suffix is an
    error naming the ones there are."""
    suffix = path.suffix.lower()
    if not suffix:
        return "PNG"
    if suffix not in FORMATS:
        raise InputError(f"{path.name}: gouache writes {', '.join(sorted(FORMATS))}, not {suffix}")
    return FORMATS[suffix]


def encode_for(path: Path, png: bytes, quality: int | None = None) -> Encoded:
    """The stored PNG bytes re-encoded for `path` (unchanged for PNG)."""
    fmt = format_of(path)
    if quality is not None and not 1 <= quality <= 100:
        raise InputError(f"--quality is 1 to 100, not {quality}")
    if fmt == "PNG":
        return Encoded(png, fmt)
    with PILImage.open(io.BytesIO(png)) as opened:
        image = opened.copy()
    note = ""
    if fmt in ("JPEG", "BMP") and image.mode in ("RGBA", "LA"):
        pixels = np.asarray(image.convert("RGBA"), dtype=np.float32)
        alpha = pixels[:, :, 3:4] / 255.0
        flat = pixels[:, :, :3] * alpha + 255.0 * (1.0 - alpha)
        image = PILImage.fromarray(np.clip(np.rint(flat), 0, 255).astype(np.uint8))
        if float(alpha.min()) < 1.0:
            note = f"{fmt} has no transparency: flattened over white (save as .png to keep it)"
    out = io.BytesIO()
    if fmt in DEFAULT_QUALITY:
        q = quality if quality is not None else DEFAULT_QUALITY[fmt]
        extra = {"lossless": True} if fmt == "WEBP" and q == 100 else {}
        image.save(out, format=fmt, quality=q, **extra)
    else:
        image.save(out, format=fmt)
    return Encoded(out.getvalue(), fmt, note)
