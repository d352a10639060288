"""Steps the browser tests share: pictures, sessions made through the API, a turn from the page."""

from __future__ import annotations

import io
import time
from pathlib import Path
from typing import Any

import httpx
import numpy as np
from PIL import Image as PILImage
from web_harness import LocalServer

EXAMPLES = Path(__file__).resolve().parents[2] / "examples"


def astronaut(folder: Path) -> Path:
    """scikit-image's astronaut as a PNG file to upload (it ships with the package)."""
    from skimage import data

    path = folder / "astronaut.png"
    if not path.exists():
        PILImage.fromarray(data.astronaut()).save(path)
    return path


def decoded(data: bytes) -> np.ndarray:
    return np.asarray(PILImage.open(io.BytesIO(data)).convert("RGB"))


def api(server: LocalServer) -> httpx.Client:
    return httpx.Client(base_url=server.url, headers=server.headers, timeout=60)


def new_session(server: LocalServer, picture: Path, *turns: str) -> str:
    """A session from `picture`, with `turns` applied through the API."""
    with api(server) as client:
        files = {"image": (picture.name, picture.read_bytes(), "image/png")}
        session_id: str = client.post("/api/sessions", files=files).json()["id"]
        for instruction in turns:
            job = client.post(
                f"/api/sessions/{session_id}/turns", json={"instruction": instruction}
            ).json()
            wait_job(client, job["id"])
    return session_id


def wait_job(client: httpx.Client, job_id: str, seconds: float = 60) -> dict[str, Any]:
    deadline = time.monotonic() + seconds
    while True:
        job: dict[str, Any] = client.get(f"/api/jobs/{job_id}").json()
        if job["status"] in ("done", "failed", "cancelled"):
            return job
        assert time.monotonic() < deadline, f"job {job_id} still {job['status']}"
        time.sleep(0.02)


def send(page: Any, instruction: str) -> None:
    page.get_by_role("textbox", name="Instruction").fill(instruction)
    page.get_by_role("button", name="Send").click()


def showing(page: Any, version: str) -> None:
    """Wait until the current picture is `version`."""
    from playwright.sync_api import expect

    expect(page.get_by_alt_text("Current version")).to_have_attribute("data-version", version)
