"""restore on the project's own old photo (`gouache.evals.samples.old_photo`: the astronaut in
sepia, 6 long thin light scratches, 40 specks): every scratch goes, across her face too, and
the sepia stays sepia (a toned monochrome has no cast to balance)."""

from __future__ import annotations

import math

import cv2
import numpy as np
import pytest

from gouache.analysis.cache import AnalysisCache
from gouache.evals.damage import photo
from gouache.evals.samples import _skimage, damaged, old_photo
from gouache.images import Image
from gouache.ops.marks import find_marks
from gouache.ops.registry import OpContext, OperatorRegistry
from gouache.ops.restore import toned_monochrome


def sepia_of(image: Image) -> Image:
    grey = cv2.cvtColor(image[:, :, :3], cv2.COLOR_RGB2GRAY).astype(np.float32)
    toned = np.stack([grey * 1.07, grey * 0.87, grey * 0.66], axis=2) * 0.9 + 20
    return np.clip(toned, 0, 255).astype(np.uint8)


def cyanotype_of(image: Image) -> Image:
    v = cv2.cvtColor(image[:, :, :3], cv2.COLOR_RGB2GRAY).astype(np.float32) / 255
    toned = np.stack([v**1.4 * 200, v**1.1 * 230, 60 + v * 195], axis=2)
    return np.clip(toned, 0, 255).astype(np.uint8)


def hue_and_chroma(image: Image) -> tuple[float, float]:
    """The median (a*, b*) of a picture as a hue angle (degrees) and a chroma."""
    lab = cv2.cvtColor(image.astype(np.float32) / 255, cv2.COLOR_RGB2Lab).reshape(-1, 3)
    a, b = np.median(lab[:, 1:], axis=0)
    return math.degrees(math.atan2(b, a)), math.hypot(a, b)


@pytest.fixture(scope="module")
def analyses() -> AnalysisCache:
    return AnalysisCache()


@pytest.fixture(scope="module")
def restored(registry: OperatorRegistry, analyses: AnalysisCache) -> tuple[Image, list[str]]:
    ctx = OpContext(analyses=analyses)
    return registry.get("restore").apply(old_photo(), {}, ctx), ctx.notes


def test_all_six_scratches_of_the_old_photo_are_found():
    image = old_photo()
    _, damage = damaged(_skimage("astronaut", 384)())
    found = find_marks(image)
    assert found.scratches == 6
    # the one from the top right across her face and suit was missed: 1 px wide over a
    # light ground, the ridge test (on r blurred 3 x 3) read a third of its contrast
    assert found.mask[damage].mean() >= 0.95  # measured 0.968 (was 0.84)


def test_restoring_the_old_photo_leaves_no_scratch_across_her_face(restored):
    out, notes = restored
    image = old_photo()
    _, damage = damaged(_skimage("astronaut", 384)())
    # her face, eyes and mouth included (catch-lights are guarded, a scratch through them
    # is not); the scratch pixels there were drawn 60-130 levels lighter than the skin
    face = np.zeros_like(damage)
    face[40:120, 130:200] = True
    line = damage & face & (image.astype(np.int16).sum(axis=2) > 3 * 200)
    assert line.sum() >= 40
    before = cv2.cvtColor(image, cv2.COLOR_RGB2GRAY).astype(np.int16)
    after = cv2.cvtColor(out, cv2.COLOR_RGB2GRAY).astype(np.int16)
    around = cv2.medianBlur(after.astype(np.uint8), 9).astype(np.int16)
    assert np.mean(np.abs(after - around)[line] < 25) >= 0.9  # measured 0.96 (was 0.69)
    assert np.mean(before[line] - after[line]) > 40  # measured 84 levels (was 57)
    assert any("6 scratch(es)" in note for note in notes)


def test_restoring_the_old_photo_keeps_its_sepia_and_says_so(restored):
    out, notes = restored
    hue_before, chroma_before = hue_and_chroma(old_photo())
    hue_after, chroma_after = hue_and_chroma(out)
    # the white balance had turned it pink: gains R x0.80, G x0.88, B x1.50
    assert abs(hue_after - hue_before) < 10  # measured 72 -> 73 degrees (was 72 -> 29)
    assert chroma_after > 0.7 * chroma_before
    assert any("toned monochrome (sepia): its tone is kept" in note for note in notes)
    assert not any("white balance: gains" in note for note in notes)


@pytest.mark.parametrize("name", ["astronaut", "coffee", "chelsea", "camera", "grace_hopper"])
def test_a_sepia_and_a_cyanotype_of_a_photo_are_toned_monochromes(name):
    clean = photo(name)
    assert toned_monochrome(sepia_of(clean)) == "sepia"
    noise = np.random.default_rng(0).normal(0, 8, clean.shape)
    noisy = np.clip(sepia_of(clean) + noise, 0, 255).astype(np.uint8)
    assert toned_monochrome(noisy) == "sepia"
    assert toned_monochrome(cyanotype_of(clean)) == "blue, as a cyanotype"


@pytest.mark.parametrize("name", ["astronaut", "coffee", "chelsea", "grace_hopper"])
def test_a_colour_photo_with_or_without_a_cast_is_no_toned_monochrome(name):
    clean = photo(name)
    yellow = np.clip(clean * np.array([1.06, 1.0, 0.8]), 0, 255).astype(np.uint8)
    assert toned_monochrome(clean) is None
    assert toned_monochrome(yellow) is None


def test_a_grey_photo_has_no_tone(camera):
    assert toned_monochrome(camera) is None


def test_restoring_a_sepia_photo_keeps_its_tone(registry, analyses, coffee):
    sepia = sepia_of(coffee)
    ctx = OpContext(analyses=analyses)
    out = registry.get("restore").apply(sepia, {}, ctx)
    hue_before, _ = hue_and_chroma(sepia)
    hue_after, _ = hue_and_chroma(out)
    assert abs(hue_after - hue_before) < 10
    assert any("toned monochrome (sepia)" in note for note in ctx.notes)
