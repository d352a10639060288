"""One colour of a photo made more or less saturated, lighter or darker, or shifted in hue:
"make the reds more saturated", "the yellows are too strong", "make the blues deeper" (the
HSL panel of a photo editor, Snapseed's Selective colour).

Each pixel gets a weight w in 0..1 for the colour named, the product of:

    hue       1 inside the colour's span of HLS hue (the bands `replacecolor` names pixels
              by), falling to 0 over `FALLOFF` degrees either side (smoothstep), so
              neighbouring hues blend and no edge is posterised;
    chroma    max - min of the pixel's code values, from 0 at `CHROMA[0]` to 1 at `CHROMA[1]`
              (smoothstep): a grey has no hue to be named by and stays exactly grey;
    kind      brown is a dark red to orange (HSV value under `replacecolor.BROWN_VALUE`, unless
              a pure red), pink a pale red or a hue of its own band, so "the reds" are neither
              (ramps of `RAMP` either side of those thresholds).

    holes     w is then raised to its neighbours' in holes and gaps narrower than a disc of
              2 SPREAD of the longer side (a morphological closing: a straight edge of the
              colour does not move) where the pixel's own hue names no other colour: in fur the
              pixel weights flicker (a dark stripe too grey to be named, a light hair just
              over the brown/orange line), and the edit came out patchy (chelsea's "browns
              darker": the gain's fine-grain deviation 0.0130 before, 0.0060 after).

With w, in this order (float32, a band of rows at a time):

    into        the colour whose hue the pixels take: HLS hue + w * (turn - (1 - KEEP_SPREAD) * d),
                turn from the middle of the colour's span to the middle of `into`'s, d the
                pixel's hue less that middle (so "the reds to orange" land in orange's span
                even where the picture's reds lean to orange), lightness and saturation kept;
    hue         HLS hue + hue * w (degrees), lightness and saturation kept;
    saturation  v' = Y' + (v - Y') * k, k = 1 + saturation * w, Y' the pixel's luma (as the
                `saturation` operator does, so luma is kept), k held where a channel would clip
                (the hue stays);
    lightness   darker: v' = v * (1 + lightness * w); lighter: v' = 255 - (255 - v) * (1 -
                lightness * w).

A pixel of weight 0 is left exactly as it was; a colour the picture (almost) lacks is refused,
naming the colours it has (`shares`).
"""

from __future__ import annotations

from typing import Any, Literal, get_args

import cv2
import numpy as np
import numpy.typing as npt
from pydantic import Field

from gouache.errors import UnsupportedError
from gouache.images import Image
from gouache.ops._pixels import LUMA_WEIGHTS, rgb_of, to_uint8
from gouache.ops.recolor import hls_of
from gouache.ops.registry import OpContext, Operator, Params
from gouache.ops.replacecolor import BANDS, BROWN_VALUE, PALE_RED, PURE_RED

Hues = Literal["red", "orange", "yellow", "green", "cyan", "blue", "purple", "magenta", "pink",
               "brown"]  # fmt: skip
HUE_NAMES: tuple[str, ...] = get_args(Hues)
FALLOFF = 15.0  # degrees of hue over which a colour's weight falls from 1 to 0
CHROMA = (8.0, 32.0)  # code values of max - min: no weight below, full weight above
RAMP = 0.06  # half the width of the ramps around the brown, pure red and pale red thresholds
MAGENTA = (290.0, 330.0)  # between purple and pink, a span of its own
# A colour on fewer than this share of the pixels (at half weight or more) is not there.
MIN_SHARE = 0.01
SHARE_SIDE = 256  # the longer side the shares are measured at
# A subject's own colour covers this share of it, and this share of that colour is in it.
OWN_SHARE = (0.3, 0.8)
BAND_PIXELS = 1 << 18
SPREAD = 0.008  # of the longer side: the radius of the holes in a colour's weight filled
HOLES_SIDE = 1024
KEEP_SPREAD = 0.5  # of a colour's spread of hue about its middle, kept when turned `into` another


def _spans() -> dict[str, tuple[float, float]]:
    """Each colour's span of hue in degrees, from the named bands; red runs across 0°."""
    ends = [start for start, _ in BANDS[1:]] + [360.0]
    spans: dict[str, tuple[float, float]] = {}
    for (start, name), end in zip(BANDS, ends, strict=True):
        if name in spans:  # red again at the end of the wheel: one span through 0°
            spans[name] = (start, spans[name][1] + 360.0)
        else:
            spans[name] = (start, end)
    spans["magenta"] = MAGENTA
    return spans


SPANS = _spans()


class AdjustColorParams(Params):
    hues: Hues  # the colour whose pixels change
    saturation: float = Field(default=0.0, ge=-1.0, le=2.0)  # -1: grey, +0.3: 30 % more
    lightness: float = Field(default=0.0, ge=-1.0, le=1.0)  # -1: black, +1: white
    hue: float = Field(default=0.0, ge=-90.0, le=90.0)  # degrees along the colour wheel
    into: Hues | None = None  # the colour whose hue the pixels take (module doc)


def adjust_color(image: Image, p: AdjustColorParams, ctx: OpContext) -> Image:
    """The picture with the pixels of colour `p.hues` adjusted (module doc)."""
    # 1. the colour is there, on enough of the picture to edit
    found = shares(image)
    if found.get(p.hues, 0.0) < MIN_SHARE:
        raise UnsupportedError(absent(p.hues, found), backend="operators")
    # 2. band by band: each pixel's weight, then hue, saturation and lightness by it
    rgb = rgb_of(image)
    out = image.copy()
    height, width = rgb.shape[:2]
    step = max(1, BAND_PIXELS // max(width, 1))
    spread = taken_weights(rgb, p.hues)
    for top in range(0, height, step):
        rows = slice(top, min(height, top + step))
        band = rgb[rows]
        hls = hls_of(band)
        weight = spread[rows]
        taken = weight > 0.0
        if not taken.any():
            continue
        if taken.mean() < 0.5:  # only the pixels taken, as a row: gathering them is dear
            new = _adjusted(
                band[taken][None].astype(np.float32), hls[taken][None], weight[taken][None], p
            )
            out[rows][taken, :3] = to_uint8(new[0])
        else:
            new = _adjusted(band.astype(np.float32), hls, weight, p)
            np.copyto(out[rows, :, :3], to_uint8(new), where=taken[..., None])
    ctx.notes.append(
        f"adjust_color: the {p.hues} pixels ({100 * found[p.hues]:.3g} % of the picture) "
        "adjusted, fading out toward the neighbouring hues and greys; every other pixel unchanged"
    )
    return out


def _adjusted(
    rgb: npt.NDArray[np.float32],
    hls: npt.NDArray[np.float32],
    weight: npt.NDArray[np.float32],
    p: AdjustColorParams,
) -> npt.NDArray[np.float32]:
    """The band's pixels after the hue, saturation and lightness steps (module doc)."""
    w = weight[..., None]
    if p.hue or p.into is not None:
        turned = hls.copy()
        turned[..., 0] = np.mod(hls[..., 0] + _turn(hls[..., 0], p) * weight, np.float32(360.0))
        rgb = np.asarray(cv2.cvtColor(turned, cv2.COLOR_HLS2RGB)) * np.float32(255.0)
    if p.saturation:
        luma = (rgb @ LUMA_WEIGHTS)[..., None]
        away = rgb - luma
        k = np.float32(1.0) + np.float32(p.saturation) * w
        if p.saturation > 0:  # no further than the top channel to 255 or the bottom one to 0
            top, bottom = _extremes(away)
            room = np.minimum(
                (255.0 - luma) / np.maximum(top, 1e-6)[..., None],
                luma / np.maximum(-bottom, 1e-6)[..., None],
            )
            k = np.minimum(k, np.maximum(room, 1.0))
        rgb = luma + away * k
    if p.lightness < 0:
        rgb = rgb * (np.float32(1.0) + np.float32(p.lightness) * w)
    elif p.lightness > 0:
        rgb = np.float32(255.0) - (np.float32(255.0) - rgb) * (
            np.float32(1.0) - np.float32(p.lightness) * w
        )
    return np.asarray(rgb, dtype=np.float32)


def middle(name: str) -> float:
    """The middle of a colour's span of hue, in degrees (brown's is orange's)."""
    start, end = SPANS["orange" if name == "brown" else name]
    return (start + end) / 2 % 360.0


def _turn(hue: npt.NDArray[np.float32], p: AdjustColorParams) -> npt.NDArray[np.float32]:
    """Each pixel's turn of hue at full weight: `p.hue`, and into `p.into` (module doc)."""
    turn = np.full_like(hue, np.float32(p.hue))
    if p.into is not None:
        start = middle(p.hues)
        apart = (middle(p.into) - start + 180.0) % 360.0 - 180.0
        off = np.mod(hue - np.float32(start) + np.float32(180.0), np.float32(360.0)) - 180.0
        turn += np.float32(apart) - np.float32(1.0 - KEEP_SPREAD) * off
    return turn


def taken_weights(rgb: Image, name: str) -> npt.NDArray[np.float32]:
    """Each pixel's weight in the edit of colour `name`: its own (`weights`), raised toward
    its neighbours' where its hue names no other colour (module doc, "holes")."""
    height, width = rgb.shape[:2]
    own = np.empty((height, width), dtype=np.float32)
    allowed = np.empty((height, width), dtype=np.float32)
    step = max(1, BAND_PIXELS // max(width, 1))
    family = {"brown": ("red", "orange"), "pink": ("pink", "red")}.get(name, (name,))
    for top in range(0, height, step):
        rows = slice(top, min(height, top + step))
        band = rgb[rows]
        hls = hls_of(band)
        own[rows] = weights(band, hls, name)
        high, low = _extremes(band.astype(np.float32))
        # inside the colour's own span, not its falloff: yellow-green by brown fur is not taken
        hue = np.max([_in_span(hls[..., 0], SPANS[f], falloff=0.0) for f in family], axis=0)
        allowed[rows] = 1.0 - _smooth(high - low, *CHROMA) * (1.0 - hue)
    # filled at HOLES_SIDE px at most on the longer side (a wide disc on 12 MP takes seconds)
    scale = min(1.0, HOLES_SIDE / max(height, width))
    side = 2 * round(SPREAD * max(height, width) * scale) + 1
    if side < 3:
        return own
    disc = cv2.getStructuringElement(cv2.MORPH_ELLIPSE, (side, side))
    if scale < 1.0:
        size = (max(1, round(width * scale)), max(1, round(height * scale)))
        small = cv2.resize(own, size, interpolation=cv2.INTER_AREA)
        closed = cv2.morphologyEx(small, cv2.MORPH_CLOSE, disc)
        near = np.asarray(cv2.resize(closed, (width, height), interpolation=cv2.INTER_LINEAR))
    else:
        near = np.asarray(cv2.morphologyEx(own, cv2.MORPH_CLOSE, disc), dtype=np.float32)
    return np.asarray(np.maximum(own, near * allowed), dtype=np.float32)


def weights(rgb: Image, hls: npt.NDArray[np.float32], name: str) -> npt.NDArray[np.float32]:
    """How much each pixel is of the colour `name`, 0..1 (module doc)."""
    high, low = _extremes(rgb)
    top, bottom = high.astype(np.float32), low.astype(np.float32)
    hue = hls[..., 0]
    if name not in ("red", "orange", "brown", "pink"):
        kind = _in_span(hue, SPANS[name])
    elif name == "pink":
        pale = _smooth(hls[..., 1], PALE_RED - RAMP, PALE_RED + RAMP)
        kind = np.maximum(_in_span(hue, SPANS["pink"]), _in_span(hue, SPANS["red"]) * pale)
    else:
        dark = _smooth(top, 255 * (BROWN_VALUE + RAMP), 255 * (BROWN_VALUE - RAMP))
        if name == "orange":
            kind = _in_span(hue, SPANS["orange"]) * (1 - dark)
        else:
            pure = _smooth((top - bottom) / np.maximum(top, 1.0), PURE_RED - RAMP, PURE_RED + RAMP)
            red = _in_span(hue, SPANS["red"])
            if name == "red":
                pale = _smooth(hls[..., 1], PALE_RED - RAMP, PALE_RED + RAMP)
                kind = red * (1 - dark * (1 - pure)) * (1 - pale)
            else:  # brown
                kind = np.maximum(red * (1 - pure), _in_span(hue, SPANS["orange"])) * dark
    return np.asarray(kind * _smooth(top - bottom, *CHROMA), dtype=np.float32)


def _extremes(x: npt.NDArray[Any]) -> tuple[npt.NDArray[Any], npt.NDArray[Any]]:
    """The largest and smallest of each pixel's three channels (elementwise: a reduction over
    a last axis of 3 is several times slower)."""
    r, g, b = x[..., 0], x[..., 1], x[..., 2]
    return np.maximum(np.maximum(r, g), b), np.minimum(np.minimum(r, g), b)


def _in_span(
    hue: npt.NDArray[np.float32], span: tuple[float, float], falloff: float = FALLOFF
) -> npt.NDArray[np.float32]:
    """1 inside the span of hue, falling smoothly to 0 over `falloff` degrees outside it."""
    start, end = span
    middle, half = (start + end) / 2, (end - start) / 2
    # the distance round the wheel from the span's middle, less its half-width
    apart = np.abs(np.mod(hue - np.float32(middle - 180.0), 360.0) - 180.0)
    if falloff <= 0.0:
        return np.asarray(apart <= half, dtype=np.float32)
    return _smooth(apart, half + falloff, half)


def _smooth(
    x: npt.NDArray[np.floating[Any]], edge0: float, edge1: float
) -> npt.NDArray[np.float32]:
    """Smoothstep from 0 at edge0 to 1 at edge1 (either way round)."""
    t = np.clip((x - np.float32(edge0)) / np.float32(edge1 - edge0), 0.0, 1.0)
    return np.asarray(t * t * (3.0 - 2.0 * t), dtype=np.float32)


def shares(image: Image) -> dict[str, float]:
    """The share of the picture's pixels that are each colour at half weight or more, measured
    at SHARE_SIDE px on the longer side."""
    rgb = _small(rgb_of(image))
    hls = hls_of(rgb)
    return {name: float((weights(rgb, hls, name) >= 0.5).mean()) for name in HUE_NAMES}


def own_colour(image: Image, mask: npt.NDArray[np.bool_]) -> str | None:
    """The colour of the pixels in `mask` (a subject) that is almost only there: on OWN_SHARE[0]
    of them or more, OWN_SHARE[1] of its pixels in the picture inside the mask; None for none
    (the petals of a flower on leaves have one, a tabby on a brown floor none)."""
    rgb = _small(rgb_of(image))
    inside = cv2.resize(mask.view(np.uint8), rgb.shape[1::-1], interpolation=cv2.INTER_NEAREST) > 0
    if not inside.any():
        return None
    hls = hls_of(rgb)
    best, most = None, OWN_SHARE[0]
    for name in HUE_NAMES:
        taken = weights(rgb, hls, name) >= 0.5
        within = float((taken & inside).sum())
        if within >= most * inside.sum() and within >= OWN_SHARE[1] * taken.sum():
            best, most = name, within / inside.sum()
    return best


def _small(rgb: Image) -> Image:
    """`rgb` at SHARE_SIDE px on its longer side, if it is larger."""
    scale = min(1.0, SHARE_SIDE / max(rgb.shape[:2]))
    if scale == 1.0:
        return rgb
    size = (max(1, round(rgb.shape[1] * scale)), max(1, round(rgb.shape[0] * scale)))
    return np.asarray(cv2.resize(rgb, size, interpolation=cv2.INTER_AREA))


def present(found: dict[str, float]) -> list[str]:
    """The colours there, most pixels first."""
    there = [name for name in HUE_NAMES if found.get(name, 0.0) >= MIN_SHARE]
    return sorted(there, key=lambda name: -found[name])


def absent(name: str, found: dict[str, float]) -> str:
    """Why a colour the picture lacks cannot be adjusted, and the colours it has."""
    there = present(found)
    if not there:
        return (
            f"there is no {name} in this picture, nor any other colour strong enough to pick "
            "out: it is black and white, or nearly grey all over"
        )
    listed = ", ".join(there[:-1]) + f" and {there[-1]}" if len(there) > 1 else there[0]
    return (
        f"there is almost no {name} in this picture ({100 * found.get(name, 0.0):.2g} % of it); "
        f"its colours are {listed}"
    )


OPERATORS: list[Operator[Any]] = [
    Operator(
        name="adjust_color",
        version="1.2.0",
        summary="one colour of a photo more or less saturated, lighter or darker, or shifted",
        params=AdjustColorParams,
        run=adjust_color,
        grade=True,
        # read through a colour named and an edit of it ("make the reds more saturated")
        keywords=(),
        examples=("make the reds more saturated", "the yellows are too strong"),
        global_edit=False,
    ),
]
