"""A misspelt instruction is a question, "did you mean ...?", whose "yes" applies the reading:
in the planner, in `gouache chat` and in `gouache edit` (which names the corrected command)."""

from __future__ import annotations

import io
from pathlib import Path

import pytest

from gouache.analysis.cache import AnalysisCache
from gouache.backends.operators import OperatorBackend
from gouache.cli import main
from gouache.cli_chat import chat_loop
from gouache.evals.samples import sample
from gouache.images import BlobStore
from gouache.planner import spelling
from gouache.planner.plan import EditPlan, PlannerQuestion, PlannerReply
from gouache.planner.rules import RulePlanner
from gouache.sessions.session import Session, plan_context
from gouache.sessions.store import Store
from gouache.settings import Settings


@pytest.fixture(scope="module")
def planner() -> RulePlanner:
    return RulePlanner()


@pytest.mark.parametrize(
    ("typo", "meant"),
    [
        ("mak it brigter", "make it brighter"),
        ("add a vignete", "add a vignette"),
        ("crop to sqaure", "crop to square"),
        ("rotaet left", "rotate left"),
        ('add the captoin "Hi"', 'add the caption "Hi"'),
        ("Make It Warmr", "Make It warmer"),
        ("add a vignete and crop to sqaure", "add a vignette and crop to square"),
        ("make it black and whit", "make it black and white"),
    ],
)
def test_a_misspelling_is_a_question_whose_one_option_is_the_corrected_instruction(
    planner: RulePlanner, typo: str, meant: str
) -> None:
    asked = planner.plan(typo)
    assert isinstance(asked, PlannerQuestion), asked.describe()
    assert asked.slot == spelling.SLOT
    assert asked.options == (meant,)
    assert f'Did you mean "{meant}"? Say "yes" to do it.' in asked.message
    assert isinstance(planner.plan(meant), EditPlan)


@pytest.mark.parametrize("yes", ["yes", "y", "Yes please", "yep", "sure", "ok", "yes, do it!"])
def test_yes_to_the_question_plans_the_corrected_instruction(
    planner: RulePlanner, yes: str
) -> None:
    context = plan_context(AnalysisCache(), sample("coffee"))
    asked = planner.plan("mak it brigter", context)
    assert isinstance(asked, PlannerQuestion)
    context.pending = asked
    done = planner.plan(yes, context)
    assert isinstance(done, EditPlan), done.describe()
    assert [step.op for step in done.steps] == ["brightness"]
    assert done.steps[0].params["amount"] > 0
    assert done.instruction == "make it brighter"


def test_no_to_the_question_changes_nothing_and_another_instruction_is_planned_as_itself(
    planner: RulePlanner,
) -> None:
    context = plan_context(AnalysisCache(), sample("coffee"))
    asked = planner.plan("add a vignete", context)
    assert isinstance(asked, PlannerQuestion)
    context.pending = asked
    declined = planner.plan("no", context)
    assert isinstance(declined, PlannerReply)
    assert "nothing changed" in declined.message
    other = planner.plan("make it warmer", context)
    assert isinstance(other, EditPlan)
    assert [step.op for step in other.steps] == ["warmth"]


def test_a_correction_that_cannot_be_done_on_this_picture_is_no_question_and_says_why(
    planner: RulePlanner,
) -> None:
    reply = planner.plan("blurr the faces", plan_context(AnalysisCache(), sample("coffee")))
    assert isinstance(reply, PlannerReply)
    assert 'Did you mean "blur the faces"?' in reply.message
    assert "can't find a face" in reply.message


def test_yes_with_no_question_waiting_says_so(planner: RulePlanner) -> None:
    reply = planner.plan("yes", plan_context(AnalysisCache(), sample("coffee")))
    assert isinstance(reply, PlannerReply)
    assert "no question waiting" in reply.message


def test_quoted_text_is_never_corrected() -> None:
    fixed = spelling.corrected('add the captoin "captoin here"', {"captoin": "caption"})
    assert fixed == 'add the caption "captoin here"'


def test_in_chat_yes_applies_the_reading_and_the_history_records_it(tmp_path: Path) -> None:
    store = Store(f"sqlite:///{tmp_path / 'g.db'}", BlobStore(tmp_path / "blobs"))
    backend = OperatorBackend(analyses=AnalysisCache())
    session = Session.start(store, sample("coffee"), name="coffee", backend=backend)
    out = io.StringIO()
    chat_loop(session, Settings(), io.StringIO("mak it brigter\nyes\n"), out)
    said = out.getvalue()
    assert 'Did you mean "make it brighter"? Say "yes" to do it.' in said
    assert "plan: brightness +20 %" in said
    assert session.head.number == 2
    assert session.head.instruction == "make it brighter"
    before = sample("coffee").astype(float).mean()
    assert session.image().astype(float).mean() > before + 5
    store.close()


def test_edit_names_the_corrected_command_and_makes_nothing(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    from PIL import Image as PILImage

    monkeypatch.setenv("GOUACHE_DATA_DIR", str(tmp_path / "data"))
    photo = tmp_path / "my photo.png"
    PILImage.fromarray(sample("coffee")).save(photo)
    code = main(["edit", str(photo), "mak it brigter", "-o", str(tmp_path / "out.png")])
    said = capsys.readouterr().out
    assert code == 3
    assert f"run: gouache edit '{photo}' 'make it brighter' -o {tmp_path / 'out.png'}" in said
    assert not (tmp_path / "out.png").exists()
    assert main(["edit", str(photo), "make it brighter", "-o", str(tmp_path / "out.png")]) == 0
    assert (tmp_path / "out.png").exists()
