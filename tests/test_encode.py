"""Output files in the format their name asks for; the store keeps lossless PNG."""

from __future__ import annotations

import io
import os
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
from PIL import Image as PILImage

from gouache.encode import encode_for, encode_pixels, flatten_on_white
from gouache.errors import InputError
from gouache.provenance.export import export_version
from gouache.provenance.metadata import read_recipe
from gouache.sessions.session import Session
from gouache.sessions.store import Store


def png_of(pixels: np.ndarray) -> bytes:
    out = io.BytesIO()
    PILImage.fromarray(pixels).save(out, format="PNG")
    return out.getvalue()


@pytest.fixture(scope="module")
def photo() -> np.ndarray:
    ys, xs = np.mgrid[0:64, 0:96]
    return np.dstack([xs * 2, ys * 3, (xs + ys)]).astype(np.uint8)


@pytest.mark.parametrize(
    ("name", "fmt"), [("a.jpg", "JPEG"), ("a.JPEG", "JPEG"), ("a.webp", "WEBP"), ("a.tif", "TIFF")]
)
def test_the_suffix_names_the_format_written(photo: np.ndarray, name: str, fmt: str) -> None:
    encoded = encode_for(Path(name), png_of(photo))
    with PILImage.open(io.BytesIO(encoded.data)) as written:
        assert written.format == fmt
        assert written.size == (96, 64)


def test_png_bytes_are_kept_as_stored(photo: np.ndarray) -> None:
    data = png_of(photo)
    assert encode_for(Path("a.png"), data).data == data
    assert encode_for(Path("noext"), data).data == data


def test_quality_sets_the_jpeg_size_and_webp_100_is_lossless(photo: np.ndarray) -> None:
    low = encode_for(Path("a.jpg"), png_of(photo), quality=30).data
    high = encode_for(Path("a.jpg"), png_of(photo), quality=95).data
    assert len(low) < len(high)
    lossless = encode_for(Path("a.webp"), png_of(photo), quality=100).data
    with PILImage.open(io.BytesIO(lossless)) as back:
        np.testing.assert_array_equal(np.asarray(back.convert("RGB")), photo)


def test_transparency_is_flattened_over_white_for_jpeg_and_said(photo: np.ndarray) -> None:
    rgba = np.dstack([photo, np.zeros(photo.shape[:2], np.uint8)])
    encoded = encode_for(Path("a.jpg"), png_of(rgba))
    assert "flattened over white" in encoded.note
    with PILImage.open(io.BytesIO(encoded.data)) as back:
        assert np.asarray(back).min() > 240
    kept = encode_for(Path("a.webp"), png_of(rgba))
    with PILImage.open(io.BytesIO(kept.data)) as back:
        assert back.mode == "RGBA"


def test_an_unknown_suffix_or_quality_is_one_clear_error(photo: np.ndarray) -> None:
    with pytest.raises(InputError, match=r"not \.xyz"):
        encode_for(Path("a.xyz"), png_of(photo))
    with pytest.raises(InputError, match="quality"):
        encode_for(Path("a.jpg"), png_of(photo), quality=0)


@pytest.fixture
def half_clear(photo: np.ndarray) -> np.ndarray:
    """The photo with alpha: opaque on the left, half transparent in the middle, clear right."""
    alpha = np.full(photo.shape[:2], 255, np.uint8)
    alpha[:, 32:64] = 128
    alpha[:, 64:] = 0
    return np.dstack([photo, alpha])


@pytest.mark.parametrize(("suffix", "fmt"), [(".jpg", "jpeg"), (".webp", "webp")])
@pytest.mark.parametrize("quality", [None, 60, 100])
def test_o_and_export_write_the_same_bytes_for_the_same_version(
    store: Store, half_clear: np.ndarray, suffix: str, fmt: str, quality: int | None
) -> None:
    session = Session.start(store, half_clear)
    stored = store.blobs.get_bytes(session.resolve("head").blob)
    written = encode_for(Path("out" + suffix), stored, quality).data
    exported = export_version(session, fmt=fmt, recipe=False, quality=quality).data  # type: ignore[arg-type]
    assert written == exported


def test_webp_at_100_is_lossless_in_an_export_too(store: Store, half_clear: np.ndarray) -> None:
    session = Session.start(store, half_clear)
    exported = export_version(session, fmt="webp", quality=100)
    with PILImage.open(io.BytesIO(exported.data)) as back:
        np.testing.assert_array_equal(np.asarray(back.convert("RGBA")), half_clear)
    assert read_recipe(exported.data) == exported.recipe


def test_alpha_is_flattened_over_white_by_one_rule(half_clear: np.ndarray) -> None:
    flat, transparent = flatten_on_white(half_clear)
    assert transparent
    np.testing.assert_array_equal(flat[:, :32], half_clear[:, :32, :3])
    middle = half_clear[:, 32:64, :3].astype(np.float64) * 128 / 255 + 255 * 127 / 255
    np.testing.assert_array_equal(flat[:, 32:64], np.rint(middle).astype(np.uint8))
    assert (flat[:, 64:] == 255).all()
    opaque, transparent = flatten_on_white(half_clear[:, :32].copy())
    assert not transparent
    np.testing.assert_array_equal(opaque, half_clear[:, :32, :3])


def test_xmp_goes_into_jpeg_and_webp_only(photo: np.ndarray) -> None:
    packet = b'<x:xmpmeta xmlns:x="adobe:ns:meta/">hello</x:xmpmeta>'
    for fmt in ("JPEG", "WEBP"):
        assert b"hello</x:xmpmeta>" in encode_pixels(photo, fmt, xmp=packet).data
    with pytest.raises(ValueError, match="iTXt"):
        encode_pixels(photo, "PNG", xmp=packet)


def test_edit_writes_a_jpeg_for_o_out_jpg_and_follows_a_character(tmp_path: Path) -> None:
    from matplotlib import cbook

    hopper = Path(cbook.get_sample_data("grace_hopper.jpg", asfileobj=False))
    env = {**os.environ, "GOUACHE_DATA_DIR": str(tmp_path / "data")}
    env.pop("GOUACHE_STORE", None)
    result = subprocess.run(
        [sys.executable, "-m", "gouache", "edit", str(hopper), "make it warmer",
         "-o", "out.jpg", "--quality", "80", "--character", f"Grace={hopper}"],
        capture_output=True, text=True, cwd=tmp_path, env=env, timeout=120, check=False,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    assert "following Grace" in result.stdout
    with PILImage.open(tmp_path / "out.jpg") as written:
        assert written.format == "JPEG"
    stored = [p.suffix for p in (tmp_path / "data" / "blobs").rglob("*.*")]
    assert ".png" in stored
    assert not {".jpg", ".jpeg", ".webp"} & set(stored)
