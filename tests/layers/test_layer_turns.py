"""Captions, balloons, logos and borders stay layers: turns edit them and leave the base alone."""

from __future__ import annotations

import numpy as np
import pytest

from gouache.images import LoadedImage
from gouache.layers.model import stack_of
from gouache.layers.render import render
from gouache.ops.plan import Step
from gouache.ops.registry import OpContext, default_operators
from gouache.sessions import Session, Store


def test_a_caption_is_a_layer_over_the_untouched_picture(
    store: Store, astronaut: LoadedImage
) -> None:
    session = Session.start(store, astronaut)
    turn = session.apply('add the caption "Ad astra"')
    assert turn.version is not None
    stack = stack_of(turn.version.params)
    assert stack is not None
    assert stack.base == session.resolve("v1").blob
    assert [(layer.name, layer.params["text"]) for layer in stack.layers] == [
        ("caption", "Ad astra")
    ]
    # the flattened pixels are exactly what the caption operator paints on the picture
    painted = default_operators().apply(
        astronaut.pixels, Step(op="caption", params={"text": "Ad astra"}), OpContext()
    )
    assert np.array_equal(session.image(), painted)


def test_changing_the_caption_to_hello_redraws_the_layer_and_keeps_the_base(
    store: Store, astronaut: LoadedImage
) -> None:
    session = Session.start(store, astronaut)
    session.apply('make it a bit warmer and add the caption "Ad astra"')
    first = session.head
    turn = session.apply("change the caption to Hello")
    assert turn.version is not None
    assert turn.plan is not None
    assert turn.plan.planner == "layers"
    before, after = stack_of(first.params), stack_of(turn.version.params)
    assert before is not None
    assert after is not None
    assert after.base == before.base  # the warmer base, untouched
    assert after.layers[0].params["text"] == "Hello"
    base = store.blobs.get(after.base)
    painted = default_operators().apply(
        base, Step(op="caption", params={"text": "Hello"}), OpContext()
    )
    assert np.array_equal(session.image(), painted)
    assert "caption layer" in turn.reply


def test_moving_the_logo_to_the_top_left_moves_only_the_logo(
    store: Store, astronaut: LoadedImage, logo: LoadedImage
) -> None:
    session = Session.start(store, astronaut)
    session.apply("add the logo in the bottom right", references=[logo])
    placed = session.head
    turn = session.apply("move the logo to the top left")
    assert turn.version is not None
    stack = stack_of(turn.version.params)
    assert stack is not None
    assert stack.base == astronaut_blob(session)
    assert stack.layers[0].params["position"] == "top left"
    assert stack.layers[0].reference == placed.references[0].digest
    image = session.image().astype(int)
    original = astronaut.pixels.astype(int)
    # the logo's blue disc is now near the top left corner, and the bottom right is clear
    assert np.abs(image[5:40, 5:40] - original[5:40, 5:40]).max() > 100
    assert np.array_equal(image[-40:, -60:], original[-40:, -60:])


def astronaut_blob(session: Session) -> str:
    return session.resolve("v1").blob


def test_a_raster_edit_on_a_layered_version_edits_the_base_under_the_layers(
    store: Store, astronaut: LoadedImage
) -> None:
    session = Session.start(store, astronaut)
    session.apply('add a red caption "Hot" at the top')
    turn = session.apply("make it black and white")
    assert turn.version is not None
    stack = stack_of(turn.version.params)
    assert stack is not None
    assert stack.base != astronaut_blob(session)
    base = store.blobs.get(stack.base)
    assert np.array_equal(base[..., 0], base[..., 1])  # the base went grey
    top = session.image()[: 256 // 5]
    reds = (top[..., 0] > 200) & (top[..., 1] < 60) & (top[..., 2] < 60)
    assert reds.sum() > 50  # the caption stayed red on top


def test_removing_the_caption_layer_gives_back_the_base_pixels(
    store: Store, astronaut: LoadedImage
) -> None:
    session = Session.start(store, astronaut)
    session.apply('add the caption "Bye"')
    turn = session.apply("remove the caption")
    assert turn.version is not None
    assert np.array_equal(session.image(), astronaut.pixels)
    stack = stack_of(turn.version.params)
    assert stack is not None
    assert stack.layers == ()


def test_a_logo_moved_to_the_middle_is_answered_with_the_corners_it_can_take(
    store: Store, astronaut: LoadedImage, logo: LoadedImage
) -> None:
    session = Session.start(store, astronaut)
    session.apply("add the logo in the bottom right", references=[logo])
    count = len(session.versions())
    turn = session.apply("move the logo to the middle")
    assert turn.version is None
    assert "corner" in turn.reply
    assert "top left" in turn.reply
    assert len(session.versions()) == count


def test_a_balloon_keeps_off_the_face_and_points_at_it(
    store: Store, astronaut: LoadedImage
) -> None:
    session = Session.start(store, astronaut)
    turn = session.apply('add a speech balloon "Hello!"')
    assert turn.version is not None
    stack = stack_of(turn.version.params)
    assert stack is not None
    layer = stack.layers[0]
    face = session.analyses.get(astronaut.pixels).faces[0].box
    px, py = layer.params["point"]
    assert face.x <= px * 256 <= face.right
    assert face.y <= py * 256 <= face.bottom
    from gouache.ops.balloon import BalloonParams, balloon_shape

    shape = balloon_shape((256, 256), BalloonParams.model_validate(layer.params))
    left, top, right, bottom = shape.bounds(256, 256)
    overlap_w = min(right, face.right) - max(left, face.x)
    overlap_h = min(bottom, face.bottom) - max(top, face.y)
    assert overlap_w <= 0 or overlap_h <= 0
    # and the tail's tip is nearer the face than the balloon's centre is
    tip = shape.tail[1]
    centre = (face.x + face.w / 2, face.y + face.h / 2)
    assert np.hypot(tip[0] - centre[0], tip[1] - centre[1]) < np.hypot(
        shape.cx - centre[0], shape.cy - centre[1]
    )


def test_a_border_frames_the_layers_and_a_caption_added_later_stays_inside(
    store: Store, astronaut: LoadedImage
) -> None:
    session = Session.start(store, astronaut)
    session.apply("add a black border")
    turn = session.apply('add the caption "Framed"')
    assert turn.version is not None
    stack = stack_of(turn.version.params)
    assert stack is not None
    assert [layer.op for layer in stack.layers] == ["caption", "border"]
    image = session.image()
    pad = round(0.05 * 256)
    assert image.shape[:2] == (256 + 2 * pad, 256 + 2 * pad)
    assert (image[:pad] == 0).all()
    assert (image[-pad:] == 0).all()
    # the stored pixels are the stack drawn afresh on its base, every layer in its order
    base = store.blobs.get(stack.base)
    assert np.array_equal(image, render(base, stack.layers, store.blobs.get, session.analyses))


@pytest.mark.parametrize(
    "instruction",
    ["make the caption bigger", "make the caption yellow", "put the caption at the top"],
)
def test_other_caption_edits_stay_layer_edits(
    store: Store, astronaut: LoadedImage, instruction: str
) -> None:
    session = Session.start(store, astronaut)
    session.apply('add the caption "Hi"')
    turn = session.apply(instruction)
    assert turn.plan is not None, turn.reply
    assert turn.plan.planner == "layers"
    assert turn.version is not None
    stack = stack_of(turn.version.params)
    assert stack is not None
    assert stack.base == astronaut_blob(session)
    before = stack_of(session.resolve("v2").params)
    assert before is not None
    assert stack.layers[0].params != before.layers[0].params


def test_a_sentence_about_something_else_is_not_a_layer_edit(
    store: Store, astronaut: LoadedImage
) -> None:
    session = Session.start(store, astronaut)
    session.apply('add the caption "Hi"')
    turn = session.apply("replace the background behind the caption with blue")
    assert turn.plan is None or turn.plan.planner != "layers"


def test_a_caption_followed_by_a_raster_step_is_painted_as_asked(
    store: Store, astronaut: LoadedImage
) -> None:
    session = Session.start(store, astronaut)
    turn = session.apply('add the caption "Hi" and blur it a bit')
    assert turn.version is not None
    assert stack_of(turn.version.params) is None


def test_a_backend_that_redraws_edits_the_base_of_a_layered_version_through_the_guard(
    store: Store, astronaut: LoadedImage
) -> None:
    from gouache.backends.drift import Drift, DriftInjector
    from gouache.backends.operators import OperatorBackend

    layered = Session.start(store, astronaut)
    layered.apply('add the caption "Hi"')
    drifting = DriftInjector(OperatorBackend(), Drift(shift_x=0.01, gain=1.04))
    session = Session.open(store, layered.id, backend=drifting)
    turn = session.apply("make it a bit warmer")
    assert turn.version is not None
    stack = stack_of(turn.version.params)
    assert stack is not None
    assert [layer.params["text"] for layer in stack.layers] == ["Hi"]
    assert stack.base != astronaut_blob(session)
    assert turn.version.scores.guard is not None  # the guard saw the base, not the caption
    # a new caption from this backend is painted by it, not kept as a layer
    painted = session.apply('add the caption "Bye"')
    assert painted.version is not None
    after = stack_of(painted.version.params)
    assert after is not None
    assert [layer.params["text"] for layer in after.layers] == ["Hi"]
