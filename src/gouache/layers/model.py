"""Layers: captions, logos, balloons and borders kept as recipes over a raster base.

A layered version stores its flattened pixels as usual (so every other part of gouache reads it
like any version) and, under `params["layers"]`, the digest of the raster base and the layers
drawn on it in order. Each layer is one operator step (its text, font size, colour, position,
outline...) plus the blob of the image a logo draws, so editing a layer means changing that
step and drawing the stack again on the same base.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from pydantic import BaseModel, ConfigDict, Field

from gouache.ops.plan import EditPlan, Step

# The operators whose steps become layers when they end a plan.
LAYER_OPS = frozenset({"caption", "logo", "balloon", "border"})
# The image number a logo layer's step always names: its own reference is its only one.
LAYER_REFERENCE = 2

KIND_OF = {"caption": "text", "balloon": "balloon", "logo": "image", "border": "border"}


class Layer(BaseModel):
    """One layer: a name a user can say, and the step that draws it."""

    model_config = ConfigDict(frozen=True)

    name: str
    op: str
    params: dict[str, Any] = Field(default_factory=dict)
    # The blob of the image a logo layer draws (image 2 of its step).
    reference: str | None = None
    reference_name: str = ""

    @property
    def kind(self) -> str:
        return KIND_OF.get(self.op, self.op)

    @property
    def step(self) -> Step:
        return Step(op=self.op, params=self.params)

    def describe(self) -> str:
        text = self.params.get("text")
        return f'{self.name} "{text}"' if text else self.name


class LayerStack(BaseModel):
    """The raster base (a blob digest) and the layers drawn on it, bottom first."""

    model_config = ConfigDict(frozen=True)

    base: str
    layers: tuple[Layer, ...] = ()

    def names(self) -> list[str]:
        return [layer.name for layer in self.layers]

    def describe(self) -> str:
        return ", ".join(layer.describe() for layer in self.layers) or "no layers"


def stack_of(params: Mapping[str, Any] | None) -> LayerStack | None:
    """The layers recorded in a version's params, or None for a flat version."""
    raw = (params or {}).get("layers")
    return LayerStack.model_validate(raw) if raw else None


def split_plan(plan: EditPlan) -> tuple[tuple[Step, ...], tuple[Step, ...]]:
    """The raster steps, and the layer steps that end the plan (drawn on top as layers).

    A caption followed by a blur is painted and blurred, as asked: only the steps after the
    last raster step can stay editable.
    """
    cut = len(plan.steps)
    while cut > 0 and plan.steps[cut - 1].op in LAYER_OPS:
        cut -= 1
    return plan.steps[:cut], plan.steps[cut:]


def unique_name(wanted: str, taken: Sequence[str]) -> str:
    """`wanted`, or `wanted 2`, `wanted 3`... when a layer already has that name."""
    if wanted not in taken:
        return wanted
    number = 2
    while f"{wanted} {number}" in taken:
        number += 1
    return f"{wanted} {number}"


def layer_name(step: Step) -> str:
    """What a user calls a new layer: a caption at the top is the title."""
    if step.op == "caption" and "top" in str(step.params.get("position", "")):
        return "title"
    return step.op
