"""`gouache eval run` end to end on a small suite: the JSON, the HTML, the images, the gate."""

from __future__ import annotations

import json
import re
import xml.etree.ElementTree as ET
from pathlib import Path
from typing import Any

import pytest

from gouache.cli import main
from gouache.evals.compare import DEFAULT_TOLERANCES, compare
from gouache.evals.report import results_from_json, summarise
from gouache.evals.runs import Run


def report_of(folder: Path) -> dict[str, Any]:
    data: dict[str, Any] = json.loads((folder / "report.json").read_text())
    return data


def test_the_run_compares_operators_with_drift_and_with_the_guard(run_folder: Path) -> None:
    report = report_of(run_folder)
    assert report["variants"] == ["operators", "operators+drift", "operators+drift+guard"]
    summary = report["summary"]
    psnr = {v: summary[v]["metrics"]["psnr_outside"] for v in report["variants"]}
    assert psnr["operators"]["worst5"] == pytest.approx(100.0)
    assert psnr["operators+drift"]["worst5"] < 30.0
    # what the guard recovers
    assert psnr["operators+drift+guard"]["worst5"] > psnr["operators+drift"]["worst5"] + 15.0
    assert set(report["categories"]["operators"]) == {"caption", "geometry", "generative"}


def test_a_request_the_backend_cannot_do_is_a_failed_case_with_the_reply(run_folder: Path) -> None:
    results = [r for r in report_of(run_folder)["results"] if r["case"] == "hat"]
    assert len(results) == 3
    for result in results:
        assert not result["passed"]
        assert result["failures"][0].startswith("not done: turn 1 made no version")
        assert set(result["measures"]) == {"seconds"}
    assert report_of(run_folder)["summary"]["operators"]["not_done"] == 1


def test_every_result_has_its_image_beside_the_report(run_folder: Path) -> None:
    for result in report_of(run_folder)["results"]:
        assert (run_folder / result["image"]).is_file()
        assert (run_folder / result["source"]).is_file()


def test_the_html_report_is_self_contained_with_charts_and_worst_cases(run_folder: Path) -> None:
    page = (run_folder / "report.html").read_text()
    assert not re.search(r"""(src|href)=["']?https?:""", page)
    assert "<script" not in page
    assert "Lemons: the cases behind the worst values" in page
    assert page.count("data:image/jpeg;base64,") >= 4
    svgs = re.findall(r"<svg.*?</svg>", page, flags=re.S)
    assert len(svgs) >= 3
    for svg in svgs:
        ET.fromstring(svg)  # well-formed
    assert "Drift over 3 turns" in page


def test_the_drift_chain_holds_with_operators_and_the_guard_and_decays_without(
    run_folder: Path,
) -> None:
    curves = report_of(run_folder)["drift"]["curves"]
    assert [p["turn"] for p in curves["operators"]] == [1, 2, 3]
    assert all(p["psnr"] == pytest.approx(100.0) for p in curves["operators"])
    drifting = [p["psnr"] for p in curves["operators+drift"]]
    guarded = [p["psnr"] for p in curves["operators+drift+guard"]]
    assert max(drifting) < 30.0
    assert min(guarded) > 40.0
    assert all(p["identity"] > 0.45 for p in curves["operators+drift+guard"])


def test_compare_passes_a_run_against_itself_and_fails_a_worse_one(
    run_folder: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    base = run_folder / "report.json"
    assert main(["eval", "compare", str(base), str(base)]) == 0
    assert "no worst-case regression" in capsys.readouterr().out
    worse = report_of(run_folder)
    stats = worse["summary"]["operators+drift+guard"]["metrics"]["psnr_outside"]
    stats["worst5"] -= 2.0
    file = tmp_path / "worse.json"
    file.write_text(json.dumps(worse))
    assert main(["eval", "compare", str(base), str(file)]) == 1
    out = capsys.readouterr().out
    assert "REGRESSED operators+drift+guard" in out
    assert "psnr_outside" in out
    assert main(["eval", "compare", str(base), str(file), "--tolerance", "psnr_outside=3"]) == 0


def test_compare_refuses_files_that_are_not_reports(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    other = tmp_path / "other.json"
    other.write_text("[1, 2]")
    assert main(["eval", "compare", str(other), str(other)]) == 1
    assert "not an evaluation report" in capsys.readouterr().err
    assert main(["eval", "compare", str(other), str(other), "--tolerance", "psnr=1"]) == 1
    assert "no metric 'psnr'" in capsys.readouterr().err


def test_compare_gates_the_drift_chains_worst_turn(run_folder: Path) -> None:
    base = report_of(run_folder)
    worse = json.loads(json.dumps(base))
    for point in worse["drift"]["curves"]["operators+drift+guard"]:
        point["identity"] -= 0.1
    moved = compare(base, worse, DEFAULT_TOLERANCES)
    chain = [m for m in moved if m.figure == "chain 3"]
    assert [(m.variant, m.metric, m.regressed) for m in chain] == [
        ("operators+drift+guard", "identity", True)
    ]


def test_a_report_read_back_summarises_to_the_same_figures(run_folder: Path) -> None:
    report = report_of(run_folder)
    run = Run(
        suite=report["suite"],
        variants=report["variants"],
        cases=report["cases"],
        results=results_from_json(report),
        seconds={k: v for k, v in report["seconds"].items() if k != "total"},
    )
    again = summarise(run)
    assert again["summary"] == report["summary"]


def test_lemons_are_worse_than_the_median_or_failed(run_folder: Path) -> None:
    summary = report_of(run_folder)["summary"]
    # every operators case kept its pixels outside the edit: nothing to single out
    assert summary["operators"]["metrics"]["psnr_outside"]["worst_cases"] == []
    drifting = summary["operators+drift"]["metrics"]["psnr_outside"]["worst_cases"]
    assert [item["case"] for item in drifting] == ["caption"]


def test_an_unknown_backend_is_refused_before_anything_is_written(
    small_suite: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "out"
    assert main(["--backend", "nosuch", "eval", "run", str(small_suite), "--out", str(out)]) == 1
    assert "no backend 'nosuch'" in capsys.readouterr().err
    assert not out.exists()
