"""What the user asked for must survive the critique loop.

A guideline's corrections are applied on top of the user's plan, never in its place. Two
things keep them honest:

- `RequestCheck` measures, on a candidate, that the user's own steps still show: a caption
  is read back by the OCR (the same matching as `RequiredText`), a warmer / cooler request
  moved R - B (code values) the asked way by at least WARMTH_MIN against the source,
  brighter / darker moved the luma by at least BRIGHTNESS_MIN (each the median of the
  per-pixel change, so what a correction adds in a corner does not count), black and white
  left at most GREY_MAX of saturation. Steps it has no measure for count as kept.
- `conflicts` names the corrections that would undo a step of the request: a required text
  or a forbidden word against the user's own caption, a palette's colour transfer or an
  exposure fix against a colour or tone step, sharpening against a blur. The loop then keeps
  the request, or applies the correction, as `prefer` says, and its reply says which.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Literal

import numpy as np

from gouache.analysis.cache import AnalysisCache
from gouache.analysis.measures import luma
from gouache.images import Image
from gouache.ops.plan import EditPlan, Step

Prefer = Literal["request", "guideline"]

# Below these a step is taken not to show (code values, 0..255).
WARMTH_MIN = 2.0
BRIGHTNESS_MIN = 2.0
# Black and white: the mean of max(R, G, B) - min(R, G, B), code values.
GREY_MAX = 6.0

COLOUR_OPS = frozenset(
    {"warmth", "saturation", "grayscale", "sepia", "tint", "duotone", "look", "color_transfer"}
)
TONE_OPS = frozenset({"brightness", "contrast", "exposure", "look", "warmth", "auto_enhance"})
SOFT_OPS = frozenset({"blur", "blur_background", "blur_faces", "denoise", "watercolor"})
TEXT_OPS = frozenset({"caption", "replace_text"})

Band = Literal["top", "bottom", "center"]
# Where new text may go, as shares of the height, in the order they are tried.
BANDS: dict[Band, tuple[float, float]] = {
    "top": (0.0, 0.22),
    "bottom": (0.78, 1.0),
    "center": (0.4, 0.6),
}


@dataclass(frozen=True)
class RequestCheck:
    """Whether each measurable step of a plan still shows in an image (see the docstring)."""

    plan: EditPlan
    source: Image

    def failures(self, image: Image, analyses: AnalysisCache) -> list[str]:
        """What of the request no longer shows in `image`; [] when all of it does. An image
        in another frame (a correction cropped it) is compared with the source cut to that
        frame the same way (centred, then resized)."""
        source = _in_frame(self.source, image.shape[1], image.shape[0])
        lost: list[str] = []
        for step in self.plan.steps:
            problem = self._step(step, image, source, analyses)
            if problem:
                lost.append(problem)
        return lost

    def _step(self, step: Step, image: Image, source: Image, analyses: AnalysisCache) -> str:
        params = step.params
        if step.op in TEXT_OPS:
            text = str(params.get("text") or params.get("new") or "")
            if text and not _reads(text, image, analyses):
                return f'the caption "{text}" is not readable any more'
        elif step.op == "warmth":
            amount = float(params.get("amount", 0.0))
            moved = _median_shift(_warmth_map(image), _warmth_map(source))
            if amount > 0 and moved < WARMTH_MIN:
                return f"it is not warmer than the source (R - B moved {moved:+.1f})"
            if amount < 0 and moved > -WARMTH_MIN:
                return f"it is not cooler than the source (R - B moved {moved:+.1f})"
        elif step.op == "brightness":
            amount = float(params.get("amount", 0.0))
            moved = _median_shift(_luma_map(image), _luma_map(source))
            if amount > 0 and moved < BRIGHTNESS_MIN:
                return f"it is not brighter than the source (luma moved {moved:+.1f})"
            if amount < 0 and moved > -BRIGHTNESS_MIN:
                return f"it is not darker than the source (luma moved {moved:+.1f})"
        elif step.op == "grayscale":
            spread = _colourfulness(image)
            if spread > GREY_MAX:
                return f"it is not black and white any more (colour spread {spread:.1f})"
        return ""


def conflicts(plan: EditPlan, correction: Step, prefer: Prefer) -> str:
    """Why `correction` would undo a step of the user's `plan`, in words; "" when it would
    not. The caller keeps the request or applies the correction, as `prefer` says."""
    asked = {step.op for step in plan.steps}
    mine = [step for step in plan.steps if step.op in TEXT_OPS]
    if correction.op == "caption" and mine:
        theirs = str(correction.params.get("text", ""))
        yours = ", ".join(f'"{step.params.get("text", "")}"' for step in mine)
        return f'the guideline wants the text "{theirs}" and you asked for {yours}'
    if correction.op == "remove_text" and mine:
        word = str(correction.params.get("match", ""))
        hit = [s for s in mine if word.lower() in str(s.params.get("text", "")).lower()]
        if hit:
            return f'the guideline forbids "{word}", which your caption says'
    if correction.op in {"color_transfer", "auto_enhance"} and asked & (COLOUR_OPS | TONE_OPS):
        steps = ", ".join(s.describe() for s in plan.steps if s.op in COLOUR_OPS | TONE_OPS)
        what = "palette" if correction.op == "color_transfer" else "exposure fix"
        return f"the guideline's {what} would undo {steps}"
    if correction.op == "sharpen" and asked & SOFT_OPS:
        steps = ", ".join(s.describe() for s in plan.steps if s.op in SOFT_OPS)
        return f"sharpening for the guideline would undo {steps}"
    return ""


def _in_frame(source: Image, width: int, height: int) -> Image:
    import cv2

    sh, sw = source.shape[:2]
    if (sw, sh) == (width, height):
        return source
    scale = min(sw / width, sh / height)
    cw, ch = round(width * scale), round(height * scale)
    x0, y0 = (sw - cw) // 2, (sh - ch) // 2
    cut = np.ascontiguousarray(source[y0 : y0 + ch, x0 : x0 + cw])
    return np.asarray(cv2.resize(cut, (width, height), interpolation=cv2.INTER_AREA))


def _reads(text: str, image: Image, analyses: AnalysisCache) -> bool:
    from gouache.critics.base import CriticContext
    from gouache.critics.text import RequiredText

    critic = RequiredText(required=(text,))
    return critic.score(image, CriticContext(analysis=analyses.get(image))).passed


def _rgb(image: Image) -> np.ndarray[tuple[int, ...], np.dtype[np.float32]]:
    return np.asarray(image[::2, ::2, :3], dtype=np.float32)


FloatMap = np.ndarray[tuple[int, ...], np.dtype[np.float32]]


def _warmth_map(image: Image) -> FloatMap:
    rgb = _rgb(image)
    return np.asarray(rgb[..., 0] - rgb[..., 2], dtype=np.float32)


def _luma_map(image: Image) -> FloatMap:
    return np.asarray(luma(image)[::2, ::2], dtype=np.float32)


def _median_shift(after: FloatMap, before: FloatMap) -> float:
    """The median per-pixel change: text or a logo a correction adds (under half the
    picture) does not move it, where it would move a mean."""
    return float(np.median(after - before))


def _colourfulness(image: Image) -> float:
    rgb = _rgb(image)
    return float((rgb.max(axis=2) - rgb.min(axis=2)).mean())


def free_band(boxes: Sequence[Sequence[int]], width: int, height: int) -> Band | None:
    """A horizontal band for new text that no box (x, y, w, h) reaches: the top fifth, the
    bottom fifth or the middle fifth, in that order; None when every band is taken."""
    for name, (low, high) in BANDS.items():
        top, bottom = low * height, high * height
        if not any(y < bottom and y + h > top for _, y, _, h in boxes):
            return name
    return None
