"""The engine's overhead per turn.

For five representative operations on a 1 MP image it measures the median time of a full turn
through a Session (plan, backend, lossless PNG, store commit) and of the same operation called
directly on the array, and prints the difference: the engine's overhead per turn.
"""

from __future__ import annotations

import shutil
import statistics
import tempfile
from pathlib import Path

from benchmarks.common import astronaut, bench_size, median_ms, repeats
from gouache.images import Image
from gouache.ops.registry import OpContext, default_operators
from gouache.planner.rules import RulePlanner
from gouache.sessions.session import Session
from gouache.sessions.store import Store
from gouache.settings import Settings

REPEATS = 7
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

            def turn(instruction: str = instruction) -> None:
                session.apply(instruction, at=root)

            direct_ms = median_ms(direct, rounds)
            turn_ms = median_ms(turn, rounds)
            rows.append(
                {
                    "instruction": instruction,
                    "direct_ms": round(direct_ms, 1),
                    "turn_ms": round(turn_ms, 1),
                    "overhead_ms": round(turn_ms - direct_ms, 1),
                    "overhead_pct": round(100 * (turn_ms - direct_ms) / max(direct_ms, 1e-9), 1),
                }
            )
    finally:
        shutil.rmtree(folder, ignore_errors=True)
    return rows


def bench_durability(image: Image, rounds: int) -> dict[str, float]:
    """A turn that writes a new blob each time (brighten the head again), with the store's
    `durable` setting off (the default: a killed process loses at most the turn in flight)
    and on (every blob, its folder and the SQLite commit synced: a power cut loses nothing
    committed). The difference is what power-loss durability costs per turn."""
    found: dict[str, float] = {}
    for durable in (False, True):
        folder = Path(tempfile.mkdtemp(prefix="gouache-bench-"))
        try:
            settings = Settings(
                store=str(folder / "bench.db"), blobs_dir=str(folder / "blobs"), durable=durable
            )
            session = Session.start(Store.from_settings(settings), image, name="durable")

            def turn(session: Session = session) -> None:
                session.apply("brighten by 2%")

            found["durable" if durable else "default"] = median_ms(turn, rounds)
        finally:
            shutil.rmtree(folder, ignore_errors=True)
    found["fsync_cost"] = found["durable"] - found["default"]
    return {key: round(value, 1) for key, value in found.items()}


def main(quick: bool = False) -> dict[str, object]:
    image = astronaut(bench_size(quick))
    rounds = repeats(REPEATS, quick)
    print(f"turns: image {image.shape[1]}x{image.shape[0]}, median of {rounds}")
    rows = bench_turns(image, rounds)
    print(f"\n{'instruction':<48} {'direct ms':>10} {'turn ms':>9} {'overhead ms':>12} {'%':>7}")
    for row in rows:
        print(
            f"{row['instruction']!s:<48} {row['direct_ms']:>10} {row['turn_ms']:>9} "
            f"{row['overhead_ms']:>12} {row['overhead_pct']:>7}"
        )
    overhead = statistics.median(float(str(r["overhead_ms"])) for r in rows)
    share = statistics.median(float(str(r["overhead_pct"])) for r in rows)
    print(f"{'median overhead per turn':<48} {'':>10} {'':>9} {overhead:>12.1f} {share:>7.1f}")
    durability = bench_durability(image, rounds)
    print(
        f"\nnew blob each turn (brighten the head by 2 %): {durability['default']} ms; with "
        f"durable = true (fsync of blob, folder and commit) {durability['durable']} ms: "
        f"power-loss durability costs {durability['fsync_cost']} ms per turn"
    )
    return {
        "rows": rows,
        "median_overhead_ms": round(overhead, 1),
        "median_overhead_pct": round(share, 1),
        "durability": durability,
    }


if __name__ == "__main__":
    main()
