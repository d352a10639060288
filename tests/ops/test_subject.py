"""blur_background, remove_background, replace_background: measured against the real subject
mask of scikit-image's astronaut (GrabCut seeded from her face)."""

from __future__ import annotations

import math
from collections.abc import Callable
from typing import Any

import cv2
import numpy as np
import pytest

from gouache.analysis.cache import AnalysisCache
from gouache.analysis.types import Mask
from gouache.errors import InvalidParameterError, InvalidReferenceError, UnsupportedError
from gouache.images import Image
from gouache.ops.registry import OpContext, OperatorRegistry

CORNER = 12
DISC_CENTRE, DISC_RADIUS = (210, 140), 80


@pytest.fixture(scope="module")
def analyses() -> AnalysisCache:
    """One cache for the module, so each picture is analysed once."""
    return AnalysisCache()


@pytest.fixture(scope="module")
def run(registry: OperatorRegistry, analyses: AnalysisCache) -> Callable[..., Image]:
    """run("blur_background", image, notes=[], references=(...), **params)."""

    def apply(
        name: str,
        image: Image,
        notes: list[str] | None = None,
        references: tuple[Image, ...] = (),
        **params: Any,
    ) -> Image:
        ctx = OpContext(references=references, analyses=analyses)
        out = registry.get(name).apply(image, params, ctx)
        if notes is not None:
            notes.extend(ctx.notes)
        return out

    return apply


@pytest.fixture(scope="module")
def disc() -> Image:
    """A red disc on a plain grey field: no face, a subject GrabCut finds from the centre."""
    image = np.full((300, 400, 3), 128, dtype=np.uint8)
    cv2.circle(image, DISC_CENTRE, DISC_RADIUS, (220, 30, 30), thickness=-1)
    image.setflags(write=False)
    return image


@pytest.fixture(scope="module")
def subject(analyses: AnalysisCache, astronaut: Image) -> Mask:
    return analyses.get(astronaut).subject.mask


def eroded(mask: Mask, pixels: int) -> Mask:
    kernel = cv2.getStructuringElement(cv2.MORPH_ELLIPSE, (2 * pixels + 1, 2 * pixels + 1))
    return cv2.erode(mask.astype(np.uint8), kernel) > 0


def laplacian_variance_in(image: Image, region: Mask) -> float:
    grey = cv2.cvtColor(np.ascontiguousarray(image[:, :, :3]), cv2.COLOR_RGB2GRAY)
    return float(cv2.Laplacian(grey, cv2.CV_64F)[region].var())


def corners(image: Image) -> list[Image]:
    c = CORNER
    return [image[:c, :c], image[:c, -c:], image[-c:, :c], image[-c:, -c:]]


def face_centre(analyses: AnalysisCache, image: Image) -> tuple[slice, slice]:
    """The middle of the face box, a fifth of it in from each side (the chin and the hair
    at the box's edges are where GrabCut may cut)."""
    box = analyses.get(image).faces[0].box
    dx, dy = box.w // 5, box.h // 5
    return slice(box.y + dy, box.bottom - dy), slice(box.x + dx, box.right - dx)


def psnr(reference: Image, test: Image) -> float:
    """PSNR in dB, infinite for identical pixels."""
    mse = float(np.mean((reference.astype(np.float64) - test) ** 2))
    return math.inf if mse == 0.0 else 10.0 * math.log10(255.0**2 / mse)


# blur_background


def test_blurring_the_background_keeps_the_subject_and_softens_the_rest(run, astronaut, subject):
    out = run("blur_background", astronaut)
    inside = eroded(subject, 6)
    background = eroded(~subject, 12)
    assert psnr(astronaut[inside], out[inside]) >= 40.0  # measured: identical (inf)
    before = laplacian_variance_in(astronaut, background)
    after = laplacian_variance_in(out, background)
    assert after < before / 20  # measured 1/201


def test_a_larger_radius_blurs_the_background_more(run, astronaut, subject):
    background = eroded(~subject, 12)
    variances = [
        laplacian_variance_in(run("blur_background", astronaut, radius=r), background)
        for r in (2, 12, 40)
    ]
    assert variances == sorted(variances, reverse=True)


def test_the_subject_colour_does_not_bleed_into_the_blurred_background(run, disc):
    # A plain blur would smear the red disc into the grey around it.
    out = run("blur_background", disc, radius=30)
    ring = np.zeros(disc.shape[:2], dtype=np.uint8)
    cv2.circle(ring, DISC_CENTRE, DISC_RADIUS + 20, 1, thickness=8)
    around = out[ring > 0].astype(np.int16)
    assert np.abs(around - 128).max() <= 2


def test_blur_background_notes_that_the_subject_was_found_from_the_face(run, astronaut):
    notes: list[str] = []
    run("blur_background", astronaut, notes=notes)
    assert notes == ["blur_background: subject found by GrabCut from the face (34% of the picture)"]


def test_without_a_face_the_note_says_the_subject_was_guessed_around_the_centre(run, disc):
    notes: list[str] = []
    run("blur_background", disc, notes=notes)
    assert len(notes) == 1
    assert "no face found; subject found by GrabCut around the centre" in notes[0]


def test_blur_background_keeps_an_alpha_channel(run, disc):
    rgba = np.dstack([disc, np.full(disc.shape[:2], 200, dtype=np.uint8)])
    out = run("blur_background", rgba)
    np.testing.assert_array_equal(out[:, :, 3], rgba[:, :, 3])


def test_a_picture_without_a_subject_is_refused_with_a_reason(run):
    flat = np.full((120, 160, 3), 128, dtype=np.uint8)
    with pytest.raises(UnsupportedError, match="no subject stands out in this picture"):
        run("blur_background", flat)


# remove_background


def test_removing_the_background_makes_the_face_opaque_and_the_corners_clear(
    run, analyses, astronaut
):
    out = run("remove_background", astronaut)
    assert out.shape == (512, 512, 4)
    rows, cols = face_centre(analyses, astronaut)
    assert out[rows, cols, 3].min() >= 250
    for corner in corners(out):
        assert corner[:, :, 3].max() <= 5
    np.testing.assert_array_equal(out[:, :, :3], astronaut)


def test_the_cut_out_edge_is_feathered(run, astronaut, subject):
    hard = run("remove_background", astronaut, feather=0)
    soft = run("remove_background", astronaut, feather=6)
    assert set(np.unique(hard[:, :, 3]).tolist()) == {0, 255}
    edge = subject & ~eroded(subject, 1)
    partial = (soft[:, :, 3][edge] > 0) & (soft[:, :, 3][edge] < 255)
    assert partial.mean() > 0.9


# replace_background


def test_a_colour_background_fills_the_corners_and_keeps_the_face(
    run, analyses, astronaut, subject
):
    out = run("replace_background", astronaut, color="royalblue")
    assert out.shape == (512, 512, 3)
    for corner in corners(out):
        np.testing.assert_array_equal(corner, np.broadcast_to((65, 105, 225), corner.shape))
    rows, cols = face_centre(analyses, astronaut)
    inside = eroded(subject, 6)[rows, cols]
    face_out, face_in = out[rows, cols][inside], astronaut[rows, cols][inside]
    assert psnr(face_in, face_out) >= 40.0


def test_a_gradient_background_runs_from_the_top_colour_to_the_bottom_one(run, astronaut):
    out = run("replace_background", astronaut, gradient=("white", "navy"))
    np.testing.assert_allclose(out[0, :CORNER], np.broadcast_to((255, 255, 255), (CORNER, 3)))
    np.testing.assert_allclose(out[-1, -CORNER:], np.broadcast_to((0, 0, 128), (CORNER, 3)))
    middle = out[256, :CORNER].astype(np.float64)
    np.testing.assert_allclose(middle, np.broadcast_to((127.5, 127.5, 191.5), (CORNER, 3)), atol=1)


def test_image_2_as_the_background_is_scaled_to_cover_and_centred(run, astronaut, coffee, subject):
    out = run("replace_background", astronaut, references=(coffee,), reference=2)
    # coffee is 600x400: covering 512x512 takes 768x512, of which the middle 512 columns
    expected = cv2.resize(coffee, (768, 512), interpolation=cv2.INTER_LANCZOS4)[:, 128:640]
    for got, want in zip(corners(out), corners(expected), strict=True):
        np.testing.assert_array_equal(got, want)
    background = eroded(~subject, 8)
    difference = np.abs(out[background].astype(np.int16) - expected[background])
    assert difference.max() == 0


def test_a_reference_that_is_not_attached_is_refused_with_a_clear_message(run, astronaut, coffee):
    with pytest.raises(InvalidReferenceError, match="there is no image 3: only 1 reference"):
        run("replace_background", astronaut, references=(coffee,), reference=3)
    with pytest.raises(InvalidReferenceError, match="no reference image is attached"):
        run("replace_background", astronaut, reference=2)


def test_replace_background_takes_exactly_one_kind_of_background(run, astronaut):
    with pytest.raises(InvalidParameterError, match="give one background"):
        run("replace_background", astronaut, color="red", reference=2)
    with pytest.raises(InvalidParameterError, match="give one background"):
        run("replace_background", astronaut)


def test_replacing_the_background_of_a_transparent_picture_fills_its_holes_too(run, disc):
    rgba = np.dstack([disc, np.full(disc.shape[:2], 255, dtype=np.uint8)])
    x, y = DISC_CENTRE
    rgba[y - 20 : y + 20, x - 20 : x + 20, 3] = 0  # a hole in the middle of the disc
    out = run("replace_background", rgba, color="black")
    assert out.shape == (*disc.shape[:2], 3)
    assert out[y - 15 : y + 15, x - 15 : x + 15].max() == 0
    assert out[y + 40, x, 0] == 220  # the disc itself is kept


def bright_things(image: Image) -> int:
    """How many separate bright things (over 60, at least 500 px) a picture holds."""
    grey = cv2.cvtColor(image, cv2.COLOR_RGB2GRAY)
    kernel = cv2.getStructuringElement(cv2.MORPH_ELLIPSE, (5, 5))
    bright = cv2.morphologyEx((grey > 60).astype(np.uint8), cv2.MORPH_CLOSE, kernel)
    _, _, stats, _ = cv2.connectedComponentsWithStats(bright)
    return int(np.count_nonzero(stats[1:, cv2.CC_STAT_AREA] >= 500))


def test_a_black_background_behind_many_coins_keeps_every_coin(run, coins):
    notes: list[str] = []
    out = run("replace_background", coins, notes=notes, color=(0, 0, 0))
    # GrabCut around the centre kept 21 of the 24 coins; the smooth ground keeps them all
    assert bright_things(out) == 24
    assert "every object on the plain ground" in notes[0]
    # the ground is black where no coin is near: the four corners
    for corner in (out[:8, :8], out[:8, -8:], out[-8:, :8], out[-8:, -8:]):
        assert corner.max() <= 2
