"""Composition: each test checks where the reference's pixels land and that nothing else moves.

The subject masks come from stand-in analysers (the real GrabCut is tested in tests/analysis),
so that each test knows exactly which pixels are the subject.
"""

from collections.abc import Sequence

import cv2
import numpy as np
import pytest
from skimage import data

from gouache.analysis import Analysers, AnalysisCache, Box, Face, SubjectMask
from gouache.errors import InvalidReferenceError
from gouache.images import Image
from gouache.ops.registry import OpContext

from .measure import LUMA

RED, GREEN = (220, 40, 40), (30, 160, 60)


class FixedSubject:
    """Analysers whose subject mask is the one given (or that refuse to be asked)."""

    def __init__(self, mask: np.ndarray | None) -> None:
        self.mask = mask

    def subject(self, image: Image, faces: Sequence[Face]) -> SubjectMask:
        if self.mask is None:
            raise AssertionError("the subject mask was not supposed to be computed")
        rows, cols = np.flatnonzero(self.mask.any(axis=1)), np.flatnonzero(self.mask.any(axis=0))
        box = None
        if rows.size:
            box = Box(
                int(cols[0]), int(rows[0]), int(cols[-1] - cols[0] + 1), int(rows[-1] - rows[0] + 1)
            )
        return SubjectMask(mask=self.mask, method="grabcut-centre", box=box)

    def cache(self) -> AnalysisCache:
        analysers = Analysers(
            detect_faces=lambda image: [],
            read_text=lambda image: [],
            subject_mask=self.subject,
            faces_signature="fixed faces",
            text_signature="fixed text",
            subject_signature="fixed subject",
        )
        return AnalysisCache(analysers=analysers)


@pytest.fixture(scope="module")
def compose(registry):
    """compose(name, image, *references, subject=mask, **params) -> (result, notes)."""

    def run(name, image, *references, subject=None, **params):
        ctx = OpContext(references=references, analyses=FixedSubject(subject).cache())
        out = registry.get(name).apply(image, params, ctx)
        return out, ctx.notes

    return run


@pytest.fixture(scope="module")
def rocket() -> Image:
    image = np.ascontiguousarray(data.rocket())
    image.setflags(write=False)
    return image


@pytest.fixture(scope="module")
def scikit_logo() -> Image:
    """scikit-image's logo: RGBA, but fully opaque, on a white background."""
    image = np.ascontiguousarray(data.logo())
    image.setflags(write=False)
    return image


def red_disc() -> tuple[np.ndarray, np.ndarray]:
    """A red disc (radius 50, its box 100 x 100 at (30, 40)) on green, and its mask."""
    image = np.empty((200, 160, 3), dtype=np.uint8)
    image[:] = GREEN
    mask = np.zeros((200, 160), dtype=np.uint8)
    cv2.circle(mask, (80, 90), 50, 1, thickness=-1)
    image[mask > 0] = RED
    return image, mask > 0


def changed(out: np.ndarray, image: np.ndarray) -> np.ndarray:
    return (out != image).any(axis=2)


def box_of(mask: np.ndarray) -> tuple[int, int, int, int]:
    """(x0, y0, x1, y1) around the True pixels."""
    rows, cols = np.flatnonzero(mask.any(axis=1)), np.flatnonzero(mask.any(axis=0))
    return int(cols[0]), int(rows[0]), int(cols[-1]) + 1, int(rows[-1]) + 1


# paste_subject


def test_paste_subject_puts_the_subject_at_the_left_and_changes_nothing_else(compose, coffee):
    disc, mask = red_disc()
    out, notes = compose("paste_subject", coffee, disc, subject=mask, position="left", scale=0.5)
    # The 101 px disc is scaled to 0.5 x 400 = 200 px and put 3 % of 400 = 12 px from the left
    # edge, centred vertically: its box is x 12..212, y 100..300.
    x0, y0, x1, y1 = box_of(changed(out, coffee))
    np.testing.assert_allclose((x0, y0, x1, y1), (12, 100, 212, 300), atol=2)
    # reference pixels inside, and the disc's green surroundings are not carried along
    np.testing.assert_array_equal(out[150:250, 62:162], np.broadcast_to(RED, (100, 100, 3)))
    assert not (np.abs(out.astype(np.int16) - GREEN).max(axis=2) < 10).any()
    # everything farther than the feather from the disc is exactly as it was
    disc_there = np.zeros(coffee.shape[:2], dtype=np.uint8)
    cv2.circle(disc_there, (112, 200), 100, 1, thickness=-1)
    near = cv2.dilate(disc_there, np.ones((9, 9), np.uint8)) > 0
    np.testing.assert_array_equal(out[~near], coffee[~near])
    assert notes == [
        "pasted the subject of image 2 (200x200 px at left) as a feathered cut-out, "
        "using its subject mask (grabcut-centre)"
    ]


def test_paste_subject_scale_sets_the_pasted_height(compose, coffee):
    disc, mask = red_disc()
    for scale in (0.25, 0.75):
        out, _ = compose("paste_subject", coffee, disc, subject=mask, scale=scale)
        x0, y0, x1, y1 = box_of(changed(out, coffee))
        assert y1 - y0 == pytest.approx(scale * 400, abs=3)
        assert (x0 + x1) / 2 == pytest.approx(300, abs=2)  # centred by default


def test_seamless_paste_carries_the_subjects_gradients_and_changes_only_the_mask(
    compose, rocket, astronaut
):
    # the subject: an ellipse around the astronaut's face, box 120 x 160 at (180, 30)
    mask = np.zeros(astronaut.shape[:2], dtype=np.uint8)
    cv2.ellipse(mask, (240, 110), (60, 80), 0, 0, 360, 1, thickness=-1)
    out, notes = compose(
        "paste_subject", rocket, astronaut, subject=mask > 0, scale=0.5, method="seamless"
    )
    # the 121 x 161 box is scaled to 0.5 x 427 = 213.5 px high: 160 x 214, centred at (240, 106)
    x, y, w, h = 240, 106, 160, 214
    region = changed(out, rocket)
    assert np.allclose(box_of(region), (x, y, x + w, y + h), atol=2)
    # Poisson blending keeps the subject's gradients: what it adds to the subject is smooth
    subject = cv2.resize(astronaut[30:191, 180:301], (w, h), interpolation=cv2.INTER_LINEAR)
    pasted = out[y : y + h, x : x + w].astype(np.float64)
    inner = cv2.erode(region[y : y + h, x : x + w].astype(np.uint8), np.ones((9, 9), np.uint8)) > 0
    # (where the dark sky pulls the face down to 0, clipping flattens it: those are left out)
    inner &= (pasted.min(axis=2) > 0) & (pasted.max(axis=2) < 255)
    offset = cv2.Laplacian((pasted - subject) @ LUMA, cv2.CV_64F)
    detail = cv2.Laplacian(subject.astype(np.float64) @ LUMA, cv2.CV_64F)
    assert offset[inner].var() < 0.05 * detail[inner].var()
    # outside the mask nothing moves
    np.testing.assert_array_equal(out[~region], rocket[~region])
    assert "seamless" in notes[0]


def test_paste_subject_uses_the_transparency_of_a_cut_out_reference(compose, coffee):
    disc, mask = red_disc()
    cutout = np.dstack([disc, np.where(mask, 255, 0).astype(np.uint8)])
    # subject=None: asking for a subject mask would fail the test
    out, notes = compose("paste_subject", coffee, cutout, subject=None, position="right")
    assert box_of(changed(out, coffee))[2] == pytest.approx(600 - 12, abs=2)
    assert not (np.abs(out.astype(np.int16) - GREEN).max(axis=2) < 10).any()
    assert "transparency of image 2" in notes[0]


def test_paste_subject_of_a_picture_without_a_subject_says_so(compose, coffee, chelsea):
    empty = np.zeros(chelsea.shape[:2], dtype=bool)
    with pytest.raises(InvalidReferenceError, match="no subject was found in image 2"):
        compose("paste_subject", coffee, chelsea, subject=empty)


# collage


def test_collage_side_by_side_scales_every_picture_to_the_first_height(
    compose, astronaut, coffee, chelsea
):
    out, notes = compose("collage", astronaut, coffee, chelsea, background="black")
    # heights 512; widths 512, 600 * 512 / 400 = 768, 451 * 512 / 300 = 770; gaps 2 % of 512
    gap = 10
    assert out.shape == (512, 512 + 768 + 770 + 2 * gap, 3)
    np.testing.assert_array_equal(out[:, :512], astronaut)
    np.testing.assert_array_equal(out[:, 512 : 512 + gap], 0)
    tiles = [(coffee, 512 + gap, 768), (chelsea, 512 + 768 + 2 * gap, 770)]
    for picture, x, width in tiles:
        expected = cv2.resize(picture, (width, 512), interpolation=cv2.INTER_LINEAR)
        difference = np.abs(out[:, x : x + width].astype(np.int16) - expected)
        assert difference.mean() < 0.5
        assert difference.max() <= 2
    assert "3 pictures" in notes[0]


def test_collage_stacked_scales_every_picture_to_the_first_width(compose, coffee, astronaut):
    out, _ = compose("collage", coffee, astronaut, layout="stacked", gap=0.05)
    # width 600; astronaut 512 -> 600 x 600; gap 5 % of 400 = 20
    assert out.shape == (400 + 20 + 600, 600, 3)
    np.testing.assert_array_equal(out[:400], coffee)
    np.testing.assert_array_equal(out[400:420], 255)
    expected = cv2.resize(astronaut, (600, 600), interpolation=cv2.INTER_LINEAR)
    assert np.abs(out[420:].astype(np.int16) - expected).mean() < 0.5


def test_collage_grid_letterboxes_each_picture_in_an_equal_cell(
    compose, astronaut, coffee, chelsea, rocket
):
    out, _ = compose("collage", astronaut, coffee, chelsea, rocket, layout="grid", gap=0.0)
    assert out.shape == (1024, 1024, 3)  # 2 x 2 cells of 512 x 512
    np.testing.assert_array_equal(out[:512, :512], astronaut)
    # coffee (600 x 400) fits the top-right cell as 512 x 341, 85 rows of background above
    np.testing.assert_array_equal(out[:85, 512:], 255)
    expected = cv2.resize(coffee, (512, 341), interpolation=cv2.INTER_AREA)
    assert np.abs(out[85:426, 512:].astype(np.int16) - expected).mean() < 0.5
    np.testing.assert_array_equal(out[426:512, 512:], 255)


def test_collage_with_a_transparent_picture_keeps_its_transparency(compose, coffee):
    disc, mask = red_disc()
    cutout = np.dstack([disc, np.where(mask, 255, 0).astype(np.uint8)])
    out, _ = compose("collage", coffee, cutout, gap=0.0)
    assert out.shape == (400, 600 + 320, 4)
    np.testing.assert_array_equal(out[:, :600, 3], 255)
    assert out[5, 605, 3] == 0  # the cut-out's transparent corner
    assert out[200, 760, 3] == 255  # its opaque disc


def test_a_collage_without_references_asks_for_images(compose, coffee):
    with pytest.raises(InvalidReferenceError, match=r"collage: .* attach images with --ref PATH"):
        compose("collage", coffee)


# picture_in_picture


def test_picture_in_picture_changes_only_its_corner(compose, rocket, chelsea):
    out, notes = compose("picture_in_picture", rocket, chelsea, position="bottom right")
    # inset 0.3 x 640 = 192 x 128; border 0.6 % of 427 = 3 px; margin 3 % of 427 = 13 px
    x, y, w, h = 640 - 13 - 198, 427 - 13 - 134, 198, 134
    inside = np.zeros(rocket.shape[:2], dtype=bool)
    inside[y : y + h, x : x + w] = True
    np.testing.assert_array_equal(out[~inside], rocket[~inside])
    np.testing.assert_array_equal(out[y : y + 3, x : x + w], 255)  # the border
    expected = cv2.resize(chelsea, (192, 128), interpolation=cv2.INTER_AREA)
    inset = out[y + 3 : y + 3 + 128, x + 3 : x + 3 + 192]
    assert np.abs(inset.astype(np.int16) - expected).mean() < 0.5
    assert "bottom right" in notes[0]


def test_picture_in_picture_without_a_border_puts_the_inset_at_the_margin(compose, rocket, chelsea):
    out, _ = compose("picture_in_picture", rocket, chelsea, position="top left", border=None)
    assert box_of(changed(out, rocket)) == (13, 13, 13 + 192, 13 + 128)


# logo


def test_a_logo_at_half_opacity_is_a_halfway_blend_in_its_corner_only(compose, coffee):
    mark = np.zeros((100, 200, 3), dtype=np.uint8)
    mark[..., 0] = np.linspace(0, 255, 200, dtype=np.uint8)
    mark[..., 2] = 120
    out, notes = compose("logo", coffee, mark, opacity=0.5, scale=0.25, position="top left")
    # 0.25 x 600 = 150 x 75 at a margin of 3 % of 400 = 12 px
    region = (slice(12, 87), slice(12, 162))
    expected = (
        0.5 * cv2.resize(mark, (150, 75), interpolation=cv2.INTER_AREA) + 0.5 * coffee[region]
    )
    np.testing.assert_allclose(out[region], expected, atol=1.0)
    outside = np.ones(coffee.shape[:2], dtype=bool)
    outside[region] = False
    np.testing.assert_array_equal(out[outside], coffee[outside])
    assert "opacity 50%" in notes[0]
    assert "as an opaque rectangle" in notes[0]


def test_a_logo_on_a_white_background_has_that_background_keyed_out(compose, rocket, scikit_logo):
    out, notes = compose("logo", rocket, scikit_logo, scale=0.3, opacity=1.0)
    # 0.3 x 640 = 192 x 192 in the bottom right corner, 13 px in
    x, y = 640 - 13 - 192, 427 - 13 - 192
    x0, y0, x1, y1 = box_of(changed(out, rocket))
    assert x0 >= x
    assert y0 >= y
    assert x1 <= x + 192
    assert y1 <= y + 192
    # the white corners around the round logo show the picture, exactly
    corner = (slice(y, y + 20), slice(x, x + 20))
    np.testing.assert_array_equal(out[corner], rocket[corner])
    # and the logo itself is there: its green half (at 30 %, 45 % of the logo)
    green = scikit_logo[225, 150, :3]
    np.testing.assert_allclose(out[y + 86, x + 58], green, atol=12)
    assert "background treated as transparent" in notes[0]


def test_a_transparent_logo_blends_with_opacity_times_its_alpha(compose, coffee):
    mark = np.zeros((80, 80, 4), dtype=np.uint8)
    mark[..., :3] = (250, 250, 20)
    mark[20:60, 20:60, 3] = 255
    mark[:, :20, 3] = 128
    out, _ = compose("logo", coffee, mark, scale=0.2, opacity=0.5, position="bottom left")
    # 120 x 120 at (12, 268); the logo's columns 0..20 are 0..30 here, its hole rows 0..20 too
    solid = out[268 + 40 : 268 + 80, 12 + 40 : 12 + 80].astype(np.float64)
    expected = 0.5 * np.array([250, 250, 20]) + 0.5 * coffee[308:348, 52:92]
    np.testing.assert_allclose(solid, expected, atol=1.0)
    half = out[268 + 50 : 268 + 70, 12 + 2 : 12 + 25].astype(np.float64)
    expected = 0.25 * np.array([250, 250, 20]) + 0.75 * coffee[318:338, 14:37]
    np.testing.assert_allclose(half, expected, atol=1.5)
    hidden = (slice(268 + 2, 268 + 25), slice(12 + 35, 12 + 85))
    np.testing.assert_array_equal(out[hidden], coffee[hidden])


# references


@pytest.mark.parametrize("name", ["paste_subject", "picture_in_picture", "logo"])
def test_asking_for_image_3_when_only_image_2_is_attached_is_refused(
    compose, coffee, chelsea, name
):
    with pytest.raises(InvalidReferenceError, match=f"{name}: there is no image 3: only 1"):
        compose(name, coffee, chelsea, reference=3)


@pytest.mark.parametrize("name", ["paste_subject", "picture_in_picture", "logo"])
def test_without_any_reference_the_user_is_told_how_to_attach_one(compose, coffee, name):
    with pytest.raises(InvalidReferenceError, match="no reference image is attached"):
        compose(name, coffee)
