"""load_image against hostile files: every decoder failure is one InvalidImageError, damage
is reported, and files are checked before they are read whole."""

from __future__ import annotations

import os
import time
from pathlib import Path

import numpy as np
import pytest

from bad_inputs import (
    encode,
    jpeg_with_a_zeroed_scan,
    noise,
    png_chunk,
    png_with_a_bad_text_chunk_crc,
    tiff_whose_second_frame_has_no_size,
)
from gouache.errors import ImageTooLargeError, InvalidImageError
from gouache.images import load_image, max_file_bytes


def test_a_tiff_whose_second_frame_has_no_size_is_refused_in_one_line() -> None:
    with pytest.raises(InvalidImageError, match=r"two\.tif: truncated or corrupt TIFF"):
        load_image(tiff_whose_second_frame_has_no_size(), name="two.tif")


def test_a_jpeg_with_a_zeroed_scan_is_reported_as_damaged_with_libjpegs_words() -> None:
    with pytest.raises(InvalidImageError, match=r"scan\.jpg: .*corrupt JPEG.*Corrupt JPEG data"):
        load_image(jpeg_with_a_zeroed_scan(), name="scan.jpg")


def test_an_undamaged_jpeg_still_loads_after_the_damage_check() -> None:
    ramp = np.linspace(0, 255, 48, dtype=np.uint8)
    image = np.dstack([np.tile(ramp, (64, 1))] * 3)
    loaded = load_image(encode(image, "JPEG", quality=95))
    assert loaded.pixels.shape == (64, 48, 3)
    assert np.abs(loaded.pixels.astype(int) - image).mean() < 3


def test_a_png_whose_only_fault_is_an_ancillary_chunk_crc_loads_with_a_note() -> None:
    image = noise(10, 12, seed=2)
    loaded = load_image(png_with_a_bad_text_chunk_crc(image))
    assert np.array_equal(loaded.pixels, image)
    assert any("'tEXt' had a bad CRC and was ignored" in note for note in loaded.notes)


def test_a_huge_file_with_a_png_signature_is_refused_from_its_size_alone(tmp_path: Path) -> None:
    path = tmp_path / "huge.png"
    with path.open("wb") as fh:
        fh.write(b"\x89PNG\r\n\x1a\n")
        fh.truncate(3 * 1024**3)  # 3 GB, sparse: nothing is written and nothing may be read
    started = time.perf_counter()
    with pytest.raises(ImageTooLargeError, match=r"huge\.png: 3221\.2 MB is more than"):
        load_image(path)
    assert time.perf_counter() - started < 1.0


def test_a_large_file_behind_a_one_pixel_header_is_refused_after_its_header(
    tmp_path: Path,
) -> None:
    one_pixel = encode(noise(1, 1), "PNG")
    path = tmp_path / "padded.png"
    with path.open("wb") as fh:
        fh.write(one_pixel)
        fh.truncate(200 * 1024**2)  # within the byte limit of 40 MP, far beyond 1 pixel
    assert path.stat().st_size < max_file_bytes(40_000_000)
    with pytest.raises(InvalidImageError, match=r"far more than its header's 1 pixels"):
        load_image(path)


def test_the_byte_limit_follows_the_pixel_limit() -> None:
    data = encode(noise(4, 4), "BMP")  # 4x4 BMP: 102 bytes, over a limit of 1 pixel
    assert len(data) > max_file_bytes(1) - 64 * 1024 * 1024
    load_image(data, max_pixels=16)


def test_a_file_name_with_control_characters_is_printed_escaped(tmp_path: Path) -> None:
    path = tmp_path / "bad\x1b[2Jname.png"
    path.write_bytes(b"not an image")
    with pytest.raises(InvalidImageError) as caught:
        load_image(path)
    assert "\x1b" not in caught.value.message
    assert "bad\\x1b[2Jname.png" in caught.value.message


def test_a_file_name_that_is_not_utf8_loads_and_its_label_is_printable(tmp_path: Path) -> None:
    name = os.fsdecode(b"caf\xe9.png")  # the surrogate form Python gives such a name
    path = tmp_path / name
    path.write_bytes(encode(noise(5, 5), "PNG"))
    loaded = load_image(path)
    assert loaded.pixels.shape == (5, 5, 3)
    assert loaded.name.endswith("caf\ufffd.png")
    loaded.name.encode("utf-8")  # printable: no lone surrogates left


@pytest.mark.parametrize(
    "payload",
    [
        pytest.param(b"\x00" * 13, id="IHDR-zero-size"),
        pytest.param(b"\xff" * 13, id="IHDR-all-ones"),
        pytest.param(b"\x00\x00\x00\x01\x00\x00\x00\x01\x08\x07\x00\x00\x00", id="bad-colour-type"),
    ],
)
def test_a_png_with_a_nonsense_header_is_one_invalid_image_error(payload: bytes) -> None:
    data = (
        b"\x89PNG\r\n\x1a\n"
        + png_chunk(b"IHDR", payload)
        + png_chunk(b"IDAT", b"")
        + png_chunk(b"IEND", b"")
    )
    with pytest.raises((InvalidImageError, ImageTooLargeError)):
        load_image(data)
