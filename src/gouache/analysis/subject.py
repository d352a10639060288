"""The main subject of an image as a mask: GrabCut seeded by a portrait or a centre prior.

GrabCut: C. Rother, V. Kolmogorov, A. Blake, "GrabCut: interactive foreground extraction
using iterated graph cuts", ACM Transactions on Graphics 23(3) (SIGGRAPH 2004), 309-314,
as implemented by OpenCV's `cv2.grabCut`. Where no face is known, the seed is thinned with
spectral-residual saliency: X. Hou, L. Zhang, "Saliency Detection: A Spectral Residual
Approach", CVPR 2007.

Notation (paper -> code):

    z            the pixels of the working copy, long side at most WORK_SIDE px    `small`
    T_B, T_U, T_F  the trimap: sure background, unknown, sure foreground          `trimap`
                 T_B = cv2.GC_BGD, T_F = cv2.GC_FGD; T_U is split into cv2.GC_PR_BGD and
                 cv2.GC_PR_FGD, the initial guess of alpha inside it
    alpha        the label of each pixel after ITERATIONS rounds of (fit the two K=5
                 colour GMMs theta, min-cut E(alpha, k, theta, z) = U + V)   `labels`
    A, P, R, S   (Hou & Zhang) log amplitude, phase, spectral residual R = A - h_3 * A,
                 saliency S = g * |F^-1[exp(R + iP)]|^2                   `_saliency`

The priors:

* With faces (a portrait prior): each face's inscribed ellipse is sure foreground; a head
  region 1.8 face-widths wide (hair to neck) and a body region 3 face-widths wide (from
  the shoulders down to seven face-heights under the face) are probable foreground; the
  rest is probable background, and the image border outside those regions is sure
  background.
* Without faces, several objects on a smooth ground (coins on a table, parts on paper):
  no GrabCut. The ground is a cubic surface fitted to the frame and refitted to whatever
  lies near it, then to the ground around each pixel, and every object standing off it is
  the subject, holes filled; GrabCut
  around the centre kept the middle group and dropped the rest.
* Without faces otherwise (a centre prior): a border 4 % of the long side wide is sure background,
  the inside is probable foreground, except its least salient 30 %, which starts as
  probable background, and the sky (`gouache.analysis.sky`), which is sure background.

The mask is cleaned with a morphological opening then closing, holes smaller than 5 % of
the image are filled, and only the components that hold a face (or, without faces, the
largest component and any at least a quarter of its size) are kept. It is computed at
WORK_SIDE px and upsampled, so its edges are accurate to about one working pixel
(2 px on a 1000 px image), and hair or fur is cut as a hard edge.

Where it fails (seen on scikit-image's and matplotlib's sample photos):

* Busy or subject-coloured backgrounds. GrabCut separates colour distributions, so a
  background that shares the subject's colours leaks into the mask or eats the subject:
  in `rocket` the dark gantries are lost, and so is the rocket's shaded nose (the lit sky
  around it went with the rocket until the sky was made sure background); in `camera` the
  black tripod is cut off from the black-coated cameraman.
* Subjects touching the border. The border is sure background unless a face's regions
  reach it, so anything cropped by the frame loses the parts near the edge: in `chelsea`
  the cat fills the frame and only its face is kept. People are spared only because the
  body region runs to the bottom edge.
* Tight portraits. When the body region covers the frame, the background is learnt from
  the strips beside and above the head alone; a flag or a wall seen only below the
  shoulders stays in the mask. When the head and body regions cover it all (a selfie), the
  regions shrink to the face's box and below it (`_close_up_prior`).
* Several subjects. With faces every person is kept; on a smooth ground every object is;
  otherwise only the largest region and those at least a quarter of its size are, so which
  of two objects wins is a matter of area, not of meaning. People whose body regions
  overlap merge into one mask.
* Objects on a smooth ground are filled: the inside of a ring or of a letter O goes with
  it, and a part of an object as dark as the ground at its rim (the edge of a worn coin)
  goes with the ground.
* No subject at all. A landscape, a texture or a flat colour still yields "the centre",
  or nothing for a perfectly uniform image; `method`, `box` and `coverage` say how to
  read it.
* Faces the detector missed (profiles, small or occluded faces) fall back to the centre
  prior, which may cut a person off at the border.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import numpy.typing as npt

from gouache.analysis.faces import SURE_SCORE, sure_faces
from gouache.analysis.sky import sky_mask
from gouache.analysis.types import (
    Box,
    Face,
    Mask,
    SubjectMask,
    SubjectMethod,
    as_rgb,
    box_around,
)
from gouache.images import Image

WORK_SIDE = 512
ITERATIONS = 4
# Under this many working pixels on a side, or seeds, GrabCut has nothing to learn from.
MIN_WORK_SIDE = 16
MIN_SEEDS = 64
BORDER = 0.04
LEAST_SALIENT = 0.30
MAX_HOLE = 0.05
KEEP_RATIO = 0.25
# The sure chest under a face: half its width in face widths, its top and bottom in face
# heights below the face's top.
CHEST = (0.5, 1.8, 3.2)

# Objects on a smooth ground: the frame band (a share of the short side) the ground is
# first fitted to, the rounds of refitting (on every GROUND_STEP-th pixel), and the RGB
# distance within which a pixel is ground; at least GROUND_FRAME_SHARE of the frame must be.
GROUND_FRAME = 0.02
GROUND_ROUNDS = 5
GROUND_STEP = 4
# then LOCAL_ROUNDS of the ground near each pixel, a gaussian GROUND_LOCAL of the long side
GROUND_LOCAL = 0.04
LOCAL_ROUNDS = 3
GROUND_TOLERANCE = 30.0
GROUND_FRAME_SHARE = 0.9
# The objects: two of at least OBJECT_SHARE of the picture, all together within
# GROUND_OBJECTS; smaller than SPECK_SHARE is grain of the ground.
OBJECT_SHARE = 0.005
GROUND_OBJECTS = (0.05, 0.8)
SPECK_SHARE = 0.001

# cv2's trimap values, named here so that this module imports cv2 only when it runs.
_BGD, _FGD, _PR_BGD, _PR_FGD = 0, 1, 2, 3

SIGNATURE = (
    f"subject/6 grabcut sky=sure-bgd portrait={SURE_SCORE} side={WORK_SIDE} "
    f"iterations={ITERATIONS} border={BORDER} "
    f"least_salient={LEAST_SALIENT} max_hole={MAX_HOLE} keep={KEEP_RATIO} chest={CHEST} "
    f"ground={GROUND_FRAME},{GROUND_ROUNDS},{GROUND_STEP},{GROUND_LOCAL},{LOCAL_ROUNDS},"
    f"open4-close,{GROUND_TOLERANCE},{GROUND_FRAME_SHARE},{OBJECT_SHARE},{GROUND_OBJECTS},"
    f"{SPECK_SHARE}"
)


def subject_mask(image: Image, faces: Sequence[Face] | None = None) -> SubjectMask:
    """The main subject of `image`: the people in `faces` if any (`sure_faces`),
    else what stands out.

    `faces` are the faces already found in this image (`detect_faces`); this function
    detects none itself. None and [] both mean "use the centre prior".
    """
    import cv2

    # 1. a working copy with its long side at most WORK_SIDE px
    rgb = as_rgb(image)
    height, width = rgb.shape[:2]
    scale = min(1.0, WORK_SIDE / max(height, width))
    if scale < 1.0:
        size = (max(1, round(width * scale)), max(1, round(height * scale)))
        small = np.asarray(cv2.resize(rgb, size, interpolation=cv2.INTER_AREA), dtype=np.uint8)
    else:
        small = rgb
    face_boxes = [
        _scaled(face.box, small.shape[1] / width, small.shape[0] / height)
        for face in sure_faces(faces or ())
    ]

    # 2. several objects on a smooth ground are all the subject: GrabCut around the centre
    #    would keep the middle group and drop the rest
    ground = None if face_boxes else _objects_on_ground(small)
    if ground is not None:
        return _full_size(ground, "ground", height, width)

    # 3. the prior trimap
    method: SubjectMethod
    if face_boxes:
        trimap, method = _portrait_prior(small.shape[:2], face_boxes), "grabcut-faces"
        if not _learnable(trimap):  # a selfie: the head and body regions cover the frame
            trimap = _close_up_prior(small.shape[:2], face_boxes)
    else:
        trimap, method = _centre_prior(small), "grabcut-centre"

    # 4. GrabCut and clean-up, unless the image is too small or the prior one-sided
    if min(small.shape[:2]) >= MIN_WORK_SIDE and _learnable(trimap):
        labels = _grabcut(small, trimap)
        fg = _clean((labels == _FGD) | (labels == _PR_FGD), face_boxes)
    else:
        method = "prior"
        fg = (trimap == _FGD) | (trimap == _PR_FGD)

    # 5. back to full size
    return _full_size(fg, method, height, width)


def _full_size(fg: Mask, method: SubjectMethod, height: int, width: int) -> SubjectMask:
    import cv2

    if fg.shape != (height, width):
        up = cv2.resize(fg.astype(np.uint8) * 255, (width, height), interpolation=cv2.INTER_LINEAR)
        fg = up >= 128
    return SubjectMask(mask=fg, method=method, box=_mask_box(fg))


def _objects_on_ground(small: Image) -> Mask | None:
    """Every object on a smooth ground, or None when the picture is not that.

    The ground is a cubic surface per channel, fitted first to the frame and then, a few
    times over, to every pixel within GROUND_TOLERANCE of the last fit (so lighting that
    falls off across the ground is followed), then refined to the local mean of the ground
    pixels around each pixel (shadows). The frame must lie on it, and what stands off it
    must be at least two objects of OBJECT_SHARE, together between GROUND_OBJECTS of the
    picture; each is kept whole, its holes filled (the inside of an O too).
    """
    import cv2

    height, width = small.shape[:2]
    if min(height, width) < MIN_WORK_SIDE:
        return None
    # 1. the ground's surface, from the frame outwards, fitted on every GROUND_STEP-th pixel
    rgb = as_rgb(small).astype(np.float32)
    ys, xs = np.mgrid[0:height, 0:width].astype(np.float32)
    x, y = xs / width - 0.5, ys / height - 0.5
    terms = np.stack(
        [np.ones_like(x), x, y, x * x, x * y, y * y, x**3, x * x * y, x * y * y, y**3], axis=-1
    )
    frame = np.zeros((height, width), dtype=bool)
    band = max(1, round(GROUND_FRAME * min(height, width)))
    frame[:band], frame[-band:], frame[:, :band], frame[:, -band:] = True, True, True, True
    grid = (slice(None, None, GROUND_STEP), slice(None, None, GROUND_STEP))
    chosen = frame[grid]
    for round_ in range(GROUND_ROUNDS):
        if np.count_nonzero(chosen) < MIN_SEEDS:
            return None
        # least squares by the normal equations: ten well-scaled terms (lstsq took 50 ms)
        a, b = terms[grid][chosen], rgb[grid][chosen]
        coefficients = np.linalg.solve(a.T @ a + 1e-6 * np.eye(a.shape[1]), a.T @ b)
        fit = terms[grid] @ coefficients.astype(np.float32)
        chosen = np.linalg.norm(rgb[grid] - fit, axis=-1) < GROUND_TOLERANCE
        if round_ == 0 and float(chosen[frame[grid]].mean()) < GROUND_FRAME_SHARE:
            return None  # the frame is no smooth ground (most photos leave here)
    ground = terms @ coefficients.astype(np.float32)
    chosen = np.linalg.norm(rgb - ground, axis=-1) < GROUND_TOLERANCE
    if float(chosen[frame].mean()) < GROUND_FRAME_SHARE:
        return None
    # then the ground near each pixel, its own pixels only (a normalised convolution), which
    # follows shadows and light falling off where a cubic cannot
    # (blurred at 1/GROUND_STEP of the size: the gaussian is GROUND_STEP * 5 px wide or more)
    sigma = GROUND_LOCAL * max(height, width) / GROUND_STEP
    reduced = (max(1, width // GROUND_STEP), max(1, height // GROUND_STEP))

    def blurred(plane: npt.NDArray[np.float32]) -> npt.NDArray[np.float32]:
        small_plane = cv2.resize(plane, reduced, interpolation=cv2.INTER_AREA)
        spread = cv2.GaussianBlur(small_plane, (0, 0), sigma)
        return np.asarray(cv2.resize(spread, (width, height)), dtype=np.float32)

    for _ in range(LOCAL_ROUNDS):
        weight = blurred(chosen.astype(np.float32)).reshape(height, width, 1)
        spread = blurred(rgb * chosen[:, :, None]).reshape(height, width, 3)
        ground = np.where(weight > 1e-3, spread / np.maximum(weight, 1e-3), ground)
        chosen = np.linalg.norm(rgb - ground, axis=-1) < GROUND_TOLERANCE

    # 2. the objects: off the ground, grain opened away (an opening 1 % of the side wide
    #    ate the strokes of letters), cracks closed, holes filled
    k = max(3, round(max(height, width) / 100) | 1)
    kernel = cv2.getStructuringElement(cv2.MORPH_ELLIPSE, (k, k))
    binary = cv2.morphologyEx((~chosen).astype(np.uint8), cv2.MORPH_OPEN, np.ones((4, 4)))
    binary = cv2.morphologyEx(binary, cv2.MORPH_CLOSE, kernel)
    _, holes = cv2.connectedComponents((1 - binary).astype(np.uint8), connectivity=4)
    edge = np.unique(np.concatenate([holes[0], holes[-1], holes[:, 0], holes[:, -1]]))
    objects = (binary > 0) | ~np.isin(holes, edge)
    _, labels, stats, _ = cv2.connectedComponentsWithStats(objects.astype(np.uint8), connectivity=8)
    areas = stats[1:, cv2.CC_STAT_AREA] / float(height * width)

    # 3. several objects, neither specks nor the whole picture
    low, high = GROUND_OBJECTS
    if np.count_nonzero(areas >= OBJECT_SHARE) < 2 or not low <= areas.sum() <= high:
        return None
    return np.isin(labels, np.flatnonzero(areas >= SPECK_SHARE) + 1)


def _scaled(box: Box, sx: float, sy: float) -> tuple[float, float, float, float]:
    return (box.x * sx, box.y * sy, box.w * sx, box.h * sy)


def _portrait_prior(
    shape: tuple[int, ...], faces: list[tuple[float, float, float, float]]
) -> npt.NDArray[np.uint8]:
    import cv2

    height, width = shape[:2]
    trimap = np.full((height, width), _PR_BGD, dtype=np.uint8)
    # head and hair, then shoulders and body: about three face-widths wide below the chin
    for x, y, w, h in faces:
        cx = x + w / 2
        for half_width, top, bottom in ((0.9, -0.5, 1.3), (1.5, 1.2, 7.0)):
            x0, x1 = _span(cx - half_width * w, cx + half_width * w, width)
            y0, y1 = _span(y + top * h, y + bottom * h, height)
            trimap[y0:y1, x0:x1] = _PR_FGD
    _sure_border(trimap, _border(height, width), where=_PR_BGD)
    # the face itself, the ellipse inside its box, and the middle of the chest below it:
    # without that core GrabCut may give a suit the flag's colours (the astronaut's orange
    # suit went to the background with the red stripes, and only her head stayed)
    for x, y, w, h in faces:
        centre = (round(x + w / 2), round(y + h / 2))
        axes = (max(1, round(w * 0.45)), max(1, round(h * 0.5)))
        cv2.ellipse(trimap, centre, axes, 0.0, 0.0, 360.0, _FGD, thickness=-1)
        x0, x1 = _span(x + w / 2 - CHEST[0] * w, x + w / 2 + CHEST[0] * w, width)
        y0, y1 = _span(y + CHEST[1] * h, y + CHEST[2] * h, height)
        trimap[y0:y1, x0:x1] = _FGD
    return trimap


def _close_up_prior(
    shape: tuple[int, ...], faces: list[tuple[float, float, float, float]]
) -> npt.NDArray[np.uint8]:
    """A face so close that the portrait prior leaves no background: the head is its box
    widened by a tenth (hair) and raised by half its height (a hat), the body runs from the
    chin to the bottom edge 0.3 face widths wider on each side; the border beside and above is
    sure background, and the face and chest sure foreground as in the portrait prior."""
    height, width = shape[:2]
    trimap = np.full((height, width), _PR_BGD, dtype=np.uint8)
    for x, y, w, h in faces:
        for grow, top, bottom in ((0.1, -0.5, 1.0), (0.3, 1.0, height / max(h, 1.0))):
            x0, x1 = _span(x - grow * w, x + (1 + grow) * w, width)
            y0, y1 = _span(y + top * h, y + bottom * h, height)
            trimap[y0:y1, x0:x1] = _PR_FGD
    _sure_border(trimap, _border(height, width), where=_PR_BGD)
    core = _portrait_prior(shape, faces) == _FGD
    trimap[core] = _FGD
    return trimap


def _centre_prior(small: Image) -> npt.NDArray[np.uint8]:
    import cv2

    height, width = small.shape[:2]
    trimap = np.full((height, width), _PR_FGD, dtype=np.uint8)
    _sure_border(trimap, _border(height, width), where=None)
    inside = trimap == _PR_FGD
    if inside.any():
        grey = np.asarray(cv2.cvtColor(small, cv2.COLOR_RGB2GRAY), dtype=np.uint8)
        saliency = _saliency(grey)
        cut = np.quantile(saliency[inside], LEAST_SALIENT)
        trimap[inside & (saliency < cut)] = _PR_BGD
    # the sky is never the subject: without this the sky lit around a rocket at dusk went
    # with the rocket (its colours were not the dark sky's at the border)
    sky = sky_mask(small)
    if sky.any():
        trimap[sky] = _BGD
    return trimap


def _saliency(grey: npt.NDArray[np.uint8]) -> npt.NDArray[np.float32]:
    """Hou & Zhang's spectral residual saliency, computed at 64 px and resized back."""
    import cv2

    height, width = grey.shape
    tiny = cv2.resize(grey.astype(np.float32), (64, 64), interpolation=cv2.INTER_AREA)
    spectrum = np.fft.fft2(tiny)
    log_amplitude = np.log(np.abs(spectrum) + 1e-8).astype(np.float32)
    phase = np.angle(spectrum)
    residual = log_amplitude - cv2.blur(log_amplitude, (3, 3))
    energy = np.abs(np.fft.ifft2(np.exp(residual + 1j * phase))) ** 2
    smooth = np.asarray(cv2.GaussianBlur(energy.astype(np.float32), (0, 0), 3.0))
    peak = float(smooth.max())
    normalised = np.asarray(smooth / peak if peak > 0 else smooth, dtype=np.float32)
    out = cv2.resize(normalised, (width, height), interpolation=cv2.INTER_LINEAR)
    return np.asarray(out, dtype=np.float32)


def _grabcut(small: Image, trimap: npt.NDArray[np.uint8]) -> npt.NDArray[np.uint8]:
    import cv2

    labels = trimap.copy()
    bgd_model = np.zeros((1, 65), dtype=np.float64)
    fgd_model = np.zeros((1, 65), dtype=np.float64)
    # the GMMs start from k-means on OpenCV's RNG: seed it so one image gives one mask
    cv2.setRNGSeed(0)
    # GrabCut's colour models do not care about channel order, so RGB goes in as it is
    cv2.grabCut(
        small, labels, (0, 0, 0, 0), bgd_model, fgd_model, ITERATIONS, cv2.GC_INIT_WITH_MASK
    )
    return labels


def _clean(fg: Mask, faces: list[tuple[float, float, float, float]]) -> Mask:
    import cv2

    height, width = fg.shape
    # 1. open (drop specks) then close (bridge cracks), about 1 % of the long side
    k = max(3, round(max(height, width) / 100) | 1)
    kernel = cv2.getStructuringElement(cv2.MORPH_ELLIPSE, (k, k))
    binary = cv2.morphologyEx(fg.astype(np.uint8), cv2.MORPH_OPEN, kernel)
    binary = cv2.morphologyEx(binary, cv2.MORPH_CLOSE, kernel)

    # 2. keep the components that hold a face, else the largest ones
    count, components, stats, _ = cv2.connectedComponentsWithStats(binary, connectivity=8)
    if count <= 1:
        return binary.astype(bool)
    keep: set[int] = set()
    for x, y, w, h in faces:
        # the face, and the chest under it (a collar of the background's colour may cut the
        # two apart)
        for top, bottom, half in ((0.0, 1.0, 0.5), (CHEST[1], CHEST[2], CHEST[0])):
            y0, y1 = _span(y + top * h, y + bottom * h, height)
            x0, x1 = _span(x + w / 2 - half * w, x + w / 2 + half * w, width)
            keep.update(int(v) for v in np.unique(components[y0:y1, x0:x1]) if v != 0)
    if not keep:
        areas = stats[1:, cv2.CC_STAT_AREA]
        largest = int(areas.max())
        keep = {int(i) + 1 for i in np.flatnonzero(areas >= KEEP_RATIO * largest)}
    subject = np.isin(components, sorted(keep))

    # 3. fill holes that do not reach the border and are small
    count, holes, stats, _ = cv2.connectedComponentsWithStats(
        (~subject).astype(np.uint8), connectivity=4
    )
    edge = np.unique(np.concatenate([holes[0], holes[-1], holes[:, 0], holes[:, -1]]))
    small_holes = np.flatnonzero(stats[:, cv2.CC_STAT_AREA] < MAX_HOLE * height * width)
    fill = np.setdiff1d(small_holes, np.append(edge, 0))
    if fill.size:
        subject |= np.isin(holes, fill)
    return subject


def _border(height: int, width: int) -> int:
    return max(1, round(BORDER * max(height, width)))


def _sure_border(trimap: npt.NDArray[np.uint8], b: int, *, where: int | None) -> None:
    """Mark a border b px wide as sure background (only where it holds `where`, if given)."""
    frame = np.zeros(trimap.shape, dtype=bool)
    frame[:b], frame[-b:], frame[:, :b], frame[:, -b:] = True, True, True, True
    if where is not None:
        frame &= trimap == where
    trimap[frame] = _BGD


def _span(lo: float, hi: float, limit: int) -> tuple[int, int]:
    return int(np.clip(np.floor(lo), 0, limit)), int(np.clip(np.ceil(hi), 0, limit))


def _learnable(trimap: npt.NDArray[np.uint8]) -> bool:
    background = int(np.count_nonzero((trimap == _BGD) | (trimap == _PR_BGD)))
    foreground = int(np.count_nonzero((trimap == _FGD) | (trimap == _PR_FGD)))
    return background >= MIN_SEEDS and foreground >= MIN_SEEDS


def _mask_box(mask: Mask) -> Box | None:
    rows = np.flatnonzero(mask.any(axis=1))
    cols = np.flatnonzero(mask.any(axis=0))
    if rows.size == 0:
        return None
    height, width = mask.shape
    return box_around([cols[0], cols[-1] + 1], [rows[0], rows[-1] + 1], width, height)
