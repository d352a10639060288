"""ForbiddenWords: none of the listed words or phrases can be read in the image.

The OCR text (`Analysis.text`) is cut into words (runs of letters and digits, after
Unicode NFKC and case folding). A forbidden entry of k words is compared with every run
of k - 1, k and k + 1 consecutive words, spaces removed, so that OCR merging or splitting
a word does not hide it; it counts as present when the Levenshtein distance (see
`gouache.critics.text`), divided by the entry's length, is at most `tolerance`.

Matching is by whole words: "free" is found in "FREE SHIPPING" but not in "FREEDOM".
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

from gouache.critics.base import CriticContext, Score, margin_at_least
from gouache.critics.text import edit_distance, read_text_of
from gouache.images import Image

DEFAULT_TOLERANCE = 0.2

_WORD = re.compile(r"[^\W_]+")


@dataclass(frozen=True)
class Sighting:
    """The closest reading of one forbidden entry."""

    entry: str
    distance: float
    read: str


def words_of(text: str) -> list[tuple[str, str]]:
    """Each word of `text` as (normalised, as written)."""
    folded = [
        (unicodedata.normalize("NFKC", match.group()).casefold(), match.group())
        for match in _WORD.finditer(text)
    ]
    return [(norm, raw) for norm, raw in folded if norm]


def closest(entry: str, words: list[tuple[str, str]]) -> Sighting:
    """The run of consecutive words closest to `entry` (1.0 when there are no words)."""
    target_words = [norm for norm, _ in words_of(entry)]
    target = "".join(target_words)
    best = Sighting(entry, 1.0, "")
    k = len(target_words)
    for size in range(max(1, k - 1), k + 2):
        for first in range(len(words) - size + 1):
            run = words[first : first + size]
            distance = min(1.0, edit_distance(target, "".join(n for n, _ in run)) / len(target))
            if distance < best.distance:
                best = Sighting(entry, distance, " ".join(raw for _, raw in run))
    return best


@dataclass(frozen=True, kw_only=True)
class ForbiddenWords:
    """No entry of `words` is read within `tolerance`; the value is how many were."""

    words: tuple[str, ...]
    tolerance: float = DEFAULT_TOLERANCE
    name: str = "forbidden"
    weight: float = 1.0

    def __post_init__(self) -> None:
        if not self.words:
            raise ValueError("forbidden words need at least one entry")
        for entry in self.words:
            if not words_of(entry):
                raise ValueError(f"{entry!r} has no letter or digit to look for")
        if not 0.0 <= self.tolerance < 1.0:
            raise ValueError(f"tolerance must be in [0, 1), not {self.tolerance}")

    def score(self, image: Image, context: CriticContext) -> Score:
        # 1. the words the OCR read
        words = words_of(read_text_of(context))

        # 2. the closest reading of each entry
        sightings = [closest(entry, words) for entry in self.words]
        found = [s for s in sightings if s.distance <= self.tolerance]

        # 3. any sighting fails; a pass is the further from failing, the further the closest
        if found:
            detail = "found " + ", ".join(
                f"{s.entry!r} as {s.read!r} ({s.distance:.2f})" for s in found
            )
            margin = -len(found) / len(self.words)
        else:
            near = min(sightings, key=lambda s: s.distance)
            if not words:
                detail = f"none of {len(self.words)} found (no text was read)"
            else:
                detail = (
                    f"none of {len(self.words)} found; closest {near.entry!r} "
                    f"~ {near.read!r} ({near.distance:.2f} > {self.tolerance:.2f})"
                )
            margin = margin_at_least(near.distance, self.tolerance, 1.0 - self.tolerance)
        return Score(
            criterion=self.name,
            value=float(len(found)),
            target=0.0,
            passed=not found,
            weight=self.weight,
            unit="words",
            detail=detail,
            margin=margin,
            comparison="<=",
        )
