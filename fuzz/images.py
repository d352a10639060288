"""The image loader against any bytes: a LoadedImage or one of gouache's own errors.

Seeds: a small valid file in every format gouache reads (PNG in several modes, JPEG, an
EXIF-rotated JPEG, a CMYK JPEG, WebP, TIFF, a two-frame TIFF, BMP, an animated GIF), made
here with Pillow so that no binary is checked in.
"""

from __future__ import annotations

import io
from functools import cache

import numpy as np
from PIL import Image as PILImage

from fuzz.common import main
from gouache.errors import GouacheError
from gouache.images import load_image

# Small enough that a mutated header cannot ask for much memory or time.
MAX_PIXELS = 1 << 20


def _save(image: PILImage.Image, fmt: str, **params: object) -> bytes:
    buf = io.BytesIO()
    image.save(buf, fmt, **params)
    return buf.getvalue()


@cache
def seeds() -> tuple[bytes, ...]:
    rng = np.random.default_rng(0)
    rgb = PILImage.fromarray(rng.integers(0, 256, (12, 16, 3), dtype=np.uint8))
    rgba = PILImage.fromarray(rng.integers(0, 256, (9, 7, 4), dtype=np.uint8))
    exif = PILImage.Exif()
    exif[0x0112] = 6
    frames = [PILImage.new("RGB", (6, 5), c) for c in ((255, 0, 0), (0, 0, 255))]
    return (
        _save(rgb, "PNG"),
        _save(rgba, "PNG"),
        _save(rgb.convert("P"), "PNG", transparency=3),
        _save(rgb.convert("L"), "PNG"),
        _save(rgb.convert("I;16"), "PNG"),
        _save(rgb, "JPEG", quality=80),
        _save(rgb, "JPEG", quality=80, exif=exif.tobytes()),
        _save(rgb.convert("CMYK"), "JPEG"),
        _save(rgb, "WEBP", lossless=True),
        _save(rgb, "WEBP", quality=60),
        _save(rgb, "TIFF"),
        _save(rgba, "TIFF", compression="tiff_lzw"),
        _save(frames[0], "TIFF", save_all=True, append_images=frames[1:]),
        _save(rgb, "BMP"),
        _save(frames[0], "GIF", save_all=True, append_images=frames[1:], loop=0),
    )


def one_input(data: bytes) -> None:
    try:
        loaded = load_image(data, max_pixels=MAX_PIXELS)
    except GouacheError:
        return
    pixels = loaded.pixels
    if pixels.dtype != np.uint8 or pixels.ndim != 3 or pixels.shape[2] not in (3, 4):
        raise AssertionError(f"load_image returned {pixels.dtype} {pixels.shape}")


if __name__ == "__main__":
    main("images", one_input, seeds())
