"""The calibration of the character threshold (`gouache.characters.DEFAULT_THRESHOLD`).

Same person: the cosine between a photo's face and the face of an edited copy of it (`EDITS`),
for three people in sample photos that ship with dependencies. Different people: those three
against one another and against scikit-image's `lfw_subset()` faces. The table this prints is
the one in `gouache.characters`' docstring (a test holds them together).
"""

from __future__ import annotations

import io
import itertools
import math
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from importlib.resources import files
from pathlib import Path

import numpy as np
from PIL import Image as PILImage

from gouache.analysis.types import Face
from gouache.characters import MATCH_FLOOR, THRESHOLD_MARGIN, FacesOf
from gouache.errors import InputError, UnsupportedError
from gouache.images import Image


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
    if faces_of is None:
        from gouache.analysis.faces import detect_faces

        faces_of = detect_faces
    find = faces_of
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
    from gouache.characters import cosine

    return cosine(a.embedding, b.embedding)


def main(quick: bool = False) -> dict[str, object]:
    """The calibration table; --quick compares with 10 strangers instead of 100."""
    strangers = lfw_strangers()[:10] if quick else None
    calibration = calibrate(strangers=strangers)
    print(calibration.table())
    low, high = calibration.lowest_same, calibration.highest_different
    return {
        "lowest_same": round(low.cosine, 4),
        "highest_different": round(high.cosine, 4),
        "pairs_different": len(calibration.different),
        "threshold": calibration.threshold(),
    }
