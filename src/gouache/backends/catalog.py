"""The one backend registry: the backends gouache knows, third-party ones found through the
`gouache.backends` entry points, the profiles a user names them by, and whether each can run.

A profile lives in the user's config file (`gouache backends` prints where):

    [backends.klein]
    type = "diffusers"
    model = "black-forest-labs/FLUX.2-klein-4B"
    device = "cuda"

Its keys are the backend's constructor arguments. Secrets never go in the file: API keys
come only from the environment (GEMINI_API_KEY / GOOGLE_API_KEY, OPENAI_API_KEY).
"""

from __future__ import annotations

import importlib
import importlib.util
import os
import socket
import tomllib
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from importlib.metadata import entry_points
from pathlib import Path
from typing import Any
from urllib.parse import urlparse

from gouache.backends.base import ImageModel, JSONValue
from gouache.errors import (
    BackendNotFoundError,
    BackendSetupError,
    GouacheError,
    InputError,
    UnsupportedError,
)

ENTRY_POINT_GROUP = "gouache.backends"

SECRET_KEYS = frozenset({"api_key", "key", "token", "password", "secret"})


@dataclass(frozen=True)
class BackendType:
    """A family of backends: where its class lives and what it needs to run."""

    name: str
    target: str  # "module:Class"
    needs_module: str | None = None
    extra: str | None = None
    key_env: tuple[str, ...] = ()
    # A profile naming its own server (`base_url`) needs no key: a local or compatible server
    # may take none (the OpenAI backend then sends a placeholder). Gemini's SDK always sends one.
    keyless_server: bool = False
    summary: str = ""
    gpu: bool = False
    # What a profile of this type must name, with an example value: {"model": "..."}.
    required: Mapping[str, str] = field(default_factory=dict)


TYPES: dict[str, BackendType] = {
    t.name: t
    for t in (
        BackendType(
            "operators",
            "gouache.backends.operators:OperatorBackend",
            summary="offline classical edits, faces, text, subject; CPU, no weights",
        ),
        BackendType(
            "gemini",
            "gouache.backends.gemini:GeminiBackend",
            needs_module="google.genai",
            extra="gemini",
            key_env=("GEMINI_API_KEY", "GOOGLE_API_KEY"),
            summary="Gemini Nano Banana 2.1, 3.1 Flash Image or 3 Pro Image, through google-genai",
        ),
        BackendType(
            "openai",
            "gouache.backends.openai_images:OpenAIImagesBackend",
            needs_module="openai",
            extra="openai",
            key_env=("OPENAI_API_KEY",),
            keyless_server=True,
            summary="OpenAI images (gpt-image-2.5) or any compatible image server",
        ),
        BackendType(
            "diffusers",
            "gouache.backends.diffusers_local:DiffusersBackend",
            needs_module="diffusers",
            extra="diffusers",
            summary="local open weights: FLUX.2 klein or dev, Qwen-Image-Edit, FLUX.1 Kontext",
            gpu=True,
            required={"model": '"black-forest-labs/FLUX.2-klein-4B"'},
        ),
        BackendType(
            "comfyui",
            "gouache.backends.comfyui:ComfyUIBackend",
            summary="a ComfyUI server running an API-format workflow",
            required={"workflow": '"examples/comfyui/flux-kontext-edit.json"'},
        ),
    )
}


@dataclass(frozen=True)
class Profile:
    name: str
    type: str
    config: Mapping[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class Availability:
    profile: Profile
    available: bool
    why: str


def config_path() -> Path:
    from platformdirs import user_config_dir

    override = os.environ.get("GOUACHE_CONFIG")
    return Path(override) if override else Path(user_config_dir("gouache")) / "config.toml"


def load_profiles(path: Path | None = None) -> dict[str, Profile]:
    """Every backend type as a profile of its own name, plus the user's profiles."""
    profiles = {name: Profile(name, name) for name in TYPES}
    file = path if path is not None else config_path()
    if not file.exists():
        return profiles
    try:
        data = tomllib.loads(file.read_text(encoding="utf-8"))
    except (OSError, tomllib.TOMLDecodeError) as err:
        raise InputError(f"{file}: cannot read the config ({err})") from None
    section = data.get("backends", {})
    if not isinstance(section, dict):
        raise InputError(f"{file}: [backends] must be a table of profiles")
    for name, body in section.items():
        if not isinstance(body, dict) or "type" not in body:
            raise InputError(f"{file}: [backends.{name}] needs a `type` ({', '.join(TYPES)})")
        kind = str(body["type"])
        if kind not in TYPES:
            raise InputError(f"{file}: [backends.{name}] type {kind!r} is not one of {list(TYPES)}")
        secrets = sorted(SECRET_KEYS & set(body))
        if secrets:
            raise InputError(
                f"{file}: [backends.{name}] holds {', '.join(secrets)}; secrets come only from "
                "the environment (GEMINI_API_KEY, GOOGLE_API_KEY, OPENAI_API_KEY)"
            )
        config = {k: v for k, v in body.items() if k != "type"}
        profiles[name] = Profile(name, kind, config)
    return profiles


def create(
    name: str, profiles: Mapping[str, Profile] | None = None, **overrides: Any
) -> ImageModel:
    """Build the backend a profile, a backend type or a third-party entry point names.

    A profile (every built-in type is one) is looked up first; the installed entry points are
    scanned only for a name no profile has."""
    known = profiles if profiles is not None else load_profiles()
    profile = known.get(name)
    if profile is None:
        registry = default_registry()
        if name in registry.names() and name not in TYPES:
            return registry.create(name, **overrides)
        plugins = [n for n in registry.names() if n not in TYPES]
        raise BackendNotFoundError(name, sorted({*known, *plugins}))
    kind = TYPES[profile.type]
    problem = _missing_module(kind)
    if problem:
        raise BackendNotFoundError(f"{name} ({problem})", list(known))
    return builtin_registry().create(profile.type, **{**profile.config, **overrides})


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
        """The backend `name` built with `config`. Whatever its constructor raises that is not
        already a gouache error becomes a BackendSetupError: one line, no traceback."""
        try:
            factory = self._factories[name]
        except KeyError:
            raise BackendNotFoundError(name, self.names()) from None
        try:
            return factory(**config)
        except GouacheError:
            raise
        except Exception as err:  # a third-party constructor: anything may come out of it
            what = str(err).strip().splitlines()[0] if str(err).strip() else type(err).__name__
            raise BackendSetupError(
                f"backend {name!r} could not start: {what}", backend=name
            ) from err

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


def builtin_registry() -> BackendRegistry:
    """The built-in backend types only; no entry point is read."""
    registry = BackendRegistry()
    for kind in TYPES.values():
        registry.register(kind.name, _builtin_factory(kind))
    return registry


def default_registry() -> BackendRegistry:
    """Every built-in backend type plus every installed `gouache.backends` entry point."""
    registry = builtin_registry()
    registry.load_entry_points()
    return registry


def _builtin_factory(kind: BackendType) -> BackendFactory:
    """Import a built-in backend only when it is created, so start-up stays fast."""

    def create(**config: JSONValue) -> ImageModel:
        problem = _missing_module(kind)
        if problem:
            raise BackendNotFoundError(f"{kind.name} ({problem})", list(TYPES))
        missing = [key for key in kind.required if key not in config]
        if missing:
            raise BackendSetupError(
                _setup_hint(kind, missing), backend=kind.name, setting=missing[0]
            )
        if _needs_key(kind, config):
            raise BackendSetupError(
                f"backend {kind.name!r} needs an API key: set {' or '.join(kind.key_env)}",
                backend=kind.name,
                setting=kind.key_env[0],
            )
        module_name, _, class_name = kind.target.partition(":")
        factory: Callable[..., ImageModel] = getattr(
            importlib.import_module(module_name), class_name
        )
        return factory(**config)

    return create


def _setup_hint(kind: BackendType, missing: Sequence[str]) -> str:
    example = "\n".join(f"{key} = {kind.required[key]}" for key in missing)
    names = " and ".join(f"`{key}`" for key in missing)
    return (
        f"backend {kind.name!r} needs {names}: add a profile to {config_path()}, e.g. "
        f'[backends.mine] type = "{kind.name}" '
        + " ".join(example.splitlines())
        + ", then use --backend mine"
    )


def availability(profile: Profile) -> Availability:
    """Whether a profile can run here, and why not: extra missing, no key, no GPU, no server."""
    kind = TYPES[profile.type]
    problem = _missing_module(kind)
    if problem:
        return Availability(profile, False, problem)
    if _needs_key(kind, profile.config):
        return Availability(profile, False, f"no API key: set {' or '.join(kind.key_env)}")
    missing = [key for key in kind.required if key not in profile.config]
    if missing:  # what `create` would refuse, said the same way
        example = ", ".join(f"{key} = {kind.required[key]}" for key in missing)
        return Availability(profile, False, f"needs a profile with {example}")
    if kind.gpu:
        device = str(profile.config.get("device", ""))
        gpu = _gpu()
        if not gpu and device != "cpu":
            return Availability(
                profile, False, 'no GPU found (set device = "cpu" to run slowly anyway)'
            )
    if profile.type == "comfyui":
        url = str(profile.config.get("base_url", "http://127.0.0.1:8188"))
        if not _reachable(url):
            return Availability(profile, False, f"server unreachable at {url}")
    return Availability(profile, True, "ready")


def _needs_key(kind: BackendType, config: Mapping[str, Any]) -> bool:
    """The one rule `create` and `availability` share: a key from the environment, unless the
    type takes a keyless server and the profile names one."""
    if not kind.key_env or any(os.environ.get(env) for env in kind.key_env):
        return False
    return not (kind.keyless_server and config.get("base_url"))


def _missing_module(kind: BackendType) -> str:
    if kind.needs_module is None:
        return ""
    try:
        found = importlib.util.find_spec(kind.needs_module) is not None
    except ModuleNotFoundError:
        found = False
    return "" if found else f'extra missing: pip install "gouache[{kind.extra}]"'


def _gpu() -> bool:
    if importlib.util.find_spec("torch") is None:
        return False
    import torch

    mps = getattr(torch.backends, "mps", None)
    return bool(torch.cuda.is_available() or (mps is not None and mps.is_available()))


def _reachable(url: str, timeout: float = 0.3) -> bool:
    parsed = urlparse(url)
    host = parsed.hostname or "127.0.0.1"
    port = parsed.port or (443 if parsed.scheme == "https" else 80)
    try:
        with socket.create_connection((host, port), timeout=timeout):
            return True
    except OSError:
        return False
