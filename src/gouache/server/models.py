"""`model` in a request -> a backend of the catalog, built once per server and reused.

A request names a backend type or a profile (`gouache backends` lists them), optionally with a
`gouache-` prefix ("gouache-operators"). Nothing is guessed: an unknown name is a 404 that lists
the known ones.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Mapping
from typing import Any

from gouache.backends.base import ImageModel
from gouache.errors import BackendNotFoundError

PREFIX = "gouache-"
DEFAULT_MODEL = "operators"


class ModelPool:
    """Backends by name; `factories` replaces the catalog (tests, embedders)."""

    def __init__(self, factories: Mapping[str, Callable[[], ImageModel]] | None = None) -> None:
        self._factories = dict(factories or {})
        self._built: dict[str, ImageModel] = {}
        self._lock = threading.Lock()

    def canonical(self, model: str | None) -> str:
        name = (model or DEFAULT_MODEL).strip()
        # Gemini's URLs carry "models/NAME"; OpenAI's bodies carry NAME.
        name = name.removeprefix("models/")
        return name.removeprefix(PREFIX) or DEFAULT_MODEL

    def get(self, model: str | None) -> ImageModel:
        name = self.canonical(model)
        with self._lock:
            found = self._built.get(name)
            if found is None:
                found = self._build(name, model or name)
                self._built[name] = found
            return found

    def _build(self, name: str, asked: str) -> ImageModel:
        if name in self._factories:
            return self._factories[name]()
        from gouache.backends.catalog import create, load_profiles

        profiles = load_profiles()
        try:
            built: ImageModel = create(name, profiles)
        except BackendNotFoundError as err:
            known = sorted({*profiles, *self._factories})
            raise BackendNotFoundError(asked, [PREFIX + k for k in known]) from err
        return built

    def listing(self) -> list[dict[str, Any]]:
        """Every backend and profile with whether it can run here, as JSON."""
        from gouache.backends.catalog import TYPES, availability, load_profiles

        rows: list[dict[str, Any]] = []
        for profile in load_profiles().values():
            state = availability(profile)
            rows.append(
                {
                    "model": PREFIX + profile.name,
                    "type": profile.type,
                    "available": state.available,
                    "why": state.why,
                    "summary": TYPES[profile.type].summary,
                }
            )
        for name in sorted(set(self._factories) - {r["model"][len(PREFIX) :] for r in rows}):
            rows.append({"model": PREFIX + name, "type": name, "available": True, "why": "ready"})
        return rows
