"""Step 1 and the maps: sizes, resize hypotheses, reading a map as drift, coverage."""

from __future__ import annotations

import numpy as np
import pytest

from gouache.backends.drift import Drift
from gouache.guard.geometry import (
    coverage,
    homogeneous,
    hypotheses,
    motion_of,
    resize_base,
    scaling,
    warp_to_source,
    work_size,
)


def test_the_same_size_has_one_hypothesis_and_a_new_aspect_two():
    assert hypotheses((600, 400), (600, 400)) == ["same"]
    assert hypotheses((600, 400), (1200, 800)) == ["stretch"]
    assert hypotheses((600, 400), (490, 490)) == ["stretch", "uniform"]
    # rounding to a multiple of 16 changes the aspect by 1.3 %: a stretch or a crop
    assert hypotheses((600, 400), (608, 400)) == ["stretch", "uniform"]


def test_a_resize_maps_pixel_centres_to_pixel_centres():
    m = scaling(2.0, 0.5)
    # the first and last pixel centres of a 4-pixel row doubled: -0.5 .. 7.5 edges
    assert (m @ [0.0, 0.0, 1.0])[0] == pytest.approx(0.5)
    assert (m @ [3.0, 0.0, 1.0])[0] == pytest.approx(6.5)


def test_a_drift_matrix_reads_back_as_its_shift_zoom_and_rotation():
    drift = Drift(shift_x=0.02, shift_y=-0.01, scale=1.03, rotation_deg=0.8)
    motion = motion_of(homogeneous(drift.matrix(600, 400)), np.eye(3), (600, 400))

    assert motion.shift_px == pytest.approx((12.0, -6.0), abs=1e-9)
    assert motion.scale == pytest.approx(1.03)
    assert motion.rotation_deg == pytest.approx(0.8)
    assert motion.anisotropy == pytest.approx(0.0, abs=1e-9)


def test_a_drift_after_a_stretch_is_read_against_the_stretch():
    stretch = scaling(490 / 600, 490 / 400)
    drift = homogeneous(Drift(shift_x=0.01, scale=1.02).matrix(600, 400))
    name, base = resize_base("stretch", stretch @ drift, (600, 400), (490, 490))

    motion = motion_of(stretch @ drift, base, (600, 400))

    assert name == "stretch"
    assert motion.scale == pytest.approx(1.02)
    assert motion.shift_px[0] == pytest.approx(6.0)


def test_a_uniform_resize_is_read_as_a_centre_crop_or_a_pad():
    k = 400 / 400  # the centre 400x400 of a 600x400 picture, kept at 400x400
    crop = np.array([[k, 0.0, -100.0], [0.0, k, 0.0], [0.0, 0.0, 1.0]])
    name, base = resize_base("uniform", crop, (600, 400), (400, 400))
    assert name == "crop"
    assert motion_of(crop, base, (600, 400)).shift_px == pytest.approx((0.0, 0.0), abs=1e-9)

    pad = np.array([[400 / 600, 0.0, 0.0], [0.0, 400 / 600, 66.5], [0.0, 0.0, 1.0]])
    name, _ = resize_base("uniform", pad, (600, 400), (400, 400))
    assert name == "pad"


def test_work_sizes_shrink_by_whole_factors():
    assert work_size(1152, 896, 768) == (576, 448)
    assert work_size(2304, 1792, 768) == (768, 597)
    assert work_size(512, 512, 768) == (512, 512)
    assert work_size(20, 10, 768) == (20, 10)


def test_coverage_marks_what_came_from_outside_the_frame():
    shifted = homogeneous(Drift(shift_x=0.1).matrix(100, 50))  # the content moved 10 px right

    covered = coverage(shifted, (100, 50), (100, 50))

    # source pixels beyond x = 89 landed outside the output's frame
    assert covered[:, :89].all()
    assert not covered[:, 91:].any()
    assert coverage(np.eye(3), (100, 50), (100, 50)).all()


def test_warping_through_the_drift_matrix_undoes_the_drift(astronaut):
    drift = Drift(shift_x=0.02, scale=1.02, rotation_deg=0.5)
    from gouache.backends.drift import apply_drift

    back = warp_to_source(apply_drift(astronaut, drift), drift.matrix(512, 512), (512, 512))

    inner = (slice(40, -40), slice(40, -40))
    error = np.abs(back[inner].astype(int) - astronaut[inner].astype(int))
    assert error.mean() < 3.0
