"""The invisible mark: what it costs, what it survives, and what it does not."""

from __future__ import annotations

import io

import cv2
import numpy as np
import pytest
from PIL import Image
from skimage import data

from gouache.provenance import watermark

MARK = "5a8fe0b4"


def psnr(a: np.ndarray, b: np.ndarray) -> float:
    mse = float(np.mean((a.astype(np.float64) - b.astype(np.float64)) ** 2))
    return 10 * np.log10(255.0**2 / mse)


def jpeg(image: np.ndarray, quality: int) -> np.ndarray:
    out = io.BytesIO()
    Image.fromarray(image).save(out, "JPEG", quality=quality)
    return np.asarray(Image.open(io.BytesIO(out.getvalue())).convert("RGB"))


def accuracy(image: np.ndarray) -> float:
    return float(np.mean(watermark.read_bits(image) == watermark.payload_bits(MARK)))


@pytest.fixture(scope="module", params=["astronaut", "coffee", "chelsea"])
def pair(request: pytest.FixtureRequest) -> tuple[np.ndarray, np.ndarray]:
    original = np.ascontiguousarray(getattr(data, request.param)())
    return original, watermark.embed(original, MARK)


def test_the_mark_costs_less_than_38_db_of_psnr(pair: tuple[np.ndarray, np.ndarray]) -> None:
    original, marked = pair
    assert psnr(original, marked) > 38.0
    assert accuracy(marked) == 1.0


def test_at_least_95_percent_of_bits_survive_jpeg_80(pair: tuple[np.ndarray, np.ndarray]) -> None:
    marked = pair[1]
    assert accuracy(jpeg(marked, 80)) >= 0.95
    assert watermark.extract(jpeg(marked, 80)).mark_id == MARK


def test_the_mark_survives_a_resize_to_90_percent_and_back(
    pair: tuple[np.ndarray, np.ndarray],
) -> None:
    marked = pair[1]
    height, width = marked.shape[:2]
    small = cv2.resize(marked, (int(width * 0.9), int(height * 0.9)), interpolation=cv2.INTER_AREA)
    back = cv2.resize(small, (width, height), interpolation=cv2.INTER_LINEAR)
    assert accuracy(back) >= 0.95
    assert watermark.extract(back).mark_id == MARK


def test_a_ten_percent_crop_is_found_by_the_phase_search(
    pair: tuple[np.ndarray, np.ndarray],
) -> None:
    marked = pair[1]
    height, width = marked.shape[:2]
    cropped = np.ascontiguousarray(
        marked[int(height * 0.05) : int(height * 0.95), int(width * 0.05) : int(width * 0.95)]
    )
    assert watermark.extract(cropped, search=False).mark_id is None  # its grid moved
    assert watermark.aligned_accuracy(cropped, MARK) == 1.0
    found = watermark.extract(cropped)
    assert found.mark_id == MARK
    assert found.searched


def test_a_crop_then_jpeg_80_still_names_the_version() -> None:
    marked = watermark.embed(np.ascontiguousarray(data.astronaut()), MARK)
    cropped = np.ascontiguousarray(marked[37:480, 21:470])
    assert watermark.extract(jpeg(cropped, 80)).mark_id == MARK


def test_a_resize_that_is_not_undone_or_a_rotation_defeats_the_mark() -> None:
    """What it does not survive, stated as a test so a change in either direction is seen."""
    marked = watermark.embed(np.ascontiguousarray(data.coffee()), MARK)
    height, width = marked.shape[:2]
    smaller = cv2.resize(
        marked, (int(width * 0.9), int(height * 0.9)), interpolation=cv2.INTER_AREA
    )
    turn = cv2.getRotationMatrix2D((width / 2, height / 2), 3.0, 1.0)
    rotated = cv2.warpAffine(marked, turn, (width, height), borderMode=cv2.BORDER_REFLECT)
    assert watermark.extract(smaller, search=False).mark_id is None
    assert watermark.extract(rotated, search=False).mark_id is None


@pytest.mark.parametrize("name", ["astronaut", "coffee", "chelsea", "rocket", "camera"])
def test_an_unmarked_picture_reads_as_no_mark(name: str) -> None:
    image = np.ascontiguousarray(getattr(data, name)())
    if image.ndim == 2:
        image = np.repeat(image[..., None], 3, axis=2)
    reading = watermark.extract(image, search=False)
    assert reading.mark_id is None
    assert reading.confidence < 0.3
    assert watermark.extract(image).mark_id is None  # nor at any crop phase


def test_alpha_is_kept_and_the_mark_reads_through_it() -> None:
    rgba = np.dstack([data.coffee(), np.full(data.coffee().shape[:2], 200, np.uint8)])
    marked = watermark.embed(rgba, MARK)
    assert np.array_equal(marked[..., 3], rgba[..., 3])
    assert watermark.extract(marked).mark_id == MARK


def test_a_tiny_image_or_a_bad_id_is_refused_with_the_reason() -> None:
    with pytest.raises(watermark.WatermarkError, match="too small to carry the watermark"):
        watermark.embed(np.zeros((64, 300, 3), np.uint8), MARK)
    with pytest.raises(ValueError, match="8 lowercase hex digits"):
        watermark.payload_bits("not-hex!")


def test_a_copy_at_another_scale_is_read_at_a_size_the_store_knows() -> None:
    marked = watermark.embed(np.ascontiguousarray(data.astronaut()), MARK)  # 512x512
    decoys = [(640, 480), (300, 200), (512, 512)]
    for scale in (0.75, 1.5):
        shot = cv2.resize(marked, None, fx=scale, fy=scale, interpolation=cv2.INTER_AREA)
        shot = jpeg(shot, 85)
        assert watermark.extract(shot).mark_id is None  # the grid no longer fits
        found = watermark.extract_rescaled(shot, decoys)
        assert found is not None
        reading, size = found
        assert (reading.mark_id, size) == (MARK, (512, 512))
    assert watermark.extract_rescaled(shot, [(640, 480), (300, 200)]) is None
