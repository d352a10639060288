"""What the LLM planner tells the model and what it accepts back, generated from the registry.

The answer schema is deliberately small: `{"steps": [{"op": <enum>, "params": {}}], "reply":
string | null}`. The operator names are an enum, so even a tiny model can only name a real
operator, but `params` is a plain object; each operator's parameters are listed in the system
prompt instead, rendered in one line per parameter from `params.model_json_schema()`. Why not a
`oneOf` over 42 operators with their pydantic schemas embedded:

- Local servers turn `response_format` into a decoding grammar (llama.cpp and Ollama via GBNF,
  vLLM via xgrammar or outlines). Each supports a different subset of JSON Schema; pydantic's
  output uses `prefixItems`, `exclusiveMinimum`, nested `anyOf` and `$ref`, which some of them
  reject (the request fails) or silently drop. Objects, arrays, strings, null and enums work
  everywhere.
- Size. A local server only compiles `response_format` into a grammar; the model never reads
  it, so the parameters must be in the prompt all the same. The default operators' schemas are
  ~15 kB of JSON: sent twice, that is ~30 kB (~8k tokens), past the 2k-4k token context that
  Ollama gives a model by default, which then truncates the prompt without a word. The listing
  below is ~10 kB, rules and examples included, and the answer schema ~0.5 kB.
- Nothing is lost: every step is validated exactly by `OperatorRegistry.validate`, and any
  answer that fails goes to the rule planner.
"""

from __future__ import annotations

import json
from typing import Any

from pydantic import BaseModel, ConfigDict

from gouache.ops.registry import Operator, OperatorRegistry
from gouache.planner.plan import PlanContext

SCHEMA_NAME = "EditPlan"

_RULES = """\
You turn one instruction about a picture into edit steps for gouache, an image editor.
Answer with one JSON object and nothing else:
{"steps": [{"op": "<operator>", "params": {<parameters>}}], "reply": null}
- Use only the operators listed below, and only the parameters listed for each. Leave a
  parameter out to use its default. Steps run in the order given.
- Do exactly what was asked: nothing more, nothing in its place.
- If the instruction cannot be done with these operators, or you do not understand it,
  answer {"steps": [], "reply": "<one sentence: what you cannot do and the closest edit
  you can>"}. Otherwise "reply" is null."""


class AnswerStep(BaseModel):
    """One step as the model wrote it; its parameters are checked by the registry later."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    op: str
    params: dict[str, Any]


class Answer(BaseModel):
    """The shape of the model's answer: exactly what `response_schema` describes."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    steps: list[AnswerStep]
    reply: str | None = None


def response_schema(operators: OperatorRegistry) -> dict[str, Any]:
    """The JSON schema sent as `response_format.json_schema.schema`."""
    return {
        "type": "object",
        "properties": {
            "steps": {
                "type": "array",
                "items": {
                    "type": "object",
                    "properties": {
                        "op": {"type": "string", "enum": operators.names()},
                        "params": {"type": "object"},
                    },
                    "required": ["op", "params"],
                    "additionalProperties": False,
                },
            },
            "reply": {"anyOf": [{"type": "string"}, {"type": "null"}]},
        },
        "required": ["steps"],
        "additionalProperties": False,
    }


def system_prompt(operators: OperatorRegistry, context: PlanContext | None = None) -> str:
    """The rules, every registered operator with its parameters and examples, the picture."""
    parts = [_RULES, "Operators:", *(_operator_text(op) for op in operators.all())]
    if context is not None:
        parts.append(_context_text(context))
    return "\n\n".join(parts)


def _operator_text(op: Operator[Any]) -> str:
    lines = [f"{op.name}: {op.summary}"]
    schema = op.params.model_json_schema()
    params = param_lines(schema)
    lines += [f"  {line}" for line in params] if params else ["  (no parameters)"]
    if op.examples:
        lines.append("  e.g. " + " | ".join(op.examples))
    return "\n".join(lines)


def param_lines(schema: dict[str, Any]) -> list[str]:
    """One line per parameter of an operator's `params.model_json_schema()`.

    "amount: number, -1 <= x <= 2, default 0.0"; whatever the renderer does not know is
    shown as the JSON schema itself, so nothing is dropped.
    """
    defs: dict[str, Any] = schema.get("$defs", {})
    required = set(schema.get("required", ()))
    lines = []
    for name, prop in schema.get("properties", {}).items():
        text = f"{name}: {_type_text(prop, defs)}"
        if "description" in prop:
            text += f" ({prop['description']})"
        if name in required:
            text += ", required"
        elif "default" in prop:
            text += f", default {json.dumps(prop['default'])}"
        lines.append(text)
    return lines


def _type_text(prop: dict[str, Any], defs: dict[str, Any]) -> str:
    if "$ref" in prop:
        target = defs.get(prop["$ref"].rsplit("/", 1)[-1])
        return _type_text(target, defs) if target is not None else json.dumps(prop)
    if "enum" in prop:
        return "one of " + ", ".join(json.dumps(value) for value in prop["enum"])
    if "const" in prop:
        return json.dumps(prop["const"])
    for union in ("anyOf", "oneOf"):
        if union in prop:
            options = [_type_text(option, defs) for option in prop[union]]
            return " or ".join(
                f"({text})" if ", " in text and not text.startswith("[") else text
                for text in options
            )
    kind = prop.get("type")
    if kind in ("number", "integer"):
        return f"{kind}{_range_text(prop)}"
    if kind == "string":
        return "string"
    if kind == "null":
        return "null"
    if kind == "boolean":
        return "true or false"
    if kind == "array" and "prefixItems" in prop:
        return "[" + ", ".join(_type_text(item, defs) for item in prop["prefixItems"]) + "]"
    if kind == "array" and "items" in prop:
        return f"list of {_type_text(prop['items'], defs)}"
    return json.dumps({k: v for k, v in prop.items() if k not in ("title", "default")})


def _range_text(prop: dict[str, Any]) -> str:
    low = high = ""
    if "minimum" in prop:
        low = f"{prop['minimum']:g} <= "
    elif "exclusiveMinimum" in prop:
        low = f"{prop['exclusiveMinimum']:g} < "
    if "maximum" in prop:
        high = f" <= {prop['maximum']:g}"
    elif "exclusiveMaximum" in prop:
        high = f" < {prop['exclusiveMaximum']:g}"
    return f", {low}x{high}" if low or high else ""


def _context_text(context: PlanContext) -> str:
    lines = ["The picture (image 1):"]
    if context.size is not None:
        lines.append(f"- {context.size[0]}x{context.size[1]} px")
    faces = len(context.faces())
    lines.append(f"- {faces} face{'' if faces == 1 else 's'}, numbered 1, 2, ... from the left")
    if context.references:
        named = ", ".join(
            f"image {number} = {name}" for number, name in enumerate(context.references, start=2)
        )
        lines.append(f"- reference images attached: {named}")
    else:
        lines.append("- no reference image attached")
    if context.pending is not None:
        options = "; ".join(context.pending.options)
        lines.append(
            f'- you last asked about "{context.pending.instruction}": '
            f"{context.pending.message} (options: {options}); this message may answer it"
        )
    return "\n".join(lines)
