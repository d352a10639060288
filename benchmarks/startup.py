"""Start-up: `gouache --help` against a bare `python -c pass`, each in a new process."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

from benchmarks.common import median_ms, repeats

REPEATS = 7


def main(quick: bool = False) -> dict[str, object]:
    exe = shutil.which("gouache", path=str(Path(sys.executable).parent)) or "gouache"
    rounds = repeats(REPEATS, quick)

    def run(cmd: list[str]) -> None:
        subprocess.run(cmd, check=True, capture_output=True)

    figures = {
        "python_ms": round(median_ms(lambda: run([sys.executable, "-c", "pass"]), rounds), 1),
        "gouache_help_ms": round(median_ms(lambda: run([exe, "--help"]), rounds), 1),
    }
    print(
        f"start-up: `gouache --help` {figures['gouache_help_ms']} ms "
        f"(bare `python -c pass` {figures['python_ms']} ms), median of {rounds}"
    )
    return figures


if __name__ == "__main__":
    main()
