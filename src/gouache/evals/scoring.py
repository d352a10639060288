"""What one case's result measures: preservation, identity, text, geometry, change, time.

Each metric is a `Measure`: a value in the metric's unit and, where the case sets a target,
whether it passed. `METRICS` says each metric's unit and which direction is better, which
the reports use to find the worst values.

    psnr_outside   PSNR in dB over the pixels outside the case's region, against the
                   source (`gouache.critics.preservation.psnr`), capped at 100 dB
    ssim_outside   mean SSIM outside the region (Wang et al. 2004, the preservation
                   critic's settings), as GIE-Bench's masked PSNR/SSIM
    identity       the lowest cosine over the case's characters (SFace, optimal assignment;
                   an absent character scores 0)
    text           the worst normalised edit distance of the expected strings to the OCR
    absent_text    how many strings that should be gone are still read
    aspect_error   |W/H - target| / target
    change         mean absolute difference inside the region, in levels of 255
    guideline      the case guideline's worst margin (below 0 = a criterion failed)
    seconds        wall time of all the case's turns, planning and guard included
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Literal

import numpy as np
import numpy.typing as npt

from gouache.analysis.cache import AnalysisCache
from gouache.characters import Character, identity_scores
from gouache.critics.base import CriticContext
from gouache.critics.forbidden import ForbiddenWords
from gouache.critics.geometry import parse_ratio
from gouache.critics.guideline import Guideline
from gouache.critics.preservation import PSNR_CAP, psnr, ssim
from gouache.critics.text import RequiredText
from gouache.evals.suite import Box, Case
from gouache.images import Image

Better = Literal["higher", "lower"]


@dataclass(frozen=True)
class Metric:
    unit: str
    better: Better
    label: str


METRICS: dict[str, Metric] = {
    "psnr_outside": Metric("dB", "higher", "PSNR outside the edit"),
    "ssim_outside": Metric("SSIM", "higher", "SSIM outside the edit"),
    "identity": Metric("cosine", "higher", "identity (lowest character)"),
    "text": Metric("edit distance", "lower", "expected text, OCR distance"),
    "absent_text": Metric("words", "lower", "removed text still read"),
    "aspect_error": Metric("relative", "lower", "aspect ratio error"),
    "change": Metric("levels", "higher", "change inside the region"),
    "guideline": Metric("margin", "higher", "guideline worst margin"),
    "seconds": Metric("s", "lower", "time for the case"),
}
ASPECT_TOLERANCE = 0.01
TEXT_TOLERANCE = 0.2
MIN_CHANGE = 1.0  # levels: less is no visible edit
FACE_PAD = 0.3  # a face box grows by this share of its size on each side
TEXT_PAD = 0.2


@dataclass(frozen=True)
class Measure:
    value: float
    passed: bool | None = None
    detail: str = ""

    def to_json(self) -> dict[str, object]:
        return {"value": _finite(self.value), "passed": self.passed, "detail": self.detail}


@dataclass(frozen=True)
class CaseScore:
    """A case's measures, and its failures as lines a person can read."""

    measures: dict[str, Measure] = field(default_factory=dict)
    failures: tuple[str, ...] = ()

    @property
    def passed(self) -> bool:
        return not self.failures


def region_mask(case: Case, source: Image, analyses: AnalysisCache) -> npt.NDArray[np.bool_]:
    """True where the case's edits were meant to happen, on the source's frame."""
    height, width = source.shape[:2]
    mask = np.zeros((height, width), dtype=bool)
    for part in case.region:
        if part == "whole":
            mask[:] = True
        elif part == "faces":
            for face in analyses.get(source).faces:
                _mark(mask, face.box.x, face.box.y, face.box.w, face.box.h, FACE_PAD)
        elif part == "text":
            for line in analyses.get(source).text:
                _mark(mask, line.box.x, line.box.y, line.box.w, line.box.h, TEXT_PAD)
        elif isinstance(part, Box):
            x0, y0, x1, y1 = part.box
            mask[round(y0 * height) : round(y1 * height), round(x0 * width) : round(x1 * width)] = (
                True
            )
    return mask


def _mark(mask: npt.NDArray[np.bool_], x: int, y: int, w: int, h: int, pad: float) -> None:
    height, width = mask.shape
    dx, dy = round(w * pad), round(h * pad)
    mask[max(0, y - dy) : min(height, y + h + dy), max(0, x - dx) : min(width, x + w + dx)] = True


def score_case(
    case: Case,
    source: Image,
    image: Image,
    analyses: AnalysisCache,
    *,
    region: npt.NDArray[np.bool_],
    characters: Sequence[Character] = (),
    guideline: Guideline | None = None,
    seconds: float,
    not_done: str = "",
) -> CaseScore:
    """Every measure the case asks for on its final image, against its source."""
    expect = case.expect
    measures: dict[str, Measure] = {"seconds": Measure(seconds)}
    failures: list[str] = [f"not done: {not_done}"] if not_done else []
    same_frame = image.shape[:2] == source.shape[:2]

    # 1. preservation outside the region
    if not region.all():
        if same_frame:
            keep = ~region
            db, index = psnr(source, image, keep), ssim(source, image, keep)
            measures["psnr_outside"] = Measure(db, db >= expect.min_psnr)
            measures["ssim_outside"] = Measure(index, index >= expect.min_ssim)
        else:
            detail = f"the frame changed from {_size(source)} to {_size(image)}"
            measures["psnr_outside"] = Measure(0.0, False, detail)
            measures["ssim_outside"] = Measure(0.0, False, detail)

    # 2. the change asked for
    if expect.changed and same_frame:
        inside = region if region.any() else np.ones_like(region)
        diff = np.abs(image[:, :, :3].astype(np.int16) - source[:, :, :3].astype(np.int16))
        amount = float(diff[inside].mean())
        measures["change"] = Measure(amount, amount >= MIN_CHANGE)

    # 3. identity, text and geometry on the final image
    analysis = analyses.get(image)
    if characters:
        scores = identity_scores(characters, analysis.faces)
        worst = min(characters, key=lambda c: scores.get(c.name) or 0.0)
        value = scores.get(worst.name) or 0.0
        threshold = expect.min_identity if expect.min_identity is not None else worst.threshold
        detail = ", ".join(
            f"{n} {s:.2f}" if s is not None else f"{n} absent" for n, s in scores.items()
        )
        measures["identity"] = Measure(value, value >= threshold, detail)
    context = CriticContext(analysis=analysis, source=source)
    if expect.text:
        read = RequiredText(required=tuple(expect.text), tolerance=TEXT_TOLERANCE).score(
            image, context
        )
        measures["text"] = Measure(read.value, read.passed, read.detail)
    if expect.absent_text:
        gone = ForbiddenWords(words=tuple(expect.absent_text)).score(image, context)
        measures["absent_text"] = Measure(gone.value, gone.passed, gone.detail)
    if expect.aspect is not None:
        target = parse_ratio(expect.aspect)
        error = abs(image.shape[1] / image.shape[0] - target) / target
        measures["aspect_error"] = Measure(error, error <= ASPECT_TOLERANCE, f"{_size(image)}")
    if expect.size is not None and (image.shape[1], image.shape[0]) != tuple(expect.size):
        failures.append(f"size: {_size(image)}, expected {expect.size[0]}x{expect.size[1]}")
    if guideline is not None:
        verdict = guideline.evaluate(image, analyses, source=source if same_frame else None)
        detail = "; ".join(f"{s.criterion}: {s.detail}" for s in verdict.failed)
        measures["guideline"] = Measure(verdict.worst_margin, verdict.passed, detail)

    failures += [
        f"{name}: {_show(name, m.value)}" + (f" ({m.detail})" if m.detail else "")
        for name, m in measures.items()
        if m.passed is False
    ]
    return CaseScore(measures, tuple(failures))


def _show(name: str, value: float) -> str:
    unit = METRICS[name].unit
    if unit in ("dB", "s"):
        return f"{value:.1f} {unit}"
    return f"{value:.3f}"


def _size(image: Image) -> str:
    return f"{image.shape[1]}x{image.shape[0]}"


def _finite(value: float) -> float | None:
    return value if math.isfinite(value) else None


def characters_of(case_characters: Mapping[str, Image], analyses: AnalysisCache) -> list[Character]:
    """Characters from one photo each, their faces found through the shared cache."""
    from gouache.images import LoadedImage

    def faces_of(image: Image):  # type: ignore[no-untyped-def]
        return analyses.get(image).faces

    return [
        Character.from_photos(
            name, [LoadedImage(pixels=photo, format="PNG", name=name)], faces_of=faces_of
        )
        for name, photo in case_characters.items()
    ]


__all__ = [
    "METRICS",
    "PSNR_CAP",
    "CaseScore",
    "Measure",
    "characters_of",
    "region_mask",
    "score_case",
]
