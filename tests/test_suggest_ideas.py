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


def test_a_screenshot_with_an_email_is_offered_its_personal_info_blurred_first() -> None:
    # it was offered "remove the text" alone: every line gone, the settings page unreadable
    cache = AnalysisCache()
    image = sample("screenshot")
    found = suggest(image, cache.get(image), limit=5, read_text=True)
    assert [(f.instruction, f.op) for f in found][:2] == [
        ("blur the personal info", "redact"), ("remove the text", "remove_text")
    ]  # fmt: skip
    assert "an email address" in found[0].reason
    plan = RulePlanner().plan(found[0].instruction, plan_context(cache, image))
    assert isinstance(plan, EditPlan)
    assert [step.op for step in plan.steps] == ["redact"]


def test_gouache_suggest_offers_ideas_where_nothing_needs_fixing(tmp_path: object) -> None:
    import os
    import subprocess
    import sys
    from pathlib import Path

    from gouache.images import encode_png

    folder = Path(str(tmp_path))
    (folder / "coffee.png").write_bytes(encode_png(sample("coffee")))
    env = {**os.environ, "GOUACHE_DATA_DIR": str(folder / "data")}
    result = subprocess.run(
        [sys.executable, "-m", "gouache", "suggest", str(folder / "coffee.png")],
        capture_output=True, text=True, env=env, timeout=120, check=False,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    # it said "Nothing stands out to fix" and nothing more, where chat offers ideas
    assert "Nothing stands out to fix; ideas to try" in result.stdout
    assert '"blur the background"  (a subject stands out' in result.stdout
