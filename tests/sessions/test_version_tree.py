"""The version record on its own: refs, branch names, the ASCII tree and the diff."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import numpy as np
import pytest

from gouache.errors import InputError
from gouache.ops.plan import EditPlan, Step
from gouache.sessions.versions import (
    ReferenceImage,
    Version,
    VersionScores,
    check_branch_name,
    diff_versions,
    held_by_branches,
    parse_number,
    render_tree,
    split_ancestry,
)


def version(
    number: int, parent: int | None, instruction: str | None = None, **fields: Any
) -> Version:
    values: dict[str, Any] = {
        "id": f"{number:032x}",
        "session_id": "s" * 32,
        "number": number,
        "parent_id": None if parent is None else f"{parent:032x}",
        "kind": "root" if parent is None else "turn",
        "blob": f"{number:064x}",
        "width": 4,
        "height": 3,
        "channels": 3,
        "instruction": f"edit {number}" if instruction is None else instruction,
        "plan": None,
        "backend": "operators",
        "backend_config": {},
        "params": {},
        "seed": None,
        "references": (),
        "timings": {},
        "scores": VersionScores(),
        "notes": (),
        "reply": "",
        "created_at": datetime(2025, 1, 1, tzinfo=UTC),
    }
    values.update(fields)
    return Version(**values)


def vid(number: int) -> str:
    return f"{number:032x}"


@pytest.mark.parametrize(("ref", "number"), [("3", 3), ("v3", 3), ("V12", 12), (" v0 ", 0)])
def test_version_numbers_read_with_or_without_a_v(ref: str, number: int) -> None:
    assert parse_number(ref) == number


@pytest.mark.parametrize("ref", ["main", "v3a", "3.5", "", "vv3"])
def test_other_refs_are_not_version_numbers(ref: str) -> None:
    assert parse_number(ref) is None


def test_ancestry_suffixes_count_parents() -> None:
    assert split_ancestry("main~2") == ("main", 2)
    assert split_ancestry("head~") == ("head", 1)
    assert split_ancestry("v3") == ("v3", 0)


@pytest.mark.parametrize("name", ["main", "b2", "warm-look", "ideas/sky_v2", "2024.edit"])
def test_ordinary_branch_names_are_accepted(name: str) -> None:
    assert check_branch_name(name) == name


@pytest.mark.parametrize(
    ("name", "why"),
    [
        ("", "cannot be empty"),
        ("HEAD", "reserved"),
        ("v7", "look like a version number"),
        ("42", "look like a version number"),
        ("my idea", "no spaces"),
        ("main~1", "no '~'"),
        ("-x", "starting with a letter or digit"),
        ("x" * 65, "at most 64 characters"),
    ],
)
def test_branch_names_that_would_read_as_something_else_are_refused(name: str, why: str) -> None:
    with pytest.raises(InputError, match=why):
        check_branch_name(name)


def test_a_recipe_holds_everything_needed_to_make_the_version_again() -> None:
    made = version(
        2,
        1,
        "add a caption",
        plan=EditPlan(
            instruction="add a caption", steps=(Step(op="caption", params={"text": "hi"}),)
        ),
        params={"strength": 0.5},
        seed=42,
        references=(ReferenceImage("f" * 64, "logo.png"),),
    )
    recipe = made.recipe()
    assert recipe["instruction"] == "add a caption"
    assert recipe["plan"] == {
        "instruction": "add a caption",
        "steps": [{"op": "caption", "params": {"text": "hi"}, "label": ""}],
        "planner": "rules",
        "notes": [],
    }
    assert (recipe["backend"], recipe["seed"], recipe["parent"]) == ("operators", 42, vid(1))
    assert recipe["references"] == [{"digest": "f" * 64, "name": "logo.png"}]
    assert recipe["size"] == {"width": 4, "height": 3, "channels": 3}
    assert recipe["blob"] == made.blob


def test_a_linear_history_is_one_column_newest_first() -> None:
    versions = [version(0, None, "", reply="started from a.png"), version(1, 0), version(2, 1)]

    tree = render_tree(versions, {"main": vid(2)}, vid(2))

    assert tree.splitlines() == [
        "*  v2  edit 2" + " " * 50 + "  [main]",
        "o  v1  edit 1",
        "o  v0  (start) started from a.png",
    ]


def test_forks_are_drawn_as_lanes_that_join_their_parent() -> None:
    versions = [
        version(0, None),
        version(1, 0),
        version(2, 1),
        version(3, 1),
        version(4, 0),
        version(5, 3),
    ]
    branches = {"main": vid(2), "b2": vid(5), "b3": vid(4)}

    lines = render_tree(versions, branches, vid(5), width=10).splitlines()

    graph = [line[:5].rstrip() for line in lines]
    assert graph == ["*", "o", "| o", "|/", "o", "| o", "|/", "o"]
    assert "v5" in lines[0]
    assert "[b2]" in lines[0]
    assert "v2" in lines[2]
    assert "[main]" in lines[2]
    assert "v4" in lines[5]
    assert "[b3]" in lines[5]


def test_a_three_way_fork_joins_one_lane_at_a_time() -> None:
    versions = [version(0, None), version(1, 0), version(2, 0), version(3, 0)]

    lines = render_tree(versions, {}, vid(0)).splitlines()

    assert [line[:5].rstrip() for line in lines] == [
        "o",
        "| o",
        "| | o",
        "| |/",
        "|/",
        "*",
    ]


def test_a_detached_head_and_long_instructions_are_marked() -> None:
    versions = [version(0, None), version(1, 0, "a very long instruction " * 5)]

    lines = render_tree(versions, {"main": vid(0)}, vid(1), width=30).splitlines()

    assert lines[0].startswith("*  v1  a very long instruction a v...")
    assert lines[0].endswith("(detached head)")
    assert render_tree([], {}, None) == "(no versions)"


def test_versions_on_a_branch_line_are_held_and_undone_ones_are_not() -> None:
    versions = [version(0, None), version(1, 0), version(2, 1), version(3, 0)]

    held = held_by_branches(versions, [vid(1), vid(3)])

    assert held == {vid(0), vid(1), vid(3)}


def test_a_diff_of_equal_sized_images_measures_the_change() -> None:
    a, b = version(0, None), version(1, 0, "darken")
    before = np.full((3, 4, 3), 100, np.uint8)
    after = before.copy()
    after[0, 0] = (90, 100, 100)
    after[1, 1] = (101, 100, 100)

    diff = diff_versions(a, b, before, after)

    assert diff.same_size
    assert diff.max_diff == 10
    assert diff.changed_share == pytest.approx(1 / 12)
    assert diff.mean_abs_diff == pytest.approx(11 / 36)
    assert diff.psnr == pytest.approx(10 * np.log10(255**2 / (101 / 36)), rel=1e-6)
    assert ("instruction", "edit 0", "darken") in diff.recipe_changes


def test_a_diff_of_different_sizes_says_so_and_skips_pixels() -> None:
    a, b = version(0, None), version(1, 0, width=2, height=2)

    diff = diff_versions(a, b, np.zeros((3, 4, 3), np.uint8), np.zeros((2, 2, 3), np.uint8))

    assert not diff.same_size
    assert diff.mean_abs_diff is None
    assert diff.psnr is None
    assert diff.changed_share is None
    assert "size differs: 4x3 -> 2x2" in diff.describe()


def test_a_diff_between_rgb_and_rgba_compares_colour_only() -> None:
    a, b = version(0, None), version(1, 0, channels=4)
    rgba = np.dstack([np.zeros((3, 4, 3), np.uint8), np.full((3, 4), 255, np.uint8)])

    diff = diff_versions(a, b, np.zeros((3, 4, 3), np.uint8), rgba)

    assert diff.psnr == float("inf")
    assert diff.notes == ("one image has an alpha channel and the other not; compared RGB only",)
