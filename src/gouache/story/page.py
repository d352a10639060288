"""The comic page: panels in a grid or a strip with gutters, a title, a frame round each
panel, and a red flag on a panel that lost a character; as PNG and as a one-page PDF whose
title and flags are text."""

from __future__ import annotations

import io
import math
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
from PIL import Image as PILImage
from PIL import ImageDraw

from gouache.errors import UnsupportedError
from gouache.images import Image
from gouache.ops.text import bundled_font

GUTTER = 16
MARGIN = 28
TITLE = 34
FRAME = 3
FLAG = (200, 30, 30)


@dataclass(frozen=True)
class PagePanel:
    image: Image
    # Shown on the panel when a character was lost: "Grace missing".
    flag: str = ""


@dataclass(frozen=True)
class Layout:
    """Where each panel goes on the page: (x, y) of its top-left, and the page size."""

    cells: tuple[tuple[int, int], ...]
    size: tuple[int, int]
    panel: tuple[int, int]
    title_height: int


def columns(count: int, layout: str) -> int:
    if layout == "strip":
        return count
    return count if count <= 3 else math.ceil(math.sqrt(count))


def page_layout(count: int, panel: tuple[int, int], layout: str, titled: bool) -> Layout:
    cols = columns(count, layout)
    rows = math.ceil(count / cols)
    pw, ph = panel
    title_height = TITLE + GUTTER if titled else 0
    width = 2 * MARGIN + cols * pw + (cols - 1) * GUTTER
    height = 2 * MARGIN + title_height + rows * ph + (rows - 1) * GUTTER
    cells = []
    for index in range(count):
        row, col = divmod(index, cols)
        in_row = min(cols, count - row * cols)
        # a short last row is centred
        offset = (cols - in_row) * (pw + GUTTER) // 2
        x = MARGIN + offset + col * (pw + GUTTER)
        y = MARGIN + title_height + row * (ph + GUTTER)
        cells.append((x, y))
    return Layout(tuple(cells), (width, height), panel, title_height)


def _fitted(image: Image, panel: tuple[int, int]) -> PILImage.Image:
    picture = PILImage.fromarray(np.ascontiguousarray(image[:, :, :3]))
    if picture.size != panel:
        picture = picture.resize(panel, PILImage.Resampling.LANCZOS)
    return picture


def render_page(
    panels: Sequence[PagePanel], panel: tuple[int, int], layout: str, title: str
) -> Image:
    """The page as RGB pixels."""
    plan = page_layout(len(panels), panel, layout, bool(title))
    page = PILImage.new("RGB", plan.size, "white")
    draw = ImageDraw.Draw(page)
    if title:
        font = bundled_font(TITLE - 6)
        draw.text((MARGIN, MARGIN), title, fill=(0, 0, 0), font=font)
    for (x, y), item in zip(plan.cells, panels, strict=True):
        page.paste(_fitted(item.image, panel), (x, y))
        draw.rectangle(
            (x - FRAME, y - FRAME, x + panel[0] + FRAME - 1, y + panel[1] + FRAME - 1),
            outline=(0, 0, 0),
            width=FRAME,
        )
        if item.flag:
            font = bundled_font(14)
            left, top, right, bottom = draw.textbbox((0, 0), item.flag, font=font)
            box = (x, y + panel[1] - (bottom - top) - 10, x + (right - left) + 12, y + panel[1])
            draw.rectangle(box, fill=FLAG)
            draw.text((box[0] + 6, box[1] + 4 - top), item.flag, fill="white", font=font)
    return np.asarray(page)


def pdf_bytes(
    panels: Sequence[PagePanel], panel: tuple[int, int], layout: str, title: str
) -> bytes:
    """One page, one point per pixel: each panel as an image, the title and flags as text."""
    try:
        from reportlab.lib.utils import ImageReader
        from reportlab.pdfgen import canvas
    except ImportError:
        raise UnsupportedError(
            'writing the PDF page needs reportlab: pip install "gouache[media]"',
            backend="story",
        ) from None
    plan = page_layout(len(panels), panel, layout, bool(title))
    width, height = plan.size
    out = io.BytesIO()
    pdf = canvas.Canvas(out, pagesize=(width, height))
    pdf.setTitle(title or "storyboard")
    if title:
        pdf.setFont("Helvetica", TITLE - 6)
        pdf.drawString(MARGIN, height - MARGIN - (TITLE - 8), title)
    for (x, y), item in zip(plan.cells, panels, strict=True):
        buffer = io.BytesIO()
        _fitted(item.image, panel).save(buffer, format="PNG")
        buffer.seek(0)
        bottom = height - y - panel[1]
        pdf.drawImage(ImageReader(buffer), x, bottom, width=panel[0], height=panel[1])
        pdf.setLineWidth(FRAME)
        pdf.rect(x - FRAME / 2, bottom - FRAME / 2, panel[0] + FRAME, panel[1] + FRAME)
        if item.flag:
            pdf.setFillColorRGB(*(c / 255 for c in FLAG))
            pdf.rect(x, bottom, 8 + 7 * len(item.flag), 22, stroke=0, fill=1)
            pdf.setFillColorRGB(1, 1, 1)
            pdf.setFont("Helvetica-Bold", 13)
            pdf.drawString(x + 5, bottom + 6, item.flag)
            pdf.setFillColorRGB(0, 0, 0)
    pdf.showPage()
    pdf.save()
    return out.getvalue()
