"""A change to the version tree redraws the tree and the details from one request."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from playwright.sync_api import expect
from web_flow import astronaut, new_session, showing
from web_harness import LocalServer


def test_undo_redraws_the_tree_and_the_details_with_one_request(
    server: LocalServer, page: Any, tmp_path: Path
) -> None:
    session_id = new_session(server, astronaut(tmp_path), "make it warmer", "add a vignette")
    page.goto(server.page(f"/ui/s/{session_id}"))
    showing(page, "v3")
    expect(page.locator("#details h2")).to_have_text("v3: add a vignette")
    fragments: list[str] = []
    prefix = f"{server.url}/ui/s/{session_id}/"
    page.on("request", lambda r: fragments.append(r.url) if r.url.startswith(prefix) else None)

    page.get_by_role("button", name="Undo").click()
    showing(page, "v2")
    expect(page.locator("#details h2")).to_have_text("v2: make it warmer")
    head = page.get_by_role("navigation", name="Versions").get_by_text("Head v2")
    expect(head).to_be_visible()
    page.wait_for_load_state("networkidle")
    assert fragments == [f"{prefix}refresh"]
