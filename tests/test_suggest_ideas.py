"""Ideas for a picture with nothing to fix: each suits the picture (a sky, stars, a subject, a
page of text), each is planned by the rule planner to the operator it names and applies here,
and "any suggestions?" in a conversation offers them instead of nothing."""

from __future__ import annotations

import pytest

from gouache.analysis.cache import AnalysisCache
from gouache.evals.samples import sample
from gouache.planner.plan import EditPlan
from gouache.planner.rules import RulePlanner
from gouache.sessions.session import plan_context
from gouache.suggest import ideas, suggest


@pytest.mark.parametrize(
    ("name", "first"),
    [
        ("coffee", "blur the background"),
        ("rocket", "make the sky more dramatic"),
        ("page", "make the text easier to read"),
    ],
)
def test_a_picture_with_nothing_to_fix_gets_ideas_that_suit_it(name: str, first: str) -> None:
    cache = AnalysisCache()
    image = sample(name)
    found = ideas(image, cache.get(image))
    assert found[0].instruction == first
    planner = RulePlanner()
    for idea in found:
        plan = planner.plan(idea.instruction, plan_context(cache, image))
        assert isinstance(plan, EditPlan), (idea, plan.describe())
        assert [step.op for step in plan.steps] == [idea.op]


def test_coffee_has_nothing_to_fix_and_the_conversation_offers_ideas(tmp_path: object) -> None:
    from pathlib import Path

    from gouache import conversation
    from gouache.images import BlobStore
    from gouache.sessions.session import Session
    from gouache.sessions.store import Store

    folder = Path(str(tmp_path))
    coffee = sample("coffee")
    assert suggest(coffee, AnalysisCache().get(coffee)) == ()
    store = Store(f"sqlite:///{folder / 'g.db'}", BlobStore(folder / "blobs"))
    try:
        session = Session.start(store, coffee, name="coffee")
        said = conversation.read("any suggestions?")
        assert said is not None
        reply = conversation.act(session, said)
    finally:
        store.close()
    assert reply.startswith("Nothing needs fixing here. Ideas to try:")
    assert '"blur the background"' in reply
