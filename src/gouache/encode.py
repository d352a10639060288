"""Encoding a version's pixels as the file a user asked for: the one encoder of gouache.

`-o out.jpg`, `/save x.webp`, `gouache export --format jpeg`, `--sign`, the API's downloads
and the web UI's thumbnails all come here, so one picture gives the same bytes whichever way
it leaves. The rules, once:

- quality: JPEG 92 and WebP 90 unless given (1 to 100); WebP at 100 is lossless, every
  channel of every pixel kept.
- alpha: JPEG and BMP have none, so a picture with alpha is flattened over white by its
  alpha (c * a + 255 * (1 - a), rounded), and the note says so when a pixel was not opaque;
  PNG, WebP and TIFF keep it.
- metadata: `xmp` (a packet, see provenance.metadata.xmp_packet) goes into JPEG and WebP;
  PNG carries the recipe as an iTXt chunk spliced in by provenance.metadata instead.

The store keeps every version as lossless PNG: a name with no suffix or .png gets the stored
PNG bytes as they are.
"""

from __future__ import annotations

import io
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt

from gouache.errors import InputError

FORMATS = {".png": "PNG", ".jpg": "JPEG", ".jpeg": "JPEG", ".webp": "WEBP", ".tif": "TIFF",
           ".tiff": "TIFF", ".bmp": "BMP"}  # fmt: skip
DEFAULT_QUALITY = {"JPEG": 92, "WEBP": 90}
NO_ALPHA = ("JPEG", "BMP")
XMP_FORMATS = ("JPEG", "WEBP")


@dataclass(frozen=True)
class Encoded:
    data: bytes
    format: str  # PNG, JPEG, WEBP, TIFF or BMP
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


def quality_of(fmt: str, quality: int | None) -> int:
    """`quality`, or the format's default; InputError outside 1 to 100."""
    if quality is None:
        return DEFAULT_QUALITY.get(fmt.upper(), 100)
    if not 1 <= quality <= 100:
        raise InputError(f"quality is 1 to 100, not {quality}")
    return quality


def flatten_on_white(image: npt.NDArray[np.uint8]) -> tuple[npt.NDArray[np.uint8], bool]:
    """The colour channels of `image` composited over white by its alpha (the last channel of
    a 2- or 4-channel image), and whether any pixel was not opaque. Without alpha, `image`."""
    if image.ndim != 3 or image.shape[2] not in (2, 4):
        return image, False
    alpha = image[:, :, -1:].astype(np.float32) / 255.0
    colour = image[:, :, :-1].astype(np.float32)
    flat = np.clip(np.rint(colour * alpha + 255.0 * (1.0 - alpha)), 0, 255).astype(np.uint8)
    return (flat[:, :, 0] if flat.shape[2] == 1 else flat), bool(float(alpha.min()) < 1.0)


def encode_pixels(
    image: npt.NDArray[np.uint8], fmt: str, quality: int | None = None, xmp: bytes | None = None
) -> Encoded:
    """`image` (H x W, or H x W x 1-4 uint8) encoded as `fmt` (PNG, JPEG, WEBP, TIFF or BMP,
    any case), at `quality` for JPEG and WebP, with the `xmp` packet in JPEG and WebP."""
    from PIL import Image as PILImage

    fmt = fmt.upper()
    if xmp is not None and fmt not in XMP_FORMATS:
        raise ValueError(f"{fmt} does not carry XMP here (a PNG carries the recipe as iTXt)")
    q = quality_of(fmt, quality)
    if fmt == "PNG" and image.ndim == 3 and image.shape[2] in (3, 4):
        from gouache.png import write_png

        return Encoded(write_png(np.ascontiguousarray(image)), fmt)
    note = ""
    if fmt in NO_ALPHA:
        image, transparent = flatten_on_white(image)
        if transparent:
            note = f"{fmt} has no transparency: flattened over white (save as .png to keep it)"
    if image.ndim == 3 and image.shape[2] == 1:
        image = image[:, :, 0]
    picture = PILImage.fromarray(np.ascontiguousarray(image))
    options: dict[str, Any] = {"xmp": xmp} if xmp is not None else {}
    if fmt == "JPEG":
        options["quality"] = q
    elif fmt == "WEBP":
        # exact: lossless keeps the colour under clear pixels too (libwebp drops it otherwise)
        options.update(quality=q, lossless=q == 100, exact=q == 100)
    out = io.BytesIO()
    picture.save(out, format=fmt, **options)
    return Encoded(out.getvalue(), fmt, note)


def encode_for(path: Path, png: bytes, quality: int | None = None) -> Encoded:
    """The stored PNG bytes re-encoded for `path` (unchanged for PNG)."""
    from PIL import Image as PILImage

    fmt = format_of(path)
    quality_of(fmt, quality)  # a bad --quality is refused for a .png too
    if fmt == "PNG":
        return Encoded(png, fmt)
    with PILImage.open(io.BytesIO(png)) as opened:
        has_alpha = "A" in opened.getbands() or "transparency" in opened.info
        pixels = np.asarray(opened.convert("RGBA" if has_alpha else "RGB"), dtype=np.uint8)
    return encode_pixels(pixels, fmt, quality)
