"""Text without quotes is read where the words mark it, and only there."""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest

from gouache.analysis.cache import AnalysisCache
from gouache.evals.samples import sample
from gouache.ops.registry import OpContext, default_operators
from gouache.planner.plan import EditPlan, PlanContext, PlannerReply
from gouache.planner.rules import RulePlanner
from gouache.sessions.turn import plan_context


def context(*lines: str) -> PlanContext:
    return PlanContext(text=lambda: lines)


@pytest.fixture(scope="module")
def planner() -> RulePlanner:
    return RulePlanner()


@pytest.mark.parametrize(
    ("instruction", "lines", "op", "params"),
    [
        ("add a caption that says Hello from Paris at the bottom", (), "caption",
         {"text": "Hello from Paris", "position": "bottom"}),
        ("add a watermark that says (c) Jane 2024", (), "caption", {"text": "(c) Jane 2024"}),
        ("write Happy Birthday at the top", (), "caption",
         {"text": "Happy Birthday", "position": "top"}),
        ("put SOLD OUT in big red letters", (), "caption", {"text": "SOLD OUT"}),
        ("caption: Best day ever", (), "caption", {"text": "Best day ever"}),
        ("add Hello World in the bottom right corner", (), "caption",
         {"text": "Hello World", "position": "bottom right"}),
        ("replace SALE with DEALS", ("SUMMER SALE",), "replace_text",
         {"old": "SALE", "new": "DEALS"}),
        ("change SUMMER SALE to WINTER SALE", ("SUMMER SALE",), "replace_text",
         {"old": "SUMMER SALE", "new": "WINTER SALE"}),
        ("replace summer with winter", ("SUMMER SALE",), "replace_text",
         {"old": "summer", "new": "WINTER"}),  # the capitals of the words it replaces
        ("change the sign to say OPEN", ("CLOSED",), "replace_text",
         {"old": "CLOSED", "new": "OPEN"}),
        # the new words' colour: "OPEN and make it green" was the text written
        ("make the sign say OPEN and make it green", ("CLOSED",), "replace_text",
         {"old": "CLOSED", "new": "OPEN", "color": (0, 128, 0)}),
        ("change the sign to say OPEN in green", ("CLOSED",), "replace_text",
         {"old": "CLOSED", "new": "OPEN", "color": (0, 128, 0)}),
        ('replace "CLOSED" with "OPEN" in red', ("CLOSED",), "replace_text",
         {"old": "CLOSED", "new": "OPEN", "color": (255, 0, 0)}),
        ('replace "CLOSED" with "OPEN" and make it green', ("CLOSED",), "replace_text",
         {"old": "CLOSED", "new": "OPEN", "color": (0, 128, 0)}),
        # the title is the top line; the old words quoted and the new ones not
        ("make the title say BIG SALE", ("SUMMER SALE", "OPEN LATE"), "replace_text",
         {"old": "SUMMER SALE", "new": "BIG SALE"}),
        ('change "OPEN LATE" to open early', ("SUMMER SALE", "OPEN LATE"), "replace_text",
         {"old": "OPEN LATE", "new": "open early"}),
        ("erase the words OPEN LATE", ("SUMMER SALE", "OPEN LATE"), "remove_text",
         {"match": "OPEN LATE"}),
    ],
)  # fmt: skip
def test_text_marked_by_the_words_is_taken_without_quotes(
    planner: RulePlanner, instruction: str, lines: tuple[str, ...], op: str,
    params: dict[str, Any],
) -> None:  # fmt: skip
    plan = planner.plan(instruction, context(*lines))
    assert isinstance(plan, EditPlan), plan.describe()
    assert plan.instruction == instruction
    assert [s.op for s in plan.steps] == [op]
    assert params.items() <= plan.steps[0].params.items()


def test_replaced_words_in_a_named_colour_are_drawn_in_it() -> None:
    sign = sample("sign")
    plan = RulePlanner().plan(
        "make the sign say OPEN and make it green", plan_context(AnalysisCache(), sign)
    )
    assert isinstance(plan, EditPlan), plan.describe()
    ctx = OpContext()
    out = default_operators().get("replace_text").apply(sign, dict(plan.steps[0].params), ctx)
    changed = np.abs(out.astype(int) - sign).max(axis=2) > 60
    greenish = (out[..., 1].astype(int) - np.maximum(out[..., 0], out[..., 2])) > 40
    assert (changed & greenish).sum() > 200  # the new letters are green
    assert "in green" in ctx.notes[-1]


@pytest.mark.parametrize(
    ("instruction", "lines"),
    [
        ("make the title wider", ("SUMMER SALE",)),
        ("replace the sky with a sunset", ("SUMMER SALE",)),
        ("change the sign to say OPEN", ("SUMMER SALE", "OPEN LATE")),  # which sign?
        ("replace cats with dogs", ("SUMMER SALE",)),
    ],
)
def test_an_ordinary_phrase_is_never_taken_as_text(
    planner: RulePlanner, instruction: str, lines: tuple[str, ...]
) -> None:
    assert isinstance(planner.plan(instruction, context(*lines)), PlannerReply)


def test_words_to_replace_that_are_not_in_the_picture_are_refused_naming_what_was_read(
    planner: RulePlanner,
) -> None:
    reply = planner.plan("replace SALE TODAY with DEALS", context("SUMMER SALE", "OPEN LATE"))
    assert isinstance(reply, PlannerReply)
    assert "SUMMER SALE" in reply.message


def test_the_words_to_replace_are_found_ignoring_case_and_spaces(planner: RulePlanner) -> None:
    plan = planner.plan('replace "sale today" with "DEALS"', context("SALETODAY"))
    assert isinstance(plan, EditPlan), plan.describe()
    assert plan.steps[0].params["old"] == "sale today"


@pytest.mark.parametrize(
    ("say", "old", "new"),
    [("change the total to 15.00", "TOTAL $9.55", "TOTAL $15.00"),
     ("set the price of the latte to 5.00", "Latte 4.50", "Latte 5.00")],
)  # fmt: skip
def test_a_number_on_a_line_named_by_its_words_is_replaced_keeping_the_rest(
    say: str, old: str, new: str
) -> None:
    # "change the total to 15.00" on the receipt was refused as new content
    cache = AnalysisCache()
    image = sample("receipt")
    plan = RulePlanner().plan(say, plan_context(cache, image))
    assert isinstance(plan, EditPlan), plan.describe()
    step = plan.steps[0]
    assert (step.op, step.params["old"], step.params["new"]) == ("replace_text", old, new)
    out = default_operators().get("replace_text").apply(image, dict(step.params), OpContext())
    assert new in [line.text for line in cache.get(out).text]


def test_a_setting_to_a_number_never_reads_the_picture_for_a_line() -> None:
    read: list[int] = []

    def lines() -> tuple[str, ...]:
        read.append(1)
        return ("TOTAL $9.55",)

    plan = RulePlanner().plan("set the brightness to 50", PlanContext(text=lines))
    assert isinstance(plan, EditPlan | PlannerReply)
    assert read == []
