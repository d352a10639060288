"""One live server per test module (starting one takes ~50 ms, but its store grows with the
module's tests, which is what a server's store does)."""

from __future__ import annotations

from collections.abc import Iterator

import httpx
import pytest
from server_doubles import DrawingBackend, GateBackend
from server_harness import LiveServer, live_server

from gouache.server.config import ServerConfig


@pytest.fixture(scope="module")
def gate() -> GateBackend:
    return GateBackend()


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory, gate: GateBackend) -> Iterator[LiveServer]:
    folder = tmp_path_factory.mktemp("server")
    models = {"drawing": DrawingBackend, "gate": lambda: gate}
    with live_server(folder, ServerConfig(threads=2), models=models) as running:
        try:
            yield running
        finally:
            gate.gate.set()  # a turn still at the gate would hold the server's shutdown


@pytest.fixture
def client(server: LiveServer) -> Iterator[httpx.Client]:
    with httpx.Client(base_url=server.url, headers=server.headers(), timeout=60) as opened:
        yield opened


@pytest.fixture
def other(server: LiveServer) -> Iterator[httpx.Client]:
    """The second tenant's client."""
    with httpx.Client(
        base_url=server.url, headers=server.headers(server.other_key), timeout=60
    ) as opened:
        yield opened
