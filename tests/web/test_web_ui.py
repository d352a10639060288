"""The web UI end to end in Debian's Chromium: what a person does, checked on what the browser
shows and on the files it downloads."""

from __future__ import annotations

import base64
import io
import json
import re
from pathlib import Path
from typing import Any

import numpy as np
from PIL import Image as PILImage
from playwright.sync_api import expect
from web_flow import EXAMPLES, SIDE, api, astronaut, decoded, new_session, send, showing, two_faces
from web_harness import AXE, LocalServer

from gouache.provenance.keys import make_test_identity, save, signing_dir
from gouache.provenance.verify import verify_bytes
from gouache.settings import Settings


def png_bytes(pixels: np.ndarray) -> bytes:
    buffer = io.BytesIO()
    PILImage.fromarray(pixels).save(buffer, "PNG")
    return buffer.getvalue()


def versions_nav(page: Any) -> Any:
    return page.get_by_role("navigation", name="Versions")


def test_upload_three_turns_undo_redo_and_a_branch_from_v2(
    server: LocalServer, page: Any, tmp_path: Path
) -> None:
    page.goto(server.page("/ui"))
    page.get_by_label("Image", exact=True).set_input_files(astronaut(tmp_path))
    page.wait_for_url("**/ui/s/*")
    showing(page, "v1")

    send(page, "make it warmer")
    showing(page, "v2")
    send(page, "add a vignette")
    showing(page, "v3")
    # the third turn: a suggestion chip sends itself
    chip = page.get_by_role("group", name="Suggestions").get_by_role("button").first
    suggested = chip.inner_text()
    chip.click()
    showing(page, "v4")
    expect(page.locator("#log")).to_contain_text(suggested)
    expect(page.locator("#log")).to_contain_text("made v4 in")
    for label in ("v1", "v2", "v3", "v4"):
        expect(versions_nav(page).get_by_role("button", name=label, exact=True)).to_be_visible()

    page.get_by_role("button", name="Undo").click()
    showing(page, "v3")
    page.keyboard.press("Control+z")
    showing(page, "v2")
    page.keyboard.press("Control+Shift+z")
    showing(page, "v3")

    versions_nav(page).get_by_role("button", name="v2", exact=True).click()
    showing(page, "v2")
    send(page, "flip horizontally")
    showing(page, "v5")
    expect(versions_nav(page)).to_contain_text("b2")
    session_id = page.url.rsplit("/", 1)[-1]
    with api(server) as client:
        tree = client.get(f"/api/sessions/{session_id}/versions").json()
    parents = {v["label"]: v["parent_id"] for v in tree["versions"]}
    ids = {v["label"]: v["id"] for v in tree["versions"]}
    assert parents["v5"] == ids["v2"]
    # undo moved main back to v3; the undone v4 stays in the tree
    assert tree["branches"]["main"] == ids["v3"]
    assert parents["v4"] == ids["v3"]
    assert tree["branches"]["b2"] == ids["v5"]


def test_the_start_page_starts_from_another_sessions_version_or_says_why_not_from_words(
    server: LocalServer, page: Any, tmp_path: Path
) -> None:
    source = new_session(server, astronaut(tmp_path), "flip horizontally")
    page.goto(server.page("/ui"))
    page.get_by_label("Session", exact=True).select_option(source)
    page.get_by_label("Version", exact=True).fill("v2")
    page.get_by_role("button", name="Start from it").click()
    page.wait_for_url("**/ui/s/*")
    showing(page, "v1")
    expect(page.locator("#log")).to_contain_text("started from v2 of 'astronaut")
    made = page.url.rsplit("/", 1)[-1]
    with api(server) as client:
        flipped = client.get(f"/api/sessions/{source}/versions/v2/image").content
        started = client.get(f"/api/sessions/{made}/versions/v1/image").content
    assert np.array_equal(decoded(flipped), decoded(started))

    page.goto(server.page("/ui"))
    page.get_by_label("Describe the picture").fill("a red fox in the snow")
    page.get_by_role("button", name="Draw it").click()
    expect(page.locator("#text-form [role=status]")).to_contain_text("cannot")


# A picture handed to the page as a File in a DataTransfer, as a drop or a paste carries it.
TRANSFER = """(b64) => {
  const bytes = Uint8Array.from(atob(b64), (c) => c.charCodeAt(0));
  const transfer = new DataTransfer();
  transfer.items.add(new File([bytes], "small.png", { type: "image/png" }));
  return transfer;
}"""


def test_a_picture_dropped_or_pasted_on_the_start_page_starts_a_session(
    server: LocalServer, page: Any
) -> None:
    small = base64.b64encode(png_bytes(np.full((40, 60, 3), 90, dtype=np.uint8))).decode()
    page.goto(server.page("/ui"))
    transfer = page.evaluate_handle(TRANSFER, small)
    page.dispatch_event("#upload-form", "drop", {"dataTransfer": transfer})
    page.wait_for_url("**/ui/s/*")
    showing(page, "v1")

    page.goto(f"{server.url}/ui")
    page.evaluate(
        f"""() => {{
          const transfer = ({TRANSFER})({json.dumps(small)});
          document.dispatchEvent(new ClipboardEvent("paste", {{ clipboardData: transfer }}));
        }}"""
    )
    page.wait_for_url("**/ui/s/*")
    expect(page.get_by_alt_text("Current version")).to_have_attribute("width", "60")


def test_a_box_drawn_on_the_picture_keeps_every_pixel_outside_it(
    server: LocalServer, page: Any, tmp_path: Path
) -> None:
    session_id = new_session(server, astronaut(tmp_path))
    page.goto(server.page(f"/ui/s/{session_id}"))
    showing(page, "v1")

    shown = page.get_by_alt_text("Current version").bounding_box()
    scale = SIDE / shown["width"]
    # a brush stroke paints the mask; Clear mask takes it away again
    page.get_by_role("button", name="Brush").click()
    page.mouse.move(shown["x"] + 20, shown["y"] + 20)
    page.mouse.down()
    page.mouse.move(shown["x"] + 120, shown["y"] + 60, steps=6)
    page.mouse.up()
    expect(page.locator("#mask-status")).to_contain_text("Mask drawn")
    painted = (
        "() => { const c = document.querySelector('#mask'); const d = c.getContext('2d')"
        ".getImageData(0, 0, c.width, c.height).data; let n = 0;"
        " for (let i = 3; i < d.length; i += 4) n += d[i] > 127; return n; }"
    )
    assert page.evaluate(painted) > 500
    page.get_by_role("button", name="Clear mask").click()
    expect(page.locator("#mask-status")).to_contain_text("No mask")
    assert page.evaluate(painted) == 0

    page.get_by_role("button", name="Box").click()
    expect(page.get_by_role("button", name="Box")).to_have_attribute("aria-pressed", "true")
    x0, y0, x1, y1 = 60, 40, 180, 120  # in the picture's pixels
    page.mouse.move(shown["x"] + x0 / scale, shown["y"] + y0 / scale)
    page.mouse.down()
    page.mouse.move(shown["x"] + x1 / scale, shown["y"] + y1 / scale, steps=4)
    page.mouse.up()
    expect(page.locator("#mask-status")).to_contain_text("Mask drawn")
    send(page, "make it much brighter")
    showing(page, "v2")
    expect(page.locator("#region")).to_be_visible()

    with page.expect_download() as download:
        page.get_by_role("link", name="PNG").click()
    assert download.value.suggested_filename == "v2.png"
    edited = decoded(Path(download.value.path()).read_bytes())
    with api(server) as client:
        original = decoded(client.get(f"/api/sessions/{session_id}/versions/v1/image").content)
        region = client.get(
            f"/api/sessions/{session_id}/changed-region", params={"a": "v1", "b": "v2"}
        ).json()
    # the box's edges fall between pixels: allow 2 pixels either way, none beyond
    outside = np.ones(original.shape[:2], dtype=bool)
    outside[y0 - 2 : y1 + 2, x0 - 2 : x1 + 2] = False
    assert np.array_equal(edited[outside], original[outside])
    inside = (slice(y0 + 2, y1 - 2), slice(x0 + 2, x1 - 2))
    assert np.abs(edited[inside].astype(int) - original[inside].astype(int)).mean() > 10
    bx, by, bw, bh = region["box"]
    assert np.abs(np.array([bx, by, bx + bw, by + bh]) - [x0, y0, x1, y1]).max() <= 2


def test_compare_shows_side_by_side_a_slider_blink_and_a_heat_map_with_figures(
    server: LocalServer, page: Any, tmp_path: Path
) -> None:
    session_id = new_session(server, astronaut(tmp_path), "add a vignette")
    page.goto(server.page(f"/ui/s/{session_id}/compare"))
    figures = page.get_by_role("table")
    expect(figures).to_contain_text("v1 → v2")
    expect(figures).to_contain_text("PSNR")
    expect(figures).to_contain_text("changed pixels")
    # the plan in words, not its JSON; the params' timings and versions are not listed
    plan = figures.get_by_role("row").filter(has_text="plan")
    expect(plan).to_contain_text("nothing (the original) → vignette")
    expect(figures).not_to_contain_text("'steps'")
    expect(figures).not_to_contain_text("operator_versions")
    # the original has no backend: a dash, not Python's None
    backend = figures.get_by_role("row").filter(has_text="backend")
    expect(backend).to_contain_text("— → operators")
    expect(figures).not_to_contain_text("None")
    expect(page.get_by_role("region", name="Side by side")).to_be_visible()
    # one view at a time: the slider is not shown under the side-by-side view
    expect(page.locator("#view-slider")).to_be_hidden()

    page.get_by_role("radio", name="Slider").check()
    expect(page.locator("#view-slider")).to_be_visible()
    page.get_by_label("Slider position").fill("20")
    expect(page.locator("#slider-top")).to_have_attribute(
        "style", "clip-path: inset(0px 80% 0px 0px);"
    )

    page.get_by_role("radio", name="Blink").check()
    status = page.locator("#blink-showing")
    expect(status).to_have_text("v1")
    expect(status).to_have_text("v2")

    page.get_by_role("radio", name="Heat map").check()
    heat = page.get_by_alt_text("Difference heat map of v1 and v2")
    expect(heat).to_be_visible()
    for other in ("#view-side", "#view-slider", "#view-blink"):
        expect(page.locator(other)).to_be_hidden()
    page.wait_for_function(
        f"() => document.querySelector('#view-heat img').naturalWidth === {SIDE}", timeout=30_000
    )


def test_a_reference_is_shown_by_name_and_goes_with_the_turn(
    server: LocalServer, page: Any, tmp_path: Path
) -> None:
    session_id = new_session(server, astronaut(tmp_path))
    page.goto(server.page(f"/ui/s/{session_id}"))
    page.get_by_label("References", exact=True).set_input_files(EXAMPLES / "logo.png")
    expect(page.get_by_role("img", name="logo.png")).to_be_visible()

    send(page, "add the logo in the bottom right at 50% opacity")
    showing(page, "v2")
    expect(page.locator("#log .msg.user").last).to_contain_text("logo.png")
    with api(server) as client:
        version = client.get(f"/api/sessions/{session_id}/versions/v2/recipe").json()
    assert [ref["name"] for ref in version["references"]] == ["logo.png"]


def test_a_refused_request_shows_its_reply_and_makes_no_version(
    server: LocalServer, page: Any, tmp_path: Path
) -> None:
    session_id = new_session(server, astronaut(tmp_path))
    page.goto(server.page(f"/ui/s/{session_id}"))
    send(page, "put a hat on her")
    reply = page.locator("#log .msg.reply").last
    expect(reply).to_contain_text("needs new content")
    expect(reply).to_contain_text("no version made")
    showing(page, "v1")
    with api(server) as client:
        assert client.get(f"/api/sessions/{session_id}").json()["versions"] == 1


def test_a_question_offers_its_options_as_chips_and_a_click_answers_it(
    server: LocalServer, page: Any, tmp_path: Path
) -> None:
    session_id = new_session(server, two_faces(tmp_path))
    page.goto(server.page(f"/ui/s/{session_id}"))
    send(page, "blur the face")
    expect(page.locator("#log .msg.reply").last).to_contain_text("There are 2 faces")
    page.get_by_role("group", name="Suggestions").get_by_role("button", name="right").click()
    showing(page, "v2")
    expect(page.locator("#log .msg.reply").last).to_contain_text("made v2")


def test_suggestions_that_answer_late_leave_a_questions_options_in_place(
    server: LocalServer, page: Any, tmp_path: Path
) -> None:
    # The suggestions of the opened picture (an analysis, a second or more under load) came
    # back after the question and replaced its chips: the "right" chip was gone (a CI flake).
    held: list[Any] = []

    def hold(route: Any) -> None:
        held.append(route)

    page.route("**/versions/head/suggestions", hold)
    session_id = new_session(server, two_faces(tmp_path))
    page.goto(server.page(f"/ui/s/{session_id}"))
    for _ in range(200):  # the page asks for them once the picture is on screen
        if held:
            break
        page.wait_for_timeout(50)
    assert held
    send(page, "blur the face")
    expect(page.locator("#log .msg.reply").last).to_contain_text("There are 2 faces")
    for route in list(held):  # the opened picture's suggestions answer now, after the question
        route.continue_()
    page.wait_for_timeout(500)
    page.unroute("**/versions/head/suggestions", hold)
    page.get_by_role("group", name="Suggestions").get_by_role("button", name="right").click()
    showing(page, "v2")


def test_export_downloads_png_jpeg_webp_and_the_recipe(
    server: LocalServer, page: Any, tmp_path: Path
) -> None:
    session_id = new_session(server, astronaut(tmp_path), "make it warmer")
    page.goto(server.page(f"/ui/s/{session_id}"))
    showing(page, "v2")
    found = {}
    for name in ("PNG", "JPEG", "WebP", "Recipe JSON"):
        with page.expect_download() as download:
            page.get_by_role("link", name=name).click()
        found[download.value.suggested_filename] = Path(download.value.path()).read_bytes()
    assert sorted(found) == ["v2.jpg", "v2.json", "v2.png", "v2.webp"]
    assert found["v2.png"].startswith(b"\x89PNG")
    assert found["v2.jpg"].startswith(b"\xff\xd8")
    assert found["v2.webp"][8:12] == b"WEBP"
    assert json.loads(found["v2.json"])["instruction"] == "make it warmer"
    expect(page.locator("#export-title + p + p")).to_contain_text("gouache keys init-signing")

    identity = make_test_identity()
    save(identity, signing_dir(Settings(data_dir=server.folder)), force=True)
    page.reload()
    with page.expect_download() as download:
        page.get_by_role("link", name="Signed PNG").click()
    signed = Path(download.value.path()).read_bytes()
    assert download.value.suggested_filename == "v2.png"
    report = verify_bytes(signed, trust_pem=identity.ca_pem)
    assert report.state == "trusted", report.reason
    assert report.watermark["found"]


def test_characters_guidelines_the_critique_loop_and_renaming_a_branch(
    server: LocalServer, page: Any, tmp_path: Path
) -> None:
    session_id = new_session(server, astronaut(tmp_path))
    page.goto(server.page(f"/ui/s/{session_id}"))
    page.get_by_label("Name", exact=True).fill("Eileen")
    page.get_by_label("Photo").set_input_files(astronaut(tmp_path))
    page.get_by_role("button", name="Add character").click()
    expect(page.locator("#character-list")).to_contain_text("Eileen")
    send(page, "make it warmer")
    showing(page, "v2")
    curve = page.get_by_role("img", name=re.compile(r"^Identity curve, Eileen: v2 (0\.9\d|1\.00)$"))
    expect(curve).to_be_visible()

    page.get_by_label("Guideline file").set_input_files(EXAMPLES / "brand.yaml")
    page.get_by_label("Files it names").set_input_files(EXAMPLES / "logo.png")
    page.get_by_role("button", name="Check this version").click()
    table = page.locator("#guideline-result table")
    expect(table).to_contain_text("Gouache summer campaign on v2: FAIL")
    expect(table.get_by_role("row").filter(has_text="palette")).to_contain_text("FAIL")

    page.get_by_label("Critique loop on the next turn").check()
    page.get_by_label("Candidates").fill("1")
    page.get_by_label("Budget (attempts)").fill("2")
    send(page, 'add the caption "SUMMER SALE" at the bottom')
    expect(page.locator("#log .msg.reply").last).to_contain_text("attempt")
    with api(server) as client:
        kinds = [
            v["kind"] for v in client.get(f"/api/sessions/{session_id}/versions").json()["versions"]
        ]
    assert kinds.count("attempt") == 2

    page.get_by_label("Branch", exact=True).select_option("main")
    page.get_by_label("New name").fill("summer")
    page.get_by_role("button", name="Rename").click()
    expect(versions_nav(page)).to_contain_text("summer")


def test_no_page_has_a_serious_or_critical_accessibility_violation(
    server: LocalServer, page: Any, tmp_path: Path
) -> None:
    session_id = new_session(server, astronaut(tmp_path), "make it warmer")
    for path in ("/ui", f"/ui/s/{session_id}", f"/ui/s/{session_id}/compare"):
        page.goto(server.page(path))
        page.wait_for_load_state("networkidle")
        page.add_script_tag(path=AXE)
        results = page.evaluate("async () => await axe.run()")
        bad = [
            (v["id"], v["help"], [n["target"] for n in v["nodes"]][:3])
            for v in results["violations"]
            if v["impact"] in ("serious", "critical")
        ]
        assert not bad, (path, bad)


def test_a_refusal_that_needs_a_generative_backend_names_only_the_backend_menu(
    server: LocalServer, page: Any, tmp_path: Path
) -> None:
    session_id = new_session(server, astronaut(tmp_path))
    page.goto(server.page(f"/ui/s/{session_id}"))
    showing(page, "v1")
    send(page, "put a hat on her")
    reply = page.locator("#log .msg.reply").last
    expect(reply).to_contain_text("in the Backend menu")
    # the page's user has no API and no command line to turn to
    expect(reply).not_to_contain_text("/api/backends")
    expect(reply).not_to_contain_text("--backend")
    expect(reply).not_to_contain_text("web UI")
