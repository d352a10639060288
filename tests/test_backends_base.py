"""The backend protocol, the registry and entry points."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from gouache.backends.base import EditRequest, GenerateRequest, ImageModel, require
from gouache.backends.catalog import BackendRegistry, default_registry
from gouache.backends.operators import OperatorBackend
from gouache.errors import BackendNotFoundError, CancelledError, UnsupportedError
from gouache.ops.plan import EditPlan, Step
from gouache.progress import CancelToken


def test_the_operator_backend_satisfies_the_protocol() -> None:
    backend = OperatorBackend()
    assert isinstance(backend, ImageModel)
    assert backend.capabilities.edit
    assert not backend.capabilities.generate
    assert backend.capabilities.preserves_unedited
    assert "crop" in backend.config()["operators"]


def test_the_default_registry_knows_the_operator_backend() -> None:
    registry = default_registry()
    assert "operators" in registry.names()
    assert isinstance(registry.create("operators"), OperatorBackend)


def test_an_unknown_backend_names_the_known_ones() -> None:
    with pytest.raises(BackendNotFoundError, match=r"known backends: .*operators"):
        default_registry().create("dall-e-9")


def test_a_backend_name_cannot_be_registered_twice() -> None:
    registry = BackendRegistry()
    registry.register("operators", OperatorBackend)
    with pytest.raises(ValueError, match="already registered"):
        registry.register("operators", OperatorBackend)


def test_third_party_backends_arrive_through_entry_points(plugin_on_path: Path) -> None:
    registry = BackendRegistry()
    assert "invert" in registry.load_entry_points()
    backend = registry.create("invert", strength=0.5)
    assert backend.config() == {"strength": 0.5}
    image = np.full((4, 4, 3), 10, dtype=np.uint8)
    out = backend.edit(EditRequest(prompt="invert", image=image)).image
    assert int(out[0, 0, 0]) == 245


def test_the_operator_backend_refuses_to_generate_and_says_what_it_can_do() -> None:
    backend = OperatorBackend()
    with pytest.raises(UnsupportedError, match="cannot draw from text"):
        backend.generate(GenerateRequest(prompt="a cat"))
    with pytest.raises(UnsupportedError, match="cannot generate from text; it can: edit"):
        require(backend, "generate")


def test_a_cancelled_token_stops_the_operator_backend_before_any_step() -> None:
    token = CancelToken()
    token.cancel()
    plan = EditPlan(instruction="flip", steps=(Step(op="flip", params={}),))
    image = np.zeros((8, 8, 3), dtype=np.uint8)
    with pytest.raises(CancelledError):
        OperatorBackend().edit(EditRequest(prompt="flip", image=image, plan=plan), cancel=token)


def test_the_operator_backend_never_plans_a_prompt_itself() -> None:
    image = np.zeros((8, 8, 3), dtype=np.uint8)
    with pytest.raises(UnsupportedError, match="'make it brighter' came without one: plan it"):
        OperatorBackend().edit(EditRequest(prompt="make it brighter", image=image))
