"""The arena page: blind votes on an evaluation run, stored as `gouache arena vote` stores them."""

from __future__ import annotations

import json
import textwrap
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import expect
from web_harness import AXE, LocalServer

from gouache.cli import main
from gouache.web.arena import Arena

SUITE = textwrap.dedent(
    """
    name: arena
    cases:
      - id: caption
        category: caption
        image: generated:shapes
        turns: ['add the caption "Hello" at the bottom']
        region: {box: [0, 0.7, 1, 1]}
    """
)


@pytest.fixture
def arena(server: LocalServer, tmp_path: Path) -> Iterator[Arena]:
    suite = tmp_path / "suite.yaml"
    suite.write_text(SUITE)
    run = tmp_path / "run"
    variants = ["--variant", "operators", "--variant", "operators+drift"]
    code = main(
        ["eval", "run", str(suite), *variants, "--out", str(run), "--turns", "0", "--quiet"]
    )
    assert code == 0
    opened = Arena.open(run, tmp_path / "votes.jsonl")
    server.app.state.arena = opened
    yield opened
    del server.app.state.arena


def test_a_vote_by_key_is_stored_and_the_ratings_follow(
    server: LocalServer, page: Any, arena: Arena
) -> None:
    page.goto(server.page("/ui/arena"))
    expect(page.get_by_text("0 of 1 pairs voted")).to_be_visible()
    expect(page.get_by_role("img", name="Left result")).to_be_visible()
    page.add_script_tag(path=AXE)
    results = page.evaluate("async () => await axe.run()")
    assert not [v["id"] for v in results["violations"] if v["impact"] in ("serious", "critical")]

    page.keyboard.press("1")
    expect(page.get_by_role("status")).to_have_text("Every pair is voted on.")
    table = page.get_by_role("table")
    expect(table).to_contain_text("operators+drift")
    votes = [json.loads(line) for line in arena.log.path.read_text().splitlines()]
    assert len(votes) == 1
    assert votes[0]["winner"] == "model_a"
    assert votes[0]["model_a"] == arena.pairs[0].left_model
    assert votes[0]["voter"] == "local"


def test_the_arena_page_reads_the_vote_file_once(
    server: LocalServer, arena: Arena, monkeypatch: pytest.MonkeyPatch
) -> None:
    import httpx

    from gouache.evals.arena import VoteLog

    arena.log.append(arena.pairs[0].vote("tie"))
    real, reads = VoteLog.records, []

    def counted(log: VoteLog) -> list[dict[str, Any]]:
        reads.append(log.path)
        return real(log)

    monkeypatch.setattr(VoteLog, "records", counted)
    shown = httpx.get(f"{server.url}/ui/arena", headers=server.headers, timeout=60)
    assert shown.status_code == 200
    assert "1 of 1 pairs voted" in shown.text
    assert reads == [arena.log.path]
