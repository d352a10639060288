"""`make bench` must not break unnoticed: its quick mode runs every section here."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
SECTIONS = (
    "turns",
    "startup",
    "analysis",
    "guard",
    "identity",
    "server",
    "planner_scaling",
    "web_ui",
    "memory",
    "restoration",
)


@pytest.mark.slow
def test_quick_bench_runs_every_section_from_another_folder(tmp_path: Path) -> None:
    # From another folder with the root only on PYTHONPATH, as a child process would see it:
    # the analysis section starts children of its own, which must import benchmarks too.
    env = {
        **os.environ,
        "PYTHONPATH": os.pathsep.join(filter(None, [str(ROOT), os.environ.get("PYTHONPATH", "")])),
    }
    done = subprocess.run(
        [sys.executable, "-m", "benchmarks.run", "--quick", "--out", str(tmp_path)],
        cwd=tmp_path,
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert done.returncode == 0, done.stdout[-2000:] + done.stderr[-4000:]
    results = json.loads((tmp_path / "latest.json").read_text())
    assert results["mode"] == "quick"
    assert set(SECTIONS) <= set(results)
    assert len(results["turns"]["rows"]) == 5
    assert results["startup"]["gouache_help_ms"] > 0
    assert results["startup"]["registry_with_entry_points_cold_ms"] > 0
    loads = {row["part"]: row["load_ms"] for row in results["analysis"]["parts"]}
    assert loads["faces"] > 0
    assert loads["text"] > 0
    assert results["analysis"]["operators"]
    assert results["guard"]["latency"][0]["median_ms"] > 0
    assert results["identity"]["rows"][0]["after"] is not None
    inline = results["server"]["rows"][0]
    assert inline["mode"] == "inline"
    assert inline["turns"] > 0
    assert inline["versions_lost"] == 0
    assert results["web_ui"]["first_paint_cold_ms"] > 0
    assert results["web_ui"]["ui_turn_to_picture_ms"] > 0
