"""Phrase rules for the operators that bring attached images in: a pasted subject, a collage,
a picture in picture, a logo. Which image is the planner's to resolve (`references.py`).

    paste_subject        position anywhere (center unless named); height: small 0.3,
                         medium 0.5, large 0.8 of the picture, or "20 %"; "seamless" or
                         "blend" pastes by Poisson blending
    collage              "grid", "stacked" (on top of each other), else side by side;
                         "no gap"; a colour for the background
    picture_in_picture   a corner (bottom right unless named); width: small 0.2, medium 0.3,
                         large 0.45, or "25 %"; "no border", or the border's colour
    logo                 a corner (bottom right unless named); "50 % opacity" or "50 %
                         transparent"; width: small 0.1, medium 0.15, large 0.25, or "20 %
                         wide". A bare percentage could be either, so it is a problem to state.
"""

from __future__ import annotations

import re
from typing import Any

from gouache.planner import comparatives
from gouache.planner.clauses import has, quote_index
from gouache.planner.phrases import Clause, Draft, Rule, position_of
from gouache.planner.vocabulary import negated

_CORNERS = ("top left", "top right", "bottom left", "bottom right")
_PERCENT = r"(\d+(?:\.\d+)?)\s*(?:%|percent\b|per cent\b)"


def _size(c: Clause, words: dict[str, float]) -> float | None:
    """A size word, or a percentage; None when the clause states neither."""
    match = re.search(_PERCENT, c.text)
    if match is not None:
        return float(match.group(1)) / 100
    for word, value in words.items():
        if has(c.text, word):
            return value
    return None


def _corner(c: Clause, op: str, params: dict[str, Any]) -> Draft | None:
    """`params` with the corner named, or a draft stating the problem for a side."""
    position = position_of(c.text)
    if position is None:
        return Draft(op, params)
    if position not in _CORNERS:
        where = op.replace("_", " ")
        return Draft(op, problem=f"a {where} goes in a corner: top left, top right, bottom left "
                     "or bottom right")  # fmt: skip
    return Draft(op, params | {"position": position})


def _paste_subject(c: Clause) -> Draft | None:
    if quote_index(c.text) is not None:
        return None  # 'place "Hi" at the top' is text, not a subject
    params: dict[str, Any] = {}
    position = position_of(c.text)
    if position is not None:
        params["position"] = position
    scale = _size(c, {"tiny": 0.15, "small": 0.3, "medium": 0.5, "large": 0.8, "big": 0.8})
    if scale is not None:
        params["scale"] = scale
    if any(has(c.text, w) for w in ("seamless", "seamlessly", "blend", "blended")):
        params["method"] = "seamless"
    return Draft("paste_subject", params)


def _collage(c: Clause) -> Draft | None:
    params: dict[str, Any] = {}
    if has(c.text, "grid"):
        params["layout"] = "grid"
    elif re.search(r"\b(?:stack|stacked|on top of each other|one above the other|vertically)\b",
                   c.text):  # fmt: skip
        params["layout"] = "stacked"
    if re.search(r"\b(?:no|without)\s+(?:a\s+)?(?:gaps?|space|spacing)\b", c.text):
        params["gap"] = 0.0
    else:
        gap = _size(c, {})
        if gap is not None:
            params["gap"] = gap
    if c.colors:
        params["background"] = c.colors[0].rgb
    return Draft("collage", params)


def _picture_in_picture(c: Clause) -> Draft | None:
    params: dict[str, Any] = {}
    scale = _size(c, {"small": 0.2, "medium": 0.3, "large": 0.45, "big": 0.45})
    if scale is not None:
        params["scale"] = scale
    if re.search(r"\b(?:no|without)\s+(?:a\s+)?(?:border|frame)\b|\bborderless\b", c.text):
        params["border"] = None
    elif c.colors:
        params["border"] = c.colors[0].rgb
    return _corner(c, "picture_in_picture", params)


# A logo is put on ("add my logo", "logo bottom right"); "make the logo blue", a colour and no
# verb that puts anything on, is an edit of a logo already in the picture.
_PLACES = re.compile(
    r"\b(?:add|put|place|paste|insert|stamp|overlay|drop|include|watermark|brand|use)\b"
)


def _logo(c: Clause) -> Draft | None:
    if c.colors and not _PLACES.search(c.text):
        return Draft("recolor", {"color": c.colors[0].rgb})  # "make the logo blue"
    params: dict[str, Any] = {}
    text = c.text
    opacity = re.search(_PERCENT + r"\s*(opacity|opaque|transparent|transparency)\b", text)
    opacity = opacity or re.search(r"\bopacity\s*(?:of\s*)?" + _PERCENT + "()", text)
    if opacity is not None:
        value = float(opacity.group(1)) / 100
        transparent = opacity.group(2) in ("transparent", "transparency")
        params["opacity"] = round(1 - value if transparent else value, 4)
        text = text[: opacity.start()] + text[opacity.end() :]
    elif re.search(r"\bsemi\s*transparent\b", text):
        params["opacity"] = 0.5
    width = re.search(_PERCENT + r"\s*(?:wide|width|of the width|size|across)\b", text)
    if width is not None:
        params["scale"] = float(width.group(1)) / 100
    elif re.search(_PERCENT, text):
        return Draft(
            "logo",
            problem='say whether the percentage is the opacity ("at 50 % opacity") or the width '
            '("20 % wide")',
        )
    else:
        for word, value in {"small": 0.1, "medium": 0.15, "large": 0.25, "big": 0.25}.items():
            if has(text, word):
                params["scale"] = value
    return _corner(c, "logo", params)


# drop_shadow's default distance (a share of the shorter side)
SHADOW_DISTANCE = 0.02
_UNDER = re.compile(r"\b(?:under|underneath|below|beneath)\b")
_FARTHER = re.compile(r"\b(?:bigger|larger|longer|long|further|farther|deeper)\b")
_NEARER = re.compile(r"\b(?:smaller|shorter|closer|tighter)\b")


def _drop_shadow(c: Clause) -> Draft | None:
    """ "add a drop shadow", "a soft shadow to the bottom left", "a hard red shadow"."""
    if negated(c.rest):
        return None  # "remove the shadow" is not this
    if len({m.rgb for m in c.colors}) > 1:
        return None
    # "a darker shadow": one shadow, more opaque
    stated = comparatives.scale("drop_shadow", c.plain) or c.factor
    params: dict[str, Any] = {"opacity": round(min(1.0, 0.5 * stated), 4)}
    # "a bit bigger shadow", "a long shadow": the intensity says how far it falls, not how dark
    if _FARTHER.search(c.text):
        params = {"distance": round(min(0.2, SHADOW_DISTANCE * (1.0 + min(2.0, c.factor))), 4)}
    elif _NEARER.search(c.text):
        params = {"distance": round(SHADOW_DISTANCE / (1.0 + min(2.0, c.factor)), 4)}
    where = position_of(c.text)
    if where is not None and where != "center":
        params["direction"] = where
    elif _UNDER.search(c.text):  # "a shadow underneath": straight down
        params["direction"] = "bottom"
    if has(c.text, "soft") or has(c.text, "softer") or has(c.text, "subtle"):
        params["softness"] = 0.03
    elif has(c.text, "hard") or has(c.text, "sharp") or has(c.text, "crisp"):
        params["softness"] = 0.003
    if c.colors:
        params["color"] = c.colors[0].rgb
    return Draft("drop_shadow", params)


RULES: dict[str, Rule] = {
    "drop_shadow": _drop_shadow,
    "paste_subject": _paste_subject,
    "collage": _collage,
    "picture_in_picture": _picture_in_picture,
    "logo": _logo,
}
