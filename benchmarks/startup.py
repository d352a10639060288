"""Start-up: `gouache --help` against a bare `python -c pass`, each in a new process; and what
the backend catalog costs cold (in a new process) with and without reading the installed
entry points (`create` reads them only for a name no profile has)."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

from benchmarks.common import median_ms, repeats

REPEATS = 7

# Prints the milliseconds one cold call of catalog.<function>() takes.
COLD_REGISTRY = (
    "import time, sys; from gouache.backends import catalog; "
    "t = time.perf_counter(); getattr(catalog, sys.argv[1])(); "
    "print((time.perf_counter() - t) * 1000)"
)


def main(quick: bool = False) -> dict[str, object]:
    exe = shutil.which("gouache", path=str(Path(sys.executable).parent)) or "gouache"
    rounds = repeats(REPEATS, quick)

    def run(cmd: list[str]) -> None:
        subprocess.run(cmd, check=True, capture_output=True)

    def cold(function: str) -> float:
        times = sorted(
            float(
                subprocess.run(
                    [sys.executable, "-c", COLD_REGISTRY, function],
                    check=True,
                    capture_output=True,
                    text=True,
                ).stdout
            )
            for _ in range(rounds)
        )
        return round(times[len(times) // 2], 2)

    figures = {
        "python_ms": round(median_ms(lambda: run([sys.executable, "-c", "pass"]), rounds), 1),
        "gouache_help_ms": round(median_ms(lambda: run([exe, "--help"]), rounds), 1),
        "registry_builtin_cold_ms": cold("builtin_registry"),
        "registry_with_entry_points_cold_ms": cold("default_registry"),
    }
    print(
        f"start-up: `gouache --help` {figures['gouache_help_ms']} ms "
        f"(bare `python -c pass` {figures['python_ms']} ms), median of {rounds}"
    )
    print(
        f"backend registry, cold: built-ins only {figures['registry_builtin_cold_ms']} ms, "
        f"with the entry points {figures['registry_with_entry_points_cold_ms']} ms"
    )
    return figures


if __name__ == "__main__":
    main()
