"""Suite files: what they accept, what they refuse and how they say so."""

from __future__ import annotations

from pathlib import Path

import pytest

from gouache.evals.builtin import QUICK, builtin_suite
from gouache.evals.suite import SuiteError, load_suite, suite_from_mapping


def test_a_suite_file_loads_its_cases_with_defaults(small_suite: Path) -> None:
    suite = load_suite(small_suite)
    assert suite.name == "small"
    assert [case.id for case in suite.cases] == ["caption", "crop", "hat"]
    caption = suite.cases[0]
    assert caption.expect.text == ["Hello"]
    assert caption.expect.min_psnr == 30.0
    assert suite.cases[1].whole
    assert suite.base_dir == small_suite.parent


def test_the_builtin_suite_has_at_least_60_cases_and_round_trips_through_yaml(
    tmp_path: Path,
) -> None:
    suite = builtin_suite()
    assert len(suite.cases) >= 60
    assert len({case.category for case in suite.cases}) >= 6
    file = tmp_path / "builtin.yaml"
    file.write_text(suite.to_yaml())
    again = load_suite(file)
    assert again.cases == suite.cases
    assert [c.id for c in builtin_suite(quick=True).cases] == [
        c.id for c in suite.cases if c.id in QUICK
    ]


@pytest.mark.parametrize(
    ("case", "message"),
    [
        ({"id": "a", "image": "x.png"}, "cases.0.turns"),
        ({"id": "a", "image": "x.png", "turns": []}, "cases.0.turns"),
        ({"id": "a b", "image": "x.png", "turns": "blur"}, "use letters, digits"),
        (
            {"id": "a", "image": "x.png", "turns": "blur", "region": {"box": [0.5, 0, 0.2, 1]}},
            "x0 < x1",
        ),
        ({"id": "a", "image": "x.png", "turns": "blur", "expect": {"txt": "a"}}, "txt"),
    ],
)
def test_a_bad_case_is_refused_naming_the_key(case: dict[str, object], message: str) -> None:
    with pytest.raises(SuiteError, match=message):
        suite_from_mapping({"name": "s", "cases": [case]}, base_dir=Path(), label="s.yaml")


def test_duplicate_ids_and_missing_files_are_refused(tmp_path: Path) -> None:
    case = {"id": "a", "image": "x.png", "turns": "blur"}
    with pytest.raises(SuiteError, match="unique: a"):
        suite_from_mapping({"name": "s", "cases": [case, case]}, base_dir=Path(), label="s")
    with pytest.raises(SuiteError, match="no such file"):
        load_suite(tmp_path / "missing.yaml")
    bad = tmp_path / "bad.yaml"
    bad.write_text("name: [unclosed")
    with pytest.raises(SuiteError, match="not valid YAML"):
        load_suite(bad)
    with pytest.raises(SuiteError, match="no case zzz"):
        builtin_suite().only({"zzz"})
