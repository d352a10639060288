"""load_image against a corpus of odd and broken inputs, check_image, and the BlobStore."""

from __future__ import annotations

import contextlib
import hashlib
import os
import threading
import tracemalloc
import warnings
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from PIL import Image as PILImage
from PIL import ImageFile

from bad_inputs import (
    BLUE,
    GREEN,
    RED,
    animated_gif,
    encode,
    grey16_ramp,
    jpeg_with_orientation,
    noise,
    palette_png_with_transparent_index,
    png16,
    png_claiming_size,
    with_idat_crc_flipped,
)
from gouache.errors import ImageTooLargeError, InvalidImageError, StoreError
from gouache.images import (
    BlobStore,
    LoadedImage,
    check_image,
    decode_png,
    encode_png,
    image_digest,
    load_image,
)

SUPPORTED = "supported: BMP, GIF, JPEG, PNG, TIFF, WEBP"


def write(tmp_path: Path, name: str, data: bytes) -> Path:
    path = tmp_path / name
    path.write_bytes(data)
    return path


def load_written(tmp_path: Path, name: str, data: bytes, **kwargs: Any) -> LoadedImage:
    return load_image(write(tmp_path, name, data), **kwargs)


# --- files that are not images at all -------------------------------------------------------


def test_an_empty_file_is_refused_by_name(tmp_path: Path) -> None:
    path = write(tmp_path, "empty.png", b"")
    with pytest.raises(InvalidImageError, match=r"empty\.png: the file is empty") as info:
        load_image(path)
    assert info.value.path == str(path)


def test_a_text_file_named_png_is_not_an_image_and_the_message_lists_the_formats(
    tmp_path: Path,
) -> None:
    path = write(tmp_path, "notes.png", b"shopping list: eggs, flour\n")
    with pytest.raises(InvalidImageError, match=r"notes\.png: not an image") as info:
        load_image(path)
    assert SUPPORTED in str(info.value)


def test_non_image_bytes_are_refused_under_the_given_name() -> None:
    with pytest.raises(InvalidImageError, match=r"upload-7: not an image") as info:
        load_image(b"<html>404</html>", name="upload-7")
    assert info.value.path == "upload-7"


def test_non_image_bytes_without_a_name_are_called_bytes() -> None:
    with pytest.raises(InvalidImageError, match=r"<bytes>: not an image"):
        load_image(b"\x00\x01\x02\x03" * 10)


def test_a_folder_is_refused_as_a_folder(tmp_path: Path) -> None:
    with pytest.raises(InvalidImageError, match=r"is a folder, not an image") as info:
        load_image(tmp_path)
    assert info.value.path == str(tmp_path)


def test_a_missing_path_is_refused_by_name(tmp_path: Path) -> None:
    path = tmp_path / "nowhere.jpg"
    with pytest.raises(InvalidImageError, match=r"nowhere\.jpg: no such file"):
        load_image(path)


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="needs named pipes")
def test_a_named_pipe_is_refused_without_blocking_on_it(tmp_path: Path) -> None:
    path = tmp_path / "pipe.png"
    os.mkfifo(path)
    # should load_image ever open the pipe, a writer shows up after a while and closes it,
    # so a regression fails this test instead of hanging the whole run
    rescue = threading.Timer(5.0, _open_and_close_for_writing, args=(path,))
    rescue.start()
    try:
        with pytest.raises(InvalidImageError, match=r"pipe\.png: not a regular file"):
            load_image(path)
    finally:
        rescue.cancel()


def _open_and_close_for_writing(path: Path) -> None:
    with contextlib.suppress(OSError):  # no reader: nothing is stuck
        os.close(os.open(path, os.O_WRONLY | os.O_NONBLOCK))


def test_the_given_name_replaces_the_path_in_messages(tmp_path: Path) -> None:
    path = write(tmp_path, "tmp123.png", b"")
    with pytest.raises(InvalidImageError, match=r"^holiday\.png: the file is empty$"):
        load_image(path, name="holiday.png")


def test_a_source_that_is_neither_a_path_nor_bytes_is_a_type_error() -> None:
    with pytest.raises(TypeError, match=r"takes a path or bytes, not int"):
        load_image(42)  # type: ignore[arg-type]


@pytest.mark.parametrize("fmt", ["ICO", "PCX"])
def test_a_format_pillow_reads_but_gouache_does_not_is_refused_with_the_list(
    tmp_path: Path, fmt: str
) -> None:
    path = write(tmp_path, f"icon.{fmt.lower()}", encode(noise(16, 16), fmt))
    with pytest.raises(
        InvalidImageError, match=rf"icon\.{fmt.lower()}: {fmt} images are not supported"
    ) as info:
        load_image(path)
    assert SUPPORTED in str(info.value)


# --- cut short, padded or corrupt files ------------------------------------------------------


def test_a_jpeg_cut_in_half_is_truncated(tmp_path: Path) -> None:
    whole = encode(noise(64, 80), "JPEG", quality=90)
    assert not ImageFile.LOAD_TRUNCATED_IMAGES
    path = write(tmp_path, "half.jpg", whole[: len(whole) // 2])
    with pytest.raises(InvalidImageError, match=r"half\.jpg: truncated or corrupt JPEG"):
        load_image(path)


def test_a_jpeg_missing_only_its_end_marker_is_truncated(tmp_path: Path) -> None:
    whole = encode(noise(64, 80), "JPEG", quality=90)
    assert whole.endswith(b"\xff\xd9")
    with pytest.raises(InvalidImageError, match=r"truncated or corrupt JPEG"):
        load_written(tmp_path, "no-eoi.jpg", whole[:-2])


def test_a_jpeg_whose_second_half_is_zeros_is_refused_though_pillow_decodes_it(
    tmp_path: Path,
) -> None:
    # what a half-finished download into a preallocated file looks like; libjpeg decodes
    # the zeros as valid (grey) blocks and Pillow reports no error
    whole = encode(noise(64, 80), "JPEG", quality=90)
    half = len(whole) // 2
    padded = whole[:half] + bytes(len(whole) - half)
    with pytest.raises(InvalidImageError, match=r"padded\.jpg: .*no end-of-image marker"):
        load_written(tmp_path, "padded.jpg", padded)


def test_a_jpeg_with_bytes_after_its_end_marker_still_loads(tmp_path: Path) -> None:
    whole = encode(noise(8, 8), "JPEG", quality=90)
    loaded = load_written(tmp_path, "trailer.jpg", whole + b"camera maker notes")
    assert loaded.pixels.shape == (8, 8, 3)


@pytest.mark.parametrize(
    ("cut", "why"),
    [
        pytest.param(0.5, "cut short inside the 'IDAT' chunk", id="half"),
        pytest.param(12, "no IEND chunk", id="without-IEND"),
        pytest.param(20, "cut short inside the 'IDAT' chunk", id="without-IEND-and-IDAT-tail"),
    ],
)
def test_a_truncated_png_is_refused_even_when_all_pixels_arrived(
    tmp_path: Path, cut: float, why: str
) -> None:
    whole = encode(noise(40, 50), "PNG")
    keep = int(len(whole) * cut) if cut < 1 else len(whole) - int(cut)
    with pytest.raises(InvalidImageError, match=rf"cut\.png: truncated or corrupt PNG.*{why}"):
        load_written(tmp_path, "cut.png", whole[:keep])


def test_a_png_with_a_bad_idat_crc_is_corrupt(tmp_path: Path) -> None:
    bad = with_idat_crc_flipped(encode(noise(8, 8), "PNG"))
    with pytest.raises(InvalidImageError, match=r"bad CRC in the 'IDAT' chunk"):
        load_written(tmp_path, "crc.png", bad)


@pytest.mark.parametrize("fmt", ["WEBP", "TIFF", "BMP", "GIF"])
def test_other_formats_cut_in_half_are_refused(tmp_path: Path, fmt: str) -> None:
    whole = encode(noise(40, 50), fmt)
    with pytest.raises(InvalidImageError, match=r"half\.img: "):
        load_written(tmp_path, "half.img", whole[: len(whole) // 2])


# --- the pixel limit --------------------------------------------------------------------------


def _refuse_decoding(self: ImageFile.ImageFile) -> None:
    raise AssertionError("load_image decoded pixels of an image it should have refused")


@pytest.mark.filterwarnings("error")
@pytest.mark.parametrize(
    ("width", "height", "max_pixels"),
    [
        pytest.param(30_000, 30_000, 40_000_000, id="900MP-over-pillow-hard-limit"),
        pytest.param(10_000, 10_000, 40_000_000, id="100MP-over-pillow-warning"),
        pytest.param(7_000, 6_000, 40_000_000, id="42MP-just-over-default"),
        pytest.param(30_000, 30_000, 10**12, id="900MP-with-a-huge-limit"),
    ],
)
def test_a_png_header_claiming_too_many_pixels_is_refused_fast_and_without_decoding(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, width: int, height: int, max_pixels: int
) -> None:
    path = write(tmp_path, "bomb.png", png_claiming_size(width, height))
    assert path.stat().st_size < 200
    monkeypatch.setattr(ImageFile.ImageFile, "load", _refuse_decoding)
    # refused before decoding: `load` is patched to fail, and little memory was taken
    tracemalloc.start()
    try:
        with pytest.raises(ImageTooLargeError, match=r"bomb\.png: .*MP.*over .*limit") as info:
            load_image(path, max_pixels=max_pixels)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert peak < 2_000_000  # an RGB decode would need width * height * 3 bytes
    assert info.value.pixels == width * height
    assert info.value.path == str(path)


def test_a_limit_above_pillows_hard_limit_is_capped_by_it_and_says_so(tmp_path: Path) -> None:
    path = write(tmp_path, "huge.png", png_claiming_size(30_000, 30_000))
    with pytest.raises(ImageTooLargeError, match=r"900\.0 MP is over Pillow's hard limit"):
        load_image(path, max_pixels=10**12)
    with pytest.raises(ImageTooLargeError, match=r"900\.0 MP is over the limit of 40\.0 MP"):
        load_image(path)


def test_an_image_exactly_at_the_pixel_limit_loads(tmp_path: Path) -> None:
    loaded = load_written(tmp_path, "ten.png", encode(noise(10, 12), "PNG"), max_pixels=120)
    assert loaded.pixels.shape == (10, 12, 3)


def test_an_image_one_pixel_over_the_limit_is_refused(tmp_path: Path) -> None:
    with pytest.raises(ImageTooLargeError, match=r"over\.png: 12x10 is 0\.0 MP") as info:
        load_written(tmp_path, "over.png", encode(noise(10, 12), "PNG"), max_pixels=119)
    assert info.value.pixels == 120


def test_a_limit_below_one_pixel_is_a_configuration_error() -> None:
    with pytest.raises(ValueError, match=r"max_pixels must be at least 1"):
        load_image(b"irrelevant", max_pixels=0)


# --- modes are normalised to RGB or RGBA -----------------------------------------------------


def test_a_cmyk_jpeg_comes_back_as_rgb_with_cyan_still_cyan(tmp_path: Path) -> None:
    cmyk = PILImage.new("CMYK", (16, 8), (255, 0, 0, 0))  # pure cyan
    cmyk.paste((0, 0, 0, 255), (8, 0, 16, 8))  # right half pure black
    loaded = load_written(tmp_path, "print.jpg", encode(cmyk, "JPEG", quality=95))
    assert loaded.pixels.shape == (8, 16, 3)
    cyan = loaded.pixels[4, 2].astype(int)
    assert cyan[0] < 40
    assert cyan[1] > 215
    assert cyan[2] > 215
    assert loaded.pixels[4, 13].max() < 40
    assert "CMYK converted to RGB" in loaded.notes


def test_a_16_bit_grey_png_becomes_a_monotone_8_bit_ramp(tmp_path: Path) -> None:
    ramp = grey16_ramp()
    pil = PILImage.fromarray(ramp)
    assert pil.mode == "I;16"
    loaded = load_written(tmp_path, "depth.png", encode(pil, "PNG"))
    grey = loaded.pixels[0, :, 0].astype(int)
    assert loaded.pixels.shape == (3, 256, 3)
    assert grey[0] == 0
    assert grey[-1] == 255
    assert np.all(np.diff(grey) >= 0)
    assert np.abs(grey - np.arange(256)).max() <= 1
    assert np.array_equal(loaded.pixels[..., 0], loaded.pixels[..., 2])
    assert any("I;16 scaled to 8-bit RGB" in note for note in loaded.notes)


def test_a_16_bit_rgb_png_keeps_each_channel_within_one_level(tmp_path: Path) -> None:
    ramp = grey16_ramp()
    rgb16 = np.dstack([ramp, ramp[:, ::-1], np.full_like(ramp, 32768)])
    loaded = load_written(tmp_path, "rgb16.png", png16(rgb16))
    expected = rgb16.astype(float) / 257.0
    assert loaded.pixels.shape == (3, 256, 3)
    assert np.abs(loaded.pixels.astype(float) - expected).max() <= 1.0
    assert np.all(np.diff(loaded.pixels[0, :, 0].astype(int)) >= 0)


def test_a_palette_png_with_a_transparent_index_becomes_rgba(tmp_path: Path) -> None:
    loaded = load_written(tmp_path, "sprite.png", palette_png_with_transparent_index())
    px = loaded.pixels
    assert px.shape == (4, 4, 4)
    assert px[0, 0, 3] == 0
    assert tuple(px[2, 1]) == (*GREEN, 255)
    assert int((px[..., 3] == 0).sum()) == 15
    assert "P converted to RGBA" in loaded.notes


def test_an_rgb_png_with_a_transparent_colour_becomes_rgba(tmp_path: Path) -> None:
    im = PILImage.new("RGB", (3, 2), (10, 20, 30))
    im.putpixel((2, 1), BLUE)
    loaded = load_written(tmp_path, "key.png", encode(im, "PNG", transparency=(10, 20, 30)))
    assert loaded.pixels.shape == (2, 3, 4)
    assert loaded.pixels[0, 0, 3] == 0
    assert tuple(loaded.pixels[1, 2]) == (*BLUE, 255)


def test_a_grey_and_alpha_image_becomes_rgba(tmp_path: Path) -> None:
    la = PILImage.new("LA", (5, 4), (100, 50))
    loaded = load_written(tmp_path, "ghost.png", encode(la, "PNG"))
    assert loaded.pixels.shape == (4, 5, 4)
    assert tuple(loaded.pixels[3, 4]) == (100, 100, 100, 50)
    assert "LA converted to RGBA" in loaded.notes


@pytest.mark.parametrize(
    ("mode", "value", "rgb"),
    [("1", 1, (255, 255, 255)), ("L", 77, (77, 77, 77))],
)
def test_bilevel_and_grey_images_become_rgb(
    tmp_path: Path, mode: str, value: int, rgb: tuple[int, int, int]
) -> None:
    loaded = load_written(tmp_path, "grey.png", encode(PILImage.new(mode, (3, 3), value), "PNG"))
    assert loaded.pixels.shape == (3, 3, 3)
    assert tuple(loaded.pixels[1, 1]) == rgb
    assert f"{mode} converted to RGB" in loaded.notes


def test_an_rgba_png_keeps_its_alpha_exactly(tmp_path: Path) -> None:
    rgba = noise(9, 7, channels=4, seed=3)
    loaded = load_written(tmp_path, "rgba.png", encode(rgba, "PNG"))
    assert np.array_equal(loaded.pixels, rgba)
    assert loaded.notes == ()


def test_a_float_tiff_with_nan_loads_without_warnings(tmp_path: Path) -> None:
    values = np.array([[0.0, 0.5, 1.0, np.nan]], dtype=np.float32)
    data = encode(PILImage.fromarray(values), "TIFF")
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        loaded = load_written(tmp_path, "float.tiff", data)
    assert loaded.pixels[0, :, 0].tolist() == [0, 128, 255, 0]
    assert any("0..1 taken as the full range" in note for note in loaded.notes)


# --- frames, orientation, sizes and formats --------------------------------------------------


def test_an_animated_gif_gives_its_first_frame_and_says_so(tmp_path: Path) -> None:
    loaded = load_written(tmp_path, "blink.gif", animated_gif([RED, GREEN, BLUE]))
    assert loaded.format == "GIF"
    assert loaded.pixels.shape == (6, 8, 3)
    assert np.all(loaded.pixels == np.array(RED, dtype=np.uint8))
    assert any("3 frames" in note and "first frame" in note for note in loaded.notes)


def test_an_exif_orientation_6_jpeg_is_turned_upright(tmp_path: Path) -> None:
    # stored 40 wide and 20 high with a red top-left block; orientation 6 means "turn 90°
    # clockwise to view", which puts the stored top-left corner at the viewed top-right
    stored = np.full((20, 40, 3), 128, dtype=np.uint8)
    stored[:8, :8] = RED
    loaded = load_written(tmp_path, "phone.jpg", jpeg_with_orientation(stored, 6))
    assert loaded.pixels.shape == (40, 20, 3)
    top_right = loaded.pixels[1:6, -6:-1].reshape(-1, 3).mean(axis=0)
    top_left = loaded.pixels[1:6, 1:6].reshape(-1, 3).mean(axis=0)
    np.testing.assert_allclose(top_right, RED, atol=12)
    np.testing.assert_allclose(top_left, (128, 128, 128), atol=12)
    assert "EXIF orientation 6 applied" in loaded.notes


def test_an_invalid_exif_orientation_is_ignored_without_a_note(tmp_path: Path) -> None:
    loaded = load_written(tmp_path, "odd.jpg", jpeg_with_orientation(noise(10, 30), 9))
    assert loaded.pixels.shape == (10, 30, 3)
    assert not any("orientation" in note for note in loaded.notes)


def test_a_one_pixel_image_loads(tmp_path: Path) -> None:
    loaded = load_written(tmp_path, "dot.png", encode(np.array([[[1, 2, 3]]], np.uint8), "PNG"))
    assert loaded.pixels.tolist() == [[[1, 2, 3]]]
    assert (loaded.width, loaded.height) == (1, 1)


@pytest.mark.parametrize(
    ("fmt", "params", "channels"),
    [
        ("PNG", {}, 3),
        ("WEBP", {"lossless": True}, 3),
        ("WEBP", {"lossless": True}, 4),
        ("TIFF", {}, 3),
        ("TIFF", {}, 4),
        ("BMP", {}, 3),
    ],
)
def test_lossless_formats_round_trip_exactly(
    tmp_path: Path, fmt: str, params: dict[str, Any], channels: int
) -> None:
    original = noise(13, 17, channels=channels, seed=5)
    if channels == 4:
        original[..., 3] = np.maximum(original[..., 3], 1)  # WebP drops colour under alpha 0
    loaded = load_written(tmp_path, f"image.{fmt.lower()}", encode(original, fmt, **params))
    assert loaded.format == fmt
    assert np.array_equal(loaded.pixels, original)


def test_a_jpeg_loads_close_to_what_was_saved() -> None:
    yy, xx = np.mgrid[0:32, 0:48]
    smooth = np.dstack([xx * 5, yy * 7, (xx + yy) * 3]).astype(np.uint8)
    loaded = load_image(encode(smooth, "JPEG", quality=95), name="smooth.jpg")
    assert loaded.format == "JPEG"
    assert np.abs(loaded.pixels.astype(int) - smooth.astype(int)).mean() < 3


def test_a_lossy_webp_loads_close_to_what_was_saved() -> None:
    flat = np.full((16, 16, 3), (40, 160, 220), dtype=np.uint8)
    loaded = load_image(encode(flat, "WEBP", quality=90), name="flat.webp")
    np.testing.assert_allclose(loaded.pixels.reshape(-1, 3).mean(axis=0), (40, 160, 220), atol=4)


# --- check_image ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "message"),
    [
        pytest.param([[[0, 0, 0]]], r"an image is a numpy array, not list", id="list"),
        pytest.param(np.zeros((2, 2, 3)), r"dtype uint8, not float64", id="float"),
        pytest.param(np.zeros((2, 2), np.uint8), r"not \(2, 2\)", id="2-D"),
        pytest.param(np.zeros((2, 2, 5), np.uint8), r"not \(2, 2, 5\)", id="5-channels"),
        pytest.param(np.zeros((0, 2, 3), np.uint8), r"not \(0, 2, 3\)", id="empty"),
    ],
)
def test_check_image_refuses_what_is_not_an_image_with_a_type_error(
    value: object, message: str
) -> None:
    with pytest.raises(TypeError, match=message):
        check_image(value)


def test_check_image_returns_a_valid_image_unchanged() -> None:
    image = noise(2, 3, channels=4)
    assert check_image(image) is image


# --- PNG encoding and digests -----------------------------------------------------------------


@pytest.mark.parametrize("channels", [3, 4])
def test_encode_and_decode_png_round_trip_exactly(channels: int) -> None:
    image = noise(21, 11, channels=channels, seed=channels)
    assert np.array_equal(decode_png(encode_png(image)), image)


def test_decode_png_refuses_a_16_bit_png_instead_of_wrapping_values() -> None:
    with pytest.raises(InvalidImageError, match=r"not 8-bit \(uint16\)"):
        decode_png(png16(grey16_ramp()))


@pytest.mark.parametrize(
    ("data", "message"),
    [
        pytest.param(b"", r"not a PNG", id="empty"),
        pytest.param(b"\xff\xd8\xff\xe0 jpeg", r"not a PNG", id="jpeg"),
        pytest.param(encode(noise(9, 9), "PNG")[:-30], r"corrupt", id="truncated"),
    ],
)
def test_decode_png_refuses_bytes_that_are_not_a_whole_png(data: bytes, message: str) -> None:
    with pytest.raises(InvalidImageError, match=message):
        decode_png(data)


def test_the_digest_depends_on_pixels_and_shape() -> None:
    image = noise(4, 6)
    assert image_digest(image) == image_digest(image.copy())
    assert image_digest(image) != image_digest(image.reshape(6, 4, 3))
    changed = image.copy()
    changed[0, 0, 0] ^= 1
    assert image_digest(image) != image_digest(changed)


# --- BlobStore --------------------------------------------------------------------------------


def stored_files(root: Path) -> list[Path]:
    return sorted(p for p in root.rglob("*") if p.is_file())


@pytest.mark.parametrize("channels", [3, 4])
def test_a_blob_round_trips_exactly(tmp_path: Path, channels: int) -> None:
    store = BlobStore(tmp_path)
    image = noise(30, 20, channels=channels, seed=9)
    digest = store.put(image)
    assert np.array_equal(store.get(digest), image)
    assert store.has(digest)
    assert hashlib.sha256(store.get_bytes(digest)).hexdigest() == digest


def test_the_same_image_is_stored_once(tmp_path: Path) -> None:
    store = BlobStore(tmp_path)
    image = noise(8, 8)
    first = store.put(image)
    second = store.put(image.copy())
    assert first == second
    assert stored_files(tmp_path) == [store.path_of(first)]


def test_writing_blobs_leaves_no_temp_files(tmp_path: Path) -> None:
    store = BlobStore(tmp_path)
    for seed in range(3):
        store.put(noise(5, 5, seed=seed))
    assert len(stored_files(tmp_path)) == 3
    assert not list(tmp_path.rglob(".tmp-*"))


@pytest.mark.parametrize(
    "digest",
    [
        pytest.param("abc", id="short"),
        pytest.param("A" * 64, id="uppercase"),
        pytest.param("g" * 64, id="not-hex"),
        pytest.param("../" + "a" * 61, id="path-traversal"),
        pytest.param("", id="empty"),
    ],
)
def test_path_of_refuses_anything_but_a_sha256_hex_digest(tmp_path: Path, digest: str) -> None:
    with pytest.raises(StoreError, match=r"not a blob address"):
        BlobStore(tmp_path).path_of(digest)


def test_a_failed_rename_leaves_no_partial_blob_and_raises(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    store = BlobStore(tmp_path)
    data = encode_png(noise(6, 6))

    def broken_replace(src: str, dst: str) -> None:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(os, "replace", broken_replace)
    with pytest.raises(StoreError, match=r"cannot write blob .*No space left on device"):
        store.put_bytes(data)
    assert stored_files(tmp_path) == []
    assert not store.has(hashlib.sha256(data).hexdigest())


def test_a_missing_blob_is_a_store_error(tmp_path: Path) -> None:
    with pytest.raises(StoreError, match=r"blob 000000000000 is missing"):
        BlobStore(tmp_path).get("0" * 64)


def test_a_blob_whose_bytes_changed_on_disk_is_a_store_error(tmp_path: Path) -> None:
    store = BlobStore(tmp_path)
    digest = store.put(noise(6, 6))
    path = store.path_of(digest)
    path.write_bytes(path.read_bytes()[:-1] + b"\x00")
    with pytest.raises(StoreError, match=r"is corrupt"):
        store.get(digest)


def test_put_bytes_refuses_bytes_that_are_not_a_png(tmp_path: Path) -> None:
    with pytest.raises(ValueError, match=r"not a PNG"):
        BlobStore(tmp_path).put_bytes(b"GIF89a")
