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
# The pictures the browser tests upload are this many pixels square: enough for the face
# detector and OCR, small enough to keep every turn quick on a busy machine.
SIDE = 320


def astronaut(folder: Path) -> Path:
    """scikit-image's astronaut as a PNG file to upload (it ships with the package)."""
    from skimage import data

    path = folder / "astronaut.png"
    if not path.exists():
        PILImage.fromarray(data.astronaut()).resize((SIDE, SIDE), PILImage.LANCZOS).save(path)
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


def two_faces(folder: Path) -> Path:
    """The astronaut and Grace Hopper side by side (both ship with installed packages)."""
    from matplotlib import cbook
    from skimage import data

    path = folder / "two-faces.png"
    hopper = PILImage.open(cbook.get_sample_data("grace_hopper.jpg", asfileobj=False))
    left = PILImage.fromarray(data.astronaut()).resize((300, 300))
    right = hopper.convert("RGB").resize((300 * hopper.width // hopper.height, 300))
    both = PILImage.new("RGB", (left.width + right.width, 300))
    both.paste(left, (0, 0))
    both.paste(right, (left.width, 0))
    both.save(path)
    return path
