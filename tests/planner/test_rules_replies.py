"""The rule planner answers with a reply, never a partial plan, when it cannot map a clause."""

from __future__ import annotations

import pytest

from gouache.ops import tone
from gouache.ops.plan import EditPlan
from gouache.ops.registry import OperatorRegistry
from gouache.planner.plan import Planner, PlannerQuestion, PlannerReply
from gouache.planner.rules import RulePlanner


@pytest.fixture(scope="module")
def planner() -> RulePlanner:
    return RulePlanner()


def reply_of(planner: RulePlanner, instruction: str) -> PlannerReply:
    outcome = planner.plan(instruction)
    assert isinstance(outcome, PlannerReply), outcome.describe()
    return outcome


@pytest.mark.parametrize(
    ("instruction", "clause", "suggested"),
    [
        ("add a hat", "add a hat", "add"),
        ("add a dragon", "add a dragon", "add"),
        ("make the tree purple", "make the tree purple", "tint"),
        ("make the tree brighter", "make the tree brighter", "brighter"),
        ("add a lens flare", "add a lens flare", "add"),
        ("tint the lens flare", "tint the lens flare", "tint"),
        ("tint it", "tint it", "tint"),
        ("caption in yellow", "caption in yellow", "caption"),
        ("add text", "add text", "caption"),
        ("resize to 800", "resize to 800", "wide"),
        ("tilt it", "tilt it", "rotate"),
        ("contrast", "contrast", "contrast"),
        ("change the brightness", "change the brightness", "bright"),
        ("exposure 30%", "exposure 30%", "stop"),
        ("crop 10%", "crop 10%", "crop"),
        ("don't crop", "don't crop", "crop"),
        ('make it "pop"', 'make it "pop"', ""),
        ("brighten the left edge", "brighten the left edge", "bright"),
        ("blur the edges", "blur the edges", "blur"),
        ("add a border on the left", "add a border on the left", "border"),
        ("rotate the text", "rotate the text", "rotate"),
        ("make the title wider", "make the title wider", "caption"),
        ("turn it", "turn it", "rotate"),
        ("make it red", "make it red", ""),
        ("undo", "undo", ""),
        ("explain this photo", "explain this photo", ""),
    ],
)
def test_an_instruction_it_cannot_map_gets_a_reply_naming_it_with_suggestions(
    planner: RulePlanner, instruction: str, clause: str, suggested: str
) -> None:
    # `suggested` is a word one of the suggestions must contain ("" when no edit is close).
    reply = reply_of(planner, instruction)
    assert f'"{clause}"' in reply.message
    assert reply.message.strip() != f'"{clause}"'  # more than the instruction echoed back
    assert reply.understood == ()
    assert 3 <= len(reply.suggestions) <= 5
    if suggested:
        assert any(suggested in s for s in reply.suggestions), reply.suggestions
    for suggestion in reply.suggestions:
        # each one is an edit the planner carries out as it is (or with the image it names
        # attached), not the instruction again
        assert suggestion.strip()
        assert suggestion != instruction
        outcome = planner.plan(suggestion)
        needs_image = "attach one with --ref" in outcome.describe()
        assert isinstance(outcome, EditPlan) or needs_image, (suggestion, outcome.describe())


@pytest.mark.parametrize(
    ("instruction", "understood", "clause"),
    [
        ("make it brighter and add a dragon", ("brightness +20 %",), "add a dragon"),
        ("crop to square, add a hat, then make it warmer",
         ("crop to 1:1", "warmth +20 %"), "add a hat"),
        ("add a dragon and crop to square", ("crop to 1:1",), "add a dragon"),
        ("brighter but don't touch the sky", ("brightness +20 %",), "don't touch the sky"),
    ],
)  # fmt: skip
def test_a_partly_mapped_instruction_is_a_reply_with_no_plan(
    planner: RulePlanner, instruction: str, understood: tuple[str, ...], clause: str
) -> None:
    reply = reply_of(planner, instruction)
    assert reply.understood == understood
    assert f'"{clause}"' in reply.message
    assert reply.suggestions


def test_a_reply_names_the_words_it_does_not_know(planner: RulePlanner) -> None:
    reply = reply_of(planner, "make it brighter and frobnicate it")
    assert reply.message == 'I did not understand "frobnicate it" (I do not know "frobnicate").'


def test_two_clauses_it_cannot_map_are_both_named(planner: RulePlanner) -> None:
    reply = reply_of(planner, "add a hat and add a dragon")
    assert '"add a hat"' in reply.message
    assert '"add a dragon"' in reply.message


@pytest.mark.parametrize(
    ("typo", "meant"),
    [
        ("mak it brigter", "make it brighter"),
        ("add a vignete", "add a vignette"),
        ("crop to sqaure", "crop to square"),
        ("make it blurier", "make it blurrier"),
        ("rotaet left", "rotate left"),
        ('add the captoin "Hi"', 'add the caption "Hi"'),
    ],
)
def test_a_misspelling_gets_a_question_whose_option_is_the_correction(
    planner: RulePlanner, typo: str, meant: str
) -> None:
    # Never corrected silently: the user confirms with "yes" (tests/planner/test_spelling.py).
    asked = planner.plan(typo)
    assert isinstance(asked, PlannerQuestion), asked.describe()
    assert asked.options == (meant,)
    assert f'Did you mean "{meant}"?' in asked.message
    assert isinstance(planner.plan(meant), EditPlan)


@pytest.mark.parametrize(
    "instruction", ["", "   ", "\n\t", "please", "thanks!", "and then", "what is this?"]
)
def test_an_empty_instruction_asks_what_to_change(planner: RulePlanner, instruction: str) -> None:
    reply = reply_of(planner, instruction)
    assert reply.message.startswith("Tell me what to change")
    assert reply.understood == ()
    assert "make it a bit brighter" in reply.suggestions


@pytest.mark.parametrize(
    ("instruction", "problem"),
    [
        ("rotate 400 degrees", "rotate: degrees: Input should be less than or equal to 360"),
        ("brighten by 300%", "brightness: amount: Input should be less than or equal to 2"),
        ("crop 150% off the left", "crop: left: Input should be less than 1"),
        ("scale by 1000%", "resize: scale: Input should be less than or equal to 8"),
    ],
)
def test_parameters_out_of_range_get_a_reply_that_says_why(
    planner: RulePlanner, instruction: str, problem: str
) -> None:
    reply = reply_of(planner, instruction)
    assert reply.message == f'I understood "{instruction}" but cannot do it: {problem}.'
    assert reply.suggestions


def test_an_invalid_step_leaves_the_valid_ones_as_understood(planner: RulePlanner) -> None:
    reply = reply_of(planner, "make it warmer and rotate 400 degrees")
    assert reply.understood == ("warmth +20 %",)
    assert "rotate 90 degrees" in reply.suggestions


def test_a_planner_with_fewer_operators_only_maps_those(planner: RulePlanner) -> None:
    small = RulePlanner(OperatorRegistry(op for op in tone.OPERATORS if op.name == "brightness"))
    assert isinstance(small.plan("make it brighter"), EditPlan)
    reply = small.plan("crop to square")
    assert isinstance(reply, PlannerReply)
    assert set(reply.suggestions) == {"make it a bit brighter", "darken by 20%"}


def test_the_rule_planner_is_a_planner_named_rules() -> None:
    rules: Planner = RulePlanner()
    assert rules.name == "rules"
    plan = rules.plan("sepia")
    assert isinstance(plan, EditPlan)
    assert plan.planner == "rules"
    assert plan.describe() == "sepia"
