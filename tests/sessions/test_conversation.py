"""A conversation that sees faces and text, takes references, asks when unsure and answers
questions without making versions. Real models, real sample photos."""

from __future__ import annotations

import cv2
import numpy as np
import pytest
from PIL import Image as PILImage
from PIL import ImageDraw, ImageFont

from gouache.images import Image, LoadedImage
from gouache.sessions import Session, Store


def _astronaut() -> Image:
    from skimage import data

    return np.ascontiguousarray(data.astronaut())


def _hopper() -> Image:
    from matplotlib import cbook

    path = cbook.get_sample_data("grace_hopper.jpg", asfileobj=False)
    with PILImage.open(path) as im:
        return np.ascontiguousarray(np.asarray(im.convert("RGB")))


def _same_height(images: list[Image], height: int = 400) -> Image:
    tiles = [cv2.resize(im, (im.shape[1] * height // im.shape[0], height)) for im in images]
    return np.ascontiguousarray(np.hstack(tiles))


@pytest.fixture(scope="module")
def three_faces() -> Image:
    astronaut = _astronaut()
    return _same_height([astronaut, _hopper(), astronaut[:, ::-1]])


@pytest.fixture(scope="module")
def poster() -> Image:
    canvas = PILImage.new("RGB", (640, 360), (40, 90, 160))
    draw = ImageDraw.Draw(canvas)
    draw.text((60, 130), "SUMMER SALE", font=ImageFont.load_default(size=72), fill="white")
    return np.asarray(canvas).copy()


def test_an_ambiguous_face_edit_asks_and_the_answer_completes_it(
    store: Store, three_faces: Image
) -> None:
    session = Session.start(store, three_faces)
    asked = session.apply("blur the face")
    assert asked.version is None
    assert asked.question is not None
    assert "3 faces" in asked.reply
    assert len(session.versions()) == 1

    done = session.apply("the middle one")
    assert done.version is not None
    faces = session.analyses.get(three_faces).faces
    after = session.image()
    changed = np.abs(after.astype(int) - three_faces.astype(int)).max(axis=2) > 0
    columns = np.flatnonzero(changed.any(axis=0))
    middle = faces[1].box
    assert columns.min() >= faces[0].box.right
    assert columns.max() <= faces[2].box.x
    assert middle.x - middle.w < columns.mean() < middle.right + middle.w
    assert session.pending is None


def test_what_does_it_say_is_answered_without_a_version(store: Store, poster: Image) -> None:
    session = Session.start(store, poster)
    turn = session.apply("what does it say?")
    assert turn.version is None
    assert turn.answer is not None
    assert "SUMMER SALE" in turn.reply.upper()
    assert len(session.versions()) == 1


def test_what_can_you_do_lists_the_operator_registry(store: Store, poster: Image) -> None:
    session = Session.start(store, poster)
    turn = session.apply("what can you do?")
    assert turn.version is None
    for op in session.backend.operators.all():  # type: ignore[attr-defined]
        assert op.name in turn.reply or op.summary in turn.reply


def test_a_request_for_a_generative_model_names_the_way_and_makes_nothing(
    store: Store, poster: Image
) -> None:
    session = Session.start(store, poster)
    turn = session.apply("colourise it")
    assert turn.version is None
    assert "generative" in turn.reply
    assert len(session.versions()) == 1


def test_a_reference_found_by_its_file_name_is_used_and_recorded(
    store: Store, poster: Image
) -> None:
    from skimage import data

    logo = LoadedImage(
        pixels=np.ascontiguousarray(data.logo()), format="PNG", name="brand-logo.png"
    )
    session = Session.start(store, poster)
    turn = session.apply("add the logo in the top left", references=[logo])
    assert turn.version is not None
    assert [ref.name for ref in turn.version.references] == ["brand-logo.png"]
    assert store.blobs.has(turn.version.references[0].digest)
    after = session.image().astype(int)
    diff = np.abs(after - poster.astype(int)).max(axis=2) > 0
    h, w = diff.shape
    assert diff[: h // 2, : w // 2].any()
    assert not diff[h // 2 :, :].any()
    assert not diff[:, w // 2 :].any()


def test_an_image_is_analysed_once_for_planning_and_editing(
    store: Store, three_faces: Image
) -> None:
    session = Session.start(store, three_faces)
    session.apply("blur the faces")
    session.apply("pixelate the face on the left", at="v1")
    session.apply("blur the largest face", at="v1")
    # three turns on the same source: its faces were found once, by planner and ops together
    assert session.analyses.stats().runs["faces"] == 1


def test_suggestions_for_a_portrait_start_with_its_face(store: Store) -> None:
    session = Session.start(store, _astronaut())
    ideas = session.suggestions()
    assert 1 <= len(ideas) <= 3
    assert any("face" in idea.instruction or "background" in idea.instruction for idea in ideas)


def test_suggestions_never_repeat_what_the_version_just_did(store: Store) -> None:
    session = Session.start(store, _astronaut())
    assert "blur the background" in [idea.instruction for idea in session.suggestions()]
    session.apply("blur the background")
    assert "blur the background" not in [idea.instruction for idea in session.suggestions()]
