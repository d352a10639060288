"""A line of text named in quotes with an edit of the whole picture ('make "SUMMER SALE" less
red' read as a tint) is refused, never done on the whole picture; the text edits that keep to
the line are offered and act on that line only. Checked on the poster (SUMMER SALE over OPEN
LATE, red on paper, with a red circle) by the real planner, session and OCR."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import numpy as np
import pytest

from gouache.analysis.cache import AnalysisCache
from gouache.backends.operators import OperatorBackend
from gouache.evals.samples import sample
from gouache.images import BlobStore
from gouache.planner.plan import EditPlan, PlannerReply
from gouache.planner.rules import RulePlanner
from gouache.sessions.session import Session
from gouache.sessions.store import Store
from gouache.sessions.turn import plan_context

CACHE = AnalysisCache()


@pytest.fixture
def poster_session(tmp_path: Path) -> Iterator[Session]:
    backend = OperatorBackend(analyses=CACHE)
    store = Store(f"sqlite:///{tmp_path / 's.db'}", BlobStore(tmp_path / "blobs"))
    session = Session.start(
        store, sample("poster"), name="poster", backend=backend, planner=RulePlanner()
    )
    yield session
    store.close()


@pytest.mark.parametrize(
    "say",
    [
        'make "SUMMER SALE" less red',
        "make 'SUMMER SALE' less red",
        'make "OPEN LATE" darker',
        'make the "SALE" text less red',
        'darken the text "SUMMER SALE"',
        'sharpen "SUMMER SALE"',
    ],
)
def test_a_quoted_line_with_a_whole_picture_edit_is_refused_and_nothing_changes(
    poster_session: Session, say: str
) -> None:
    before = poster_session.head
    turn = poster_session.apply(say)
    assert turn.version is None
    assert poster_session.head.id == before.id
    assert "is a line of the text" in turn.reply
    assert "whole picture" in turn.reply


def test_the_refusal_offers_an_edit_of_that_line_which_plans_on_it() -> None:
    context = plan_context(CACHE, sample("poster"))
    reply = RulePlanner().plan('make "SUMMER SALE" less red', context)
    assert isinstance(reply, PlannerReply)
    assert reply.suggestions[0] == "make 'SUMMER SALE' blue"
    offered = RulePlanner().plan(reply.suggestions[0], context)
    assert isinstance(offered, EditPlan)
    assert offered.steps[0].op == "recolor_text"
    assert offered.steps[0].params["match"] == "SUMMER SALE"


def test_a_quoted_text_the_picture_does_not_hold_is_refused_naming_what_is_read() -> None:
    context = plan_context(CACHE, sample("poster"))
    reply = RulePlanner().plan('make "WINTER" less red', context)
    assert isinstance(reply, PlannerReply)
    assert '"SUMMER SALE", "OPEN LATE"' in reply.message
    coffee = RulePlanner().plan('make "SALE" brighter', plan_context(CACHE, sample("coffee")))
    assert isinstance(coffee, PlannerReply)
    assert "can't find any text" in coffee.message


def test_a_quoted_line_recoloured_changes_that_line_only(poster_session: Session) -> None:
    source = sample("poster")
    summer, late = CACHE.get(source).text[:2]
    turn = poster_session.apply("make 'SALE' blue")
    assert turn.version is not None
    out = poster_session.image()
    changed = np.any(out != source, axis=2)
    ys, xs = np.nonzero(changed)
    assert ys.size > 500
    # every changed pixel lies within SUMMER SALE's box and half its height around it
    pad = summer.box.h // 2
    assert ys.min() >= summer.box.y - pad
    assert ys.max() < summer.box.bottom + pad
    assert xs.min() >= summer.box.x - pad
    assert xs.max() < summer.box.right + pad
    assert not changed[late.box.y : late.box.bottom, late.box.x : late.box.right].any()
    assert not changed[220:300, 380:460].any()  # the red circle is not text
    blue = out[summer.box.y : summer.box.bottom, summer.box.x : summer.box.right]
    assert int(((blue[..., 2] > 150) & (blue[..., 0] < 90)).sum()) > 300


def test_a_quoted_line_made_bigger_resizes_that_line_only(poster_session: Session) -> None:
    source = sample("poster")
    late = CACHE.get(source).text[1]
    turn = poster_session.apply('make "SUMMER SALE" bigger')
    assert turn.version is not None
    out = poster_session.image()
    changed = np.any(out != source, axis=2)
    assert changed[: late.box.y - 2].any()
    assert not changed[late.box.y : late.box.bottom, late.box.x : late.box.right].any()
    assert not changed[220:300, 380:460].any()
    read = [line.text for line in CACHE.get(out).text]
    assert any("SUMMER" in text.replace(" ", "") for text in read), read
