"""Keys, tenants and limits. The route-table test walks every route the app has, so a route
added later cannot skip the key check or leak another tenant's sessions."""

from __future__ import annotations

import base64
import re
import sqlite3
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from server_doubles import GateBackend
from server_flow import start, wait_job
from server_harness import LiveServer, live_server, png_bytes

from gouache import errors as gouache_errors
from gouache.cli import main
from gouache.errors import GouacheError
from gouache.server import errors as server_errors
from gouache.server import jobs
from gouache.server.app import create_app, describe_routes
from gouache.server.config import ServerConfig
from gouache.settings import Settings

PNG = base64.b64encode(png_bytes()).decode()
# A valid body for each route that takes one, so that only ownership can refuse the call.
BODIES: dict[str, Any] = {
    "rename_session": {"name": "x"},
    "turn": {"instruction": "make it warmer"},
    "branch": {"name": "x"},
    "checkout": {"ref": "v1"},
    "add_character": {"name": "Ana", "photos": [{"name": "a.png", "data": PNG}]},
    "check": {"guidelines": {"yaml": "name: x\ncriteria: {}\n"}},
    "create_session_from_text": {"prompt": "a fox"},
    "generations": {"prompt": "a fox"},
    "gemini": {"contents": [{"role": "user", "parts": [{"text": "hi"}]}]},
    "rename_branch": {"name": "x"},
    "create_session_from_version": {"session_id": "0" * 32},
}
PAIR = {"a": "v1", "b": "v1"}
QUERIES: dict[str, dict[str, str]] = {"diff": PAIR, "heatmap": PAIR, "changed_region": PAIR}
PUBLIC = {"/health"}


def _routes() -> list[dict[str, Any]]:
    return describe_routes(create_app(Settings(store="sqlite:///:memory:")))


def _call(
    client: httpx.Client, route: dict[str, Any], ids: dict[str, str], headers: dict[str, str]
) -> httpx.Response:
    path = route["path"]
    for name, value in ids.items():
        path = path.replace("{" + name + "}", value)
    name = route["name"]
    body = BODIES.get("gemini" if name.startswith("gemini") else name)
    return client.request(
        route["methods"][0], path, json=body, params=QUERIES.get(name), headers=headers
    )


@pytest.fixture(scope="module")
def others(server: LiveServer) -> dict[str, str]:
    """Ids that belong to the second tenant: a session, a version, a job."""
    with httpx.Client(base_url=server.url, headers=server.headers(server.other_key)) as theirs:
        session_id = start(theirs)
        job = theirs.post(
            f"/api/sessions/{session_id}/turns", json={"instruction": "make it warmer"}
        ).json()
        wait_job(theirs, job["id"])
    return {
        "session_id": session_id,
        "ref": "v1",
        "job_id": job["id"],
        "model": "gouache-operators",
    }


def test_every_route_but_health_refuses_a_missing_or_wrong_key(
    server: LiveServer, others: dict[str, str]
) -> None:
    routes = _routes()
    assert len(routes) > 25
    with httpx.Client(base_url=server.url, timeout=30) as anonymous:
        for route in routes:
            if route["path"] in PUBLIC:
                assert _call(anonymous, route, others, {}).status_code == 200
                continue
            for headers in ({}, {"Authorization": "Bearer gsk_wrong"}, {"x-goog-api-key": "x"}):
                response = _call(anonymous, route, others, headers)
                assert response.status_code == 401, (route["path"], headers, response.text)
                assert response.json()["error"]["status"] == "UNAUTHENTICATED"
        for path in ("/docs", "/openapi.json"):
            assert anonymous.get(path).status_code == 401
            assert anonymous.get(path, params={"key": server.key}).status_code == 200


def test_every_route_with_an_id_answers_404_for_another_tenants_ids(
    server: LiveServer, others: dict[str, str], client: httpx.Client
) -> None:
    checked = 0
    for route in _routes():
        names = set(re.findall(r"{(\w+)}", route["path"])) - {"model"}
        if not names:
            continue
        response = _call(client, route, others, {})
        assert response.status_code == 404, (route["path"], response.text)
        assert response.json()["error"]["code"] == 404
        checked += 1
    assert checked >= 20
    # and the other tenant's session is untouched by all of that
    with httpx.Client(base_url=server.url, headers=server.headers(server.other_key)) as theirs:
        mine = theirs.get(f"/api/sessions/{others['session_id']}").json()
    assert mine["versions"] == 2
    assert mine["name"] != "x"


def test_an_image_another_tenant_got_back_starts_a_new_session_instead_of_theirs(
    server: LiveServer, others: dict[str, str], client: httpx.Client
) -> None:
    with httpx.Client(base_url=server.url, headers=server.headers(server.other_key)) as theirs:
        image = theirs.get(f"/api/sessions/{others['session_id']}/versions/v2/image").content
    made = client.post(
        "/v1/images/edits",
        files={"image": ("theirs.png", image, "image/png")},
        data={"prompt": "add a vignette", "model": "gouache-operators"},
    ).json()
    session_id = made["data"][0]["gouache_session"]
    assert session_id != others["session_id"]
    assert client.get(f"/api/sessions/{session_id}").json()["versions"] == 2


def test_every_error_class_has_a_status_and_one_shape(client: httpx.Client) -> None:
    classes = [
        c
        for c in vars(gouache_errors).values()
        if isinstance(c, type) and issubclass(c, GouacheError)
    ]
    classes += [
        c
        for c in vars(server_errors).values()
        if isinstance(c, type) and issubclass(c, GouacheError)
    ]
    for cls in classes:
        assert cls.http_status in server_errors.STATUS_NAMES, cls
    missing = client.get("/api/sessions/0123456789abcdef0123456789abcdef")
    unknown_route = client.get("/api/no-such-thing")
    for response in (missing, unknown_route):
        body = response.json()
        assert body.keys() == {"error"}
        assert body["error"].keys() == {"code", "status", "type", "message"}
        assert body["error"]["code"] == response.status_code


def test_keys_create_prints_the_key_alone_on_its_last_line_and_stores_only_its_hash(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    store = tmp_path / "gouache.db"
    assert main(["--store", str(store), "keys", "create", "--tenant", "acme"]) == 0
    key = capsys.readouterr().out.strip().splitlines()[-1]
    assert key.startswith("gsk_")
    assert len(key) > 40
    with sqlite3.connect(store) as db:
        rows = db.execute("select hash, tenant from api_keys").fetchall()
        dump = "\n".join(db.iterdump())
    assert [tenant for _, tenant in rows] == ["acme"]
    assert key not in dump
    assert main(["--store", str(store), "keys", "create", "--tenant", "no spaces"]) == 1


def test_a_revoked_key_opens_nothing_and_the_others_still_work(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from gouache.server.keys import hash_key, tenant_of

    store = str(tmp_path / "gouache.db")
    made = []
    for tenant in ("acme", "globex"):
        assert main(["--store", store, "keys", "create", "--tenant", tenant, "--label", "ci"]) == 0
        made.append(capsys.readouterr().out.strip().splitlines()[-1])
    assert main(["--store", store, "keys", "list"]) == 0
    listing = capsys.readouterr().out
    assert "acme" in listing
    assert "globex" in listing
    assert made[0] not in listing
    prefix = hash_key(made[0])[:12]
    assert prefix in listing
    assert main(["--store", store, "keys", "revoke", prefix]) == 0
    assert "revoked" in capsys.readouterr().out
    assert main(["--store", store, "keys", "revoke", prefix]) == 1  # gone already
    from gouache.images import BlobStore
    from gouache.sessions.store import Store

    with Store(f"sqlite:///{store}", BlobStore(tmp_path / "blobs")) as opened:
        assert tenant_of(opened, made[0]) is None
        assert tenant_of(opened, made[1]) == "globex"


@pytest.fixture
def limited(tmp_path: Path) -> Iterator[tuple[LiveServer, GateBackend]]:
    gate = GateBackend()
    config = ServerConfig(rate_per_minute=6, max_jobs_per_tenant=1)
    with live_server(tmp_path, config, models={"gate": lambda: gate}) as running:
        try:
            yield running, gate
        finally:
            gate.gate.set()  # a turn still at the gate would hold the server's shutdown


def test_requests_per_minute_per_key_and_jobs_per_tenant_are_limited(
    limited: tuple[LiveServer, GateBackend],
) -> None:
    server, gate = limited
    with httpx.Client(base_url=server.url, headers=server.headers()) as client:
        session_id = start(client)
        first = client.post(
            f"/api/sessions/{session_id}/turns", json={"instruction": "x", "model": "gate"}
        )
        assert first.status_code == 202
        second = client.post(
            f"/api/sessions/{session_id}/turns", json={"instruction": "y", "model": "gate"}
        )
        assert second.status_code == 429
        assert "jobs of this tenant" in second.json()["error"]["message"]
        gate.gate.set()
        deadline = time.monotonic() + 30  # read from the store: polling would spend the rate
        while not jobs.get(server.store, first.json()["id"]).finished:
            assert time.monotonic() < deadline
            time.sleep(0.02)
        statuses = [client.get("/api/sessions").status_code for _ in range(4)]
        assert 429 in statuses
        refused = client.get("/api/sessions")
        assert refused.status_code == 429
        assert int(refused.headers["retry-after"]) >= 1
    # another key has its own minute
    with httpx.Client(base_url=server.url, headers=server.headers(server.other_key)) as other:
        assert other.get("/api/sessions").status_code == 200


def test_local_mode_takes_only_its_token_and_keeps_sessions_under_one_user(
    tmp_path: Path,
) -> None:
    config = ServerConfig(local_token="t0ken-for-this-run")
    with live_server(tmp_path, config) as server:
        with httpx.Client(base_url=server.url) as client:
            assert client.get("/api/sessions", headers=server.headers()).status_code == 401
            ok = client.get("/api/sessions", params={"token": "t0ken-for-this-run"})
            assert ok.status_code == 200
            made = client.post(
                "/api/sessions",
                files={"image": ("p.png", png_bytes(), "image/png")},
                headers={"Authorization": "Bearer t0ken-for-this-run"},
            )
            assert made.status_code == 201
        assert [s.owner for s in server.store.list_sessions()] == ["local"]


def test_a_request_hashes_its_key_once(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The key's row and the limiter's bucket come from one sha256 of the key."""
    import hashlib

    from starlette.requests import Request

    from gouache.server.auth import authenticate
    from gouache.server.keys import create_key

    app = create_app(Settings(store=f"sqlite:///{tmp_path / 'gouache.db'}"))
    key = create_key(app.state.gouache.store, "acme")
    real, hashed = hashlib.sha256, []

    def counting(data: bytes = b"", **kwargs: Any) -> Any:
        if data == key.encode():
            hashed.append(data)
        return real(data, **kwargs)

    monkeypatch.setattr(hashlib, "sha256", counting)
    scope = {
        "type": "http",
        "app": app,
        "method": "GET",
        "path": "/api/sessions",
        "query_string": b"",
        "headers": [(b"authorization", f"Bearer {key}".encode())],
    }
    try:
        assert authenticate(Request(scope), None, None) == "acme"
    finally:
        app.state.gouache.store.close()
    assert len(hashed) == 1
