"""`gouache demo` runs offline and leaves a browsable folder."""

from __future__ import annotations

import io
import json
from pathlib import Path

from gouache.demo import SCRIPT, run_demo
from gouache.images import load_image
from gouache.settings import Settings


def test_the_demo_plays_its_script_and_writes_every_version(tmp_path: Path) -> None:
    out = io.StringIO()
    folder = tmp_path / "gouache-demo"
    rows = run_demo(folder, settings=Settings(data_dir=tmp_path / "data"), out=out)
    text = out.getvalue()

    assert len(rows) == len(SCRIPT) >= 5
    assert any(row.instruction == "/undo" for row in rows)
    assert any(row.instruction.startswith("/branch") for row in rows)
    refused = [row for row in rows if row.plan.startswith("refused")]
    assert [row.instruction for row in refused] == ["put a hat on her"]

    made = [row.version for row in rows if row.version.startswith("v") and row.ms is not None]
    pngs = sorted(folder.glob("v*.png"))
    recipes = sorted(folder.glob("v*.json"))
    # every turn's version plus the source
    assert len(pngs) == len(recipes) == len(set(made)) + 1
    for recipe_path in recipes:
        recipe = json.loads(recipe_path.read_text())
        assert "instruction" in recipe
        load_image(recipe_path.with_suffix(".png"))

    index = (folder / "index.html").read_text()
    assert index.count('class="card"') == len(pngs)
    assert "thumbs/v1.png" in index
    # each card shows the plan as the CLI prints it
    assert "grayscale -&gt; white border" in index
    assert str((folder / "index.html").resolve()) in text
    # the user's own data directory was not touched
    assert not (tmp_path / "data").exists()


def test_running_the_demo_twice_starts_clean(tmp_path: Path) -> None:
    folder = tmp_path / "gouache-demo"
    settings = Settings(data_dir=tmp_path / "data")
    first = run_demo(folder, settings=settings, out=io.StringIO())
    second = run_demo(folder, settings=settings, out=io.StringIO())
    assert [r.version for r in first] == [r.version for r in second]
