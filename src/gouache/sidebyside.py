"""Two versions on one picture, labelled, for a user who asked to compare them in a terminal."""

from __future__ import annotations

import numpy as np

from gouache.encode import flatten_on_white
from gouache.images import Image

# Each side is shown at most this many pixels high; a label band sits above it.
HEIGHT = 720
BAND = 36
GAP = 16


def side_by_side(left: Image, right: Image, labels: tuple[str, str]) -> Image:
    """`left` and `right` (any sizes, alpha flattened over white) side by side at one height,
    each under its label, on white: RGB."""
    from PIL import Image as PILImage
    from PIL import ImageDraw, ImageFont

    height = min(HEIGHT, max(left.shape[0], right.shape[0]))
    tiles = []
    for image in (left, right):
        flat, _ = flatten_on_white(image)
        rgb = np.stack([flat] * 3, axis=2) if flat.ndim == 2 else flat[:, :, :3]
        tile = PILImage.fromarray(np.ascontiguousarray(rgb))
        width = max(1, round(tile.width * height / tile.height))
        tiles.append(tile.resize((width, height), PILImage.Resampling.LANCZOS))
    canvas = PILImage.new(
        "RGB", (sum(t.width for t in tiles) + GAP * (len(tiles) + 1), height + BAND + GAP), "white"
    )
    draw = ImageDraw.Draw(canvas)
    font = ImageFont.load_default(size=22)
    x = GAP
    for label, tile in zip(labels, tiles, strict=True):
        canvas.paste(tile, (x, BAND))
        draw.text((x, 6), label, fill=(0, 0, 0), font=font)
        x += tile.width + GAP
    return np.asarray(canvas, dtype=np.uint8)
