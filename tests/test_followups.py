"""Follow-ups in chat change the last turn: "a bit bigger shadow" redoes the shadow farther
from the version it started at, "only the one on the right" redoes the blur on one face,
"actually black and white instead" replaces the sepia. The real CLI loop, sessions and
operators on the sample pictures."""

from __future__ import annotations

import io
from collections.abc import Iterator
from pathlib import Path

import numpy as np
import pytest
from PIL import Image as PILImage

from gouache import conversation, followups
from gouache.analysis.cache import AnalysisCache
from gouache.backends.operators import OperatorBackend
from gouache.cli import main
from gouache.cli_chat import chat_loop
from gouache.conversation import Command
from gouache.evals.samples import sample
from gouache.images import BlobStore, Image
from gouache.sessions.session import Session
from gouache.sessions.store import Store
from gouache.settings import Settings


@pytest.fixture
def store(tmp_path: Path) -> Iterator[Store]:
    with Store(f"sqlite:///{tmp_path / 'g.db'}", BlobStore(tmp_path / "blobs")) as opened:
        yield opened


@pytest.fixture(scope="module")
def analyses() -> AnalysisCache:
    return AnalysisCache()  # one look at each sample for the whole module


def chat(store: Store, analyses: AnalysisCache, picture: str, *lines: str) -> tuple[Session, str]:
    backend = OperatorBackend(analyses=analyses)
    session = Session.start(store, sample(picture), name=picture, backend=backend)
    out = io.StringIO()
    chat_loop(session, Settings(), io.StringIO("".join(f"{line}\n" for line in lines)), out)
    return session, out.getvalue()


def shadow_offset(parent: Image, out: Image) -> float:
    """How far right and down the darkening a shadow added lies from the subject's centre."""
    subject = parent[:, :, :3].astype(float).sum(axis=2) < 3 * 250
    dark = np.clip(parent[:, :, :3].astype(float) - out[:, :, :3], 0, None).sum(axis=2)
    rows, cols = np.mgrid[0 : parent.shape[0], 0 : parent.shape[1]]
    centre = np.array([rows[subject].mean(), cols[subject].mean()])
    weight = dark.sum()
    shadow = np.array([(rows * dark).sum() / weight, (cols * dark).sum() / weight])
    return float((shadow - centre).sum())


def test_a_bigger_shadow_redoes_the_shadow_farther_from_its_parent(
    store: Store, analyses: AnalysisCache
) -> None:
    session, said = chat(store, analyses, "logo", "add a drop shadow", "a bit bigger shadow")
    first, bigger = session.resolve("2"), session.resolve("3")
    assert bigger.parent_id == first.parent_id == session.resolve("1").id
    assert "Adjusted the last edit: shadow distance 7.7 px -> 9.6 px, redone from v1" in said
    assert bigger.plan is not None
    assert [step.op for step in bigger.plan.steps] == ["drop_shadow"]
    assert bigger.plan.steps[0].params["distance"] == pytest.approx(0.025)
    assert any(note.startswith("follow-up: adjusts v2 from v1") for note in bigger.notes)
    original = session.image("1")
    near = shadow_offset(original, session.image("2"))
    far = shadow_offset(original, session.image("3"))
    assert far > near + 1.0
    # one shadow, not a second on the first: as much darkening as the first made
    darkening = [
        np.clip(original[:, :, :3].astype(float) - session.image(v)[:, :, :3], 0, None).sum()
        for v in ("2", "3")
    ]
    assert darkening[1] == pytest.approx(darkening[0], rel=0.15)


def test_a_softer_shadow_blurs_its_edge_and_less_takes_back_half_of_that(
    store: Store, analyses: AnalysisCache
) -> None:
    session, said = chat(
        store, analyses, "cutout", "add a drop shadow", "make the shadow softer", "less"
    )
    softness = []
    for number in ("2", "3", "4"):
        version = session.resolve(number)
        assert version.parent_id == session.resolve("1").id
        assert version.plan is not None
        assert [step.op for step in version.plan.steps] == ["drop_shadow"]
        softness.append(version.plan.steps[0].params.get("softness", 0.015))
    assert softness == pytest.approx([0.015, 0.0225, 0.01875], abs=1e-4)
    assert "shadow softness 3.8 px -> 5.7 px" in said
    # the cat is laid back bit for bit; only the shadow's edge spreads over more pixels
    original = session.image("1")
    cat = original[:, :, 3] == 255
    assert np.array_equal(session.image("3")[cat], original[cat])
    reach = [int((session.image(v)[:, :, 3] > original[:, :, 3]).sum()) for v in "234"]
    assert reach[0] < reach[2] < reach[1]


def test_naming_an_earlier_edit_redoes_it_and_the_edits_after_it_on_top(
    store: Store, analyses: AnalysisCache
) -> None:
    session, said = chat(
        store, analyses, "cutout", "add a drop shadow", "add a white border",
        "make the shadow softer",
    )  # fmt: skip
    shadow, border = session.resolve("2"), session.resolve("3")
    softer, again = session.resolve("4"), session.resolve("5")
    assert softer.parent_id == shadow.parent_id
    assert again.parent_id == softer.id
    assert session.head.id == again.id
    assert 'Adjusted v2 ("add a drop shadow"): shadow softness 3.8 px -> 5.7 px' in said
    assert 'then v3 ("add a white border") done again on top' in said
    assert softer.plan is not None
    assert again.plan is not None
    assert border.plan is not None
    assert softer.plan.steps[0].params["softness"] == pytest.approx(0.0225)
    assert again.plan.steps == border.plan.steps
    # the same border round a softer shadow: the frame bit for bit, the shadow spread wider
    before, after = session.image("3"), session.image("5")
    assert before.shape == after.shape
    rim = np.ones(before.shape[:2], dtype=bool)
    width = (before.shape[1] - session.image("1").shape[1]) // 2
    rim[width:-width, width:-width] = False
    assert np.array_equal(before[rim], after[rim])
    assert not np.array_equal(before, after)
    # one undo takes the whole follow-up back: to the border round the first shadow
    assert conversation.act(session, Command("undo")) == "back at v3"


def test_and_her_eyes_too_redoes_the_whitening_with_the_eyes_not_a_second_whitening(
    store: Store, analyses: AnalysisCache
) -> None:
    session, said = chat(store, analyses, "astronaut", "whiten her teeth", "and her eyes too")
    both = session.resolve("3")
    assert both.parent_id == session.resolve("1").id
    assert both.plan is not None
    assert [step.op for step in both.plan.steps] == ["whiten_teeth", "brighten_eyes"]
    assert both.instruction == "whiten her teeth and her eyes"
    assert "Added to the last edit: brighten the eyes, all done from v1" in said
    original = session.image("1").astype(float)
    teeth = np.abs(session.image("2").astype(float) - original).sum(axis=2) > 0
    once = (session.image("2").astype(float) - original)[teeth].mean()
    again = (session.image("3").astype(float) - original)[teeth].mean()
    assert again == pytest.approx(once, abs=0.5)  # the teeth whitened once, as in v2
    changed = np.abs(session.image("3").astype(float) - original).sum(axis=2) > 0
    assert changed.sum() > teeth.sum()  # and the eyes besides


def test_undo_after_a_follow_up_goes_back_to_the_version_it_replaced(
    store: Store, analyses: AnalysisCache
) -> None:
    session, said = chat(
        store, analyses, "logo", "add a drop shadow", "a bit bigger shadow", "undo"
    )
    assert "back at v2" in said
    assert session.head.number == 2


def test_follow_ups_go_on_along_the_same_branch_and_keep_what_they_replaced_off_it(
    store: Store, analyses: AnalysisCache
) -> None:
    session, said = chat(
        store, analyses, "logo", "add a drop shadow", "a bit bigger shadow", "more",
        "add a white border",
    )  # fmt: skip
    assert "new branch" not in said
    assert '(v2 stays in the tree, off this line: "undo" brings it back)' in said
    # one branch: the shadow redone twice, then the border on the last shadow
    assert session.branches() == {"main": session.resolve("5").id}
    assert session.resolve("5").parent_id == session.resolve("4").id
    first = session.resolve("1").id
    assert [session.resolve(n).parent_id for n in "234"] == [first] * 3
    lines = session.history().splitlines()
    assert [line for line in lines if "[" in line] == [lines[0]]
    # undo after a follow-up puts the version it replaced back on the line, on main
    session.undo()
    assert conversation.act(session, Command("undo")) == "back at v3"
    assert session.branches() == {"main": session.resolve("3").id}
    assert session.head_branch == "main"


def test_only_the_one_on_the_right_blurs_that_face_and_leaves_the_others_bit_for_bit(
    store: Store, analyses: AnalysisCache
) -> None:
    session, said = chat(
        store, analyses, "group", "blur the faces", "only the one on the right",
        "and the left one too",
    )  # fmt: skip
    original = session.image("1")
    faces = sorted((f.box for f in analyses.get(original).faces), key=lambda b: b.x)
    assert len(faces) == 3
    right, both = session.resolve("3"), session.resolve("4")
    assert right.parent_id == both.parent_id == session.resolve("1").id
    assert "every face (3) -> the right face" in said
    assert "the right face -> the left and right faces" in said

    def changed(number: str, box: object) -> bool:
        x, y, w, h = box.x, box.y, box.w, box.h  # type: ignore[attr-defined]
        return not np.array_equal(
            session.image(number)[y : y + h, x : x + w], original[y : y + h, x : x + w]
        )

    assert [changed("3", box) for box in faces] == [False, False, True]
    assert [changed("4", box) for box in faces] == [True, False, True]


def test_the_other_one_asks_which_when_two_faces_are_left_and_makes_nothing(
    store: Store, analyses: AnalysisCache
) -> None:
    session, said = chat(
        store, analyses, "group", "make the face on the left brighter", "not her, the other one"
    )
    assert 'there are 2 other faces: say "only the middle one" or "only the right one"' in said
    assert len(session.versions()) == 2
    # what the reply offers is understood as it stands
    _, picked = chat(store, analyses, "group", "make the face on the left brighter",
                     "only the middle one")  # fmt: skip
    assert "the left face -> the middle face" in picked


def test_the_other_one_with_one_face_says_there_is_none(
    store: Store, analyses: AnalysisCache
) -> None:
    session, said = chat(
        store, analyses, "grace_hopper", "make her face brighter", "not her, the other one"
    )
    assert "there is no other face in the picture" in said
    assert len(session.versions()) == 2


def test_black_and_white_instead_replaces_the_sepia_from_its_parent(
    store: Store, analyses: AnalysisCache
) -> None:
    session, said = chat(store, analyses, "coffee", "sepia", "actually black and white instead")
    grey = session.resolve("3")
    assert grey.parent_id == session.resolve("1").id
    assert grey.plan is not None
    assert [step.op for step in grey.plan.steps] == ["grayscale"]
    assert 'Replaced the last edit ("sepia", v2) with grayscale' in said
    pixels = session.image("3").astype(int)
    assert np.abs(pixels[:, :, 0] - pixels[:, :, 2]).max() <= 1  # no sepia left under it


def test_i_meant_cooler_replaces_the_warming_instead_of_cancelling_it_out(
    store: Store, analyses: AnalysisCache
) -> None:
    session, said = chat(store, analyses, "coffee", "make it warmer", "no, I meant cooler")
    cooler = session.resolve("3")
    assert cooler.parent_id == session.resolve("1").id
    assert 'Replaced the last edit ("warmth +20 %", v2) with warmth -20 %' in said

    def red_over_blue(number: str) -> float:
        pixels = session.image(number).astype(float)
        return float((pixels[..., 0] - pixels[..., 2]).mean())

    assert red_over_blue("3") < red_over_blue("1") - 5  # cooler than the original itself


def test_a_new_target_with_no_edit_yet_says_what_to_say_instead(
    store: Store, analyses: AnalysisCache
) -> None:
    session, said = chat(store, analyses, "group", "only the one on the right")
    assert "there is no edit yet" in said
    assert 'e.g. "blur the face on the right"' in said
    assert len(session.versions()) == 1


@pytest.mark.parametrize(
    ("line", "follows"),
    [
        ("only the one on the right", True),
        ("not her, the other one", True),
        ("and the other one too", True),
        ("actually black and white instead", True),
        ("no, I meant cooler", True),
        ("make the text blue instead of red", False),
        ("just blur the face on the right", False),
        ("brighten it, but not too much", False),
    ],
)
def test_a_follow_up_is_told_from_a_whole_edit(line: str, follows: bool) -> None:
    assert followups.looks_like(line) is follows


def test_edit_answers_a_follow_up_with_chat_and_at(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("GOUACHE_DATA_DIR", str(tmp_path / "data"))
    photo = tmp_path / "group.png"
    PILImage.fromarray(sample("group")).save(photo)
    code = main(["edit", str(photo), "only the one on the right", "-o", str(tmp_path / "o.png")])
    said = capsys.readouterr().out
    assert code == 3
    assert "`gouache chat`" in said
    assert '--session ID --at vN "..."' in said
    assert not (tmp_path / "o.png").exists()


def test_not_so_dark_after_a_shadow_lightens_the_shadow_and_leaves_the_picture_alone(
    store: Store, analyses: AnalysisCache
) -> None:
    session, said = chat(store, analyses, "logo", "add a drop shadow", "not so dark")
    lighter = session.resolve("3")
    assert lighter.parent_id == session.resolve("1").id
    assert lighter.plan is not None
    assert [step.op for step in lighter.plan.steps] == ["drop_shadow"]
    assert 'as "not so dark" is about its shadow opacity: shadow opacity 50 % -> 33.33 %' in said
    assert 'For the whole picture, say "make it lighter".' in said
    original = session.image("1").astype(int)
    shadow, after = session.image("2").astype(int), session.image("3").astype(int)
    # where the first shadow darkened v1's white
    fell = (original.sum(axis=2) >= 750) & ((original - shadow).sum(axis=2) > 0)
    assert fell.sum() > 5000
    # the shadow's darkest pixel is lighter (404 -> 519 of 765 on the logo)
    assert after[fell].sum(axis=1).min() > shadow[fell].sum(axis=1).min() + 60
    # and the picture is not brightened: what no shadow touches is v1's, bit for bit
    clear = (original - shadow).sum(axis=2) == 0
    assert np.array_equal(after[clear], original[clear])


def test_make_it_darker_after_a_shadow_is_still_the_whole_picture(
    store: Store, analyses: AnalysisCache
) -> None:
    session, _ = chat(store, analyses, "logo", "add a drop shadow", "make it darker")
    darker = session.resolve("3")
    assert darker.parent_id == session.resolve("2").id
    assert darker.plan is not None
    assert [step.op for step in darker.plan.steps] == ["brightness"]


def test_a_darker_shadow_is_one_shadow_more_opaque_first_and_after_a_shadow(
    store: Store, analyses: AnalysisCache
) -> None:
    session, said = chat(store, analyses, "logo", "add a darker shadow", "add a darker shadow")
    first, again = session.resolve("2"), session.resolve("3")
    assert first.plan is not None
    assert again.plan is not None
    assert [(s.op, s.params["opacity"]) for s in first.plan.steps] == [("drop_shadow", 0.75)]
    assert [(s.op, s.params["opacity"]) for s in again.plan.steps] == [("drop_shadow", 1.0)]
    assert again.parent_id == session.resolve("1").id  # redone, not a shadow on a shadow
    assert "shadow opacity 75 % -> 100 %" in said
    original = session.image("1").astype(int)
    dark = [original - session.image(v).astype(int) for v in ("2", "3")]
    # no brightness step: the white away from the shadow stays v1's white
    assert all((d[:8, :8] == 0).all() for d in dark)
    fell = dark[0].sum(axis=2) > 0
    ratio = dark[1][fell].sum() / dark[0][fell].sum()
    assert ratio == pytest.approx(1.0 / 0.75, rel=0.1)  # a stacked one would be 1.75


@pytest.mark.parametrize(
    ("line", "op", "param", "value"),
    [
        ("a stronger vignette", "vignette", "strength", 0.75),
        ("a lighter vignette", "vignette", "strength", 0.3333),
        ("a bigger blur", "blur", "radius", 4.5),
        ("a heavier blur", "blur", "radius", 4.5),
        ("add a lighter shadow", "drop_shadow", "opacity", 0.3333),
    ],
)
def test_an_effects_comparative_is_that_one_effect_stronger_or_weaker(
    store: Store, analyses: AnalysisCache, line: str, op: str, param: str, value: float
) -> None:
    session, _ = chat(store, analyses, "logo", line)
    plan = session.resolve("2").plan
    assert plan is not None
    assert [(s.op, s.params[param]) for s in plan.steps] == [(op, pytest.approx(value))]


def test_a_tighter_then_looser_square_crop_keeps_less_then_more_of_the_same_centre(
    store: Store, analyses: AnalysisCache
) -> None:
    session, said = chat(
        store, analyses, "coffee", "crop it square", "tighter", "a little looser", "zoom in a bit"
    )
    original = session.image("1")
    sizes = [session.image(v).shape[:2] for v in "2345"]
    assert sizes == [(256, 256), (170, 170), (214, 214), (170, 170)]
    assert all(session.resolve(v).parent_id == session.resolve("1").id for v in "2345")
    assert "crop 256 x 256 px -> 170 x 170 px of v1's 384 x 256" in said
    # the looser crop is v1's own pixels round the same centre, more of them than the tighter
    height, width = original.shape[:2]
    for number, (h, w) in zip("34", sizes[1:3], strict=True):
        top, left = (height - h) // 2, (width - w) // 2
        inner = original[top : top + h, left : left + w]
        assert np.abs(session.image(number).astype(int) - inner).max() <= 1
    assert session.branches() == {"main": session.resolve("5").id}


def test_looser_than_the_largest_square_says_so_and_makes_nothing(
    store: Store, analyses: AnalysisCache
) -> None:
    session, said = chat(store, analyses, "group", "crop it square", "zoom out a bit")
    assert "keeps 240 x 240 px of v1's 685 x 240, as much as its shape allows" in said
    assert 'e.g. "crop to 4:5"' in said
    assert len(session.versions()) == 2


def test_tighter_after_a_crop_for_instagram_zooms_in_on_the_face(
    store: Store, analyses: AnalysisCache
) -> None:
    # "tighter" after a smart crop was "did you mean lighter?"
    session, said = chat(
        store, analyses, "grace_hopper", "crop it 16:9 keeping the face", "tighter", "looser",
        "looser",
    )  # fmt: skip
    assert "zoom x1 -> x1.5" in said
    assert "zoom x1.5 -> x1" in said
    assert "is x1 already, as far as it goes: nothing changed" in said
    wide, tight, loose = (session.image(v).shape[:2] for v in "234")
    assert tight[1] == round(wide[1] / 1.5)
    assert loose == wide
    assert len(session.versions()) == 4


def test_not_so_tight_after_a_face_crop_widens_its_margin(
    store: Store, analyses: AnalysisCache
) -> None:
    session, said = chat(store, analyses, "grace_hopper", "crop to the face", "not so tight")
    tight, loose = session.image("2"), session.image("3")
    assert session.resolve("3").parent_id == session.resolve("1").id
    assert "margin round the face 60 % -> 90 %" in said
    # 304 px square, then as much of the 328 px wide picture as a square round her face takes
    assert tight.shape[:2] == (304, 304)
    assert loose.shape[:2] == (328, 328)
