"""Bad input over HTTP: each gets its documented status and the one JSON error shape, and
the store stays as it was (the same sessions, every version's blob readable)."""

from __future__ import annotations

import base64
import json
from collections.abc import Iterator

import httpx
import pytest
from server_doubles import GateBackend
from server_flow import start, wait_job
from server_harness import LiveServer, live_server, png_bytes

from bad_inputs import noise, png_claiming_size
from gouache.server.config import ServerConfig

MAX_BODY = 300_000


@pytest.fixture(scope="module")
def small(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[LiveServer, GateBackend]]:
    """A server with a 300 kB body cap and 2 references per turn."""
    gate = GateBackend()
    config = ServerConfig(max_body_bytes=MAX_BODY, max_references=2)
    folder = tmp_path_factory.mktemp("bad-input")
    with live_server(folder, config, models={"gate": lambda: gate}) as running:
        try:
            yield running, gate
        finally:
            gate.gate.set()  # a turn still at the gate would hold the server's shutdown


@pytest.fixture
def api(small: tuple[LiveServer, GateBackend]) -> Iterator[httpx.Client]:
    server, _ = small
    with httpx.Client(base_url=server.url, headers=server.headers(), timeout=60) as client:
        yield client


@pytest.fixture
def session_id(api: httpx.Client) -> str:
    return start(api)


def _intact(server: LiveServer) -> list[tuple[str, int]]:
    """Every session with its version count, after reading every version's blob back."""
    found = []
    for summary in server.store.list_sessions():
        with server.store.read() as tx:
            versions = tx.versions(summary.id)
        for version in versions:
            server.store.blobs.get_bytes(version.blob)
        found.append((summary.id, len(versions)))
    return sorted(found)


def _refused(response: httpx.Response, status: int, kind: str) -> str:
    assert response.status_code == status, response.text
    body = response.json()
    assert body["error"]["code"] == status
    assert body["error"]["type"] == kind
    message: str = body["error"]["message"]
    assert message
    return message


def _upload(api: httpx.Client, data: bytes, name: str = "x.png") -> httpx.Response:
    return api.post("/api/sessions", files={"image": (name, data, "image/png")})


def test_broken_uploads_are_refused_and_the_store_is_unchanged(
    api: httpx.Client, small: tuple[LiveServer, GateBackend], session_id: str
) -> None:
    server, _ = small
    before = _intact(server)
    bomb = png_claiming_size(100_000, 100_000)
    assert "over the limit of 40.0 MP" in _refused(_upload(api, bomb), 413, "ImageTooLargeError")
    truncated = png_bytes()[:-300]
    assert "truncated" in _refused(_upload(api, truncated, "cut.png"), 400, "InvalidImageError")
    not_image = b"%PDF-1.7 this is a document, not a picture"
    assert "cut.png" not in _refused(_upload(api, not_image, "doc.pdf"), 400, "InvalidImageError")
    big = png_bytes(noise(400, 400))
    assert len(big) > MAX_BODY
    assert "at most 300000 bytes" in _refused(_upload(api, big), 413, "BodyTooLargeError")
    assert _intact(server) == before


def test_a_chunked_body_over_the_cap_is_cut_off(
    api: httpx.Client, small: tuple[LiveServer, GateBackend], session_id: str
) -> None:
    server, _ = small
    before = _intact(server)
    piece = base64.b64encode(png_bytes(noise(200, 200))).decode()
    body = json.dumps(
        {"instruction": "add the logo", "references": [{"name": "a", "data": piece}] * 3}
    ).encode()

    def chunks() -> Iterator[bytes]:  # no Content-Length: the server counts as it reads
        for start_at in range(0, len(body), 65536):
            yield body[start_at : start_at + 65536]

    response = api.post(
        f"/api/sessions/{session_id}/turns",
        content=chunks(),
        headers={"content-type": "application/json"},
    )
    _refused(response, 413, "BodyTooLargeError")
    assert _intact(server) == before


def test_bad_requests_get_their_status_and_one_shape(
    api: httpx.Client, small: tuple[LiveServer, GateBackend], session_id: str
) -> None:
    server, _ = small
    before = _intact(server)
    turns = f"/api/sessions/{session_id}/turns"
    malformed = api.post(
        turns, content=b'{"instruction": ', headers={"content-type": "application/json"}
    )
    assert "JSON" in _refused(malformed, 400, "ValidationError")
    _refused(api.post(turns, json={"instr": "typo"}), 400, "ValidationError")
    message = _refused(
        api.post(turns, json={"instruction": "x", "model": "nope"}), 404, "BackendNotFoundError"
    )
    assert "gouache-operators" in message
    _refused(api.post(turns, json={"instruction": "x", "at": "v9"}), 404, "VersionNotFoundError")
    _refused(api.get(f"/api/sessions/{session_id}/versions/v9/image"), 404, "VersionNotFoundError")
    reference = {"name": "r.png", "data": base64.b64encode(png_bytes()).decode()}
    too_many = api.post(turns, json={"instruction": "add the logo", "references": [reference] * 3})
    assert "at most 2" in _refused(too_many, 400, "InputError")
    url = api.post(
        turns, json={"instruction": "x", "references": [{"data": "https://example.com/a.png"}]}
    )
    assert "does not fetch URLs" in _refused(url, 400, "InputError")
    wrong_type = api.post("/v1/images/edits", json={"prompt": "x", "image": "abc"})
    _refused(wrong_type, 415, "UnsupportedMediaTypeError")
    no_file = api.post("/api/sessions", json={"name": "x"})
    _refused(no_file, 400, "ValidationError")
    gemini = api.post(
        "/v1beta/models/gouache-operators:generateContent",
        json={"contents": [{"role": "user", "parts": [{"fileData": {"fileUri": "gs://b/a.png"}}]}]},
    )
    assert "does not fetch" in _refused(gemini, 400, "InputError")
    _refused(api.get("/api/jobs/0123456789abcdef0123456789abcdef"), 404, "JobNotFoundError")
    assert _intact(server) == before


def test_the_backends_own_reference_limit_is_a_422(api: httpx.Client, session_id: str) -> None:
    reference = {"name": "r.png", "data": base64.b64encode(png_bytes()).decode()}
    response = api.post(
        f"/api/sessions/{session_id}/turns",
        json={"instruction": "x", "model": "gate", "references": [reference]},
    )
    assert "at most 0 reference" in _refused(response, 422, "UnsupportedError")


def test_a_cancelled_gemini_call_answers_499_and_makes_no_version(
    api: httpx.Client, small: tuple[LiveServer, GateBackend], session_id: str
) -> None:
    import threading

    server, gate = small
    gate.gate.clear()
    gate.started.clear()
    image = base64.b64encode(png_bytes()).decode()
    answer: list[httpx.Response] = []
    body = {
        "contents": [
            {
                "parts": [
                    {"inlineData": {"mimeType": "image/png", "data": image}},
                    {"text": "invert"},
                ]
            }
        ]
    }

    def call() -> None:
        with httpx.Client(base_url=server.url, headers=server.headers(), timeout=60) as c:
            answer.append(c.post("/v1beta/models/gate:generateContent", json=body))

    caller = threading.Thread(target=call)
    caller.start()
    assert gate.started.wait(20)
    with server.store.read() as tx:
        from sqlalchemy import select

        from gouache.sessions.migrations import jobs

        job_id = tx.conn.execute(select(jobs.c.id).where(jobs.c.status == "running")).scalar_one()
    api.post(f"/api/jobs/{job_id}/cancel")
    caller.join(30)
    _refused(answer[0], 499, "CancelledError")
    session = wait_job(api, job_id)["session_id"]
    assert api.get(f"/api/sessions/{session}").json()["versions"] == 1


def test_a_client_that_leaves_mid_stream_does_not_stop_the_turn(
    api: httpx.Client, small: tuple[LiveServer, GateBackend], session_id: str
) -> None:
    server, gate = small
    gate.gate.clear()
    gate.started.clear()
    job = api.post(
        f"/api/sessions/{session_id}/turns", json={"instruction": "invert", "model": "gate"}
    ).json()
    with api.stream("GET", f"/api/jobs/{job['id']}/events") as stream:
        for line in stream.iter_lines():
            if line.startswith("event: progress"):
                break  # and hang up
    gate.gate.set()
    done = wait_job(api, job["id"])
    assert done["status"] == "done"
    assert done["result"]["version"]["label"] == "v2"
    assert (session_id, 2) in _intact(server)
