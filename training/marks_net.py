"""Trains the learned dust and scratch detector of `gouache.ops.marksnet` and writes it as
ONNX (`src/gouache/ops/models/marks.onnx`).

The damage is generated over photos that are none of the restoration bench's (camera,
coffee, chelsea, astronaut, grace_hopper), so the bench measures the detector on pictures it
never saw: half of it by the bench's own generator (`gouache.evals.damage`, other seeds),
half by a broader one (bent, blurred and wider scratches, oval specks, other tints), each
picture scaled, flipped, gamma-shifted and sometimes JPEG-compressed. Seeded: a run gives
the same weights.

Needs torch and onnx (neither is a dependency of gouache):

    pip install torch==2.13.0 onnx
    PYTHONPATH=src python -m training.marks_net 3000 marks.pt src/gouache/ops/models/marks.onnx

3000 steps took about an hour on this project's 2-core machine.
"""

from __future__ import annotations

import math
import sys
import time
from collections.abc import Callable

import cv2
import numpy as np
import torch
from skimage import data
from torch import nn

from gouache.evals.damage import scratch_and_dust

torch.set_num_threads(2)
NAMES = [
    "rocket",
    "hubble_deep_field",
    "immunohistochemistry",
    "coins",
    "moon",
    "page",
    "text",
    "brick",
    "grass",
    "gravel",
    "retina",
    "stereo_motorcycle",
    "clock",
    "cell",
    "horse",
]


def pictures() -> list[np.ndarray]:
    out = []
    for n in NAMES:
        im = getattr(data, n)()
        # the motorcycle comes as a stereo pair (and its disparity): both views
        ims = [np.asarray(i) for i in im[:2]] if isinstance(im, tuple) else [np.asarray(im)]
        for a in ims:
            if a.dtype == bool:
                a = a.astype(np.uint8) * 255
            if a.dtype != np.uint8:
                a = (255 * (a - a.min()) / max(1e-6, float(a.max() - a.min()))).astype(np.uint8)
            if a.ndim == 2:
                a = np.stack([a] * 3, axis=2)
            a = np.ascontiguousarray(a[:, :, :3])
            if max(a.shape[:2]) > 640:
                s = 640 / max(a.shape[:2])
                a = cv2.resize(a, None, fx=s, fy=s, interpolation=cv2.INTER_AREA)
            out.append(a)
    return out


def luma(rgb: np.ndarray) -> np.ndarray:
    return cv2.cvtColor(np.ascontiguousarray(rgb), cv2.COLOR_RGB2GRAY)


def varied_damage(rgb: np.ndarray, rng: np.random.Generator) -> tuple[np.ndarray, np.ndarray]:
    """Broader than the bench's generator: wider, softer, bent scratches, oval specks."""
    h, w = rgb.shape[:2]
    diag = math.hypot(h, w)
    out = rgb.astype(np.float32)
    alpha = np.zeros((h, w), np.float32)

    def paint(layer: np.ndarray, opacity: float) -> None:
        if rng.random() < 0.3:
            layer = cv2.GaussianBlur(layer, (0, 0), float(rng.uniform(0.4, 0.9)))
        a = layer.astype(np.float32) / 255 * opacity
        light = rng.random() < 0.55
        level = rng.uniform(190, 255) if light else rng.uniform(0, 70)
        tint = np.array([level, level * rng.uniform(0.94, 1.0), level * rng.uniform(0.85, 1.0)])
        out[...] = out * (1 - a[..., None]) + tint.astype(np.float32) * a[..., None]
        np.maximum(alpha, a, out=alpha)

    for _ in range(int(rng.integers(2, 12))):
        layer = np.zeros((h, w), np.uint8)
        angle = rng.uniform(0, math.pi)
        length = rng.uniform(0.05, 0.7) * diag
        cx, cy = rng.uniform(0, w), rng.uniform(0, h)
        bend = rng.normal(0, 0.01 * length) if rng.random() < 0.4 else 0.0
        pts = []
        for t in np.linspace(-0.5, 0.5, 9):
            x = cx + math.cos(angle) * length * t - math.sin(angle) * bend * (1 - 4 * t * t)
            y = cy + math.sin(angle) * length * t + math.cos(angle) * bend * (1 - 4 * t * t)
            pts.append((round(x), round(y)))
        thick = int(rng.choice([1, 1, 2, 2, 3, 4]))
        cv2.polylines(layer, [np.array(pts, np.int32)], False, 255, thick, cv2.LINE_AA)
        paint(layer, float(rng.uniform(0.5, 1.0)))
    for _ in range(int(rng.integers(10, 120))):
        layer = np.zeros((h, w), np.uint8)
        c = (int(rng.integers(0, w)), int(rng.integers(0, h)))
        r = float(rng.uniform(0.7, 5.5))
        axes = (max(1, round(r)), max(1, round(r * rng.uniform(0.6, 1.0))))
        cv2.ellipse(layer, c, axes, float(rng.uniform(0, 180)), 0, 360, 255, -1, cv2.LINE_AA)
        paint(layer, float(rng.uniform(0.6, 1.0)))
    dam = np.clip(out + 0.5, 0, 255).astype(np.uint8)
    return dam, alpha


def features(v: np.ndarray) -> np.ndarray:
    med = cv2.medianBlur(v, 15).astype(np.float32)
    f = v.astype(np.float32)
    return np.stack([(f - 128) / 64, (f - med) / 32]).astype(np.float32)


def luma_features(rgb: np.ndarray) -> np.ndarray:
    return features(luma(rgb))


def pool(
    rng: np.random.Generator,
    pics: list[np.ndarray],
    n: int,
    read: Callable[[np.ndarray], np.ndarray] = luma_features,
    hard: Callable[[np.ndarray], np.ndarray] | None = None,
    hard_weight: float = 1.0,
):
    """`n` damaged pictures: their features (`read` of the damaged RGB), targets and
    weights; with `hard`, the clean pixels it picks out of the clean RGB weigh
    `hard_weight`."""
    xs, ys, ws = [], [], []
    for i in range(n):
        rgb = pics[i % len(pics)]
        s = float(rng.uniform(0.6, 1.4))
        rgb = cv2.resize(rgb, None, fx=s, fy=s, interpolation=cv2.INTER_AREA)
        if rng.random() < 0.5:
            rgb = rgb[:, ::-1]
        if rng.random() < 0.5:
            rgb = np.ascontiguousarray(rgb.transpose(1, 0, 2))
        rgb = np.ascontiguousarray(rgb)
        g = float(rng.uniform(0.7, 1.4))
        rgb = np.clip(255 * (rgb / 255.0) ** g, 0, 255).astype(np.uint8)
        if rng.random() < 0.5:
            d = scratch_and_dust(
                rgb,
                int(rng.integers(100, 10**6)),
                scratches=int(rng.integers(3, 10)),
                specks=int(rng.integers(20, 90)),
            )
            dam, alpha = d.image, d.alpha
        else:
            dam, alpha = varied_damage(rgb, rng)
        if rng.random() < 0.3:
            q = int(rng.integers(70, 96))
            _, enc = cv2.imencode(".jpg", dam[:, :, ::-1], [cv2.IMWRITE_JPEG_QUALITY, q])
            dam = cv2.imdecode(enc, cv2.IMREAD_COLOR)[:, :, ::-1]
        v0, v1 = luma(rgb).astype(np.int16), luma(dam)
        visible = np.abs(v1.astype(np.int16) - v0) > 12
        target = (alpha >= 0.35) & visible
        weight = np.where((alpha > 0) & ~target, 0.0, 1.0).astype(np.float32)
        if hard is not None:
            weight[(alpha == 0) & hard(rgb)] = hard_weight
        xs.append(read(dam))
        ys.append(target.astype(np.float32))
        ws.append(weight)
    return xs, ys, ws


class Net(nn.Module):
    def __init__(self, c: int = 16, dil=(1, 2, 4, 8, 16)) -> None:
        super().__init__()
        layers: list[nn.Module] = [nn.Conv2d(2, c, 3, padding=1), nn.ReLU()]
        for d in dil:
            layers += [nn.Conv2d(c, c, 3, padding=d, dilation=d), nn.ReLU()]
        layers += [nn.Conv2d(c, 1, 1)]
        self.body = nn.Sequential(*layers)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.body(x)


def batches(rng, xs, ys, ws, size=96, batch=16):
    while True:
        bx, by, bw = [], [], []
        for _ in range(batch):
            i = int(rng.integers(len(xs)))
            h, w = ys[i].shape
            t, x0 = int(rng.integers(0, h - size + 1)), int(rng.integers(0, w - size + 1))
            bx.append(xs[i][:, t : t + size, x0 : x0 + size])
            by.append(ys[i][None, t : t + size, x0 : x0 + size])
            bw.append(ws[i][None, t : t + size, x0 : x0 + size])
        yield (
            torch.from_numpy(np.stack(bx)),
            torch.from_numpy(np.stack(by)),
            torch.from_numpy(np.stack(bw)),
        )


def export(net: Net, path: str) -> None:
    """`net` as ONNX, any height and width, one picture at a time."""
    net.eval()
    first = net.body[0]
    assert isinstance(first, nn.Conv2d)
    torch.onnx.export(
        net,
        (torch.zeros(1, first.in_channels, 64, 64),),
        path,
        input_names=["features"],
        output_names=["logit"],
        dynamic_axes={"features": {2: "h", 3: "w"}, "logit": {2: "h", 3: "w"}},
        opset_version=17,
        dynamo=False,
    )


def train(
    net: Net,
    rng: np.random.Generator,
    pooled: tuple[list[np.ndarray], list[np.ndarray], list[np.ndarray]],
    steps: int,
    lr: float,
    out: str,
    warm_up: float = 0.3,
) -> None:
    """`steps` steps of Adam on batches of `pooled` under a one-cycle schedule peaking at `lr`
    after `warm_up` of them; the weights saved to `out` every 100 steps and at the end."""
    opt = torch.optim.Adam(net.parameters(), lr=lr)
    sched = torch.optim.lr_scheduler.OneCycleLR(
        opt, max_lr=lr, total_steps=steps, pct_start=warm_up
    )
    pos = torch.tensor(4.0)
    it = batches(rng, *pooled)
    t0 = time.time()
    run = 0.0
    for step in range(steps):
        x, y, w = next(it)
        logit = net(x)
        loss = (
            nn.functional.binary_cross_entropy_with_logits(
                logit, y, weight=w, pos_weight=pos, reduction="sum"
            )
            / w.sum()
        )
        opt.zero_grad()
        loss.backward()
        opt.step()
        sched.step()
        run = 0.98 * run + 0.02 * float(loss.detach())
        if step % 100 == 0:
            print(step, round(run, 4), round(time.time() - t0), flush=True)
            torch.save(net.state_dict(), out)
    torch.save(net.state_dict(), out)


def main(steps: int, out: str, onnx_path: str) -> None:
    rng = np.random.default_rng(0)
    torch.manual_seed(0)
    pics = pictures()
    print(len(pics), "pictures", flush=True)
    xs, ys, ws = pool(rng, pics, 160)
    print("pool ready", sum(y.sum() for y in ys) / sum(y.size for y in ys), flush=True)
    net = Net()
    train(net, rng, (xs, ys, ws), steps, 3e-3, out)
    export(net, onnx_path)


if __name__ == "__main__":
    main(int(sys.argv[1]), sys.argv[2], sys.argv[3])
