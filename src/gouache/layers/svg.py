"""A layered version as SVG: the base as an embedded PNG, captions and balloons as `<text>`
in the font they were drawn with (embedded, so any browser or Inkscape draws the same letters),
logos as `<image>`, balloon shapes and borders as paths. Each layer is an Inkscape layer.
"""

from __future__ import annotations

import base64
import io
from collections.abc import Callable
from xml.sax.saxutils import escape, quoteattr

import numpy as np
from PIL import Image as PILImage

from gouache.colors import RGB
from gouache.images import Image
from gouache.layers.model import Layer, LayerStack
from gouache.ops._pixels import contrasting
from gouache.ops.text import BOX_OPACITY, TextLayout, line_origin

FONT_FAMILY = "Aileron"
# where the embedded font is not loaded (Inkscape), a sans-serif rather than a serif
FONT_STACK = f"{FONT_FAMILY}, sans-serif"
BlobReader = Callable[[str], Image]


def png_data_url(image: Image) -> str:
    buffer = io.BytesIO()
    PILImage.fromarray(np.ascontiguousarray(image)).save(buffer, format="PNG")
    return "data:image/png;base64," + base64.b64encode(buffer.getvalue()).decode("ascii")


def _font_face() -> str:
    """Pillow's bundled font (the one every caption is drawn with) as an @font-face rule."""
    from gouache.ops.text import bundled_font

    data = bundled_font(12).font_bytes
    encoded = base64.b64encode(data).decode("ascii")
    return (
        f'@font-face {{ font-family: "{FONT_FAMILY}"; '
        f'src: url("data:font/ttf;base64,{encoded}") format("truetype"); }}'
    )


def _hex(rgb: RGB) -> str:
    return "#" + "".join(f"{int(c):02x}" for c in rgb[:3])


def to_svg(
    stack: LayerStack, read_blob: BlobReader, read_bytes: Callable[[str], bytes] | None = None
) -> str:
    """The whole document: base and layers, bottom first."""
    base = read_blob(stack.base)
    height, width = (int(n) for n in base.shape[:2])
    # the stored blob is a PNG already: embedded as it is, not encoded again
    url = (
        "data:image/png;base64," + base64.b64encode(read_bytes(stack.base)).decode("ascii")
        if read_bytes is not None
        else png_data_url(base)
    )
    body = [_group("base", f'<image x="0" y="0" width="{width}" height="{height}" '
                   f'xlink:href="{url}"/>')]  # fmt: skip
    for layer in stack.layers:
        if layer.op == "border":
            pad, color = _border(layer, width, height)
            width, height = width + 2 * pad, height + 2 * pad
            frame = (
                f'<path fill-rule="evenodd" fill="{_hex(color)}" d="M0 0H{width}V{height}H0Z '
                f'M{pad} {pad}V{height - pad}H{width - pad}V{pad}Z"/>'
            )
            body = [f'<g transform="translate({pad} {pad})">', *body, "</g>"]
            body.append(_group(layer.name, frame))
        else:
            body.append(_group(layer.name, _layer(layer, (width, height), read_blob)))
    head = (
        '<svg xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink" '
        'xmlns:inkscape="http://www.inkscape.org/namespaces/inkscape" '
        f'width="{width}" height="{height}" viewBox="0 0 {width} {height}">'
    )
    style = f"<defs><style>{_font_face()}</style></defs>"
    return "\n".join([head, style, *body, "</svg>"]) + "\n"


def _group(name: str, content: str) -> str:
    label = quoteattr(name)
    ident = quoteattr("layer-" + "-".join(name.split()))
    return f'<g id={ident} inkscape:groupmode="layer" inkscape:label={label}>{content}</g>'


def _border(layer: Layer, width: int, height: int) -> tuple[int, RGB]:
    from gouache.ops.geometry import BorderParams

    p = BorderParams.model_validate(layer.params)
    pad = p.pixels if p.pixels is not None else max(1, round(p.size * min(width, height)))
    return pad, p.color


def _layer(layer: Layer, canvas: tuple[int, int], read_blob: BlobReader) -> str:
    if layer.op == "caption":
        return _caption(layer, canvas)
    if layer.op == "balloon":
        return _balloon(layer, canvas)
    if layer.op == "logo":
        return _logo(layer, canvas, read_blob)
    raise ValueError(f"no SVG drawing for a {layer.op} layer")


def _text_lines(
    layout: TextLayout, left: float, top: float, align: str, attributes: str
) -> list[str]:
    ascent = layout.font.getmetrics()[0]
    lines = []
    for index, line in enumerate(layout.lines):
        x, y = line_origin(layout, index, align)
        lines.append(
            f'<text x="{left + x:g}" y="{top + y + ascent:g}" font-family="{FONT_STACK}" '
            f'font-size="{layout.size}" xml:space="preserve" {attributes}>{escape(line)}</text>'
        )
    return lines


def _caption(layer: Layer, canvas: tuple[int, int]) -> str:
    from gouache.ops.text import CaptionParams, caption_placement

    p = CaptionParams.model_validate(layer.params)
    placed = caption_placement(canvas, p)
    layout = placed.layout
    parts = []
    if p.style == "box":
        outer_w, outer_h = layout.outer()
        box = p.box_color if p.box_color is not None else contrasting(p.color)
        parts.append(
            f'<rect x="{placed.left}" y="{placed.top}" width="{outer_w}" height="{outer_h}" '
            f'rx="{layout.pad // 2}" fill="{_hex(box)}" fill-opacity="{BOX_OPACITY:g}"/>'
        )
    if p.style == "outline":
        edge = _hex(contrasting(p.color))
        stroke = (
            f'fill="{edge}" stroke="{edge}" stroke-width="{2 * layout.stroke}" '
            'stroke-linejoin="round"'
        )
        parts += _text_lines(layout, placed.left, placed.top, placed.align, stroke)
    parts += _text_lines(layout, placed.left, placed.top, placed.align, f'fill="{_hex(p.color)}"')
    return "".join(parts)


def _balloon(layer: Layer, canvas: tuple[int, int]) -> str:
    from gouache.ops.balloon import BalloonParams, balloon_shape

    p = BalloonParams.model_validate(layer.params)
    shape = balloon_shape(canvas, p)
    (ax, ay), (tx, ty), (bx, by) = shape.tail
    ellipse = f'<ellipse cx="{shape.cx:g}" cy="{shape.cy:g}" rx="{shape.rx:g}" ry="{shape.ry:g}"'
    tail = f'<path d="M{ax:.2f} {ay:.2f}L{tx:.2f} {ty:.2f}L{bx:.2f} {by:.2f}Z"'
    line = _hex(p.color)
    outline = (
        f'fill="{line}" stroke="{line}" stroke-width="{2 * shape.outline}" stroke-linejoin="round"'
    )
    fill = f'fill="{_hex(p.fill)}"'
    parts = [
        f"{ellipse} {outline}/>",
        f"{tail} {outline}/>",
        f"{ellipse} {fill}/>",
        f"{tail} {fill}/>",
    ]
    parts += _text_lines(shape.layout, shape.text_left, shape.text_top, "center", f'fill="{line}"')
    return "".join(parts)


def _logo(layer: Layer, canvas: tuple[int, int], read_blob: BlobReader) -> str:
    from gouache.ops.compose import LogoParams, logo_placement

    if layer.reference is None:
        raise ValueError(f"the {layer.name} layer has no image")
    p = LogoParams.model_validate(layer.params)
    width, height = canvas
    blank = np.zeros((height, width, 3), dtype=np.uint8)
    mark, x, y, _ = logo_placement(blank, read_blob(layer.reference), p)
    h, w = mark.shape[:2]
    url = png_data_url(mark)
    return (
        f'<image x="{x}" y="{y}" width="{w}" height="{h}" opacity="{p.opacity:g}" '
        f'xlink:href="{url}"/>'
    )
