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

Calibration of DEFAULT_THRESHOLD (recomputed by `calibrate()`; `Calibration.table()` prints
this table). Same person: the cosine between a photo's face and the face of an edited copy of
that photo (`EDITS`), for three people in the sample photos that ship with dependencies:
scikit-image's astronaut (Eileen Collins) and cameraman, matplotlib's Grace Hopper. Different
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
    different people, mean     0.10  over 714 pairs
    different people, matched  4 reach the match floor 0.25
    threshold                  0.45  (highest different + 0.15, rounded up to 0.05)

The threshold, 0.45, sits inside the gap (0.29 to 0.71): the highest different-people cosine
plus a margin of THRESHOLD_MARGIN, rounded up to a multiple of 0.05. It is nearer the strangers
than the midpoint because a generative edit moves a face further than these mild edits do, and
above OpenCV's own cosine threshold for SFace verification of two different photos (0.363,
OpenCV `samples/dnn/face_detect.py`) because here both sides come from the same photo.
"""

from __future__ import annotations

import io
import itertools
import math
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from importlib.resources import files
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np
from PIL import Image as PILImage

from gouache.errors import InputError, InvalidReferenceError, NotFoundError, UnsupportedError
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


# ---------------------------------------------------------------------------------------------
# calibration


def _brightness(factor: float) -> Callable[[Image], Image]:
    return lambda im: np.clip(im.astype(np.float32) * factor, 0, 255).astype(np.uint8)


def _blur(sigma: float) -> Callable[[Image], Image]:
    def blur(im: Image) -> Image:
        import cv2

        return np.asarray(cv2.GaussianBlur(im, (0, 0), sigma), dtype=np.uint8)

    return blur


def _jpeg(quality: int) -> Callable[[Image], Image]:
    def jpeg(im: Image) -> Image:
        buffer = io.BytesIO()
        PILImage.fromarray(im).save(buffer, format="JPEG", quality=quality)
        return np.asarray(PILImage.open(buffer).convert("RGB"), dtype=np.uint8)

    return jpeg


def _resize(factor: float) -> Callable[[Image], Image]:
    def resize(im: Image) -> Image:
        import cv2

        out = cv2.resize(im, None, fx=factor, fy=factor, interpolation=cv2.INTER_AREA)
        return np.asarray(out, dtype=np.uint8)

    return resize


def _sepia(im: Image) -> Image:
    # the usual sepia matrix (rows: R, G, B out)
    matrix = np.array([[0.393, 0.769, 0.189], [0.349, 0.686, 0.168], [0.272, 0.534, 0.131]])
    toned = np.matmul(im[:, :, :3].astype(np.float64), matrix.T)
    return np.asarray(np.clip(toned, 0, 255), dtype=np.uint8)


def _caption(im: Image) -> Image:
    import cv2

    out = np.ascontiguousarray(im.copy())
    height, width = out.shape[:2]
    cv2.rectangle(out, (0, int(height * 0.85)), (width, height), (0, 0, 0), -1)
    cv2.putText(
        out, "HAPPY BIRTHDAY", (10, height - 15), cv2.FONT_HERSHEY_SIMPLEX, 1.2, (255, 255, 255), 2
    )
    return out


def _rotate(degrees: float) -> Callable[[Image], Image]:
    def rotate(im: Image) -> Image:
        import cv2

        height, width = im.shape[:2]
        matrix = cv2.getRotationMatrix2D((width / 2, height / 2), degrees, 1.0)
        out = cv2.warpAffine(
            im, matrix, (width, height), flags=cv2.INTER_LINEAR, borderMode=cv2.BORDER_REFLECT
        )
        return np.asarray(out, dtype=np.uint8)

    return rotate


def _flip(im: Image) -> Image:
    return np.ascontiguousarray(im[:, ::-1])


# The edited copies each sample photo is compared with: mild edits that keep a person.
EDITS: Mapping[str, Callable[[Image], Image]] = {
    "brightness +20 %": _brightness(1.2),
    "brightness -20 %": _brightness(0.8),
    "blur sigma 1": _blur(1.0),
    "blur sigma 2": _blur(2.0),
    "jpeg quality 50": _jpeg(50),
    "resize 0.5x": _resize(0.5),
    "sepia": _sepia,
    "caption": _caption,
    "rotate +5°": _rotate(5.0),
    "rotate -5°": _rotate(-5.0),
    "flip": _flip,
}


@dataclass(frozen=True)
class SamePerson:
    person: str
    edit: str
    cosine: float


@dataclass(frozen=True)
class DifferentPeople:
    a: str
    b: str
    cosine: float


@dataclass(frozen=True)
class Calibration:
    """The same-person and different-people cosines measured on sample faces."""

    people: tuple[str, ...]
    edits: tuple[str, ...]
    same: tuple[SamePerson, ...]
    different: tuple[DifferentPeople, ...]

    @property
    def lowest_same(self) -> SamePerson:
        return min(self.same, key=lambda s: s.cosine)

    @property
    def highest_different(self) -> DifferentPeople:
        return max(self.different, key=lambda d: d.cosine)

    def threshold(self, margin: float = THRESHOLD_MARGIN) -> float:
        """The highest different-people cosine plus `margin`, rounded up to a multiple of 0.05."""
        return math.ceil(round((self.highest_different.cosine + margin) * 20, 6)) / 20

    def table(self) -> str:
        """The calibration as the module docstring shows it."""
        cosine = {(s.person, s.edit): s.cosine for s in self.same}
        width = max(len(e) for e in (*self.edits, "different people, highest")) + 2
        columns = [(p, max(len(p), 5) + 2) for p in self.people]

        def row(label: str, cells: Iterable[str]) -> str:
            padded = (cell.rjust(w) for cell, (_, w) in zip(cells, columns, strict=True))
            return (label.ljust(width) + "".join(padded)).rstrip()

        lines = [row("edit", self.people)]
        for edit in self.edits:
            lines.append(row(edit, (f"{cosine.get((p, edit), math.nan):.2f}" for p in self.people)))
        low, high = self.lowest_same, self.highest_different
        mean = float(np.mean([d.cosine for d in self.different]))
        reached = sum(d.cosine >= MATCH_FLOOR for d in self.different)
        summary = {
            "same person, lowest": f"{low.cosine:.2f}  ({low.person}, {low.edit})",
            "different people, highest": f"{high.cosine:.2f}  ({high.a} vs {high.b})",
            "different people, mean": f"{mean:.2f}  over {len(self.different)} pairs",
            "different people, matched": f"{reached} reach the match floor {MATCH_FLOOR:.2f}",
            "threshold": f"{self.threshold():.2f}  "
            f"(highest different + {THRESHOLD_MARGIN:.2f}, rounded up to 0.05)",
        }
        lines += ["", *(label.ljust(width) + text for label, text in summary.items())]
        return "\n".join(lines)


def sample_people() -> dict[str, Image]:
    """Photos of three people that ship with gouache's dependencies, RGB uint8."""
    try:
        from matplotlib import cbook
    except ImportError:
        raise UnsupportedError(
            "the calibration needs matplotlib for its photo of Grace Hopper: "
            "pip install 'gouache[dev]'"
        ) from None
    hopper = Path(str(cbook.get_sample_data("grace_hopper.jpg", asfileobj=False)))
    return {
        "astronaut": _read_rgb(_skimage_data("astronaut.png")),
        "Grace Hopper": _read_rgb(hopper),
        "cameraman": _read_rgb(_skimage_data("camera.png")),
    }


def lfw_strangers(scale: int = 4, pad: int = 50) -> list[Image]:
    """The 100 face crops of scikit-image's `lfw_subset()`, upscaled and padded so YuNet
    finds them (at 25x25 it finds none)."""
    import cv2

    crops = np.load(_skimage_data("lfw_subset.npy"))[:100]
    images = []
    for crop in crops:
        grey = np.clip(np.round(crop * 255.0), 0, 255).astype(np.uint8)
        grey = cv2.resize(grey, None, fx=scale, fy=scale, interpolation=cv2.INTER_CUBIC)
        grey = cv2.copyMakeBorder(grey, pad, pad, pad, pad, cv2.BORDER_REPLICATE)
        images.append(np.ascontiguousarray(np.repeat(grey[:, :, np.newaxis], 3, axis=2)))
    return images


def _skimage_data(name: str) -> Path:
    """A sample file inside scikit-image's wheel: no download."""
    path = Path(str(files("skimage") / "data" / name))
    if not path.is_file():
        raise UnsupportedError(f"scikit-image's sample {name} is missing; reinstall scikit-image")
    return path


def _read_rgb(path: Path) -> Image:
    with PILImage.open(path) as photo:
        return np.asarray(photo.convert("RGB"), dtype=np.uint8)


def calibrate(
    people: Mapping[str, Image] | None = None,
    strangers: Sequence[Image] | None = None,
    *,
    faces_of: FacesOf | None = None,
    edits: Mapping[str, Callable[[Image], Image]] = EDITS,
) -> Calibration:
    """Measure same-person and different-people cosines (see the module docstring).

    `people` holds one photo of one face per person (`sample_people()` by default);
    `strangers` more faces of people other than those (`lfw_strangers()`); an image in
    which the detector does not find exactly one face is left out.
    """
    find = faces_of or _detect_faces
    photos = sample_people() if people is None else people
    others = lfw_strangers() if strangers is None else strangers

    # 1. the face of each photo and of each edited copy
    originals: dict[str, Face] = {}
    copies: dict[tuple[str, str], Face] = {}
    for person, photo in photos.items():
        faces = find(photo)
        if len(faces) != 1:
            raise InputError(f"the photo of {person} has {len(faces)} faces, not one")
        originals[person] = faces[0]
        for edit, change in edits.items():
            found = find(change(photo))
            if len(found) == 1:
                copies[(person, edit)] = found[0]

    # 2. same person: each original against its edited copies
    same = tuple(
        SamePerson(person, edit, _cosine(originals[person], face))
        for (person, edit), face in copies.items()
    )

    # 3. different people: every version of one against every version of another, then
    #    every original against each stranger
    every = [((p, "original"), f) for p, f in originals.items()] + list(copies.items())
    different = [
        DifferentPeople(f"{a[0]} ({a[1]})", f"{b[0]} ({b[1]})", _cosine(fa, fb))
        for (a, fa), (b, fb) in itertools.combinations(every, 2)
        if a[0] != b[0]
    ]
    for n, stranger in enumerate(others, start=1):
        found = find(stranger)
        if len(found) != 1:
            continue
        for person, face in originals.items():
            different.append(DifferentPeople(person, f"LFW face {n}", _cosine(face, found[0])))
    return Calibration(tuple(photos), tuple(edits), same, tuple(different))


def _cosine(a: Face, b: Face) -> float:
    return float(np.dot(_unit(a.embedding), _unit(b.embedding)))
