"""Builders for the odd and broken image files that tests/test_images.py feeds to load_image.

Every builder returns bytes made on the spot with Pillow or OpenCV, so no binary fixture
is checked in and each case says in code exactly what is wrong with it.
"""

from __future__ import annotations

import io
import struct
import zlib
from typing import Any

import numpy as np
from PIL import Image as PILImage

from gouache.images import Image

RED = (255, 0, 0)
GREEN = (0, 255, 0)
BLUE = (0, 0, 255)


def noise(height: int, width: int, channels: int = 3, seed: int = 0) -> Image:
    """Random uint8 pixels: they compress badly, so a cut lands in the middle of pixel data."""
    rng = np.random.default_rng(seed)
    return rng.integers(0, 256, (height, width, channels), dtype=np.uint8)


def encode(image: Image | PILImage.Image, fmt: str, **params: Any) -> bytes:
    """`image` saved by Pillow in `fmt` (keyword arguments go to `save`)."""
    pil = image if isinstance(image, PILImage.Image) else PILImage.fromarray(image)
    buf = io.BytesIO()
    pil.save(buf, fmt, **params)
    return buf.getvalue()


def png_chunk(kind: bytes, payload: bytes) -> bytes:
    """One PNG chunk: length, type, payload, CRC over type and payload."""
    crc = zlib.crc32(kind + payload)
    return struct.pack(">I", len(payload)) + kind + payload + struct.pack(">I", crc)


def png_claiming_size(width: int, height: int) -> bytes:
    """A valid-looking RGB PNG whose IHDR claims width x height but whose IDAT is tiny.

    This is the shape of a decompression bomb: a few hundred bytes that would need
    width * height * 3 bytes of memory once decoded.
    """
    ihdr = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)  # 8-bit truecolour
    return (
        b"\x89PNG\r\n\x1a\n"
        + png_chunk(b"IHDR", ihdr)
        + png_chunk(b"IDAT", zlib.compress(b"\x00" * 64))
        + png_chunk(b"IEND", b"")
    )


def with_idat_crc_flipped(png: bytes) -> bytes:
    """`png` with one bit of its first IDAT chunk's CRC flipped."""
    start = png.index(b"IDAT") - 4
    (length,) = struct.unpack(">I", png[start : start + 4])
    crc_at = start + 8 + length
    return png[:crc_at] + bytes([png[crc_at] ^ 0x01]) + png[crc_at + 1 :]


def jpeg_with_orientation(image: Image, orientation: int) -> bytes:
    """A JPEG whose EXIF asks viewers to apply `orientation` (0x0112) to the stored pixels."""
    exif = PILImage.Exif()
    exif[0x0112] = orientation
    return encode(image, "JPEG", quality=95, exif=exif.tobytes())


def animated_gif(colours: list[tuple[int, int, int]], size: tuple[int, int] = (8, 6)) -> bytes:
    """A looping GIF with one flat frame per colour."""
    frames = [PILImage.new("RGB", size, colour) for colour in colours]
    buf = io.BytesIO()
    frames[0].save(buf, "GIF", save_all=True, append_images=frames[1:], duration=100, loop=0)
    return buf.getvalue()


def palette_png_with_transparent_index() -> bytes:
    """A 4x4 palette PNG: index 0 (red) is transparent, one pixel uses index 1 (green)."""
    im = PILImage.new("P", (4, 4), 0)
    im.putpalette([*RED, *GREEN] + [0] * (256 * 3 - 6))
    im.putpixel((1, 2), 1)
    return encode(im, "PNG", transparency=0)


def grey16_ramp(width: int = 256, height: int = 3) -> np.ndarray[Any, np.dtype[np.uint16]]:
    """A uint16 grey gradient from 0 to 65535 along x."""
    row = np.linspace(0, 65535, width).round().astype(np.uint16)
    return np.repeat(row[None, :], height, axis=0)


def png16(array: np.ndarray[Any, np.dtype[np.uint16]]) -> bytes:
    """A 16-bit PNG written by OpenCV (which Pillow cannot do for RGB); `array` is RGB order."""
    import cv2

    bgr = array if array.ndim == 2 else array[:, :, ::-1]
    ok, buf = cv2.imencode(".png", np.ascontiguousarray(bgr))
    assert ok
    return bytes(buf)


def tiff_whose_second_frame_has_no_size() -> bytes:
    """A two-frame TIFF whose second IFD lost its ImageWidth and ImageLength tags (256, 257):
    Pillow's `n_frames` raises TypeError("Missing dimensions") on it."""
    frames = [PILImage.new("RGB", (8, 6), RED), PILImage.new("RGB", (8, 6), GREEN)]
    buf = io.BytesIO()
    frames[0].save(buf, "TIFF", save_all=True, append_images=frames[1:])
    data = bytearray(buf.getvalue())
    assert data[:2] == b"II"
    first = struct.unpack_from("<I", data, 4)[0]
    count = struct.unpack_from("<H", data, first)[0]
    second = struct.unpack_from("<I", data, first + 2 + 12 * count)[0]
    for i in range(struct.unpack_from("<H", data, second)[0]):
        at = second + 2 + 12 * i
        if struct.unpack_from("<H", data, at)[0] in (256, 257):
            struct.pack_into("<H", data, at, 65000 + i)  # an unknown private tag instead
    return bytes(data)


def jpeg_with_a_zeroed_scan(size: tuple[int, int] = (200, 300)) -> bytes:
    """A whole JPEG (SOI ... EOI) whose entropy-coded middle was overwritten with zeros."""
    data = bytearray(encode(noise(*size, seed=3), "JPEG", quality=90))
    start = data.index(b"\xff\xda")
    middle = (start + len(data)) // 2
    data[middle : middle + 2000] = bytes(2000)
    return bytes(data)


def png_with_a_bad_text_chunk_crc(image: Image) -> bytes:
    """A PNG with a tEXt chunk (ancillary) whose CRC is wrong, and nothing else wrong."""
    png = encode(image, "PNG")
    idat = png.index(b"IDAT") - 4
    chunk = bytearray(png_chunk(b"tEXt", b"Comment\x00made by a broken tool"))
    chunk[-1] ^= 0xFF
    return png[:idat] + bytes(chunk) + png[idat:]
