"""The engine's overhead per turn.

For five representative operations on a 1 MP image it measures the median time of a full turn
through a Session and of the same operation called directly on the array, and prints the
difference: the engine's overhead per turn. A turn returns once its pixels are computed; its
version is then encoded (lossless PNG), written and committed behind it (see
gouache.sessions.writer). So each turn is timed twice: until `apply` returns (what a caller
waits for before it can show the reply or take the next instruction) and until its version is
committed (`turn.version`). Each round waits for the version, untimed in the first figure, as a
user's next instruction would come after it; the direct call and the turn alternate, so that the
load of the shared machine falls on both alike.
"""

from __future__ import annotations

import shutil
import statistics
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

from benchmarks.common import astronaut, bench_size, repeats
from gouache.images import BlobStore, Image
from gouache.ops.registry import OpContext, default_operators
from gouache.planner.rules import RulePlanner
from gouache.sessions.session import Session
from gouache.sessions.store import Store
from gouache.sessions.turn import TurnResult
from gouache.settings import Settings

REPEATS = 15
INSTRUCTIONS = (
    "brighten by 20%",
    "crop to 4:5",
    "blur with radius 4",
    'add the caption "gouache bench" at the bottom',
    "auto enhance",
)


def bench_turns(image: Image, rounds: int) -> list[dict[str, object]]:
    operators = default_operators()
    planner = RulePlanner(operators)
    rows: list[dict[str, object]] = []
    folder = Path(tempfile.mkdtemp(prefix="gouache-bench-"))
    try:
        settings = Settings(store=str(folder / "bench.db"), blobs_dir=str(folder / "blobs"))
        session = Session.start(Store.from_settings(settings), image, name="bench")
        root = session.head.id
        for instruction in INSTRUCTIONS:
            plan = planner.plan(instruction)
            steps = getattr(plan, "steps", None)
            if steps is None:
                raise SystemExit(f"bench instruction not understood: {instruction!r}")

            def direct(steps: tuple[object, ...] = steps) -> None:
                out = image
                for step in steps:
                    out = operators.apply(out, step, OpContext())  # type: ignore[arg-type]

            def turn(instruction: str = instruction) -> TurnResult:
                return session.apply(instruction, at=root)

            direct_ms, turn_ms, saved_ms, cpu_ms = alternate(direct, turn, rounds)
            rows.append(
                {
                    "instruction": instruction,
                    "direct_ms": round(direct_ms, 1),
                    "turn_ms": round(turn_ms, 1),
                    "overhead_ms": round(turn_ms - direct_ms, 1),
                    "overhead_pct": round(100 * (turn_ms - direct_ms) / max(direct_ms, 1e-9), 1),
                    "saved_ms": round(saved_ms, 1),
                    "cpu_overhead_ms": round(cpu_ms, 1),
                }
            )
        session.store.close()
    finally:
        shutil.rmtree(folder, ignore_errors=True)
    return rows


def alternate(
    direct: Callable[[], object], turn: Callable[[], TurnResult], rounds: int
) -> tuple[float, float, float, float]:
    """Medians in ms of `direct`, of `turn` until it returns and until its version is
    committed, and the calling thread's CPU time of `turn` over `direct` until it returns (a
    figure that a loaded machine changes less than wall time); one untimed round first."""
    direct()
    _ = turn().version
    times: dict[str, list[float]] = {"direct": [], "turn": [], "saved": [], "cpu": []}
    for _ in range(rounds):
        started, cpu = time.perf_counter(), time.thread_time()
        direct()
        times["direct"].append(_ms(started))
        direct_cpu = time.thread_time() - cpu
        started, cpu = time.perf_counter(), time.thread_time()
        result = turn()
        times["turn"].append(_ms(started))
        times["cpu"].append((time.thread_time() - cpu - direct_cpu) * 1000)
        _ = result.version
        times["saved"].append(_ms(started))
    medians = {name: statistics.median(values) for name, values in times.items()}
    return medians["direct"], medians["turn"], medians["saved"], medians["cpu"]


def bench_durability(image: Image, rounds: int) -> dict[str, float]:
    """A turn that writes a new blob each time (brighten the head again), until its version is
    committed: written behind the turn (the default: a killed process loses at most the turn
    in flight), written before the turn returns (`write_behind=False`), and with `durable`
    (every blob, its folder and the SQLite commit synced: a power cut loses nothing committed).
    The differences are what writing behind saves a caller and what power-loss durability
    costs per turn."""
    found: dict[str, float] = {}
    variants = {
        "default": (False, True),
        "synchronous": (False, False),
        "durable": (True, True),
    }
    for name, (durable, behind) in variants.items():
        folder = Path(tempfile.mkdtemp(prefix="gouache-bench-"))
        try:
            blobs = BlobStore(folder / "blobs", durable=durable)
            url = f"sqlite:///{folder / 'bench.db'}"
            store = Store(url, blobs, durable=durable, write_behind=behind)
            session = Session.start(store, image, name="durable")
            returned, saved = [], []
            _ = session.apply("brighten by 2%").version
            for _ in range(rounds):
                started = time.perf_counter()
                result = session.apply("brighten by 2%")
                returned.append(_ms(started))
                _ = result.version
                saved.append(_ms(started))
            store.close()
            found[f"{name}_returned"] = statistics.median(returned)
            found[f"{name}_saved"] = statistics.median(saved)
        finally:
            shutil.rmtree(folder, ignore_errors=True)
    found["fsync_cost"] = found["durable_saved"] - found["default_saved"]
    return {key: round(value, 1) for key, value in found.items()}


def _ms(since: float) -> float:
    return (time.perf_counter() - since) * 1000


def main(quick: bool = False) -> dict[str, object]:
    image = astronaut(bench_size(quick))
    rounds = repeats(REPEATS, quick)
    print(f"turns: image {image.shape[1]}x{image.shape[0]}, median of {rounds}")
    rows = bench_turns(image, rounds)
    head = f"{'instruction':<48} {'direct ms':>10} {'turn ms':>9} {'overhead ms':>12} {'%':>7}"
    print(f"\n{head} {'saved ms':>9} {'cpu overhead ms':>16}")
    for row in rows:
        print(
            f"{row['instruction']!s:<48} {row['direct_ms']:>10} {row['turn_ms']:>9} "
            f"{row['overhead_ms']:>12} {row['overhead_pct']:>7} {row['saved_ms']:>9} "
            f"{row['cpu_overhead_ms']:>16}"
        )
    overhead = statistics.median(float(str(r["overhead_ms"])) for r in rows)
    share = statistics.median(float(str(r["overhead_pct"])) for r in rows)
    saved = statistics.median(float(str(r["saved_ms"])) - float(str(r["direct_ms"])) for r in rows)
    cpu = statistics.median(float(str(r["cpu_overhead_ms"])) for r in rows)
    print(
        f"{'median overhead per turn':<48} {'':>10} {'':>9} {overhead:>12.1f} {share:>7.1f} "
        f"{'':>9} {cpu:>16.1f}"
    )
    print(f"{'median until the version is committed':<48} {'':>10} {'':>9} {saved:>12.1f}")
    d = bench_durability(image, rounds)
    print(
        f"\nnew blob each turn (brighten the head by 2 %), returned / committed ms: written "
        f"behind {d['default_returned']} / {d['default_saved']}; written before returning "
        f"{d['synchronous_returned']} / {d['synchronous_saved']}; durable = true (fsync of "
        f"blob, folder and commit) {d['durable_returned']} / {d['durable_saved']}: power-loss "
        f"durability costs {d['fsync_cost']} ms per turn"
    )
    return {
        "rows": rows,
        "median_overhead_ms": round(overhead, 1),
        "median_overhead_pct": round(share, 1),
        "median_until_committed_ms": round(saved, 1),
        "median_cpu_overhead_ms": round(cpu, 1),
        "durability": d,
    }


if __name__ == "__main__":
    main()
