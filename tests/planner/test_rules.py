"""The rule planner: phrasings -> exact steps, and replies for what it cannot map."""

from __future__ import annotations

from typing import Any

import pytest

from gouache.ops.plan import EditPlan
from gouache.ops.registry import default_operators
from gouache.planner.rules import RulePlanner

WHITE, BLACK, RED, BLUE = (255, 255, 255), (0, 0, 0), (255, 0, 0), (0, 0, 255)
YELLOW = (255, 255, 0)

Expected = list[tuple[str, dict[str, Any]]]


@pytest.fixture(scope="module")
def planner() -> RulePlanner:
    return RulePlanner()


def plan_of(planner: RulePlanner, instruction: str) -> EditPlan:
    outcome = planner.plan(instruction)
    assert isinstance(outcome, EditPlan), outcome.describe()
    return outcome


def assert_steps(plan: EditPlan, expected: Expected) -> None:
    assert [step.op for step in plan.steps] == [op for op, _ in expected]
    for step, (_, params) in zip(plan.steps, expected, strict=True):
        assert step.params.keys() == params.keys(), step
        for key, value in params.items():
            if isinstance(value, float):
                assert step.params[key] == pytest.approx(value), (step, key)
            else:
                assert step.params[key] == value, (step, key)


SINGLE_STEPS = [
    # brightness: direction, intensity, numbers, negation
    ("make it brighter", "brightness", {"amount": 0.2}),
    ("make it a bit brighter", "brightness", {"amount": 0.1}),
    ("a touch brighter", "brightness", {"amount": 0.05}),
    ("make it much brighter", "brightness", {"amount": 0.4}),
    ("make it much much brighter", "brightness", {"amount": 0.6}),
    ("brighten by 30%", "brightness", {"amount": 0.3}),
    ("brightness +30", "brightness", {"amount": 0.3}),
    ("brightness 0.3", "brightness", {"amount": 0.3}),
    ("darken by 20%", "brightness", {"amount": -0.2}),
    ("much darker", "brightness", {"amount": -0.4}),
    ("dim it slightly", "brightness", {"amount": -0.1}),
    ("not so dark", "brightness", {"amount": 0.2}),
    ("it's too dark", "brightness", {"amount": 0.2}),
    ("the photo is too bright", "brightness", {"amount": -0.2}),
    ("make it less bright", "brightness", {"amount": -0.2}),
    ("Could you make it a little bit brighter, please?", "brightness", {"amount": 0.1}),
    ("Make It Brighter!!!", "brightness", {"amount": 0.2}),
    # contrast
    ("increase the contrast", "contrast", {"amount": 0.2}),
    ("more contrast", "contrast", {"amount": 0.2}),
    ("way more contrast", "contrast", {"amount": 0.4}),
    ("less contrast", "contrast", {"amount": -0.2}),
    ("much less contrast", "contrast", {"amount": -0.4}),
    ("a little less contrast", "contrast", {"amount": -0.1}),
    ("too much contrast", "contrast", {"amount": -0.2}),
    ("contrast +15%", "contrast", {"amount": 0.15}),
    ("contrast -10", "contrast", {"amount": -0.1}),
    ("punchier", "contrast", {"amount": 0.2}),
    ("flatter", "contrast", {"amount": -0.2}),
    ("turn up the contrast", "contrast", {"amount": 0.2}),
    ("low contrast", "contrast", {"amount": -0.2}),
    # saturation
    ("more saturated", "saturation", {"amount": 0.2}),
    ("much more saturated", "saturation", {"amount": 0.4}),
    ("desaturate a bit", "saturation", {"amount": -0.1}),
    ("fully desaturate", "saturation", {"amount": -1.0}),
    ("less saturated", "saturation", {"amount": -0.2}),
    ("can you make the photo more vibrant", "saturation", {"amount": 0.2}),
    ("make the colours pop", "saturation", {"amount": 0.2}),
    ("mute the colours", "saturation", {"amount": -0.2}),
    ("increase saturation by 20%", "saturation", {"amount": 0.2}),
    # warmth
    ("make it warmer", "warmth", {"amount": 0.2}),
    ("a bit cooler", "warmth", {"amount": -0.1}),
    ("I want it much cooler", "warmth", {"amount": -0.4}),
    ("warm it up", "warmth", {"amount": 0.2}),
    ("it's too warm", "warmth", {"amount": -0.2}),
    ("make it 20% warmer", "warmth", {"amount": 0.2}),
    # exposure
    ("exposure +1 stop", "exposure", {"stops": 1.0}),
    ("exposure -1", "exposure", {"stops": -1.0}),
    ("increase exposure by 2 stops", "exposure", {"stops": 2.0}),
    ("brighten by one stop", "exposure", {"stops": 1.0}),
    ("lower the exposure by half a stop", "exposure", {"stops": -0.5}),
    ("underexpose a bit", "exposure", {"stops": -0.25}),
    ("overexpose", "exposure", {"stops": 0.5}),
    # tint
    ("add a blue tint", "tint", {"color": BLUE, "amount": 0.2}),
    ("tint it #ff8800", "tint", {"color": (255, 136, 0), "amount": 0.2}),
    ("tint #f80", "tint", {"color": (255, 136, 0), "amount": 0.2}),
    ("add a light blue tint", "tint", {"color": (173, 216, 230), "amount": 0.2}),
    ("a subtle red tint", "tint", {"color": RED, "amount": 0.1}),
    ("add a warm orange tint", "tint", {"color": (255, 165, 0), "amount": 0.2}),
    ("make it bluer", "tint", {"color": BLUE, "amount": 0.2}),
    ("tint it green 50%", "tint", {"color": (0, 128, 0), "amount": 0.5}),
    # strength operators
    ("make it black and white", "grayscale", {"strength": 1.0}),
    ("turn it black & white", "grayscale", {"strength": 1.0}),
    ("b&w", "grayscale", {"strength": 1.0}),
    ("make it grey", "grayscale", {"strength": 1.0}),
    ("remove the colour", "grayscale", {"strength": 1.0}),
    ("sepia", "sepia", {"strength": 1.0}),
    ("a light sepia", "sepia", {"strength": 0.5}),
    ("make it look like an old photo", "sepia", {"strength": 1.0}),
    ("give it a vintage look", "look", {"name": "vintage", "strength": 1.0, "version": "1"}),
    ("auto enhance", "auto_enhance", {"strength": 1.0}),
    ("fix the white balance", "auto_enhance", {"strength": 1.0}),
    ("add a vignette", "vignette", {"strength": 0.5}),
    ("a subtle vignette", "vignette", {"strength": 0.25}),
    ("a strong vignette", "vignette", {"strength": 1.0}),
    ("darken the corners", "vignette", {"strength": 0.5}),
    ("add a vignette too", "vignette", {"strength": 0.5}),
    ("how about a vignette?", "vignette", {"strength": 0.5}),
    # filters
    ("blur it a bit", "blur", {"radius": 1.5}),
    ("blur with radius 8", "blur", {"radius": 8.0}),
    ("blur radius 8", "blur", {"radius": 8.0}),
    ("make it blurrier", "blur", {"radius": 3.0}),
    ("soften it a lot", "blur", {"radius": 6.0}),
    ("less blur", "sharpen", {"amount": 1.0}),
    ("too blurry", "sharpen", {"amount": 1.0}),
    ("less sharp", "blur", {"radius": 1.0}),
    ("sharpen", "sharpen", {"amount": 1.0}),
    ("sharpen a lot", "sharpen", {"amount": 2.0}),
    ("sharpen it a bit", "sharpen", {"amount": 0.5}),
    ("sharpen with radius 2", "sharpen", {"amount": 1.0, "radius": 2.0}),
    ("more detail", "sharpen", {"amount": 1.0}),
    ("remove the noise", "denoise", {"strength": 0.5}),
    ("denoise a bit", "denoise", {"strength": 0.25}),
    ("less noise", "denoise", {"strength": 0.5}),
    ("it's too grainy", "denoise", {"strength": 0.5}),
    # crop
    ("crop to square", "crop", {"aspect": (1, 1)}),
    ("make it square", "crop", {"aspect": (1, 1)}),
    ("CROP TO SQUARE", "crop", {"aspect": (1, 1)}),
    ("crop to 4:5", "crop", {"aspect": (4, 5)}),
    ("16:9", "crop", {"aspect": (16, 9)}),
    ("crop to 16 by 9", "crop", {"aspect": (16, 9)}),
    ("portrait 4:5", "crop", {"aspect": (4, 5)}),
    ("crop to 5:4 portrait", "crop", {"aspect": (4, 5)}),
    ("landscape 4:5", "crop", {"aspect": (5, 4)}),
    ("crop to 2.35:1", "crop", {"aspect": (47, 20)}),
    ("crop 10% off the left", "crop", {"left": 0.1}),
    ("crop the left by 10%", "crop", {"left": 0.1}),
    ("trim 5% from each side", "crop", {"left": 0.05, "top": 0.05, "right": 0.05, "bottom": 0.05}),
    ("trim 5% from the sides", "crop", {"left": 0.05, "right": 0.05}),
    ("crop 10% off the left and right", "crop", {"left": 0.1, "right": 0.1}),
    ("crop 10% off the top and 5% off the bottom", "crop", {"top": 0.1, "bottom": 0.05}),
    # resize
    ("resize to 800 px wide", "resize", {"width": 800}),
    ("make it 600 pixels tall", "resize", {"height": 600}),
    ("resize to 1,200 px wide", "resize", {"width": 1200}),
    ("resize to 800x600", "resize", {"width": 800, "height": 600}),
    ("resize to 800 wide and 600 tall", "resize", {"width": 800, "height": 600}),
    ("scale by 50%", "resize", {"scale": 0.5}),
    ("resize to 50%", "resize", {"scale": 0.5}),
    ("shrink by 30%", "resize", {"scale": 0.7}),
    ("scale up by 50%", "resize", {"scale": 1.5}),
    ("enlarge 2x", "resize", {"scale": 2.0}),
    ("downscale by 2x", "resize", {"scale": 0.5}),
    ("half size", "resize", {"scale": 0.5}),
    ("make it half the size", "resize", {"scale": 0.5}),
    ("twice as big", "resize", {"scale": 2.0}),
    ("make it smaller", "resize", {"scale": 0.5}),
    ("make it 20% smaller", "resize", {"scale": 0.8}),
    ("scale down to 50%", "resize", {"scale": 0.5}),
    # rotate and flip
    ("rotate 90 degrees", "rotate", {"degrees": 90.0}),
    ("rotate", "rotate", {"degrees": 90.0}),
    ("rotate right", "rotate", {"degrees": 90.0}),
    ("rotate left", "rotate", {"degrees": -90.0}),
    ("turn it left", "rotate", {"degrees": -90.0}),
    ("turn it clockwise", "rotate", {"degrees": 90.0}),
    ("rotate it 45 degrees anti-clockwise", "rotate", {"degrees": -45.0}),
    ("rotate -15", "rotate", {"degrees": -15.0}),
    ("rotate ninety degrees", "rotate", {"degrees": 90.0}),
    ("upside down", "rotate", {"degrees": 180.0}),
    ("turn it upside down", "rotate", {"degrees": 180.0}),
    ("straighten by 2 degrees", "rotate", {"degrees": 2.0}),
    ("tilt 3°", "rotate", {"degrees": 3.0}),
    ("rotate 3 degrees without cropping", "rotate", {"degrees": 3.0, "fit": "expand"}),
    ("flip", "flip", {"direction": "horizontal"}),
    ("mirror it", "flip", {"direction": "horizontal"}),
    ("flip horizontally", "flip", {"direction": "horizontal"}),
    ("flip vertically", "flip", {"direction": "vertical"}),
    ("flip upside down", "flip", {"direction": "vertical"}),
    # border
    ("border 20px", "border", {"pixels": 20}),
    ("add a 20 px black frame", "border", {"pixels": 20, "color": BLACK}),
    ("add a white border", "border", {"size": 0.05, "color": WHITE}),
    ("a thick red border", "border", {"size": 0.1, "color": RED}),
    ("thin black border", "border", {"size": 0.025, "color": BLACK}),
    ("add a grey border", "border", {"size": 0.05, "color": (128, 128, 128)}),
    ("add a dark red border", "border", {"size": 0.05, "color": (139, 0, 0)}),
    ("border 5%", "border", {"size": 0.05}),
    ("frame it in black", "border", {"size": 0.05, "color": BLACK}),
]


@pytest.mark.parametrize(
    ("instruction", "op", "params"),
    SINGLE_STEPS,
    ids=[instruction for instruction, _, _ in SINGLE_STEPS],
)
def test_a_phrasing_maps_to_one_step_with_exact_parameters(
    planner: RulePlanner, instruction: str, op: str, params: dict[str, Any]
) -> None:
    assert_steps(plan_of(planner, instruction), [(op, params)])


CAPTIONS = [
    ('add the caption "Hello world"', {"text": "Hello world", "position": "bottom"}),
    ('add the caption "salt and pepper"', {"text": "salt and pepper", "position": "bottom"}),
    ('add the caption "Make it brighter, then crop"', {"text": "Make it brighter, then crop",
                                                       "position": "bottom"}),
    ("add the caption “Hello, world”", {"text": "Hello, world", "position": "bottom"}),
    ("add the caption 'Summer time'", {"text": "Summer time", "position": "bottom"}),
    ('title "Summer" at the top', {"text": "Summer", "position": "top"}),
    ('add a title "Summer"', {"text": "Summer", "position": "top"}),
    ('write "Hello" in the middle', {"text": "Hello", "position": "center"}),
    ('add "Hello"', {"text": "Hello", "position": "bottom"}),
    ('caption "Hi" in the top-left corner', {"text": "Hi", "position": "top left"}),
    ('put "Hi" at the bottom right in red', {"text": "Hi", "position": "bottom right",
                                             "color": RED}),
    ('add the caption "Hi" in yellow', {"text": "Hi", "position": "bottom", "color": YELLOW}),
    ('caption "Hi" in white on a black box', {"text": "Hi", "position": "bottom", "color": WHITE,
                                              "style": "box", "box_color": BLACK}),
    ('add a small caption "Hi"', {"text": "Hi", "position": "bottom", "size": 0.04}),
]  # fmt: skip


@pytest.mark.parametrize(
    ("instruction", "params"), CAPTIONS, ids=[instruction for instruction, _ in CAPTIONS]
)
def test_quoted_text_becomes_a_caption_whatever_it_contains(
    planner: RulePlanner, instruction: str, params: dict[str, Any]
) -> None:
    assert_steps(plan_of(planner, instruction), [("caption", params)])


SEVERAL_STEPS: list[tuple[str, Expected]] = [
    ("crop to square, make it warmer and then add a vignette",
     [("crop", {"aspect": (1, 1)}), ("warmth", {"amount": 0.2}), ("vignette", {"strength": 0.5})]),
    ("crop to 4:5; rotate left; add a vignette",
     [("crop", {"aspect": (4, 5)}), ("rotate", {"degrees": -90.0}),
      ("vignette", {"strength": 0.5})]),
    ("First crop to square. Then make it warmer.",
     [("crop", {"aspect": (1, 1)}), ("warmth", {"amount": 0.2})]),
    ("brighter and warmer", [("brightness", {"amount": 0.2}), ("warmth", {"amount": 0.2})]),
    ("a bit brighter but much less contrast",
     [("brightness", {"amount": 0.1}), ("contrast", {"amount": -0.4})]),
    ("make it brighter, sharper and warmer",
     [("brightness", {"amount": 0.2}), ("sharpen", {"amount": 1.0}),
      ("warmth", {"amount": 0.2})]),
    ("make it brighter with more contrast",
     [("brightness", {"amount": 0.2}), ("contrast", {"amount": 0.2})]),
    ("increase brightness and contrast",
     [("brightness", {"amount": 0.2}), ("contrast", {"amount": 0.2})]),
    ("reduce the brightness and saturation a bit",
     [("brightness", {"amount": -0.2}), ("saturation", {"amount": -0.1})]),
    ("I want it black and white with a vignette",
     [("grayscale", {"strength": 1.0}), ("vignette", {"strength": 0.5})]),
    ("crop to square with a thick white border",
     [("crop", {"aspect": (1, 1)}), ("border", {"size": 0.1, "color": WHITE})]),
    ("make it warmer with an orange tint",
     [("warmth", {"amount": 0.2}), ("tint", {"color": (255, 165, 0), "amount": 0.2})]),
    ("rotate 90 degrees and flip horizontally",
     [("rotate", {"degrees": 90.0}), ("flip", {"direction": "horizontal"})]),
    ("make it twice as big, then rotate it 180 degrees",
     [("resize", {"scale": 2.0}), ("rotate", {"degrees": 180.0})]),
    ('add the caption "salt and pepper", then crop to square',
     [("caption", {"text": "salt and pepper", "position": "bottom"}),
      ("crop", {"aspect": (1, 1)})]),
    ('add a white border with the text "Hi there"',
     [("border", {"size": 0.05, "color": WHITE}),
      ("caption", {"text": "Hi there", "position": "bottom"})]),
    ('crop to square; add the caption “Hello, world” at the top and make it warmer',
     [("crop", {"aspect": (1, 1)}), ("caption", {"text": "Hello, world", "position": "top"}),
      ("warmth", {"amount": 0.2})]),
    ("brighter, please", [("brightness", {"amount": 0.2})]),
    ("black and white, high contrast",
     [("grayscale", {"strength": 1.0}), ("contrast", {"amount": 0.2})]),
    ("make it sharper and less noisy",
     [("sharpen", {"amount": 1.0}), ("denoise", {"strength": 0.5})]),
]  # fmt: skip


@pytest.mark.parametrize(
    ("instruction", "expected"),
    SEVERAL_STEPS,
    ids=[instruction for instruction, _ in SEVERAL_STEPS],
)
def test_clauses_become_steps_in_the_order_they_were_said(
    planner: RulePlanner, instruction: str, expected: Expected
) -> None:
    assert_steps(plan_of(planner, instruction), expected)


EVERY_PLAN = (
    [instruction for instruction, _, _ in SINGLE_STEPS]
    + [instruction for instruction, _ in CAPTIONS]
    + [instruction for instruction, _ in SEVERAL_STEPS]
)


def test_every_plan_validates_against_the_registry_and_is_labelled(planner: RulePlanner) -> None:
    registry = default_operators()
    for instruction in EVERY_PLAN:
        plan = plan_of(planner, instruction)
        assert plan.instruction == instruction
        assert plan.planner == "rules"
        for step in plan.steps:
            registry.validate(step)
            assert step.label, step


@pytest.mark.parametrize(
    ("instruction", "label"),
    [
        ("brighten by 30%", "brightness +30 %"),
        ("much less contrast", "contrast -40 %"),
        ("exposure +1 stop", "exposure +1 stop"),
        ("rotate left", "rotate 90° counter-clockwise"),
        ("upside down", "rotate 180°"),
        ("add a blue tint", "tint blue 20 %"),
        ("a thick red border", "red border 10 %"),
        ("border 20px", "white border 20 px"),
        ("crop 10% off the left", "crop 10 % off the left"),
        ("resize to 800x600", "resize to 800×600 px"),
        ('title "Summer" at the top', 'caption "Summer" at the top in white'),
    ],
)
def test_each_step_is_labelled_in_words_a_person_reads(
    planner: RulePlanner, instruction: str, label: str
) -> None:
    assert [step.label for step in plan_of(planner, instruction).steps] == [label]


@pytest.mark.parametrize(
    ("op", "param", "phrasings"),
    [
        ("brightness", "amount", ["a bit brighter", "brighter", "much brighter"]),
        ("brightness", "amount", ["much darker", "darker", "a bit darker"]),
        ("contrast", "amount", ["a little more contrast", "more contrast", "much more contrast"]),
        ("warmth", "amount", ["slightly warmer", "warmer", "a lot warmer"]),
        ("blur", "radius", ["blur it a bit", "blur", "blur it a lot"]),
        ("sharpen", "amount", ["sharpen slightly", "sharpen", "sharpen a lot"]),
        ("denoise", "strength", ["denoise a bit", "denoise", "denoise heavily"]),
        ("vignette", "strength", ["a subtle vignette", "a vignette", "a strong vignette"]),
        ("border", "size", ["a thin border", "a border", "a thick border"]),
    ],
)
def test_intensity_words_order_a_bit_below_the_default_below_much(
    planner: RulePlanner, op: str, param: str, phrasings: list[str]
) -> None:
    values = []
    for phrasing in phrasings:
        (step,) = plan_of(planner, phrasing).steps
        assert step.op == op
        values.append(step.params[param])
    assert values == sorted(values)
    assert len(set(values)) == 3


@pytest.mark.parametrize(
    ("up", "down", "op"),
    [
        ("make it brighter", "make it darker", "brightness"),
        ("more contrast", "less contrast", "contrast"),
        ("warmer", "cooler", "warmth"),
        ("saturate it", "desaturate it", "saturation"),
        ("overexpose", "underexpose", "exposure"),
    ],
)
def test_opposite_words_give_opposite_signs(
    planner: RulePlanner, up: str, down: str, op: str
) -> None:
    (plus,) = plan_of(planner, up).steps
    (minus,) = plan_of(planner, down).steps
    assert plus.op == minus.op == op
    assert next(iter(plus.params.values())) > 0 > next(iter(minus.params.values()))


def test_a_strong_vignette_says_its_strength_in_the_label() -> None:
    plan = RulePlanner().plan("add a strong vignette")
    assert isinstance(plan, EditPlan)
    assert plan.steps[0].label == "vignette 100 %"
