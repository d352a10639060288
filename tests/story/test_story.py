"""Storyboards on the offline backend: panels as versions, identity per character per panel,
the lost character caught, the comic page as PNG and PDF, and re-rendering one panel only."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import numpy as np
import pytest
from PIL import Image as PILImage

from gouache.errors import InputError
from gouache.layers.model import stack_of
from gouache.sessions import Store
from gouache.story.page import page_layout
from gouache.story.run import StoryResult, run_story
from gouache.story.script import load_script


def test_a_three_panel_story_scores_each_character_per_panel_and_flags_the_lost_one(
    drawn: StoryResult,
) -> None:
    result = drawn
    first, second, third = result.panels
    threshold = 0.45
    # panel 1: Eileen alone; panel 2: both; panel 3 names both but its photo has only Eileen
    assert (first.identity["Eileen"] or 0) >= threshold
    assert first.identity["Grace"] is None
    assert first.lost == ()
    assert (second.identity["Eileen"] or 0) >= threshold
    assert (second.identity["Grace"] or 0) >= threshold
    assert second.lost == ()
    assert third.lost == ("Grace",)
    assert third.flag == "Grace missing"
    assert "FLAGGED: Grace missing" in result.report()
    # each panel is a version on the story branch, the child of the one before
    session = result.session
    versions = [p.version for p in result.panels]
    assert versions[0].parent_id == session.resolve("v1").id
    assert [v.parent_id for v in versions[1:]] == [v.id for v in versions[:-1]]
    assert session.branches()["story"] == versions[-1].id
    # with its recipe: from the source photo, cropped, sized, and the words as layers
    ops = [step.op for step in versions[1].plan.steps] if versions[1].plan else []
    assert ops[:3] == ["use_image", "crop", "resize"]
    assert (versions[1].width, versions[1].height) == (240, 200)
    stack = stack_of(versions[0].params)
    assert stack is not None
    assert [layer.op for layer in stack.layers] == ["caption"]
    second_stack = stack_of(versions[1].params)
    assert second_stack is not None
    assert [layer.op for layer in second_stack.layers] == ["balloon"]  # panel 1's caption stays
    # the page and every panel
    assert [path.name for path in result.files] == ["panel-1.png", "panel-2.png", "panel-3.png"]
    with PILImage.open(result.page_png) as page:
        layout = page_layout(3, (240, 200), "grid", True)
        assert page.size == layout.size
        pixels = np.asarray(page.convert("RGB"))
    x, y = layout.cells[1]
    panel = session.image(versions[1].id)[:, :, :3]
    assert np.array_equal(pixels[y : y + 200, x : x + 240], panel)


def test_the_balloon_points_at_the_speaker_and_keeps_off_the_faces(drawn: StoryResult) -> None:
    result = drawn
    version = result.panels[1].version
    stack = stack_of(version.params)
    assert stack is not None
    balloon = stack.layers[0]
    base = result.session.store.blobs.get(stack.base)
    session = result.session
    faces = session.analyses.get(base).faces
    characters = session.characters()
    from gouache.characters import match_characters

    grace = match_characters(characters, faces)["Grace"]
    assert grace.face_index is not None
    box = faces[grace.face_index].box
    px, py = balloon.params["point"]
    assert box.x <= px * 240 <= box.right
    assert box.y <= py * 200 <= box.bottom
    from gouache.ops.balloon import BalloonParams, balloon_shape

    shape = balloon_shape((240, 200), BalloonParams.model_validate(balloon.params))
    left, top, right, bottom = shape.bounds(240, 200)
    for face in faces:
        b = face.box
        overlap = max(0, min(right, b.right) - max(left, b.x)) * max(
            0, min(bottom, b.bottom) - max(top, b.y)
        )
        assert overlap < 0.15 * b.area


def test_changing_one_panel_redraws_only_that_panel_and_the_page(
    script_path: Path, store: Store, tmp_path: Path
) -> None:
    out = tmp_path / "out"
    before = run_story(load_script(script_path), store, out)
    page_before = (out / "page.png").read_bytes()
    again = run_story(load_script(script_path), store, out)
    assert all(p.reused for p in again.panels)
    assert [p.version.id for p in again.panels] == [p.version.id for p in before.panels]
    script_path.write_text(script_path.read_text().replace("Good luck!", "Go, Eileen!"))
    changed = run_story(load_script(script_path), store, out)
    assert [p.reused for p in changed.panels] == [True, False, True]
    assert changed.panels[0].version.id == before.panels[0].version.id
    assert changed.panels[2].version.id == before.panels[2].version.id
    new = changed.panels[1].version
    assert new.id != before.panels[1].version.id
    assert new.parent_id == before.panels[0].version.id
    stack = stack_of(new.params)
    assert stack is not None
    assert stack.layers[0].params["text"] == "Go, Eileen!"
    assert (out / "page.png").read_bytes() != page_before
    assert len(changed.session.versions()) == 5  # the root, three panels, one redrawn


def test_the_pdf_page_shows_the_same_page(drawn: StoryResult, tmp_path: Path) -> None:
    if shutil.which("pdftoppm") is None:
        pytest.skip("Debian's poppler-utils is not installed (make test installs it)")
    result = drawn
    subprocess.run(
        ["pdftoppm", "-r", "72", "-png", str(result.page_pdf), str(tmp_path / "pdf")],
        check=True,
        timeout=60,
    )
    pages = sorted(tmp_path.glob("pdf*.png"))
    assert len(pages) == 1
    with PILImage.open(pages[0]) as rendered, PILImage.open(result.page_png) as png:
        assert abs(rendered.size[0] - png.size[0]) <= 1
        assert abs(rendered.size[1] - png.size[1]) <= 1
        a = np.asarray(rendered.convert("RGB").resize(png.size)).astype(int)
        b = np.asarray(png.convert("RGB")).astype(int)
    # each panel is the same picture (poppler resamples it: measured median 2 levels, mean 6);
    # the title is set in Helvetica rather than the PNG's font, so it is left out
    layout = page_layout(3, (240, 200), "grid", True)
    for x, y in layout.cells:
        delta = np.abs(a[y : y + 200, x : x + 240] - b[y : y + 200, x : x + 240])
        assert np.median(delta) <= 4
        assert delta.mean() < 10


@pytest.mark.parametrize("count", range(2, 10))
@pytest.mark.parametrize("layout", ["grid", "strip"])
def test_two_to_nine_panels_fit_the_page_without_touching(count: int, layout: str) -> None:
    plan = page_layout(count, (100, 80), layout, True)
    boxes = [(x, y, x + 100, y + 80) for x, y in plan.cells]
    width, height = plan.size
    for i, (x0, y0, x1, y1) in enumerate(boxes):
        assert 0 < x0 < x1 < width
        assert 0 < y0 < y1 < height
        for u0, v0, u1, v1 in boxes[i + 1 :]:
            assert x1 + 16 <= u0 or u1 + 16 <= x0 or y1 + 16 <= v0 or v1 + 16 <= y0
    if layout == "strip":
        assert len({y for _, y in plan.cells}) == 1


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (("characters: [Eileen, Grace]", "characters: [Eileen, Bob]"), "Bob"),
        (("panel: [240, 200]", "panel: [10, 10]"), "64 to 2000"),
        (("source: {p}/both.png", "source: {p}/nowhere.png"), "does not exist"),
        (("title: Launch day", "title: [oops"), "not valid YAML"),
    ],
)
def test_a_bad_script_is_refused_with_what_is_wrong(
    script_path: Path, photos: Path, change: tuple[str, str], message: str
) -> None:
    old, new = (part.replace("{p}", str(photos)) for part in change)
    text = script_path.read_text()
    assert old in text
    script_path.write_text(text.replace(old, new, 1))
    with pytest.raises(InputError, match=message):
        load_script(script_path)


def test_offline_a_panel_without_a_source_photo_is_refused_before_anything_is_made(
    script_path: Path, photos: Path, store: Store, tmp_path: Path
) -> None:
    text = script_path.read_text().replace(f"    source: {photos}/both.png\n", "")
    script_path.write_text(text)
    with pytest.raises(InputError, match="panel 2 has no source photo"):
        run_story(load_script(script_path), store, tmp_path / "out")
    assert store.list_sessions() == []


def test_the_cli_writes_the_page_and_exits_3_when_a_panel_is_flagged(
    script_path: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from gouache.cli import main

    out = tmp_path / "comic"
    code = main(["--data-dir", str(tmp_path / "data"), "story", str(script_path), "-o", str(out)])
    printed = capsys.readouterr().out
    assert code == 3
    assert "FLAGGED: Grace missing" in printed
    assert (out / "page.png").exists()
    assert (out / "page.pdf").exists()


def test_a_story_keeps_files_it_did_not_write_unless_forced_and_never_writes_through_links(
    script_path: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from gouache.cli import main

    out = tmp_path / "comic"
    out.mkdir()
    mine = out / "page.png"
    mine.write_bytes(b"the user's own page")
    argv = ["--data-dir", str(tmp_path / "data"), "story", str(script_path), "-o", str(out)]
    assert main(argv) == 1
    assert f"{mine} exists; --force replaces it" in capsys.readouterr().err
    assert mine.read_bytes() == b"the user's own page"
    assert sorted(p.name for p in out.iterdir()) == ["page.png"]  # refused before any work
    assert main([*argv, "--force"]) == 3
    assert mine.read_bytes().startswith(b"\x89PNG")
    assert (out / "story.json").is_file()
    assert main(argv) == 3  # its own folder now: a run again needs no --force
    elsewhere = tmp_path / "elsewhere.pdf"
    elsewhere.write_bytes(b"not to be touched")
    (out / "page.pdf").unlink()
    (out / "page.pdf").symlink_to(elsewhere)
    capsys.readouterr()
    assert main([*argv, "--force"]) == 1
    assert "symbolic link" in capsys.readouterr().err
    assert elsewhere.read_bytes() == b"not to be touched"
    assert not [p for p in out.iterdir() if p.name.startswith(".tmp")]


def test_the_example_script_loads_with_its_photos() -> None:
    script = load_script(Path(__file__).parents[2] / "examples" / "story" / "story.yaml")
    assert len(script.panels) == 3
    assert all(panel.source is not None and panel.source.is_file() for panel in script.panels)
    assert set(script.characters) == {"Eileen", "Grace"}


class Redrawer:
    """A stand-in for a generative model (no weights run here): it "draws" each panel as its
    first reference, the panel's source photo, and keeps every prompt and reference count."""

    name = "redrawer"
    operators = None

    def __init__(self) -> None:
        from gouache.backends.base import Capabilities

        self.capabilities = Capabilities(generate=True, edit=True, max_references=3)
        self.calls: list[tuple[str, int, int | None]] = []

    def config(self) -> dict[str, object]:
        return {}

    def generate(self, request: object, **_: object) -> object:
        raise NotImplementedError

    def edit(self, request: object, **_: object) -> object:
        from gouache.backends.base import EditRequest, ImageResult

        assert isinstance(request, EditRequest)
        self.calls.append((request.prompt, len(request.references), request.seed))
        return ImageResult(image=request.references[0].copy(), seed=request.seed)


def test_on_a_generative_backend_a_panel_is_drawn_from_words_and_the_characters_photos(
    script_path: Path, store: Store, tmp_path: Path
) -> None:
    model = Redrawer()
    result = run_story(load_script(script_path), store, tmp_path / "out", backend=model)  # type: ignore[arg-type]
    first, second, third = result.panels
    prompt, references, _ = model.calls[0]
    assert "Eileen arrives at the pad" in prompt
    assert "Style: make it a cartoon." in prompt
    assert 'Caption: "Monday, 6 am"' in prompt
    assert references == 2  # the source photo and Eileen's
    assert 'Grace says: "Good luck!"' in model.calls[1][0]
    assert model.calls[1][1] == 3
    assert first.lost == ()
    assert second.lost == ()
    # panel 3 loses Grace on every seed: the pipeline tried three, then the panel is flagged
    assert third.lost == ("Grace",)
    seeds = [seed for _, _, seed in model.calls[2:]]
    assert len(set(seeds[:3])) == 3
    assert any("3 tries" in note for note in third.notes)
    assert third.version.parent_id == second.version.id
    assert (tmp_path / "out" / "page.pdf").exists()


def test_each_panel_version_keeps_its_identity_scores_and_no_false_loss_note(
    drawn: StoryResult,
) -> None:
    result = drawn
    _, second, third = (p.version for p in result.panels)
    assert second.scores.identity is not None
    assert (second.scores.identity["Grace"] or 0) >= 0.45
    # panel 2 has Grace and panel 1 not: that is the script, not a loss
    assert "identity" not in second.reply
    # panel 3 names Grace and has not got her: the version says so
    assert "Grace" in third.reply
