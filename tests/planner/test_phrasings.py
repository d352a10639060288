"""The phrasing corpus (tests/planner/phrasings.yaml) run through the real planner and operator
backend: each request, on its picture, does what it should, and the rates per category hold."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from gouache.evals import phrasings
from gouache.evals.phrasings import Request, Result, Runner

# Floors on the whole corpus, raised as the planner learns; the table is printed every run.
# Over the whole corpus, refusals the corpus expects included (new content, a face that is
# not there...): those cannot be done right offline.
RIGHT_OR_ASKED_AT_LEAST = 0.83
# Over the requests the offline backend can serve (no refusal expected).
SERVABLE_RIGHT_OR_ASKED_AT_LEAST = 0.98
# Nothing is done wrong (the tone curve keeps contrast now, so "darker with more contrast"
# holds too): one wrong edit fails the suite.
WRONG_AT_MOST = 0
# An edit, an answer or a move when one was expected, a question when one was, a refusal
# that names a next step when a refusal was.
AS_EXPECTED_AT_LEAST = 0.98


@pytest.fixture(scope="module")
def runner() -> Iterator[Runner]:
    runner = Runner()
    yield runner
    runner.close()


@pytest.fixture(scope="module")
def results(runner: Runner) -> list[Result]:
    return phrasings.run_all(phrasings.load(), runner)


def test_the_corpus_holds_at_least_250_requests_over_at_least_twelve_pictures() -> None:
    requests = phrasings.load()
    assert len(requests) >= 250
    assert len({r.on for r in requests}) >= 12
    assert len({r.cat for r in requests}) >= 12


def test_an_edit_other_than_the_one_asked_is_counted_as_done_wrong(runner: Runner) -> None:
    asked = Request(say="make it darker", on="coffee", cat="t", expect="do", ops=("brightness",),
                    effects=("brighter",))  # fmt: skip
    assert runner.run(asked).outcome == "done wrong"


def test_a_refusal_that_offers_an_edit_that_applies_here_is_counted_as_helpful(
    runner: Runner,
) -> None:
    asked = Request(say="add a dragon", on="coffee", cat="t", expect="refuse")
    result = runner.run(asked)
    assert result.outcome == "refused helpfully", result.why


def test_the_rates_per_category_hold(
    results: list[Result], capsys: pytest.CaptureFixture[str]
) -> None:
    with capsys.disabled():
        print("\n" + phrasings.table(results))
        for result in results:
            if result.outcome not in ("done right", "asked", "refused helpfully"):
                why = result.why.replace("\n", " | ")[:160]
                request = result.request
                print(f"  [{result.outcome}] {request.cat}: {request.say!r} on {request.on}: {why}")
    rates = phrasings.rates(results)["all"]
    assert rates["done right"] + rates["asked"] >= RIGHT_OR_ASKED_AT_LEAST
    assert rates["as expected"] >= AS_EXPECTED_AT_LEAST
    assert sum(r.outcome == "done wrong" for r in results) <= WRONG_AT_MOST
    servable = [r for r in results if r.request.expect != "refuse"]
    served = sum(r.outcome in ("done right", "asked") for r in servable) / len(servable)
    assert served >= SERVABLE_RIGHT_OR_ASKED_AT_LEAST


def test_every_refusal_names_a_concrete_next_step(results: list[Result]) -> None:
    # a backend that can do it, a command to use, or an edit that plans on this very picture
    unhelpful = [
        f"{r.request.say!r} on {r.request.on}: {r.why}"
        for r in results
        if r.outcome == "refused unhelpfully"
    ]
    assert unhelpful == []


def test_every_request_expected_to_be_refused_is_refused_helpfully(
    results: list[Result],
) -> None:
    refused = [r for r in results if r.request.expect == "refuse"]
    assert len(refused) >= 40
    assert [r.request.say for r in refused if r.outcome != "refused helpfully"] == []


def test_a_misspelling_counts_as_asked_only_when_yes_makes_the_plan_it_offered(
    runner: Runner,
) -> None:
    asked = Request(say="mak it brigter", on="coffee", cat="t", expect="ask",
                    says="make it brighter", yes=("brightness",))  # fmt: skip
    assert runner.run(asked).outcome == "asked"
    wrong = Request(say="mak it brigter", on="coffee", cat="t", expect="ask", yes=("warmth",))
    assert runner.run(wrong).outcome == "done wrong"
