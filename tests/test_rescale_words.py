"""'more', 'a bit less', 'too much': the last turn redone from where it started, its
strengths scaled; measured on the pictures, and refused where there is nothing to scale."""

from __future__ import annotations

import numpy as np
import pytest
from skimage import data

from gouache import conversation
from gouache.conversation import Command, read
from gouache.errors import InputError
from gouache.images import LoadedImage
from gouache.sessions.session import Session
from gouache.sessions.store import Store
from gouache.sessions.turn import TurnRequest


@pytest.mark.parametrize(
    ("said", "factor"),
    [
        ("more", 1.5),
        ("stronger", 1.5),
        ("a bit more", 1.25),
        ("a little more please", 1.25),
        ("much more", 2.25),
        ("less", 0.5),
        ("a bit less", 0.75),
        ("actually a bit less", 0.75),
        ("much less", 0.25),
        ("too much", 0.5),
        ("that's way too strong", 0.5),
        ("not so much", 0.5),
        ("tone it down", 0.5),
        ("dial it back", 0.5),
        ("too subtle", 1.5),
        ("not enough", 1.5),
    ],
)
def test_more_and_less_are_read_whole_with_how_much(said: str, factor: float) -> None:
    command = read(said)
    assert command is not None
    assert command.kind == "rescale"
    assert command.factor == pytest.approx(factor)


@pytest.mark.parametrize("said", ["more contrast", "less warm", "a bit less yellow", "much more"])
def test_an_edit_that_names_what_is_not_a_rescale(said: str) -> None:
    command = read(said)
    assert command is None or (command.kind == "rescale" and said == "much more")


def _warmth_gap(pixels: np.ndarray) -> float:
    rgb = pixels[:, :, :3].astype(float)
    return float((rgb[:, :, 0] - rgb[:, :, 2]).mean())


def _rescale(session: Session, said: str) -> None:
    command = read(said)
    assert command is not None
    plan, at = conversation.rescaled(session, command)
    session.apply(TurnRequest(instruction=f"{plan.instruction} ({said})", at=at, plan=plan))


def test_more_then_less_redo_the_warming_from_the_original_stronger_then_weaker(
    store: Store,
) -> None:
    coffee = data.coffee()
    session = Session.start(
        store, LoadedImage(pixels=coffee, format="PNG", name="coffee.png"), name="coffee"
    )
    session.apply("make it warmer")
    warm = _warmth_gap(session.image())
    _rescale(session, "more")
    more = session.image()
    assert session.head.plan is not None
    assert session.head.plan.steps[0].params["amount"] == pytest.approx(0.3)
    assert session.resolve(session.head.parent_id or "").number == 1  # a sibling of v2
    _rescale(session, "a bit less")
    less = session.image()
    assert _warmth_gap(coffee) < _warmth_gap(less) < _warmth_gap(more)
    assert warm < _warmth_gap(more)
    assert session.head.instruction == "make it warmer (a bit less)"
    assert session.head.number == 4
    assert [session.resolve(str(n)).number for n in (2, 3)] == [2, 3]  # nothing lost


def test_a_crop_has_no_strength_to_scale_and_nothing_is_made(store: Store) -> None:
    session = Session.start(
        store, LoadedImage(pixels=data.coffee(), format="PNG", name="coffee.png"), name="coffee"
    )
    session.apply("crop to square")
    before = session.head.id
    with pytest.raises(InputError, match="cannot be made stronger"):
        conversation.rescaled(session, Command("rescale", factor=1.5))
    assert session.head.id == before


def test_more_before_any_edit_says_what_to_do(store: Store) -> None:
    session = Session.start(
        store, LoadedImage(pixels=data.coffee(), format="PNG", name="coffee.png"), name="coffee"
    )
    with pytest.raises(InputError, match="make it warmer"):
        conversation.rescaled(session, Command("rescale", factor=1.5))


def test_a_strength_at_its_bound_is_kept_there(store: Store) -> None:
    session = Session.start(
        store, LoadedImage(pixels=data.coffee(), format="PNG", name="coffee.png"), name="coffee"
    )
    session.apply("make it black and white")
    with pytest.raises(InputError, match="at its limit"):
        conversation.rescaled(session, Command("rescale", factor=1.5))
    plan, _ = conversation.rescaled(session, Command("rescale", factor=0.5))
    assert plan.steps[0].params["strength"] == pytest.approx(0.5)


@pytest.mark.parametrize(
    "said", ["no, the other way", "the other way round", "the opposite", "other way pls"]
)
def test_the_other_way_is_read_as_the_last_edit_turned_round(said: str) -> None:
    assert read(said) == Command("rescale", factor=-1.0)


def test_warmer_then_the_other_way_is_as_much_cooler_from_the_original(store: Store) -> None:
    coffee = data.coffee()
    session = Session.start(
        store, LoadedImage(pixels=coffee, format="PNG", name="coffee.png"), name="coffee"
    )
    session.apply("make it warmer")
    warm = _warmth_gap(session.image())
    _rescale(session, "no, the other way")
    assert session.head.plan is not None
    assert session.head.plan.steps[0].params["amount"] == pytest.approx(-0.2)
    assert session.resolve(session.head.parent_id or "").number == 1  # a sibling of v2
    assert _warmth_gap(session.image()) < _warmth_gap(coffee) < warm


def test_a_turn_the_other_way_is_counterclockwise(store: Store) -> None:
    coffee = data.coffee()
    session = Session.start(
        store, LoadedImage(pixels=coffee, format="PNG", name="coffee.png"), name="coffee"
    )
    session.apply("rotate it")
    _rescale(session, "the other way")
    assert np.array_equal(session.image(), np.rot90(coffee))  # numpy turns counterclockwise


def test_a_blur_has_no_other_way_and_nothing_is_made(store: Store) -> None:
    session = Session.start(
        store, LoadedImage(pixels=data.coffee(), format="PNG", name="coffee.png"), name="coffee"
    )
    session.apply("blur it a bit")
    before = session.head.id
    with pytest.raises(InputError, match="has no other way"):
        conversation.rescaled(session, Command("rescale", factor=-1.0))
    assert session.head.id == before


def test_undo_after_more_goes_back_to_the_edit_it_strengthened_not_to_before_it(
    store: Store,
) -> None:
    # "make it warmer", "a tad more", "hmm too much, go back" went back to v1: no warmth at all
    coffee = data.coffee()
    session = Session.start(
        store, LoadedImage(pixels=coffee, format="PNG", name="coffee.png"), name="coffee"
    )
    session.apply("make it warmer")
    warm = _warmth_gap(session.image())
    _rescale(session, "a tad more")
    _rescale(session, "a bit less")
    undo = read("hmm too much, go back")
    assert undo is not None
    assert conversation.act(session, undo) == "back at v3"
    assert conversation.act(session, undo) == "back at v2"
    assert _warmth_gap(session.image()) == pytest.approx(warm)
    assert _warmth_gap(coffee) < warm
    assert conversation.act(session, undo) == "back at v1"


def test_more_of_a_look_pushes_it_past_the_whole_look(store: Store) -> None:
    # "make it pop" then "a bit more" was "at its limit": a look went only up to 100 %
    coffee = data.coffee()
    session = Session.start(
        store, LoadedImage(pixels=coffee, format="PNG", name="coffee.png"), name="coffee"
    )
    session.apply("make it pop")
    whole = session.image().copy()
    _rescale(session, "a bit more")
    assert session.head.plan is not None
    assert session.head.plan.steps[0].params["strength"] == pytest.approx(1.25)

    def chroma(rgb: np.ndarray) -> float:
        values = rgb.astype(np.float64)
        return float((values.max(axis=2) - values.min(axis=2)).mean())

    # further from the original the same way: more colourful than the whole look
    assert chroma(session.image()) > chroma(whole) > chroma(coffee)
