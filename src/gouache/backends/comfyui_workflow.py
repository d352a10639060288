"""ComfyUI workflows in "API format" and the `{{placeholder}}` filling gouache does to them.

An API-format workflow maps a node id to `{"class_type": ..., "inputs": {...}}` (ComfyUI's
"Save (API)" / "Export (API)"; not the UI format with `nodes` and `links`). gouache fills
placeholders in the string values of node inputs:

    {{prompt}} {{negative_prompt}} {{image}} {{mask}} {{reference_1}} ... {{reference_N}}
    {{seed}} {{width}} {{height}} {{steps}} {{guidance}} {{strength}}

A value that is exactly one placeholder takes the typed value (an int seed, a float guidance);
a placeholder inside a longer string is replaced by its text. Image placeholders become the
file name the image was uploaded as, which is what `LoadImage` takes.
"""

from __future__ import annotations

import copy
import hashlib
import json
import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from gouache.errors import InputError

PLACEHOLDER = re.compile(r"\{\{\s*([A-Za-z0-9_]+)\s*\}\}")
_REFERENCE = re.compile(r"reference_([1-9][0-9]*)")

# Placeholder name -> the request field it comes from (diffusers' vocabulary), for messages.
FIELDS: dict[str, str] = {
    "prompt": "prompt",
    "negative_prompt": "negative_prompt",
    "image": "image",
    "mask": "mask_image",
    "seed": "seed",
    "width": "width",
    "height": "height",
    "steps": "num_inference_steps",
    "guidance": "guidance_scale",
    "strength": "strength",
}
IMAGE_PLACEHOLDERS = frozenset({"image", "mask"})


def is_known(name: str) -> bool:
    return name in FIELDS or _REFERENCE.fullmatch(name) is not None


def field_for(name: str) -> str:
    """The request field a placeholder is filled from."""
    match = _REFERENCE.fullmatch(name)
    if match:
        return f"references[{int(match.group(1)) - 1}]"
    return FIELDS[name]


@dataclass(frozen=True)
class Workflow:
    """An API-format graph, where it came from and its content hash."""

    graph: Mapping[str, Any]
    name: str
    sha256: str
    placeholders: frozenset[str]

    @property
    def reference_count(self) -> int:
        return sum(1 for p in self.placeholders if _REFERENCE.fullmatch(p))

    def fill(self, values: Mapping[str, Any]) -> dict[str, Any]:
        return fill(self.graph, values)


def load_workflow(source: str | Path | Mapping[str, Any]) -> Workflow:
    """Read a workflow from a path (str or Path) or a dict; check its shape and placeholders."""
    if isinstance(source, Mapping):
        graph: Any = copy.deepcopy(dict(source))
        name = "<dict>"
    else:
        path = Path(source)
        try:
            text = path.read_text(encoding="utf-8")
        except OSError as err:
            raise InputError(f"cannot read ComfyUI workflow {path}: {err.strerror or err}") from err
        try:
            graph = json.loads(text)
        except json.JSONDecodeError as err:
            raise InputError(f"ComfyUI workflow {path} is not JSON: {err}") from err
        name = path.name
    check_graph(graph, name)
    placeholders = frozenset(find_placeholders(graph, name))
    numbers = sorted(
        int(m.group(1)) for p in placeholders if (m := _REFERENCE.fullmatch(p)) is not None
    )
    if numbers != list(range(1, len(numbers) + 1)):
        listed = ", ".join(f"reference_{n}" for n in numbers)
        raise InputError(
            f"ComfyUI workflow {name}: reference placeholders must run reference_1, reference_2, "
            f"... without gaps; found {listed}"
        )
    return Workflow(graph=graph, name=name, sha256=graph_sha256(graph), placeholders=placeholders)


def check_graph(graph: Any, name: str) -> None:
    """Refuse anything that is not an API-format graph, saying how to get one."""
    if isinstance(graph, dict) and "nodes" in graph and "links" in graph:
        raise InputError(
            f"ComfyUI workflow {name} is in the UI format; export it with "
            "'Export (API)' (or 'Save (API Format)') and use that file"
        )
    if not isinstance(graph, dict) or not graph:
        raise InputError(f"ComfyUI workflow {name} must be a JSON object of node id -> node")
    for node_id, node in graph.items():
        if not isinstance(node, dict) or not isinstance(node.get("class_type"), str):
            raise InputError(f"ComfyUI workflow {name}: node {node_id} has no class_type")
        if not isinstance(node.get("inputs"), dict):
            raise InputError(f"ComfyUI workflow {name}: node {node_id} has no inputs object")


def graph_sha256(graph: Mapping[str, Any]) -> str:
    """A content hash that ignores key order and whitespace."""
    canonical = json.dumps(graph, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()


def _strings(value: Any, where: str) -> Iterator[tuple[str, str]]:
    if isinstance(value, str):
        yield where, value
    elif isinstance(value, list):
        for i, item in enumerate(value):
            yield from _strings(item, f"{where}[{i}]")
    elif isinstance(value, dict):
        for key, item in value.items():
            yield from _strings(item, f"{where}.{key}")


def find_placeholders(graph: Mapping[str, Any], name: str = "<dict>") -> set[str]:
    """Every placeholder in the node inputs; an unknown name is refused."""
    found: set[str] = set()
    for node_id, node in graph.items():
        for key, value in node["inputs"].items():
            for where, text in _strings(value, key):
                for match in PLACEHOLDER.finditer(text):
                    placeholder = match.group(1)
                    if not is_known(placeholder):
                        raise InputError(
                            f"ComfyUI workflow {name}: node {node_id} input {where} has an unknown "
                            f"placeholder {{{{{placeholder}}}}}; known: "
                            + ", ".join(f"{{{{{k}}}}}" for k in FIELDS)
                            + ", {{reference_1}}, ..."
                        )
                    found.add(placeholder)
    return found


def fill(graph: Mapping[str, Any], values: Mapping[str, Any]) -> dict[str, Any]:
    """A copy of the graph with placeholders replaced; a missing value raises InputError."""
    filled: dict[str, Any] = {}
    for node_id, node in graph.items():
        new_node = copy.deepcopy(dict(node))
        new_node["inputs"] = {
            key: _fill_value(value, values, f"node {node_id} ({node['class_type']}) input {key}")
            for key, value in node["inputs"].items()
        }
        filled[node_id] = new_node
    return filled


def _fill_value(value: Any, values: Mapping[str, Any], where: str) -> Any:
    if isinstance(value, list):
        return [_fill_value(item, values, where) for item in value]
    if isinstance(value, dict):
        return {k: _fill_value(v, values, where) for k, v in value.items()}
    if not isinstance(value, str):
        return value
    exact = PLACEHOLDER.fullmatch(value.strip())
    if exact:
        return _lookup(exact.group(1), values, where)

    def text(match: re.Match[str]) -> str:
        return str(_lookup(match.group(1), values, where))

    return PLACEHOLDER.sub(text, value)


def _lookup(name: str, values: Mapping[str, Any], where: str) -> Any:
    value = values.get(name)
    if value is None:
        raise InputError(
            f"the ComfyUI workflow needs {{{{{name}}}}} ({where}) but the request has no "
            f"{field_for(name)}; set it, or edit the workflow to use a fixed value"
        )
    return value
