"""Generated old-photo damage and how well a repair undid it: the measure behind restore's
tests and its benchmark.

`scratch_and_dust` draws thin straight scratches (1-3 px wide, any angle, 10-60 % of the
diagonal long, light or dark, 70-100 % opaque, anti-aliased) and round dust specks (radius
1-4 px, light or dark) over a clean picture, and returns the opacity of the damage per
pixel. `score` compares a repair with the clean picture:

* a damaged pixel is one the damage covered at least DAMAGED_ALPHA and changed by more than
  VISIBLE levels of luma (a white scratch over a white sky damages nothing you can see);
* it is repaired when its luma ends within REPAIRED levels of the clean picture's, or
  within the range of luma the clean picture holds in the 3 x 3 pixels around it (give or
  take REPAIRED / 2): a fill cannot know the exact grain under a scratch, but a value the
  original has right there is not a mark. `strictly_repaired` counts only the first;
* a clean pixel is one the damage did not touch at all (opacity 0; the faint anti-aliased
  fringe between counts as neither), and it is falsely changed when the repair moved any of
  its channels by more than CHANGED levels.
"""

from __future__ import annotations

import math
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass

import cv2
import numpy as np
import numpy.typing as npt

from gouache.images import Image

DAMAGED_ALPHA = 0.5
VISIBLE = 24.0
REPAIRED = 20.0
CHANGED = 10


@dataclass(frozen=True)
class Damage:
    image: Image
    # opacity of the damage per pixel, 0..1
    alpha: npt.NDArray[np.float32]
    scratches: int
    specks: int


@dataclass(frozen=True)
class Score:
    damaged_pixels: int
    repaired: float
    strictly_repaired: float
    false_change: float
    psnr_before: float
    psnr_after: float


def _luma(image: Image) -> npt.NDArray[np.float32]:
    rgb = np.ascontiguousarray(image[:, :, :3])
    return np.asarray(cv2.cvtColor(rgb, cv2.COLOR_RGB2GRAY), dtype=np.float32)


def scratch_and_dust(image: Image, seed: int, scratches: int = 6, specks: int = 40) -> Damage:
    """`image` (RGB) with `scratches` scratches and `specks` specks drawn on, seeded."""
    rng = np.random.default_rng(seed)
    height, width = image.shape[:2]
    diagonal = math.hypot(height, width)
    out = image[:, :, :3].astype(np.float32)
    alpha = np.zeros((height, width), dtype=np.float32)

    def paint(layer: npt.NDArray[np.uint8], light: bool, opacity: float) -> None:
        a = layer.astype(np.float32) / np.float32(255.0) * np.float32(opacity)
        level = rng.uniform(215, 250) if light else rng.uniform(5, 45)
        tint = np.array([level, level * 0.97, level * 0.92], dtype=np.float32)
        out[...] = out * (1 - a[..., None]) + tint * a[..., None]
        np.maximum(alpha, a, out=alpha)

    for _ in range(scratches):
        layer = np.zeros((height, width), dtype=np.uint8)
        angle = rng.uniform(0, math.pi)
        length = rng.uniform(0.1, 0.6) * diagonal
        cx, cy = rng.uniform(0, width), rng.uniform(0, height)
        dx, dy = math.cos(angle) * length / 2, math.sin(angle) * length / 2
        ends = (round(cx - dx), round(cy - dy)), (round(cx + dx), round(cy + dy))
        thickness = int(rng.integers(1, 4))
        cv2.line(layer, *ends, 255, thickness=thickness, lineType=cv2.LINE_AA)
        paint(layer, bool(rng.random() < 0.6), float(rng.uniform(0.7, 1.0)))
    for _ in range(specks):
        layer = np.zeros((height, width), dtype=np.uint8)
        centre = (int(rng.integers(0, width)), int(rng.integers(0, height)))
        cv2.circle(layer, centre, int(rng.integers(1, 5)), 255, -1, lineType=cv2.LINE_AA)
        paint(layer, bool(rng.random() < 0.5), float(rng.uniform(0.8, 1.0)))
    damaged = np.clip(out + 0.5, 0, 255).astype(np.uint8)
    return Damage(image=damaged, alpha=alpha, scratches=scratches, specks=specks)


def damaged_mask(clean: Image, damage: Damage) -> npt.NDArray[np.bool_]:
    """The pixels the damage covered and visibly changed."""
    changed = np.abs(_luma(damage.image) - _luma(clean)) > VISIBLE
    return np.asarray((damage.alpha >= DAMAGED_ALPHA) & changed)


def psnr(reference: Image, test: Image) -> float:
    mse = float(np.mean((reference[:, :, :3].astype(np.float64) - test[:, :, :3]) ** 2))
    return math.inf if mse == 0.0 else 10.0 * math.log10(255.0**2 / mse)


def score(clean: Image, damage: Damage, repaired: Image) -> Score:
    """How much of the visible damage `repaired` undid, and how much else it changed."""
    damaged = damaged_mask(clean, damage)
    truth, out = _luma(clean), _luma(repaired)
    error = np.abs(out - truth)
    square = np.ones((3, 3), dtype=np.uint8)
    slack = REPAIRED / 2
    plausible = (out >= cv2.erode(truth, square) - slack) & (
        out <= cv2.dilate(truth, square) + slack
    )
    strict = error <= REPAIRED
    untouched = damage.alpha == 0
    moved = np.abs(repaired[:, :, :3].astype(np.int16) - damage.image).max(axis=2) > CHANGED
    return Score(
        damaged_pixels=int(damaged.sum()),
        repaired=float((strict | plausible)[damaged].mean()) if damaged.any() else 1.0,
        strictly_repaired=float(strict[damaged].mean()) if damaged.any() else 1.0,
        false_change=float(moved[untouched].mean()),
        psnr_before=psnr(clean, damage.image),
        psnr_after=psnr(clean, repaired),
    )


PHOTOS = ("camera", "coffee", "chelsea", "astronaut", "grace_hopper")


def photo(name: str) -> Image:
    """One of PHOTOS at its own size, as RGB: scikit-image's samples and matplotlib's Grace
    Hopper (matplotlib is a development dependency)."""
    if name == "grace_hopper":
        from matplotlib import cbook
        from PIL import Image as PILImage

        path = cbook.get_sample_data("grace_hopper.jpg", asfileobj=False)
        with PILImage.open(path) as im:
            return np.ascontiguousarray(np.asarray(im.convert("RGB")))
    from skimage import data

    image = np.asarray(getattr(data, name)())
    if image.ndim == 2:
        image = np.stack([image] * 3, axis=2)
    return np.ascontiguousarray(image[:, :, :3].astype(np.uint8))


@dataclass(frozen=True)
class Case:
    photo: str
    seed: int
    score: Score
    seconds: float


def measure(
    repair: Callable[[Image], Image], photos: Sequence[str] = PHOTOS, seeds: Sequence[int] = (0, 1)
) -> list[Case]:
    """`repair` run on every photo damaged with every seed, scored."""
    cases = []
    for name in photos:
        clean = photo(name)
        for seed in seeds:
            damage = scratch_and_dust(clean, seed)
            started = time.perf_counter()
            out = repair(damage.image)
            seconds = time.perf_counter() - started
            cases.append(Case(name, seed, score(clean, damage, out), seconds))
    return cases


def pooled(cases: Sequence[Case], strict: bool = False) -> float:
    """The share of all damaged pixels repaired, over every case."""
    total = sum(c.score.damaged_pixels for c in cases)
    done = sum(
        c.score.damaged_pixels * (c.score.strictly_repaired if strict else c.score.repaired)
        for c in cases
    )
    return done / total if total else 1.0
