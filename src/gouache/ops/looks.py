"""Looks: named recipes ("film", "noir", "golden hour") composed from the tone and filter
operators, each a versioned entry so that a version's recipe says exactly what ran.

A look is a list of steps at full strength; `strength` blends the result with the original
(0.5 is half the look). Besides the registered operators, recipes use four small primitives
defined here: `fade` (lift the blacks, lower the whites: the matte print), `split_tone` (one
colour into the shadows, another into the highlights), `glow` (a soft screen of a blurred
copy), `grain` (seeded monochrome noise, the same every run) and `clarity` (local contrast,
`gouache.ops.texture`).

Changing a recipe's steps means a new version; a plan that names an old version is refused
with the current one named, never silently run with other steps.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import cv2
import numpy as np
from pydantic import Field, model_validator

from gouache.images import Image
from gouache.ops import filters, texture, tone
from gouache.ops._pixels import LUMA_WEIGHTS, apply_lut, code_values, rgb_of, with_alpha_of
from gouache.ops.registry import OpContext, Operator, OperatorRegistry, Params

Step = tuple[str, Mapping[str, Any]]


@dataclass(frozen=True)
class Look:
    name: str
    version: str
    summary: str
    # What people call it.
    words: tuple[str, ...]
    steps: tuple[Step, ...]


def _look(name: str, summary: str, words: str, *steps: Step, version: str = "1") -> Look:
    said = tuple(w.strip() for w in words.split(",") if w.strip())
    return Look(name, version, summary, said, steps)


_FILM = (("fade", {"black": 18, "white": 245}), ("saturation", {"amount": -0.12}),
         ("warmth", {"amount": 0.12}), ("grain", {"amount": 4.0}))  # fmt: skip

LOOKS: dict[str, Look] = {
    look.name: look
    for look in (
        _look("film", "soft blacks, warm, a little grain",
              "film, film look, filmic, retro film, film camera, old film",
              *_FILM),
        _look("analog", "film with more warmth, grain and a vignette", "analog, analogue",
              *_FILM, ("warmth", {"amount": 0.08}), ("grain", {"amount": 3.0}),
              ("vignette", {"strength": 0.3})),
        _look("polaroid", "instant print: faded, cyan shadows, cream highlights",
              "polaroid, instant photo, instant film",
              ("fade", {"black": 30, "white": 235}), ("contrast", {"amount": -0.1}),
              ("split_tone", {"shadows": (40, 110, 120), "highlights": (255, 226, 170),
                              "amount": 0.18}),
              ("saturation", {"amount": -0.2})),
        _look("vintage", "aged print: part sepia, faded, vignetted",
              "vintage, retro, old school, old timey, old fashioned, vintage y, vintagey, "
              "vintage ish, vintageish, 70s, 70's, seventies, 60s, 60's, sixties",
              ("sepia", {"strength": 0.35}), ("fade", {"black": 25, "white": 235}),
              ("saturation", {"amount": -0.2}), ("vignette", {"strength": 0.4}),
              ("grain", {"amount": 3.0})),
        _look("90s", "a 90s snapshot: warm, punchy, grainy", "90s, 90's, nineties",
              ("warmth", {"amount": 0.12}), ("saturation", {"amount": 0.15}),
              ("contrast", {"amount": 0.1}), ("fade", {"black": 12, "white": 250}),
              ("grain", {"amount": 5.0})),
        _look("80s", "an 80s print: saturated, magenta cast, soft", "80s, 80's, eighties",
              ("saturation", {"amount": 0.25}), ("tint", {"color": (255, 0, 160), "amount": 0.06}),
              ("fade", {"black": 20, "white": 240}), ("blur", {"radius": 0.6}),
              ("grain", {"amount": 4.0})),
        _look("hdr", "local contrast, more colour and detail", "hdr, high dynamic range",
              ("auto_enhance", {"strength": 1.0}), ("saturation", {"amount": 0.2}),
              ("sharpen", {"amount": 0.6})),
        _look("cinematic", "teal shadows, warm highlights, more contrast, a vignette",
              "cinematic, movie, film still, blockbuster",
              ("split_tone", {"shadows": (0, 128, 128), "highlights": (255, 160, 80),
                              "amount": 0.18}),
              ("contrast", {"amount": 0.15}), ("saturation", {"amount": -0.1}),
              ("vignette", {"strength": 0.3})),
        _look("teal and orange", "strong teal shadows and orange highlights",
              "teal and orange, teal & orange, orange and teal, orange & teal, teal orange, "
              "orange teal, teal/orange",
              ("split_tone", {"shadows": (0, 128, 128), "highlights": (255, 150, 60),
                              "amount": 0.32}),
              ("contrast", {"amount": 0.1})),
        _look("matte", "lifted blacks, softer contrast", "matte, matte look, matt",
              ("fade", {"black": 38, "white": 238}), ("contrast", {"amount": -0.1}),
              ("saturation", {"amount": -0.1})),
        _look("faded", "washed out: lifted blacks, muted colours", "faded, washed out",
              ("fade", {"black": 45, "white": 228}), ("saturation", {"amount": -0.3})),
        _look("moody", "darker, muted and cool, with a vignette",
              "moody, moodier, gloomy, gloomier, brooding",
              ("exposure", {"stops": -0.4}), ("saturation", {"amount": -0.25}),
              ("contrast", {"amount": 0.12}), ("warmth", {"amount": -0.12}),
              ("vignette", {"strength": 0.5})),
        _look("dramatic", "strong contrast, fewer colours, dark corners", "dramatic, drama",
              ("contrast", {"amount": 0.4}), ("saturation", {"amount": -0.15}),
              ("sharpen", {"amount": 0.5}), ("vignette", {"strength": 0.5})),
        _look("dreamy", "a soft glow, lifted and warm",
              "dreamy, dreamier, dreamlike, ethereal, soft glow",
              ("glow", {"amount": 0.5}), ("fade", {"black": 16, "white": 255}),
              ("saturation", {"amount": -0.1}), ("warmth", {"amount": 0.06})),
        _look("professional", "clean: balanced colour, local contrast, crisp detail",
              "professional, clean look, polished, crisp, studio look",
              ("auto_enhance", {"strength": 0.6}), ("sharpen", {"amount": 0.4}),
              ("saturation", {"amount": 0.05})),
        _look("high-key", "bright and airy, soft contrast", "high-key, high key, bright and airy",
              ("exposure", {"stops": 0.7}), ("contrast", {"amount": -0.15}),
              ("fade", {"black": 30, "white": 255})),
        _look("low-key", "dark and contrasty, deep corners", "low-key, low key",
              ("exposure", {"stops": -0.8}), ("contrast", {"amount": 0.25}),
              ("vignette", {"strength": 0.6})),
        _look("noir", "black and white, hard contrast, dark corners", "noir, film noir",
              ("grayscale", {"strength": 1.0}), ("contrast", {"amount": 0.45}),
              ("vignette", {"strength": 0.6}), ("grain", {"amount": 3.0})),
        _look("golden hour", "warm low sun: warm, golden, a little glow",
              "golden hour, golden, magic hour",
              ("warmth", {"amount": 0.4}), ("tint", {"color": (255, 170, 60), "amount": 0.12}),
              ("saturation", {"amount": 0.1}), ("glow", {"amount": 0.2})),
        _look("pop", "vivid colours, more contrast, crisp", "make it pop, pop look, punchy colours",
              ("saturation", {"amount": 0.35}), ("contrast", {"amount": 0.15}),
              ("sharpen", {"amount": 0.3})),
        _look("night", "day for night: much darker, cool and desaturated (a grade, not relit)",
              "night, day for night, day-for-night, nighttime, night time, at night, moonlight, "
              "moonlit",
              ("exposure", {"stops": -1.4}), ("saturation", {"amount": -0.5}),
              ("warmth", {"amount": -0.45}), ("tint", {"color": (40, 70, 160), "amount": 0.12}),
              ("contrast", {"amount": 0.1}), ("vignette", {"strength": 0.4})),
        _look("pastel", "pastel colours: lighter, softer colour, lifted shadows",
              "pastel, pastels, pastel colours, pastel colors, pastel tones, pastel look, "
              "pastelly, pastel y, pastel ish, pastelish",
              ("fade", {"black": 80, "white": 255}), ("exposure", {"stops": 0.4}),
              ("saturation", {"amount": -0.25}), ("contrast", {"amount": -0.15})),
        _look("depth", "more depth: local contrast (clarity) and a slight vignette",
              "depth, more depth, three dimensional, more dimension",
              ("clarity", {"amount": 0.7}), ("contrast", {"amount": 0.05}),
              ("vignette", {"strength": 0.25})),
    )
}  # fmt: skip

_OPERATORS = OperatorRegistry([*tone.OPERATORS, *filters.OPERATORS])


class LookParams(Params):
    name: str
    # 0 does nothing, 1 is the whole look; past 1, up to 2, the look pushed further ("make it
    # pop" then "a bit more"): the change from the original, scaled
    strength: float = Field(default=1.0, ge=0.0, le=2.0)
    # The recipe's version; the current one when not given.
    version: str | None = None

    @model_validator(mode="after")
    def _known(self) -> LookParams:
        look = LOOKS.get(self.name)
        if look is None:
            raise ValueError(f"no look {self.name!r}; looks: {', '.join(LOOKS)}")
        if self.version is not None and self.version != look.version:
            raise ValueError(
                f"look {self.name!r} version {self.version} is not available "
                f"(the current one is {look.version})"
            )
        return self


def _fade(image: Image, black: float, white: float) -> Image:
    lut = np.float32(black) + code_values() * np.float32((white - black) / 255.0)
    return apply_lut(image, lut)


def _split_tone(
    image: Image, shadows: tuple[int, int, int], highlights: tuple[int, int, int], amount: float
) -> Image:
    """Shift the chroma of the shadows toward one colour and of the highlights toward another,
    weighted by luma; each pixel keeps its luma."""
    rgb = rgb_of(image).astype(np.float32)
    luma = rgb @ LUMA_WEIGHTS
    weight = (luma / 255.0)[..., None]
    out = rgb.copy()
    for color, share in ((shadows, 1.0 - weight), (highlights, weight)):
        c = np.asarray(color, dtype=np.float32)
        chroma = c - np.float32(c @ LUMA_WEIGHTS)
        out += np.float32(amount) * share * chroma
    toned = np.clip(np.rint(out), 0, 255).astype(np.uint8)
    return with_alpha_of(toned, image)


def _glow(image: Image, amount: float) -> Image:
    rgb = rgb_of(image).astype(np.float32) / 255.0
    sigma = max(2.0, 0.02 * max(rgb.shape[:2]))
    soft = cv2.GaussianBlur(rgb, (0, 0), sigma)
    screen = 1.0 - (1.0 - rgb) * (1.0 - soft)
    mixed = rgb + np.float32(amount) * (screen - rgb)
    return with_alpha_of(np.clip(np.rint(mixed * 255.0), 0, 255).astype(np.uint8), image)


def _grain(image: Image, amount: float) -> Image:
    """Seeded noise, a band of rows at a time: the generator draws in row order, so the
    grain is the same as one draw of the whole picture, without its float copies."""
    rgb = rgb_of(image)
    height, width = rgb.shape[:2]
    rng = np.random.default_rng(0)
    grainy = np.empty_like(rgb)
    step = max(1, (1 << 20) // max(width, 1))
    for top in range(0, height, step):
        rows = slice(top, min(height, top + step))
        noise = rng.normal(0.0, amount, (rows.stop - top, width)).astype(np.float32)
        band = rgb[rows].astype(np.float32) + noise[..., None]
        grainy[rows] = np.clip(np.rint(band), 0, 255).astype(np.uint8)
    return with_alpha_of(grainy, image)


def _step(image: Image, op: str, params: Mapping[str, Any], ctx: OpContext) -> Image:
    if op == "fade":
        return _fade(image, params["black"], params["white"])
    if op == "split_tone":
        return _split_tone(image, params["shadows"], params["highlights"], params["amount"])
    if op == "glow":
        return _glow(image, params["amount"])
    if op == "grain":
        return _grain(image, params["amount"])
    if op == "clarity":
        return texture.local_contrast(image, params["amount"])
    return _OPERATORS.get(op).apply(image, params, ctx)


def look(image: Image, p: LookParams, ctx: OpContext) -> Image:
    """Run the recipe's steps in order, then blend with the original by `strength`."""
    recipe = LOOKS[p.name]
    out = image
    for op, params in recipe.steps:
        if ctx.cancel is not None:
            ctx.cancel.raise_if_cancelled()
        out = _step(out, op, params, ctx)
    if p.strength == 1.0:
        return out
    # (1 - s) * image + s * out, rounded and clipped, in one pass: float copies of both
    # pictures took about 40 bytes a pixel
    strength = float(p.strength)
    return np.asarray(cv2.addWeighted(image, 1.0 - strength, out, strength, 0.0), np.uint8)


def find(text: str) -> Look | None:
    """The look a normalised clause names, by its longest name ("film noir" beats "film"); with
    another look named, "film" is the medium ("a vintage film look" is vintage)."""
    from gouache.planner.clauses import has, normalise

    named = [
        (len(word), found)
        for found in LOOKS.values()
        for word in found.words
        if has(text, normalise(word))
    ]
    film = max((size for size, found in named if found.name == "film"), default=0)
    if len({found.name for _, found in named}) > 1 and film <= len("film look"):
        # "a vintage film look", "a noir film": "film" is the medium, the other the look
        # ("a retro film vibe" names the film look itself, by its longer phrase)
        named = [item for item in named if item[1].name != "film"]
    return max(named, key=lambda item: item[0])[1] if named else None


def listed() -> str:
    """The looks in one line, for "what can you do?"."""
    return ", ".join(LOOKS)


OPERATORS: list[Operator[Any]] = [
    Operator(
        name="look",
        version="1.0.0",
        summary="a named look: " + ", ".join(LOOKS),
        params=LookParams,
        run=look,
        grade=True,
        keywords=tuple(dict.fromkeys(w for found in LOOKS.values() for w in found.words)),
        examples=("give it a film look", "make it cinematic", "a subtle vintage look"),
    ),
]
