"""What to do next: a few edits worth offering, from the analysis and cheap image statistics.

`suggest(image, analysis)` runs after every chat turn, so it reads only what is fast: the
faces (YuNet, ~80 ms once per image, then cached) and statistics that take about 20 ms
together at 1 MP on two cores. Text is read only when asked for (`read_text=True`): the
OCR takes about 1 s at 1 MP.

Each rule gives a severity in [0, 1]. A defect scores 0.5 as it crosses its threshold and
rises to 1 as it gets worse, so fixes rank above the creative suggestions (faces, text),
which score below 0.5. Ties are broken by the instruction, so the order is deterministic.

    rule      fires when                                  instruction
    exposure  mean luma < 0.22                            brighten by N%   (or auto enhance)
              mean luma > 0.78, or > 10 % clipped white   darken by N%
              (on a plain light ground, a product shot's
              white or a page's paper, measured on what
              is not the ground, and not at all when
              under GROUND_REST of the picture is; not
              where the rest rolls off into white)
    contrast  RMS contrast of luma < 0.10, after the      increase the contrast by N%
              brightening suggested above
    cast      grey-edge channel imbalance >= 0.11,        make it warmer / cooler by N%
              grey world on near-neutral pixels the      (N at most 60), or fix the
              same way (not in a toned monochrome: a     white balance
              sepia's tone is the print's, not a cast)
    noise     Immerkær sigma of luma >= 5 (of 255)        denoise a bit / denoise / denoise a lot
    tilt      median of the long near-level lines         straighten by N degrees
              >= 1 degree off level                       [counter-]clockwise
    faces     one face >= 1/8 of the image height         blur the background, crop to the face
              any face                                    blur the faces
              (a face an earlier turn blurred or pixelated, `Redacted`, is not one: it is
              still found at times, and no portrait is read from what is left)
    text      any line read (only with read_text)         remove the text
              an email, phone number or key among them    blur the personal info

Luma is BT.601 Y' of the encoded values, scaled to [0, 1] (`gouache.analysis.measures`, shared
with the critics); alpha is ignored. Every instruction is one the rule planner maps to an
operator, with the amount worked out so that doing it lands near the target.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np
import numpy.typing as npt

from gouache.analysis.cache import Analysis
from gouache.analysis.faces import sure_faces
from gouache.analysis.measures import (
    WORKING_SIDE,
    ToneStats,
    cast_imbalance,
    grey_world_imbalance,
    is_grey,
    luma,
    noise_sigma,
    opaque_mask,
    reduced,
    tilt,
    tone_stats,
)
from gouache.analysis.types import as_rgb, check_pixels
from gouache.images import Image
from gouache.ops._pixels import LUMA_WEIGHTS
from gouache.ops.keying import KEEP_BELOW

if TYPE_CHECKING:
    from gouache.analysis.types import Box, Face, TextLine

FloatArray = npt.NDArray[np.float64]

# A defect scores this as it crosses its threshold; creative suggestions score below it.
DEFECT = 0.5

# exposure: mean luma bounds, the share of clipped pixels, and where a fix aims.
DARK_MEAN = 0.22
BRIGHT_MEAN = 0.78
CLIPPED_SHARE = 0.10
TARGET_MEAN = 0.45
# Brightening stops before the 99th percentile of luma passes this.
HIGHLIGHT_CEILING = 0.97
DARKEN_TARGET_MEAN = 0.5
# A plain light ground, one colour of luma GROUND_LIGHT or more (to within KEEP_BELOW) on
# GROUND_SHARE of the picture or more, is white or paper, not over-exposure: exposure is read
# on the pixels off it, when they are GROUND_REST of the picture or more. The receipt (paper
# 250, 250, 245 on a table) read 0.80 and was offered "darken by 40%", as was the logo's disc
# on white.
GROUND_LIGHT = 0.85
GROUND_SHARE = 0.25
GROUND_REST = 0.02
# ... unless ROLL_OFF of the pixels off it or more are light (luma BRIGHT_MEAN or more): blown
# highlights fade into white over the subject, a white ground ends at its edge. The
# astronaut 1.6 stops brighter measures 0.16, x1.8 + 40 0.32; the receipt 0.014, a cup on
# white 0.044, the logo 0.08.
ROLL_OFF = 0.12
GROUND_BIN = 16  # code values per bin of the light colours the ground's is the commonest of
# ... and a flat shape on it (luma's spread under FLAT_REST) is a silhouette, not a dark
# photo: a black horse on white read 0.00 and was offered "brighten by 200%".
FLAT_REST = 0.02

# contrast: RMS contrast (Peli 1990) of luma below LOW_RMS; a fix aims at TARGET_RMS.
LOW_RMS = 0.10
TARGET_RMS = 0.18

# colour cast: the largest grey-edge imbalance. scikit-image's photos measure 0.01 (noisy
# astronaut) to 0.093 (rocket 0.091, immunohistochemistry 0.093); its retina, an orange
# fundus photo, 0.20. Casts made in linear light: the astronaut with red x0.8, blue x1.25
# 0.119; with red x0.7, blue x1.4 0.17; coffee with red x1.15, green x1.05, blue x0.75 0.22.
CAST_IMBALANCE = 0.11
# A cast is offered only when grey world on the near-neutral pixels
# (`measures.grey_world_imbalance`) moves the same channel the same way: an orange flower on
# dark teal reads red -18 % by grey edge alone, and was offered "make it warmer by 90%".
# The warmth offered is at most MAX_WARMTH (%): enough to take the casts above under
# CAST_IMBALANCE, and a wrong reading cannot swing the picture far.
MAX_WARMTH = 60
# Bisection steps for the warmth amount: 2 / 2 ** 6, finer than the 10 % it is rounded to.
WARMTH_STEPS = 6

# noise: sigma of luma in code values (0..255). Gaussian noise of sigma s in each channel
# gives 0.67 s in luma. Clean photos measure 0.3 to 3.8 (coffee, a JPEG); fine texture over
# the whole frame reads as noise too: scikit-image's grass measures 11.
NOISE_SIGMA = 5.0
NOISE_STRONG = 7.0
NOISE_HEAVY = 10.0

# tilt (measured by `analysis.measures.tilt`, as auto_straighten measures it): a tilt of
# TILT_MIN degrees is worth straightening, TILT_SEVERE badly so.
TILT_MIN = 1.0
TILT_SEVERE = 4.0

# faces: a face at least this share of the image height makes a portrait.
PORTRAIT_FACE_SHARE = 1 / 8
SEVERITY_BLUR_BACKGROUND = 0.45
SEVERITY_CROP_FACE = 0.4
SEVERITY_BLUR_ONE_FACE = 0.3
SEVERITY_BLUR_FACES = 0.45
SEVERITY_TEXT = 0.48
# A screenshot's email or phone number is more likely to be hidden than all its text removed.
SEVERITY_PERSONAL = 0.49
PERSONAL_KINDS = ("email", "phone", "key")


@dataclass(frozen=True)
class Suggestion:
    """An edit to offer: `instruction` is sent to the planner as it is; `reason` says why."""

    instruction: str
    reason: str
    # 0..1; what the suggestions are ranked by.
    severity: float
    # The operator the rule planner maps `instruction` to (a test holds them together), so
    # a caller can tell what an idea would do without planning it.
    op: str


@dataclass(frozen=True)
class Redacted:
    """Faces the turns on the way to a version blurred or pixelated (its recipe says so)."""

    verb: str  # "blurred" or "pixelated", the last one
    # Where they were, in the version's pixels; None when a later change of frame moved them.
    boxes: tuple[Box, ...] | None


def suggest(
    image: Image,
    analysis: Analysis,
    *,
    limit: int = 3,
    read_text: bool = False,
    redacted: Redacted | None = None,
) -> tuple[Suggestion, ...]:
    """At most `limit` suggestions for `image`, the most severe first.

    `analysis` is the image's Analysis (from the session's AnalysisCache); `redacted`, the
    faces blurred on the way to it, which are no faces to offer edits of. Its text is read
    only when `read_text` is True, since that runs the OCR (about 1 s at 1 MP): `Analysis`
    does not say whether its text is already known, so it cannot be used only when cached.
    """
    check_pixels(image)
    if limit < 0:
        raise ValueError(f"limit is a count of suggestions, at least 0, not {limit}")
    if limit == 0:
        return ()
    if image.shape != analysis.image.shape or not np.array_equal(image, analysis.image):
        raise ValueError("the analysis is of another image: pass `analysis_cache.get(image)`")
    # 1. luma at full size (noise lives in single pixels), colour reduced; where
    #    the image is transparent, what is hidden there is not measured
    opaque = opaque_mask(image)
    if opaque is not None and not opaque.any():
        return ()
    grey = luma(image)
    small_rgb = None if is_grey(image) else reduced(as_rgb(image), WORKING_SIDE)
    # 2. defects
    tone = tone_stats(grey, opaque)
    exposure = _exposure(tone)
    if exposure and tone.mean >= DARK_MEAN:  # too bright: maybe only a light ground
        rest = _off_light_ground(image, opaque)
        if rest is not None and _rolls_off(grey, rest) < ROLL_OFF:
            shown = float(np.count_nonzero(rest)) / rest.size
            shape = tone_stats(grey, rest)
            flat = shape.rms < FLAT_REST
            exposure = _exposure(shape) if shown >= GROUND_REST and not flat else []
    found = exposure + _contrast(tone) + _noise(grey, opaque) + _tilt(grey)
    if small_rgb is not None:
        small_opaque = None if opaque is None else reduced(opaque * 255, WORKING_SIDE) >= 128
        found += _cast(small_rgb, None if small_opaque is None else small_opaque.astype(np.uint8))
    # 3. what the analysis found
    found += _faces(analysis.faces, grey.shape[0], redacted)
    if read_text:
        found += _text(analysis.text)
    ranked = sorted(found, key=lambda s: (-s.severity, s.instruction))
    return tuple(ranked[:limit])


# -- tone -------------------------------------------------------------------------------------


def _exposure(tone: ToneStats) -> list[Suggestion]:
    if tone.mean < DARK_MEAN:
        severity = _ramp(DARK_MEAN - tone.mean, 0.12)
        reason = f"under-exposed (mean luminance {tone.mean:.2f})"
        amount = _percent(_brightening(tone) - 1.0, 10, 200)
        if amount is None:
            # The highlights are already bright: only a local lift of the shadows helps.
            return [Suggestion("auto enhance", reason, severity, "auto_enhance")]
        return [Suggestion(f"brighten by {amount}%", reason, severity, "brightness")]
    if tone.mean > BRIGHT_MEAN or tone.clipped > CLIPPED_SHARE:
        severity = max(
            _ramp(tone.mean - BRIGHT_MEAN, 0.12), _ramp(tone.clipped - CLIPPED_SHARE, 0.2)
        )
        reason = (
            f"over-exposed (mean luminance {tone.mean:.2f}, {tone.clipped:.0%} clipped to white)"
        )
        amount = _percent(1.0 - DARKEN_TARGET_MEAN / tone.mean, 10, 50) or 10
        return [Suggestion(f"darken by {amount}%", reason, severity, "brightness")]
    return []


def _off_light_ground(image: Image, opaque: Image | None) -> Image | None:
    """The mask (uint8) of the pixels off the picture's plain light ground (the commonest
    light colour, to within `keying.KEEP_BELOW`, on GROUND_SHARE of the picture or more), or
    None when it has none."""
    rgb = as_rgb(image).astype(np.float32)
    light = rgb @ LUMA_WEIGHTS >= GROUND_LIGHT * 255.0
    if opaque is not None:
        light &= opaque > 0
    if light.mean() < GROUND_SHARE:
        return None
    bins = (rgb[light] // GROUND_BIN).astype(np.int32)
    keys, counts = np.unique(bins @ np.array([1 << 16, 1 << 8, 1]), return_counts=True)
    key = int(keys[counts.argmax()])
    colour = (np.array([key >> 16, (key >> 8) & 255, key & 255]) + 0.5) * GROUND_BIN
    apart = rgb - colour.astype(np.float32)
    off = np.sqrt(np.einsum("ijk,ijk->ij", apart, apart)) >= KEEP_BELOW
    if opaque is not None:
        off &= opaque > 0
    if 1.0 - off.mean() < GROUND_SHARE:
        return None
    return np.asarray(off, dtype=np.uint8)


def _rolls_off(grey: Image, rest: Image) -> float:
    """The share of the pixels in `rest` of luma BRIGHT_MEAN or more."""
    shown = grey[rest > 0]
    return float((shown >= BRIGHT_MEAN * 255.0).mean()) if shown.size else 0.0


def _brightening(tone: ToneStats) -> float:
    """The gain "brighten" should apply: toward a mid-grey mean, but no further than the
    highlights allow; 1 when the image is not under-exposed."""
    if tone.mean >= DARK_MEAN:
        return 1.0
    gain = min(TARGET_MEAN / max(tone.mean, 1e-3), HIGHLIGHT_CEILING / max(tone.p99, 1e-3))
    amount = _percent(gain - 1.0, 10, 200)
    return 1.0 if amount is None else 1.0 + amount / 100


def _contrast(tone: ToneStats) -> list[Suggestion]:
    """RMS contrast, the standard deviation of luma in [0, 1].

    E. Peli, "Contrast in complex images", JOSA A 7(10), 1990. Scaling by the brightening
    gain predicts the contrast after that suggestion (brightness multiplies code values).
    """
    rms = tone.rms * _brightening(tone)
    if rms >= LOW_RMS:
        return []
    amount = _percent(TARGET_RMS / max(rms, 1e-3) - 1.0, 10, 200) or 10
    return [
        Suggestion(
            f"increase the contrast by {amount}%",
            f"low contrast (RMS {tone.rms:.2f})",
            _ramp(LOW_RMS - rms, LOW_RMS / 2),
            "contrast",
        )
    ]


# -- colour -----------------------------------------------------------------------------------


def _cast(small: Image, mask: Image | None) -> list[Suggestion]:
    from gouache.ops.restore import toned_monochrome

    d = cast_imbalance(small, mask)
    worst = int(np.argmax(np.abs(d)))
    if abs(d[worst]) < CAST_IMBALANCE or toned_monochrome(small) is not None:
        return []
    if np.sign(grey_world_imbalance(small, mask)[worst]) != np.sign(d[worst]):
        return []  # the two estimates disagree: the colours are the scene's, not a cast
    name = ("red", "green", "blue")[worst]
    reason = f"colour cast: {name} {d[worst]:+.0%} (grey edge)"
    severity = _ramp(abs(d[worst]) - CAST_IMBALANCE, CAST_IMBALANCE)
    # A red-blue cast the warmth operator removes alone is offered as warmer or cooler;
    # anything else (green, magenta) as auto enhance's white balance, which moves all three.
    amount = _warmth_to_balance(small, mask)
    if amount is not None:
        amount = max(-MAX_WARMTH, min(MAX_WARMTH, amount))
        balanced = cast_imbalance(_warmed(small, amount / 100), mask)
        if np.abs(balanced).max() < CAST_IMBALANCE:
            word = "warmer" if amount > 0 else "cooler"
            return [Suggestion(f"make it {word} by {abs(amount)}%", reason, severity, "warmth")]
    return [Suggestion("fix the white balance", reason, severity, "auto_enhance")]


def _warmth_to_balance(small: Image, mask: Image | None) -> int | None:
    """The warmth amount, in whole 10 %, that makes the grey-edge red and blue agree (the
    warmth operator's own bisection, over -100..+100 %); None when under 10 %."""
    from gouache.ops.tone import warmth_balance

    return _signed_percent(warmth_balance(small, mask, (-1.0, 1.0), WARMTH_STEPS))


def _warmed(rgb: Image, amount: float) -> Image:
    from gouache.ops.registry import OpContext
    from gouache.ops.tone import AmountParams, warmth

    return warmth(rgb, AmountParams(amount=amount), OpContext())


def _signed_percent(fraction: float) -> int | None:
    percent = round(fraction * 10) * 10
    return percent if percent != 0 else None


# -- noise ------------------------------------------------------------------------------------


def _noise(grey: Image, mask: Image | None) -> list[Suggestion]:
    sigma = noise_sigma(grey, mask)
    if sigma < NOISE_SIGMA:
        return []
    if sigma >= NOISE_HEAVY:
        instruction = "denoise a lot"
    elif sigma >= NOISE_STRONG:
        instruction = "denoise"
    else:
        instruction = "denoise a bit"
    severity = _ramp(sigma - NOISE_SIGMA, NOISE_HEAVY - NOISE_SIGMA)
    return [Suggestion(instruction, f"noisy (sigma {sigma:.1f} of 255)", severity, "denoise")]


# -- tilt -------------------------------------------------------------------------------------


def _tilt(grey: Image) -> list[Suggestion]:
    angle = tilt(grey)
    if angle is None or abs(angle) < TILT_MIN:
        return []
    # The rotate operator turns clockwise for positive degrees; a line that falls to the
    # right (positive angle) has been turned clockwise and is levelled counter-clockwise.
    turned, back = (
        ("clockwise", "counter-clockwise") if angle > 0 else ("counter-clockwise", "clockwise")
    )
    size = round(abs(angle), 1)
    unit = "degree" if size == 1 else "degrees"
    return [
        Suggestion(
            f"straighten by {size:g} {unit} {back}",
            f"horizon tilted {abs(angle):.1f}° {turned}",
            _ramp(abs(angle) - TILT_MIN, TILT_SEVERE - TILT_MIN),
            "rotate",
        )
    ]


# -- faces and text ---------------------------------------------------------------------------


def _faces(faces: list[Face], height: int, redacted: Redacted | None) -> list[Suggestion]:
    if redacted is not None:
        return _faces_left(faces, redacted)
    faces = sure_faces(faces)  # a headlight read as a face (0.74) is no portrait to offer
    if not faces:
        return []
    count = f"{len(faces)} face{'s' if len(faces) > 1 else ''} found"
    if len(faces) > 1:
        return [Suggestion("blur the faces", count, SEVERITY_BLUR_FACES, "blur_faces")]
    share = faces[0].box.h / height
    found = [Suggestion("blur the faces", count, SEVERITY_BLUR_ONE_FACE, "blur_faces")]
    if share >= PORTRAIT_FACE_SHARE:
        portrait = f"a portrait: one face, {share:.0%} of the height"
        found += [
            Suggestion(
                "blur the background", portrait, SEVERITY_BLUR_BACKGROUND, "blur_background"
            ),
            Suggestion("crop to the face", portrait, SEVERITY_CROP_FACE, "crop_face"),
        ]
    return found


def _faces_left(faces: list[Face], redacted: Redacted) -> list[Suggestion]:
    """After faces were blurred: those still to blur, if any; never a portrait, for the
    faces found may be what is left of the blurred ones."""
    if redacted.boxes is None:
        return []  # moved by a crop since: which are the blurred ones is not known
    left = [face for face in faces if not _covered(face.box, redacted.boxes)]
    if not left:
        return []
    count = len(left)
    why = f"{count} face{'s' if count > 1 else ''} not {redacted.verb} yet"
    return [Suggestion("blur the faces", why, SEVERITY_BLUR_FACES, "blur_faces")]


def _covered(box: Box, boxes: tuple[Box, ...]) -> bool:
    """Whether half of `box` or more lies in one of `boxes` (a blurred face found again)."""
    return any(2 * box.intersection(other) >= box.area for other in boxes)


def _text(lines: list[TextLine]) -> list[Suggestion]:
    if not lines:
        return []
    from gouache.ops.redact import NAMES, spans

    words = " / ".join(line.text.strip() for line in lines)
    if len(words) > 40:
        words = words[:39] + "…"
    found = [Suggestion("remove the text", f"text found: {words!r}", SEVERITY_TEXT, "remove_text")]
    kinds = [k for k in PERSONAL_KINDS if any(spans(line.text, (k,)) for line in lines)]
    if kinds:
        why = "personal info found: " + ", ".join(NAMES[kind] for kind in kinds)
        found.append(Suggestion("blur the personal info", why, SEVERITY_PERSONAL, "redact"))
    return found


# -- ideas for a picture with nothing to fix ---------------------------------------------------

SKY_SHARE = 0.08
SUBJECT_SHARE = (0.08, 0.7)
SEVERITY_IDEA = 0.2


def ideas(
    image: Image, analysis: Analysis, *, limit: int = 3, redacted: Redacted | None = None
) -> tuple[Suggestion, ...]:
    """Creative edits that suit this picture, for "any suggestions?" when `suggest` finds
    nothing to fix: a sky to make dramatic, stars to bring out, a subject that stands out
    (its background to blur; not where faces were, found or `redacted`), then looks that
    suit any photo. Reads the text (OCR) and runs
    the subject analysis (GrabCut), about a second each: only for a question asked."""
    from gouache.analysis.sky import sky_mask
    from gouache.analysis.stars import star_mask

    check_pixels(image)
    rgb = as_rgb(image)
    found: list[Suggestion] = []
    if len(analysis.text) >= 2 and float(np.median(luma(image))) > 128:
        found.append(Suggestion("make the text easier to read", "a page of text",
                                SEVERITY_IDEA, "document"))  # fmt: skip
    sky = float(sky_mask(rgb).mean())
    if sky >= SKY_SHARE:
        found.append(Suggestion("make the sky more dramatic", f"a sky covers {sky:.0%}",
                                SEVERITY_IDEA, "adjust_region"))  # fmt: skip
    if star_mask(rgb).any():
        found.append(Suggestion("enhance the stars a bit", "a star field", SEVERITY_IDEA,
                                "adjust_region"))  # fmt: skip
    if len(found) < limit and not analysis.faces and redacted is None:
        subject = analysis.subject
        low, high = SUBJECT_SHARE
        if subject.method != "prior" and low <= subject.coverage <= high:
            why = f"a subject stands out, {subject.coverage:.0%} of the picture"
            found += [
                Suggestion("blur the background", why, SEVERITY_IDEA, "blur_background"),
                Suggestion("make the subject pop", why, SEVERITY_IDEA, "adjust_region"),
            ]
    found += [
        Suggestion("make it pop", "more colour and local contrast", 0.1, "look"),
        Suggestion("give it a film look", "soft blacks, warmth, grain", 0.1, "look"),
    ]
    return tuple(found[:limit])


# -- helpers ----------------------------------------------------------------------------------


def _ramp(excess: float, span: float) -> float:
    """DEFECT at the threshold (excess 0), rising linearly to 1 at `span` past it."""
    return DEFECT + (1.0 - DEFECT) * min(max(excess / span, 0.0), 1.0)


def _percent(fraction: float, low: int, high: int) -> int | None:
    """`fraction` as a whole percentage rounded to 10, clamped to `high`; None under `low`."""
    percent = round(fraction * 10) * 10
    return None if percent < low else min(percent, high)
