"""The rule planner reaches the face, text, background, style, composition, canvas and upscale
operators from plain phrasings, with the picture's faces, text and attached images at hand."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import pytest

from gouache.analysis.types import Box
from gouache.ops.plan import EditPlan
from gouache.ops.registry import default_operators
from gouache.planner.plan import PlanContext, PlannerReply
from gouache.planner.rules import RulePlanner

WHITE, BLACK, RED, BLUE = (255, 255, 255), (0, 0, 0), (255, 0, 0), (0, 0, 255)
NAVY, GOLD = (0, 0, 128), (255, 215, 0)
# Three faces, left to right; the middle one is the largest.
FACES = (Box(40, 60, 80, 80), Box(300, 40, 120, 120), Box(600, 70, 60, 60))
TEXT = ("SALE", "sample text")
# Attached as images 2 and 3.
REFERENCES = ("beach.jpg", "Logo_dark.png")

Expected = list[tuple[str, dict[str, Any]]]


def picture(
    faces: Sequence[Box] = FACES,
    text: Sequence[str] = TEXT,
    references: tuple[str, ...] = REFERENCES,
) -> PlanContext:
    return PlanContext(faces=lambda: faces, text=lambda: text, references=references)


@pytest.fixture(scope="module")
def planner() -> RulePlanner:
    return RulePlanner()


def plan_of(planner: RulePlanner, instruction: str) -> EditPlan:
    outcome = planner.plan(instruction, picture())
    assert isinstance(outcome, EditPlan), outcome.describe()
    return outcome


def assert_steps(plan: EditPlan, expected: Expected) -> None:
    assert [step.op for step in plan.steps] == [op for op, _ in expected], plan.describe()
    for step, (_, params) in zip(plan.steps, expected, strict=True):
        assert step.params.keys() == params.keys(), step
        for key, value in params.items():
            if isinstance(value, float):
                assert step.params[key] == pytest.approx(value), (step, key)
            else:
                assert step.params[key] == value, (step, key)


NEW_STEPS: list[tuple[str, str, dict[str, Any]]] = [
    # faces
    ("blur the faces", "blur_faces", {"method": "blur", "target": "all"}),
    ("blur all the faces", "blur_faces", {"method": "blur", "target": "all"}),
    ("hide everyone's faces", "blur_faces", {"method": "blur", "target": "all"}),
    ("anonymise the faces", "blur_faces", {"method": "blur", "target": "all"}),
    ("blur the faces a bit", "blur_faces", {"method": "blur", "target": "all", "strength": 0.5}),
    ("pixelate the face on the left", "blur_faces", {"method": "pixelate", "target": "left"}),
    ("pixelate the rightmost face", "blur_faces", {"method": "pixelate", "target": "right"}),
    ("blur the largest face", "blur_faces", {"method": "blur", "target": "largest"}),
    ("blur the smallest face", "blur_faces", {"method": "blur", "target": "smallest"}),
    ("blur the second face", "blur_faces", {"method": "blur", "target": 2}),
    ("blur the 3rd face", "blur_faces", {"method": "blur", "target": 3}),
    ("blur face 1", "blur_faces", {"method": "blur", "target": 1}),
    ("blur the face in the middle", "blur_faces", {"method": "blur", "target": "middle"}),
    ("blur the first face from the right", "blur_faces", {"method": "blur", "target": 3}),
    ("make an avatar of the largest face", "crop_face", {"target": "largest"}),
    ("crop to the largest face at 4:5", "crop_face", {"target": "largest", "aspect": (4, 5)}),
    ("crop tightly to the face on the right", "crop_face", {"target": "right", "margin": 0.3}),
    ("zoom in on the second face", "crop_face", {"target": 2}),
    ("crop to 16:9 keeping the face", "smart_crop", {"aspect": (16, 9)}),
    ("crop to square keeping the faces", "smart_crop", {"aspect": (1, 1)}),
    ("smart crop to square", "smart_crop", {"aspect": (1, 1)}),
    ("smart crop to 4:5", "smart_crop", {"aspect": (4, 5)}),
    # text in the picture
    ("remove the text", "remove_text", {}),
    ("remove all the text", "remove_text", {}),
    ("remove the watermark", "remove_text", {}),
    ("get rid of the watermark", "remove_text", {}),
    ('remove the word "sample"', "remove_text", {"match": "sample"}),
    ('erase the text "SALE"', "remove_text", {"match": "SALE"}),
    ('replace "SALE" with "SOLD"', "replace_text", {"old": "SALE", "new": "SOLD"}),
    ('change "SALE" to "SOLD"', "replace_text", {"old": "SALE", "new": "SOLD"}),
    ('change the text "SALE" to "SOLD"', "replace_text", {"old": "SALE", "new": "SOLD"}),
    ('swap "sample" for "final"', "replace_text", {"old": "sample", "new": "final"}),
    # new captions
    ('add the text "Hi" in the top left in red with a black outline', "caption",
     {"text": "Hi", "position": "top left", "color": RED, "style": "outline"}),
    ('add the text "Hi" on a white box', "caption",
     {"text": "Hi", "position": "bottom", "style": "box", "box_color": WHITE, "color": BLACK}),
    ('add the text "Hi" at the top at 20 % size', "caption",
     {"text": "Hi", "position": "top", "size": 0.2}),
    ('add a small caption "Hi"', "caption", {"text": "Hi", "position": "bottom", "size": 0.04}),
    ('caption "Hi" on the left', "caption", {"text": "Hi", "position": "left"}),
    ('place "Hi" on the right', "caption", {"text": "Hi", "position": "right"}),
    # the background
    ("blur the background", "blur_background", {"radius": 12.0}),
    ("blur the background a lot", "blur_background", {"radius": 24.0}),
    ("blur the background slightly", "blur_background", {"radius": 6.0}),
    ("blur the background with radius 30", "blur_background", {"radius": 30.0}),
    ("remove the background", "remove_background", {}),
    ("cut out the subject", "remove_background", {}),
    ("replace the background with white", "replace_background", {"color": WHITE}),
    ("make the background white", "replace_background", {"color": WHITE}),
    ("change the background to #ff8800", "replace_background", {"color": (255, 136, 0)}),
    ("replace the background with a blue to white gradient", "replace_background",
     {"gradient": (BLUE, WHITE)}),
    ("replace the background with image 2", "replace_background", {"reference": 2}),
    ("replace the background with the beach photo", "replace_background", {"reference": 2}),
    ("use image 2 as the background", "replace_background", {"reference": 2}),
    # restoring and styles
    ("restore this old photo", "restore", {}),
    ("restore it properly", "restore", {}),
    ("fix this old photo", "restore", {}),
    ("remove the dust and scratches", "restore", {"marks_only": True}),
    ("get rid of the dust specks", "restore", {"marks_only": True}),
    ("can you clean up the scratches", "restore", {"marks_only": True}),
    ("fix up the dust and scratches pls", "restore", {"marks_only": True}),
    ("clean up this old photo", "restore", {}),
    ("repair the damage", "restore", {}),
    ("restore it gently", "restore", {"strength": 0.5}),
    ("use the colours of image 2", "color_transfer", {"reference": 2}),
    ("match the colours of the second photo", "color_transfer", {"reference": 2}),
    ("use the colors of the third image", "color_transfer", {"reference": 3}),
    ("take the colours from the beach photo", "color_transfer", {"reference": 2}),
    ("match the colour palette of image 3 by histogram", "color_transfer",
     {"reference": 3, "method": "histogram"}),
    ("make it a pencil sketch", "sketch", {}),
    ("a light sketch", "sketch", {"strength": 0.5}),
    ("cartoon", "cartoon", {}),
    ("make it look like a cartoon", "cartoon", {}),
    ("make it a watercolour painting", "watercolor", {}),
    ("watercolor", "watercolor", {}),
    ("posterize to 4 levels", "posterize", {"levels": 4}),
    ("posterise it to 6", "posterize", {"levels": 6}),
    ("pixel art", "pixel_art", {}),
    ("turn it into pixel art with 8 colours", "pixel_art", {"colors": 8}),
    ("pixelate it", "pixel_art", {}),
    ("make it 8-bit", "pixel_art", {}),
    ("halftone", "halftone", {}),
    ("a fine halftone", "halftone", {"cell": 0.006}),
    ("duotone", "duotone", {}),
    ("duotone navy and gold", "duotone", {"dark": NAVY, "light": GOLD}),
    ("duotone gold and navy", "duotone", {"dark": NAVY, "light": GOLD}),
    # composition with attached images
    ("put the subject of image 2 on the left, small", "paste_subject",
     {"reference": 2, "position": "left", "scale": 0.3}),
    ("put the subject of image 2 on the left, 20 %", "paste_subject",
     {"reference": 2, "position": "left", "scale": 0.2}),
    ("paste the dog from the beach photo in the middle, large", "paste_subject",
     {"reference": 2, "position": "center", "scale": 0.8}),
    ("put the subject of image 3 in the bottom right, medium, blended seamlessly",
     "paste_subject",
     {"reference": 3, "position": "bottom right", "scale": 0.5, "method": "seamless"}),
    ("side by side with image 2", "collage", {}),
    ("put them side by side", "collage", {}),
    ("make a grid collage", "collage", {"layout": "grid"}),
    ("stack them on top of each other with no gap", "collage", {"layout": "stacked", "gap": 0.0}),
    ("put image 2 as an inset in the top right", "picture_in_picture",
     {"reference": 2, "position": "top right"}),
    ("inset image 3 in the bottom left, small, without a border", "picture_in_picture",
     {"reference": 3, "position": "bottom left", "scale": 0.2, "border": None}),
    ("add the logo in the bottom right at 50 % opacity", "logo",
     {"reference": 3, "position": "bottom right", "opacity": 0.5}),
    ("put the logo top left, small", "logo",
     {"reference": 3, "position": "top left", "scale": 0.1}),
    ("add the logo 20 % wide at 30 % transparency", "logo",
     {"reference": 3, "scale": 0.2, "opacity": 0.7}),
    # the canvas and the size
    ("extend to 16:9", "extend", {"aspect": (16, 9)}),
    ("extend to 16:9 with white", "extend", {"aspect": (16, 9), "fill": "color", "color": WHITE}),
    ("extend to square on the right", "extend", {"aspect": (1, 1), "anchor": "left"}),
    ("outpaint to 4:5 by inpainting", "extend", {"aspect": (4, 5), "fill": "inpaint"}),
    ("upscale 4x", "upscale", {"factor": 4}),
    ("upscale 2x", "upscale", {"factor": 2}),
    ("upscale", "upscale", {}),
    ("upscale 2x with lanczos", "upscale", {"factor": 2, "engine": "lanczos"}),
    ("increase the resolution 4 times", "upscale", {"factor": 4}),
    ("make it bigger", "resize", {"scale": 2.0}),
    ("resize by 2x", "resize", {"scale": 2.0}),
    ("scale by 50%", "resize", {"scale": 0.5}),
]  # fmt: skip


@pytest.mark.parametrize(
    ("instruction", "op", "params"), NEW_STEPS, ids=[instruction for instruction, _, _ in NEW_STEPS]
)
def test_a_phrasing_reaches_the_new_operators_with_exact_parameters(
    planner: RulePlanner, instruction: str, op: str, params: dict[str, Any]
) -> None:
    assert_steps(plan_of(planner, instruction), [(op, params)])


SEVERAL_STEPS: list[tuple[str, Expected]] = [
    ("blur the faces and make it black and white",
     [("blur_faces", {"method": "blur", "target": "all"}), ("grayscale", {"strength": 1.0})]),
    ("remove the background, then add a white border",
     [("remove_background", {}), ("border", {"size": 0.05, "color": WHITE})]),
    ("restore this old photo and upscale 4x", [("restore", {}), ("upscale", {"factor": 4})]),
    ('replace "SALE" with "SOLD" and blur the background',
     [("replace_text", {"old": "SALE", "new": "SOLD"}), ("blur_background", {"radius": 12.0})]),
    ("crop to the largest face, then make it a pencil sketch",
     [("crop_face", {"target": "largest"}), ("sketch", {})]),
    ("use the colours of image 2 and add the logo in the top right",
     [("color_transfer", {"reference": 2}), ("logo", {"reference": 3, "position": "top right"})]),
    ("make it brighter and remove the background",
     [("brightness", {"amount": 0.2}), ("remove_background", {})]),
]  # fmt: skip


@pytest.mark.parametrize(
    ("instruction", "expected"), SEVERAL_STEPS, ids=[i for i, _ in SEVERAL_STEPS]
)
def test_new_operators_mix_with_the_others_in_the_order_said(
    planner: RulePlanner, instruction: str, expected: Expected
) -> None:
    assert_steps(plan_of(planner, instruction), expected)


def test_upscale_goes_to_the_upscale_operator_and_resizing_words_stay_resize(
    planner: RulePlanner,
) -> None:
    assert [s.op for s in plan_of(planner, "upscale 4x").steps] == ["upscale"]
    for instruction in ("resize to 800 px wide", "scale by 2x", "make it bigger", "enlarge 2x"):
        assert [s.op for s in plan_of(planner, instruction).steps] == ["resize"], instruction


@pytest.mark.parametrize(
    ("instruction", "problem"),
    [
        ("upscale 3x", "upscaling goes 2x or 4x only, not 3x"),
        ("put the logo on the left", "a logo goes in a corner"),
        ("add the logo top left at 50%", "say whether the percentage is the opacity"),
        ("replace the background with a gradient", "a gradient needs two colours"),
        ("duotone navy", "a duotone needs two colours"),
        ("extend the canvas", "say the aspect ratio to extend to"),
        ("make image 2 brighter", "only the picture being edited changes, not image 2"),
    ],
)
def test_an_edit_understood_but_impossible_as_said_gets_a_reply_that_says_why(
    planner: RulePlanner, instruction: str, problem: str
) -> None:
    reply = planner.plan(instruction, picture())
    assert isinstance(reply, PlannerReply), reply.describe()
    assert reply.message.startswith(f'I understood "{instruction}" but cannot do it: {problem}')
    assert reply.suggestions


def test_an_outline_colour_that_cannot_be_drawn_is_said_in_the_plan_notes(
    planner: RulePlanner,
) -> None:
    plan = plan_of(planner, 'add the text "Hi" in red with a black outline')
    assert plan.notes == (
        "the outline is drawn in the colour that contrasts with the letters (white); "
        "its colour cannot be chosen",
    )
    assert plan_of(planner, 'add the text "Hi" in white with a black outline').notes == ()


@pytest.mark.parametrize(
    ("instruction", "label"),
    [
        ("pixelate the face on the left", "pixelate the face on the left"),
        ("blur the second face", "blur face 2 from the left"),
        ('replace "SALE" with "SOLD"', 'replace "SALE" with "SOLD"'),
        ("replace the background with a blue to white gradient",
         "replace the background with a blue to white gradient"),
        ("use the colours of image 2", "colours of image 2"),
        ("duotone navy and gold", "duotone navy and gold"),
        ("add the logo in the bottom right at 50 % opacity",
         "logo (image 3) in the bottom right, 15 % wide, at 50 % opacity"),
        ("extend to 16:9 with white", "extend to 16:9 with white"),
        ("upscale 4x", "upscale ×4"),
    ],
)  # fmt: skip
def test_new_steps_are_labelled_in_words(
    planner: RulePlanner, instruction: str, label: str
) -> None:
    assert [step.label for step in plan_of(planner, instruction).steps] == [label]


def test_every_new_plan_validates_against_the_registry_and_is_labelled(
    planner: RulePlanner,
) -> None:
    registry = default_operators()
    for instruction in [i for i, _, _ in NEW_STEPS] + [i for i, _ in SEVERAL_STEPS]:
        plan = plan_of(planner, instruction)
        assert plan.instruction == instruction
        for step in plan.steps:
            registry.validate(step)
            assert step.label, step
