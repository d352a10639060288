"""The fast PNG writer produces standard PNGs that other decoders read back exactly."""

from __future__ import annotations

import io
import zlib

import numpy as np
import pytest
from PIL import Image as PILImage

from gouache.png import SIGNATURE, sub_filtered, write_png


@pytest.mark.parametrize("channels", [3, 4])
def test_pillow_reads_back_exactly_what_was_written(channels: int) -> None:
    rng = np.random.default_rng(channels)
    image = rng.integers(0, 256, size=(37, 53, channels), dtype=np.uint8)
    data = write_png(image)
    assert data.startswith(SIGNATURE)
    decoded = np.asarray(PILImage.open(io.BytesIO(data)))
    assert decoded.shape == image.shape
    assert np.array_equal(decoded, image)


def test_the_sub_filter_stores_differences_to_the_left_neighbour() -> None:
    image = np.array([[[10, 20, 30], [15, 25, 5]]], dtype=np.uint8)
    raw = sub_filtered(image)
    assert list(raw) == [1, 10, 20, 30, 5, 5, (5 - 30) % 256]


def test_a_smooth_photo_compresses_well_below_its_raw_size() -> None:
    ramp = np.tile(np.arange(256, dtype=np.uint8), (64, 1))
    image = np.dstack([ramp, ramp, ramp])
    data = write_png(image)
    assert len(data) < image.nbytes / 10
    idat_start = data.index(b"IDAT") + 4
    assert zlib.decompress(data[idat_start:])[:1] == b"\x01"


def test_a_large_image_deflated_in_bands_decodes_exactly_and_always_to_the_same_bytes() -> None:
    import io
    import zlib

    from PIL import Image as PILImage

    from gouache.png import CHUNKS, PARALLEL_PIXELS, write_png

    rng = np.random.default_rng(3)
    side = int(PARALLEL_PIXELS**0.5) + 7  # over the threshold, rows not a multiple of CHUNKS
    image = rng.integers(0, 256, size=(side, side + 5, 3), dtype=np.uint8)
    image[: side // 2] //= 8  # some structure, so the bands compress differently
    data = write_png(image)

    assert np.array_equal(np.asarray(PILImage.open(io.BytesIO(data))), image)
    start = data.index(b"IDAT") + 4
    length = int.from_bytes(data[start - 8 : start - 4], "big")
    zlib.decompress(data[start : start + length])  # one valid zlib stream, checksum included
    assert write_png(image) == data
    assert side % CHUNKS != 0
