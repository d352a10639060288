"""Blind pairwise votes in the terminal, stored in FastChat's fields, then rated."""

from __future__ import annotations

import io
import json
from pathlib import Path

import pytest

from gouache.cli import main
from gouache.errors import InputError
from gouache.evals.arena import VoteLog, next_pair, pairs_from_run, vote_in_terminal


def test_pairs_cover_every_two_variants_of_each_case_that_made_a_version(
    run_folder: Path,
) -> None:
    pairs = pairs_from_run(run_folder)
    # two cases made versions on three variants: three pairs each; "hat" made none
    assert len(pairs) == 6
    assert {p.case for p in pairs} == {"caption", "crop"}
    assert all(p.left_model != p.right_model for p in pairs)
    assert all(Path(p.left).is_file() and Path(p.right).is_file() for p in pairs)


def test_terminal_votes_are_stored_blind_and_rated(
    run_folder: Path,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:
    pairs = pairs_from_run(run_folder)
    log = VoteLog(tmp_path / "votes.jsonl")
    answers = iter(["x", "l", "r", "s", "t", "b", "q"])
    out = io.StringIO()
    stored = vote_in_terminal(
        pairs, log, ask=lambda _: next(answers), out=out, preview=tmp_path / "pair.png"
    )
    assert stored == 4
    assert "press l, r, t, b, s or q" in out.getvalue()
    assert "operators" not in out.getvalue()  # the backends stay hidden
    assert (tmp_path / "pair.png").is_file()
    records = log.records()
    assert [r["winner"] for r in records] == ["model_a", "model_b", "tie", "tie (bothbad)"]
    assert records[0]["model_a"] == pairs[0].left_model
    # the skipped pair and the rest are still to do; voted ones are not asked again
    assert next_pair(pairs, log.read()) == pairs[2]

    assert main(["arena", "ratings", str(log.path), "--json", "--bootstrap", "20"]) == 0
    result = json.loads(capsys.readouterr().out)
    assert set(result) == {"ratings", "ci"}
    assert sum(result["ratings"].values()) / len(result["ratings"]) == pytest.approx(1000.0)
    assert main(["arena", "ratings", str(log.path)]) == 0
    assert "4 votes" in capsys.readouterr().out


def test_end_of_input_stops_voting_and_bad_vote_files_are_refused(
    run_folder: Path,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:
    def eof(_: str) -> str:
        raise EOFError

    log = VoteLog(tmp_path / "v.jsonl")
    assert (
        vote_in_terminal(
            pairs_from_run(run_folder), log, ask=eof, out=io.StringIO(), preview=tmp_path / "p.png"
        )
        == 0
    )
    bad = tmp_path / "bad.jsonl"
    bad.write_text('{"model_a": "x", "model_b": "y", "winner": "model_a"}\nnot json\n')
    assert main(["arena", "ratings", str(bad)]) == 1
    assert "line 2: not JSON" in capsys.readouterr().err
    assert main(["arena", "ratings", str(tmp_path / "none.jsonl")]) == 1
    with pytest.raises(InputError, match=r"no report\.json"):
        pairs_from_run(tmp_path)
