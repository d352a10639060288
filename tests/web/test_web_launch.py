"""`gouache ui IMAGE` as a user runs it: a process that prints a link to the new session."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import httpx
from web_flow import astronaut


def test_gouache_ui_starts_a_session_and_prints_the_link_that_opens_it(tmp_path: Path) -> None:
    env = {**os.environ, "GOUACHE_DATA_DIR": str(tmp_path / "data")}
    process = subprocess.Popen(
        [sys.executable, "-m", "gouache", "ui", str(astronaut(tmp_path)), "--no-browser"],
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        env=env,
    )
    try:
        assert process.stdout is not None
        lines = [process.stdout.readline(), process.stdout.readline()]
        link = lines[1].strip()
        assert lines[0].startswith("gouache ui: open this link"), lines
        assert link.startswith("http://127.0.0.1:")
        assert "/ui/s/" in link
        assert "?token=" in link
        deadline = time.monotonic() + 60
        while True:
            try:
                page = httpx.get(link, headers={"Accept": "text/html"}, follow_redirects=True)
                break
            except httpx.ConnectError:
                assert time.monotonic() < deadline, "gouache ui did not answer"
                time.sleep(0.1)
        assert page.status_code == 200
        assert 'alt="Current version" data-version="v1"' in page.text
        assert "?token=" not in str(page.url)  # the key moved into the cookie
        without = httpx.get(link.split("?")[0], headers={"Accept": "text/html"})
        assert without.status_code == 401
    finally:
        process.send_signal(signal.SIGINT)
        process.wait(timeout=30)
