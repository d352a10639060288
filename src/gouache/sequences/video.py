"""Frames to a file: MP4 (H.264 through PyAV), GIF or animated WebP (Pillow), by suffix.

Every frame is fitted to one size first (the first frame's, or `size`), letterboxed when its
aspect differs; H.264 in yuv420p needs even sides, so the size is rounded down to even for MP4.
The file is encoded in memory, then written as every output is (gouache.outputs).
"""

from __future__ import annotations

import io
from collections.abc import Sequence
from pathlib import Path

import cv2
import numpy as np

from gouache.errors import InputError, UnsupportedError
from gouache.images import Image
from gouache.outputs import check_target, write_file

FORMATS = (".mp4", ".gif", ".webp")
MAX_FPS = 120.0


def fit(image: Image, size: tuple[int, int]) -> Image:
    """`image` as RGB scaled to fit (width, height), centred on black."""
    rgb = image[:, :, :3] if image.shape[2] >= 3 else np.repeat(image, 3, axis=2)
    height, width = rgb.shape[:2]
    if (width, height) == size:
        return np.ascontiguousarray(rgb)
    scale = min(size[0] / width, size[1] / height)
    w, h = max(1, round(width * scale)), max(1, round(height * scale))
    shrink = w <= width
    resized = cv2.resize(rgb, (w, h), interpolation=cv2.INTER_AREA if shrink else cv2.INTER_CUBIC)
    canvas = np.zeros((size[1], size[0], 3), dtype=np.uint8)
    x, y = (size[0] - w) // 2, (size[1] - h) // 2
    canvas[y : y + h, x : x + w] = resized
    return canvas


def output_size(first: Image, size: int | None) -> tuple[int, int]:
    """The frames' (width, height): the first frame's, or with its longer side `size`."""
    height, width = first.shape[:2]
    if size is not None:
        scale = size / max(width, height)
        width, height = max(2, round(width * scale)), max(2, round(height * scale))
    return int(width), int(height)


def write_video(
    frames: Sequence[Image],
    path: Path,
    *,
    fps: float = 12.0,
    size: int | None = None,
    force: bool = False,
) -> Path:
    """Write `frames` to `path` (.mp4, .gif or .webp) at `fps` frames a second; the longer
    side is `size` pixels (default: the first frame's size). As every output: atomic, never
    through a link, and an existing file is replaced only with `force`."""
    suffix = path.suffix.lower()
    if suffix not in FORMATS:
        raise InputError(f"cannot write {path.name}: use a .mp4, .gif or .webp file name")
    if not frames:
        raise InputError("no frames to write")
    if not 0 < fps <= MAX_FPS:
        raise InputError(f"the frame rate must be above 0 and at most {MAX_FPS:g}, not {fps:g}")
    if size is not None and size < 16:
        raise InputError(f"--size is the longer side in pixels, at least 16, not {size}")
    check_target(path, force=force)  # before the encoding
    width, height = output_size(frames[0], size)
    if suffix == ".mp4":
        width, height = width - width % 2, height - height % 2
    fitted = [fit(frame, (width, height)) for frame in frames]
    data = _mp4(fitted, fps) if suffix == ".mp4" else _animated(fitted, fps, suffix)
    return write_file(path, data, force=force)


def _mp4(frames: Sequence[Image], fps: float) -> bytes:
    try:
        import av
    except ImportError:
        raise UnsupportedError(
            'writing MP4 needs PyAV: pip install "gouache[media]" (or write a .gif or .webp)',
            backend="sequences",
        ) from None
    from fractions import Fraction

    rate = Fraction(fps).limit_denominator(1001)
    height, width = frames[0].shape[:2]
    buffer = io.BytesIO()
    with av.open(buffer, mode="w", format="mp4") as container:
        stream = container.add_stream("libx264", rate=rate)
        stream.width, stream.height = width, height
        stream.pix_fmt = "yuv420p"
        stream.options = {"crf": "20", "preset": "veryfast"}
        for frame in frames:
            for packet in stream.encode(av.VideoFrame.from_ndarray(frame, format="rgb24")):
                container.mux(packet)
        for packet in stream.encode():
            container.mux(packet)
    return buffer.getvalue()


def _animated(frames: Sequence[Image], fps: float, suffix: str) -> bytes:
    from PIL import Image as PILImage

    pictures = [PILImage.fromarray(frame) for frame in frames]
    duration = max(1, round(1000.0 / fps))
    buffer = io.BytesIO()
    if suffix == ".gif":
        # one palette per frame, by fast octree (Pillow's default median cut takes ~0.4 s a
        # frame at 512 px), dithered so gradients do not band
        pictures = [
            p.quantize(
                256, method=PILImage.Quantize.FASTOCTREE, dither=PILImage.Dither.FLOYDSTEINBERG
            )
            for p in pictures
        ]
        pictures[0].save(
            buffer,
            format="GIF",
            save_all=True,
            append_images=pictures[1:],
            duration=duration,
            loop=0,
        )
    else:
        pictures[0].save(
            buffer,
            format="WEBP",
            save_all=True,
            append_images=pictures[1:],
            duration=duration,
            loop=0,
            quality=85,
            method=4,
        )
    return buffer.getvalue()


def count_frames(path: Path) -> int:
    """How many frames a written .mp4, .gif or .webp holds (decoded back)."""
    if path.suffix.lower() == ".mp4":
        import av

        with av.open(str(path)) as container:
            return sum(1 for _ in container.decode(video=0))
    from PIL import Image as PILImage

    with PILImage.open(path) as picture:
        return int(getattr(picture, "n_frames", 1))
