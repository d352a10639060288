"""LogoPlacement: the logo appears in an allowed corner, large enough.

The logo is found by multi-scale template matching with the normalised cross-correlation
coefficient (zero-mean NCC, OpenCV's TM_CCOEFF_NORMED), the template masked by the logo's
alpha channel so that only its opaque pixels count:

    J. P. Lewis, "Fast Normalized Cross-Correlation", Vision Interface 1995, 120-123.

Notation (paper -> code):

    f(x, y)        the image, grey, long side at most WORK_SIDE px          `grey`
    t(x, y)        the logo resized to one candidate width, grey            `template`
    γ(u, v)        the correlation coefficient of t and the window of f at (u, v),
                   over the pixels where the logo's alpha is at least 128     `response`

The search is coarse to fine. Coarse: candidate widths from half of `min_width` (so that
a logo too small is found and reported as such) to `max_width` of the image width, in
steps of SCALE_STEP (10 %), over the whole image. Fine: around each winner, widths
REFINE_STEP (1.5 %) apart across one coarse step either way, in a window around where it
was found. The fine step matters: γ falls from 0.97 to 0.72 when the template is 1.4 %
too wide for this example logo (thin letters, and a rim against a white ground).

The image is cut in a 3 x 3 grid; a match is "in a corner" when its centre falls in a
corner cell. The value is the best γ among matches that are in an allowed corner and at
least `min_width` wide; the best match anywhere is reported too, to say what went wrong.

A LogoPlacement remembers its last MEMO_SIZE searches by (image digest, logo digest), so
`SafeMargins`, which asks the same critic where the logo is, does not match twice.
"""

from __future__ import annotations

import math
import threading
from collections import OrderedDict
from dataclasses import dataclass, field
from typing import Literal, get_args

import numpy as np
import numpy.typing as npt

from gouache.analysis.types import Box
from gouache.critics.base import CriticContext, Score, margin_at_least
from gouache.errors import InvalidReferenceError
from gouache.images import Image, image_digest

Corner = Literal["top-left", "top-right", "bottom-left", "bottom-right"]
CORNERS: tuple[Corner, ...] = get_args(Corner)

DEFAULT_MIN_WIDTH = 0.08
DEFAULT_MAX_WIDTH = 0.4
DEFAULT_MIN_SCORE = 0.7
WORK_SIDE = 480
SCALE_STEP = 1.1
REFINE_STEP = 1.015
REFINE_STEPS = 6  # REFINE_STEP**6 = 1.093: the fine search spans one coarse step each way
MIN_TEMPLATE = 8  # px at the working size: smaller templates match anything
MEMO_SIZE = 8


@dataclass(frozen=True)
class LogoMatch:
    """One match: γ, the box in image pixels, and the grid cell its centre falls in."""

    score: float
    box: Box
    # "top-left", ..., or "top", "left", "centre"... for the other cells
    cell: str
    width_share: float


@dataclass(frozen=True)
class LogoSearch:
    best: LogoMatch | None  # anywhere, at any searched width
    allowed: LogoMatch | None  # in an allowed corner, at least min_width wide


def cell_of(box: Box, width: int, height: int) -> str:
    """The 3 x 3 grid cell that holds the box's centre: "top-left" ... "centre"."""
    cx, cy = box.x + box.w / 2, box.y + box.h / 2
    row = ("top", "middle", "bottom")[min(2, int(3 * cy / height))]
    col = ("left", "centre", "right")[min(2, int(3 * cx / width))]
    if row == "middle" and col == "centre":
        return "centre"
    if row == "middle":
        return col
    if col == "centre":
        return row
    return f"{row}-{col}"


def _grey(image: Image) -> npt.NDArray[np.float32]:
    from gouache.analysis.measures import luma

    return np.asarray(luma(image), dtype=np.float32)


def _template(
    logo: Image, width: int
) -> tuple[npt.NDArray[np.float32], npt.NDArray[np.float32] | None]:
    """The logo resized to `width` px, grey, and its mask (None when it is opaque)."""
    import cv2

    height = max(1, round(width * logo.shape[0] / logo.shape[1]))
    shrink = width < logo.shape[1]
    interpolation = cv2.INTER_AREA if shrink else cv2.INTER_LINEAR
    grey = np.asarray(
        cv2.resize(_grey(logo), (width, height), interpolation=interpolation), dtype=np.float32
    )
    if logo.ndim == 3 and logo.shape[2] == 4 and int(logo[:, :, 3].min()) < 128:
        alpha = np.asarray(cv2.resize(logo[:, :, 3], (width, height), interpolation=interpolation))
        return grey, (alpha >= 128).astype(np.float32)
    return grey, None


def locate_logo(
    image: Image,
    logo: Image,
    *,
    min_width: float = DEFAULT_MIN_WIDTH,
    max_width: float = DEFAULT_MAX_WIDTH,
    corners: tuple[Corner, ...] = CORNERS,
) -> LogoSearch:
    """The best match of `logo` anywhere in `image`, and the best in an allowed corner.

    Raises InvalidReferenceError for a logo with nothing to match (flat, or transparent).
    """
    return _search(image, logo, min_width, max_width, tuple(corners))


@dataclass(frozen=True)
class _Candidate:
    """A match at the working size: γ, top-left corner and template size."""

    score: float
    x: int
    y: int
    w: int
    h: int


def _search(
    image: Image, logo: Image, min_width: float, max_width: float, corners: tuple[Corner, ...]
) -> LogoSearch:
    import cv2

    # 1. the image at the working size, grey
    _check_logo(logo)
    height, width = image.shape[:2]
    factor = min(1.0, WORK_SIDE / max(height, width))
    grey = _grey(image)
    if factor < 1.0:
        size = (max(1, round(width * factor)), max(1, round(height * factor)))
        grey = np.asarray(cv2.resize(grey, size, interpolation=cv2.INTER_AREA), dtype=np.float32)
    work_w = grey.shape[1]
    smallest = min_width * work_w * (1 - 1e-9)

    # 2. coarse: every candidate width, SCALE_STEP apart, over the whole image
    lo = max(MIN_TEMPLATE, 0.5 * min_width * work_w)
    hi = min(max_width * work_w, work_w, grey.shape[0] * logo.shape[1] / logo.shape[0])
    steps = 1 + max(0, math.floor(math.log(hi / lo) / math.log(SCALE_STEP))) if hi >= lo else 0
    widths = [round(lo * SCALE_STEP**step) for step in range(steps)]
    best, allowed = _best(grey, logo, widths, None, corners, smallest)

    # 3. fine: widths REFINE_STEP apart around each winner, near where it was found
    if best is not None:
        best = _refine(grey, logo, best, corners, smallest, constrained=False)
    if allowed is not None:
        allowed = _refine(grey, logo, allowed, corners, smallest, constrained=True)

    work_h = grey.shape[0]
    return LogoSearch(
        best=None if best is None else _as_match(best, factor, work_w, work_h),
        allowed=None if allowed is None else _as_match(allowed, factor, work_w, work_h),
    )


def _refine(
    grey: npt.NDArray[np.float32],
    logo: Image,
    found: _Candidate,
    corners: tuple[Corner, ...],
    smallest: float,
    *,
    constrained: bool,
) -> _Candidate:
    """The best match within a coarse step of `found`'s width, in a window around it."""
    widths = sorted(
        {
            round(found.w * REFINE_STEP**k)
            for k in range(-REFINE_STEPS, REFINE_STEPS + 1)
            if found.w * REFINE_STEP**k >= MIN_TEMPLATE
        }
    )
    pad = max(4, round(0.25 * found.w))
    x0, y0 = max(0, found.x - pad), max(0, found.y - pad)
    x1 = min(grey.shape[1], found.x + round(found.w * SCALE_STEP) + pad)
    y1 = min(grey.shape[0], found.y + round(found.h * SCALE_STEP) + pad)
    window = (x0, y0, grey.shape[1], grey.shape[0])
    anywhere, allowed = _best(grey[y0:y1, x0:x1], logo, widths, window, corners, smallest)
    refined = allowed if constrained else anywhere
    return found if refined is None or refined.score <= found.score else refined


def _best(
    grey: npt.NDArray[np.float32],
    logo: Image,
    widths: list[int],
    window: tuple[int, int, int, int] | None,
    corners: tuple[Corner, ...],
    smallest: float,
) -> tuple[_Candidate | None, _Candidate | None]:
    """The best match over `widths` anywhere, and the best in an allowed corner.

    A match is allowed when its centre lies in one of `corners` and its width is at least
    `smallest`. `window` is (x0, y0, full width, full height) when `grey` is a crop of
    the working image, so that positions and corner cells are judged in the whole frame.
    """
    import cv2

    x0, y0, full_w, full_h = window or (0, 0, grey.shape[1], grey.shape[0])
    anywhere: _Candidate | None = None
    allowed: _Candidate | None = None
    for template_w in widths:
        template, mask = _template(logo, template_w)
        template_h = template.shape[0]
        if template_h > grey.shape[0] or template_w > grey.shape[1]:
            continue
        raw = cv2.matchTemplate(grey, template, cv2.TM_CCOEFF_NORMED, mask=mask)
        response = np.nan_to_num(np.asarray(raw, dtype=np.float32), nan=0.0, posinf=0.0, neginf=0.0)
        response[np.abs(response) > 1.0 + 1e-3] = 0.0  # numerically undefined (flat) windows
        found = _peak(response, x0, y0, template_w, template_h)
        if anywhere is None or found.score > anywhere.score:
            anywhere = found
        if template_w < smallest:
            continue
        valid = _corner_mask(
            response.shape, x0, y0, template_w, template_h, full_w, full_h, corners
        )
        if valid.any():
            found = _peak(
                np.where(valid, response, np.float32(-1.0)), x0, y0, template_w, template_h
            )
            if allowed is None or found.score > allowed.score:
                allowed = found
    return anywhere, allowed


def _peak(
    response: npt.NDArray[np.float32], x0: int, y0: int, template_w: int, template_h: int
) -> _Candidate:
    y, x = np.unravel_index(int(np.argmax(response)), response.shape)
    return _Candidate(float(response[y, x]), x0 + int(x), y0 + int(y), template_w, template_h)


def _as_match(found: _Candidate, factor: float, work_w: int, work_h: int) -> LogoMatch:
    box = Box(
        round(found.x / factor),
        round(found.y / factor),
        max(1, round(found.w / factor)),
        max(1, round(found.h / factor)),
    )
    # the cell is judged at the working size, as `_corner_mask` judges it
    cell = cell_of(Box(found.x, found.y, found.w, found.h), work_w, work_h)
    return LogoMatch(score=found.score, box=box, cell=cell, width_share=found.w / work_w)


def _check_logo(logo: Image) -> None:
    grey = _grey(logo)
    opaque = logo[:, :, 3] >= 128 if logo.ndim == 3 and logo.shape[2] == 4 else None
    values = grey if opaque is None else grey[opaque]
    if values.size == 0:
        raise InvalidReferenceError("the logo is fully transparent: there is nothing to find")
    if float(values.std()) < 1.0:
        raise InvalidReferenceError(
            "the logo is one flat colour: template matching needs some contrast in it"
        )


def _corner_mask(
    shape: tuple[int, ...],
    x0: int,
    y0: int,
    template_w: int,
    template_h: int,
    full_w: int,
    full_h: int,
    corners: tuple[Corner, ...],
) -> npt.NDArray[np.bool_]:
    """Which top-left positions put the template's centre in an allowed corner cell.

    Positions are offset by (x0, y0) into an image of full_w x full_h.
    """
    cy = y0 + np.arange(shape[0]) + template_h / 2
    cx = x0 + np.arange(shape[1]) + template_w / 2
    top, bottom = cy < full_h / 3, cy >= 2 * full_h / 3
    left, right = cx < full_w / 3, cx >= 2 * full_w / 3
    mask = np.zeros((shape[0], shape[1]), dtype=bool)
    for corner in corners:
        vertical = top if corner.startswith("top") else bottom
        horizontal = left if corner.endswith("left") else right
        mask |= vertical[:, np.newaxis] & horizontal[np.newaxis, :]
    return mask


@dataclass(frozen=True, kw_only=True)
class LogoPlacement:
    """The logo named `reference` is found in one of `corners`, at least `min_width` wide."""

    corners: tuple[Corner, ...] = CORNERS
    min_width: float = DEFAULT_MIN_WIDTH
    max_width: float = DEFAULT_MAX_WIDTH
    min_score: float = DEFAULT_MIN_SCORE
    reference: str = "logo"
    name: str = "logo"
    weight: float = 1.0
    # recent searches by (image digest, logo digest); not part of the critic's identity
    _memo: OrderedDict[tuple[str, str], LogoSearch] = field(
        default_factory=OrderedDict, init=False, repr=False, compare=False
    )
    _lock: threading.Lock = field(
        default_factory=threading.Lock, init=False, repr=False, compare=False
    )

    def __post_init__(self) -> None:
        if not self.corners:
            raise ValueError("at least one corner must be allowed")
        for corner in self.corners:
            if corner not in CORNERS:
                raise ValueError(f"unknown corner {corner!r}; use one of {', '.join(CORNERS)}")
        if not 0.0 < self.min_width <= self.max_width <= 1.0:
            raise ValueError(
                f"widths must satisfy 0 < min_width <= max_width <= 1, not "
                f"{self.min_width} and {self.max_width}"
            )
        if not 0.0 < self.min_score < 1.0:
            raise ValueError(f"min_score must be in (0, 1), not {self.min_score}")

    def locate(self, image: Image, context: CriticContext) -> LogoSearch:
        """Where the logo is in `image` (remembered for the last few images)."""
        logo = context.references.get(self.reference)
        if logo is None:
            raise InvalidReferenceError(
                f"criterion {self.name!r} needs the reference image {self.reference!r}"
            )
        key = (image_digest(image), image_digest(logo))
        with self._lock:
            if key in self._memo:
                self._memo.move_to_end(key)
                return self._memo[key]
        search = locate_logo(
            image, logo, min_width=self.min_width, max_width=self.max_width, corners=self.corners
        )
        with self._lock:
            self._memo[key] = search
            while len(self._memo) > MEMO_SIZE:
                self._memo.popitem(last=False)
        return search

    def score(self, image: Image, context: CriticContext) -> Score:
        # 1. search
        search = self.locate(image, context)

        # 2. the best match where it is allowed decides; the best anywhere explains a fail
        value = search.allowed.score if search.allowed is not None else 0.0
        passed = value >= self.min_score
        where = " or ".join(self.corners)
        if passed and search.allowed is not None:
            found = search.allowed
            detail = f"found {_describe(found)}"
        elif search.best is not None and search.best.score >= self.min_score:
            best = search.best
            if best.width_share < self.min_width:
                why = f"too small (min {self.min_width:.0%} of the width)"
            else:
                why = f"not in the {where} corner"
            detail = f"found {_describe(best)}: {why}"
        else:
            best_score = search.best.score if search.best is not None else 0.0
            detail = f"not found (best match {best_score:.2f} < {self.min_score:.2f})"
        return Score(
            criterion=self.name,
            value=value,
            target=self.min_score,
            passed=passed,
            weight=self.weight,
            unit="NCC",
            detail=detail,
            margin=margin_at_least(value, self.min_score, 1.0 - self.min_score),
        )


def _describe(match: LogoMatch) -> str:
    return (
        f"{match.cell} (match {match.score:.2f}, {match.width_share:.0%} of the width, "
        f"at x={match.box.x} y={match.box.y})"
    )
