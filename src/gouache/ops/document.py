"""Document cleanup: a photographed or scanned page made easier to read.

    1. the paper: each channel's background b is estimated by a morphological closing with a
       disc wider than a stroke (`STROKE` of the shorter side), which removes dark text and
       keeps the paper, then smoothed;
    2. flattened: v' = v / b, so uneven light, shadows and a paper tint become white paper;
    3. text contrast: luma is stretched so the paper (its `PAPER` percentile) is white and
       the darkest ink (its `INK` percentile) black, with a gamma that darkens thin strokes;
    4. a light unsharp mask on the letters' edges.

`strength` blends the result with the original. The text must be darker than its paper (a
page, a receipt, a whiteboard photo); light text on a dark ground is refused in words.
"""

from __future__ import annotations

from typing import Any

import cv2
import numpy as np
from pydantic import Field

from gouache.errors import InvalidParameterError
from gouache.images import Image
from gouache.ops._pixels import LUMA_WEIGHTS, rgb_of, to_uint8, with_alpha_of
from gouache.ops.registry import OpContext, Operator, Params

STROKE = 0.03
PAPER = 40.0  # most of a page is paper: from here up it is white
INK = 0.5
GAMMA = 1.3
SHARPEN = 0.6


class DocumentParams(Params):
    strength: float = Field(default=1.0, gt=0.0, le=1.0)


def clean_document(image: Image, p: DocumentParams, ctx: OpContext) -> Image:
    rgb = rgb_of(image).astype(np.float32)
    luma = rgb @ LUMA_WEIGHTS
    if float(np.median(luma)) < 100.0:
        raise InvalidParameterError(
            "document: the picture is mostly dark; the cleanup needs dark text on light paper",
            op="document",
        )
    # 1. the paper under every pixel
    size = max(7, round(STROKE * min(rgb.shape[:2])) | 1)
    disc = cv2.getStructuringElement(cv2.MORPH_ELLIPSE, (size, size))
    paper = cv2.morphologyEx(rgb, cv2.MORPH_CLOSE, disc)
    paper = cv2.GaussianBlur(paper, (0, 0), size / 2)
    # 2. flattened: the paper becomes white
    flat = np.clip(rgb / np.maximum(paper, 1.0), 0.0, 1.2) * np.float32(255.0)
    # 3. ink black, paper white, thin strokes darker
    flat_luma = flat @ LUMA_WEIGHTS
    ink, white = np.percentile(flat_luma, [INK, PAPER])
    span = max(float(white - ink), 1.0)
    stretched = np.clip((flat_luma - ink) / span, 0.0, 1.0) ** np.float32(GAMMA) * 255.0
    gain = stretched / np.maximum(flat_luma, 1.0)
    out = flat * gain[..., None]
    # 4. crisper letter edges
    soft = cv2.GaussianBlur(out, (0, 0), 1.0)
    out = np.clip(out + np.float32(SHARPEN) * (out - soft), 0.0, 255.0)
    if p.strength < 1.0:
        out = rgb + np.float32(p.strength) * (out - rgb)
    ctx.notes.append("document: paper flattened to white, text contrast raised")
    return with_alpha_of(to_uint8(out), image)


OPERATORS: list[Operator[Any]] = [
    Operator(
        name="document",
        version="1.0.0",
        summary="clean up a page: even white paper, darker and crisper text",
        params=DocumentParams,
        run=clean_document,
        keywords=(
            "easier to read",
            "more readable",
            "readable",
            "legible",
            "more legible",
            "clean up the page",
            "clean up the document",
            "document",
            "whiten the paper",
            "easier to see the text",
            "text clearer",
            "text sharper",
        ),
        examples=("make the text easier to read", "clean up the document"),
    ),
]
