"""The conversation engine: turns, undo and redo, branches, checkout, refs, diff and export,
with the real rule planner and the offline operator backend."""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from gouache.backends.base import Capabilities, EditRequest, GenerateRequest, ImageResult
from gouache.backends.operators import OperatorBackend
from gouache.errors import (
    BranchNotFoundError,
    CancelledError,
    InputError,
    SessionNotFoundError,
    UnsupportedError,
    VersionNotFoundError,
)
from gouache.images import Image, LoadedImage, decode_png
from gouache.progress import CancelToken, Progress, ProgressCallback
from gouache.sessions import Session, Store


def test_starting_a_session_makes_a_root_on_main_as_the_head(
    session: Session, photo: LoadedImage
) -> None:
    head = session.head
    assert (head.number, head.kind, head.parent_id) == (1, "root", None)
    assert session.head_branch == "main"
    assert session.name == "photo"
    assert head.size == (64, 48)
    assert np.array_equal(session.image("head"), photo.pixels)


def test_a_turn_advances_the_branch_and_records_its_recipe(session: Session) -> None:
    result = session.apply("flip horizontally")

    version = result.version
    assert version is not None
    assert result.moved_branch == "main"
    assert session.head == version
    assert (version.number, version.kind, version.parent_id) == (
        2,
        "turn",
        session.resolve("v1").id,
    )
    assert version.instruction == "flip horizontally"
    assert version.plan is not None
    assert [step.op for step in version.plan.steps] == ["flip"]
    assert version.backend == "operators"
    assert "flip" in version.backend_config["operators"]
    assert set(result.ms) == {"plan", "backend", "store", "total"}
    assert {"plan", "backend", "store", "total"} <= set(version.timings)
    assert result.reply == version.reply
    assert np.array_equal(session.image("v2"), session.image("v1")[:, ::-1])


def test_an_instruction_the_planner_cannot_map_makes_no_version(session: Session) -> None:
    result = session.apply("put a hat on her")

    assert result.version is None
    assert result.plan is None
    assert result.moved_branch is None
    assert result.reply
    assert [v.number for v in session.versions()] == [1]


def test_an_empty_instruction_is_refused(session: Session) -> None:
    with pytest.raises(InputError, match="say what to change"):
        session.apply("   ")


def test_undo_moves_the_branch_back_and_keeps_the_undone_version(session: Session) -> None:
    session.apply("flip horizontally")
    second = session.apply("make it brighter").version
    assert second is not None

    back = session.undo()

    assert back.number == 2
    assert session.head.number == 2
    assert session.resolve("main").number == 2
    assert [v.number for v in session.versions()] == [1, 2, 3]
    assert session.redo() == second
    assert session.head == second


def test_undo_at_the_root_is_a_clear_error(session: Session) -> None:
    with pytest.raises(InputError, match="nothing to undo: v1 is the first version"):
        session.undo()


def test_redo_with_nothing_undone_is_a_clear_error(session: Session) -> None:
    session.apply("flip horizontally")
    with pytest.raises(InputError, match="nothing to redo at v2"):
        session.redo()


def test_a_new_turn_after_undo_leaves_nothing_to_redo_but_keeps_the_old_turn(
    session: Session,
) -> None:
    session.apply("flip horizontally")
    session.undo()
    session.apply("make it darker")

    with pytest.raises(InputError, match="nothing to redo"):
        session.redo()
    assert [v.instruction for v in session.versions()][1:] == [
        "flip horizontally",
        "make it darker",
    ]


def test_branching_from_an_old_version_keeps_the_newer_branch(session: Session) -> None:
    session.apply("flip horizontally")
    newest = session.apply("make it brighter").version
    assert newest is not None

    result = session.apply("make it black and white", at="v2")

    assert result.version is not None
    assert result.moved_branch == "b2"
    assert "new branch 'b2' from v2" in result.reply
    assert session.head == result.version
    assert session.head_branch == "b2"
    branches = session.branches()
    assert branches["main"] == newest.id
    assert branches["b2"] == result.version.id
    assert result.version.parent_id == session.resolve("v2").id


def test_applying_at_an_old_version_can_name_the_new_branch(session: Session) -> None:
    session.apply("flip horizontally")
    result = session.apply("make it darker", at="v1", branch="dark")

    assert result.moved_branch == "dark"
    assert session.resolve("main").number == 2
    assert session.head_branch == "dark"


def test_applying_with_a_taken_branch_name_elsewhere_is_refused_before_any_work(
    session: Session,
) -> None:
    session.apply("flip horizontally")
    with pytest.raises(InputError, match="branch 'main' already exists at v2"):
        session.apply("make it darker", at="v1", branch="main")
    assert len(session.versions()) == 2


def test_applying_at_a_branch_name_advances_that_branch(session: Session) -> None:
    session.apply("flip horizontally")
    session.apply("make it darker", at="v1")  # b2, now the head
    result = session.apply("make it brighter", at="main")

    assert result.moved_branch == "main"
    assert result.version is not None
    assert session.branches()["main"] == result.version.id
    assert session.resolve("b2").number == 3


def test_a_named_branch_is_created_at_the_head_and_becomes_current(session: Session) -> None:
    session.apply("flip horizontally")
    at = session.branch("experiment")

    assert at.number == 2
    assert session.head_branch == "experiment"
    result = session.apply("make it brighter")
    assert result.moved_branch == "experiment"
    assert session.resolve("main").number == 2


def test_a_duplicate_or_invalid_branch_name_is_refused(session: Session) -> None:
    with pytest.raises(InputError, match="branch 'main' already exists at v1"):
        session.branch("main")
    with pytest.raises(InputError, match="invalid branch name 'v4'"):
        session.branch("v4")
    with pytest.raises(InputError, match="invalid branch name 'head'"):
        session.branch("head")
    with pytest.raises(InputError, match="invalid branch name 'my idea'"):
        session.branch("my idea")


def test_checkout_switches_branches_or_detaches_at_an_inner_version(session: Session) -> None:
    session.apply("flip horizontally")
    session.apply("make it brighter")
    session.branch("side", at="v2")

    assert session.checkout("main").number == 3
    assert session.head_branch == "main"
    assert session.checkout("v2").number == 2
    assert session.head_branch == "side"  # v2 is the tip of "side"
    assert session.checkout("v1").number == 1
    assert session.head_branch is None

    detached = session.apply("make it darker")
    assert detached.moved_branch == "b2"
    assert session.head_branch == "b2"
    assert session.resolve("main").number == 3


def test_refs_resolve_by_number_prefix_branch_head_and_ancestry(session: Session) -> None:
    session.apply("flip horizontally")
    v3 = session.apply("make it brighter").version
    assert v3 is not None

    assert session.resolve("3") == v3
    assert session.resolve("v3") == v3
    assert session.resolve("V3") == v3
    assert session.resolve(v3.id[:6]) == v3
    assert session.resolve(v3.id) == v3
    assert session.resolve("main") == v3
    assert session.resolve("head") == v3
    assert session.resolve("head~1").number == 2
    assert session.resolve("main~2").number == 1


def test_unknown_versions_branches_and_sessions_are_not_found_errors(
    session: Session, store: Store
) -> None:
    with pytest.raises(VersionNotFoundError, match=r"no version 'v9' in session") as err:
        session.resolve("v9")
    assert err.value.version == "v9"
    assert err.value.session_id == session.id
    with pytest.raises(VersionNotFoundError, match="no version 'abcdef12'"):
        session.resolve("abcdef12")
    with pytest.raises(VersionNotFoundError, match="no version 'head~3'"):
        session.resolve("head~3")
    with pytest.raises(BranchNotFoundError, match="no branch 'nope' in session") as branch_err:
        session.checkout("nope")
    assert branch_err.value.branch == "nope"
    with pytest.raises(SessionNotFoundError, match="no session 'missing'; `gouache sessions`"):
        Session.open(store, "missing")


def test_a_session_opens_by_id_name_or_id_prefix(session: Session, store: Store) -> None:
    for key in (session.id, "photo", session.id[:8]):
        assert Session.open(store, key).id == session.id


def test_default_session_names_come_from_the_image_and_stay_unique(
    store: Store, photo: LoadedImage, make_photo: Callable[..., Image]
) -> None:
    first = Session.start(store, photo)
    second = Session.start(store, photo)
    unnamed = Session.start(store, make_photo())

    assert (first.name, second.name, unnamed.name) == ("photo", "photo-2", "untitled")
    assert Session.open(store, "photo-2").id == second.id


def test_a_name_given_twice_makes_two_sessions_and_opening_it_asks_for_the_id(
    store: Store, photo: LoadedImage
) -> None:
    first = Session.start(store, photo, name="photo.jpg")
    second = Session.start(store, photo, name="photo.jpg")

    assert first.id != second.id
    with pytest.raises(InputError, match=r"2 sessions are named 'photo.jpg': .*; give its id"):
        Session.open(store, "photo.jpg")
    assert Session.open(store, second.id[:8]).id == second.id
    with pytest.raises(InputError, match="a session name cannot be empty"):
        Session.start(store, photo, name="  ")


def test_the_store_lists_sessions_with_their_counts_and_heads(
    session: Session, store: Store
) -> None:
    session.apply("flip horizontally")
    session.apply("make it brighter")
    session.undo()

    (listed,) = store.list_sessions()
    assert (listed.id, listed.name, listed.versions) == (session.id, "photo", 3)
    assert (listed.head_number, listed.head_branch) == (2, "main")
    assert listed.updated_at >= listed.created_at


def test_history_draws_the_tree_with_branches_and_the_head(session: Session) -> None:
    session.apply("flip horizontally")
    session.apply("make it brighter")
    session.apply("make it black and white", at="v2")

    lines = session.history().splitlines()

    assert lines[0].startswith("* ")
    assert "v4" in lines[0]
    assert "[b2]" in lines[0]
    assert lines[1].startswith("| o")
    assert "v3" in lines[1]
    assert "[main]" in lines[1]
    assert lines[2] == "|/"
    assert "v2" in lines[3]
    assert "flip horizontally" in lines[3]
    assert "v1" in lines[4]
    assert "(start) started from photo.png" in lines[4]


def test_two_versions_differing_by_a_flip_show_pixel_and_recipe_differences(
    session: Session,
) -> None:
    session.apply("flip horizontally")

    diff = session.diff("v1", "v2")

    assert diff.same_size
    assert diff.mean_abs_diff is not None
    assert diff.mean_abs_diff > 1.0
    assert diff.max_diff is not None
    assert diff.max_diff > 100
    assert diff.psnr is not None
    assert diff.psnr < 40.0
    assert diff.changed_share is not None
    assert diff.changed_share > 0.5
    fields = {change.field for change in diff.recipe_changes}
    assert {"instruction", "plan", "parent", "blob"} <= fields
    assert "v1 -> v2" in diff.describe()
    assert session.diff("v2", "v2").psnr == float("inf")


def test_export_writes_the_exact_blob_and_the_recipe(session: Session, tmp_path: Path) -> None:
    version = session.apply("flip horizontally").version
    assert version is not None

    exported = session.export("v2", tmp_path / "out")

    assert exported.image_path == tmp_path / "out" / "v2.png"
    assert exported.image_path.read_bytes() == session.store.blobs.get_bytes(version.blob)
    recipe = json.loads(exported.recipe_path.read_text())
    assert recipe == version.recipe()
    assert recipe["instruction"] == "flip horizontally"
    assert recipe["size"] == {"width": 64, "height": 48, "channels": 3}
    assert np.array_equal(decode_png(exported.image_path.read_bytes()), session.image("v2"))


def test_images_are_cached_read_only_so_the_next_turn_does_not_decode_the_head(
    session: Session,
) -> None:
    session.apply("flip horizontally")
    head = session.image("head")

    assert head is session.image("v2")
    assert not head.flags.writeable


def test_a_concurrent_move_of_the_branch_puts_the_turn_on_a_new_branch(
    store: Store, session: Session
) -> None:
    other = Session.open(store, session.id)
    moved: list[int] = []

    def meanwhile(progress: Progress) -> None:
        # Another writer advances "main" while this turn's backend runs.
        if not moved:
            result = other.apply("make it darker")
            assert result.version is not None
            moved.append(result.version.number)

    result = session.apply("flip horizontally", progress=meanwhile)

    assert moved == [2]
    assert result.version is not None
    assert result.version.number == 3
    assert result.moved_branch == "b2"
    assert "branch 'main' moved to v2 while this turn ran" in result.reply
    assert session.resolve("main").number == 2
    assert session.head == result.version


def test_the_operator_backend_cannot_start_from_text_and_says_what_it_can_do(
    store: Store,
) -> None:
    with pytest.raises(UnsupportedError, match=r"cannot generate from text; it can: edit"):
        Session.start_from_text(store, "a red fox", backend=OperatorBackend())
    assert store.list_sessions() == []


def test_more_references_than_the_backend_takes_are_refused(
    session: Session, photo: LoadedImage
) -> None:
    with pytest.raises(UnsupportedError, match="takes at most 8 reference image"):
        session.apply("flip horizontally", references=[photo] * 9)


def test_consecutive_turns_never_decode_the_head_again(
    session: Session, monkeypatch: pytest.MonkeyPatch
) -> None:
    decoded: list[str] = []
    real_get = session.store.blobs.get

    def counting_get(digest: str) -> Image:
        decoded.append(digest)
        return real_get(digest)

    monkeypatch.setattr(session.store.blobs, "get", counting_get)

    for instruction in ("flip horizontally", "make it brighter", "make it darker"):
        session.apply(instruction)

    assert decoded == []
    fresh = Session.open(session.store, session.id)
    fresh.image("v2")
    assert len(decoded) == 1


def test_a_cancelled_turn_stores_nothing(session: Session) -> None:
    cancel = CancelToken()
    cancel.cancel()

    with pytest.raises(CancelledError, match="cancelled"):
        session.apply("flip horizontally", cancel=cancel)
    assert [v.number for v in session.versions()] == [1]


def test_the_seed_of_a_turn_is_recorded(session: Session) -> None:
    version = session.apply("make it brighter", seed=1234).version

    assert version is not None
    assert version.seed == 1234
    assert version.recipe()["seed"] == 1234


class ReferenceTakingOperators(OperatorBackend):
    """The real operator backend, declaring that it accepts reference images."""

    capabilities = replace(OperatorBackend.capabilities, max_references=2)


def test_references_of_a_turn_are_stored_as_blobs_and_recorded(
    store: Store, photo: LoadedImage, make_photo: Callable[..., Image]
) -> None:
    session = Session.start(store, photo, backend=ReferenceTakingOperators())
    logo = LoadedImage(make_photo(8, 8, seed=3), "PNG", "logo.png")

    version = session.apply("flip horizontally", references=[logo]).version

    assert version is not None
    (reference,) = version.references
    assert reference.name == "logo.png"
    assert np.array_equal(store.blobs.get(reference.digest), logo.pixels)
    assert version.recipe()["references"] == [{"digest": reference.digest, "name": "logo.png"}]


class SolidColourBackend:
    """A test double for the one path no offline backend has: drawing from text."""

    name = "solid"
    capabilities = Capabilities(generate=True, edit=False)
    operators = None

    def config(self) -> dict[str, Any]:
        return {"colour": [200, 40, 40]}

    def generate(
        self,
        request: GenerateRequest,
        *,
        progress: ProgressCallback | None = None,
        cancel: CancelToken | None = None,
    ) -> ImageResult:
        pixels = np.empty((request.height or 16, request.width or 24, 3), np.uint8)
        pixels[...] = (200, 40, 40)
        return ImageResult(image=pixels, seed=request.seed, params={"steps": 1})

    def edit(
        self,
        request: EditRequest,
        *,
        progress: ProgressCallback | None = None,
        cancel: CancelToken | None = None,
    ) -> ImageResult:
        raise UnsupportedError("solid colours only", backend=self.name)


def test_a_session_can_start_from_text_on_a_backend_that_generates(store: Store) -> None:
    session = Session.start_from_text(
        store, "A red square, please!", backend=SolidColourBackend(), seed=9
    )

    root = session.head
    assert session.name == "a-red-square-please"
    assert (root.kind, root.instruction, root.backend, root.seed) == (
        "root",
        "A red square, please!",
        "solid",
        9,
    )
    assert root.backend_config == {"colour": [200, 40, 40]}
    assert root.size == (24, 16)
    with pytest.raises(UnsupportedError, match="backend 'solid' cannot edit images"):
        session.apply("flip horizontally")


def test_export_into_a_path_that_is_a_file_is_a_clear_error(
    session: Session, tmp_path: Path
) -> None:
    (tmp_path / "taken").write_text("a file")
    with pytest.raises(InputError, match="cannot export to"):
        session.export("head", tmp_path / "taken")


def test_an_all_digit_id_prefix_resolves_when_no_number_matches(
    session: Session, monkeypatch: pytest.MonkeyPatch
) -> None:
    import uuid

    import gouache.sessions.store as store_module

    fixed = uuid.UUID("72772311" + "0" * 24)
    monkeypatch.setattr(store_module, "uuid4", lambda: fixed)
    made = session.apply("flip horizontally").version
    assert made is not None
    assert made.id.startswith("727723")
    assert session.resolve("727723") == made


class CountingPlanner:
    """The rule planner, counting the instructions it is given."""

    name = "rules"

    def __init__(self) -> None:
        from gouache.planner.rules import RulePlanner

        self.inner = RulePlanner()
        self.planned: list[str] = []

    def plan(self, instruction: str, context: Any = None) -> Any:
        self.planned.append(instruction)
        return self.inner.plan(instruction, context)


def test_suggestions_after_a_turn_plan_nothing_again(store: Store) -> None:
    from skimage import data

    dark = (np.asarray(data.astronaut()) // 4).astype(np.uint8)
    planner = CountingPlanner()
    session = Session.start(store, dark, planner=planner)

    session.apply("flip horizontally")
    ideas = session.suggestions()

    assert planner.planned == ["flip horizontally"]
    assert ideas
    assert all(idea.op != "flip" for idea in ideas)
