"""Draw examples/logo.png, the logo that examples/brand.yaml names.

A 256 x 256 red rounded square with "GO" in off-white, in the FreeType font that ships
inside Pillow, on a transparent ground. Run it from anywhere:

    .venv/bin/python examples/make_logo.py
"""

from __future__ import annotations

from pathlib import Path

from PIL import Image, ImageDraw, ImageFont

SIZE = 256
RED = "#e63946"
OFF_WHITE = "#f1faee"


def make_logo() -> Image.Image:
    logo = Image.new("RGBA", (SIZE, SIZE), (0, 0, 0, 0))
    draw = ImageDraw.Draw(logo)
    draw.rounded_rectangle((0, 0, SIZE - 1, SIZE - 1), radius=56, fill=RED)
    font = ImageFont.load_default(size=128)
    draw.text((SIZE / 2, SIZE / 2), "GO", font=font, fill=OFF_WHITE, anchor="mm")
    return logo


if __name__ == "__main__":
    path = Path(__file__).with_name("logo.png")
    make_logo().save(path, optimize=True)
    print(f"wrote {path}")
