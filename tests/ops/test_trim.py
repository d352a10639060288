"""Bars of one colour at the edges: found on screenshots and letterboxed photos (a title in the
bar allowed), never in a photo's sky or a flat object inside it; cropped off exactly; and a
request for a bar that is not there is refused with what was found, cropping nothing."""

from __future__ import annotations

import numpy as np
import pytest

from gouache.analysis.bars import edge_bars, hue_name, same_colour
from gouache.errors import InvalidParameterError
from gouache.evals.samples import SAMPLES, drawn, sample
from gouache.images import Image
from gouache.ops.registry import OpContext, default_operators
from gouache.planner.plan import EditPlan, PlanContext, PlannerReply
from gouache.planner.rules import RulePlanner


def letterboxed() -> Image:
    coffee = sample("coffee")
    black = np.zeros((40, coffee.shape[1], 3), dtype=np.uint8)
    return np.ascontiguousarray(np.vstack([black, coffee, black + 3]))


def titled() -> Image:
    """The sample screenshot with a white title written in its blue bar."""
    return drawn(np.array(sample("screenshot")), [("My App - Settings", (10, 6), 20)], (255,) * 3)


def crop_bars(image: Image, **params: object) -> Image:
    return default_operators().get("crop_bars").apply(image, params, OpContext())


def test_the_screenshots_blue_bar_is_found_with_or_without_a_title_in_it() -> None:
    for image in (sample("screenshot"), titled()):
        (bar,) = edge_bars(image)
        assert (bar.side, bar.size, hue_name(bar.color)) == ("top", 36, "blue")


def test_letterbox_bands_are_found_at_the_top_and_bottom() -> None:
    found = edge_bars(letterboxed())
    assert [(b.side, b.size, hue_name(b.color)) for b in found] == [
        ("top", 40, "black"),
        ("bottom", 40, "black"),
    ]


# the screenshots, the chart and the dashboard have bars (a header, margins, a side panel); the
# receipt lies on a flat table, a margin on every side
@pytest.mark.parametrize(
    "name", sorted(set(SAMPLES) - {"screenshot", "app", "chart", "dashboard", "receipt"})
)
def test_no_bar_is_found_in_photos_skies_or_drawn_objects(name: str) -> None:
    assert edge_bars(sample(name)) == []


def test_cropping_the_blue_bar_leaves_exactly_the_page_below_it() -> None:
    screenshot = sample("screenshot")
    out = crop_bars(screenshot, sides=("top",), color="blue")
    np.testing.assert_array_equal(out, screenshot[36:])


def test_cropping_any_bar_takes_both_letterbox_bands_and_leaves_the_photo() -> None:
    np.testing.assert_array_equal(crop_bars(letterboxed()), sample("coffee"))


def test_a_bar_of_another_colour_or_side_is_refused_naming_the_bar_found() -> None:
    with pytest.raises(InvalidParameterError, match="no red bar at the top; I found a blue"):
        crop_bars(sample("screenshot"), sides=("top",), color="red")
    with pytest.raises(InvalidParameterError, match="no bar of one colour at any edge"):
        crop_bars(sample("rocket"))


def test_colour_names_match_coarsely() -> None:
    assert same_colour((0, 0, 128), (40, 90, 160))  # navy is the bar's blue
    assert same_colour((173, 216, 230), (40, 90, 160))  # so is light blue
    assert not same_colour((255, 0, 0), (40, 90, 160))


def _context(image: Image) -> PlanContext:
    return PlanContext(size=(image.shape[1], image.shape[0]), bars=lambda: edge_bars(image))


@pytest.mark.parametrize(
    ("instruction", "params"),
    [
        ("crop off the blue bar at the top", {"sides": ("top",), "color": (0, 0, 255)}),
        ("pls cut off that banner", {}),
        ("remove the bars at the top and bottom", {"sides": ("top", "bottom")}),
        (
            "get rid of the black bars on the sides",
            {"sides": ("left", "right"), "color": (0, 0, 0)},
        ),
    ],
)
def test_the_planner_reads_a_bar_to_crop_off(instruction: str, params: dict[str, object]) -> None:
    plan = RulePlanner().plan(instruction)
    assert isinstance(plan, EditPlan), plan
    assert [(s.op, s.params) for s in plan.steps] == [("crop_bars", params)]


def test_the_planner_refuses_a_bar_the_picture_does_not_have_and_says_what_is_there() -> None:
    planner = RulePlanner()
    screenshot = sample("screenshot")
    reply = planner.plan("crop off the bar at the bottom", _context(screenshot))
    assert isinstance(reply, PlannerReply)
    assert "blue bar 36 px tall at the top" in reply.message
    reply = planner.plan("crop off the blue bar", _context(sample("coffee")))
    assert isinstance(reply, PlannerReply)
    assert "no blue bar" in reply.message
    assert isinstance(planner.plan("crop off the blue bar", _context(screenshot)), EditPlan)


def test_bars_asked_on_two_sides_are_both_needed_or_nothing_is_cropped() -> None:
    screenshot = sample("screenshot")
    with pytest.raises(InvalidParameterError, match="no bar at the bottom; I found a blue"):
        crop_bars(screenshot, sides=("top", "bottom"))
    reply = RulePlanner().plan("remove the bars at the top and bottom", _context(screenshot))
    assert isinstance(reply, PlannerReply)
    assert "no bar at the bottom" in reply.message
    both = crop_bars(letterboxed(), sides=("top", "bottom"))
    np.testing.assert_array_equal(both, sample("coffee"))


@pytest.mark.parametrize(
    ("instruction", "sides"),
    [("remove the header", ("top",)), ("cut the footer off", ("bottom",)), ("strip it", None)],
)
def test_a_header_is_at_the_top_a_footer_at_the_bottom_and_strip_alone_is_no_bar(
    instruction: str, sides: tuple[str, ...] | None
) -> None:
    plan = RulePlanner().plan(instruction)
    if sides is None:
        assert isinstance(plan, PlannerReply)
        return
    assert isinstance(plan, EditPlan), plan
    assert plan.steps[0].params["sides"] == sides


# -- side panels: "crop out the sidebar" -------------------------------------------------------


def test_the_apps_grey_side_panel_is_found_and_cropped_to_the_pixel() -> None:
    app = sample("app")
    (bar,) = edge_bars(app)
    assert (bar.side, bar.size, bar.panel) == ("left", 130, True)
    np.testing.assert_array_equal(crop_bars(app, panel=True), app[:, 130:])


def test_the_dashboards_dark_panel_is_cropped_and_its_light_margin_is_no_panel() -> None:
    board = sample("dashboard")
    found = {bar.side: bar for bar in edge_bars(board)}
    assert found["left"].panel
    assert not found["right"].panel  # the ground the donut stands on
    out = crop_bars(board, panel=True)
    np.testing.assert_array_equal(out, board[:, found["left"].size :])
    assert out.shape[1] == board.shape[1] - 97


def test_a_chart_has_margins_but_no_side_panel_and_nothing_is_cropped() -> None:
    with pytest.raises(InvalidParameterError, match="no side panel at the left or right"):
        crop_bars(sample("chart"), panel=True)


def test_the_planner_reads_crop_out_the_sidebar_and_says_when_there_is_none() -> None:
    planner = RulePlanner()
    app = sample("app")
    plan = planner.plan("crop out the sidebar", _context(app))
    assert isinstance(plan, EditPlan), plan
    assert [(s.op, s.params) for s in plan.steps] == [("crop_bars", {"panel": True})]
    reply = planner.plan("crop out the sidebar", _context(sample("screenshot")))
    assert isinstance(reply, PlannerReply)
    assert "no side panel at the left or right" in reply.message
    assert "crop off the bar at the top" in reply.suggestions


def test_one_sidebar_asked_where_there_is_one_on_each_side_is_asked_about() -> None:
    app = sample("app")
    two = np.ascontiguousarray(np.hstack([app, app[:, :130]]))
    reply = RulePlanner().plan("crop out the sidebar", _context(two))
    assert isinstance(reply, PlannerReply)
    assert "left and the right: say which" in reply.message
    assert '"crop out the left sidebar" or "crop out the right sidebar"' in reply.message
    assert reply.suggestions[0] == "crop out the left sidebar"
    both = RulePlanner().plan("crop off both side panels", _context(two))
    assert isinstance(both, EditPlan), both
    np.testing.assert_array_equal(crop_bars(two, panel=True), app[:, 130:])


def test_a_phones_status_bar_is_cropped_off_only_when_it_is_a_thin_strip() -> None:
    planner = RulePlanner()
    phone = np.full((480, 240, 3), 245, dtype=np.uint8)
    phone[:24] = (20, 40, 90)  # a plain status bar, 5 % of the screen
    plan = planner.plan("crop out the status bar", _context(phone))
    assert isinstance(plan, EditPlan)
    assert [step.op for step in plan.steps] == ["crop_bars"]

    phone[:120] = (20, 40, 90)  # a band a quarter of the screen tall: the clock is in it
    reply = planner.plan("crop out the status bar", _context(phone))
    assert isinstance(reply, PlannerReply)
    assert "more than a status bar" in reply.message
    assert "crop 5% off the top" in reply.suggestions

    # over a wallpaper (no plain band), the strip a status bar takes is offered
    reply = planner.plan("crop out the status bar", _context(sample("lock_screen")))
    assert isinstance(reply, PlannerReply)
    assert "crop 5% off the top" in reply.suggestions


def test_a_border_or_margins_to_crop_off_are_bars_on_every_side() -> None:
    # "crop out the black border" was "I did not understand"
    framed = np.pad(sample("coffee"), ((24, 24), (24, 24), (0, 0)))
    planner = RulePlanner()
    for say in ("crop out the black border", "remove the border", "trim the margins"):
        plan = planner.plan(say, _context(framed))
        assert isinstance(plan, EditPlan), (say, plan)
        assert [s.op for s in plan.steps] == ["crop_bars"]
        out = crop_bars(framed, **plan.steps[0].params)
        assert np.array_equal(out, sample("coffee"))
    # adding one is still the border edit
    plan = planner.plan("add a white border", _context(framed))
    assert isinstance(plan, EditPlan)
    assert [s.op for s in plan.steps] == ["border"]
    reply = planner.plan("crop out the black border", _context(sample("coffee")))
    assert isinstance(reply, PlannerReply)
    assert "no black bar" in reply.message
