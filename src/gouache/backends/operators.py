"""The offline operator backend: deterministic classical edits on the CPU, no weights.

It executes a typed EditPlan step by step (see gouache.ops). It never plans a prompt itself:
a request without a plan is refused (the session's planner plans, once).
"""

from __future__ import annotations

import time
from typing import TYPE_CHECKING, Any

from gouache.backends.base import Capabilities, EditRequest, GenerateRequest, ImageResult
from gouache.errors import InvalidParameterError, UnsupportedError
from gouache.images import Image, check_image
from gouache.ops.registry import OpContext, OperatorRegistry, default_operators
from gouache.progress import CancelToken, Progress, ProgressCallback
from gouache.settings import DEFAULT_MAX_PIXELS

if TYPE_CHECKING:
    from gouache.analysis.cache import AnalysisCache

# Images 2..9 of a turn: enough for collages and composites, few enough to stay legible.
MAX_REFERENCES = 8


class OperatorBackend:
    """Classical image operations behind the ImageModel protocol."""

    name = "operators"
    capabilities = Capabilities(
        generate=False,
        edit=True,
        max_references=MAX_REFERENCES,
        masks=False,
        preserves_unedited=True,
    )

    def __init__(
        self,
        operators: OperatorRegistry | None = None,
        analyses: AnalysisCache | None = None,
        max_pixels: int = DEFAULT_MAX_PIXELS,
    ) -> None:
        # No step may make an image over the input pixel limit: memory stays bounded.
        self.max_pixels = max_pixels
        self.operators = operators if operators is not None else default_operators()
        if analyses is None:
            from gouache.analysis.cache import AnalysisCache

            analyses = AnalysisCache()
        # Shared with the session, so faces or text found for planning are not found twice.
        self.analyses = analyses

    def config(self) -> dict[str, Any]:
        # Deterministic: the plan and the operator versions are the whole recipe.
        return {"operators": {op.name: op.version for op in self.operators.all()}}

    def generate(
        self,
        request: GenerateRequest,
        *,
        progress: ProgressCallback | None = None,
        cancel: CancelToken | None = None,
    ) -> ImageResult:
        raise UnsupportedError(
            "the offline operator backend edits existing images and cannot draw from text; "
            "start from an image, or use a generative backend (see `gouache backends`)",
            backend=self.name,
        )

    def edit(
        self,
        request: EditRequest,
        *,
        progress: ProgressCallback | None = None,
        cancel: CancelToken | None = None,
    ) -> ImageResult:
        # 1. check inputs
        image = check_image(request.image)
        plan = request.plan
        if plan is None:
            # A backend never plans its own prompt: the session's planner does, once.
            raise UnsupportedError(
                f"the operator backend runs a typed plan, and {request.prompt!r} came without "
                "one: plan it first (Session.apply and the CLI do)",
                backend=self.name,
            )
        for step in plan.steps:
            self.operators.validate(step)

        # 2. run the steps in order, reporting progress and honouring cancellation
        ctx = OpContext(
            references=request.references,
            cancel=cancel,
            analyses=self.analyses,
            max_pixels=self.max_pixels,
        )
        timings: list[float] = []
        total = len(plan.steps)
        for index, step in enumerate(plan.steps):
            if progress is not None:
                progress(Progress(index, total, step.describe()))
            started = time.perf_counter()
            image = self.operators.apply(image, step, ctx)
            _check_pixels(step.op, image, self.max_pixels)
            timings.append(round((time.perf_counter() - started) * 1000, 2))
        if progress is not None:
            progress(Progress(total, total, "done"))

        # 3. report what ran
        versions = {step.op: self.operators.get(step.op).version for step in plan.steps}
        return ImageResult(
            image=image,
            seed=None,
            params={"operator_versions": versions, "step_ms": timings},
            notes=tuple(ctx.notes),
        )


def _check_pixels(op: str, image: Image, limit: int) -> None:
    """Every operator that grows an image checks first; this catches any that did not."""
    height, width = image.shape[:2]
    if height * width > limit:
        raise InvalidParameterError(
            f"{op}: the result is {width}x{height} = {height * width / 1e6:.1f} MP, over the "
            f"pixel limit of {limit / 1e6:.1f} MP that every version keeps "
            "(GOUACHE_MAX_PIXELS raises it); nothing was saved",
            op=op,
        )
