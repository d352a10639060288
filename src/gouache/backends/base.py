"""The one protocol every image model sits behind, and its request and result types.

Request fields use diffusers' vocabulary (`prompt`, `negative_prompt`, `image`, `mask_image`,
`strength`, `num_inference_steps`, `guidance_scale`, `height`, `width`, `seed`); a remote backend
maps names at its own edge. A backend's constructor keyword arguments are its configuration and
are what a version records in its recipe (`ImageModel.config()`). The backends by name are
in `gouache.backends.catalog`.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Protocol, runtime_checkable

from gouache.errors import UnsupportedError
from gouache.progress import CancelToken, ProgressCallback

if TYPE_CHECKING:
    from gouache.images import Image
    from gouache.ops.plan import EditPlan
    from gouache.ops.registry import OperatorRegistry

JSONValue = Any  # what json.dumps accepts; kept loose on purpose for recipes


@dataclass(frozen=True)
class Capabilities:
    """What a backend can do, declared up front so the planner and guard can rely on it."""

    generate: bool
    edit: bool
    max_references: int = 0
    masks: bool = False
    preferred_sizes: tuple[tuple[int, int], ...] = ()
    size_multiple: int = 1
    # True when pixels outside the edit are kept exactly by construction (no guard needed).
    preserves_unedited: bool = False

    def describe(self) -> str:
        parts = [name for name, on in (("generate", self.generate), ("edit", self.edit)) if on]
        parts.append(f"{self.max_references} reference image(s)")
        if self.masks:
            parts.append("masks")
        if self.preserves_unedited:
            parts.append("preserves unedited pixels")
        return ", ".join(parts)


@dataclass(frozen=True)
class GenerateRequest:
    prompt: str
    negative_prompt: str | None = None
    height: int | None = None
    width: int | None = None
    num_inference_steps: int | None = None
    guidance_scale: float | None = None
    seed: int | None = None
    references: tuple[Image, ...] = ()


@dataclass(frozen=True)
class EditRequest:
    prompt: str
    image: Image
    mask_image: Image | None = None
    negative_prompt: str | None = None
    strength: float | None = None
    num_inference_steps: int | None = None
    guidance_scale: float | None = None
    height: int | None = None
    width: int | None = None
    seed: int | None = None
    references: tuple[Image, ...] = ()
    # The typed plan, when the planner made one; backends that take free text may ignore it.
    plan: EditPlan | None = None


@dataclass(frozen=True)
class ImageResult:
    image: Image
    seed: int | None = None
    # Text the model said, shown in the conversation.
    text: str = ""
    # The effective parameters of this call, recorded in the version's recipe.
    params: Mapping[str, JSONValue] = field(default_factory=dict)
    notes: tuple[str, ...] = ()


@runtime_checkable
class ImageModel(Protocol):
    """An image model gouache can talk to.

    `operators` is the registry a backend runs typed plans with (the rule planner plans over
    it and the guard reads each operator's scope), or None for a model that takes the
    instruction as its prompt. A wrapper (the drift injector) gives its inner backend's.
    """

    name: str
    capabilities: Capabilities

    @property
    def operators(self) -> OperatorRegistry | None: ...

    def config(self) -> dict[str, JSONValue]:
        """The constructor arguments: enough, with a request, to reproduce a result."""
        ...

    def generate(
        self,
        request: GenerateRequest,
        *,
        progress: ProgressCallback | None = None,
        cancel: CancelToken | None = None,
    ) -> ImageResult: ...

    def edit(
        self,
        request: EditRequest,
        *,
        progress: ProgressCallback | None = None,
        cancel: CancelToken | None = None,
    ) -> ImageResult: ...


def require(model: ImageModel, what: str) -> None:
    """Refuse clearly when a backend lacks a capability."""
    caps = model.capabilities
    if what == "generate" and not caps.generate:
        raise UnsupportedError(
            f"backend {model.name!r} cannot generate from text; it can: {caps.describe()}",
            backend=model.name,
        )
    if what == "edit" and not caps.edit:
        raise UnsupportedError(
            f"backend {model.name!r} cannot edit images; it can: {caps.describe()}",
            backend=model.name,
        )
