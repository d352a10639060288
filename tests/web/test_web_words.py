"""Conversation words typed into the web UI's chat act on the version tree, as in
`gouache chat`: the picture, the tree and the chat show where they left the head."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from playwright.sync_api import expect
from web_flow import api, astronaut, decoded, new_session, send, showing
from web_harness import LocalServer


def test_undo_that_in_the_chat_goes_back_to_v1_and_keeps_v2_in_the_tree(
    server: LocalServer, page: Any, tmp_path: Path
) -> None:
    session_id = new_session(server, astronaut(tmp_path))
    page.goto(server.page(f"/ui/s/{session_id}"))
    showing(page, "v1")
    tree = page.get_by_role("navigation", name="Versions")

    send(page, "make it warmer")
    showing(page, "v2")
    send(page, "undo that")
    showing(page, "v1")
    reply = page.locator("#log .msg.reply").last
    expect(reply).to_contain_text("back at v1")
    expect(reply).to_contain_text("now at v1")
    expect(tree.get_by_text("Head v1")).to_be_visible()
    # nothing is deleted: the undone warming is still a version to go back to
    expect(tree.get_by_role("button", name="v2", exact=True)).to_be_visible()
    with api(server) as client:
        shown = client.get(page.get_by_alt_text("Current version").get_attribute("src")).content
        first = client.get(f"/api/sessions/{session_id}/versions/v1/image").content
        assert (decoded(shown) == decoded(first)).all()
        assert client.get(f"/api/sessions/{session_id}").json()["versions"] == 2

    # "compare with the original" answers in the chat and opens the Compare view of v1 and v2
    send(page, "redo")
    showing(page, "v2")
    send(page, "compare with the original")
    reply = page.locator("#log .msg.reply").last
    expect(reply).to_contain_text("The original (v1) against now (v2):")
    reply.get_by_role("link", name="Compare v1 and v2").click()
    page.wait_for_url("**/compare?a=v1&b=v2")
    expect(page.get_by_role("table")).to_contain_text("v1 → v2")
