"""Layered exports: SVG with real `<text>` that Chromium draws like the raster, and OpenRaster."""

from __future__ import annotations

import io
import shutil
import xml.etree.ElementTree as ET
import zipfile
from pathlib import Path

import numpy as np
import pytest
from PIL import Image as PILImage

from gouache.images import LoadedImage
from gouache.layers.export import export_layered
from gouache.sessions import Session, Store

SVG = "{http://www.w3.org/2000/svg}"
BROWSER_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


@pytest.fixture
def layered(store: Store, astronaut: LoadedImage, logo: LoadedImage) -> Session:
    session = Session.start(store, astronaut)
    session.apply('add a white border and the caption "Ad astra" and a speech balloon "Hi, Bob!"')
    session.apply("add the logo in the top right", references=[logo])
    session.apply("change the caption to Hello")
    return session


def test_the_svg_keeps_the_caption_as_text_in_the_font_it_was_drawn_with(
    layered: Session, tmp_path: Path
) -> None:
    svg_path, recipe = export_layered(layered, "head", tmp_path, "svg")
    assert recipe.exists()
    root = ET.parse(svg_path).getroot()
    groups = {
        g.get("{http://www.inkscape.org/namespaces/inkscape}label"): g for g in root.iter(f"{SVG}g")
    }
    assert {"base", "caption", "balloon", "logo", "border"} <= set(groups)
    caption_texts = [t.text for t in groups["caption"].iter(f"{SVG}text")]
    assert "Hello" in caption_texts
    assert all(
        t.get("font-family") == "Aileron, sans-serif" for t in groups["caption"].iter(f"{SVG}text")
    )
    assert [t.text for t in groups["balloon"].iter(f"{SVG}text")] == ["Hi, Bob!"]
    assert len(list(groups["logo"].iter(f"{SVG}image"))) == 1
    assert len(list(groups["border"].iter(f"{SVG}path"))) == 1
    assert "@font-face" in svg_path.read_text()


def test_chromium_draws_the_svg_like_the_flattened_version(
    layered: Session, tmp_path: Path
) -> None:
    sync_api = pytest.importorskip("playwright.sync_api", reason="pip install playwright")
    chromium = shutil.which("chromium")
    if chromium is None:
        pytest.skip("Debian's chromium is not installed (make test installs it)")
    svg_path, _ = export_layered(layered, "head", tmp_path, "svg")
    expected = layered.image().astype(np.int16)
    height, width = expected.shape[:2]
    with sync_api.sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=chromium, args=BROWSER_ARGS)
        page = browser.new_page(viewport={"width": width, "height": height})
        page.goto(svg_path.resolve().as_uri())
        page.evaluate("document.fonts.ready.then(() => true)")
        shot = page.screenshot(clip={"x": 0, "y": 0, "width": width, "height": height})
        browser.close()
    drawn = np.asarray(PILImage.open(io.BytesIO(shot)).convert("RGB")).astype(np.int16)
    delta = np.abs(drawn - expected).max(axis=2)
    # Measured here: mean 1.6 levels, 1.7 % of pixels over 16 (glyph and ellipse edges, where
    # Chromium's antialiasing and FreeType's hinting differ); the base is identical.
    assert delta.mean() < 3.0
    assert (delta > 16).mean() < 0.03
    pad = round(0.05 * 256)
    inside = delta[pad + 60 : pad + 200, pad + 60 : pad + 200]  # the face and suit, no layers
    assert inside.max() <= 1


def test_the_openraster_file_has_one_png_per_layer_that_add_up_to_the_picture(
    layered: Session, tmp_path: Path
) -> None:
    ora_path, _ = export_layered(layered, "head", tmp_path, "ora")
    with zipfile.ZipFile(ora_path) as archive:
        first = archive.infolist()[0]
        assert first.filename == "mimetype"
        assert first.compress_type == zipfile.ZIP_STORED
        assert archive.read("mimetype") == b"image/openraster"
        stack = ET.fromstring(archive.read("stack.xml"))
        names = [layer.get("name") for layer in stack.iter("layer")]
        assert names == ["border", "logo", "balloon", "caption", "base"]  # top first
        layers = [
            np.asarray(PILImage.open(io.BytesIO(archive.read(layer.get("src") or ""))))
            for layer in reversed(list(stack.iter("layer")))
        ]
    canvas = np.zeros((*layers[0].shape[:2], 3), dtype=np.float64)
    for rgba in layers:
        alpha = rgba[..., 3:4] / 255.0
        canvas = rgba[..., :3] * alpha + canvas * (1 - alpha)
    delta = np.abs(canvas - layered.image().astype(np.float64))
    assert delta.max() <= 2.0


def test_a_flat_version_exports_as_a_single_base_layer(
    store: Store, astronaut: LoadedImage, tmp_path: Path
) -> None:
    session = Session.start(store, astronaut)
    svg_path, _ = export_layered(session, "v1", tmp_path, "svg")
    root = ET.parse(svg_path).getroot()
    assert root.get("width") == "256"
    assert len(list(root.iter(f"{SVG}image"))) == 1
    assert not list(root.iter(f"{SVG}text"))


def test_the_cli_writes_svg_and_ora_and_keeps_an_existing_file(
    astronaut: LoadedImage, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from gouache.cli import main

    photo = tmp_path / "astronaut.png"
    PILImage.fromarray(astronaut.pixels).save(photo)
    data = ["--data-dir", str(tmp_path / "data")]
    assert (
        main([*data, "edit", str(photo), 'add the caption "Hi"', "-o", str(tmp_path / "o.png")])
        == 0
    )
    session = capsys.readouterr().out.split("session ")[1][:8]
    out = tmp_path / "out"
    assert main([*data, "export", session, "v2", "--format", "svg", "-o", str(out)]) == 0
    assert main([*data, "export", session, "v2", "--format", "ora", "-o", str(out)]) == 0
    assert (out / "v2.svg").exists()
    assert zipfile.is_zipfile(out / "v2.ora")
    before = (out / "v2.svg").read_bytes()
    assert main([*data, "export", session, "v2", "--format", "svg", "-o", str(out)]) == 1
    assert "exists" in capsys.readouterr().err
    assert (out / "v2.svg").read_bytes() == before


def test_layers_in_chat_lists_what_each_layer_says(store: Store, astronaut: LoadedImage) -> None:
    from gouache.cli_chat import chat_loop
    from gouache.settings import Settings

    session = Session.start(store, astronaut)
    out = io.StringIO()
    script = '/layers\nadd the caption "Hi" and a speech balloon "Yo"\n/layers\n'
    chat_loop(session, Settings(), io.StringIO(script), out)
    text = out.getvalue()
    assert "no layers" in text
    assert 'caption "Hi" at the bottom' in text
    assert 'balloon "Yo" at the' in text
