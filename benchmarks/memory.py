"""Peak memory of one operator turn, per operator, against the bound of the process baseline
plus 16 bytes per pixel of the working image.

Each operator runs in a child process of its own (`python -m benchmarks.memory --child OP
WIDTH HEIGHT`): the child loads the sample picture at the size, warms the analysers on a
1.9 MP picture (their weights and the buffers of their capped working sizes are not per
pixel of the picture edited), hands freed heap back to the system
(malloc_trim, so the turn cannot reuse it unseen), resets the kernel's peak RSS counter
(/proc/self/clear_refs), runs the operator's case through the planner and the operator
backend on the picture made read-only (as a session's versions are), and reports the new
peak (VmHWM) over its RSS just before. Linux only.

Each case is the operator's first example on the astronaut, or (CASES) an instruction and a
picture on which the operator does its work: a row whose status is not "ok" measured nothing
and is listed as not exercised. The working image is the larger of the input and the output.
"""

from __future__ import annotations

import json
import subprocess
import sys
import time
from pathlib import Path

import numpy as np

from gouache.images import Image

BOUND_BYTES_PER_PIXEL = 16
SIZES_FULL = ((4000, 3000), (7300, 5480))  # 12 MP and 40 MP
SIZE_QUICK = (400, 300)
QUICK_OPERATORS = ("warmth", "watercolor", "remove_text", "extend")


def _status_kib(field: str) -> int:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith(field + ":"):
            return int(line.split()[1])
    raise RuntimeError(f"no {field} in /proc/self/status")


# Operators whose first example would not exercise them on the astronaut: an instruction and
# a picture on which they do their work (a sky, a tilt, text, a logo, a size the limit allows).
CASES: dict[str, tuple[str, str]] = {
    "adjust_region": ("warm up the sky", "sky"),
    "crop_bars": ("crop off the black bars", "letterbox"),
    "darken_text": ("make the text darker", "page"),
    "binarize": ("make it look scanned", "page"),
    "dehaze": ("remove the haze", "hazy"),
    "document": ("make the text easier to read", "page"),
    "drop_shadow": ("add a drop shadow", "logo"),
    "recolor": ("make the logo blue", "logo"),
    "replace_color": ("make the blue bars green", "chart"),
    "recolor_text": ("make the text blue", "sign"),
    "resize_text": ("make the text bigger", "sign"),
    "bold_text": ("make the text bold", "sign"),
    "auto_straighten": ("straighten it", "tilted"),
    "logo": ("add image 2 as a logo in the bottom right", "photo"),
    "red_eye": ("remove the red eye", "red eyes"),
    "redact": ("blur the email", "sign"),
    "remove_text": ("remove the text", "sign"),
    "replace_text": ('replace "SALE" with "SOLD"', "sign"),
    "upscale": ("upscale", "photo"),  # x2
    "restore": ("restore this old photo", "old photo"),  # every stage at work
}


def picture(kind: str, size: tuple[int, int]) -> Image:
    """The bench's pictures, from scikit-image's samples (no download), at `size`."""
    import cv2
    from skimage import data

    from benchmarks.common import astronaut

    if kind == "red eyes":
        # the evals' flash portrait (red pupils), its height the picture's, on grey
        from gouache.evals.samples import red_eyes

        portrait = red_eyes()
        width = max(1, round(portrait.shape[1] * size[1] / portrait.shape[0]))
        canvas = np.full((size[1], size[0], 3), 128, dtype=np.uint8)
        left = max(0, (size[0] - width) // 2)
        fitted = _fit(portrait, (min(width, size[0]), size[1]))
        canvas[:, left : left + fitted.shape[1]] = fitted
        return canvas
    if kind == "letterbox":  # the astronaut between black bands, a tenth of the height each
        band = size[1] // 10
        image = astronaut((size[0], size[1] - 2 * band))
        return np.ascontiguousarray(np.pad(image, ((band, band), (0, 0), (0, 0))))
    if kind == "old photo":
        # the astronaut faded to 70 %, yellowed, with noise of sigma 8, 30 specks and 3
        # scratches: each of restore's stages has work to do
        image = astronaut(size)
        x = np.arange(256, dtype=np.float32)
        faded = 128.0 + (x - 128.0) * 0.7
        lut = np.stack([faded * 1.06, faded, faded * 0.8], axis=1)
        image = cv2.LUT(image, np.clip(lut, 0, 255).astype(np.uint8).reshape(256, 1, 3))
        noise = np.zeros(image.shape, dtype=np.int16)
        cv2.randn(noise, (0, 0, 0), (8, 8, 8))
        image = cv2.add(image, noise, dtype=cv2.CV_8U)
        del noise
        rng = np.random.default_rng(0)
        # marks of the sizes the detectors read (specks up to 4 px across, scratches 2 px
        # wide): a large scan's wider ones are not found (gouache.ops.restore)
        for i in range(30):
            centre = (int(rng.integers(0, size[0])), int(rng.integers(0, size[1])))
            colour = (250, 250, 245) if i % 2 else (12, 10, 10)
            cv2.circle(image, centre, int(rng.integers(1, 4)), colour, -1)
        for i in range(3):
            x0 = int(rng.integers(0, size[0]))
            colour = (25, 22, 20) if i == 1 else (235, 235, 230)
            cv2.line(image, (x0, 0), (x0 + size[0] // 10, size[1] - 1), colour, 2)
        return np.ascontiguousarray(image)
    if kind == "page":
        return _fit(np.dstack([data.page()] * 3), size)  # a scanned page, unevenly lit
    if kind == "sky":
        return _fit(data.rocket(), size)
    if kind == "hazy":
        # the rocket photo under a haze that thickens toward the top (I = J t + A (1 - t))
        scene = _fit(data.rocket(), size).astype(np.float32)
        t = np.linspace(0.45, 0.8, size[1], dtype=np.float32)[:, None, None]
        return np.asarray(scene * t + np.float32(215.0) * (1 - t), dtype=np.uint8)
    if kind == "chart":  # the evals' bar chart (flat fills, anti-aliased edges) at the size
        from gouache.evals.samples import chart

        return np.asarray(cv2.resize(chart(), size, interpolation=cv2.INTER_NEAREST))
    if kind == "logo":
        return _fit(data.logo(), size)  # a coloured disc on plain white
    if kind == "tilted":
        # a sea under a sky with a level horizon, turned 3 degrees at one size (so the measured
        # tilt is the same at any size), with the rocket photo's texture on both
        sky = _fit(data.rocket(), (1200, 900)).astype(np.int16)
        scene = np.where(np.arange(900)[:, None, None] < 430, 90 + sky // 2, sky // 4 + 10)
        scene = np.clip(scene, 0, 255).astype(np.uint8)
        turn = cv2.getRotationMatrix2D((600, 450), 3.0, 1.15)
        return _fit(cv2.warpAffine(scene, turn, (1200, 900), borderMode=cv2.BORDER_REFLECT), size)
    if kind == "sign":
        # a white card with a big word and an e-mail address over the astronaut's suit
        image = astronaut(size).copy()
        s = size[1] / 600

        def at(x: int, y: int) -> tuple[int, int]:
            return int(x * s), int(y * s)

        font = cv2.FONT_HERSHEY_SIMPLEX
        cv2.rectangle(image, at(20, 420), at(560, 590), (255, 255, 255), -1)
        thick, thin = max(1, int(6 * s)), max(1, int(3 * s))
        cv2.putText(image, "SALE", at(40, 500), font, 2.5 * s, (200, 0, 0), thick)
        cv2.putText(image, "ann@example.com", at(40, 570), font, 1.2 * s, (0, 0, 0), thin)
        return image
    return astronaut(size)


def _fit(image: Image, size: tuple[int, int]) -> Image:
    import cv2

    return np.ascontiguousarray(cv2.resize(image[:, :, :3], size, interpolation=cv2.INTER_CUBIC))


def child(op: str, width: int, height: int) -> dict[str, object]:
    import ctypes
    import gc

    from skimage import data

    from gouache.analysis.cache import AnalysisCache
    from gouache.backends.base import EditRequest
    from gouache.backends.operators import OperatorBackend
    from gouache.errors import GouacheError
    from gouache.planner.plan import EditPlan, PlanContext
    from gouache.planner.rules import RulePlanner

    analyses = AnalysisCache()
    # room for the operators that grow the picture (extend, border, upscale, collage); the
    # bound is then per pixel of the larger of the input and the output
    backend = OperatorBackend(analyses=analyses, max_pixels=width * height * 4)
    instruction, kind = CASES.get(op, (backend.operators.get(op).examples[0], "photo"))
    image = picture(kind, (width, height))
    # read-only, as a session's versions are when a turn edits them (the analyses keep such
    # pixels without a copy of their own)
    image.flags.writeable = False
    reference_size = (max(64, width // 4), max(64, height // 4))
    if op == "logo":
        reference = _fit(data.logo(), reference_size)
    else:
        reference = picture("photo", reference_size)
    context = PlanContext(
        references=("image 2",),
        size=(width, height),
        faces=lambda: [(width // 3, height // 6, width // 5, height // 4)],
        text=lambda: ["SALE", "ann@example.com"],
    )
    plan = RulePlanner(backend.operators).plan(instruction, context)
    if not isinstance(plan, EditPlan):
        return {"op": op, "example": instruction, "status": "not planned"}
    # The analysers' models, and the buffers they keep for their working size (YuNet works
    # at most 1200 px wide, OCR 2000 px, GrabCut 512 px): what a server keeps after its
    # first turn, the same for a 1.9 MP picture as for a 40 MP one. Not this picture's.
    warm = picture("sign", (1600, 1200))
    analyses.get(warm).faces  # noqa: B018 - loads the face models
    analyses.get(warm).text  # noqa: B018 - loads the OCR models
    analyses.get(warm).subject  # noqa: B018 - GrabCut's working copy
    gc.collect()
    # Freed heap that the allocator kept would be reused unseen by the turn: hand it back.
    ctypes.CDLL("libc.so.6").malloc_trim(0)
    Path("/proc/self/clear_refs").write_text("5")  # reset VmHWM to the current RSS
    baseline = _status_kib("VmRSS")
    started = time.perf_counter()
    request = EditRequest(prompt=instruction, image=image, plan=plan, references=(reference,))
    out_pixels = 0
    try:
        result = backend.edit(request)
        out_pixels = int(result.image.shape[0] * result.image.shape[1])
        status = "ok"
    except GouacheError as err:
        status = f"refused: {err.message[:80]}"
    seconds = time.perf_counter() - started
    peak = _status_kib("VmHWM")
    extra = (peak - baseline) * 1024
    working = max(width * height, out_pixels)
    return {
        "op": op,
        "example": instruction,
        "status": status,
        "seconds": round(seconds, 2),
        "baseline_mb": round(baseline / 1024, 1),
        "extra_mb": round(extra / 1e6, 1),
        "out_megapixels": round(out_pixels / 1e6, 1),
        "bytes_per_pixel": round(extra / working, 1),
    }


def main(
    quick: bool = False,
    only: tuple[str, ...] = (),
    sizes: tuple[tuple[int, int], ...] | None = None,
) -> dict[str, object]:
    from benchmarks.common import machine
    from gouache.ops.registry import default_operators

    if not Path("/proc/self/clear_refs").exists():
        print("memory: needs Linux /proc; skipped")
        return {"skipped": "no /proc"}
    names = only or (QUICK_OPERATORS if quick else tuple(default_operators().names()))
    sizes = sizes or ((SIZE_QUICK,) if quick else SIZES_FULL)
    print(f"memory: peak RSS over the baseline, one child per operator; {machine()}")
    rows = []
    for width, height in sizes:
        for name in names:
            command = [sys.executable, "-m", "benchmarks.memory", "--child", name]
            done = subprocess.run(
                [*command, str(width), str(height)], capture_output=True, text=True, timeout=1800
            )
            if done.returncode != 0:
                row: dict[str, object] = {
                    "op": name,
                    "status": f"child failed: {done.stderr.strip().splitlines()[-1:]}",
                }
            else:
                row = json.loads(done.stdout.strip().splitlines()[-1])
            row["megapixels"] = round(width * height / 1e6, 1)
            within = row.get("bytes_per_pixel", 0) <= BOUND_BYTES_PER_PIXEL  # type: ignore[operator]
            row["within_bound"] = within
            row["exercised"] = row["status"] == "ok"
            rows.append(row)
            verdict = "NOT RUN" if not row["exercised"] else "ok " if within else "OVER"
            print(
                f"memory {row['megapixels']:>5} MP {name:<18} "
                f"{row.get('bytes_per_pixel', '-'):>6} B/px  {row.get('extra_mb', '-'):>8} MB "
                f"{row.get('seconds', '-'):>7} s  {verdict} {row['status']}",
                flush=True,
            )
    over = sorted({str(r["op"]) for r in rows if not r["within_bound"]})
    idle = sorted({str(r["op"]) for r in rows if not r["exercised"]})
    print(f"memory: {len(over)} operator(s) over {BOUND_BYTES_PER_PIXEL} B/px: {', '.join(over)}")
    print(f"memory: {len(idle)} operator(s) not exercised: {', '.join(idle)}")
    if quick:
        print("memory: (--quick checks the harness; the bound is for 12 and 40 MP, where the")
        print("        fixed costs that dominate a 0.1 MP picture are a few bytes a pixel)")
    return {
        "bound_bytes_per_pixel": BOUND_BYTES_PER_PIXEL,
        "machine": machine(),
        "rows": rows,
        "over": over,
        "not_exercised": idle,
    }


if __name__ == "__main__":
    if len(sys.argv) == 5 and sys.argv[1] == "--child":
        print(json.dumps(child(sys.argv[2], int(sys.argv[3]), int(sys.argv[4]))))
    else:
        usage = "python -m benchmarks.memory [--quick] [--12|--40] [OPERATOR ...]"
        flags = {a for a in sys.argv[1:] if a.startswith("-")}
        unknown = flags - {"--quick", "--12", "--40"}
        if unknown <= {"-h", "--help"} and unknown:  # not a 40-minute sweep
            print(f"usage: {usage}")
            sys.exit(0)
        if unknown:
            sys.exit(f"usage: {usage} (unknown: {', '.join(sorted(unknown))})")
        picked = tuple(s for s in SIZES_FULL if f"--{round(s[0] * s[1] / 1e6)}" in flags)
        main(
            quick="--quick" in flags,
            only=tuple(a for a in sys.argv[1:] if not a.startswith("--")),
            sizes=picked or None,
        )
