"""Colours by CSS name or hex, as RGB triples."""

from __future__ import annotations

import re
from typing import Annotated, TypeAlias

from PIL import ImageColor
from pydantic import BeforeValidator

RGB: TypeAlias = tuple[int, int, int]

_HEX = re.compile(r"^#?(?:[0-9a-fA-F]{3}|[0-9a-fA-F]{6})$")


def css_names() -> list[str]:
    """Every CSS colour name Pillow knows (the 148 of CSS Color Module 4)."""
    return sorted(ImageColor.colormap)


def parse_color(value: object) -> RGB:
    """A CSS name ('teal', 'light blue'), '#rgb', '#rrggbb', or an (r, g, b) sequence."""
    if isinstance(value, (tuple, list)) and len(value) in (3, 4):
        rgb = tuple(int(v) for v in value[:3])
        if not all(0 <= v <= 255 for v in rgb):
            raise ValueError(f"colour components must be 0-255, got {value!r}")
        return (rgb[0], rgb[1], rgb[2])
    if not isinstance(value, str):
        raise ValueError(f"not a colour: {value!r}")
    text = value.strip().lower()
    if _HEX.match(text):
        text = text if text.startswith("#") else "#" + text
    else:
        text = text.replace(" ", "").replace("-", "").replace("grey", "gray")
        if text not in ImageColor.colormap:
            raise ValueError(f"unknown colour {value!r}; use a CSS name or #rrggbb")
    r, g, b = ImageColor.getrgb(text)[:3]
    return (r, g, b)


def color_name(rgb: RGB) -> str:
    """The CSS name of an exact colour, else its hex."""
    for name in ("white", "black", "red", "green", "blue", "yellow", "gray"):
        if ImageColor.getrgb(name)[:3] == rgb:
            return name
    return "#{:02x}{:02x}{:02x}".format(*rgb)


# Plain names a colour is described by when it has no exact one.
_PLAIN_NAMES = (
    *("white", "black", "gray", "silver", "red", "maroon", "orange", "yellow", "olive"),
    *("green", "teal", "cyan", "blue", "navy", "purple", "pink", "brown", "beige", "tan"),
)


def plain_name(rgb: RGB) -> str:
    """The nearest of a few plain colour names, with the hex when it is not exact:
    "brown (#b15c2a)"."""
    exact = color_name(rgb)
    if not exact.startswith("#"):
        return exact
    nearest = min(
        _PLAIN_NAMES,
        key=lambda name: sum(
            (a - b) ** 2 for a, b in zip(ImageColor.getrgb(name)[:3], rgb, strict=True)
        ),
    )
    return f"{nearest} ({exact})"


Color = Annotated[RGB, BeforeValidator(parse_color)]
