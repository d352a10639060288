"""The guard over real operator edits, drifted the way users report, with known drift."""

from __future__ import annotations

import json

import cv2
import numpy as np
import pytest
from guard_measures import edit_mask, psnr

from gouache.analysis.types import Box
from gouache.backends.drift import Drift
from gouache.errors import BackendError
from gouache.guard import DriftBounds, DriftError, GuardReport, guard

# The aim of the issue: at least 40 dB outside the edit after the guard within these drifts.
AIM_DB = 40.0

LOCAL_DRIFTS = {
    "shift 2 %": Drift(shift_x=0.02, shift_y=-0.01),
    "zoom 3 %": Drift(scale=1.03),
    "zoom out 3 %": Drift(scale=0.97),
    "rotation 1 degree": Drift(rotation_deg=1.0),
    "colour 8 %": Drift(gain=(1.08, 1.0, 0.92), offset=0.03, gamma=1.05),
    "all at once": Drift(
        shift_x=0.02, shift_y=0.01, scale=1.03, rotation_deg=-1.0, gain=1.08, offset=-0.03
    ),
    "all at once, JPEG and noise": Drift(
        shift_x=-0.015,
        scale=0.98,
        rotation_deg=0.7,
        gain=0.94,
        offset=0.02,
        jpeg_quality=90,
        noise_sigma=2.0,
    ),
}


@pytest.mark.parametrize("plan", ["caption", "blur_faces"])
@pytest.mark.parametrize("drift", list(LOCAL_DRIFTS), ids=list(LOCAL_DRIFTS))
def test_the_guard_restores_everything_outside_a_local_edit_to_40_db(
    astronaut, drifted, plan, drift
):
    exact, output = drifted(astronaut, plan, LOCAL_DRIFTS[drift])
    outside = ~edit_mask(astronaut, exact)

    result = guard(astronaut, output)

    assert result.image.shape == astronaut.shape
    assert psnr(astronaut, output, outside) < 30.0
    assert psnr(astronaut, result.image, outside) >= AIM_DB
    assert not result.report.global_edit
    assert result.report.copied_back


def test_the_recovered_shift_zoom_and_rotation_are_the_injected_ones(astronaut, drifted):
    drift = Drift(shift_x=0.02, shift_y=-0.01, scale=1.03, rotation_deg=1.0)
    _, output = drifted(astronaut, "caption", drift)
    report = guard(astronaut, output).report

    width = astronaut.shape[1]
    assert report.shift_px[0] == pytest.approx(0.02 * width, abs=0.5)
    assert report.shift_px[1] == pytest.approx(-0.01 * width, abs=0.5)
    assert report.scale == pytest.approx(1.03, abs=0.002)
    assert report.rotation_deg == pytest.approx(1.0, abs=0.05)
    assert report.aligned


def test_the_colour_drift_is_measured_per_channel_and_undone(astronaut, drifted):
    _, output = drifted(astronaut, "caption", Drift(gain=(1.08, 1.0, 0.92), offset=0.02))
    report = guard(astronaut, output).report

    assert report.colour_corrected
    assert report.gain[0] > report.gain[1] > report.gain[2]
    assert report.gain[0] == pytest.approx(1.08, abs=0.03)
    assert report.gain[2] == pytest.approx(0.92, abs=0.03)


def test_the_caption_is_still_there_after_the_guard(astronaut, drifted):
    exact, output = drifted(astronaut, "caption", LOCAL_DRIFTS["all at once"])
    inside = edit_mask(astronaut, exact)

    result = guard(astronaut, output).image

    # the letters differ from the source as much as the exact edit does, and match the edit
    assert psnr(astronaut, result, inside) < psnr(astronaut, exact, inside) + 3.0
    assert psnr(exact, result, inside) > 20.0


def test_the_blurred_face_stays_blurred(astronaut, drifted):
    exact, output = drifted(astronaut, "blur_faces", LOCAL_DRIFTS["shift 2 %"])
    inside = edit_mask(astronaut, exact)

    result = guard(astronaut, output).image

    assert psnr(exact, result, inside) > 35.0


def test_a_one_megapixel_edit_meets_the_aim_too(astronaut, drifted):
    big = np.ascontiguousarray(cv2.resize(astronaut, (1152, 896), interpolation=cv2.INTER_CUBIC))
    exact, output = drifted(big, "caption", LOCAL_DRIFTS["all at once"])

    result = guard(big, output)

    assert psnr(big, result.image, ~edit_mask(big, exact)) >= AIM_DB
    assert result.report.ms > 0


def test_a_global_edit_is_recognised_aligned_and_not_copied_back(astronaut, drifted):
    exact, output = drifted(astronaut, "sepia", Drift(shift_x=0.015, scale=1.02))

    result = guard(astronaut, output)

    report = result.report
    assert report.global_edit
    assert not report.copied_back
    assert report.changed_share > 0.5
    assert any("global edit" in note for note in report.notes)
    assert report.scale == pytest.approx(1.02, abs=0.003)
    # aligned back onto the exact sepia edit, and nothing of the source came back
    assert psnr(exact, result.image, np.ones(exact.shape[:2], bool)) > 30.0
    assert psnr(exact, output, np.ones(exact.shape[:2], bool)) < 22.0


def test_a_vignette_counts_as_a_global_edit(astronaut, drifted):
    exact, output = drifted(astronaut, "vignette", Drift(shift_x=0.01))

    result = guard(astronaut, output)

    assert result.report.global_edit
    assert psnr(exact, result.image, np.ones(exact.shape[:2], bool)) > 30.0


def test_a_colour_change_that_is_all_the_output_did_is_kept_as_the_edit(astronaut):
    brighter = np.clip(astronaut.astype(np.float64) * 1.06 + 4, 0, 255).astype(np.uint8)

    result = guard(astronaut, brighter)

    assert result.report.global_edit
    assert not result.report.colour_corrected
    assert psnr(brighter, result.image, np.ones(brighter.shape[:2], bool)) > 45.0


@pytest.mark.parametrize(
    ("preset", "hypothesis"),
    [("square", "stretch"), ("square_crop", "crop"), ("multiple16", "stretch")],
)
def test_a_resized_output_comes_back_at_the_source_size(coffee, drifted, preset, hypothesis):
    exact, output = drifted(coffee, "caption", Drift(resize_to=preset))
    assert output.shape != coffee.shape

    result = guard(coffee, output)

    assert result.image.shape == coffee.shape
    assert result.report.resized_from == (output.shape[1], output.shape[0])
    assert result.report.resize == hypothesis
    assert psnr(coffee, result.image, ~edit_mask(coffee, exact)) >= AIM_DB
    assert psnr(exact, result.image, edit_mask(coffee, exact)) > 20.0


def test_a_one_megapixel_cap_comes_back_at_the_source_size(coffee, drifted):
    big = np.ascontiguousarray(cv2.resize(coffee, (1500, 1000), interpolation=cv2.INTER_CUBIC))
    exact, output = drifted(big, "caption", Drift(resize_to="1mp", shift_x=0.01))
    assert output.shape[0] * output.shape[1] <= 1024 * 1024

    result = guard(big, output)

    assert result.image.shape == big.shape
    assert psnr(big, result.image, ~edit_mask(big, exact)) >= AIM_DB


def test_strict_mode_refuses_a_ten_percent_shift_with_bounds_at_three(astronaut, drifted):
    _, output = drifted(astronaut, "caption", Drift(shift_x=0.10))

    with pytest.raises(DriftError, match="shift of 10") as caught:
        guard(astronaut, output, mode="strict", bounds=DriftBounds(max_shift=0.03))

    assert isinstance(caught.value, BackendError)
    assert caught.value.http_status == 502
    assert caught.value.report.refused is not None
    assert caught.value.report.shift_px[0] == pytest.approx(0.10 * astronaut.shape[1], abs=1.0)


def test_strict_mode_passes_a_drift_within_the_bounds(astronaut, drifted):
    _, output = drifted(astronaut, "caption", Drift(shift_x=0.02))

    result = guard(astronaut, output, mode="strict", bounds=DriftBounds(max_shift=0.03))

    assert result.report.mode == "strict"
    assert result.report.refused is None


def test_the_same_drift_is_corrected_in_on_mode_however_large(astronaut, drifted):
    exact, output = drifted(astronaut, "caption", Drift(shift_x=0.10))

    result = guard(astronaut, output, bounds=DriftBounds(max_shift=0.03))

    assert psnr(astronaut, result.image, ~edit_mask(astronaut, exact)) >= AIM_DB


def test_mode_off_returns_the_output_untouched(astronaut, drifted):
    _, output = drifted(astronaut, "caption", Drift(shift_x=0.02, resize_to=(300, 300)))

    result = guard(astronaut, output, mode="off")

    assert result.image is output
    assert result.report.mode == "off"
    assert result.report.resized_from == (300, 300)


def test_a_named_region_is_kept_from_the_output_even_where_it_looks_unchanged(astronaut):
    output = astronaut.copy()
    output[100:140, 100:140] = np.clip(output[100:140, 100:140].astype(int) + 3, 0, 255)
    box = Box(100, 100, 40, 40)

    unguided = guard(astronaut, output).image
    guided = guard(astronaut, output, regions=[box]).image

    np.testing.assert_array_equal(unguided[100:140, 100:140], astronaut[100:140, 100:140])
    np.testing.assert_array_equal(guided[105:135, 105:135], output[105:135, 105:135])


def test_local_scope_copies_back_and_global_scope_never_does(astronaut, drifted):
    _, output = drifted(astronaut, "caption", Drift(shift_x=0.01))

    local = guard(astronaut, output, scope="local").report
    global_ = guard(astronaut, output, scope="global").report

    assert local.copied_back
    assert not local.global_edit
    assert global_.global_edit
    assert not global_.copied_back
    assert not global_.colour_corrected


def test_the_report_round_trips_through_json(astronaut, drifted):
    _, output = drifted(astronaut, "caption", Drift(shift_x=0.02, gain=1.05, resize_to="square"))
    report = guard(astronaut, output).report

    text = report.to_json()

    assert GuardReport.from_json(text) == report
    fields = json.loads(text)
    for key in ("shift_px", "scale", "rotation_deg", "gain", "offset", "gamma", "changed_share"):
        assert key in fields
    assert fields["psnr_outside_before"] < fields["psnr_outside_after"]
    assert fields["refused"] is None


def test_an_alpha_channel_is_kept(astronaut):
    alpha = np.full(astronaut.shape[:2], 200, np.uint8)
    source = np.dstack([astronaut, alpha])
    output = astronaut.copy()
    output[400:450, 100:400] = 255

    result = guard(source, output)

    assert result.image.shape == source.shape
    np.testing.assert_array_equal(result.image[:, :, 3], alpha)


def test_a_picture_too_small_or_too_plain_to_align_is_only_resized():
    source = np.full((40, 60, 3), 120, np.uint8)
    output = source.copy()
    output[:10] = 200

    result = guard(source, output)

    assert not result.report.aligned
    assert result.image.shape == source.shape
    np.testing.assert_array_equal(result.image, output)


def test_unknown_modes_and_scopes_are_refused(astronaut):
    with pytest.raises(ValueError, match="guard mode"):
        guard(astronaut, astronaut, mode="loose")  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="guard scope"):
        guard(astronaut, astronaut, scope="everything")  # type: ignore[arg-type]


def test_a_different_picture_altogether_is_a_global_edit_left_unaligned(astronaut, coffee):
    other = np.ascontiguousarray(cv2.resize(coffee, (512, 512), interpolation=cv2.INTER_AREA))

    result = guard(astronaut, other)

    assert result.report.global_edit
    assert not result.report.aligned
    assert psnr(other, result.image, np.ones(other.shape[:2], bool)) > 40.0
