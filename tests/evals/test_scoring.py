"""Scoring one case: preservation outside the region, change, geometry, text, identity."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from gouache.analysis.cache import AnalysisCache
from gouache.evals.scoring import characters_of, region_mask, score_case
from gouache.evals.suite import Case
from gouache.evals.suite_images import load_named


def _case(**fields: object) -> Case:
    return Case.model_validate({"id": "c", "image": "generated:shapes", "turns": "x", **fields})


def test_region_boxes_are_fractions_of_the_frame() -> None:
    source = np.zeros((100, 200, 3), dtype=np.uint8)
    mask = region_mask(_case(region={"box": [0.5, 0.7, 1, 1]}), source, AnalysisCache())
    assert mask.shape == (100, 200)
    assert mask[70:, 100:].all()
    assert mask.sum() == 30 * 100
    assert region_mask(_case(region="whole"), source, AnalysisCache()).all()
    assert not region_mask(_case(), source, AnalysisCache()).any()


def test_preservation_is_perfect_when_only_the_region_changed_and_poor_after_a_shift() -> None:
    source = load_named("generated:shapes", Path()).pixels
    case = _case(region={"box": [0, 0.7, 1, 1]}, expect={"changed": True})
    cache = AnalysisCache()
    mask = region_mask(case, source, cache)
    edited = source.copy()
    edited[300:, :] = 255 - edited[300:, :]
    kept = score_case(case, source, edited, cache, region=mask, seconds=0.1)
    assert kept.measures["psnr_outside"].value == pytest.approx(100.0)
    assert kept.measures["ssim_outside"].value == pytest.approx(1.0)
    assert kept.measures["change"].passed
    assert kept.passed
    shifted = np.roll(edited, 6, axis=1)
    moved = score_case(case, source, shifted, cache, region=mask, seconds=0.1)
    assert moved.measures["psnr_outside"].value < 30.0
    assert not moved.passed
    assert any(line.startswith("psnr_outside") for line in moved.failures)


def test_a_changed_frame_fails_preservation_and_aspect_is_measured() -> None:
    source = load_named("generated:shapes", Path()).pixels
    case = _case(region={"box": [0, 0.7, 1, 1]}, expect={"aspect": "1:1", "size": [384, 384]})
    cache = AnalysisCache()
    square = np.ascontiguousarray(source[:, :384])
    result = score_case(
        case, source, square, cache, region=region_mask(case, source, cache), seconds=0
    )
    assert result.measures["psnr_outside"].passed is False
    assert "frame changed from 512x384 to 384x384" in result.measures["psnr_outside"].detail
    assert result.measures["aspect_error"].value == pytest.approx(0.0)
    assert not any(line.startswith("size") for line in result.failures)


def test_text_and_identity_are_read_from_the_final_image() -> None:
    photo = load_named("builtin:astronaut", Path()).pixels
    sign = load_named("generated:sign", Path()).pixels
    cache = AnalysisCache()
    people = characters_of({"Eileen": photo}, cache)
    case = _case(expect={"text": ["OPEN"], "absent_text": ["CLOSED"]})
    read = score_case(case, sign, sign, cache, region=region_mask(case, sign, cache), seconds=0)
    assert read.measures["text"].value == pytest.approx(0.0)
    assert read.measures["absent_text"].value == 0.0
    same = score_case(
        _case(),
        photo,
        photo,
        cache,
        region=np.ones(photo.shape[:2], bool),
        characters=people,
        seconds=0,
    )
    assert same.measures["identity"].value == pytest.approx(1.0, abs=1e-3)
    gone = score_case(
        _case(),
        photo,
        np.zeros_like(photo),
        cache,
        region=np.ones(photo.shape[:2], bool),
        characters=people,
        seconds=0,
    )
    assert gone.measures["identity"].value == 0.0
    assert "Eileen absent" in gone.measures["identity"].detail


def test_a_case_guideline_is_judged_by_its_critics() -> None:
    from gouache.critics.guideline import Guideline

    guideline = Guideline.from_mapping(
        {"name": "square", "criteria": {"geometry": {"aspect": "1:1"}}}
    )
    source = load_named("generated:shapes", Path()).pixels
    cache = AnalysisCache()
    wide = score_case(
        _case(),
        source,
        source,
        cache,
        region=np.ones(source.shape[:2], bool),
        guideline=guideline,
        seconds=0,
    )
    assert wide.measures["guideline"].passed is False
    assert wide.measures["guideline"].value < 0
    assert any(line.startswith("guideline") for line in wide.failures)
