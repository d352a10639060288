"""The rule planner with the picture at hand: which face and which attached image are meant,
questions and their answers, questions about the picture, and requests it cannot do offline."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import pytest
from pydantic import Field

from gouache.analysis.types import Box
from gouache.images import Image
from gouache.ops.plan import EditPlan
from gouache.ops.registry import OpContext, Operator, Params, default_operators
from gouache.planner.plan import (
    PlanContext,
    PlannerAnswer,
    PlannerQuestion,
    PlannerReply,
    PlanOutcome,
)
from gouache.planner.rules import RulePlanner


def faces(count: int) -> tuple[Box, ...]:
    """`count` faces in a row, left to right; the first is the largest."""
    return tuple(Box(10 + 150 * i, 40, 90 - i, 90 - i) for i in range(count))


def picture(
    face_count: int = 3,
    text: Sequence[str] = ("SALE", "50% off"),
    references: tuple[str, ...] = ("beach.jpg", "sea.png"),
    pending: PlannerQuestion | None = None,
) -> PlanContext:
    return PlanContext(
        faces=lambda: faces(face_count),
        text=lambda: text,
        references=references,
        pending=pending,
    )


@pytest.fixture(scope="module")
def planner() -> RulePlanner:
    return RulePlanner()


def outcome_of(planner: RulePlanner, instruction: str, context: PlanContext | None) -> PlanOutcome:
    return planner.plan(instruction, context)


def only_step(outcome: PlanOutcome) -> tuple[str, dict[str, Any]]:
    assert isinstance(outcome, EditPlan), outcome.describe()
    (step,) = outcome.steps
    return step.op, step.params


def reply_of(outcome: PlanOutcome) -> PlannerReply:
    assert isinstance(outcome, PlannerReply), outcome.describe()
    return outcome


# -- attached images --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("instruction", "references", "number"),
    [
        ("use the colours of image 2", ("a.jpg",), 2),
        ("use the colours of image #3", ("a.jpg", "b.jpg"), 3),
        ("use the colours of the second photo", ("a.jpg", "b.jpg"), 2),
        ("use the colours of the third image", ("a.jpg", "b.jpg"), 3),
        ("use the colours of the last picture", ("a.jpg", "b.jpg", "c.jpg"), 4),
        ("use the colours of the other image", ("a.jpg",), 2),
        ("use the colours of the beach photo", ("sea.png", "Beach_Sunset.JPG"), 3),
        ("use the colours of the sunset", ("sea.png", "Beach_Sunset.JPG"), 3),
        ("use the colours of beach_sunset.jpg", ("sea.png", "Beach_Sunset.JPG"), 3),
        ("use the colours of the logo", ("sea.png", "brand-logo.png"), 3),
        ("add the logo", ("sea.png", "brand-logo.png"), 3),
        ("match the colours", ("a.jpg",), 2),
    ],
)
def test_an_attached_image_is_found_by_number_place_or_file_name(
    planner: RulePlanner, instruction: str, references: tuple[str, ...], number: int
) -> None:
    _, params = only_step(outcome_of(planner, instruction, picture(references=references)))
    assert params["reference"] == number


def test_an_image_that_does_not_exist_gets_a_reply_that_says_how_many_and_how_to_attach(
    planner: RulePlanner,
) -> None:
    reply = reply_of(outcome_of(planner, "use the colours of image 5", picture(references=("a",))))
    assert reply.message == (
        "There is no image 5: there are only 2 images (this one and 1 attached); attach more "
        "with --ref PATH or /attach PATH."
    )


@pytest.mark.parametrize(
    "instruction",
    [
        "use the colours of image 2",
        "put the subject of image 2 on the left",
        "add the logo in the bottom right",
        "put image 2 as an inset in the top right",
        "replace the background with image 2",
        "make a grid collage",
    ],
)
@pytest.mark.parametrize("context", [None, picture(references=())], ids=["no context", "none"])
def test_an_edit_that_needs_another_image_asks_to_attach_one_when_none_is(
    planner: RulePlanner, instruction: str, context: PlanContext | None
) -> None:
    reply = reply_of(outcome_of(planner, instruction, context))
    assert "attach one with --ref PATH (or /attach PATH in chat)" in reply.message


def test_a_name_no_attached_file_has_gets_a_reply_listing_the_names(planner: RulePlanner) -> None:
    reply = reply_of(outcome_of(planner, "add the logo in the top left", picture()))
    assert reply.message == (
        'None of the attached images is named like "logo": image 2 is beach.jpg, image 3 is '
        'sea.png; say which one, e.g. "image 2".'
    )


def test_image_1_is_the_picture_being_edited_not_a_reference(planner: RulePlanner) -> None:
    reply = reply_of(outcome_of(planner, "use the colours of image 1", picture()))
    assert reply.message.startswith("Image 1 is the picture being edited")


def test_only_the_picture_being_edited_changes(planner: RulePlanner) -> None:
    reply = reply_of(outcome_of(planner, "make image 2 brighter", picture()))
    assert "only the picture being edited changes, not image 2" in reply.message


def test_several_images_that_fit_make_a_question_and_the_answer_picks_one(
    planner: RulePlanner,
) -> None:
    question = outcome_of(planner, "use the colours of the other image", picture())
    assert question == PlannerQuestion(
        instruction="use the colours of the other image",
        message="Which image: image 2 (beach.jpg) or image 3 (sea.png)?",
        options=("image 2", "image 3"),
        slot="image",
    )
    for answer, number in [("image 3", 3), ("3", 3), ("the second", 2), ("the sea one", 3)]:
        plan = outcome_of(planner, answer, picture(pending=question))
        assert only_step(plan) == ("color_transfer", {"reference": number})
        assert plan.instruction == f"use the colours of the other image ({answer})"
    assert outcome_of(planner, "image 4", picture(pending=question)) == question


# -- faces ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("count", "message", "options"),
    [
        (2, "There are 2 faces: left or right?", ("left", "right")),
        (3, "There are 3 faces: left, middle or right?", ("left", "middle", "right")),
        (5, "There are 5 faces, numbered from the left: which one, 1, 2, 3, 4 or 5?",
         ("1", "2", "3", "4", "5")),
    ],
)  # fmt: skip
def test_one_face_meant_among_several_is_a_question(
    planner: RulePlanner, count: int, message: str, options: tuple[str, ...]
) -> None:
    question = outcome_of(planner, "blur the face", picture(face_count=count))
    assert question == PlannerQuestion(
        instruction="blur the face", message=message, options=options, slot="face"
    )


@pytest.mark.parametrize(
    "instruction", ["blur the face", "crop to the face", "crop to her face", "make an avatar"]
)
def test_every_singular_face_phrasing_asks_when_there_are_several(
    planner: RulePlanner, instruction: str
) -> None:
    assert isinstance(outcome_of(planner, instruction, picture()), PlannerQuestion)


def test_the_only_face_needs_no_question(planner: RulePlanner) -> None:
    assert only_step(outcome_of(planner, "crop to her face", picture(face_count=1))) == (
        "crop_face",
        {"target": "largest"},
    )


def test_without_a_context_one_face_means_the_largest(planner: RulePlanner) -> None:
    assert only_step(outcome_of(planner, "blur the face", None)) == (
        "blur_faces",
        {"method": "blur", "target": "largest"},
    )


@pytest.mark.parametrize("instruction", ["blur the face", "blur the faces", "make an avatar"])
def test_a_face_edit_on_a_picture_without_faces_is_a_reply(
    planner: RulePlanner, instruction: str
) -> None:
    reply = reply_of(outcome_of(planner, instruction, picture(face_count=0)))
    assert reply.message == "I can't find a face in this picture."


def test_a_face_number_past_the_count_is_a_reply(planner: RulePlanner) -> None:
    reply = reply_of(outcome_of(planner, "blur the fifth face", picture()))
    assert reply.message == "There are only 3 faces in this picture."


def test_the_middle_of_an_even_count_is_a_question(planner: RulePlanner) -> None:
    question = outcome_of(planner, "blur the middle face", picture(face_count=4))
    assert isinstance(question, PlannerQuestion)
    assert question.options == ("1", "2", "3", "4")


def test_faces_counted_from_the_right_are_numbered_from_the_left(planner: RulePlanner) -> None:
    step = only_step(outcome_of(planner, "blur the second face from the right", picture(5)))
    assert step == ("blur_faces", {"method": "blur", "target": 4})


def test_the_picture_is_analysed_only_for_an_edit_that_needs_it(planner: RulePlanner) -> None:
    looked: list[str] = []
    context = PlanContext(
        faces=lambda: looked.append("faces") or faces(2),
        text=lambda: looked.append("text") or ("SALE",),
        references=("a.jpg",),
    )
    planner.plan("make it warmer, crop to square and use the colours of image 2", context)
    assert looked == []
    planner.plan("blur the face on the left and the largest face", context)
    planner.plan('remove the word "SALE"', context)
    assert looked == ["faces", "text"]


# -- answering a question ---------------------------------------------------------------------


@pytest.mark.parametrize(
    ("answer", "target"),
    [
        ("the middle one", "middle"),
        ("left", "left"),
        ("the one on the right", "right"),
        ("2", "middle"),
        ("the second", "middle"),
        ("the first one", "left"),
        ("Right.", "right"),
        ("all of them", "all"),
        ("the largest", "largest"),
    ],
)
def test_an_answer_completes_the_instruction_it_was_asked_about(
    planner: RulePlanner, answer: str, target: str
) -> None:
    question = outcome_of(planner, "blur the face", picture())
    assert isinstance(question, PlannerQuestion)
    plan = outcome_of(planner, answer, picture(pending=question))
    assert only_step(plan) == ("blur_faces", {"method": "blur", "target": target})
    assert isinstance(plan, EditPlan)
    assert plan.instruction == f"blur the face ({answer.rstrip('.')})"


def test_with_more_than_three_faces_the_answer_is_a_number_from_the_left(
    planner: RulePlanner,
) -> None:
    question = outcome_of(planner, "crop to her face", picture(face_count=5))
    assert isinstance(question, PlannerQuestion)
    for answer, target in [("4", 4), ("the fifth", 5), ("the leftmost", 1), ("right", 5)]:
        plan = outcome_of(planner, answer, picture(face_count=5, pending=question))
        assert only_step(plan) == ("crop_face", {"target": target})


@pytest.mark.parametrize(
    ("count", "answer"),
    [(3, "the fourth one"), (3, "7"), (2, "the middle one"), (3, "blue"), (3, "ok"), (3, "")],
)
def test_an_answer_that_picks_no_option_repeats_the_question(
    planner: RulePlanner, count: int, answer: str
) -> None:
    question = outcome_of(planner, "blur the face", picture(face_count=count))
    assert isinstance(question, PlannerQuestion)
    assert outcome_of(planner, answer, picture(face_count=count, pending=question)) == question


@pytest.mark.parametrize(
    ("instruction", "kind"),
    [
        ("make it brighter", EditPlan),
        ("blur the faces", EditPlan),
        ("add a hat", PlannerReply),
        ("what can you do?", PlannerAnswer),
    ],
)
def test_a_new_instruction_while_a_question_is_pending_is_planned_as_it_is(
    planner: RulePlanner, instruction: str, kind: type
) -> None:
    question = outcome_of(planner, "blur the face", picture())
    assert isinstance(question, PlannerQuestion)
    outcome = outcome_of(planner, instruction, picture(pending=question))
    assert isinstance(outcome, kind)
    assert outcome.instruction == instruction


def test_the_answer_to_one_question_is_kept_while_the_next_is_asked(
    planner: RulePlanner,
) -> None:
    instruction = "blur the face and use the colours of the other image"
    first = outcome_of(planner, instruction, picture())
    assert isinstance(first, PlannerQuestion)
    assert first.slot == "face"
    second = outcome_of(planner, "left", picture(pending=first))
    assert isinstance(second, PlannerQuestion)
    assert (second.slot, second.instruction) == ("image", f"{instruction} (the left one)")
    plan = outcome_of(planner, "image 3", picture(pending=second))
    assert isinstance(plan, EditPlan)
    assert [(s.op, s.params) for s in plan.steps] == [
        ("blur_faces", {"method": "blur", "target": "left"}),
        ("color_transfer", {"reference": 3}),
    ]
    assert plan.instruction == f"{instruction} (the left one) (image 3)"


# -- text in the picture ----------------------------------------------------------------------


def test_text_that_is_not_in_the_picture_is_a_reply(planner: RulePlanner) -> None:
    reply = reply_of(outcome_of(planner, 'replace "SOLD" with "SALE"', picture()))
    assert reply.message == (
        'I can\'t find "SOLD" in the text of this picture; I read "SALE", "50% off".'
    )
    reply = reply_of(outcome_of(planner, "remove the text", picture(text=())))
    assert reply.message == "I can't find any text in this picture."


def test_the_text_to_remove_is_found_whatever_its_case(planner: RulePlanner) -> None:
    assert only_step(outcome_of(planner, 'remove the word "sale"', picture())) == (
        "remove_text",
        {"match": "sale"},
    )


@pytest.mark.parametrize(
    "say",
    [
        'remove "sale"',
        'erase "sale" pls',
        'delete the "sale" text',
        'remove the word "sale"',
        "remove the sale text",
        "delete the word sale",
    ],
)
def test_a_named_word_alone_is_removed_and_only_that_word(planner: RulePlanner, say: str) -> None:
    assert only_step(outcome_of(planner, say, picture())) == ("remove_text", {"match": "sale"})


def test_a_named_watermark_is_removed_with_its_whole_line(planner: RulePlanner) -> None:
    op, params = only_step(outcome_of(planner, 'remove the watermark "off"', picture()))
    assert (op, params) == ("remove_text", {"match": "off", "lines": True})


# -- questions answered in words --------------------------------------------------------------


@pytest.mark.parametrize(
    "question", ["what does it say?", "read the text", "what's written", "What is written on it?"]
)
def test_what_the_picture_says_is_answered_with_its_lines(
    planner: RulePlanner, question: str
) -> None:
    answer = outcome_of(planner, question, picture())
    assert answer == PlannerAnswer(instruction=question, message='It says:\n  "SALE"\n  "50% off"')
    assert outcome_of(planner, question, picture(text=())) == PlannerAnswer(
        instruction=question, message="I can't find any text in this picture."
    )


@pytest.mark.parametrize(
    ("count", "message"),
    [(0, "I can't find any face in this picture."), (1, "I can see 1 face."),
     (3, "I can see 3 faces.")],
)  # fmt: skip
def test_how_many_faces_is_answered_with_the_count(
    planner: RulePlanner, count: int, message: str
) -> None:
    answer = outcome_of(planner, "how many faces are there?", picture(face_count=count))
    assert answer == PlannerAnswer(instruction="how many faces are there?", message=message)


@pytest.mark.parametrize(
    "said", ["who is in this photo?", "who are they", "can you recognise her", "whos that"]
)
def test_who_someone_is_is_answered_with_what_is_found_not_a_name(
    planner: RulePlanner, said: str
) -> None:
    # "I do not know who" before
    answer = outcome_of(planner, said, picture(face_count=3))
    assert isinstance(answer, PlannerAnswer)
    assert answer.message.startswith("I don't recognise people, I only find faces: I find 3")
    assert "--character" in answer.message
    none = outcome_of(planner, said, picture(face_count=0))
    assert isinstance(none, PlannerAnswer)
    assert "can't find a face" in none.message


class GlitchParams(Params):
    amount: float = Field(default=0.5, gt=0.0, le=1.0)


def glitch(image: Image, p: GlitchParams, ctx: OpContext) -> Image:
    return image


GLITCH: Operator[GlitchParams] = Operator(
    name="glitch",
    version="1.0.0",
    summary="scramble the picture like a broken video signal",
    params=GlitchParams,
    run=glitch,
    keywords=("glitch", "glitchy"),
    examples=("make it glitchy",),
)


@pytest.mark.parametrize("question", ["what can you do?", "help", "what edits are there"])
def test_what_can_be_done_is_answered_from_the_registry_custom_operators_included(
    question: str,
) -> None:
    registry = default_operators()
    registry.register(GLITCH)
    answer = RulePlanner(registry).plan(question)
    assert isinstance(answer, PlannerAnswer)
    for op in registry.all():
        assert op.name in answer.message
        assert op.summary in answer.message
    assert "make it glitchy" in answer.message
    assert GENERATIVE in answer.message


def test_a_custom_operator_is_planned_by_its_keywords(planner: RulePlanner) -> None:
    registry = default_operators()
    registry.register(GLITCH)
    assert only_step(RulePlanner(registry).plan("make it glitchy")) == ("glitch", {})


# -- requests that need a generative model ----------------------------------------------------

GENERATIVE = (
    "that takes a generative model: run gouache with --backend gemini, openai, diffusers or "
    "comfyui (`gouache backends` says which can run here)"
)


@pytest.mark.parametrize(
    "instruction",
    [
        "colourise it",
        "colorize",
        "add a hat",
        "change her expression",
        "make her smile",
        "make it cloudy",
        "add a dragon",
        "replace her shirt with a suit",
        "make her older",
        "remove the car",
    ],
)
def test_new_content_gets_a_reply_that_names_the_generative_backends(
    planner: RulePlanner, instruction: str
) -> None:
    reply = reply_of(outcome_of(planner, instruction, picture()))
    assert reply.message == (
        f'"{instruction}" needs new content, which the offline editor cannot draw: {GENERATIVE}.'
    )
    # edits that apply to this picture (closest_edits tests which are related)
    assert 2 <= len(reply.suggestions) <= 5
    assert all(isinstance(planner.plan(s, picture()), EditPlan) for s in reply.suggestions)


def test_new_content_beside_an_edit_is_still_a_reply_with_the_edit_understood(
    planner: RulePlanner,
) -> None:
    reply = reply_of(outcome_of(planner, "make it brighter and add a dragon", picture()))
    assert reply.understood == ("brightness +20 %",)
    assert reply.message.startswith('"add a dragon" needs new content')


@pytest.mark.parametrize("instruction", ["explain this photo", "frobnicate it", "add a vignete"])
def test_other_unknown_words_keep_the_did_not_understand_reply(
    planner: RulePlanner, instruction: str
) -> None:
    # a misspelling's reply is a question ("did you mean ...?"), with the same first sentence
    said = outcome_of(planner, instruction, picture())
    assert isinstance(said, PlannerReply | PlannerQuestion)
    assert said.message.startswith(f'I did not understand "{instruction}"')
    assert "generative" not in said.message


def toned_picture(tone: str | None, grey: bool = False) -> PlanContext:
    return PlanContext(toned=lambda: tone, grey=lambda: grey)


def test_taking_the_sepia_out_of_a_sepia_photo_turns_it_to_black_and_white(
    planner: RulePlanner,
) -> None:
    op, params = only_step(outcome_of(planner, "remove the sepia", toned_picture("sepia")))
    assert (op, params["strength"]) == ("grayscale", 1.0)
    op, params = only_step(outcome_of(planner, "less sepia", toned_picture("sepia")))
    assert (op, params["strength"]) == ("grayscale", 0.5)


def test_taking_the_sepia_out_of_a_colour_photo_says_there_is_none_and_what_would_do(
    planner: RulePlanner,
) -> None:
    reply = reply_of(outcome_of(planner, "remove the sepia", toned_picture(None)))
    assert "in colour, not a sepia" in reply.message
    assert '"make it black and white"' in reply.message
    reply = reply_of(outcome_of(planner, "remove the sepia", toned_picture(None, grey=True)))
    assert "already black and white" in reply.message
