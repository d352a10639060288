"""Planner time against instruction length: it must grow linearly (the limit is 4,000
characters; the planner is measured beyond it, with the check lifted, to show the slope).

Each pattern is one a user or a fuzzer can send: many clauses, unknown words, quotes left
open, colour pairs joined by "and", digits with commas.
"""

from __future__ import annotations

import random
import time
from unittest import mock

from gouache.planner.plan import PlanContext
from gouache.planner.rules import RulePlanner


def _random_words(n: int) -> str:
    rng = random.Random(0)
    out: list[str] = []
    while sum(map(len, out)) + len(out) < n:
        out.append("".join(rng.choice("abcdefghijklmnopqrstuvwxyz") for _ in range(7)))
    return " ".join(out)[:n]


PATTERNS = {
    "clauses": lambda n: ("make it warmer and add a vignette, " * n)[:n],
    "unknown words": _random_words,
    "open quotes": lambda n: ('"a ' * n)[:n],
    "single quotes": lambda n: ("'a " * n)[:n],
    "colour pairs": lambda n: ("light blue and dark red " * n)[:n],
    "digits": lambda n: ("1,2" * n)[:n],
}


def main(quick: bool = False) -> dict[str, object]:
    lengths = (1_000, 4_000) if quick else (1_000, 4_000, 16_000, 64_000)
    planner = RulePlanner()
    context = PlanContext()
    rows = []
    # beyond the limit only here, to measure the slope
    with mock.patch("gouache.planner.rules.check_instruction", lambda text: text):
        for name, make in PATTERNS.items():
            times = {}
            for n in lengths:
                text = make(n)
                started = time.perf_counter()
                planner.plan(text, context)
                times[n] = (time.perf_counter() - started) * 1000
            growth = times[lengths[-1]] / max(times[lengths[0]], 0.01)
            rows.append({"pattern": name, "ms": times, "growth": round(growth, 1)})
            cells = "  ".join(f"{n:>6}: {ms:7.0f} ms" for n, ms in times.items())
            print(f"planner {name:<14} {cells}  x{growth:.1f} for x{lengths[-1] // lengths[0]}")
    return {"lengths": list(lengths), "rows": rows}


if __name__ == "__main__":
    main()
