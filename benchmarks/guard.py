"""The guard: preservation outside the edit over a grid of drifts, and its latency.

`bench_guard()` returns (rows, latency_rows):
    rows          one per drift: PSNR (dB) outside the edit of the drifted output resized to
                  the source's size ("before") and of the guarded image ("after"), for two
                  real local edits (a caption, blur_faces) on the astronaut at 1152x896
                  (1 MP), made by the operator backend and drifted by the DriftInjector;
                  "outside the edit" is every pixel the exact edit left alone, 2 px away
    latency_rows  the guard's median and fastest wall time over `REPEATS` calls at 1 MP and
                  4 MP, on the caption edit with the combined 2 % / 3 % / 1 degree / 8 % drift

The aim (the issue): at least 40 dB after the guard for shifts up to 2 %, zooms up to 3 %,
rotations up to 1 degree and colour drift up to 8 %, and the guard under 150 ms at 1 MP.
Run alone with `python -m benchmarks.guard`; `benchmarks/run.py` calls `main`. `--quick` runs
three rows of the grid and one latency size, small.
"""

from __future__ import annotations

import os
import statistics
import sys
import time
from typing import Any

import cv2
import numpy as np

from benchmarks.common import SIZE_1MP, SIZE_QUICK, astronaut, bench_size, machine, repeats
from gouache.backends.base import EditRequest
from gouache.backends.drift import Drift, DriftInjector
from gouache.backends.operators import OperatorBackend
from gouache.guard import guard
from gouache.images import Image
from gouache.ops.plan import EditPlan, Step

SIZE_4MP = (2304, 1792)
REPEATS = 5
EDIT_RIM = 2
AIM_DB = 40.0

EDITS = {
    "caption": EditPlan(
        instruction='add the caption "Preserved" at the bottom',
        steps=(Step(op="caption", params={"text": "Preserved", "position": "bottom"}),),
    ),
    "blur_faces": EditPlan(instruction="blur the faces", steps=(Step(op="blur_faces"),)),
}


def colour(c: float) -> dict[str, Any]:
    """A colour drift of size c: red gain up, blue gain down, an offset and a gamma."""
    return {"gain": (1.0 + c, 1.0, 1.0 - c), "offset": c / 2.0, "gamma": 1.0 + c / 2.0}


# (label, drift, within the aim)
GRID: list[tuple[str, Drift, bool]] = [
    ("none", Drift(), True),
    ("shift 1 %", Drift(shift_x=0.01, shift_y=0.005), True),
    ("shift 2 %", Drift(shift_x=0.02, shift_y=-0.01), True),
    ("shift 3 %", Drift(shift_x=-0.03, shift_y=0.015), False),
    ("zoom +3 %", Drift(scale=1.03), True),
    ("zoom -3 %", Drift(scale=0.97), True),
    ("zoom +5 %", Drift(scale=1.05), False),
    ("rotation 0.5 deg", Drift(rotation_deg=0.5), True),
    ("rotation 1 deg", Drift(rotation_deg=-1.0), True),
    ("colour 5 %", Drift(**colour(0.05)), True),
    ("colour 8 %", Drift(**colour(0.08)), True),
    ("colour 10 %", Drift(**colour(0.10)), False),
    ("JPEG 85 + noise 2", Drift(jpeg_quality=85, noise_sigma=2.0), True),
    ("square (stretched)", Drift(resize_to="square"), True),
    ("square (centre crop)", Drift(resize_to="square_crop"), True),
    (
        "2 % + 3 % + 1 deg + 8 %",
        Drift(shift_x=0.02, shift_y=0.01, scale=1.03, rotation_deg=1.0, **colour(0.08)),
        True,
    ),
    (
        "same, JPEG 85 + noise 2",
        Drift(
            shift_x=-0.02,
            shift_y=0.01,
            scale=0.97,
            rotation_deg=-1.0,
            jpeg_quality=85,
            noise_sigma=2.0,
            **colour(-0.08),
        ),
        True,
    ),
    (
        "3 % + 5 % + 1 deg + 10 %",
        Drift(shift_x=0.03, shift_y=-0.015, scale=1.05, rotation_deg=1.0, **colour(0.10)),
        False,
    ),
    (
        "same, square (stretched)",
        Drift(shift_x=0.02, scale=1.03, rotation_deg=1.0, resize_to="square", **colour(0.08)),
        True,
    ),
    # where it breaks
    ("shift 6 %", Drift(shift_x=0.06, shift_y=0.03), False),
    ("zoom +10 %", Drift(scale=1.10), False),
    ("rotation 3 deg", Drift(rotation_deg=3.0), False),
    ("colour 15 %", Drift(**colour(0.15)), False),
    ("JPEG 60 + noise 5", Drift(jpeg_quality=60, noise_sigma=5.0), False),
]
LATENCY_DRIFT = GRID[15][1]


def bench_guard(quick: bool = False) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    backend = OperatorBackend()
    source = astronaut(bench_size(quick))
    grid = [GRID[0], GRID[2], GRID[15]] if quick else GRID
    sizes = (("quick", SIZE_QUICK),) if quick else (("1 MP", SIZE_1MP), ("4 MP", SIZE_4MP))
    exact = {name: _edit(backend, source, plan) for name, plan in EDITS.items()}
    outside = {name: ~_edit_mask(source, image) for name, image in exact.items()}

    rows: list[dict[str, Any]] = []
    for label, drift, aimed in grid:
        row: dict[str, Any] = {"drift": label, "aim": aimed}
        for name, plan in EDITS.items():
            output = _edit(DriftInjector(backend, drift), source, plan)
            result = guard(source, output)
            row[f"{name}_before"] = _psnr(source, _resized(output, source), outside[name])
            row[f"{name}_after"] = _psnr(source, result.image, outside[name])
            row[f"{name}_global"] = result.report.global_edit
        rows.append(row)

    latency_rows = []
    for label, size in sizes:
        picture = source if size == bench_size(quick) else astronaut(size)
        output = _edit(DriftInjector(backend, LATENCY_DRIFT), picture, EDITS["caption"])
        guard(picture, output)  # warm: imports, OpenCV's thread pool
        times = []
        for _ in range(repeats(REPEATS, quick)):
            started = time.perf_counter()
            guard(picture, output)
            times.append((time.perf_counter() - started) * 1000.0)
        latency_rows.append(
            {
                "size": f"{label} ({size[0]}x{size[1]})",
                "median_ms": round(statistics.median(times), 1),
                "fastest_ms": round(min(times), 1),
            }
        )
    return rows, latency_rows


def main(quick: bool = False) -> dict[str, object]:
    load = os.getloadavg()[0] if hasattr(os, "getloadavg") else float("nan")
    print(f"guard on {machine()} (load average {load:.1f})")
    rows, latency_rows = bench_guard(quick)
    size = bench_size(quick)
    print(f"\nPSNR (dB) outside the edit, astronaut at {size[0]}x{size[1]}, aim >= 40")
    print(
        f"{'drift':<26} {'caption before':>15} {'after':>7} {'blur_faces before':>18} {'after':>7}"
    )
    for row in rows:
        flag = "" if row["aim"] else "   (beyond the aim)"
        print(
            f"{row['drift']:<26} {row['caption_before']:>15.2f} {_after(row, 'caption'):>7} "
            f"{row['blur_faces_before']:>18.2f} {_after(row, 'blur_faces'):>7}{flag}"
        )
    missed = [
        row["drift"]
        for row in rows
        if row["aim"] and min(row["caption_after"], row["blur_faces_after"]) < AIM_DB
    ]
    print("within the aim, every row reaches 40 dB" if not missed else f"below 40 dB: {missed}")
    print("100.00: identical to the source outside the edit (PSNR capped); g: taken as global")
    rounds = repeats(REPEATS, quick)
    print(f"\nguard latency, median and fastest of {rounds} ({LATENCY_DRIFT_LABEL})")
    print(f"{'size':<22} {'median ms':>10} {'fastest ms':>11}")
    for row in latency_rows:
        print(f"{row['size']:<22} {row['median_ms']:>10} {row['fastest_ms']:>11}")
    return {"psnr": rows, "latency": latency_rows, "missed": missed}


LATENCY_DRIFT_LABEL = GRID[15][0]


# -- pieces ------------------------------------------------------------------------------------


def _edit(backend: Any, source: Image, plan: EditPlan) -> Image:
    image: Image = backend.edit(EditRequest(prompt=plan.instruction, image=source, plan=plan)).image
    return image


def _edit_mask(source: Image, edited: Image) -> np.ndarray:
    changed = np.any(edited != source, axis=2).astype(np.uint8)
    size = 2 * EDIT_RIM + 1
    return cv2.dilate(changed, np.ones((size, size), np.uint8)).astype(bool)


def _resized(image: Image, like: Image) -> Image:
    if image.shape[:2] == like.shape[:2]:
        return image
    size = (like.shape[1], like.shape[0])
    return np.asarray(cv2.resize(image, size, interpolation=cv2.INTER_AREA), dtype=np.uint8)


def _psnr(a: Image, b: Image, where: np.ndarray) -> float:
    diff = a[where].astype(np.float64) - b[where].astype(np.float64)
    mse = float(np.mean(diff**2))
    return 100.0 if mse == 0 else round(min(100.0, 10 * np.log10(255.0**2 / mse)), 2)


def _after(row: dict[str, Any], name: str) -> str:
    mark = "g" if row[f"{name}_global"] else ""
    return f"{row[f'{name}_after']:.2f}{mark}"


if __name__ == "__main__":
    main(quick="--quick" in sys.argv)
