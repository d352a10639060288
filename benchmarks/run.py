"""`make bench`: every section's table, and all figures in bench-results/latest.json.

    python -m benchmarks.run [--quick] [--out DIR] [--only SECTION ...]

Run from the repository root (`-m` puts it on the path, here and in any child process a
section starts). `--quick` is one repeat on small images: the test suite runs it so that a
section that raises fails `make test`. A section that raises stops the run with a non-zero exit.
"""

from __future__ import annotations

import argparse
import json
import time
from collections.abc import Callable
from pathlib import Path

from benchmarks import (
    analysis,
    calibration,
    guard,
    identity,
    media,
    memory,
    phrasings,
    planner_scaling,
    provenance,
    restoration,
    server_load,
    startup,
    turns,
    web_ui,
)
from benchmarks.common import load, machine

Section = Callable[[bool], dict[str, object]]
SECTIONS: dict[str, Section] = {
    "turns": turns.main,
    "startup": startup.main,
    "analysis": analysis.main,
    "guard": guard.main,
    "identity": identity.main,
    "calibration": calibration.main,
    "provenance": provenance.main,
    "server": server_load.main,
    "planner_scaling": planner_scaling.main,
    "phrasings": phrasings.main,
    "memory": memory.main,
    "web_ui": web_ui.main,
    "media": media.main,
    "restoration": restoration.main,
}


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.run", description=__doc__)
    parser.add_argument("--quick", action="store_true", help="one repeat, small images")
    parser.add_argument("--out", type=Path, default=Path("bench-results"))
    parser.add_argument("--only", nargs="+", choices=sorted(SECTIONS), default=list(SECTIONS))
    args = parser.parse_args(argv)

    mode = "quick" if args.quick else "full"
    print(f"gouache bench ({mode}) on {machine()}")
    results: dict[str, object] = {"machine": machine(), "mode": mode, "load_before": load()}
    seconds: dict[str, float] = {}
    for name in args.only:
        print(f"\n== {name} ==")
        started = time.perf_counter()
        results[name] = SECTIONS[name](args.quick)
        seconds[name] = round(time.perf_counter() - started, 1)
    results["seconds"] = seconds
    # other work on the machine skews every figure: the JSON says how busy it was
    results["load_after"] = load()
    args.out.mkdir(parents=True, exist_ok=True)
    (args.out / "latest.json").write_text(json.dumps(results, indent=2, default=str))
    took = ", ".join(f"{name} {s} s" for name, s in seconds.items())
    print(f"\nwrote {args.out / 'latest.json'} ({took})")


if __name__ == "__main__":
    main()
