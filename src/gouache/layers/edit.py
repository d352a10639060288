"""Turns that edit a layer: "change the caption to Hello", "move the logo to the top left".

`read_layer_edit` recognises an instruction about a layer the version has (by its name or
kind: caption, title, text, balloon, logo, watermark, border) and returns the changed stack
with a plan that records what changed. An instruction about no layer, or about a layer the
version does not have, is left to the planner (None); a layer edit that cannot be done
(a logo moved to the middle) gets a reply that says what can.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from pydantic import ValidationError

from gouache.colors import parse_color
from gouache.layers.model import Layer, LayerStack
from gouache.ops.plan import EditPlan, Step
from gouache.planner.plan import PlannerReply

# Words naming a kind of layer, and the operators whose layers they may mean.
_NOUNS: dict[str, tuple[str, ...]] = {
    "caption": ("caption",),
    "title": ("caption",),
    "subtitle": ("caption",),
    "headline": ("caption",),
    "text": ("caption", "balloon"),
    "words": ("caption", "balloon"),
    "balloon": ("balloon",),
    "bubble": ("balloon",),
    "logo": ("logo",),
    "watermark": ("logo", "caption"),
    "border": ("border",),
    "frame": ("border",),
}
_NOUN = re.compile(r"\b(" + "|".join(_NOUNS) + r")(?:\s+(\d+))?\b")
_TEXT = re.compile(
    r"\b(?:change|set|make|edit|update|replace|rewrite|turn|correct|fix)\b.*?"
    r"\b(?:to|into|say|says|read|reads|with)\b\s*(?P<new>.+)$"
)
_SHOULD = re.compile(r"\bshould\s+(?:say|read)\s+(?P<new>.+)$")
_MOVE = re.compile(r"\b(?:move|put|place|shift|drag|set)\b")
_REMOVE = re.compile(r"\b(?:remove|delete|hide|drop|erase)\b")
_BIGGER = re.compile(r"\b(?:bigger|larger|greater|enlarge)\b")
_SMALLER = re.compile(r"\b(?:smaller|tinier|shrink)\b")
_OPACITY = re.compile(r"(\d{1,3})\s*%\s*(?:opacity|opaque)|opacity\s+(?:of\s+|to\s+)?(\d{1,3})\s*%")
_POSITIONS = (
    "top left",
    "top right",
    "bottom left",
    "bottom right",
    "top",
    "bottom",
    "left",
    "right",
    "center",
    "centre",
    "middle",
)
GROWTH = 1.3
# "please change the caption", "can you make the title": the layer comes early
MAX_WORDS_BEFORE = 4


@dataclass(frozen=True)
class LayerEdit:
    """The stack after the edit, and the plan that says what changed."""

    plan: EditPlan
    stack: LayerStack


def read_layer_edit(
    instruction: str, stack: LayerStack, canvas: tuple[int, int]
) -> LayerEdit | PlannerReply | None:
    """The layer edit `instruction` asks for on `stack`, a reply, or None (not a layer edit)."""
    text = " ".join(instruction.strip().split())
    lower = text.lower()
    match = _NOUN.search(_without_quotes(lower))
    # the layer is what the sentence is about: "move the logo ...", not "replace the
    # background behind the caption"
    if match is None or len(lower[: match.start()].split()) > MAX_WORDS_BEFORE:
        return None
    layer = _find(stack, match.group(1), match.group(2))
    if layer is None:
        return None
    change, why = _change(text, lower, match.end(), layer, canvas)
    if why:
        return PlannerReply(instruction=instruction, message=why, understood=(layer.name,))
    if change is None:
        return None
    if change == {"remove": True}:
        layers = tuple(other for other in stack.layers if other.name != layer.name)
        label = f"remove the {layer.name} layer"
    else:
        try:
            updated = _updated(layer, change)
        except ValidationError as err:
            first = err.errors()[0]
            where = ".".join(str(p) for p in first["loc"])
            return PlannerReply(
                instruction=instruction,
                message=f"the {layer.name} layer cannot take that: {where}: {first['msg']}",
                understood=(layer.name,),
            )
        layers = tuple(updated if other.name == layer.name else other for other in stack.layers)
        label = f"{layer.name} layer: " + ", ".join(f"{k} {_words(v)}" for k, v in change.items())
    step = Step(op="layer", params={"layer": layer.name, "change": change}, label=label)
    plan = EditPlan(instruction=instruction, steps=(step,), planner="layers")
    return LayerEdit(plan, stack.model_copy(update={"layers": layers}))


def _without_quotes(text: str) -> str:
    return re.sub(r"\"[^\"]*\"|“[^”]*”", lambda m: " " * len(m.group(0)), text)


def _find(stack: LayerStack, noun: str, number: str | None) -> Layer | None:
    if number is not None:
        named = [layer for layer in stack.layers if layer.name == f"{noun} {number}"]
        if named:
            return named[0]
    exact = [layer for layer in stack.layers if layer.name == noun]
    if exact:
        return exact[-1]
    kinds = _NOUNS[noun]
    for op in kinds:
        found = [layer for layer in stack.layers if layer.op == op]
        if found:
            return found[-1]  # the one added last
    return None


def _change(
    text: str, lower: str, after: int, layer: Layer, canvas: tuple[int, int]
) -> tuple[dict[str, Any] | None, str]:
    """The fields to change (or {"remove": True}), or a reason it cannot be done."""
    bare = _without_quotes(lower)
    if _REMOVE.search(bare):
        return {"remove": True}, ""
    new_text = _new_text(text, lower)
    if new_text is not None and "text" in layer.params:
        return {"text": new_text}, ""
    if _MOVE.search(bare):
        position = _position(bare[after:])
        if position is None:
            return None, ""
        if layer.op == "logo" and " " not in position:
            return None, (
                f"a logo goes in a corner; say top left, top right, bottom left or bottom right "
                f"(not {position})"
            )
        if layer.op == "border":
            return None, "a border goes all round the picture; it cannot be moved"
        return {"position": position}, ""
    opacity = _OPACITY.search(bare)
    if opacity is not None and layer.op == "logo":
        value = int(opacity.group(1) or opacity.group(2))
        return {"opacity": max(1, min(100, value)) / 100}, ""
    grow = GROWTH if _BIGGER.search(bare) else 1 / GROWTH if _SMALLER.search(bare) else None
    if grow is not None:
        return _resized(layer, grow, canvas), ""
    color = _color(bare[after:])
    if color is not None and layer.op in ("caption", "balloon", "border"):
        return {"color": color}, ""
    return None, ""


def _new_text(text: str, lower: str) -> str | None:
    quoted = re.findall(r"\"([^\"]+)\"|“([^”]+)”", text)
    for pattern in (_TEXT, _SHOULD):
        match = pattern.search(lower)
        if match is None:
            continue
        if quoted:
            first: tuple[str, str] = quoted[-1]
            return first[0] or first[1]
        start = match.start("new")
        words = text[start:].strip().rstrip(".!").strip()
        return words or None
    return None


def _position(words: str) -> str | None:
    for name in _POSITIONS:
        if re.search(rf"\b{name}\b", words):
            return "center" if name in ("centre", "middle") else name
    return None


def _color(words: str) -> tuple[int, int, int] | None:
    for word in re.findall(r"#[0-9a-f]{3,6}\b|[a-z]+", words):
        if not word.startswith("#") and re.fullmatch(r"[0-9a-f]{3}|[0-9a-f]{6}", word):
            continue  # "bed" or "decade" are words, not colours
        try:
            return parse_color(word)
        except (ValueError, TypeError):
            continue
    return None


def _resized(layer: Layer, factor: float, canvas: tuple[int, int]) -> dict[str, Any]:
    params = layer.params
    if layer.op == "logo":
        return {"scale": round(min(0.9, float(params.get("scale", 0.15)) * factor), 4)}
    if layer.op == "border":
        return {"size": round(min(0.5, float(params.get("size", 0.05)) * factor), 4)}
    size = params.get("size")
    if size is None:
        size = _drawn_size(layer, canvas)
    return {"size": round(min(0.2 if layer.op == "balloon" else 0.5, float(size) * factor), 4)}


def _drawn_size(layer: Layer, canvas: tuple[int, int]) -> float:
    """The letter height a fitted caption or balloon was drawn at, as a share of the height."""
    width, height = canvas
    if layer.op == "balloon":
        from gouache.ops.balloon import BalloonParams, balloon_shape

        shape = balloon_shape(canvas, BalloonParams.model_validate(layer.params))
        return shape.layout.size / height
    from gouache.ops.text import CaptionParams, caption_placement

    placed = caption_placement((width, height), CaptionParams.model_validate(layer.params))
    return placed.layout.size / height


def _updated(layer: Layer, change: dict[str, Any]) -> Layer:
    from gouache.layers.render import operators

    params = {**layer.params, **change}
    checked = operators().get(layer.op).validate(params).model_dump(mode="json")
    return layer.model_copy(update={"params": checked})


def _words(value: Any) -> str:
    if isinstance(value, str):
        return f'"{value}"'
    if isinstance(value, list | tuple):
        return "#" + "".join(f"{int(c):02x}" for c in value)
    return str(value)
