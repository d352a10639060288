"""A backend wrapper that adds the drift users report from generative editors, with known values.

Users of instruction editors see the whole picture move, zoom or turn a little, its colours
shift, its size snap to a square, a multiple of 16 or about a megapixel, and JPEG or sampling
noise on top (see FIELD.md, complaints 2 and 4). `DriftInjector` wraps any backend and applies
exactly such a `Drift` to every edit, so that the guard (gouache.guard) can be tested and
benchmarked over real edits with known answers. It is deterministic: the noise is seeded.

The drift is applied in this order, each from the source's frame to the output's:

1. a similarity about the image centre c: ``p_out = s R(theta) (p - c) + c + (dx, dy)``, with
   ``s = scale``, ``theta = rotation_deg`` (counter-clockwise on screen, as
   ``cv2.getRotationMatrix2D``), ``dx = shift_x * width``, ``dy = shift_y * width``; what
   comes into the frame from outside is mirrored in, as a model would invent it;
2. the size change (`resize_to`);
3. per channel, on values scaled to 0..1: ``out = gain * in ** gamma + offset``;
4. Gaussian noise of `noise_sigma` levels (of 255), seeded;
5. JPEG recompression at `jpeg_quality`.

An alpha channel goes through steps 1 and 2 only.
"""

from __future__ import annotations

import math
from dataclasses import asdict, dataclass, replace
from typing import Any, Literal

import cv2
import numpy as np
import numpy.typing as npt

from gouache.backends.base import (
    Capabilities,
    EditRequest,
    GenerateRequest,
    ImageModel,
    ImageResult,
    JSONValue,
)
from gouache.images import Image, check_image
from gouache.progress import CancelToken, ProgressCallback

ResizePreset = Literal["square", "square_crop", "multiple16", "1mp"]
RESIZE_PRESETS: tuple[ResizePreset, ...] = ("square", "square_crop", "multiple16", "1mp")
# "1mp": the pixel budget of the open editors (FLUX, Qwen-Image-Edit), sides multiples of 16.
ONE_MEGAPIXEL = 1024 * 1024
SIZE_MULTIPLE = 16

Triple = tuple[float, float, float]


@dataclass(frozen=True)
class Drift:
    """What the wrapped backend's output suffers, with the parameters known to the caller.

    `shift_x` and `shift_y` are fractions of the width (0.02 is 2 % of the width), `scale` a
    zoom factor (1.03 enlarges the content by 3 %), `rotation_deg` degrees counter-clockwise.
    `gain` and `offset` (a fraction of full scale) are one value or one per RGB channel;
    `gamma` applies to values in 0..1 before the gain. `resize_to` is a size (width, height) or
    a preset: "square" (stretched to a square of the same area), "square_crop" (the centre
    square, scaled to that same side), "multiple16" (each side rounded to a multiple of 16,
    stretched) or "1mp" (larger images scaled down to at most 1 MP, sides multiples of 16).
    """

    shift_x: float = 0.0
    shift_y: float = 0.0
    scale: float = 1.0
    rotation_deg: float = 0.0
    gain: float | Triple = 1.0
    offset: float | Triple = 0.0
    gamma: float = 1.0
    jpeg_quality: int | None = None
    noise_sigma: float = 0.0
    resize_to: tuple[int, int] | ResizePreset | None = None
    seed: int = 0

    def __post_init__(self) -> None:
        if not 0.2 <= self.scale <= 5.0:
            raise ValueError(f"scale must be within 0.2..5, not {self.scale}")
        if not 0.2 <= self.gamma <= 5.0:
            raise ValueError(f"gamma must be within 0.2..5, not {self.gamma}")
        if any(g <= 0 for g in _triple(self.gain)):
            raise ValueError(f"gain must be positive, not {self.gain}")
        if self.jpeg_quality is not None and not 1 <= self.jpeg_quality <= 100:
            raise ValueError(f"jpeg_quality must be within 1..100, not {self.jpeg_quality}")
        if self.noise_sigma < 0:
            raise ValueError(f"noise_sigma must not be negative, not {self.noise_sigma}")
        if isinstance(self.resize_to, str):
            if self.resize_to not in RESIZE_PRESETS:
                raise ValueError(
                    f"resize_to preset must be one of {', '.join(RESIZE_PRESETS)}, "
                    f"not {self.resize_to!r}"
                )
        elif self.resize_to is not None and min(self.resize_to) < 1:
            raise ValueError(f"resize_to must be a positive (width, height), not {self.resize_to}")

    def to_dict(self) -> dict[str, JSONValue]:
        out = asdict(self)
        for key in ("gain", "offset", "resize_to"):
            if isinstance(out[key], tuple):
                out[key] = list(out[key])
        return out

    def matrix(self, width: int, height: int) -> npt.NDArray[np.float64]:
        """The 2x3 map from source pixel centres to output pixel centres (step 1)."""
        centre = ((width - 1) / 2.0, (height - 1) / 2.0)
        m = cv2.getRotationMatrix2D(centre, self.rotation_deg, self.scale).astype(np.float64)
        m[0, 2] += self.shift_x * width
        m[1, 2] += self.shift_y * width
        return m

    def output_size(self, width: int, height: int) -> tuple[int, int]:
        """The (width, height) of the output for a source of this size (step 2)."""
        return output_size(self.resize_to, width, height)


def output_size(
    resize_to: tuple[int, int] | ResizePreset | None, width: int, height: int
) -> tuple[int, int]:
    """The size a `resize_to` value gives a (width, height) image."""
    if resize_to is None:
        return width, height
    if not isinstance(resize_to, str):
        return int(resize_to[0]), int(resize_to[1])
    if resize_to in ("square", "square_crop"):
        side = round(math.sqrt(width * height))
        return side, side
    if resize_to == "multiple16":
        return _multiple(width), _multiple(height)
    # "1mp": only ever down
    if width * height <= ONE_MEGAPIXEL:
        return width, height
    factor = math.sqrt(ONE_MEGAPIXEL / (width * height))
    return _multiple(width * factor, down=True), _multiple(height * factor, down=True)


def apply_drift(image: Image, drift: Drift) -> Image:
    """The image as a drifting model would return it (steps 1-5 of the module docstring)."""
    image = check_image(image)
    height, width = image.shape[:2]

    # 1. shift, zoom and turn about the centre; new content is mirrored in
    out = image
    if drift.scale != 1.0 or drift.rotation_deg or drift.shift_x or drift.shift_y:
        warped = cv2.warpAffine(
            image,
            drift.matrix(width, height),
            (width, height),
            flags=cv2.INTER_CUBIC,
            borderMode=cv2.BORDER_REFLECT_101,
        )
        out = np.asarray(warped, dtype=np.uint8)

    # 2. the size change
    out = _resize(out, drift.resize_to)

    # 3. gamma, gain and offset per channel, through a lookup table
    colour = np.ascontiguousarray(out[:, :, :3])
    gains, offsets = _triple(drift.gain), _triple(drift.offset)
    if drift.gamma != 1.0 or gains != (1.0, 1.0, 1.0) or offsets != (0.0, 0.0, 0.0):
        levels = np.arange(256, dtype=np.float64) / 255.0
        channels = []
        for c in range(3):
            curve = gains[c] * levels**drift.gamma + offsets[c]
            lut = np.clip(np.rint(curve * 255.0), 0, 255).astype(np.uint8)
            channels.append(cv2.LUT(colour[:, :, c], lut))
        colour = np.dstack(channels)

    # 4. seeded Gaussian noise
    if drift.noise_sigma > 0:
        rng = np.random.default_rng(drift.seed)
        noise = rng.normal(0.0, drift.noise_sigma, colour.shape)
        colour = np.clip(np.rint(colour + noise), 0, 255).astype(np.uint8)

    # 5. JPEG recompression
    if drift.jpeg_quality is not None:
        ok, data = cv2.imencode(
            ".jpg", colour[:, :, ::-1], [cv2.IMWRITE_JPEG_QUALITY, drift.jpeg_quality]
        )
        if not ok:  # pragma: no cover - OpenCV encodes any uint8 BGR image
            raise RuntimeError("OpenCV could not encode the drifted image as JPEG")
        decoded = cv2.imdecode(data, cv2.IMREAD_COLOR)
        if decoded is None:  # pragma: no cover - it decodes what it encoded
            raise RuntimeError("OpenCV could not decode its own JPEG")
        colour = np.asarray(decoded, dtype=np.uint8)[:, :, ::-1]

    if out.shape[2] == 4:
        return np.ascontiguousarray(np.dstack([colour, out[:, :, 3]]))
    return np.ascontiguousarray(colour)


class DriftInjector:
    """Any backend, whose edits come back with a known `Drift`; generation is passed through.

    The capabilities are the inner backend's, except that unedited pixels are no longer kept.
    """

    def __init__(self, inner: ImageModel, drift: Drift) -> None:
        self.inner = inner
        self.drift = drift
        self.name = f"drift({inner.name})"
        self.capabilities: Capabilities = replace(inner.capabilities, preserves_unedited=False)
        self.operators = inner.operators

    def config(self) -> dict[str, JSONValue]:
        return {
            "inner": self.inner.name,
            "inner_config": self.inner.config(),
            "drift": self.drift.to_dict(),
        }

    def generate(
        self,
        request: GenerateRequest,
        *,
        progress: ProgressCallback | None = None,
        cancel: CancelToken | None = None,
    ) -> ImageResult:
        return self.inner.generate(request, progress=progress, cancel=cancel)

    def edit(
        self,
        request: EditRequest,
        *,
        progress: ProgressCallback | None = None,
        cancel: CancelToken | None = None,
    ) -> ImageResult:
        result = self.inner.edit(request, progress=progress, cancel=cancel)
        params: dict[str, Any] = {**result.params, "drift": self.drift.to_dict()}
        return replace(result, image=apply_drift(result.image, self.drift), params=params)


def _triple(value: float | Triple) -> Triple:
    if isinstance(value, tuple):
        if len(value) != 3:
            raise ValueError(f"a per-channel value has 3 entries (R, G, B), not {len(value)}")
        return (float(value[0]), float(value[1]), float(value[2]))
    return (float(value), float(value), float(value))


def _multiple(side: float, *, down: bool = False) -> int:
    """The nearest multiple of 16 (the one below with `down`), at least 16."""
    steps = math.floor(side / SIZE_MULTIPLE + (0.0 if down else 0.5))
    return max(SIZE_MULTIPLE, SIZE_MULTIPLE * steps)


def _resize(image: Image, resize_to: tuple[int, int] | ResizePreset | None) -> Image:
    height, width = image.shape[:2]
    size = output_size(resize_to, width, height)
    if resize_to == "square_crop":
        side = min(width, height)
        x0, y0 = (width - side) // 2, (height - side) // 2
        image = image[y0 : y0 + side, x0 : x0 + side]
    if (image.shape[1], image.shape[0]) == size:
        return image
    shrinking = size[0] * size[1] < image.shape[0] * image.shape[1]
    interpolation = cv2.INTER_AREA if shrinking else cv2.INTER_CUBIC
    return np.ascontiguousarray(cv2.resize(image, size, interpolation=interpolation))
