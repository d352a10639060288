"""A second opinion on dust and scratches: a small learned detector.

A fully convolutional net (six 3 x 3 layers of 16 channels dilated 1, 1, 2, 4, 8, 16 as
in F. Yu, V. Koltun, "Multi-scale context aggregation by dilated convolutions", ICLR 2016,
and a 1 x 1 one; a receptive field of 65 px) reads the luma v, its residual
v - median15(v) and the chroma's (max - min of R, G, B) residual, and gives, per pixel,
the probability that a mark covers it: dust shows the paper or the emulsion's black, grey
over whatever it crosses, where a photo's own dots carry its colour. It was trained on
luma (`training/marks_net.py`), then fine-tuned with the chroma
(`training/marks_chroma.py`), on generated damage drawn over photos that are none of the
restoration bench's (scikit-image's rocket, coins, moon, brick, grass, gravel, hubble,
retina, motorcycle, clock..., scikit-learn's china and flower), so the bench measures it
on pictures it never saw.

`gouache.ops.marks` drops the specks its own tests find where the net is nowhere sure of a
mark, and adds the round specks the net alone is sure of.

The net runs with ONNX Runtime on tiles of TILE px with HALO px of context (the receptive
field's radius and the median's), mirrored at the frame's edge, so its working set grows
with the tile, not the photo.
"""

from __future__ import annotations

from functools import cache
from importlib import resources

import cv2
import numpy as np
import numpy.typing as npt
import onnxruntime as ort

MODEL = "marks.onnx"
MEDIAN = 15
# 192: the convolutions' unrolled input (144 floats a pixel) stays near 45 MB a tile
TILE = 192
HALO = 40


@cache
def _session() -> ort.InferenceSession:
    data = (resources.files("gouache.ops") / "models" / MODEL).read_bytes()
    options = ort.SessionOptions()
    options.log_severity_level = 3
    # no arena kept between runs: a tile's activations are freed with it
    options.enable_cpu_mem_arena = False
    # ... nor one block planned for all the layers' outputs at once
    options.enable_mem_pattern = False
    return ort.InferenceSession(data, options, providers=["CPUExecutionProvider"])


def _features(rgb: npt.NDArray[np.uint8]) -> npt.NDArray[np.float32]:
    luma = cv2.cvtColor(rgb, cv2.COLOR_RGB2GRAY)
    v = luma.astype(np.float32)
    median = cv2.medianBlur(luma, MEDIAN).astype(np.float32)
    chroma = (rgb.max(axis=2).astype(np.int16) - rgb.min(axis=2)).astype(np.uint8)
    c = chroma.astype(np.float32)
    c_median = cv2.medianBlur(chroma, MEDIAN).astype(np.float32)
    return np.stack([(v - 128) / 64, (v - median) / 32, (c - c_median) / 32])[None].astype(
        np.float32
    )


def learned_chance(rgb: npt.NDArray[np.uint8]) -> npt.NDArray[np.uint8]:
    """Per pixel of `rgb`, the probability that a dust speck or scratch covers it, in 255ths.
    Tile by tile: the float map is never held whole."""
    height, width = rgb.shape[:2]
    out = np.empty((height, width), dtype=np.uint8)
    session = _session()
    for top in range(0, height, TILE):
        for left in range(0, width, TILE):
            bottom, right = min(height, top + TILE), min(width, left + TILE)
            t0, l0 = max(0, top - HALO), max(0, left - HALO)
            b0, r0 = min(height, bottom + HALO), min(width, right + HALO)
            # mirrored where the context runs past the frame
            framed = cv2.copyMakeBorder(
                np.ascontiguousarray(rgb[t0:b0, l0:r0, :3]),
                HALO - (top - t0),
                HALO - (b0 - bottom),
                HALO - (left - l0),
                HALO - (r0 - right),
                cv2.BORDER_REFLECT_101,
            )
            (logit,) = session.run(None, {"features": _features(np.asarray(framed, np.uint8))})
            inner = np.asarray(logit[0, 0, HALO:-HALO, HALO:-HALO], dtype=np.float32)
            chance = 255.0 / (1.0 + np.exp(-np.clip(inner, -30.0, 30.0)))
            out[top:bottom, left:right] = np.rint(chance).astype(np.uint8)
    return out
