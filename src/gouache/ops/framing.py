"""Framing without being told numbers: straighten a tilted picture, and crop to the subject.

auto_straighten measures the tilt from the picture's dominant straight lines with
                `analysis.measures.tilt` (the measure `gouache suggest` uses too), then rotates
                by its opposite and crops to the largest upright rectangle. A picture
                with no such lines, or already level within `MIN_TILT`, is refused with the
                measured tilt named: nothing is turned on a guess.
crop_subject    the GrabCut subject's box, grown by `margin` of its size on every side.
"""

from __future__ import annotations

from typing import Any

import numpy as np
from pydantic import Field

from gouache.analysis.measures import MAX_TILT, luma, tilt
from gouache.errors import InvalidParameterError
from gouache.images import Image
from gouache.ops import geometry
from gouache.ops.registry import OpContext, Operator, Params

MIN_TILT = 0.4  # degrees: under this the picture is level already
# "centre the subject": within this share of the picture of the middle, it is there already;
# a window under MIN_CENTRED of the picture's size (a subject at the edge) is refused.
CENTRED = 0.04
MIN_CENTRED = 0.4


class StraightenParams(Params):
    # Lines within this many degrees of horizontal or vertical are taken as tilted ones.
    max_tilt: float = Field(default=MAX_TILT, gt=0.0, le=30.0)


class CropSubjectParams(Params):
    # Room around the subject's box, as a share of its size on each side.
    margin: float = Field(default=0.08, ge=0.0, le=1.0)
    # Instead: the largest crop of the picture's own shape with the subject in its middle.
    centre: bool = False


def straighten(image: Image, p: StraightenParams, ctx: OpContext) -> Image:
    turned = tilt(luma(image), p.max_tilt)
    if turned is None:
        raise InvalidParameterError(
            "auto_straighten: no horizon or straight edge to level by was found; to turn it "
            'anyway say how far, e.g. "rotate 2 degrees clockwise"',
            op="auto_straighten",
        )
    if abs(turned) < MIN_TILT:
        raise InvalidParameterError(
            f"auto_straighten: the picture is straight already (tilt {turned:+.1f}°); to turn it "
            'anyway say how far, e.g. "rotate 2 degrees clockwise"',
            op="auto_straighten",
        )
    ctx.notes.append(
        f"auto_straighten: tilted {abs(turned):.1f}° {'' if turned > 0 else 'counter-'}clockwise, "
        f"rotated {abs(turned):.1f}° back and cropped to the level rectangle"
    )
    # the rotate operator turns clockwise for positive degrees
    return geometry.rotate(image, geometry.RotateParams(degrees=-turned, fit="crop"), ctx)


def crop_subject(image: Image, p: CropSubjectParams, ctx: OpContext) -> Image:
    subject = ctx.analysis(image).subject
    box = subject.box
    if box is None or not subject.mask.any():
        raise InvalidParameterError(
            "crop_subject: no subject stands out in this picture to zoom in on",
            op="crop_subject",
        )
    h, w = image.shape[:2]
    if p.centre:
        return _centred(image, box.x + box.w / 2, box.y + box.h / 2, ctx)
    dx, dy = p.margin * box.w, p.margin * box.h
    x0, y0 = max(0, int(box.x - dx)), max(0, int(box.y - dy))
    x1, y1 = min(w, int(np.ceil(box.right + dx))), min(h, int(np.ceil(box.bottom + dy)))
    if (x1 - x0) * (y1 - y0) >= 0.95 * w * h:
        raise InvalidParameterError(
            "crop_subject: the subject fills the picture already; nothing to zoom in on",
            op="crop_subject",
        )
    found = "every object on the plain ground" if subject.method == "ground" else "GrabCut"
    ctx.notes.append(f"crop_subject: the subject found by {found} ({subject.method})")
    return np.ascontiguousarray(image[y0:y1, x0:x1])


def _centred(image: Image, cx: float, cy: float, ctx: OpContext) -> Image:
    """The largest crop of `image`'s own aspect whose middle is (cx, cy)."""
    h, w = image.shape[:2]
    # the window's half-size, as a share of the picture's, reaching the nearest edge
    share = min(cx / (w / 2), (w - cx) / (w / 2), cy / (h / 2), (h - cy) / (h / 2), 1.0)
    if share >= 1.0 - CENTRED:
        raise InvalidParameterError(
            "crop_subject: the subject is in the middle already (within "
            f"{CENTRED:.0%} of the picture); 'zoom in on the subject' crops closer",
            op="crop_subject",
        )
    if share < MIN_CENTRED:
        raise InvalidParameterError(
            "crop_subject: the subject stands at the picture's edge, so a crop around it "
            f"would keep only {share * share:.0%} of the picture; 'zoom in on the subject' "
            "crops to it, 'extend to 16:9' adds room",
            op="crop_subject",
        )
    half_w, half_h = share * w / 2, share * h / 2
    x0, y0 = max(0, round(cx - half_w)), max(0, round(cy - half_h))
    x1, y1 = min(w, round(cx + half_w)), min(h, round(cy + half_h))
    ctx.notes.append(
        f"crop_subject: {(x1 - x0) * (y1 - y0) / (w * h):.0%} of the picture kept, the "
        "subject's box in its middle"
    )
    return np.ascontiguousarray(image[y0:y1, x0:x1])


OPERATORS: list[Operator[Any]] = [
    Operator(
        name="auto_straighten",
        version="1.0.0",
        summary="level a tilted horizon or wall (the tilt is measured), cropped to fit",
        params=StraightenParams,
        run=straighten,
        examples=("straighten it", "level the horizon"),
        geometry=True,
    ),
    Operator(
        name="crop_subject",
        version="1.1.0",
        summary="crop (zoom in) to the main subject, or around it to put it in the middle",
        params=CropSubjectParams,
        run=crop_subject,
        examples=("zoom in on the subject", "crop so the subject is in the middle"),
        geometry=True,
    ),
]
