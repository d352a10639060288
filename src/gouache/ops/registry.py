"""Operators: typed, versioned declarations of the edits the offline backend can do.

Each operator module builds its `Operator` objects and lists them in `OPERATORS`;
`default_operators()` registers them explicitly. The planner's vocabulary, the help text and
"what can you do?" are all generated from this registry, never from a hand-kept list.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any, Generic, TypeVar

from pydantic import BaseModel, ConfigDict, ValidationError

from gouache.analysis.cache import Analysis, AnalysisCache
from gouache.errors import InvalidParameterError, InvalidReferenceError, UnsupportedError
from gouache.images import Image
from gouache.ops.plan import Step
from gouache.progress import CancelToken
from gouache.settings import DEFAULT_MAX_PIXELS


class Params(BaseModel):
    """Base of every operator's parameters: frozen, no unknown fields."""

    model_config = ConfigDict(frozen=True, extra="forbid")


P = TypeVar("P", bound=Params)


@dataclass(frozen=True)
class OpContext:
    """What an operator may use besides its image and parameters.

    Images are numbered as the user numbers them: image 1 is the one being edited, the
    references attached to the turn are images 2, 3, ...
    """

    references: tuple[Image, ...] = ()
    reference_names: tuple[str, ...] = ()
    cancel: CancelToken | None = None
    # What the operators did worth telling the user ("Real-ESRGAN x4 ran", "3 faces blurred").
    notes: list[str] = field(default_factory=list)
    # Shared across turns by the session, so an image is never analysed twice.
    analyses: AnalysisCache = field(default_factory=AnalysisCache)
    # No result may have more pixels than the input limit (GOUACHE_MAX_PIXELS).
    max_pixels: int = DEFAULT_MAX_PIXELS

    def analysis(self, image: Image) -> Analysis:
        return self.analyses.get(image)

    def reference(self, number: int, op: str) -> Image:
        """Image `number` (2 = the first attached reference)."""
        count = len(self.references) + 1
        if number < 2 or number > count:
            attached = (
                f"only {count - 1} reference image(s) are attached"
                if count > 1
                else "no reference image is attached (use --ref PATH or /attach PATH)"
            )
            raise InvalidReferenceError(f"{op}: there is no image {number}: {attached}")
        return self.references[number - 2]


@dataclass(frozen=True)
class Operator(Generic[P]):
    name: str
    version: str
    summary: str
    params: type[P]
    run: Callable[[Image, P, OpContext], Image]
    # Words and phrases the rule planner maps to this operator.
    keywords: tuple[str, ...] = ()
    # Instructions that work, shown in help and as "closest edits".
    examples: tuple[str, ...] = ()
    # True when the operator changes (nearly) every pixel: a grade, a style, a geometry change.
    global_edit: bool = True
    geometry: bool = False
    # A tone or colour grade: inside a mask the user drew, it fades in over the mask's inner
    # rim (a box leaves no seam), where a redaction or a filter keeps the mask's hard edge.
    grade: bool = False

    def validate(self, params: Mapping[str, Any]) -> P:
        try:
            return self.params.model_validate(dict(params))
        except ValidationError as err:
            first = err.errors()[0]
            where = ".".join(str(p) for p in first["loc"]) or "params"
            raise InvalidParameterError(
                f"{self.name}: {where}: {first['msg']}", op=self.name, param=where
            ) from None

    def apply(self, image: Image, params: Mapping[str, Any], ctx: OpContext) -> Image:
        return self.run(image, self.validate(params), ctx)


class OperatorRegistry:
    def __init__(self, operators: Iterable[Operator[Any]] = ()) -> None:
        self._ops: dict[str, Operator[Any]] = {}
        for op in operators:
            self.register(op)

    def register(self, op: Operator[Any]) -> None:
        if op.name in self._ops:
            raise ValueError(f"operator {op.name!r} is already registered")
        self._ops[op.name] = op

    def get(self, name: str) -> Operator[Any]:
        try:
            return self._ops[name]
        except KeyError:
            raise UnsupportedError(
                f"no operator {name!r}; available: {', '.join(self.names())}",
                backend="operators",
            ) from None

    def names(self) -> list[str]:
        return sorted(self._ops)

    def all(self) -> list[Operator[Any]]:
        return [self._ops[name] for name in self.names()]

    def __contains__(self, name: object) -> bool:
        return name in self._ops

    def validate(self, step: Step) -> Params:
        params: Params = self.get(step.op).validate(step.params)
        return params

    def apply(self, image: Image, step: Step, ctx: OpContext) -> Image:
        if ctx.cancel is not None:
            ctx.cancel.raise_if_cancelled()
        return self.get(step.op).apply(image, step.params, ctx)

    def capabilities_text(self) -> str:
        """One line per operator: what it does and an example. Used by "what can you do?"."""
        lines = []
        for op in self.all():
            example = f'  e.g. "{op.examples[0]}"' if op.examples else ""
            lines.append(f"{op.name:<19} {op.summary}{example}")
        return "\n".join(lines)


def default_operators() -> OperatorRegistry:
    from gouache.ops import (
        balloon,
        binarize,
        canvas,
        compose,
        dehaze,
        document,
        faceparts,
        faces,
        filters,
        framing,
        geometry,
        ink,
        looks,
        paint,
        panel,
        recolor,
        redact,
        redeye,
        regions,
        replacecolor,
        restore,
        selective,
        shadow,
        style,
        subject,
        text,
        textedit,
        textoutline,
        textstyle,
        texture,
        tone,
        trim,
        upscale,
        weather,
    )

    modules = [geometry, tone, filters, looks, regions, text, faces, textedit, subject, restore]
    modules += [redact, style, compose, canvas, framing, upscale, texture, document, redeye]
    modules += [paint, trim, ink, weather, shadow, dehaze, textstyle, recolor, binarize]
    modules += [replacecolor, selective, textoutline]
    modules += [faceparts]  # eyes and teeth, from the faces' landmarks
    modules += [balloon, panel]  # speech balloons and story panels (gouache.layers, .story)
    return OperatorRegistry([op for module in modules for op in module.OPERATORS])
