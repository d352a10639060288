"""The LLM planner, run with the real openai SDK against a local chat-completions server."""

from __future__ import annotations

import json
import logging
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

import httpx2  # the SDK's HTTP client since openai 3.0
import pytest

from gouache.analysis.types import Box
from gouache.images import Image
from gouache.ops.plan import EditPlan, Step
from gouache.ops.registry import (
    OpContext,
    Operator,
    OperatorRegistry,
    Params,
    default_operators,
)
from gouache.planner.llm import LLMPlanner
from gouache.planner.plan import PlanContext, PlannerQuestion, PlannerReply, PlanOutcome
from gouache.planner.rules import RulePlanner
from servers import CHAT_MODEL, ChatServer, Reply, unused_port

KEY = "sk-test-0123456789abcdef"
MODEL = CHAT_MODEL
NOTE = "LLM planner failed ("
FALLBACK = "); used the rule planner"


@pytest.fixture
def server(chat_server: ChatServer) -> ChatServer:
    return chat_server


@pytest.fixture(scope="module")
def operators() -> OperatorRegistry:
    return default_operators()


@pytest.fixture(scope="module")
def rules(operators: OperatorRegistry) -> RulePlanner:
    return RulePlanner(operators)


@pytest.fixture
def planner(server: ChatServer, operators: OperatorRegistry) -> Iterator[LLMPlanner]:
    made = LLMPlanner(
        server.url, MODEL, api_key=KEY, operators=operators, timeout=2.0, max_retries=0
    )
    yield made
    made.close()


def test_the_request_names_the_model_every_operator_and_a_json_schema_format(
    server: ChatServer, planner: LLMPlanner, operators: OperatorRegistry
) -> None:
    server.plan(("brightness", {"amount": 0.2}))
    planner.plan("make it brighter")

    (request,) = server.seen
    assert request.path == "/v1/chat/completions"
    assert request.headers["authorization"] == f"Bearer {KEY}"
    body = request.body
    assert body["model"] == MODEL
    assert body["temperature"] == 0
    system, user = body["messages"]
    assert system["role"] == "system"
    assert user == {"role": "user", "content": "make it brighter"}
    for op in operators.all():
        assert f"\n{op.name}: {op.summary}\n" in system["content"]
    response_format = body["response_format"]
    assert response_format["type"] == "json_schema"
    assert response_format["json_schema"]["name"] == "EditPlan"
    assert response_format["json_schema"]["strict"] is False
    schema = response_format["json_schema"]["schema"]
    assert schema["properties"]["steps"]["items"]["properties"]["op"]["enum"] == operators.names()
    assert schema["properties"]["reply"] == {"anyOf": [{"type": "string"}, {"type": "null"}]}


def test_the_system_prompt_lists_each_parameter_with_its_range_and_default(
    server: ChatServer, planner: LLMPlanner
) -> None:
    server.plan(("brightness", {"amount": 0.2}))
    planner.plan("make it brighter")

    prompt = server.system_prompt
    assert "  amount: number, -1 <= x <= 2, default 0.2" in prompt
    assert "  degrees: number, -360 <= x <= 360, required" in prompt
    assert '  fit: one of "expand", "crop", default "crop"' in prompt
    assert "  aspect: [integer, integer] or null, default null" in prompt
    assert "  e.g. make it a bit brighter | darken by 20%\n" in prompt
    assert '  e.g. add the caption "Hello world" | add a title "Summer" at the top' in prompt


def test_a_valid_answer_becomes_exactly_that_edit_plan(
    server: ChatServer, planner: LLMPlanner
) -> None:
    server.plan(("brightness", {"amount": 0.2}), ("crop", {"aspect": [1, 1]}))

    outcome = planner.plan("brighter, then a square crop")

    assert outcome == EditPlan(
        instruction="brighter, then a square crop",
        steps=(
            Step(op="brightness", params={"amount": 0.2}, label="brightness +20 %"),
            Step(op="crop", params={"aspect": [1, 1]}, label="crop to 1:1"),
        ),
        planner=f"llm:{MODEL}",
        notes=(),
    )


def test_a_reply_from_the_model_becomes_a_planner_reply(
    server: ChatServer, planner: LLMPlanner
) -> None:
    message = "I cannot recolour only the sky; the closest edit is a blue tint."
    server.answer(Reply(json.dumps({"steps": [], "reply": message})))

    outcome = planner.plan("make the sky bluer")

    assert outcome == PlannerReply(instruction="make the sky bluer", message=message)


_FAILURES = {
    "not JSON": (Reply("Sure! Here is your plan: brighten it"), "the answer is not JSON"),
    "an unknown operator": (
        Reply(json.dumps({"steps": [{"op": "sparkle", "params": {}}], "reply": None})),
        "step 1: unknown operator 'sparkle'",
    ),
    "a parameter out of range": (
        Reply(json.dumps({"steps": [{"op": "brightness", "params": {"amount": 9}}]})),
        "step 1: brightness: amount: Input should be less than or equal to 2",
    ),
    "an unknown parameter": (
        Reply(json.dumps({"steps": [{"op": "brightness", "params": {"level": 1}}]})),
        "step 1: brightness: level: Extra inputs are not permitted",
    ),
    "the wrong shape": (
        Reply(json.dumps({"steps": {"op": "brightness"}})),
        "the answer does not fit the schema: steps:",
    ),
    "neither steps nor a reply": (
        Reply(json.dumps({"steps": [], "reply": None})),
        "the answer has neither steps nor a reply",
    ),
    "both steps and a reply": (
        Reply(json.dumps({"steps": [{"op": "sepia", "params": {}}], "reply": "Done!"})),
        "the answer has both steps and a reply",
    ),
    "an empty message": (Reply(""), "the answer is empty"),
    "an answer cut off at the token limit": (
        Reply('{"steps": [{"op": "bri', finish_reason="length"),
        "the answer was cut off at the token limit",
    ),
    "a response that is not JSON": (
        Reply(raw="<html>502 Bad Gateway</html>"),
        "/v1 is not JSON",
    ),
    "a response that is not a chat completion": (
        Reply(raw='{"id": "x"}'),
        "the response has no choices",
    ),
    "HTTP 500": (
        Reply(status=500, error="CUDA out of memory"),
        "HTTP 500 from http://127.0.0.1:",
    ),
    "an answer slower than the timeout": (
        Reply(json.dumps({"steps": [{"op": "sepia", "params": {}}]}), delay=1.0),
        "within 0.3 s",
    ),
}


@pytest.mark.parametrize(("reply", "reason"), _FAILURES.values(), ids=_FAILURES.keys())
def test_a_failed_answer_falls_back_to_the_rule_plan_and_says_why(
    server: ChatServer,
    operators: OperatorRegistry,
    rules: RulePlanner,
    reply: Reply,
    reason: str,
) -> None:
    server.answer(reply)
    planner = LLMPlanner(
        server.url, MODEL, api_key=KEY, operators=operators, timeout=0.3, max_retries=0
    )

    outcome = planner.plan("make it brighter and crop to square")

    expected = rules.plan("make it brighter and crop to square")
    assert isinstance(outcome, EditPlan)
    assert isinstance(expected, EditPlan)
    assert outcome.steps == expected.steps
    assert outcome.planner == "rules"
    (note,) = outcome.notes
    assert note.startswith(NOTE)
    assert note.endswith(FALLBACK)
    assert reason in note
    assert len(server.seen) == 1


def test_a_server_that_cannot_be_reached_falls_back_to_the_rule_plan(
    operators: OperatorRegistry, rules: RulePlanner
) -> None:
    port = unused_port()
    planner = LLMPlanner(
        f"http://127.0.0.1:{port}/v1", MODEL, operators=operators, timeout=1.0, max_retries=0
    )

    outcome = planner.plan("sepia")

    expected = rules.plan("sepia")
    assert isinstance(outcome, EditPlan)
    assert isinstance(expected, EditPlan)
    assert outcome.steps == expected.steps
    assert outcome.notes == (
        f"LLM planner failed (cannot connect to http://127.0.0.1:{port}/v1); used the rule planner",
    )


def test_a_fallback_reply_carries_the_note_at_the_end_of_its_message(
    server: ChatServer, planner: LLMPlanner, rules: RulePlanner
) -> None:
    server.answer(Reply("not json"))

    outcome = planner.plan("make the tree bluer")

    expected = rules.plan("make the tree bluer")
    assert isinstance(outcome, PlannerReply)
    assert isinstance(expected, PlannerReply)
    first, note = outcome.message.rsplit("\n", 1)
    assert first == expected.message
    assert note.startswith(NOTE)
    assert note.endswith(FALLBACK)
    assert outcome.suggestions == expected.suggestions


def test_a_server_error_is_retried_before_the_planner_gives_up(
    server: ChatServer, operators: OperatorRegistry
) -> None:
    server.answer(Reply(status=500, error="busy", headers=(("retry-after-ms", "10"),)))
    server.plan(("sepia", {}))
    planner = LLMPlanner(server.url, MODEL, api_key=KEY, operators=operators, max_retries=1)

    outcome = planner.plan("sepia")

    assert isinstance(outcome, EditPlan)
    assert outcome.planner == f"llm:{MODEL}"
    assert [step.op for step in outcome.steps] == ["sepia"]
    assert len(server.seen) == 2


def test_the_api_key_never_appears_in_an_outcome_or_a_log_line(
    server: ChatServer, operators: OperatorRegistry, caplog: pytest.LogCaptureFixture
) -> None:
    # A server that echoes the key back, in an error and as an operator name.
    server.answer(
        Reply(status=500, error=f"bad key {KEY}"),
        Reply(json.dumps({"steps": [{"op": KEY, "params": {}}]})),
        Reply(json.dumps({"steps": [{"op": "sepia", "params": {KEY: 1}}]})),
    )
    planner = LLMPlanner(server.url, MODEL, api_key=KEY, operators=operators, max_retries=0)

    with caplog.at_level(logging.DEBUG):
        outcomes = [planner.plan(text) for text in ("sepia", "sepia", "make the sky bluer")]

    assert all(seen.headers["authorization"] == f"Bearer {KEY}" for seen in server.seen)
    texts = [outcome.model_dump_json() for outcome in outcomes] + [caplog.text]
    assert all(NOTE in text for text in texts)
    assert not any(KEY in text for text in texts)
    assert "HTTP 500" in texts[0]
    assert "bad key ***" in texts[0]


def test_the_api_key_comes_from_the_environment_or_is_a_placeholder(
    server: ChatServer, operators: OperatorRegistry, monkeypatch: pytest.MonkeyPatch
) -> None:
    server.plan(("sepia", {}))
    server.plan(("sepia", {}))
    monkeypatch.setenv("OPENAI_API_KEY", "sk-from-env")
    LLMPlanner(server.url, MODEL, operators=operators).plan("sepia")
    monkeypatch.delenv("OPENAI_API_KEY")
    LLMPlanner(server.url, MODEL, operators=operators).plan("sepia")

    assert [seen.headers["authorization"] for seen in server.seen] == [
        "Bearer sk-from-env",
        "Bearer not-needed",
    ]


def test_an_injected_http_client_carries_the_requests(
    server: ChatServer, operators: OperatorRegistry
) -> None:
    server.plan(("sepia", {}))
    with httpx2.Client(headers={"X-Gouache-Test": "injected"}) as client:
        planner = LLMPlanner(
            server.url, MODEL, api_key=KEY, operators=operators, http_client=client
        )
        outcome = planner.plan("sepia")
        planner.close()
        assert not client.is_closed  # the planner closes only a client it made

    assert isinstance(outcome, EditPlan)
    assert server.seen[0].headers["x-gouache-test"] == "injected"


def test_the_picture_is_described_in_the_system_prompt(
    server: ChatServer, planner: LLMPlanner
) -> None:
    server.plan(("blur_faces", {"target": "middle"}))
    question = PlannerQuestion(
        instruction="blur the face",
        message="Which face: left, middle or right?",
        options=("left", "middle", "right"),
        slot="face",
    )
    context = PlanContext(
        faces=lambda: (Box(10, 10, 40, 40), Box(60, 10, 40, 40), Box(110, 10, 40, 40)),
        references=("logo.png", "dog.jpg"),
        pending=question,
        size=(1200, 800),
    )

    outcome = planner.plan("the middle one", context)

    prompt = server.system_prompt
    assert "- 1200x800 px" in prompt
    assert "- 3 faces, numbered 1, 2, ... from the left" in prompt
    assert "image 2 = logo.png, image 3 = dog.jpg" in prompt
    assert '- you last asked about "blur the face": Which face: left, middle or right?' in prompt
    assert isinstance(outcome, EditPlan)
    assert outcome.steps[0].params == {"target": "middle"}


@dataclass
class RecordingPlanner:
    """A fallback that records what it was given and always asks the same question."""

    name: str = "recording"
    calls: list[tuple[str, PlanContext | None]] = field(default_factory=list)

    def plan(self, instruction: str, context: PlanContext | None = None) -> PlanOutcome:
        self.calls.append((instruction, context))
        return PlannerQuestion(instruction=instruction, message="Which one?", options=("a", "b"))


def test_a_given_fallback_gets_the_context_and_is_named_in_the_note(
    server: ChatServer, operators: OperatorRegistry
) -> None:
    server.answer(Reply("{"))
    fallback = RecordingPlanner()
    planner = LLMPlanner(
        server.url, MODEL, api_key=KEY, operators=operators, fallback=fallback, max_retries=0
    )
    context = PlanContext(size=(64, 64))

    outcome = planner.plan("do the thing", context)

    assert fallback.calls == [("do the thing", context)]
    assert isinstance(outcome, PlannerQuestion)
    assert outcome.options == ("a", "b")
    assert outcome.message == (
        "Which one?\nLLM planner failed (the answer is not JSON: Expecting property name "
        "enclosed in double quotes at line 1 column 2); used the recording planner"
    )


class SparkleParams(Params):
    twinkles: int = 3


def _sparkle(image: Image, p: SparkleParams, ctx: OpContext) -> Image:
    return image


def test_a_custom_operator_is_offered_to_the_model_and_can_be_planned(
    server: ChatServer,
) -> None:
    sparkle = Operator(
        name="sparkle",
        version="1.0.0",
        summary="add sparkles to the highlights",
        params=SparkleParams,
        run=_sparkle,
        examples=("make it sparkle",),
    )
    registry = OperatorRegistry([sparkle, *default_operators().all()])
    server.plan(("sparkle", {"twinkles": 5}))
    planner = LLMPlanner(server.url, MODEL, api_key=KEY, operators=registry)

    outcome = planner.plan("make it sparkle a lot")

    prompt = server.system_prompt
    assert "sparkle: add sparkles to the highlights\n  twinkles: integer, default 3\n" in prompt
    assert "  e.g. make it sparkle" in prompt
    schema = server.seen[0].body["response_format"]["json_schema"]["schema"]
    assert "sparkle" in schema["properties"]["steps"]["items"]["properties"]["op"]["enum"]
    assert isinstance(outcome, EditPlan)
    assert outcome.steps == (
        Step(op="sparkle", params={"twinkles": 5}, label="sparkle(twinkles=5)"),
    )


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"model": " "}, "model is empty"),
        ({"base_url": "localhost:11434"}, "base_url must be an http"),
        ({"timeout": 0}, "timeout must be a positive"),
        ({"max_retries": -1}, "max_retries must be 0 or more"),
        ({"api_key": ""}, "api_key is empty"),
    ],
)
def test_a_configuration_that_cannot_work_is_refused_when_the_planner_is_made(
    kwargs: dict[str, Any], message: str, operators: OperatorRegistry
) -> None:
    arguments: dict[str, Any] = {"base_url": "http://127.0.0.1:9/v1", "model": MODEL} | kwargs
    with pytest.raises(ValueError, match=message):
        LLMPlanner(operators=operators, **arguments)


def test_a_password_in_the_base_url_is_not_shown_in_a_note(operators: OperatorRegistry) -> None:
    port = unused_port()
    planner = LLMPlanner(
        f"http://user:hunter2@127.0.0.1:{port}/v1", MODEL, operators=operators, max_retries=0
    )

    outcome = planner.plan("sepia")

    assert isinstance(outcome, EditPlan)
    assert "hunter2" not in outcome.model_dump_json()
    assert f"cannot connect to http://127.0.0.1:{port}/v1" in outcome.notes[0]
