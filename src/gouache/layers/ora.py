"""A layered version as OpenRaster (.ora): a zip of one PNG per layer, a stack.xml naming them
top first, the merged image and a thumbnail, as GIMP, Krita and MyPaint read it."""

from __future__ import annotations

import io
import zipfile
from collections.abc import Callable
from xml.sax.saxutils import quoteattr

import numpy as np
from PIL import Image as PILImage

from gouache.analysis.cache import AnalysisCache
from gouache.images import Image
from gouache.layers.model import LayerStack
from gouache.layers.render import draw_layer

BlobReader = Callable[[str], Image]
THUMBNAIL = 256


def _png(image: Image) -> bytes:
    buffer = io.BytesIO()
    # fast deflate: the layers are mostly empty, and a reader pays nothing for it
    PILImage.fromarray(np.ascontiguousarray(image)).save(buffer, format="PNG", compress_level=1)
    return buffer.getvalue()


def _rgba(image: Image) -> Image:
    if image.shape[2] == 4:
        return image
    alpha = np.full((*image.shape[:2], 1), 255, dtype=np.uint8)
    return np.concatenate([image, alpha], axis=2)


def layer_images(
    stack: LayerStack, read_blob: BlobReader, analyses: AnalysisCache
) -> list[tuple[str, Image]]:
    """(name, RGBA at the final size) for the base and every layer, bottom first.

    Each layer is drawn alone on a transparent canvas; a border later in the stack moves what
    lies under it inwards, so each image is placed where it ends up.
    """
    base = _rgba(read_blob(stack.base))
    drawn: list[tuple[str, Image, int]] = [("base", base, 0)]
    height, width = base.shape[:2]
    offset = 0
    for layer in stack.layers:
        blank = np.zeros((height, width, 4), dtype=np.uint8)
        alone = draw_layer(blank, layer, read_blob, analyses)
        if layer.op == "border":
            pad = (alone.shape[1] - width) // 2
            offset += pad
            drawn = [(name, image, at + pad) for name, image, at in drawn]
            height, width = alone.shape[:2]
            alone = alone.copy()
            alone[pad : pad + height - 2 * pad, pad : pad + width - 2 * pad] = 0
        drawn.append((layer.name, alone, 0))
    placed = []
    for name, image, at in drawn:
        canvas = np.zeros((height, width, 4), dtype=np.uint8)
        h, w = image.shape[:2]
        canvas[at : at + h, at : at + w] = image
        placed.append((name, canvas))
    return placed


def ora_bytes(
    stack: LayerStack, merged: Image, read_blob: BlobReader, analyses: AnalysisCache
) -> bytes:
    """The OpenRaster file: one PNG per layer, the merged image and a thumbnail, zipped."""
    layers = layer_images(stack, read_blob, analyses)
    height, width = layers[0][1].shape[:2]
    entries = []
    for index, (name, _) in reversed(list(enumerate(layers))):
        entries.append(
            f'<layer name={quoteattr(name)} src="data/layer{index}.png" x="0" y="0" '
            'opacity="1.0" visibility="visible"/>'
        )
    stack_xml = (
        "<?xml version='1.0' encoding='UTF-8'?>\n"
        f'<image version="0.0.3" w="{width}" h="{height}"><stack>'
        + "".join(entries)
        + "</stack></image>\n"
    )
    thumb = PILImage.fromarray(np.ascontiguousarray(merged))
    thumb.thumbnail((THUMBNAIL, THUMBNAIL))
    buffer = io.BytesIO()
    thumb.save(buffer, format="PNG")
    packed = io.BytesIO()
    with zipfile.ZipFile(packed, "w") as archive:
        # the mimetype comes first and uncompressed, so a reader can sniff it
        archive.writestr("mimetype", "image/openraster", compress_type=zipfile.ZIP_STORED)
        archive.writestr("stack.xml", stack_xml, compress_type=zipfile.ZIP_DEFLATED)
        for index, (_, image) in enumerate(layers):
            archive.writestr(f"data/layer{index}.png", _png(image))
        archive.writestr("mergedimage.png", _png(merged))
        archive.writestr("Thumbnails/thumbnail.png", buffer.getvalue())
    return packed.getvalue()
