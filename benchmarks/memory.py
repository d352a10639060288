"""Peak memory of one operator turn, per operator, against the bound of the process baseline
plus 16 bytes per pixel of the working image.

Each operator runs in a child process of its own (`python -m benchmarks.memory --child OP
WIDTH HEIGHT`): the child loads the sample picture at the size, warms the analysers' models
on a small picture (weights are not per pixel), resets the kernel's peak RSS counter
(/proc/self/clear_refs), runs the operator's first example through the planner and the
operator backend, and reports the new peak (VmHWM) over its RSS just before. Linux only.
"""

from __future__ import annotations

import json
import subprocess
import sys
import time
from pathlib import Path

BOUND_BYTES_PER_PIXEL = 16
SIZES_FULL = ((4000, 3000), (7300, 5480))  # 12 MP and 40 MP
SIZE_QUICK = (400, 300)
QUICK_OPERATORS = ("warmth", "watercolor", "restore", "extend")


def _status_kib(field: str) -> int:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith(field + ":"):
            return int(line.split()[1])
    raise RuntimeError(f"no {field} in /proc/self/status")


def child(op: str, width: int, height: int) -> dict[str, object]:
    import gc

    from benchmarks.common import astronaut
    from gouache.analysis.cache import AnalysisCache
    from gouache.backends.base import EditRequest
    from gouache.backends.operators import OperatorBackend
    from gouache.errors import GouacheError
    from gouache.planner.plan import EditPlan, PlanContext
    from gouache.planner.rules import RulePlanner

    image = astronaut((width, height))
    reference = astronaut((max(64, width // 4), max(64, height // 4)))
    analyses = AnalysisCache()
    backend = OperatorBackend(analyses=analyses, max_pixels=width * height * 4)
    example = backend.operators.get(op).examples[0]
    context = PlanContext(
        references=("image 2",),
        size=(width, height),
        faces=lambda: [(width // 3, height // 6, width // 5, height // 4)],
        text=lambda: ["SALE"],
    )
    plan = RulePlanner(backend.operators).plan(example, context)
    if not isinstance(plan, EditPlan):
        return {"op": op, "example": example, "status": "not planned"}
    warm = astronaut((256, 200))  # the models, not this picture's analysis
    analyses.get(warm).faces  # noqa: B018 - loads the face models
    analyses.get(warm).text  # noqa: B018 - loads the OCR models
    gc.collect()
    Path("/proc/self/clear_refs").write_text("5")  # reset VmHWM to the current RSS
    baseline = _status_kib("VmRSS")
    started = time.perf_counter()
    request = EditRequest(prompt=example, image=image, plan=plan, references=(reference,))
    try:
        backend.edit(request)
        status = "ok"
    except GouacheError as err:
        status = f"refused: {err.message[:80]}"
    seconds = time.perf_counter() - started
    peak = _status_kib("VmHWM")
    extra = (peak - baseline) * 1024
    return {
        "op": op,
        "example": example,
        "status": status,
        "seconds": round(seconds, 2),
        "baseline_mb": round(baseline / 1024, 1),
        "extra_mb": round(extra / 1e6, 1),
        "bytes_per_pixel": round(extra / (width * height), 1),
    }


def main(quick: bool = False, only: tuple[str, ...] = ()) -> dict[str, object]:
    from gouache.ops.registry import default_operators

    if not Path("/proc/self/clear_refs").exists():
        print("memory: needs Linux /proc; skipped")
        return {"skipped": "no /proc"}
    names = only or (QUICK_OPERATORS if quick else tuple(default_operators().names()))
    sizes = (SIZE_QUICK,) if quick else SIZES_FULL
    rows = []
    for width, height in sizes:
        for name in names:
            done = subprocess.run(
                [
                    sys.executable,
                    "-m",
                    "benchmarks.memory",
                    "--child",
                    name,
                    str(width),
                    str(height),
                ],
                capture_output=True,
                text=True,
                timeout=1800,
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
            rows.append(row)
            print(
                f"memory {row['megapixels']:>5} MP {name:<18} "
                f"{row.get('bytes_per_pixel', '-'):>6} B/px  {row.get('extra_mb', '-'):>8} MB "
                f"{row.get('seconds', '-'):>7} s  {'ok ' if within else 'OVER'} {row['status']}",
                flush=True,
            )
    over = sorted({str(r["op"]) for r in rows if not r["within_bound"]})
    print(f"memory: {len(over)} operator(s) over {BOUND_BYTES_PER_PIXEL} B/px: {', '.join(over)}")
    return {"bound_bytes_per_pixel": BOUND_BYTES_PER_PIXEL, "rows": rows, "over": over}


if __name__ == "__main__":
    if len(sys.argv) == 5 and sys.argv[1] == "--child":
        print(json.dumps(child(sys.argv[2], int(sys.argv[3]), int(sys.argv[4]))))
    else:
        main(quick="--quick" in sys.argv, only=tuple(a for a in sys.argv[1:] if a != "--quick"))
