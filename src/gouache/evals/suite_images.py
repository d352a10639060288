"""The images a suite names: files, pictures that ship with dependencies, and generated ones.

builtin:NAME     scikit-image's sample data (astronaut, coffee, chelsea, rocket, camera,
                 page, text, coins, clock, color, hubble, ihc, logo, moon, brick) and
                 matplotlib's grace_hopper; nothing is downloaded
generated:NAME   drawn here, deterministically: poster (a title on a gradient with
                 shapes), document (lines of text on paper), sign (a word on a plate in a
                 scene), shapes (flat shapes on a gradient), logo (a round badge)
anything else    a file, relative to the suite's folder
"""

from __future__ import annotations

from functools import cache
from pathlib import Path

import numpy as np

from gouache.errors import InputError
from gouache.images import Image, LoadedImage, load_image

_SKIMAGE = {
    "astronaut": "astronaut.png",
    "coffee": "coffee.png",
    "chelsea": "chelsea.png",
    "rocket": "rocket.jpg",
    "camera": "camera.png",
    "page": "page.png",
    "text": "text.png",
    "coins": "coins.png",
    "clock": "clock_motion.png",
    "color": "color.png",
    "hubble": "hubble_deep_field.jpg",
    "ihc": "ihc.png",
    "logo": "logo.png",
    "moon": "moon.png",
    "brick": "brick.png",
}
GENERATED = ("poster", "document", "sign", "shapes", "logo")


def builtin_names() -> tuple[str, ...]:
    return (*_SKIMAGE, "grace_hopper")


def load_named(name: str, base_dir: Path) -> LoadedImage:
    """The image a suite calls `name`; InputError says what names exist."""
    kind, _, rest = name.partition(":")
    if kind == "builtin" and rest:
        return LoadedImage(pixels=_builtin(rest).copy(), format="PNG", name=name)
    if kind == "generated" and rest:
        return LoadedImage(pixels=_generated(rest).copy(), format="PNG", name=name)
    path = Path(name)
    if not path.is_absolute():
        path = base_dir / path
    return load_image(path)


@cache
def _builtin(name: str) -> Image:
    if name == "grace_hopper":
        try:
            from matplotlib import cbook
        except ImportError:
            raise InputError(
                "builtin:grace_hopper ships with matplotlib: pip install matplotlib"
            ) from None
        return load_image(
            Path(str(cbook.get_sample_data("grace_hopper.jpg", asfileobj=False)))
        ).pixels
    file = _SKIMAGE.get(name)
    if file is None:
        raise InputError(f"no built-in image {name!r}; there are: {', '.join(builtin_names())}")
    from importlib.resources import files

    return load_image(Path(str(files("skimage") / "data" / file))).pixels


@cache
def _generated(name: str) -> Image:
    makers = {
        "poster": _poster,
        "document": _document,
        "sign": _sign,
        "shapes": _shapes,
        "logo": _logo,
    }
    maker = makers.get(name)
    if maker is None:
        raise InputError(f"no generated image {name!r}; there are: {', '.join(GENERATED)}")
    return maker()


def _font(size: int):  # type: ignore[no-untyped-def]
    from PIL import ImageFont

    return ImageFont.load_default(size=size)


def _gradient(
    width: int, height: int, top: tuple[int, int, int], bottom: tuple[int, int, int]
) -> Image:
    t = np.linspace(0.0, 1.0, height)[:, None, None]
    colours = (1 - t) * np.array(top, dtype=np.float64) + t * np.array(bottom, dtype=np.float64)
    return np.ascontiguousarray(np.broadcast_to(colours, (height, width, 3)).astype(np.uint8))


def _poster() -> Image:
    from PIL import Image as PILImage
    from PIL import ImageDraw

    canvas = PILImage.fromarray(_gradient(640, 480, (30, 60, 120), (220, 120, 60)))
    draw = ImageDraw.Draw(canvas)
    draw.ellipse((380, 200, 560, 380), fill=(250, 210, 60))
    draw.rectangle((60, 260, 300, 420), fill=(40, 160, 110))
    draw.text((60, 60), "SUMMER SALE", font=_font(56), fill=(255, 255, 255))
    return np.asarray(canvas, dtype=np.uint8).copy()


def _document() -> Image:
    from PIL import Image as PILImage
    from PIL import ImageDraw

    canvas = PILImage.new("RGB", (600, 400), (245, 242, 232))
    draw = ImageDraw.Draw(canvas)
    lines = ("MEETING NOTES", "Budget approved", "Launch in March", "Call the printer")
    for i, line in enumerate(lines):
        draw.text((50, 50 + 80 * i), line, font=_font(40 if i == 0 else 32), fill=(20, 20, 30))
    return np.asarray(canvas, dtype=np.uint8).copy()


def _sign() -> Image:
    from PIL import Image as PILImage
    from PIL import ImageDraw

    scene = _gradient(640, 480, (150, 200, 235), (90, 120, 70))
    rng = np.random.default_rng(5)
    scene = np.clip(scene + rng.normal(0, 6, scene.shape), 0, 255).astype(np.uint8)
    canvas = PILImage.fromarray(scene)
    draw = ImageDraw.Draw(canvas)
    draw.rectangle((180, 150, 460, 260), fill=(200, 30, 40), outline=(255, 255, 255), width=6)
    draw.text((215, 175), "OPEN", font=_font(64), fill=(255, 255, 255))
    draw.rectangle((310, 260, 330, 420), fill=(80, 80, 80))
    return np.asarray(canvas, dtype=np.uint8).copy()


def _shapes() -> Image:
    from PIL import Image as PILImage
    from PIL import ImageDraw

    canvas = PILImage.fromarray(_gradient(512, 384, (240, 240, 250), (180, 190, 210)))
    draw = ImageDraw.Draw(canvas)
    draw.rectangle((40, 40, 200, 200), fill=(220, 60, 60))
    draw.ellipse((260, 80, 460, 280), fill=(60, 120, 220))
    draw.polygon([(100, 340), (200, 230), (300, 340)], fill=(60, 180, 90))
    return np.asarray(canvas, dtype=np.uint8).copy()


def _logo() -> Image:
    from PIL import Image as PILImage
    from PIL import ImageDraw

    canvas = PILImage.new("RGB", (160, 160), (255, 255, 255))
    draw = ImageDraw.Draw(canvas)
    draw.ellipse((8, 8, 152, 152), fill=(20, 90, 170))
    draw.text((38, 58), "G!", font=_font(44), fill=(255, 255, 255))
    return np.asarray(canvas, dtype=np.uint8).copy()
