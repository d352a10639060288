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

from gouache.encode import encode_for
from gouache.errors import InputError


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
