"""`gouache serve` as a user starts it: a process, the link it prints, the key it takes."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import httpx
import pytest

from gouache.cli import main
from gouache.server.services import free_port


def _serve(tmp_path: Path, *args: str) -> tuple[subprocess.Popen[str], str]:
    port = free_port()
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(sys.path), "GOUACHE_DATA_DIR": str(tmp_path)}
    command = [sys.executable, "-c", "import sys; from gouache.cli import main; sys.exit(main())"]
    process = subprocess.Popen(
        [*command, "serve", "--port", str(port), *args],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 30
    while True:
        assert process.poll() is None, process.communicate()
        try:
            if httpx.get(url + "/health", timeout=1).status_code == 200:
                return process, url
        except httpx.HTTPError:
            pass
        assert time.monotonic() < deadline, "gouache serve did not answer /health"
        time.sleep(0.1)


def _stop(process: subprocess.Popen[str]) -> str:
    process.send_signal(signal.SIGINT)
    out, _ = process.communicate(timeout=30)
    return out


def test_local_mode_prints_a_link_whose_token_opens_the_docs_and_the_api(tmp_path: Path) -> None:
    process, url = _serve(tmp_path, "--local")
    try:
        assert process.stdout is not None
        lines = [process.stdout.readline() for _ in range(4)]
        link = next(line.split()[0] for line in lines if "/docs?token=" in line)
        token = link.split("token=", 1)[1]
        assert link.startswith(url + "/docs?token=")
        assert httpx.get(url + "/docs").status_code == 401
        assert httpx.get(url + "/api/sessions", params={"token": "guess"}).status_code == 401
        docs = httpx.get(link)
        assert docs.status_code == 200
        # Swagger UI comes from the package, not a CDN: /docs works offline
        assert "cdn." not in docs.text
        bundle = httpx.get(url + "/docs/assets/swagger-ui-bundle.js", params={"key": token})
        assert bundle.status_code == 200
        assert "SwaggerUIBundle" in bundle.text
        assert httpx.get(url + "/docs/assets/swagger-ui-bundle.js").status_code == 401
        assert "swagger" in docs.text.lower()
        schema = httpx.get(url + "/openapi.json", params={"key": token}).json()
        assert "/v1beta/models/{model}:generateContent" in schema["paths"]
        assert "/v1/images/edits" in schema["paths"]
        listed = httpx.get(url + "/api/sessions", headers={"Authorization": f"Bearer {token}"})
        assert listed.json() == {"sessions": []}
    finally:
        _stop(process)


def test_a_key_made_by_keys_create_opens_a_served_store(tmp_path: Path, capsys: object) -> None:

    assert isinstance(capsys, pytest.CaptureFixture)
    store = str(tmp_path / "gouache.db")
    assert main(["--store", store, "keys", "create", "--tenant", "acme"]) == 0
    key = capsys.readouterr().out.strip().splitlines()[-1]
    process, url = _serve(tmp_path, "--store", store)
    try:
        headers = {"Authorization": f"Bearer {key}"}
        assert httpx.get(url + "/api/sessions", headers=headers).status_code == 200
        assert httpx.get(url + "/api/sessions").status_code == 401
    finally:
        _stop(process)
