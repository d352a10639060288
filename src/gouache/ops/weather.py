"""Falling snow and rain laid over the picture, seeded (the seed and the picture's digest), so a
recipe redraws the same weather and a second fall lands elsewhere.

Snow -- three depth layers of round flakes, far to near: each layer its own flake size, count,
opacity, focus blur (the near flakes out of focus, as a lens sees them) and motion streak
along the fall (`wind` degrees from vertical), composited as light over the picture:

    a_l          a layer's coverage: discs, gaussian-blurred, smeared by a line kernel
    out          out (1 - a_l) + FLAKE a_l, layer after layer, far first
    haze         out (1 - h) + HAZE h, h = HAZE_MAX * amount: the air thick with snow

Rain -- thin streaks along the fall, of several lengths and opacities, a light mist, and the
light a little dimmer, as under rain clouds.

Fog -- the scattering model a dehaze inverts (K. He, J. Sun, X. Tang, "Single image haze
removal using dark channel prior", CVPR 2009), run forward:

    t            exp(-FOG_DENSITY amount (FOG_NEAR + (1 - FOG_NEAR) d)), d = 1 at the top row, 0
                 at the bottom: no depth is measured, and the top of most photos is the farthest
    out          blur(in) (1 - t) + in t, then out t + FOG (1 - t): far detail softens too
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

import cv2
import numpy as np
import numpy.typing as npt
from pydantic import Field

from gouache.images import Image, image_digest
from gouache.ops._pixels import rgb_of, to_uint8, with_alpha_of
from gouache.ops.registry import OpContext, Operator, Params

FLAKE = np.array([250, 251, 255], dtype=np.float32)
HAZE = np.array([222, 228, 236], dtype=np.float32)
HAZE_MAX = 0.12
DROP = np.array([215, 222, 232], dtype=np.float32)
MIST_MAX = 0.08
RAIN_DIM = 0.1  # rain clouds take this share of the light at amount 1
RAIN_PER_MP = 9000  # streaks per megapixel at amount 1
SHIFT = 4  # cv2 drawing: coordinates in 1/16 px
FOG = np.array([226, 229, 233], dtype=np.float32)
FOG_DENSITY = 2.0
FOG_NEAR = 0.35  # the bottom row's share of the top's fog
FOG_SOFTEN = 0.004  # blur of the farthest detail, of the long side
BAND_PIXELS = 1 << 18  # pixels composited at once (memory, not results)
Plane = npt.NDArray[np.uint8]


@dataclass(frozen=True)
class Layer:
    """One depth of flakes: per megapixel at amount 1, radius (of the long side, and at
    least `min_radius` px), opacity, focus blur and streak length (of the long side)."""

    per_mp: float
    radius: float
    min_radius: float
    opacity: float
    blur: float
    streak: float


SNOW_LAYERS = (
    Layer(per_mp=9000, radius=0.0012, min_radius=0.7, opacity=0.55, blur=0.0006, streak=0.004),
    Layer(per_mp=2800, radius=0.0025, min_radius=1.2, opacity=0.8, blur=0.001, streak=0.008),
    Layer(per_mp=350, radius=0.006, min_radius=2.5, opacity=0.7, blur=0.004, streak=0.014),
)


class WeatherParams(Params):
    # 0..1: how heavy; 0.5 is a steady fall.
    amount: float = Field(default=0.5, gt=0.0, le=1.0)
    # Degrees the fall leans from vertical (positive: toward the right).
    wind: float = Field(default=12.0, ge=-60.0, le=60.0)
    seed: int = Field(default=0, ge=0)


def snow(image: Image, p: WeatherParams, ctx: OpContext) -> Image:
    """Three layers of falling flakes and a light haze (see the module doc). Each layer's
    coverage is drawn as bytes; the picture is composited a band of rows at a time."""
    rgb = rgb_of(image)
    height, width = rgb.shape[:2]
    long_side = max(height, width)
    megapixels = height * width / 1e6
    rng = _rng(image, p.seed)
    covers = []
    for layer in SNOW_LAYERS:
        count = rng.poisson(layer.per_mp * megapixels * p.amount)
        radius = max(layer.min_radius, layer.radius * long_side)
        cover = _flakes(height, width, count, radius, rng)
        cover = _blurred(cover, layer.blur * long_side)
        covers.append((_streaked(cover, layer.streak * long_side, p.wind), layer.opacity))
    haze = np.float32(HAZE_MAX * p.amount)
    out = np.empty_like(rgb)
    for rows in _bands(height, width):
        values = rgb[rows].astype(np.float32) * (1 - haze) + HAZE * haze
        for cover, opacity in covers:
            alpha = cover[rows].astype(np.float32) * np.float32(opacity / 255.0)
            values += (FLAKE - values) * alpha[:, :, None]
        out[rows] = to_uint8(values)
    return with_alpha_of(out, image)


def rain(image: Image, p: WeatherParams, ctx: OpContext) -> Image:
    """Thin streaks along the fall over a dimmer, misty picture (see the module doc)."""
    rgb = rgb_of(image)
    height, width = rgb.shape[:2]
    long_side = max(height, width)
    rng = _rng(image, p.seed)
    count = rng.poisson(RAIN_PER_MP * height * width / 1e6 * p.amount)
    streaks = np.zeros((height, width), dtype=np.uint8)
    angle = math.radians(p.wind)
    for _ in range(count):
        x, y = rng.uniform(-0.1 * width, 1.1 * width), rng.uniform(-0.1 * height, height)
        length = rng.uniform(0.03, 0.08) * long_side
        dx, dy = math.sin(angle) * length, math.cos(angle) * length
        start = (round(x * 16), round(y * 16))
        end = (round((x + dx) * 16), round((y + dy) * 16))
        strength = round(255 * float(rng.uniform(0.1, 0.32)))
        cv2.line(streaks, start, end, strength, 1, cv2.LINE_AA, SHIFT)
    streaks = _blurred(streaks, 0.0008 * long_side)
    keep = np.float32(1.0 - RAIN_DIM * p.amount)
    mist = np.float32(MIST_MAX * p.amount)
    out = np.empty_like(rgb)
    for rows in _bands(height, width):
        values = rgb[rows].astype(np.float32) * (keep * (1 - mist)) + DROP * mist
        alpha = streaks[rows].astype(np.float32) * np.float32(1.0 / 255.0)
        values += (DROP - values) * alpha[:, :, None]
        out[rows] = to_uint8(values)
    return with_alpha_of(out, image)


class FogParams(Params):
    # 0..1: how thick; 0.5 is a morning mist, 1 a fog that hides the far half.
    amount: float = Field(default=0.5, gt=0.0, le=1.0)


def fog(image: Image, p: FogParams, ctx: OpContext) -> Image:
    """Fog thickening toward the top of the frame (see the module doc)."""
    rgb = rgb_of(image)
    height, width = rgb.shape[:2]
    sigma = max(0.5, FOG_SOFTEN * max(height, width))
    soft = cv2.GaussianBlur(rgb, (0, 0), sigma)
    far = 1.0 - np.arange(height, dtype=np.float32) / np.float32(max(1, height - 1))
    depth = np.float32(FOG_NEAR) + np.float32(1.0 - FOG_NEAR) * far
    kept = np.exp(-np.float32(FOG_DENSITY * p.amount) * depth).astype(np.float32)
    out = np.empty_like(rgb)
    for rows in _bands(height, width):
        t = kept[rows][:, None, None]
        values = soft[rows].astype(np.float32) * (1 - t) + rgb[rows].astype(np.float32) * t
        out[rows] = to_uint8(values * t + FOG * (1 - t))
    return with_alpha_of(out, image)


def _rng(image: Image, seed: int) -> np.random.Generator:
    """The random stream of the seed and the picture: the same for the same picture and seed
    (a recipe redraws its weather), another on a picture already snowed on, so "add snow"
    twice adds new flakes instead of thickening the same ones."""
    picture = int(image_digest(image)[:16], 16)
    return np.random.default_rng([seed, picture])


def _bands(height: int, width: int) -> list[slice]:
    step = max(1, BAND_PIXELS // max(1, width))
    return [slice(top, min(height, top + step)) for top in range(0, height, step)]


def _flakes(height: int, width: int, count: int, radius: float, rng: Any) -> Plane:
    """`count` discs of about `radius` px at random places (a little above and beside the
    frame too, so the edges are as full as the middle), as coverage bytes."""
    plane = np.zeros((height, width), dtype=np.uint8)
    xs = rng.uniform(-radius, width + radius, count)
    ys = rng.uniform(-radius, height + radius, count)
    sizes = radius * rng.uniform(0.6, 1.4, count)
    for x, y, r in zip(xs, ys, sizes, strict=True):
        centre = (round(float(x) * 16), round(float(y) * 16))
        cv2.circle(plane, centre, max(1, round(float(r) * 16)), 255, -1, cv2.LINE_AA, SHIFT)
    return plane


def _blurred(plane: Plane, sigma: float) -> Plane:
    if sigma < 0.3:
        return plane
    return np.asarray(cv2.GaussianBlur(plane, (0, 0), sigma), dtype=np.uint8)


def _streaked(plane: Plane, length: float, wind: float) -> Plane:
    """`plane` smeared along the fall over `length` px (a line kernel): a streak keeps the
    flake's brightness where it passes (the sum over the kernel, times 3 / its length), and
    the flake itself at least 0.6 of it."""
    size = round(length) | 1
    if size < 3:
        return plane
    kernel = np.zeros((size, size), dtype=np.float32)
    centre = size // 2
    angle = math.radians(wind)
    dx, dy = math.sin(angle) * centre, math.cos(angle) * centre
    cv2.line(
        kernel,
        (round(centre - dx), round(centre - dy)),
        (round(centre + dx), round(centre + dy)),
        1.0,
        1,
        cv2.LINE_AA,
    )
    kernel *= np.float32(size / 3.0) / max(float(kernel.sum()), 1e-6)
    smeared = cv2.filter2D(plane, -1, kernel)
    return np.asarray(cv2.max(smeared, cv2.convertScaleAbs(plane, alpha=0.6)), dtype=np.uint8)


OPERATORS: list[Operator[Any]] = [
    Operator(
        name="snow",
        version="1.0.0",
        summary="falling snow: flakes at three depths, a little motion and haze (seeded)",
        params=WeatherParams,
        run=snow,
        keywords=(),  # read by gouache.planner.weather: falling snow, not snow on the ground
        examples=("add snow", "make it snow"),
    ),
    Operator(
        name="rain",
        version="1.0.0",
        summary="falling rain: thin streaks, a light mist, dimmer light (seeded)",
        params=WeatherParams,
        run=rain,
        keywords=(),
        examples=("make it rain", "add rain"),
    ),
    Operator(
        name="add_fog",
        version="1.0.0",
        summary="fog or mist: the picture fades into light grey, most toward the top",
        params=FogParams,
        run=fog,
        keywords=(),  # read by gouache.planner.weather: "fog" alone is dehaze's
        examples=("add some fog", "make it misty"),
    ),
]
