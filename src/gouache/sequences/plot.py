"""The per-frame scores as a PNG chart, drawn with Pillow (no plotting library needed):
identity per character on top (with the threshold), the background's PSNR below."""

from __future__ import annotations

import io
from pathlib import Path

from PIL import Image as PILImage
from PIL import ImageDraw

from gouache.ops.text import bundled_font
from gouache.outputs import write_file
from gouache.sequences.frames import FrameScore

WIDTH, PANEL, PAD = 720, 200, 48
COLOURS = [(214, 39, 40), (31, 119, 180), (44, 160, 44), (148, 103, 189), (255, 127, 14)]
PSNR_TOP = 60.0


def plot_scores(
    scores: list[FrameScore], path: Path, threshold: float = 0.45, *, force: bool = False
) -> Path:
    """Draw the chart into `path`, written as every output is (an existing file needs `force`)."""
    names = sorted({name for s in scores for name in s.identity})
    height = 2 * PANEL + 3 * PAD
    picture = PILImage.new("RGB", (WIDTH, height), "white")
    draw = ImageDraw.Draw(picture)
    font = bundled_font(13)
    count = max(1, len(scores) - 1)

    def x_of(index: int) -> float:
        return PAD + (WIDTH - 2 * PAD) * index / count

    panels = [
        (PAD, "identity (cosine) per character", 1.0),
        (2 * PAD + PANEL, "background PSNR vs the first frame (dB)", PSNR_TOP),
    ]
    for top, title, top_value in panels:
        draw.rectangle((PAD, top, WIDTH - PAD, top + PANEL), outline=(120, 120, 120))
        draw.text((PAD, top - 18), title, fill=(0, 0, 0), font=font)
        draw.text((6, top - 6), f"{top_value:g}", fill=(80, 80, 80), font=font)
        draw.text((6, top + PANEL - 8), "0", fill=(80, 80, 80), font=font)
    for index, score in enumerate(scores):
        x = x_of(index)
        draw.text((x - 8, 2 * PAD + 2 * PANEL + 6), score.label, fill=(80, 80, 80), font=font)

    def y_of(top: int, value: float, top_value: float) -> float:
        return top + PANEL * (1 - min(value, top_value) / top_value)

    identity_top = panels[0][0]
    limit = y_of(identity_top, threshold, 1.0)
    for x in range(PAD, WIDTH - PAD, 12):
        draw.line((x, limit, x + 6, limit), fill=(150, 150, 150))
    for colour, name in zip(COLOURS * 4, names, strict=False):
        points = [
            (x_of(i), y_of(identity_top, s.identity[name] or 0.0, 1.0))
            for i, s in enumerate(scores)
            if name in s.identity
        ]
        _line(draw, points, colour)
        for i, s in enumerate(scores):
            if s.identity.get(name) is None:  # lost: a cross on the axis
                x, y = x_of(i), y_of(identity_top, 0.0, 1.0)
                draw.line((x - 5, y - 5, x + 5, y + 5), fill=colour, width=2)
                draw.line((x - 5, y + 5, x + 5, y - 5), fill=colour, width=2)
        legend = (PAD + 8, identity_top + PANEL - 22 - 16 * names.index(name))
        draw.text(legend, name, fill=colour, font=font)
    psnr_top = panels[1][0]
    points = [
        (x_of(i), y_of(psnr_top, min(s.background_psnr, PSNR_TOP), PSNR_TOP))
        for i, s in enumerate(scores)
        if s.background_psnr is not None
    ]
    _line(draw, points, (40, 40, 40))
    buffer = io.BytesIO()
    picture.save(buffer, format="PNG")
    return write_file(path, buffer.getvalue(), force=force)


def _line(
    draw: ImageDraw.ImageDraw, points: list[tuple[float, float]], colour: tuple[int, int, int]
) -> None:
    if len(points) > 1:
        draw.line(points, fill=colour, width=2)
    for x, y in points:
        draw.ellipse((x - 3, y - 3, x + 3, y + 3), fill=colour)
