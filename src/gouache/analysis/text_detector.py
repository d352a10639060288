"""RapidOCR's text detector with its memory bounded: the stage of `analysis.text` whose cost
grows with the picture.

The DB detector's activations take 115 to 155 bytes per pixel of its input on onnxruntime's
CPU provider (RapidOCR's own session: 200 at 1 MP), and it cannot read a picture in tiles: its
squeeze-excitation blocks pool over the whole input, so a tile reads differently from the same
part of the whole (tiles of 768 to 1536 px with 128 to 320 px of overlap gave boxes on blank
photos and lost lines of a screenshot). So it reads the whole picture, at most `max_pixels` of
it (`text.detector_pixels`: 1 MP, or one pixel in 16 of a picture over 16 MP; PaddleOCR's own
default was a long side of 960 px, 0.69 MP at 4:3). Only the detector works at that size: its
boxes are mapped back, and the recogniser reads each line from the larger working image.

Two more changes from RapidOCR 3.10's detector, neither changing what it finds:
- its input is normalised in float32 straight into the network's layout (RapidOCR goes through
  float64: 48 bytes per pixel of temporaries);
- its onnxruntime session (`ShrinkingSession`, `text.DETECTOR_OPTIONS`) plans no memory
  pattern, fuses no NCHWc layout and frees its arena after each run: at 1 MP it peaked at
  115 to 150 MB instead of RapidOCR's 350 MB, and ran no slower.
"""

from __future__ import annotations

import math
from typing import Any, cast

import cv2
import numpy as np
import onnxruntime
from omegaconf import DictConfig, OmegaConf
from rapidocr.ch_ppocr_det import TextDetector
from rapidocr.ch_ppocr_det.utils import DetPreProcess

from gouache.analysis.text import DET_MAX_PIXELS
from gouache.images import Image

# The detector's sides are multiples of the network's stride.
STRIDE = 32


class BoundedInput(DetPreProcess):
    """RapidOCR's detector input (the short side brought up to `limit_side_len`, sides rounded
    to the stride), at most `max_pixels`, normalised in float32."""

    def __init__(self, limit_side_len: int, max_pixels: int, mean: Any, std: Any) -> None:
        super().__init__(limit_side_len, "min", mean, std)
        self.max_pixels = max_pixels

    def resize(self, img: Image) -> Image | None:
        height, width = img.shape[:2]
        # RapidOCR's "min" rule, then the bound
        ratio = max(1.0, float(self.limit_side_len) / min(height, width))
        ratio = min(ratio, math.sqrt(self.max_pixels / (height * width)))
        size = (_to_stride(width * ratio), _to_stride(height * ratio))
        if size == (width, height):
            return img
        # shrinking to the bound averages (bilinear would skip pixels); else RapidOCR's bilinear
        method = cv2.INTER_AREA if ratio < 1.0 else cv2.INTER_LINEAR
        return np.asarray(cv2.resize(img, size, interpolation=method), dtype=np.uint8)

    def __call__(self, img: Image) -> Any:
        resized = self.resize(img)
        if resized is None:
            return None
        # (x * scale - mean) / std per channel, written into (1, 3, H, W)
        height, width = resized.shape[:2]
        out = np.empty((1, 3, height, width), dtype=np.float32)
        gain = np.float32(self.scale) / self.std.astype(np.float32)
        offset = self.mean.astype(np.float32) / self.std.astype(np.float32)
        for channel in range(3):
            plane = out[0, channel]
            np.multiply(resized[:, :, channel], gain[channel], out=plane)
            plane -= offset[channel]
        return out


class BoundedDetector(TextDetector):
    """RapidOCR's TextDetector with BoundedInput as its preprocessing; `max_pixels` is set
    for each picture (RapidOCR keeps its per-call settings on the instance too)."""

    max_pixels = DET_MAX_PIXELS

    def get_preprocess(self) -> DetPreProcess:
        # from RapidOCR's config, as its own get_preprocess
        short_side = cast(int, self.limit_side_len)
        return BoundedInput(short_side, self.max_pixels, self.mean, self.std)


class ShrinkingSession(onnxruntime.InferenceSession):  # type: ignore[misc]
    """An onnxruntime session whose memory arena hands its free chunks back after every run.

    Without an arena each tensor is a malloc of its own, and glibc's heap kept what the
    detector freed in fragments: 180 to 250 MB at 1 MP, 300 MB still held after four runs. With
    the arena (grown by exactly what is asked) and this shrinkage, 115 to 150 MB at 1 MP, and
    what it holds between runs does not grow.
    """

    def __init__(self, model_path: str) -> None:
        options = onnxruntime.SessionOptions()
        options.log_severity_level = 4  # RapidOCR's: errors are raised, not logged
        options.enable_cpu_mem_arena = True
        options.enable_mem_pattern = False
        options.graph_optimization_level = onnxruntime.GraphOptimizationLevel.ORT_ENABLE_EXTENDED
        cpu = ("CPUExecutionProvider", {"arena_extend_strategy": "kSameAsRequested"})
        super().__init__(model_path, sess_options=options, providers=[cpu])
        self._shrink = onnxruntime.RunOptions()
        self._shrink.add_run_config_entry("memory.enable_memory_arena_shrinkage", "cpu:0")

    def run(self, output_names: Any, input_feed: Any, run_options: Any = None) -> Any:
        return super().run(output_names, input_feed, run_options or self._shrink)


def bounded_detector(det_cfg: DictConfig, engine_cfg: DictConfig, model_path: str) -> Any:
    """A BoundedDetector on a ShrinkingSession, configured as RapidOCR configures its own
    (`det_cfg`: the engine's `cfg.Det`)."""
    # RapidOCR takes a ready session in its stage config (its PR #451); OmegaConf holds one
    # only when allowed to hold objects
    cfg = DictConfig(OmegaConf.to_container(det_cfg), flags={"allow_objects": True})
    cfg.engine_cfg = engine_cfg
    cfg.session = ShrinkingSession(model_path)
    return BoundedDetector(cfg)  # type: ignore[arg-type]  # RapidOCR passes its DictConfig too


def _to_stride(side: float) -> int:
    return max(STRIDE, round(int(side) / STRIDE) * STRIDE)
