"""Phrase rules for looks and for the canvas: restoring, colours from another image, graphic
styles, extending and upscaling.

    restore, sketch, cartoon, watercolor   strength 1, or a percentage, or an intensity word
                                           below 1 ("a light sketch": 0.5)
    oil_paint                              the same strength; "big brush", "thick strokes":
                                           brush 2, "fine brush", "small strokes": 0.6
    color_transfer                         the image named; "histogram" picks that method
    posterize                              levels: "4 levels", "posterize to 6"
    pixel_art                              block 1.5 % of the longer side, times an intensity
                                           word ("big pixels": 3 %); "16 colours"
    halftone                               cell 1.2 %, times an intensity word
    duotone                                two colours, the darker for the shadows
    extend                                 an aspect ratio; "with white" fills with a colour,
                                           "inpaint" fills by inpainting; the side named gets
                                           the new room ("extend to the right": anchor left)
    upscale                                2x unless "4x" (or "4 times", "400 %"); any other
                                           factor is a problem: only 2x and 4x exist
"""

from __future__ import annotations

import re
from dataclasses import replace
from typing import Any

from gouache.planner.clauses import bare_number, has, number_after, number_before, percent
from gouache.planner.phrases import Clause, Draft, Rule, aspect_of, luma, position_of


def _strength(op: str) -> Rule:
    def rule(c: Clause) -> Draft | None:
        value = percent(c.text)
        if value is not None:
            return Draft(op, {"strength": value.value})
        return Draft(op, {"strength": min(1.0, c.factor)} if c.factor < 1 else {})

    return rule


_BROAD = ("big brush", "broad brush", "thick brush", "large brush", "thick strokes",
          "big strokes", "broad strokes", "bold strokes", "chunky")  # fmt: skip
_FINE = ("fine brush", "small brush", "thin brush", "fine strokes", "small strokes",
         "thin strokes", "fine detail", "detailed")  # fmt: skip


def _oil_paint(c: Clause) -> Draft | None:
    draft = _strength("oil_paint")(c)
    if draft is None:
        return None
    if any(has(c.text, w) for w in _BROAD):
        return replace(draft, params={**draft.params, "brush": 2.0})
    if any(has(c.text, w) for w in _FINE):
        return replace(draft, params={**draft.params, "brush": 0.6})
    return draft


def _color_transfer(c: Clause) -> Draft | None:
    params: dict[str, Any] = {}
    if has(c.text, "histogram"):
        params["method"] = "histogram"
    value = percent(c.text)
    if value is not None or c.factor < 1:
        params["strength"] = value.value if value else c.factor
    return Draft("color_transfer", params)


def _posterize(c: Clause) -> Draft | None:
    levels = number_before(c.text, r"levels?|colou?rs|tones|steps") or bare_number(c.text)
    if levels is None:
        return Draft("posterize")
    if levels.decimal:
        return None
    return Draft("posterize", {"levels": int(levels.value)})


def _pixel_art(c: Clause) -> Draft | None:
    params: dict[str, Any] = {}
    if c.factor != 1 or has(c.text, "chunky"):
        params["block"] = round(0.015 * (2.0 if has(c.text, "chunky") else c.factor), 4)
    colors = number_before(c.text, r"colou?rs")
    if colors is not None:
        params["colors"] = int(colors.value)
    return Draft("pixel_art", params)


def _halftone(c: Clause) -> Draft | None:
    factor = 0.5 if has(c.text, "fine") else 2.0 if has(c.text, "coarse") else c.factor
    return Draft("halftone", {"cell": round(0.012 * factor, 4)} if factor != 1 else {})


def _duotone(c: Clause) -> Draft | None:
    if not c.colors:
        return Draft("duotone")
    if len(c.colors) != 2:
        return Draft("duotone", problem='a duotone needs two colours, e.g. "duotone navy and gold"')
    dark, light = sorted((m.rgb for m in c.colors), key=luma)
    return Draft("duotone", {"dark": dark, "light": light})


_OPPOSITE = {"left": "right", "right": "left", "top": "bottom", "bottom": "top"}


def _extend(c: Clause) -> Draft | None:
    aspect = aspect_of(c.text)
    if aspect is None:
        return Draft("extend", problem='say the aspect ratio to extend to, e.g. "extend to 16:9"')
    params: dict[str, Any] = {"aspect": aspect}
    if c.colors:
        params |= {"fill": "color", "color": c.colors[0].rgb}
    elif has(c.text, "inpaint") or has(c.text, "inpainting"):
        params["fill"] = "inpaint"
    side = position_of(c.text)
    if side in _OPPOSITE:
        params["anchor"] = _OPPOSITE[side]
    elif side is not None:
        return None  # a corner or the centre is not a side to extend
    return Draft("extend", params)


def _upscale(c: Clause) -> Draft | None:
    params: dict[str, Any] = {}
    if has(c.text, "lanczos"):
        params["engine"] = "lanczos"
    elif any(has(c.text, w) for w in ("realesrgan", "esrgan", "real esrgan", "ai")):
        params["engine"] = "realesrgan"
    value = percent(c.text)
    times = number_before(c.text, r"x|times") or number_after(c.text, r"x|by|factor")
    factor = value.value if value else times.value if times else None
    if factor is None and any(has(c.text, w) for w in ("double", "twice")):
        factor = 2.0
    if factor is None and has(c.text, "quadruple"):
        factor = 4.0
    if factor is None:
        return Draft("upscale", params)
    if factor not in (2.0, 4.0):
        return Draft(
            "upscale",
            problem=f'upscaling goes 2x or 4x only, not {factor:g}x; for another size say "resize '
            f'by {factor:g}x"',
        )
    return Draft("upscale", params | {"factor": int(factor)})


# "remove the dust and scratches", "clean up the scratches" ask for those alone; "restore
# this old photo", "repair the damage", "clean up this old photo" for the whole restoration
# (its contrast and colour too)
_MARKS = re.compile(r"\b(?:dust|dusty|specks?|scratch(?:es|ed)?|spots?|marks?|blemish(?:es)?)\b")
_WHOLE = re.compile(r"\b(?:restor(?:e|ed|ation)|faded|fade|colou?rs?|contrast|damage|damaged)\b")


def _restore(c: Clause) -> Draft | None:
    draft = _strength("restore")(c)
    if draft is None or _MARKS.search(c.text) is None or _WHOLE.search(c.text) is not None:
        return draft
    return replace(draft, params={**draft.params, "marks_only": True})


RULES: dict[str, Rule] = {
    "restore": _restore,
    "color_transfer": _color_transfer,
    "sketch": _strength("sketch"),
    "cartoon": _strength("cartoon"),
    "watercolor": _strength("watercolor"),
    "oil_paint": _oil_paint,
    "posterize": _posterize,
    "pixel_art": _pixel_art,
    "halftone": _halftone,
    "duotone": _duotone,
    "extend": _extend,
    "upscale": _upscale,
}
