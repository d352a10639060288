"""SafeMargins: nothing important lies in a band along the image edges.

The band is `margin` times the image's shorter side, the same on all four edges (a 5 %
margin on a 1080 x 1350 poster keeps 54 px clear on every side). What must stay out of
it, chosen with `elements`:

    text      every line the OCR read (`Analysis.text`). Its boxes are the detector's,
              which run about a fifth of the text height outside the glyphs (measured on
              Pillow's font at 24 to 96 px), so this errs on the safe side
    logo      the best match of the guideline's logo (see `gouache.critics.logo`), when
              one is found at or above its `min_score`
    faces     every detected face box (`Analysis.faces`)
    subject   the box around the main subject mask (`Analysis.subject`); photographs
              often run their subject off the edge, so it is not in the default

The value is the smallest distance from any such box to an edge, as a share of the
shorter side; it passes at or above `margin`.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal, get_args

from gouache.analysis.types import Box
from gouache.critics.base import CriticContext, Score, margin_at_least
from gouache.critics.logo import LogoPlacement
from gouache.images import Image

Element = Literal["text", "logo", "faces", "subject"]
ELEMENTS: tuple[Element, ...] = get_args(Element)

DEFAULT_MARGIN = 0.05
DEFAULT_ELEMENTS: tuple[Element, ...] = ("text", "logo")


@dataclass(frozen=True)
class Placed:
    """One thing that must stay clear of the edges, and its box."""

    label: str
    box: Box


def edge_distance(box: Box, width: int, height: int) -> tuple[int, str]:
    """The box's distance in pixels to the nearest edge, and which edge that is."""
    gaps = {
        "left": box.x,
        "top": box.y,
        "right": width - box.right,
        "bottom": height - box.bottom,
    }
    edge = min(gaps, key=lambda name: gaps[name])
    return gaps[edge], edge


@dataclass(frozen=True, kw_only=True)
class SafeMargins:
    """No element of `elements` comes closer to an edge than `margin` x the shorter side."""

    margin: float = DEFAULT_MARGIN
    elements: tuple[Element, ...] = DEFAULT_ELEMENTS
    # the logo criterion whose logo must stay clear; needed when "logo" is in elements
    logo: LogoPlacement | None = field(default=None)
    name: str = "margins"
    weight: float = 1.0

    def __post_init__(self) -> None:
        if not 0.0 < self.margin < 0.5:
            raise ValueError(f"margin must be in (0, 0.5), not {self.margin}")
        if not self.elements:
            raise ValueError("margins need at least one element to check")
        for element in self.elements:
            if element not in ELEMENTS:
                raise ValueError(f"unknown element {element!r}; use {', '.join(ELEMENTS)}")
        if "logo" in self.elements and self.logo is None:
            raise ValueError("checking the logo's margin needs a logo criterion")

    def placed(self, image: Image, context: CriticContext) -> list[Placed]:
        """Every element found, with its box."""
        found: list[Placed] = []
        if "text" in self.elements:
            found += [Placed(f"text {line.text!r}", line.box) for line in context.analysis.text]
        if "logo" in self.elements and self.logo is not None:
            match = self.logo.locate(image, context).best
            if match is not None and match.score >= self.logo.min_score:
                found.append(Placed("the logo", match.box))
        if "faces" in self.elements:
            found += [Placed("a face", face.box) for face in context.analysis.faces]
        if "subject" in self.elements:
            box = context.analysis.subject.box
            if box is not None:
                found.append(Placed("the subject", box))
        return found

    def score(self, image: Image, context: CriticContext) -> Score:
        # 1. what must stay clear
        height, width = image.shape[:2]
        short = min(width, height)
        found = self.placed(image, context)

        # 2. the element closest to an edge decides
        if not found:
            value = 0.5
            detail = f"no {' or '.join(self.elements)} found"
        else:
            closest = min(found, key=lambda item: edge_distance(item.box, width, height)[0])
            pixels, edge = edge_distance(closest.box, width, height)
            value = max(0, pixels) / short
            band = round(self.margin * short)
            if value >= self.margin:
                detail = (
                    f"{len(found)} element(s) clear of the {band} px band; closest: "
                    f"{closest.label}, {pixels} px from the {edge} edge"
                )
            else:
                inside = sum(
                    edge_distance(item.box, width, height)[0] < self.margin * short
                    for item in found
                )
                more = f" ({inside - 1} more inside it)" if inside > 1 else ""
                detail = (
                    f"{closest.label} is {max(0, pixels)} px from the {edge} edge, "
                    f"inside the {band} px band{more}"
                )
        return Score(
            criterion=self.name,
            value=value,
            target=self.margin,
            passed=value >= self.margin,
            weight=self.weight,
            unit="share of short side",
            detail=detail,
            margin=margin_at_least(value, self.margin, self.margin),
        )
