"""Dust and scratches on generated damage (gouache.evals.damage) over five real photos: most
of the damage is repaired, every photo comes out closer to the clean one, clean photos are
left (almost) alone, and a large photo is read in bands that agree with one another."""

from __future__ import annotations

import cv2
import numpy as np
import pytest

from gouache.evals.damage import PHOTOS, Case, measure, photo, pooled, score, scratch_and_dust
from gouache.ops import marksnet
from gouache.ops.marks import find as bands
from gouache.ops.marks import find_marks, repair


def _restore_marks(image: np.ndarray) -> np.ndarray:
    return repair(image, find_marks(image).mask)


@pytest.fixture(scope="module")
def cases() -> list[Case]:
    return measure(_restore_marks)


def test_most_of_the_damaged_pixels_are_repaired_over_five_photos(cases):
    # Repaired: within 20 levels of the clean photo's luma, or within the range it holds in
    # the 3 x 3 pixels around (strictly: the first only). The ceiling, filling exactly the
    # pixels the damage touched, is 97.2 % (88.4 % strictly): see the next test.
    # Issue 8 asks for 90 %: 0.885 before the net's sure groups were taken (touching a
    # mark, or alone as a long straight line).
    assert pooled(cases) >= 0.90  # measured 0.902
    assert pooled(cases, strict=True) >= 0.815  # measured 0.820 (0.805 before)
    assert min(c.score.repaired for c in cases) >= 0.6  # measured 0.70 (astronaut)


def test_filling_exactly_the_damaged_pixels_leaves_a_tenth_more_than_20_levels_off():
    # Why "strictly within 20 levels" cannot reach 90 %: even with the damage's own
    # footprint as the mask, the fill cannot know the grain (grass, hair, fur) the marks
    # covered at 70-100 % opacity.
    perfect = []
    for name in PHOTOS:
        clean = photo(name)
        for seed in (0, 1):
            damage = scratch_and_dust(clean, seed)
            out = repair(damage.image, damage.alpha > 0)
            perfect.append(Case(name, seed, score(clean, damage, out), 0.0))
    assert pooled(perfect, strict=True) < 0.90  # measured 0.884
    assert pooled(perfect) > 0.95  # measured 0.972


@pytest.mark.parametrize(
    ("name", "centre"), [("grace_hopper", (284, 20)), ("astronaut", (176, 458))]
)
def test_a_large_speck_is_found_by_a_ring_just_outside_it(name, centre):
    # A black disc 9 px across (on the sky; on the suit): the fixed 4 px ring lies on the disc
    # and the 7 px one on its soft edge, so only the ring fitted to the disc's own width finds
    # it. Both were missed before (none of the disc marked).
    clean = photo(name)
    spotted = clean.copy()
    cv2.circle(spotted, centre, 4, (19, 18, 17), -1, lineType=cv2.LINE_AA)
    disc = np.abs(spotted.astype(np.int16) - clean).max(axis=2) > 24
    found = find_marks(spotted)
    assert found.mask[disc].mean() > 0.85  # measured 0.92, 0.97
    out = repair(spotted, found.mask)
    assert (
        np.abs(out.astype(np.int16) - clean)[disc].mean() < 25
    )  # measured 17.9, 9.8 (83, 90 before)


def test_damage_drawn_with_seeds_no_threshold_was_tuned_on_is_repaired_as_well():
    # Seeds 4-7 over all five photos read 87.5 % (82.1 % before the net's sure groups were
    # taken, 80.7 % with the luma-only net); seeds 4, 5 over these two are a quick sample
    # of it.
    held = measure(_restore_marks, ("coffee", "astronaut"), (4, 5))
    assert pooled(held) >= 0.82  # measured 0.840 (0.811 before, 0.796 luma-only)


def test_the_learned_detector_reads_in_tiles_that_agree_with_one_another(monkeypatch):
    damaged = scratch_and_dust(photo("chelsea"), 3).image
    whole = marksnet.learned_chance(damaged) > 127
    monkeypatch.setattr(marksnet, "TILE", 96)
    tiled = marksnet.learned_chance(damaged) > 127
    assert whole.sum() > 500  # the damage is found at all
    # the halo covers the net's reach: tiles differ only by the float sums' order
    assert float((whole != tiled).mean()) < 0.0002


def test_the_repair_changes_few_of_the_clean_pixels(cases):
    # Clean pixels (untouched by the damage) moved by more than 10 levels: real dots and
    # lines taken for marks (highlights on metal and in eyes, wood grain).
    changed = [c.score.false_change for c in cases]
    # measured 0.0045 (chelsea) .. 0.0152 (grace_hopper), 0.0090 on average (0.0083 before
    # the net's sure groups were taken, 0.0090 with the luma-only net, 0.0111 before
    # the learned detector confirmed the specks)
    assert max(changed) <= 0.018
    assert float(np.mean(changed)) <= 0.010


def test_every_damaged_photo_comes_out_closer_to_the_clean_one(cases):
    gains = [c.score.psnr_after - c.score.psnr_before for c in cases]
    assert min(gains) > 0.3  # measured +1.1 (grace_hopper) .. +13.2 dB (chelsea)


@pytest.mark.parametrize("name", ["camera", "coffee", "astronaut"])
def test_a_clean_photo_is_left_almost_as_it_was(name):
    clean = photo(name)
    found = find_marks(clean)
    moved = np.abs(repair(clean, found.mask).astype(np.int16) - clean).max(axis=2) > 10
    # measured: camera 0.13 %, coffee 0.93 %, astronaut 0.57 % of the pixels (coffee 0.73 %,
    # astronaut 0.54 % before the net's sure groups were taken: the rest of a highlight
    # on the cup's rim; 0.17 %, 1.03 %, 0.64 % with the luma-only net; 0.31 %, 1.32 %,
    # 1.02 % before any)
    assert moved.mean() <= 0.012
    assert found.scratches <= 1  # measured 0, 1 (wood grain), 1


def test_the_tripod_of_the_camera_photo_is_not_taken_for_scratches():
    # Its legs and pole are long straight thin lines, each with an outline of the other
    # sign beside it; only highlights on the metal still read as dust.
    clean = photo("camera")
    found = find_marks(clean)
    tripod = (slice(200, 512), slice(220, 360))
    moved = np.abs(repair(clean, found.mask).astype(np.int16) - clean).max(axis=2) > 10
    assert found.scratches == 0
    assert moved[tripod].mean() < 0.004  # measured 0.0010 (42 px; 109 luma-only, 172 before)


def test_a_photo_read_in_bands_gives_the_marks_of_one_read_whole(monkeypatch):
    clean = photo("coffee")
    damaged = scratch_and_dust(clean, 3).image
    whole = find_marks(damaged)
    monkeypatch.setattr(bands, "BAND_PIXELS", 1 << 15)
    banded = find_marks(damaged)
    assert len(bands._bands(*damaged.shape[:2])) >= 4
    differ = float((whole.mask != banded.mask).mean())
    # the bands' context covers each detector's reach (before the learned marks: 0.006 %);
    # a speck found in one read and not the other can carry a group the net is sure of
    # with it (a highlight on the cup's rim, 250 px): 0.11 % measured
    assert differ < 0.002
    assert abs(banded.spots - whole.spots) <= 1
    assert banded.scratches == whole.scratches


def test_groups_the_net_is_sure_of_are_judged_whole_across_bands(monkeypatch):
    # The learned marks are labelled a band of rows at a time and joined across the bands'
    # edges: from the same marks, a read in 54-row bands adds exactly what one read does.
    damaged = scratch_and_dust(photo("coffee"), 3).image
    monkeypatch.setattr(bands, "LEARNED_MEAN", 2.0)
    found = find_marks(damaged).mask
    monkeypatch.setattr(bands, "LEARNED_MEAN", 0.85)
    chance = marksnet.learned_chance(damaged)
    whole = found.copy()
    bands._learned_marks(whole, chance, np.zeros_like(found))
    monkeypatch.setattr(bands, "BAND_PIXELS", 1 << 15)
    banded = found.copy()
    bands._learned_marks(banded, chance, np.zeros_like(found))
    assert int((whole & ~found).sum()) > 500  # measured 990 px added
    assert np.array_equal(whole, banded)


def test_the_net_extends_a_mark_and_adds_only_long_straight_lines_alone():
    # Alone, the groups the net is sure of were too often real things (the tripod's
    # handle, 33 px; highlights along the cup's rim, bending 2.7 px over 60; 44 px of the
    # helmet's rim in the old photo); touching a mark, mostly the rest of a scratch; alone,
    # 50 px long or more and straight, a scratch missed whole.
    mask = np.zeros((120, 160), dtype=bool)
    chance = np.zeros((120, 160), dtype=np.uint8)
    chance[10, 5:40] = 240  # a line touching the mark at (10, 4)
    chance[30, 5:40] = 240  # the same line, touching nothing: too short alone
    chance[50, 5:40] = 200  # touching, but the net is only 78 % sure
    mask[10, 4] = mask[50, 4] = True
    chance[70:72, 10:150] = 240  # alone, 140 px long and straight
    xs = np.arange(10, 150)
    bend = np.rint(100 + 12 * ((xs - 80) / 70.0) ** 2).astype(int)  # an arc, 12 px deep
    chance[bend, xs] = chance[bend + 1, xs] = 240
    added = bands._learned_marks(mask, chance, np.zeros_like(mask))
    assert mask[10, 5:40].all()
    assert not mask[30].any()
    assert not mask[50, 5:].any()
    assert mask[70:72, 10:150].all()
    assert not mask[bend, xs].any()
    assert added == 1  # the straight line, counted as a scratch
    # a piece of a scratch found further along its line is filled, but no new scratch
    mask[:] = False
    found = np.zeros_like(mask)
    found[70:72, 150:160] = found[70:72, 0:5] = True
    found[70, 90:150] = True  # 75 px of found scratch along the line
    assert bands._learned_marks(mask, chance, found) == 0
    assert mask[70:72, 10:150].all()


def test_a_lone_scratch_and_lone_specks_on_a_smooth_picture_are_all_found():
    y, x = np.mgrid[0:300, 0:400]
    smooth = np.dstack([60 + 0.3 * x, 80 + 0.2 * y, 120 + 0.1 * (x + y)]).astype(np.uint8)
    picture = smooth.copy()
    centres = [(40 + 80 * i, 60 + 150 * (i % 2)) for i in range(5)]
    for i, centre in enumerate(centres):
        cv2.circle(picture, centre, 2, (250, 250, 250) if i % 2 else (5, 5, 5), -1)
    cv2.line(picture, (360, 0), (330, 299), (240, 240, 240), 1)
    found = find_marks(picture)
    assert (found.spots, found.scratches) == (5, 1)
    assert all(found.mask[cy, cx] for cx, cy in centres)
    assert found.mask[150, 345]
    assert not find_marks(smooth).mask.any()
    fixed = repair(picture, found.mask).astype(int)
    assert np.abs(fixed - smooth).max() <= 12


def test_a_picture_thinner_than_the_detectors_reach_has_no_marks():
    thin = np.full((10, 4000, 3), 128, dtype=np.uint8)
    thin[:, ::50] = 250
    assert not find_marks(thin).mask.any()


def test_a_scratch_running_off_the_frame_is_found_by_its_short_piece():
    # 28 px of a light scratch show before it leaves the right edge: shorter than any
    # scratch is looked for inside the frame (40 px here). Before: none found, 10 px marked.
    y, x = np.mgrid[0:300, 0:400]
    smooth = np.dstack([60 + 0.3 * x, 80 + 0.2 * y, 120 + 0.1 * (x + y)]).astype(np.uint8)
    picture = smooth.copy()
    cv2.line(picture, (372, 100), (430, 112), (240, 240, 240), 1)
    scratch = np.abs(picture.astype(np.int16) - smooth).max(axis=2) > 24
    found = find_marks(picture)
    assert found.scratches == 1
    assert found.mask[scratch].mean() > 0.95  # measured 1.0 (0.36 before)
    assert np.abs(repair(picture, found.mask).astype(int) - smooth).max() <= 12


@pytest.mark.parametrize("centre", [(200, 1), (1, 150)])
def test_a_speck_at_the_frame_s_edge_is_found(centre):
    # The ring's points past the edge are read mirrored back in; clamped, they read the
    # speck itself (before: no speck found).
    y, x = np.mgrid[0:300, 0:400]
    smooth = np.dstack([60 + 0.3 * x, 80 + 0.2 * y, 120 + 0.1 * (x + y)]).astype(np.uint8)
    picture = smooth.copy()
    cv2.circle(picture, centre, 3, (250, 250, 250), -1, lineType=cv2.LINE_AA)
    speck = np.abs(picture.astype(np.int16) - smooth).max(axis=2) > 24
    found = find_marks(picture)
    assert found.spots == 1
    assert found.mask[speck].all()


def test_an_even_dark_speck_on_the_cat_s_fur_is_found():
    # The fur's dark hairs fill the ring around it, so the ring test fails; the speck is one
    # even disc standing out of a calm ring. Before: none of it marked.
    clean = photo("chelsea")
    spotted = clean.copy()
    cv2.circle(spotted, (258, 298), 3, (20, 19, 18), -1, lineType=cv2.LINE_AA)
    speck = np.abs(spotted.astype(np.int16) - clean).max(axis=2) > 24
    found = find_marks(spotted)
    assert found.mask[speck].mean() > 0.9  # measured 1.0
    out = repair(spotted, found.mask)
    assert np.abs(out.astype(np.int16) - clean)[speck].mean() < 20


def test_a_wide_even_speck_is_judged_on_its_core_not_its_soft_rim():
    # A black disc 9 px across on the astronaut's suit: its anti-aliased rim blends into the
    # folds, so the whole group's pixels spread too much to read as one lump; its core does
    # not. Before: none of it marked.
    clean = photo("astronaut")
    spotted = clean.copy()
    cv2.circle(spotted, (363, 296), 4, (20, 19, 18), -1, lineType=cv2.LINE_AA)
    speck = np.abs(spotted.astype(np.int16) - clean).max(axis=2) > 24
    found = find_marks(spotted)
    assert found.mask[speck].mean() > 0.8  # measured 0.85
    out = repair(spotted, found.mask)
    assert np.abs(out.astype(np.int16) - clean)[speck].mean() < 60  # measured 47 (150 before)


def test_a_slanted_even_highlight_is_no_speck():
    # A light streak on Grace Hopper's face (about 9 x 4 px, slanted): even inside and on a
    # calm ring, but a speck is round; its short axis is a third of its long one. Before
    # the roundness test 102 of its pixels were refilled.
    clean = photo("grace_hopper")
    found = find_marks(clean)
    moved = np.abs(repair(clean, found.mask).astype(np.int16) - clean).max(axis=2) > 10
    assert moved[168:190, 316:342].sum() < 40  # measured 19


def test_a_dark_scratch_beside_a_light_one_is_found():
    # Over the cat's nose a light scratch runs a few px beside a dark one: the dark one's
    # profile across had the light scratch as an "outline of the other sign", the mark of a
    # real thin object, and it was dropped. A scratch already found is no outline.
    clean = photo("chelsea")
    damaged = clean.copy()
    cv2.line(damaged, (283, 190), (279, 276), (40, 39, 37), 2, lineType=cv2.LINE_AA)
    cv2.line(damaged, (285, 221), (294, 291), (230, 224, 212), 2, lineType=cv2.LINE_AA)
    dark = np.zeros(clean.shape[:2], np.uint8)
    cv2.line(dark, (283, 190), (279, 276), 1, 2)
    found = find_marks(damaged)
    assert found.scratches == 2  # 1 before
    assert found.mask[dark > 0].mean() > 0.95  # measured 1.0 (0.11 before)


def test_a_large_speck_on_the_grass_is_found_by_the_learned_detector():
    # A 9 px light speck on the camera photo's grass raises the grain it is measured
    # against by a third, and the ring tests miss it; the net is sure of it, and it is round.
    clean = photo("camera")
    spotted = clean.copy()
    cv2.circle(spotted, (465, 440), 4, (218, 211, 200), -1, lineType=cv2.LINE_AA)
    speck = np.abs(spotted.astype(np.int16) - clean).max(axis=2) > 24
    found = find_marks(spotted)
    assert found.mask[speck].mean() > 0.9  # measured 0.99 (0 before)
    out = repair(spotted, found.mask)
    assert np.abs(out.astype(np.int16) - clean)[speck].mean() < 20
