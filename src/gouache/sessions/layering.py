"""Layers in a turn: which part of a plan edits the raster base and which adds layers on top.

A plan whose last steps are captions, logos, balloons or borders keeps them as layers (see
`gouache.layers`). On a layered version, raster steps edit the base and the layers are drawn
again on top, and a layer edit ("change the caption to Hello") changes only the layer: the base
keeps its blob. A flat version with a plan that adds no layer takes no part in any of this.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Protocol

from gouache.analysis.cache import AnalysisCache
from gouache.backends.base import ImageModel
from gouache.images import Image
from gouache.layers.edit import LayerEdit, read_layer_edit

__all__ = ["LayerEdit", "LayerTurn", "describe", "finish", "prepare", "read_edit", "with_layers"]
from gouache.layers.model import Layer, LayerStack, split_plan, stack_of
from gouache.layers.render import new_layers, render
from gouache.ops.plan import EditPlan, Step
from gouache.planner.plan import PlannerReply
from gouache.sessions.versions import Version

# Operators whose output is another picture altogether (a story panel's source photo).
STARTS_AGAIN = frozenset({"use_image"})


@dataclass(frozen=True)
class LayerTurn:
    """A turn on layers: the base the backend edits, the raster part of the plan (None: the
    backend does not run), the layers kept, and the layer steps to add on top."""

    base: Image
    raster: EditPlan | None
    kept: tuple[Layer, ...]
    adding: tuple[Step, ...]
    # the blob of `base`, when it is one already
    base_digest: str | None = None


def read_edit(instruction: str, parent: Version, image: Image) -> LayerEdit | PlannerReply | None:
    """A layer edit of the parent's layers, a reply, or None (plan it as usual)."""
    stack = stack_of(parent.params)
    if stack is None:
        return None
    return read_layer_edit(instruction, stack, (int(image.shape[1]), int(image.shape[0])))


class Blobs(Protocol):
    """What the layer steps need of a BlobStore: the session's cached view of it will do."""

    def get(self, digest: str) -> Image: ...

    def put(self, image: Image) -> str: ...


def prepare(
    plan: EditPlan,
    parent: Version,
    edit: LayerEdit | None,
    blobs: Blobs,
    backend: ImageModel,
) -> LayerTurn | None:
    """How the turn runs on layers, or None when it is an ordinary flat turn.

    Only a backend that keeps unedited pixels by construction (the operators) makes new
    layers: drawing them here is then exactly what it would have drawn. Another backend runs
    its whole plan, and on a layered parent edits the base.
    """
    stack = stack_of(parent.params)
    operators = backend.operators if backend.capabilities.preserves_unedited else None
    operator_names = operators.names() if operators is not None else None
    if edit is not None:
        base_blob = edit.stack.base
        return LayerTurn(blobs.get(base_blob), None, edit.stack.layers, (), base_blob)
    raster: tuple[Step, ...]
    adding: tuple[Step, ...]
    if operator_names is None or any(step.op not in operator_names for step in plan.steps):
        raster, adding = plan.steps, ()  # a generative plan: nothing becomes a layer
    else:
        raster, adding = split_plan(plan)
    if stack is None and not adding:
        return None
    # a flat parent's pixels are the base
    base_blob = stack.base if stack is not None else parent.blob
    base = blobs.get(base_blob)
    raster_plan = plan.model_copy(update={"steps": raster}) if raster else None
    # a plan that starts again from another picture leaves the old picture's layers behind
    fresh = any(step.op in STARTS_AGAIN for step in raster)
    kept = stack.layers if stack is not None and not fresh else ()
    return LayerTurn(base, raster_plan, kept, adding, base_blob)


def finish(
    turn: LayerTurn,
    base: Image,
    references: Sequence[tuple[str, str]],
    blobs: Blobs,
    analyses: AnalysisCache,
) -> tuple[Image, LayerStack]:
    """Draw the kept layers on the (new) base, add the new ones, and the stack to record.

    Borders frame everything: the other layers go under them, placed on the picture itself.
    """
    inner = tuple(layer for layer in turn.kept if layer.op != "border")
    under = render(base, inner, blobs.get, analyses)
    added, drawn = new_layers(turn.adding, under, turn.kept, references, blobs.get, analyses)
    borders = (
        *(layer for layer in turn.kept if layer.op == "border"),
        *(layer for layer in added if layer.op == "border"),
    )
    layers = (*inner, *(layer for layer in added if layer.op != "border"), *borders)
    # an unchanged base keeps its blob (encoding 1 MP again to find its digest costs ~40 ms)
    digest = turn.base_digest if turn.raster is None and turn.base_digest else blobs.put(base)
    stack = LayerStack(base=digest, layers=layers)
    # `drawn` is the base with every layer but the borders, in the stack's order: the borders
    # on top give what render(base, layers) would, without drawing the rest again
    return render(drawn, borders, blobs.get, analyses), stack


def describe(plan: EditPlan, stack: LayerStack) -> str:
    """A line for the reply: what the layers are now."""
    if not stack.layers:
        return "no layers left; the picture is its base"
    kept = "the base untouched; " if plan.planner == "layers" else ""
    hint = "edit them by name, e.g. 'move the caption to the top'"
    return f"layers: {stack.describe()} ({kept}{hint})"


def with_layers(params: Mapping[str, Any], stack: LayerStack | None) -> dict[str, Any]:
    """A version's params with its layers recorded (unchanged for a flat version)."""
    if stack is None:
        return dict(params)
    return {**params, "layers": stack.model_dump(mode="json")}
