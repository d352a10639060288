"""Small steps the server tests share: start a session, run a turn to its end."""

from __future__ import annotations

import time
from typing import Any

import httpx
from server_harness import png_bytes


def start(client: httpx.Client, image: bytes | None = None, name: str | None = None) -> str:
    data = {"name": name} if name else None
    files = {"image": ("photo.png", image or png_bytes(), "image/png")}
    response = client.post("/api/sessions", files=files, data=data)
    assert response.status_code == 201, response.text
    session_id: str = response.json()["id"]
    return session_id


def wait_job(client: httpx.Client, job_id: str, seconds: float = 60) -> dict[str, Any]:
    deadline = time.monotonic() + seconds
    while True:
        job: dict[str, Any] = client.get(f"/api/jobs/{job_id}", params={"wait": 5}).json()
        if job["status"] in ("done", "failed", "cancelled"):
            return job
        assert time.monotonic() < deadline, f"job {job_id} still {job['status']}"
        time.sleep(0.05)


def turn(client: httpx.Client, session_id: str, instruction: str, **fields: Any) -> dict[str, Any]:
    response = client.post(
        f"/api/sessions/{session_id}/turns", json={"instruction": instruction, **fields}
    )
    assert response.status_code == 202, response.text
    return wait_job(client, response.json()["id"])
