"""The closest edits a refusal offers, on the sample pictures and their real analysis: every
offer plans on the picture and edits something it holds (no face edit without a face, no text
edit without text, no sky edit without a sky, no cut where nothing stands out), at least one
shares the request's intent, and the first one, applied, changes the picture."""

from __future__ import annotations

import numpy as np
import pytest

from gouache.analysis.cache import AnalysisCache
from gouache.evals.samples import sample
from gouache.ops.registry import OpContext, default_operators
from gouache.planner.plan import EditPlan, PlanContext, PlannerReply, Step
from gouache.planner.rules import RulePlanner
from gouache.sessions.session import plan_context

FACE_EDITS = {"blur_faces", "crop_face", "red_eye", "brighten_eyes", "whiten_teeth"}
TEXT_EDITS = {"remove_text", "replace_text", "darken_text", "document", "redact"}
CUTS = {"remove_background", "replace_background", "blur_background", "crop_subject"}
WEATHER = {"add_fog", "rain", "snow"}


@pytest.fixture(scope="module")
def planner() -> RulePlanner:
    return RulePlanner()


@pytest.fixture(scope="module")
def analyses() -> AnalysisCache:
    return AnalysisCache()


def context(analyses: AnalysisCache, name: str) -> PlanContext:
    return plan_context(analyses, sample(name))


def offered(
    planner: RulePlanner, analyses: AnalysisCache, name: str, request: str
) -> tuple[PlannerReply, list[list[Step]]]:
    """The reply to `request` on picture `name`, and each offer planned on that picture."""
    reply = planner.plan(request, context(analyses, name))
    assert isinstance(reply, PlannerReply), reply.describe()
    assert reply.suggestions, reply.describe()
    plans = []
    for offer in reply.suggestions:
        plan = planner.plan(offer, context(analyses, name))
        assert isinstance(plan, EditPlan), (offer, plan.describe())
        plans.append(list(plan.steps))
    return reply, plans


def edits(plans: list[list[Step]]) -> set[str]:
    """Each offer's edits: the operator, and for a regional edit "adjust_region:<region>"."""
    return {
        f"{s.op}:{s.params['region']}" if s.op == "adjust_region" else s.op
        for steps in plans
        for s in steps
    }


def changes_the_picture(
    analyses: AnalysisCache, name: str, steps: list[Step], at_least: float = 0.5
) -> bool:
    """The offer applied to the picture moves its pixels by `at_least` code values on average
    (or changes its size)."""
    image = sample(name)
    out = image
    operators = default_operators()
    for step in steps:
        out = operators.apply(out, step, OpContext(analyses=analyses))
    if out.shape != image.shape:
        return True
    diff = np.abs(out[..., :3].astype(np.float64) - image[..., :3].astype(np.float64))
    return float(diff.mean()) >= at_least


def test_smooth_her_skin_on_a_logo_offers_smoothing_and_no_weather_or_face_edit(
    planner: RulePlanner, analyses: AnalysisCache
) -> None:
    _, plans = offered(planner, analyses, "logo", "smooth her skin")
    found = edits(plans)
    assert not found & (WEATHER | FACE_EDITS | {"adjust_region:faces"})
    assert found & {"blur", "denoise"}
    assert changes_the_picture(analyses, "logo", plans[0])


def test_pixelate_the_faces_on_the_coffee_offers_nothing_about_faces(
    planner: RulePlanner, analyses: AnalysisCache
) -> None:
    reply, plans = offered(planner, analyses, "coffee", "pixelate the faces")
    assert not any("face" in offer for offer in reply.suggestions)
    assert not edits(plans) & (FACE_EDITS | {"adjust_region:faces"})
    assert edits(plans) & {"blur", "denoise", "blur_background"}


def test_add_a_hat_on_the_astronaut_names_a_backend_and_offers_a_face_edit(
    planner: RulePlanner, analyses: AnalysisCache
) -> None:
    reply, plans = offered(planner, analyses, "astronaut", "add a hat")
    assert "--backend" in reply.message
    assert edits(plans[:1]) & (FACE_EDITS | {"adjust_region:faces"})
    assert not edits(plans) & ({"border", "vignette", "drop_shadow"} | WEATHER)
    assert changes_the_picture(analyses, "astronaut", plans[0])


def test_add_a_hat_on_the_coffee_offers_edits_for_the_cup_not_for_a_face(
    planner: RulePlanner, analyses: AnalysisCache
) -> None:
    _, plans = offered(planner, analyses, "coffee", "add a hat")
    assert not edits(plans) & (FACE_EDITS | {"adjust_region:faces"})
    # nothing in the request applies here: the most useful edits for this picture
    assert 2 <= len(plans) <= 3
    assert edits(plans[:1]) & {"adjust_region:subject", "blur_background"}


def test_a_rainbow_in_the_sky_offers_a_sky_edit_on_the_rocket(
    planner: RulePlanner, analyses: AnalysisCache
) -> None:
    _, plans = offered(planner, analyses, "rocket", "add a rainbow in the sky")
    assert edits(plans) == {"adjust_region:sky"}
    assert changes_the_picture(analyses, "rocket", plans[0])


def test_blur_the_sky_on_the_coffee_offers_a_blur_and_no_sky_edit(
    planner: RulePlanner, analyses: AnalysisCache
) -> None:
    reply, plans = offered(planner, analyses, "coffee", "blur the sky")
    assert not any("sky" in offer for offer in reply.suggestions)
    assert edits(plans[:1]) & {"blur", "blur_background"}


def test_replacing_words_the_poster_does_not_read_offers_its_text_edits(
    planner: RulePlanner, analyses: AnalysisCache
) -> None:
    reply, plans = offered(planner, analyses, "poster", "replace SALE TODAY with DEALS")
    assert "SUMMER SALE" in reply.message
    assert edits(plans[:1]) <= TEXT_EDITS
    assert not edits(plans) & CUTS


def test_the_star_field_is_offered_no_background_cut(
    planner: RulePlanner, analyses: AnalysisCache
) -> None:
    _, plans = offered(planner, analyses, "hubble", "remove the tourists")
    assert not edits(plans) & (CUTS | FACE_EDITS | TEXT_EDITS)


def test_sunglasses_on_a_page_of_text_offers_its_text_and_no_face_edit(
    planner: RulePlanner, analyses: AnalysisCache
) -> None:
    reply, plans = offered(planner, analyses, "page", "add sunglasses")
    assert "--backend" in reply.message
    assert not edits(plans) & (FACE_EDITS | {"adjust_region:faces"} | CUTS)
    assert edits(plans[:1]) <= TEXT_EDITS
    assert changes_the_picture(analyses, "page", plans[0])


def test_make_her_smile_on_a_portrait_offers_face_edits_first(
    planner: RulePlanner, analyses: AnalysisCache
) -> None:
    _, plans = offered(planner, analyses, "grace_hopper", "make her smile")
    assert all(edits([steps]) & (FACE_EDITS | {"adjust_region:faces"}) for steps in plans[:3])


def test_a_winter_scene_offers_falling_snow_first_and_nothing_else_unrelated(
    planner: RulePlanner, analyses: AnalysisCache
) -> None:
    reply, plans = offered(planner, analyses, "chelsea", "turn it into a winter scene")
    assert reply.suggestions[0] == "add snow"
    assert edits(plans) <= WEATHER


def test_colourising_a_black_and_white_picture_offers_colour_but_no_black_and_white(
    planner: RulePlanner, analyses: AnalysisCache
) -> None:
    _, plans = offered(planner, analyses, "camera", "colorize it")
    found = edits(plans)
    assert not found & {"grayscale", "saturation"}
    assert found & {"tint", "sepia", "duotone", "auto_enhance", "warmth"}
    colour = next(s for s in plans if edits([s]) & {"tint", "sepia", "duotone"})
    assert changes_the_picture(analyses, "camera", colour)


def test_a_bar_the_screenshot_lacks_offers_crops_and_no_colour_change(
    planner: RulePlanner, analyses: AnalysisCache
) -> None:
    _, plans = offered(planner, analyses, "screenshot", "crop off the red bar at the top")
    found = edits(plans)
    assert "crop_bars" in found
    assert not found & {"tint", "auto_enhance", "duotone", "warmth", "saturation"}


def test_a_hotter_coffee_is_offered_warming_first(
    planner: RulePlanner, analyses: AnalysisCache
) -> None:
    _, plans = offered(planner, analyses, "coffee", "make the coffee hotter")
    (first,) = plans[0]
    assert first.op == "warmth"
    assert first.params["amount"] > 0


def test_too_dark_is_never_offered_a_darkening(
    planner: RulePlanner, analyses: AnalysisCache
) -> None:
    # the camera is black and white, so "a bit blue" is refused; the offers brighten, never
    # darken
    reply, plans = offered(planner, analyses, "camera", "too dark and a bit blue, fix it")
    assert "no blue to take out" in reply.message
    assert plans[0][0].op == "brightness"
    assert plans[0][0].params["amount"] > 0
    for steps in plans:
        for step in steps:
            darkens = step.op in ("brightness", "exposure", "adjust_region")
            assert not (darkens and step.params.get("amount", 0) < 0), step


def test_a_magazine_cover_names_a_backend_and_offers_a_title_and_a_look_once_each(
    planner: RulePlanner, analyses: AnalysisCache
) -> None:
    for name in ("grace_hopper", "poster"):
        reply, plans = offered(planner, analyses, name, "make it look like a magazine cover")
        assert "--backend" in reply.message
        assert reply.suggestions[:2] == ('add a title "Summer" at the top', "make it pop")
        assert len(set(reply.suggestions)) == len(reply.suggestions), reply.suggestions
        assert [s.op for s in plans[0]] == ["caption"]
        assert changes_the_picture(analyses, name, plans[1])


@pytest.mark.parametrize("request_", ["make it feel like summer", "a summer feel"])
def test_an_offer_is_not_matched_on_its_example_caption_text(
    planner: RulePlanner, analyses: AnalysisCache, request_: str
) -> None:
    # 'add a title "Summer" at the top' names "Summer" only as its sample caption
    reply, plans = offered(planner, analyses, "coffee", request_)
    assert not any("summer" in offer.lower() for offer in reply.suggestions)
    assert "caption" not in edits(plans)
