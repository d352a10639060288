"""One tilt measure for `gouache suggest` and "straighten it", checked on turned photos."""

from __future__ import annotations

import re

import numpy as np
import pytest
from skimage import data

from gouache.analysis.cache import AnalysisCache
from gouache.analysis.measures import luma, tilt
from gouache.backends.operators import default_operators
from gouache.errors import InvalidParameterError
from gouache.evals.samples import horizon
from gouache.images import Image
from gouache.ops.registry import OpContext
from gouache.suggest import suggest


def turned(image: Image, degrees: float) -> Image:
    """Turned clockwise by the rotate operator, cropped to the upright part."""
    return default_operators().get("rotate").apply(image, {"degrees": degrees}, OpContext())


@pytest.fixture(scope="module")
def camera() -> Image:
    return np.ascontiguousarray(np.dstack([data.camera()] * 3))


@pytest.mark.parametrize("degrees", [-3.0, 2.0, 3.0, 5.0])
def test_the_camera_photo_turned_by_a_known_angle_reads_that_turn_within_a_quarter_degree(
    camera: Image, degrees: float
) -> None:
    level = tilt(luma(camera))
    assert level is not None
    measured = tilt(luma(turned(camera, degrees)))
    assert measured is not None
    assert measured - level == pytest.approx(degrees, abs=0.25)


@pytest.mark.parametrize("name", ["coffee", "chelsea", "astronaut", "rocket"])
def test_a_photo_without_agreeing_straight_lines_is_not_measured(name: str) -> None:
    assert tilt(luma(getattr(data, name)())) is None


@pytest.mark.parametrize("degrees", [1.5, -2.5])
def test_suggest_and_straighten_turn_a_picture_back_by_the_same_angle(degrees: float) -> None:
    image = turned(horizon(0.0), degrees)
    ideas = [s.instruction for s in suggest(image, AnalysisCache().get(image), limit=10)]
    offered = [i for i in ideas if i.startswith("straighten by")]
    assert len(offered) == 1
    said = re.match(r"straighten by ([\d.]+) degrees? (counter-clockwise|clockwise)", offered[0])
    assert said is not None
    ctx = OpContext()
    default_operators().get("auto_straighten").apply(image, {}, ctx)
    note = re.search(r"rotated ([\d.]+)° back", ctx.notes[0])
    assert note is not None
    assert float(said.group(1)) == float(note.group(1)) == pytest.approx(abs(degrees), abs=0.1)
    back = "counter-clockwise" if degrees > 0 else "clockwise"
    assert said.group(2) == back


def test_a_level_picture_is_straight_already_for_both(camera: Image) -> None:
    ideas = suggest(camera, AnalysisCache().get(camera), limit=10)
    assert not any(s.instruction.startswith("straighten") for s in ideas)
    with pytest.raises(InvalidParameterError, match="straight already"):
        default_operators().get("auto_straighten").apply(camera, {}, OpContext())
