"""The web UI in Chromium: time to first paint of a session page, and the UI's overhead per
turn over the same turn through the API.

A local-mode server runs in a thread of this process with the astronaut at 1 MP (384x300 in
quick mode). First paint is the browser's own `first-contentful-paint` of the session page,
in a fresh browser context each time (nothing cached), and again with the cache warm. A turn
through the API is POST /turns, then its event stream to `done`; through the UI it is the
Send button to the new version on screen: from the submit to `data-version` changing (the
result known to the page) and to the new picture decoded. Turns alternate "make it warmer"
and "make it cooler" on one session, so every turn does the same work.
"""

from __future__ import annotations

import io
import shutil
import statistics
import tempfile
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import httpx
from PIL import Image as PILImage

from benchmarks.common import astronaut, bench_size, repeats

TOKEN = "bench-token"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
INSTRUCTIONS = ("make it warmer", "make it cooler")

# One turn from the page: submit, wait for the new version's name, then for its picture.
UI_TURN = """
async (text) => {
  const img = document.querySelector('#current');
  const before = img.dataset.version;
  document.querySelector('#instruction').value = text;
  const started = performance.now();
  document.querySelector('#turn-form').requestSubmit();
  await new Promise((done) => {
    const watch = new MutationObserver(() => {
      if (img.dataset.version !== before) { watch.disconnect(); done(); }
    });
    watch.observe(img, { attributes: true });
  });
  const known = performance.now();
  await img.decode();
  return [known - started, performance.now() - started];
}
"""
FIRST_PAINT = """
() => new Promise((done) => {
  const look = () => {
    const paint = performance.getEntriesByName('first-contentful-paint')[0];
    if (paint) done(paint.startTime); else setTimeout(look, 20);
  };
  look();
})
"""


@contextmanager
def _server(folder: Path) -> Iterator[str]:
    import uvicorn

    from gouache.server.app import create_app
    from gouache.server.config import ServerConfig
    from gouache.settings import Settings

    settings = Settings(
        data_dir=folder, store=f"sqlite:///{folder / 'g.db'}", blobs_dir=str(folder / "blobs")
    )
    app = create_app(settings, ServerConfig(local_token=TOKEN, threads=2))
    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=0, log_level="warning"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    while not server.started:
        if not thread.is_alive():
            raise RuntimeError("the bench server did not start")
        time.sleep(0.01)
    try:
        yield f"http://127.0.0.1:{server.servers[0].sockets[0].getsockname()[1]}"
    finally:
        server.should_exit = True
        thread.join(timeout=30)


def _api_turn(client: httpx.Client, session_id: str, text: str) -> float:
    started = time.perf_counter()
    job = client.post(f"/api/sessions/{session_id}/turns", json={"instruction": text}).json()
    with client.stream("GET", f"/api/jobs/{job['id']}/events") as events:
        for line in events.iter_lines():
            if line.startswith("event: ") and line[7:] in ("done", "failed", "cancelled"):
                break
    return (time.perf_counter() - started) * 1000


class _Quiet:
    """Counts the page's requests in flight, so that the next API turn does not compete with
    what the last UI turn started afterwards (suggestions, thumbnails, the tree)."""

    def __init__(self, page: Any) -> None:
        self.open = 0
        page.on("request", self._started)
        page.on("requestfinished", self._ended)
        page.on("requestfailed", self._ended)

    def _started(self, _request: Any) -> None:
        self.open += 1

    def _ended(self, _request: Any) -> None:
        self.open -= 1

    def wait(self, page: Any, quiet_ms: int = 300) -> None:
        calm = 0
        while calm < quiet_ms:
            page.wait_for_timeout(50)
            calm = calm + 50 if self.open <= 0 else 0


def _median(values: list[float]) -> float:
    return round(statistics.median(values), 1)


def main(quick: bool = False) -> dict[str, Any]:
    chromium = shutil.which("chromium") or shutil.which("chromium-browser")
    if chromium is None:
        print("skipped: Chromium is not installed (apt-get install chromium)")
        return {"skipped": "chromium not installed"}
    from playwright.sync_api import sync_playwright

    size = bench_size(quick)
    runs = repeats(7, quick)
    buffer = io.BytesIO()
    PILImage.fromarray(astronaut(size)).save(buffer, "PNG")
    headers = {"Authorization": f"Bearer {TOKEN}"}
    with (
        tempfile.TemporaryDirectory(prefix="gouache-bench-web-") as folder,
        _server(Path(folder)) as url,
        httpx.Client(base_url=url, headers=headers, timeout=120) as client,
        sync_playwright() as playwright,
    ):
        files = {"image": ("astronaut.png", buffer.getvalue(), "image/png")}
        session_id = client.post("/api/sessions", files=files).json()["id"]
        page_url = f"{url}/ui/s/{session_id}?token={TOKEN}"
        browser = playwright.chromium.launch(executable_path=chromium, args=CHROMIUM_ARGS)

        # 1. first paint: a blank page (what this browser on this machine takes at least), the
        #    session page in a fresh context each time (cold), then reloads (warm)
        blank = []
        for _ in range(runs):
            context = browser.new_context()
            page = context.new_page()
            page.goto("data:text/html,<h1>gouache</h1>")
            blank.append(float(page.evaluate(FIRST_PAINT)))
            context.close()
        cold = []
        for _ in range(runs):
            context = browser.new_context(viewport={"width": 1400, "height": 1000})
            page = context.new_page()
            page.goto(page_url)
            cold.append(float(page.evaluate(FIRST_PAINT)))
            context.close()
        context = browser.new_context(viewport={"width": 1400, "height": 1000})
        page = context.new_page()
        page.goto(page_url)
        warm = []
        for _ in range(runs):
            page.reload()
            warm.append(float(page.evaluate(FIRST_PAINT)))

        # 2. the same turns through the API and through the page, interleaved, each on a
        #    quiet server
        quiet = _Quiet(page)
        page.wait_for_load_state("networkidle")
        quiet.wait(page)
        _api_turn(client, session_id, INSTRUCTIONS[0])  # caches and lazy imports
        api_ms, known_ms, shown_ms = [], [], []
        for index in range(runs):
            # API then page on even runs, page then API on odd ones: neither always goes first
            for step in ("api", "ui") if index % 2 == 0 else ("ui", "api"):
                text = INSTRUCTIONS[(len(api_ms) + len(known_ms)) % 2]
                if step == "api":
                    api_ms.append(_api_turn(client, session_id, text))
                else:
                    known, shown = page.evaluate(UI_TURN, text)
                    known_ms.append(float(known))
                    shown_ms.append(float(shown))
                quiet.wait(page)
        context.close()
        browser.close()

    result = {
        "image": f"{size[0]}x{size[1]}",
        "runs": runs,
        "first_paint_blank_ms": _median(blank),
        "first_paint_cold_ms": _median(cold),
        "first_paint_warm_ms": _median(warm),
        "api_turn_ms": _median(api_ms),
        "ui_turn_to_result_ms": _median(known_ms),
        "ui_turn_to_picture_ms": _median(shown_ms),
        "ui_overhead_to_result_ms": round(_median(known_ms) - _median(api_ms), 1),
        "ui_overhead_to_picture_ms": round(_median(shown_ms) - _median(api_ms), 1),
        "api_turns_ms": [round(v, 1) for v in api_ms],
        "ui_turns_to_picture_ms": [round(v, 1) for v in shown_ms],
    }
    print(f"session page at {result['image']}, median of {runs}")
    print(
        f"  first contentful paint: {result['first_paint_cold_ms']} ms cold, "
        f"{result['first_paint_warm_ms']} ms warm "
        f"(a blank page: {result['first_paint_blank_ms']} ms)"
    )
    print(f"  a turn through the API: {result['api_turn_ms']} ms")
    print(
        f"  through the page: {result['ui_turn_to_result_ms']} ms to the result "
        f"(+{result['ui_overhead_to_result_ms']}), {result['ui_turn_to_picture_ms']} ms to "
        f"the picture shown (+{result['ui_overhead_to_picture_ms']})"
    )
    return result
