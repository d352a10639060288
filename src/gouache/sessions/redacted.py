"""Which faces the turns on the way to a version blurred or pixelated, read from its recipe.

A blurred face is not always gone from the analysis: YuNet still finds one of the group's
three blurred faces, and all three pixelated ones. What is offered next ("crop to the face",
"a portrait") must not be read from what is left of them, so the suggestions are told.

The faces a blur_faces step chose are found again on the picture it ran on (the version before
it, whose analysis is cached), as the operator found them. A step that changes the frame (a
crop, a rotation) after a blur, or before it in the same turn, moves them: they are then known
to have been blurred, but not where.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING

from gouache.errors import InvalidParameterError
from gouache.suggest import Redacted

if TYPE_CHECKING:
    from gouache.analysis.cache import AnalysisCache
    from gouache.analysis.types import Box
    from gouache.images import Image
    from gouache.ops.registry import OperatorRegistry
    from gouache.sessions.versions import Version

BLUR_FACES = "blur_faces"


def redacted_faces(
    lineage: Sequence[Version],
    image_of: Callable[[Version], Image],
    analyses: AnalysisCache,
    operators: OperatorRegistry,
) -> Redacted | None:
    """The faces blurred on the way to the last version of `lineage` (the first is the root),
    or None when no turn blurred any."""
    from gouache.ops.faces import blurred_faces

    verb: str | None = None
    boxes: list[Box] | None = []
    for index, version in enumerate(lineage):
        steps = [] if version.plan is None else list(version.plan.steps)
        for number, step in enumerate(steps):
            if step.op != BLUR_FACES:
                if verb is not None and _moves(step.op, operators):
                    boxes = None
                continue
            verb = "pixelated" if step.params.get("method") == "pixelate" else "blurred"
            moved = any(_moves(s.op, operators) for s in steps[:number])
            if boxes is None or moved or index == 0:
                boxes = None
                continue
            found = analyses.get(image_of(lineage[index - 1])).faces
            try:
                boxes += [face.box for face in blurred_faces(found, dict(step.params))]
            except InvalidParameterError:
                boxes = None  # the faces are not those the step found: where is not known
    if verb is None:
        return None
    return Redacted(verb, None if boxes is None else tuple(boxes))


def _moves(op: str, operators: OperatorRegistry) -> bool:
    return op in operators and operators.get(op).geometry
