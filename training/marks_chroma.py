"""Fine-tunes the learned dust and scratch detector with a third input, the chroma residual,
and writes it as ONNX (`src/gouache/ops/models/marks.onnx`).

Dust and scratches show the paper or the black of the emulsion: they are grey over
whatever colour they cross, where a photo's own small bright or dark things (a
catch-light, a button, a red stripe) mostly carry the colour around them. The first net
(`training.marks_net`) reads luma only; this one reads, as well, the chroma (max - min of
R, G, B) less its median over 15 px, and is fine-tuned from the first net's weights (read
back from its ONNX file: the new input starts at zero weight) on the same kind of
generated damage over the same photos, none of the restoration bench's, plus
scikit-learn's two colour samples (china, flower). Clean pixels that a fill would move
(they differ from their blurred neighbourhood by over 10 levels: real edges and texture)
weigh HARD times more: a false mark there is what costs the repair.

Needs torch, onnx and scikit-learn (none is a dependency of gouache):

    pip install torch==2.13.0 onnx scikit-learn
    PYTHONPATH=src python -m training.marks_net 3000 marks_luma.pt marks_luma.onnx
    PYTHONPATH=src python -m training.marks_chroma 7000 marks_luma.onnx marks_chroma.pt \
        src/gouache/ops/models/marks.onnx

Seeded. The shipped file was fine-tuned from the luma net shipped before it (marks.onnx at
commit f0af0da, which `training.marks_net` wrote); on this project's 2-core machine the
second step took 28 minutes. (1000 steps over 170 pictures, 3 minutes, wrote the first
chroma file byte for byte; this longer run repaired 88.5 % of the bench's damage against
88.2 %, at 6.25 dB against 6.01.)
"""

from __future__ import annotations

import sys

import cv2
import numpy as np
import onnx
import torch
from onnx import numpy_helper
from torch import nn

from training.marks_net import Net, export, luma, pictures, pool, train

torch.set_num_threads(2)
HARD = 4.0
POOL = 400


def colour_pictures() -> list[np.ndarray]:
    from sklearn.datasets import load_sample_image

    return [np.ascontiguousarray(load_sample_image(n)) for n in ("china.jpg", "flower.jpg")]


def features(rgb: np.ndarray) -> np.ndarray:
    """As `gouache.ops.marksnet` reads a picture: luma, its residual, the chroma residual."""
    v = luma(rgb)
    f = v.astype(np.float32)
    median = cv2.medianBlur(v, 15).astype(np.float32)
    c = (rgb.max(axis=2).astype(np.int16) - rgb.min(axis=2)).astype(np.uint8)
    cm = cv2.medianBlur(c, 15).astype(np.float32)
    return np.stack([(f - 128) / 64, (f - median) / 32, (c.astype(np.float32) - cm) / 32]).astype(
        np.float32
    )


def moved_by_a_fill(rgb: np.ndarray) -> np.ndarray:
    v = luma(rgb)
    blurred = cv2.GaussianBlur(v, (0, 0), 2.0).astype(np.int16)
    return np.asarray(np.abs(v.astype(np.int16) - blurred) > 10)


def from_onnx(path: str) -> Net:
    """The first net, its weights read back from its ONNX file."""
    net = Net()
    weights = {i.name: numpy_helper.to_array(i) for i in onnx.load(path).graph.initializer}
    net.load_state_dict({k: torch.from_numpy(np.array(v)) for k, v in weights.items()})
    return net


def with_chroma(net: Net) -> Net:
    """`net` reading a third input channel, whose weights start at zero."""
    old = net.body[0]
    assert isinstance(old, nn.Conv2d)
    new = nn.Conv2d(3, old.out_channels, 3, padding=1)
    with torch.no_grad():
        new.weight.zero_()
        new.weight[:, :2] = old.weight
        new.bias.copy_(old.bias)
    net.body[0] = new
    return net


def main(steps: int, first: str, out: str, onnx_path: str) -> None:
    rng = np.random.default_rng(1)
    torch.manual_seed(1)
    pics = pictures() + colour_pictures()
    net = with_chroma(from_onnx(first))
    train(net, rng, pool(rng, pics, POOL, features, moved_by_a_fill, HARD), steps, 1e-3, out, 0.1)
    export(net, onnx_path)


if __name__ == "__main__":
    main(int(sys.argv[1]), sys.argv[2], sys.argv[3], sys.argv[4])
