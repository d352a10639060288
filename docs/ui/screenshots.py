"""Draw the README's screenshots of the web UI: a real session on scikit-image's astronaut,
driven in Debian's Chromium like a person would. Run from the repository root:

    PYTHONPATH=src:tests/web .venv/bin/python docs/ui/screenshots.py
"""

from __future__ import annotations

import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path[:0] = [str(ROOT / "src"), str(ROOT / "tests" / "web")]

from playwright.sync_api import expect, sync_playwright  # noqa: E402
from web_flow import EXAMPLES, astronaut, send, showing  # noqa: E402
from web_harness import CHROMIUM_ARGS, chromium_path, local_server  # noqa: E402

OUT = Path(__file__).parent


def main() -> None:
    folder = Path(tempfile.mkdtemp(prefix="gouache-shots-"))
    with local_server(folder) as server, sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=chromium_path(), args=CHROMIUM_ARGS)
        page = browser.new_page(viewport={"width": 1440, "height": 1000})
        expect.set_options(timeout=60_000)
        page.goto(server.page("/ui"))
        page.get_by_label("Image", exact=True).set_input_files(astronaut(folder))
        page.wait_for_url("**/ui/s/*")
        # a character from a photo of her, then turns
        page.get_by_label("Name", exact=True).fill("Eileen")
        page.get_by_label("Photo").set_input_files(astronaut(folder))
        page.get_by_role("button", name="Add character").click()
        expect(page.locator("#log")).to_contain_text("Eileen added")
        for number, instruction in enumerate(
            ["make it warmer and add a vignette", "crop to 4:5", "put a hat on her"], start=2
        ):
            send(page, instruction)
            if number < 4:
                showing(page, f"v{number}")
        expect(page.locator("#log")).to_contain_text("needs new content")
        page.get_by_role("navigation", name="Versions").get_by_role("button", name="v2").click()
        showing(page, "v2")
        send(page, "black and white")
        showing(page, "v4")
        page.get_by_label("References", exact=True).set_input_files(EXAMPLES / "logo.png")
        send(page, "add the logo in the top right")
        showing(page, "v5")
        page.wait_for_timeout(1500)
        page.evaluate("window.scrollTo(0, 0)")
        page.screenshot(path=OUT / "session.png")

        # a box drawn on the picture, and the changed region afterwards
        page.get_by_role("button", name="Box").click()
        box = page.get_by_alt_text("Current version").bounding_box()
        page.mouse.move(box["x"] + box["width"] * 0.3, box["y"] + box["height"] * 0.12)
        page.mouse.down()
        page.mouse.move(box["x"] + box["width"] * 0.7, box["y"] + box["height"] * 0.5, steps=5)
        page.mouse.up()
        page.get_by_role("button", name="Box").click()
        send(page, "pixelate the faces")
        showing(page, "v6")
        expect(page.locator("#region")).to_be_visible()

        # the guideline's table for this version
        page.get_by_label("Guideline file").set_input_files(EXAMPLES / "brand.yaml")
        page.get_by_label("Files it names").set_input_files(EXAMPLES / "logo.png")
        page.get_by_role("button", name="Check this version").click()
        expect(page.locator("#guideline-result table")).to_be_visible()
        page.wait_for_timeout(1000)
        page.screenshot(path=OUT / "mask-and-guidelines.png", full_page=True)

        session_id = page.url.rsplit("/", 1)[-1]
        page.goto(f"{server.url}/ui/s/{session_id}/compare?a=v1&b=v2")
        page.get_by_role("radio", name="Heat map").check()
        page.wait_for_function("() => document.querySelector('#view-heat img').naturalWidth > 0")
        page.screenshot(path=OUT / "compare-heat-map.png", full_page=True)
        page.get_by_role("radio", name="Slider").check()
        page.get_by_label("Slider position").fill("45")
        page.screenshot(path=OUT / "compare-slider.png")
        browser.close()


if __name__ == "__main__":
    main()
