"""The recipe travels inside the file: PNG iTXt, JPEG and WebP XMP."""

from __future__ import annotations

import numpy as np
import pytest
from PIL import Image

from gouache.encode import encode_pixels
from gouache.images import load_image
from gouache.provenance.export import export_version
from gouache.provenance.metadata import (
    parse_format,
    png_with_recipe,
    read_recipe,
    xmp_packet,
)
from gouache.sessions.session import Session

RECIPE = {"instruction": 'make it warmer \u2600 "quoted" <tag>', "seed": 7, "plan": None}


def test_a_png_export_is_the_stored_pixels_with_an_itxt_chunk_holding_the_recipe(
    three_turns: Session,
) -> None:
    exported = export_version(three_turns, "v2")
    stored = three_turns.store.blobs.get_bytes(three_turns.resolve("v2").blob)
    assert b"iTXt" in exported.data
    assert b"gouache.recipe" in exported.data
    assert np.array_equal(load_image(exported.data).pixels, load_image(stored).pixels)
    carried = read_recipe(exported.data)
    assert carried is not None
    assert carried["recipe"] == three_turns.resolve("v2").recipe()
    assert carried["session"] == {"id": three_turns.id, "name": three_turns.name}
    # Pillow, an independent reader, sees the same text chunk
    with Image.open(__import__("io").BytesIO(exported.data)) as im:
        im.load()
        assert "gouache.recipe" in im.text


@pytest.mark.parametrize("fmt", ["jpeg", "webp"])
def test_jpeg_and_webp_carry_the_recipe_in_xmp(fmt: str) -> None:
    pixels = np.random.default_rng(1).integers(0, 255, (64, 80, 3), dtype=np.uint8)
    data = encode_pixels(pixels, parse_format(fmt), xmp=xmp_packet(RECIPE)).data
    assert b"<gouache:recipe>" in data
    assert read_recipe(data) == RECIPE


def test_a_file_without_a_recipe_or_with_a_damaged_one_reads_as_none() -> None:
    pixels = np.zeros((32, 32, 3), np.uint8)
    assert read_recipe(encode_pixels(pixels, "png").data) is None
    assert read_recipe(encode_pixels(pixels, "jpeg").data) is None
    assert read_recipe(b"not an image at all") is None
    broken_xmp = encode_pixels(pixels, "jpeg").data.replace(b"\xff\xd9", b"", 1)
    assert read_recipe(broken_xmp + xmp_packet(RECIPE).replace(b"=", b"!")) is None
    # an iTXt chunk whose compressed text is not JSON
    png = encode_pixels(pixels, "png").data
    spliced = png_with_recipe(png, RECIPE)
    garbage = spliced[: spliced.index(b"gouache.recipe")] + b"gouache.recipe\x00\x01\x00\x00\x00xx"
    assert read_recipe(garbage) is None


def test_an_unknown_format_name_is_refused_with_the_choices() -> None:
    assert parse_format("JPG") == "jpeg"
    with pytest.raises(ValueError, match="choose png, jpeg or webp"):
        parse_format("gif")


def test_a_jpeg_export_of_an_rgba_version_is_flattened_on_white() -> None:
    rgba = np.zeros((40, 40, 4), np.uint8)
    rgba[..., 0] = 255  # red, fully transparent
    out = load_image(encode_pixels(rgba, "jpeg").data).pixels
    assert out.shape == (40, 40, 3)
    assert out.min() > 240
