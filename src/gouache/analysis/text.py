"""Text in an image, read by RapidOCR with the PP-OCR models inside its wheel.

RapidOCR 3.10 runs PaddleOCR's three stages on onnxruntime (Du et al., "PP-OCR: A
Practical Ultra Lightweight OCR System", arXiv:2009.09941, 2020):

    det  PP-OCRv6 small, DB text detector    -> one quadrilateral per line (`polygon`)
    cls  PP-OCR v2.0 mobile, 0/180 degrees    -> flips upside-down lines before reading
    rec  PP-OCRv6 small, multilingual CTC     -> `text` and its mean character `score`

Only these default models ship in the wheel; RapidOCR downloads any other one at first
use. So the engine here is given the bundled files by path (`Det.model_path` and so on),
which skips RapidOCR's download step entirely, and it is built once per process.
"""

from __future__ import annotations

import contextlib
import functools
import threading
from importlib.metadata import version
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np

from gouache.analysis.types import Box, Point, TextLine, as_rgb, box_around, check_pixels
from gouache.errors import BackendError
from gouache.images import Image

if TYPE_CHECKING:
    from rapidocr import RapidOCR

# RapidOCR's own default: recognised lines scoring under this are dropped.
MIN_SCORE = 0.5

# The files RapidOCR 3.10 bundles, under <site-packages>/rapidocr/models.
MODEL_FILES = {
    "Det": "PP-OCRv6_det_small.onnx",
    "Cls": "ch_ppocr_mobile_v2.0_cls_mobile.onnx",
    "Rec": "PP-OCRv6_rec_small.onnx",
}

# What is read as a letter but is a shape (a red circle read as "O", a dust speck as "4", the
# stars of a flag as "***"): a line with no letter or digit, a short line the recogniser is
# unsure of, a tiny short one, one whose box is far too wide or narrow for its letters, or a
# short one whose box covers much of the picture (a coffee cup's whole photo read as "8").
# A single character needs more: the astronaut's buckle and chelsea's eye read as "0" at
# 0.81-0.86, where single letters and digits drawn on paper or a photo scored 0.91 or more.
MIN_SHORT_SCORE = 0.8
MIN_SINGLE_SCORE = 0.9
# A few letters both unsure and tiny are a pattern: the balustrade of scikit-learn's
# china.jpg read as "AAA" at 0.62, 6 px tall ("remove the text" smeared it); the shortest
# words in the sample pictures were read at 0.83 or more, or 13 px tall or more.
FEW = 4
MAX_SHORT_COVER = 0.25
SHORT = 2
MIN_SHORT_HEIGHT = 10
CHAR_ASPECT = (0.12, 1.6)

# RapidOCR brings the short side up to 30 px and the detector's to 736 px, keeping the
# aspect: a 1x300 strip became 736x220800 (minutes), a 65535x1 one a resize error. So the
# long side is brought down to MAX_SIDE here (as RapidOCR would), a strip is padded with
# white to at most MAX_ASPECT, and a side under MIN_SIDE pixels holds no legible line.
MAX_SIDE = 2000
MAX_ASPECT = 4
MIN_SIDE = 4
# The detector reads at most DET_MAX_PIXELS of that, or one pixel in DET_SHARE of a larger
# picture (`text_detector`: its memory grows with its input, 115 to 155 bytes a pixel, so
# then ~10 bytes a pixel of the picture); the recogniser reads the lines it finds at MAX_SIDE.
DET_MAX_PIXELS = 1_000_000
DET_SHARE = 16
DETECTOR_OPTIONS = "arena=shrink mem_pattern=off level=extended"

SIGNATURE = (
    f"text/6 rapidocr=={version('rapidocr')} "
    + " ".join(MODEL_FILES.values())
    + f" min_score={MIN_SCORE} min_single={MIN_SINGLE_SCORE} few={FEW}"
    + f" max_side={MAX_SIDE} max_aspect={MAX_ASPECT}"
    + f" det_pixels=max({DET_MAX_PIXELS},1/{DET_SHARE}) det_session={DETECTOR_OPTIONS}"
)

_LOAD_LOCK = threading.Lock()
# RapidOCR keeps per-call settings on the instance: one reader at a time.
_READ_LOCK = threading.Lock()


def read_text(image: Image) -> list[TextLine]:
    """Every line of text in `image`, top to bottom, then left to right within a row.

    Accepts grey, RGB or RGBA uint8; transparent pixels are read as white paper.
    Returns [] when there is no text.
    """
    import cv2
    from rapidocr.utils.output import RapidOCROutput

    from gouache.analysis.text_detector import BoundedDetector

    # 1. RGB (RGBA over white) -> BGR, which is what RapidOCR assumes for an array, within
    #    the bounds above
    height, width = image.shape[:2]
    if min(height, width) < MIN_SIDE:
        return []
    bgr, scale = _bounded(_over_white(image))
    cv2.cvtColor(bgr, cv2.COLOR_RGB2BGR, dst=bgr)  # in place: _bounded's array is its own

    # 2. detect, orient, recognise
    engine = _engine()
    with _READ_LOCK:
        detector = engine.text_det
        if not isinstance(detector, BoundedDetector):
            raise BackendError("the OCR engine lost its bounded detector", backend="text")
        detector.max_pixels = detector_pixels(height * width)
        result = engine(bgr)
    if not isinstance(result, RapidOCROutput):
        raise BackendError(
            f"RapidOCR returned {type(result).__name__}, not a full OCR result", backend="text"
        )
    if result.boxes is None or result.txts is None or result.scores is None:
        return []

    # 3. one TextLine per non-empty line
    lines: list[TextLine] = []
    for quad, text, score in zip(result.boxes, result.txts, result.scores, strict=True):
        corners = np.asarray(quad, dtype=np.float64).reshape(4, 2) / scale
        box = box_around(corners[:, 0], corners[:, 1], width, height)
        if box is None or not text.strip():
            continue
        tl, tr, br, bl = (Point(float(x), float(y)) for x, y in corners)
        wide = float(np.hypot(tr.x - tl.x, tr.y - tl.y))
        tall = float(np.hypot(bl.x - tl.x, bl.y - tl.y))
        if not plausible(text, float(score), wide, tall):
            continue
        if len(text.strip()) <= SHORT and box.w * box.h > MAX_SHORT_COVER * width * height:
            continue
        lines.append(TextLine(text=text, score=float(score), box=box, polygon=(tl, tr, br, bl)))

    # 4. reading order
    return reading_order(lines)


def detector_pixels(pixels: int) -> int:
    """The most pixels the detector reads of a picture of `pixels` (see DET_SHARE)."""
    return max(DET_MAX_PIXELS, pixels // DET_SHARE)


def plausible(text: str, score: float, width: float, height: float) -> bool:
    """Whether a recognised line reads as text rather than a shape (see CHAR_ASPECT)."""
    letters = sum(ch.isalnum() for ch in text)
    if letters == 0:
        return False
    count = len(text.strip())
    if count <= SHORT and (score < MIN_SHORT_SCORE or height < MIN_SHORT_HEIGHT):
        return False
    if count == 1 and score < MIN_SINGLE_SCORE:
        return False
    if count <= FEW and score < MIN_SHORT_SCORE and height < MIN_SHORT_HEIGHT:
        return False
    per_char = width / max(height, 1.0) / count
    return CHAR_ASPECT[0] <= per_char <= CHAR_ASPECT[1] or (count > SHORT and score >= 0.95)


def reading_order(lines: list[TextLine]) -> list[TextLine]:
    """Rows top to bottom, each row left to right.

    Two lines share a row when their vertical centres are closer than half the smaller
    line's height, so a slightly tilted row is not split.
    """
    rows: list[list[TextLine]] = []
    for line in sorted(lines, key=lambda item: (_centre_y(item.box), item.box.x)):
        if rows and _same_row(rows[-1][0].box, line.box):
            rows[-1].append(line)
        else:
            rows.append([line])
    return [line for row in rows for line in sorted(row, key=lambda item: item.box.x)]


def _centre_y(box: Box) -> float:
    return box.y + box.h / 2


def _same_row(a: Box, b: Box) -> bool:
    return abs(_centre_y(a) - _centre_y(b)) < 0.5 * min(a.h, b.h)


def _bounded(rgb: Image) -> tuple[Image, float]:
    """A new array: `rgb` with its long side at most MAX_SIDE and its aspect at most MAX_ASPECT
    (white added at the right or bottom, so coordinates do not move), and the scale applied."""
    import cv2

    height, width = rgb.shape[:2]
    scale = min(1.0, MAX_SIDE / max(height, width))
    if scale < 1.0:
        size = (max(1, round(width * scale)), max(1, round(height * scale)))
        rgb = np.asarray(cv2.resize(rgb, size, interpolation=cv2.INTER_AREA), dtype=np.uint8)
        height, width = rgb.shape[:2]
    bottom = max(0, -(-width // MAX_ASPECT) - height)
    right = max(0, -(-height // MAX_ASPECT) - width)
    if bottom or right:
        white = (255, 255, 255)
        padded = cv2.copyMakeBorder(rgb, 0, bottom, 0, right, cv2.BORDER_CONSTANT, value=white)
        return np.asarray(padded, dtype=np.uint8), scale
    return (rgb if scale < 1.0 else rgb.copy()), scale


# Rows blended over white at a time: float32 temporaries of a band, not of the picture.
BLEND_ROWS = 256


def _over_white(image: Image) -> Image:
    """RGB: the picture itself when it is RGB, else a new array (grey repeated, RGBA over
    white)."""
    pixels = check_pixels(image)
    if pixels.ndim != 3 or pixels.shape[2] != 4:
        return as_rgb(pixels)
    out = np.empty((*image.shape[:2], 3), dtype=np.uint8)
    for top in range(0, image.shape[0], BLEND_ROWS):
        band = pixels[top : top + BLEND_ROWS]
        alpha = band[:, :, 3:4].astype(np.float32) / np.float32(255.0)
        blended = band[:, :, :3].astype(np.float32) * alpha + np.float32(255.0) * (1 - alpha)
        out[top : top + BLEND_ROWS] = np.clip(np.rint(blended), 0, 255)
    return out


def _engine() -> RapidOCR:
    """The process-wide engine, built on first use (thread-safe)."""
    with _LOAD_LOCK:
        return _cached_engine()


@functools.cache
def _cached_engine() -> RapidOCR:
    return build_engine()


def warm_up() -> threading.Thread:
    """Build the engine in a background thread, for a server at its start: the first turn
    that reads text (a removal, or a refusal's closest edits) then waits only for the read.
    Cold, the import and build took 2.6 s of the 6.5 s "can you remove the bee" took in the
    web UI; the read itself takes 1.2-1.5 s at 1 MP on two cores."""

    def build() -> None:
        # a missing model is raised again by the first read, to the turn that needs the text
        with contextlib.suppress(BackendError):
            _engine()

    thread = threading.Thread(target=build, name="gouache-ocr-warm-up", daemon=True)
    thread.start()
    return thread


def engine_params() -> dict[str, Any]:
    """RapidOCR parameters that pin every model to the wheel's own files."""
    import rapidocr

    folder = Path(rapidocr.__file__).resolve().parent / "models"
    missing = [name for name in MODEL_FILES.values() if not (folder / name).is_file()]
    if missing:
        raise BackendError(
            f"RapidOCR's bundled models are missing from {folder} ({', '.join(missing)}); "
            "reinstall it with `pip install --force-reinstall rapidocr==3.10.0`",
            backend="text",
        )
    params: dict[str, Any] = {
        "Global.log_level": "error",
        "Global.model_root_dir": str(folder),
        "Global.text_score": MIN_SCORE,
    }
    for stage, name in MODEL_FILES.items():
        params[f"{stage}.model_path"] = str(folder / name)
    return params


def build_engine() -> RapidOCR:
    """A new RapidOCR engine over the bundled models; it cannot download anything. Its
    detector is `text_detector`'s, whose memory does not grow with the picture."""
    from rapidocr import RapidOCR

    from gouache.analysis.text_detector import bounded_detector

    params = engine_params()
    engine = RapidOCR(params=params)
    cfg = engine.cfg
    engine.text_det = bounded_detector(
        cfg.Det, cfg.EngineConfig[cfg.Det.engine_type.value], params["Det.model_path"]
    )
    return engine
