"""A MemoryError during a request is one JSON error (507, OutOfMemoryError) on every API, and
the server keeps serving. The MemoryError is NumPy's own: an operator registered like any
other asks for an array no machine has."""

from __future__ import annotations

import base64
from collections.abc import Iterator

import httpx
import numpy as np
import pytest
from server_flow import start, turn, wait_job
from server_harness import LiveServer, live_server, png_bytes

from gouache.backends.operators import OperatorBackend
from gouache.images import Image
from gouache.ops.registry import OpContext, Operator, Params, default_operators
from gouache.server.config import ServerConfig

EXABYTES = 1 << 62


def hoard(image: Image, _params: Params, _ctx: OpContext) -> Image:
    """An edit that needs 4 EiB of scratch: NumPy raises its MemoryError at once."""
    scratch = np.empty(EXABYTES, dtype=np.uint8)
    return image + scratch[:1]


def hoarding_backend() -> OperatorBackend:
    operators = default_operators()
    operators.register(
        Operator(
            name="hoard",
            version="1.0.0",
            summary="needs more memory than any machine has",
            params=Params,
            run=hoard,
            keywords=("hoard",),
            examples=("hoard the pixels",),
        )
    )
    return OperatorBackend(operators=operators)


def heavy_backend() -> OperatorBackend:
    """A backend that runs out of memory while it loads (its weights, say)."""
    np.empty(EXABYTES, dtype=np.uint8)
    return OperatorBackend()


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveServer]:
    folder = tmp_path_factory.mktemp("memory")
    models = {"hoard": hoarding_backend, "heavy": heavy_backend}
    with live_server(folder, ServerConfig(threads=2), models=models) as running:
        yield running


@pytest.fixture
def api(server: LiveServer) -> Iterator[httpx.Client]:
    with httpx.Client(base_url=server.url, headers=server.headers(), timeout=60) as client:
        yield client


def _out_of_memory(error: dict[str, object]) -> None:
    assert error["code"] == 507
    assert error["type"] == "OutOfMemoryError"
    assert "out of memory" in str(error["message"])
    assert "Traceback" not in str(error["message"])


def _refused(response: httpx.Response) -> None:
    assert response.status_code == 507, response.text
    body = response.json()
    assert body.keys() == {"error"}
    assert body["error"]["status"] == "RESOURCE_EXHAUSTED"
    _out_of_memory(body["error"])


def test_a_turn_that_runs_out_of_memory_fails_its_job_with_a_507_and_makes_no_version(
    api: httpx.Client,
) -> None:
    session_id = start(api)
    job = turn(api, session_id, "hoard the pixels", model="hoard")
    assert job["status"] == "failed"
    _out_of_memory(job["error"])
    assert api.get(f"/api/sessions/{session_id}").json()["versions"] == 1
    after = turn(api, session_id, "make it black and white", model="hoard")
    assert after["status"] == "done"  # the same server and backend go on working


def test_a_backend_that_runs_out_of_memory_while_loading_answers_507_in_the_request(
    api: httpx.Client,
) -> None:
    session_id = start(api)
    response = api.post(
        f"/api/sessions/{session_id}/turns", json={"instruction": "sepia", "model": "heavy"}
    )
    _refused(response)
    assert api.get("/health").json() == {"status": "ok"}


def test_the_gemini_endpoint_answers_a_memory_error_with_its_one_error_shape(
    api: httpx.Client,
) -> None:
    image = base64.b64encode(png_bytes()).decode()
    parts = [{"inlineData": {"mimeType": "image/png", "data": image}}, {"text": "hoard it"}]
    response = api.post(
        "/v1beta/models/gouache-hoard:generateContent", json={"contents": [{"parts": parts}]}
    )
    _refused(response)


def test_the_openai_endpoint_answers_a_memory_error_with_its_one_error_shape(
    api: httpx.Client,
) -> None:
    response = api.post(
        "/v1/images/edits",
        data={"prompt": "hoard the pixels", "model": "gouache-hoard"},
        files={"image": ("photo.png", png_bytes(), "image/png")},
    )
    _refused(response)


def test_a_job_that_ran_out_of_memory_reads_back_as_failed_with_the_same_error(
    api: httpx.Client,
) -> None:
    session_id = start(api)
    submitted = api.post(
        f"/api/sessions/{session_id}/turns",
        json={"instruction": "hoard the pixels", "model": "hoard"},
    )
    assert submitted.status_code == 202, submitted.text
    job = wait_job(api, submitted.json()["id"])
    again = api.get(f"/api/jobs/{job['id']}").json()
    assert again["status"] == "failed"
    _out_of_memory(again["error"])
