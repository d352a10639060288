"""Drawing a layer stack on its base, and making layers from the steps that end a plan.

Each layer is drawn by its own operator, in order, so a layered version's pixels are exactly
what the same plan painted flat would give.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

from gouache.analysis.cache import AnalysisCache
from gouache.analysis.types import Box
from gouache.images import Image
from gouache.layers.model import LAYER_REFERENCE, Layer, layer_name, unique_name
from gouache.ops.plan import Step
from gouache.ops.registry import OpContext, OperatorRegistry, default_operators

BlobReader = Callable[[str], Image]

_OPERATORS: OperatorRegistry | None = None


def operators() -> OperatorRegistry:
    global _OPERATORS
    if _OPERATORS is None:
        _OPERATORS = default_operators()
    return _OPERATORS


def render(
    base: Image, layers: Sequence[Layer], read_blob: BlobReader, analyses: AnalysisCache
) -> Image:
    """The base with every layer drawn on it, bottom first."""
    image = base
    for layer in layers:
        image = draw_layer(image, layer, read_blob, analyses)
    return image


def draw_layer(image: Image, layer: Layer, read_blob: BlobReader, analyses: AnalysisCache) -> Image:
    references = (read_blob(layer.reference),) if layer.reference is not None else ()
    ctx = OpContext(references=references, analyses=analyses)
    return operators().apply(image, layer.step, ctx)


def new_layers(
    steps: Sequence[Step],
    under: Image,
    existing: Sequence[Layer],
    references: Sequence[tuple[str, str]],
    read_blob: BlobReader,
    analyses: AnalysisCache,
) -> tuple[tuple[Layer, ...], Image]:
    """Layers for the steps that end a plan, and `under` (the base with `existing`) with those
    of them that are not borders drawn on it, in order.

    `references` are the turn's attached images as (digest, name), image 2 first. A logo keeps
    the digest of its image; a balloon's position and pointer are settled now, so that drawing
    it again gives the same balloon whatever is edited later.
    """
    made: list[Layer] = []
    image = under
    taken = [layer.name for layer in existing]
    for step in steps:
        params = dict(step.params)
        reference: tuple[str, str] | None = None
        if "reference" in params or step.op == "logo":
            number = int(params.get("reference", LAYER_REFERENCE))
            reference = references[number - 2] if 0 <= number - 2 < len(references) else None
            params["reference"] = LAYER_REFERENCE
        if step.op == "balloon":
            params = _settled_balloon(image, params, [*existing, *made], analyses)
        name = unique_name(layer_name(step), taken)
        taken.append(name)
        layer = Layer(
            name=name,
            op=step.op,
            params=operators().get(step.op).validate(params).model_dump(mode="json"),
            reference=reference[0] if reference else None,
            reference_name=reference[1] if reference else "",
        )
        if layer.op != "border":  # borders go on top of everything, see sessions/layering
            image = draw_layer(image, layer, read_blob, analyses)
        made.append(layer)
    return tuple(made), image


def _settled_balloon(
    image: Image, params: dict[str, object], below: Sequence[Layer], analyses: AnalysisCache
) -> dict[str, object]:
    from gouache.ops.balloon import BalloonParams, resolve
    from gouache.ops.text import CaptionParams, caption_placement

    height, width = image.shape[:2]
    avoid: list[Box] = []
    for layer in below:
        if layer.op == "caption":
            placed = caption_placement((width, height), CaptionParams.model_validate(layer.params))
            outer_w, outer_h = placed.layout.outer()
            avoid.append(Box(placed.left, placed.top, outer_w, outer_h))
    faces = [face.box for face in analyses.get(image).faces]
    settled = resolve(image, BalloonParams.model_validate(params), faces, avoid)
    return settled.model_dump(mode="json")
