"""The one protocol every image model sits behind, its request and result types, and the registry.

Request fields use diffusers' vocabulary (`prompt`, `negative_prompt`, `image`, `mask_image`,
`strength`, `num_inference_steps`, `guidance_scale`, `height`, `width`, `seed`); a remote backend
maps names at its own edge. A backend's constructor keyword arguments are its configuration and
are what a version records in its recipe (`ImageModel.config()`).
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from importlib.metadata import entry_points
from typing import TYPE_CHECKING, Any, Protocol, runtime_checkable

from gouache.errors import BackendNotFoundError, CancelledError, UnsupportedError

if TYPE_CHECKING:
    from gouache.images import Image
    from gouache.planner.plan import EditPlan

ENTRY_POINT_GROUP = "gouache.backends"

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
class Progress:
    step: int
    total: int
    message: str = ""


ProgressCallback = Callable[[Progress], None]


class CancelToken:
    """Set from any thread; a backend checks it between steps."""

    def __init__(self) -> None:
        self._event = threading.Event()

    def cancel(self) -> None:
        self._event.set()

    @property
    def cancelled(self) -> bool:
        return self._event.is_set()

    def raise_if_cancelled(self) -> None:
        if self._event.is_set():
            raise CancelledError("the turn was cancelled")


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
    """An image model gouache can talk to."""

    name: str
    capabilities: Capabilities

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


BackendFactory = Callable[..., ImageModel]


class BackendRegistry:
    """Backends by name. Built explicitly and passed down; third parties add entry points."""

    def __init__(self) -> None:
        self._factories: dict[str, BackendFactory] = {}

    def register(self, name: str, factory: BackendFactory) -> None:
        if name in self._factories:
            raise ValueError(f"backend {name!r} is already registered")
        self._factories[name] = factory

    def names(self) -> list[str]:
        return sorted(self._factories)

    def create(self, name: str, **config: JSONValue) -> ImageModel:
        try:
            factory = self._factories[name]
        except KeyError:
            raise BackendNotFoundError(name, self.names()) from None
        return factory(**config)

    def load_entry_points(self) -> list[str]:
        """Register every `gouache.backends` entry point not already known; return the names."""
        added = []
        for ep in entry_points(group=ENTRY_POINT_GROUP):
            if ep.name in self._factories:
                continue
            self._factories[ep.name] = _lazy_factory(ep.name, ep.value)
            added.append(ep.name)
        return added


def _lazy_factory(name: str, target: str) -> BackendFactory:
    """Import an entry point only when its backend is created, so start-up stays fast."""

    def create(**config: JSONValue) -> ImageModel:
        for ep in entry_points(group=ENTRY_POINT_GROUP, name=name):
            if ep.value == target:
                factory = ep.load()
                model = factory(**config)
                if not isinstance(model, ImageModel):
                    raise UnsupportedError(
                        f"entry point {name!r} ({target}) did not build an ImageModel",
                        backend=name,
                    )
                return model
        raise BackendNotFoundError(name, [])

    return create


def default_registry() -> BackendRegistry:
    """The built-in backends plus every installed `gouache.backends` entry point."""
    from gouache.backends.operators import OperatorBackend

    registry = BackendRegistry()
    registry.register("operators", OperatorBackend)
    registry.load_entry_points()
    return registry


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
