"""Characters: the people a session follows, and whether each is still themselves after an edit.

A character is a name and the SFace embeddings of one or more reference photos, each holding
exactly one face (see `gouache.analysis.faces` for the models). The faces found in a version
are matched to the characters by an optimal assignment, Kuhn's Hungarian method (H. W. Kuhn,
"The Hungarian method for the assignment problem", Naval Research Logistics Quarterly 2, 1955),
as `scipy.optimize.linear_sum_assignment` solves it (D. F. Crouse, "On implementing 2D
rectangular assignment algorithms", IEEE TAES 52, 2016):

    S[i, j]    max over the reference embeddings r of character i of cos(r, face j)
    E[i, j]    S[i, j] >= MATCH_FLOOR: face j resembles character i more than strangers do
    match      at most one face per character and one character per face, maximising the
               sum of S over the eligible (E) pairs; an ineligible pair is no match
    score(i)   S[i, j] for the face j that character i was matched to; None when it was
               matched to none (absent: no face is left for it, or none resembles it)

MATCH_FLOOR is 0.25, above 99 % of the different-people cosines below (4 of 714 reach it), so
a face that looks like nobody in particular (a blurred or pixelated one, a stranger's) is
nobody's: a character whose face was destroyed or replaced is absent. A character "falls below"
its threshold (`check_identity`) when it scored at or above it before the turn and is now
under it or absent.

Calibration of DEFAULT_THRESHOLD (recomputed by `python -m benchmarks.run --only calibration`,
which prints this table; the code is in `benchmarks/calibration.py`). Same person: the cosine
between a photo's face and the face of an edited copy of that photo (`EDITS`), for three people
in the sample photos that ship with dependencies: scikit-image's astronaut (Eileen Collins) and
cameraman, matplotlib's Grace Hopper. Different
people: those three against one another, every edited copy against every other, and each
original against the faces of scikit-image's `lfw_subset()` (25x25 grey crops from Labeled
Faces in the Wild, which YuNet finds once upscaled 4x and padded). The LFW faces are not
compared with one another: the subset carries no names and repeats people (two of its crops
score 0.66). The caption is a black band across the bottom that reaches none of the faces.

    calibration table
    edit                         astronaut  Grace Hopper  cameraman
    brightness +20 %                  0.94          0.96       0.99
    brightness -20 %                  0.97          0.97       0.99
    blur sigma 1                      0.94          0.95       0.85
    blur sigma 2                      0.83          0.92       0.71
    jpeg quality 50                   0.96          0.97       0.92
    resize 0.5x                       0.92          0.94       0.89
    sepia                             0.93          0.92       0.96
    caption                           1.00          1.00       1.00
    rotate +5°                        0.94          0.93       0.94
    rotate -5°                        0.85          0.92       0.93
    flip                              0.94          0.90       0.87

    same person, lowest        0.71  (cameraman, blur sigma 2)
    different people, highest  0.29  (Grace Hopper vs LFW face 55)
    different people, mean     0.10  over 705 pairs
    different people, matched  4 reach the match floor 0.25
    threshold                  0.45  (highest different + 0.15, rounded up to 0.05)

The threshold, 0.45, sits inside the gap (0.29 to 0.71): the highest different-people cosine
plus a margin of THRESHOLD_MARGIN, rounded up to a multiple of 0.05. It is nearer the strangers
than the midpoint because a generative edit moves a face further than these mild edits do, and
above OpenCV's own cosine threshold for SFace verification of two different photos (0.363,
OpenCV `samples/dnn/face_detect.py`) because here both sides come from the same photo.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

import numpy as np

from gouache.errors import InputError, InvalidReferenceError, NotFoundError
from gouache.images import Image, LoadedImage

if TYPE_CHECKING:
    from gouache.analysis.types import Face

DEFAULT_THRESHOLD = 0.45
THRESHOLD_MARGIN = 0.15
# A face resembling a character less than this is not that character (see the docstring).
MATCH_FLOOR = 0.25
MAX_NAME = 64

# The faces of an image, in reading order: `detect_faces`, or an AnalysisCache's cached ones.
FacesOf = Callable[[Image], Sequence["Face"]]
Embedding = tuple[float, ...]


def check_character_name(name: str) -> str:
    """`name` without surrounding blanks, or InputError when it cannot name a character."""
    cleaned = name.strip()
    if not cleaned:
        raise InputError("a character needs a name, e.g. --character Ana=ana.jpg")
    if len(cleaned) > MAX_NAME:
        raise InputError(f"a character's name has at most {MAX_NAME} characters")
    if "=" in cleaned or any(ord(c) < 32 for c in cleaned):
        raise InputError(f"a character's name is one line without '=', not {name!r}")
    return cleaned


def check_threshold(threshold: float) -> float:
    """`threshold`, or InputError unless it is a cosine above MATCH_FLOOR (under which a face
    is nobody's, so a lower threshold could never trip) and under 1."""
    if not (math.isfinite(threshold) and MATCH_FLOOR < threshold < 1.0):
        raise InputError(
            f"an identity threshold is a cosine between {MATCH_FLOOR} and 1 "
            f"(default {DEFAULT_THRESHOLD}), not {threshold}"
        )
    return float(threshold)


@dataclass(frozen=True)
class Character:
    """A person to keep recognisable: a name, its reference embeddings, its threshold."""

    name: str
    embeddings: tuple[Embedding, ...] = field(repr=False)
    threshold: float = DEFAULT_THRESHOLD

    def __post_init__(self) -> None:
        check_character_name(self.name)
        check_threshold(self.threshold)
        if not self.embeddings:
            raise InputError(f"character {self.name!r} needs at least one reference photo")

    @classmethod
    def from_photos(
        cls,
        name: str,
        photos: Sequence[LoadedImage],
        *,
        faces_of: FacesOf | None = None,
        threshold: float | None = None,
    ) -> Character:
        """A character from reference photos of one face each; InvalidReferenceError names a
        photo with no face or with several."""
        cleaned = check_character_name(name)
        if not photos:
            raise InputError(f"give at least one reference photo of {cleaned}")
        find = faces_of or _detect_faces
        embeddings = tuple(
            reference_embedding(cleaned, photo, find(photo.pixels)) for photo in photos
        )
        chosen = DEFAULT_THRESHOLD if threshold is None else threshold
        return cls(cleaned, embeddings, check_threshold(chosen))

    def similarity(self, face: Face) -> float:
        """The highest cosine between `face` and this character's reference embeddings."""
        return float(np.max(self._matrix() @ _unit(face.embedding)))

    def _matrix(self) -> np.ndarray[tuple[int, int], np.dtype[np.float64]]:
        return np.stack([_unit(e) for e in self.embeddings])


def reference_embedding(name: str, photo: LoadedImage, faces: Sequence[Face]) -> Embedding:
    """The one face of a reference photo, or InvalidReferenceError saying which photo and why."""
    label = photo.name or "the reference photo"
    if not faces:
        raise InvalidReferenceError(
            f"no face found in {label}: give a photo where {name}'s face is visible, "
            "frontal and at least about 40 pixels wide"
        )
    if len(faces) > 1:
        where = ", ".join(f"x={f.box.x}..{f.box.right}" for f in faces)
        raise InvalidReferenceError(
            f"{label} has {len(faces)} faces ({where}): give a photo of {name} alone, "
            "or crop it to their face"
        )
    return tuple(float(v) for v in faces[0].embedding)


def find_character(characters: Iterable[Character], name: str) -> Character:
    """The character called `name` (case-insensitive), or NotFoundError listing the others."""
    known = list(characters)
    key = name.strip().casefold()
    for character in known:
        if character.name.casefold() == key:
            return character
    names = ", ".join(c.name for c in known) or "none yet"
    raise NotFoundError(f"no character {name!r} in this session (characters: {names})")


# ---------------------------------------------------------------------------------------------
# matching


@dataclass(frozen=True)
class CharacterMatch:
    """How a character fares in one picture: its cosine and which face it was given
    (an index into the faces matched against), both None when it is absent."""

    score: float | None
    face_index: int | None


def match_characters(
    characters: Sequence[Character], faces: Sequence[Face]
) -> dict[str, CharacterMatch]:
    """Each character's face and score in a picture, by the optimal assignment on cosine."""
    absent = CharacterMatch(None, None)
    matches = {c.name: absent for c in characters}
    if not characters or not faces:
        return matches
    from scipy.optimize import linear_sum_assignment  # type: ignore[import-untyped]

    found = np.stack([_unit(face.embedding) for face in faces])
    similarity = np.stack([np.max(c._matrix() @ found.T, axis=0) for c in characters])
    eligible = similarity >= MATCH_FLOOR
    # an ineligible pair counts 0, as leaving both unmatched does (eligible ones count > 0)
    rows, cols = linear_sum_assignment(np.where(eligible, similarity, 0.0), maximize=True)
    for i, j in zip(rows.tolist(), cols.tolist(), strict=True):
        if eligible[i, j]:
            matches[characters[i].name] = CharacterMatch(float(similarity[i, j]), int(j))
    return matches


def identity_scores(
    characters: Sequence[Character], faces: Sequence[Face]
) -> dict[str, float | None]:
    """Each character's score in a picture (None when absent); see `match_characters`."""
    return {name: m.score for name, m in match_characters(characters, faces).items()}


def check_identity(
    scores: Mapping[str, float | None],
    characters: Sequence[Character],
    *,
    before: Mapping[str, float | None] | None = None,
) -> list[str]:
    """The names of the characters whose identity was lost, in the order of `characters`.

    Without `before`: those scoring under their threshold (an absent one is not listed).
    With `before` (the scores of the version the turn started from): those that were at or
    above their threshold there and are now under it or absent. A character already under
    it before is not listed: a retry would not bring back what the parent did not have.
    """
    lost: list[str] = []
    for character in characters:
        now = scores.get(character.name)
        under = now is not None and now < character.threshold
        if before is not None:
            then = before.get(character.name)
            held = then is not None and then >= character.threshold
            under = held and (now is None or now < character.threshold)
        if under:
            lost.append(character.name)
    return lost


def describe_loss(
    lost: Sequence[str], scores: Mapping[str, float | None], characters: Sequence[Character]
) -> str:
    """One line for the reply, e.g. "Ana scores 0.41, under 0.45"."""
    thresholds = {c.name: c.threshold for c in characters}
    parts = []
    for name in lost:
        score = scores.get(name)
        if score is None:
            parts.append(f"no face in the picture resembles {name} any more")
        else:
            parts.append(f"{name} scores {score:.2f}, under {thresholds[name]:.2f}")
    return "; ".join(parts)


def _unit(
    vector: Sequence[float] | np.ndarray[tuple[int], np.dtype[np.float64]],
) -> np.ndarray[tuple[int], np.dtype[np.float64]]:
    flat = np.asarray(vector, dtype=np.float64).reshape(-1)
    norm = float(np.linalg.norm(flat))
    return flat / norm if norm > 1e-12 else flat


def _detect_faces(image: Image) -> Sequence[Face]:
    from gouache.analysis.faces import detect_faces

    return detect_faces(image)


def cosine(a: Sequence[float], b: Sequence[float]) -> float:
    """The cosine of two face embeddings (SFace): 1 for the same face."""
    return float(np.dot(_unit(a), _unit(b)))
