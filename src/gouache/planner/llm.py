"""The LLM planner: an instruction -> an EditPlan, by any OpenAI-compatible chat endpoint.

OpenAI itself, or a local server that speaks the chat-completions wire format: Ollama
(`http://localhost:11434/v1`), llama.cpp's llama-server, vLLM, LM Studio. It uses the official
`openai` SDK (`pip install 'gouache[llm]'`), imported only when a planner is made.

How an instruction is planned:

1. The system prompt lists every registered operator with its parameters and examples, and
   the picture (size, faces, references) when a context is given (`llm_schema.system_prompt`);
   the user message is the instruction.
2. One `chat.completions.create` call at temperature 0, with a `json_schema` response format
   (`llm_schema.response_schema`; `llm_schema` says why that schema is small).
3. The message content is parsed as JSON and checked against the answer's shape.
4. Every step is validated by the operator registry and labelled as the rule planner labels.
   A `reply` (the model cannot do what was asked) becomes a PlannerReply.

Whatever goes wrong in 2-4 because of the model or its server (no connection, an HTTP error, a
timeout, an answer that is not JSON, an unknown operator, a parameter out of range) is never
raised: the fallback planner (the rule planner unless given) plans the same instruction, and
its outcome says "LLM planner failed (<reason>); used the rule planner" in its notes or, for a
reply, a question or an answer, at the end of its message. A configuration that cannot work
(no model name, a base URL that is not http(s)) raises ValueError when the planner is made.
The API key never appears in a note, a message or a log line.
"""

from __future__ import annotations

import json
import logging
import os
from typing import TYPE_CHECKING
from urllib.parse import urlsplit, urlunsplit

from pydantic import ValidationError

from gouache.errors import InvalidParameterError
from gouache.ops.registry import OperatorRegistry, default_operators
from gouache.planner.labels import describe
from gouache.planner.llm_schema import SCHEMA_NAME, Answer, response_schema, system_prompt
from gouache.planner.plan import (
    EditPlan,
    PlanContext,
    Planner,
    PlannerReply,
    PlanOutcome,
    Step,
)

if TYPE_CHECKING:
    import httpx2
    from openai.types.chat import ChatCompletion

log = logging.getLogger(__name__)

# The key sent when none is configured: local servers (Ollama, llama.cpp, vLLM without
# --api-key) ignore it, and the SDK refuses to run without one.
NO_KEY = "not-needed"
# How much of a server's error message, or of a model's refusal, a note quotes.
_QUOTE = 200


class _UnusableAnswerError(Exception):
    """The model or its server gave nothing usable; `reason` says why in a few words."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


class LLMPlanner:
    """Plans with a chat model behind an OpenAI-compatible endpoint; falls back to rules.

    `http_client` is the SDK's HTTP client (an `httpx2.Client` since openai 3.0): inject one
    for proxies, TLS settings or tests. The planner closes only a client it made itself.
    """

    name = "llm"

    def __init__(
        self,
        base_url: str,
        model: str,
        *,
        api_key: str | None = None,
        operators: OperatorRegistry | None = None,
        fallback: Planner | None = None,
        http_client: httpx2.Client | None = None,
        timeout: float = 30.0,
        max_retries: int = 1,
    ) -> None:
        if not model.strip():
            raise ValueError("LLMPlanner: model is empty; name one, e.g. 'llama3.2' or 'gpt-4o'")
        if urlsplit(base_url).scheme not in ("http", "https") or not urlsplit(base_url).netloc:
            raise ValueError(
                "LLMPlanner: base_url must be an http(s) URL such as "
                f"'http://localhost:11434/v1', got {_shown(base_url)!r}"
            )
        if not timeout > 0:
            raise ValueError(
                f"LLMPlanner: timeout must be a positive number of seconds, got {timeout!r}"
            )
        if max_retries < 0:
            raise ValueError(f"LLMPlanner: max_retries must be 0 or more, got {max_retries!r}")
        if api_key is not None and not api_key.strip():
            raise ValueError(
                "LLMPlanner: api_key is empty; leave it out to use OPENAI_API_KEY, or no key"
            )
        try:
            import openai
        except ModuleNotFoundError as err:
            raise ModuleNotFoundError(
                "the LLM planner needs the openai package: pip install 'gouache[llm]'",
                name="openai",
            ) from err

        self.base_url = base_url
        self.model = model
        self.timeout = timeout
        self.max_retries = max_retries
        self.operators = operators if operators is not None else default_operators()
        if fallback is None:
            from gouache.planner.rules import RulePlanner

            fallback = RulePlanner(self.operators)
        self.fallback: Planner = fallback
        self._key = api_key or os.environ.get("OPENAI_API_KEY") or NO_KEY
        self._owns_http_client = http_client is None
        self._client = openai.OpenAI(
            base_url=base_url,
            api_key=self._key,
            http_client=http_client,
            timeout=timeout,
            max_retries=max_retries,
        )
        self._schema = response_schema(self.operators)

    def plan(self, instruction: str, context: PlanContext | None = None) -> PlanOutcome:
        try:
            # 1. ask the model, the operators and the picture in the system prompt
            completion = self._ask(instruction, context)
            # 2. read its answer as JSON of the answer schema's shape
            answer = self._read(completion)
            # 3. validate every step against the registry, or take its reply
            return self._outcome(instruction, answer)
        except _UnusableAnswerError as failure:
            return self._fall_back(instruction, context, failure.reason)

    def close(self) -> None:
        """Close the HTTP client the planner made; an injected one is its owner's to close."""
        if self._owns_http_client:
            self._client.close()

    # -- the steps of `plan` ---------------------------------------------------------------

    def _ask(self, instruction: str, context: PlanContext | None) -> ChatCompletion:
        import openai

        server = _shown(self.base_url)
        prompt = system_prompt(self.operators, context)
        try:
            return self._client.chat.completions.create(
                model=self.model,
                messages=[
                    {"role": "system", "content": prompt},
                    {"role": "user", "content": instruction},
                ],
                response_format={
                    "type": "json_schema",
                    "json_schema": {"name": SCHEMA_NAME, "schema": self._schema, "strict": False},
                },
                temperature=0,
            )
        except openai.APITimeoutError:
            raise _UnusableAnswerError(
                f"no answer from {server} within {self.timeout:g} s"
            ) from None
        except openai.APIConnectionError:
            raise _UnusableAnswerError(f"cannot connect to {server}") from None
        except openai.APIStatusError as err:
            said = _server_message(err.body)
            raise _UnusableAnswerError(
                f"HTTP {err.status_code} from {server}" + (f": {said}" if said else "")
            ) from None
        except openai.APIError as err:
            raise _UnusableAnswerError(
                f"unreadable response from {server} ({type(err).__name__})"
            ) from None
        except json.JSONDecodeError:  # the SDK lets this through for a 200 that is not JSON
            raise _UnusableAnswerError(f"the response from {server} is not JSON") from None

    def _read(self, completion: ChatCompletion) -> Answer:
        # A server that is not quite OpenAI-compatible may leave any of these out.
        choices = getattr(completion, "choices", None)
        if not choices:
            raise _UnusableAnswerError("the response has no choices")
        choice = choices[0]
        if getattr(choice, "finish_reason", None) == "length":
            raise _UnusableAnswerError("the answer was cut off at the token limit")
        message = getattr(choice, "message", None)
        refusal = getattr(message, "refusal", None)
        if refusal:
            raise _UnusableAnswerError(f"the model refused: {_quoted(refusal)}")
        content = getattr(message, "content", None)
        if not isinstance(content, str) or not content.strip():
            raise _UnusableAnswerError("the answer is empty")
        try:
            data = json.loads(content)
        except json.JSONDecodeError as err:
            raise _UnusableAnswerError(
                f"the answer is not JSON: {err.msg} at line {err.lineno} column {err.colno}"
            ) from None
        try:
            return Answer.model_validate(data)
        except ValidationError as err:
            first = err.errors()[0]
            where = ".".join(str(part) for part in first["loc"]) or "the answer"
            raise _UnusableAnswerError(
                f"the answer does not fit the schema: {where}: {first['msg']}"
            ) from None

    def _outcome(self, instruction: str, answer: Answer) -> EditPlan | PlannerReply:
        reply = (answer.reply or "").strip()
        if reply and answer.steps:
            raise _UnusableAnswerError("the answer has both steps and a reply")
        if reply:
            return PlannerReply(instruction=instruction, message=reply)
        if not answer.steps:
            raise _UnusableAnswerError("the answer has neither steps nor a reply")
        steps = []
        for number, step in enumerate(answer.steps, start=1):
            if step.op not in self.operators:
                raise _UnusableAnswerError(f"step {number}: unknown operator {_quoted(step.op)!r}")
            try:
                params = self.operators.validate(Step(op=step.op, params=step.params))
            except InvalidParameterError as err:
                raise _UnusableAnswerError(f"step {number}: {err.message}") from None
            label = describe(step.op, params.model_dump())
            steps.append(Step(op=step.op, params=step.params, label=label))
        return EditPlan(instruction=instruction, steps=tuple(steps), planner=f"llm:{self.model}")

    def _fall_back(self, instruction: str, context: PlanContext | None, reason: str) -> PlanOutcome:
        used = (
            "the rule planner"
            if self.fallback.name == "rules"
            else f"the {self.fallback.name} planner"
        )
        note = f"LLM planner failed ({self._redacted(reason)}); used {used}"
        log.warning("%s: %s", note, _quoted(instruction))
        # Without a context, the one-argument call: the same under the Planner protocol, and
        # one that planners written before PlanContext also take.
        outcome = (
            self.fallback.plan(instruction)
            if context is None
            else self.fallback.plan(instruction, context)
        )
        if isinstance(outcome, EditPlan):
            return outcome.model_copy(update={"notes": (*outcome.notes, note)})
        return outcome.model_copy(update={"message": f"{outcome.message}\n{note}"})

    def _redacted(self, text: str) -> str:
        return text if self._key == NO_KEY else text.replace(self._key, "***")


def _shown(url: str) -> str:
    """The URL as notes show it: without a user name or password."""
    parts = urlsplit(url)
    host = parts.netloc.rpartition("@")[2]
    return urlunsplit(parts._replace(netloc=host))


def _quoted(text: str) -> str:
    """One line of at most _QUOTE characters."""
    line = " ".join(text.split())
    return line if len(line) <= _QUOTE else line[: _QUOTE - 3] + "..."


def _server_message(body: object) -> str:
    """What an error response says (`{"error": {"message": ...}}` and the like), quoted."""
    if isinstance(body, dict):
        inner = body.get("error", body)
        body = inner.get("message", inner) if isinstance(inner, dict) else inner
    if body is None or body == "":
        return ""
    return _quoted(body if isinstance(body, str) else json.dumps(body))
