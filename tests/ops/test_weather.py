"""Falling snow and rain: seeded (one seed, one fall), flakes of several sizes streaked a little
along the fall, a haze that lifts the shadows, more flakes for more snow; rain in long thin
streaks leaning with the wind; and the planner tells falling weather from weather that lies
in the scene, which stays a request for new content."""

from __future__ import annotations

import math

import cv2
import numpy as np
import pytest

from gouache.evals.samples import sample
from gouache.images import Image
from gouache.ops.registry import OpContext, default_operators
from gouache.planner.plan import EditPlan, PlannerReply
from gouache.planner.rules import RulePlanner

from .measure import with_alpha


def run(op: str, image: Image, **params: float) -> Image:
    return default_operators().get(op).apply(image, params, OpContext())


def luma(image: Image) -> np.ndarray:
    return np.asarray(image[:, :, :3].astype(np.float64) @ np.array([0.299, 0.587, 0.114]))


def blobs(
    source: Image, out: Image, threshold: float
) -> tuple[np.ndarray, list[float], list[float]]:
    """The areas of the bright marks the weather added, and for marks of 12 px or more their
    elongation (long axis / short axis) and lean from vertical in degrees."""
    added = (luma(out) - luma(source) > threshold).astype(np.uint8)
    _, labels, stats, _ = cv2.connectedComponentsWithStats(added, connectivity=8)
    areas = stats[1:, cv2.CC_STAT_AREA]
    elongations, leans = [], []
    for i in np.nonzero(areas >= 12)[0] + 1:
        ys, xs = np.nonzero(labels == i)
        values, vectors = np.linalg.eigh(np.cov(np.vstack([xs, ys])))
        elongations.append(math.sqrt(values[1] / max(values[0], 1e-6)))
        vx, vy = vectors[:, 1]
        leans.append((math.degrees(math.atan2(vx, vy)) + 90) % 180 - 90)
    return areas, elongations, leans


def test_snow_is_the_same_for_a_seed_and_falls_elsewhere_for_another() -> None:
    rocket = sample("rocket")
    first, again = run("snow", rocket, seed=3), run("snow", rocket, seed=3)
    np.testing.assert_array_equal(first, again)
    assert np.any(first != run("snow", rocket, seed=4))


def test_snow_has_hundreds_of_flakes_of_several_sizes_streaked_along_the_fall() -> None:
    rocket = sample("rocket")
    areas, elongations, leans = blobs(rocket, run("snow", rocket), threshold=25)
    assert 250 < len(areas) < 2000
    assert np.percentile(areas, 90) >= 2.5 * np.percentile(areas, 10)  # far and near flakes
    assert np.median(elongations) > 1.2  # a little motion
    assert abs(float(np.median(leans))) < 20  # falling, not flying sideways


def test_snow_hazes_the_air_and_more_snow_means_more_flakes() -> None:
    rocket = sample("rocket")
    light, heavy = run("snow", rocket, amount=0.25), run("snow", rocket, amount=1.0)
    assert np.percentile(luma(light), 5) > np.percentile(luma(rocket), 5) + 3
    assert np.percentile(luma(heavy), 5) > np.percentile(luma(light), 5) + 10
    assert len(blobs(rocket, heavy, 25)[0]) > 2 * len(blobs(rocket, light, 25)[0])


def test_rain_falls_in_long_thin_streaks_leaning_with_the_wind() -> None:
    rocket = sample("rocket")
    for wind in (12.0, 30.0):
        _, elongations, leans = blobs(rocket, run("rain", rocket, wind=wind), threshold=10)
        assert np.median(elongations) > 8
        assert abs(abs(float(np.median(leans))) - wind) < 6
    assert luma(run("rain", rocket)).std() < luma(rocket).std()  # a mist flattens it


def test_fog_fades_the_top_of_the_picture_more_than_the_bottom_and_more_fog_fades_more() -> None:
    chelsea = sample("chelsea")
    fogged = {amount: run("add_fog", chelsea, amount=amount) for amount in (0.25, 0.5, 1.0)}
    top, bottom = slice(0, 60), slice(-60, None)

    def contrast(image: Image, rows: slice) -> float:
        return float(luma(image)[rows].std())

    def toward_fog(image: Image, rows: slice) -> float:
        # how far the mean colour moved toward the fog's light grey
        before = np.abs(chelsea[rows, :, :3].astype(float) - [226, 229, 233]).mean()
        after = np.abs(image[rows, :, :3].astype(float) - [226, 229, 233]).mean()
        return float(1 - after / before)

    half = fogged[0.5]
    assert contrast(half, top) < 0.5 * contrast(chelsea, top)  # measured 0.37 (bottom 0.63)
    assert contrast(half, bottom) < contrast(chelsea, bottom)
    assert toward_fog(half, top) > toward_fog(half, bottom) + 0.2  # measured 0.60 vs 0.35
    moved = [toward_fog(fogged[a], slice(None)) for a in (0.25, 0.5, 1.0)]
    assert moved == sorted(moved)
    assert moved[0] > 0.1


@pytest.mark.parametrize("op", ["snow", "rain", "add_fog"])
def test_the_weather_keeps_the_alpha_channel(op: str) -> None:
    image = with_alpha(sample("chelsea"))
    np.testing.assert_array_equal(run(op, image)[:, :, 3], image[:, :, 3])


@pytest.mark.parametrize(
    ("instruction", "op", "params"),
    [
        ("add snow", "snow", {"seed": 0}),
        ("make it snow pls", "snow", {"seed": 0}),
        ("add some light snow", "snow", {"amount": 0.25, "seed": 0}),
        ("blizzard", "snow", {"amount": 1.0, "seed": 0}),
        ("make it look like its snowing with seed 7", "snow", {"seed": 7}),
        ("make it rain", "rain", {"seed": 0}),
        ("heavy windy rain", "rain", {"amount": 1.0, "wind": 35.0, "seed": 0}),
        ("add some fog", "add_fog", {}),
        ("make it misty", "add_fog", {}),
        ("add a light mist", "add_fog", {"amount": 0.25}),
    ],
)
def test_the_planner_reads_falling_weather(instruction: str, op: str, params: dict) -> None:
    plan = RulePlanner().plan(instruction)
    assert isinstance(plan, EditPlan), plan
    assert [(s.op, s.params) for s in plan.steps] == [(op, params)]


@pytest.mark.parametrize("instruction", ["add snow on the roofs", "make it a winter scene"])
def test_weather_lying_in_the_scene_is_refused_offering_falling_snow(instruction: str) -> None:
    reply = RulePlanner().plan(instruction)
    assert isinstance(reply, PlannerReply)
    assert "--backend" in reply.message
    assert reply.suggestions[0] == "add snow"


@pytest.mark.parametrize(
    "instruction",
    [
        "it's too foggy",
        "remove the haze",
        "make it less misty",
        "get rid of the fog",
        "remove the fog",
        "clear up the fog",
    ],
)
def test_fog_to_take_out_is_the_dehaze_not_more_fog(instruction: str) -> None:
    plan = RulePlanner().plan(instruction)
    assert isinstance(plan, EditPlan), plan
    assert [s.op for s in plan.steps] == ["dehaze"]


def test_snow_twice_adds_new_flakes_instead_of_thickening_the_same_ones() -> None:
    rocket = sample("rocket")
    once = run("snow", rocket)
    twice = run("snow", once)
    first = luma(once) - luma(rocket) > 25
    second = luma(twice) - luma(once) > 25
    assert second.sum() > 0.5 * first.sum()
    assert (first & second).sum() < 0.3 * second.sum()  # mostly new places
