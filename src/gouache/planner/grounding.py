"""Grounding a draft in the picture: which face, which attached image, whether the text is there.

The planner sees the picture only through `PlanContext`: the face boxes, the lines of text,
the names of the attached images. Faces and text are analysed only for a step that needs
them, and at most once per plan.

    face operations   no face found: a problem. One face meant, several found: the answer
                      already given (`choices`), else a question. A face number past the
                      count: a problem. "the middle face" of an even count: a question.
    a reference       the image named (`references.resolve`); none named: the only one
                      attached, or for a logo the one whose file name holds "logo". Several
                      fit: the answer already given, else a question.
    text operations   no text read, or the quoted words not in it: a problem.
    collage           at least one attached image; a named one must exist.

Without a context there is no picture to look at: faces and text go unchecked (one face
meant is the largest), and no image is attached.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import replace
from typing import Any

from gouache.analysis.types import Box
from gouache.ops.faces import everyone_window
from gouache.ops.registry import OperatorRegistry
from gouache.planner import (
    bars,
    casts,
    faceparts,
    formats,
    groupcrop,
    hues,
    ink,
    plural,
    redaction,
    references,
    regional,
    targets,
    titles,
)
from gouache.planner.clauses import has, normalise, protect
from gouache.planner.generative import GENERATIVE_BACKENDS
from gouache.planner.phrases import SEPIA_TAKEN_OUT, Draft
from gouache.planner.plan import PlanContext, PlannerQuestion
from gouache.planner.references import Ambiguous, Problem
from gouache.planner.vocabulary import USES_ALL_REFERENCES

IMAGE_SLOT = "image"
_SIGN = re.compile(r"\bsigns?\b", re.IGNORECASE)
# A border named as one ("add some padding" is white on purpose); edges this light (every
# channel) are taken as white, where a white border would not show.
_FRAME = re.compile(r"\b(?:borders?|frames?|outline)\b", re.IGNORECASE)
LIGHT_EDGE = 235
_FACE_OPS = frozenset({"blur_faces", "crop_face"})
# The operators that need text in the picture, and the parameter naming the text they edit
# (the document cleanup names none: any text will do).
_TEXT_OPS = {"remove_text": "match", "replace_text": "old", "document": "", "resize_text": "match",
             "recolor_text": "match", "bold_text": "match",
             "outline_text": "match"}  # fmt: skip

Grounded = Draft | Problem | PlannerQuestion


class Grounding:
    """Grounds the drafts of one instruction; `choices` holds answers given to earlier
    questions, by slot ("face": a target, "image": a number)."""

    def __init__(
        self,
        instruction: str,
        context: PlanContext | None,
        operators: OperatorRegistry,
        choices: Mapping[str, Any],
    ) -> None:
        self.instruction = instruction
        self.context = context
        self.operators = operators
        self.choices = choices
        self.references = context.references if context is not None else ()
        self._faces: int | None = None
        self._text: tuple[str, ...] | None = None

    def ground(self, draft: Draft) -> Grounded:
        if draft.named_text is not None:
            return self._named_line(draft, draft.named_text)
        if draft.op == plural.OP and "faces" in draft.params:
            return plural.ground(draft, self.context)
        if draft.op == groupcrop.OP and "side" in draft.params:
            return groupcrop.ground(draft, self.context)
        if draft.op in _FACE_OPS:
            return self._faced(draft)
        if draft.op == "smart_crop" and has(self._said, "keeping everyone"):
            return self._everyone(draft)
        if draft.op in _TEXT_OPS:
            return self._texted(draft)
        if draft.op in USES_ALL_REFERENCES:
            return self._all_references(draft)
        if draft.op == regional.OP:
            return regional.ground(draft, self.context, self.instruction, self.choices)
        if draft.op in faceparts.OPS:
            return faceparts.ground(draft, self.context, self.instruction, self.choices)
        if draft.op == "red_eye":
            return self._red_eyes(draft)
        if draft.op == redaction.OP:
            return redaction.ground(draft, self.context)
        if draft.op == bars.OP:
            return bars.ground(draft, self.context)
        if draft.op == titles.OP and draft.note == titles.NOTE:
            return titles.ground(draft, self.context)
        if draft.op == ink.OP:
            return ink.ground(draft, self.context)
        if draft.op == hues.OP:
            return hues.ground(draft, self.context, self.instruction)
        if draft.op == "replace_color":
            return hues.swapped(draft, self.context)
        if draft.cast is not None:
            return casts.ground(draft, self.context)
        if draft.op == "saturation" and float(draft.params.get("amount", 0.0)) > 0:
            return self._coloured(draft)
        if draft.op == "grayscale" and draft.note == SEPIA_TAKEN_OUT:
            return self._untoned(draft)
        if draft.op == "border" and "color" not in draft.params:
            return self._framed(draft)
        if (
            draft.op in self.operators
            and "reference" in self.operators.get(draft.op).params.model_fields
        ):
            return self._referenced(draft)
        return draft

    def _coloured(self, draft: Draft) -> Grounded:
        """More colour needs colour there: on a black-and-white picture it would do nothing."""
        grey = self.context.grey if self.context is not None else None
        if grey is None or not grey():
            return draft
        return Problem(
            "the picture is black and white, so there is no colour to make stronger; "
            f"colourising it {GENERATIVE_BACKENDS.replace('that takes', 'takes')}; a colour "
            'cast adds some, e.g. "make it sepia" or "add a blue tint"'
        )

    def _framed(self, draft: Draft) -> Grounded:
        """A border of no colour said is white; on a picture whose edges are already plain
        white it would not show, so which colour is asked ("padding" is white on purpose)."""
        edge = self.context.edge if self.context is not None else None
        if edge is None or not _FRAME.search(self.instruction):
            return draft
        colour = edge()
        if colour is None or min(colour) < LIGHT_EDGE:
            return draft
        width = (
            f" {draft.params['pixels']} px wide"
            if "pixels" in draft.params
            else f" of {100 * float(draft.params['size']):g}%"
        )
        options = tuple(f"add a {name} border{width}" for name in ("black", "grey", "white"))
        listed = "; ".join(f"{n}) {option}" for n, option in enumerate(options, 1))
        return PlannerQuestion(
            instruction=self.instruction,
            message="The picture's edges are white already, so a white border would not "
            f"show. Which colour: {listed}? (answer with the number or the words)",
            options=options,
            slot=formats.SLOT,  # options planned as they are written
        )

    def _untoned(self, draft: Draft) -> Grounded:
        """Taking a sepia out needs a toned picture: on a colour photo it would take all its
        colour, on a black-and-white one it would do nothing."""
        toned = self.context.toned if self.context is not None else None
        if toned is None or toned() is not None:
            return draft
        grey = self.context.grey if self.context is not None else None
        if grey is not None and grey():
            return Problem("the picture is already black and white: there is no sepia to take out")
        return Problem(
            "the picture is in colour, not a sepia or other toned print, so there is no tone "
            'to take out; "make it black and white" takes all of its colour, "less yellow" '
            "takes out a yellow cast"
        )

    # -- faces -------------------------------------------------------------------------------

    def face_count(self) -> int | None:
        if self.context is None:
            return None
        if self._faces is None:
            self._faces = len(self.context.faces())
        return self._faces

    @property
    def _said(self) -> str:
        return normalise(protect(self.instruction))

    def _everyone(self, draft: Draft) -> Grounded:
        """ "square without cutting off anyone": every face whole inside the crop, with room
        around it (`gouache.ops.faces.everyone_window`), or no crop at all (a wider canvas,
        when no crop was asked; a refusal that says so when one was)."""
        whole = replace(draft, params={**draft.params, "everyone": True})
        if self.context is None or self.context.size is None:
            return whole
        boxes = [Box(*box) for box in self.context.faces()]
        width, height = self.context.size
        aspect = tuple(draft.params["aspect"])
        if not boxes:
            return draft
        if everyone_window(width, height, boxes, (aspect[0], aspect[1])) is not None:
            return whole
        shape = f"{aspect[0]}:{aspect[1]}"
        faces = "the face" if len(boxes) == 1 else f"the {len(boxes)} faces"
        fit = "does not fit" if len(boxes) == 1 else "do not all fit"
        if has(self._said, "crop") or has(self._said, "trim"):
            return Problem(
                f"{faces} with room around {'it' if len(boxes) == 1 else 'them'} {fit} a "
                f"{shape} crop of this picture, so I cropped nothing; "
                f'"make it {shape} without cropping" extends the canvas instead'
            )
        return Draft(
            "extend",
            {"aspect": aspect},
            note=f"{faces} {fit} a {shape} crop: the canvas is extended",
        )

    def _faced(self, draft: Draft) -> Grounded:
        count = self.face_count()
        target = draft.params.get("target")
        if count is None:
            if draft.one_face:
                return _with(draft, target="largest")
            if isinstance(target, int) and target < 0:
                return Problem("without the picture at hand, count the faces from the left")
            return draft
        if count == 0:
            return Problem("I can't find a face in this picture")
        if draft.one_face:
            if count == 1:
                return _with(draft, target="largest")
            if targets.SLOT not in self.choices:
                return targets.question(self.instruction, count)
            target = self.choices[targets.SLOT]
        if isinstance(target, int):
            target = count + 1 + target if target < 0 else target
            if not 1 <= target <= count:
                return Problem(
                    f"there {'is only 1 face' if count == 1 else f'are only {count} faces'} "
                    "in this picture"
                )
        if target == "middle" and count % 2 == 0:
            return targets.question(self.instruction, count)
        return draft if target is None else _with(draft, target=target)

    def _red_eyes(self, draft: Draft) -> Grounded:
        count = self.face_count()
        if count is None or self.context is None:
            return draft
        if count == 0:
            return Problem("I can't find a face in this picture, so there are no red eyes to fix")
        if self.context.region("red_eyes") == 0.0:
            faces = "1 face" if count == 1 else f"{count} faces"
            return Problem(f"I found {faces} but no red eyes, so I changed nothing")
        return draft

    # -- text in the picture -----------------------------------------------------------------

    def _texted(self, draft: Draft) -> Grounded:
        if draft.op == "bold_text" and draft.params.get("regular"):
            # "make the title not bold", "make SALE thinner": the letters are matched in a
            # regular face only
            return Problem(
                "I can make text bold (redrawn in Aileron Bold) but not bold text regular or "
                "thinner: "
                "its letters are matched in a regular face only, so I changed nothing"
            )
        if self.context is None:
            return draft
        if self._text is None:
            self._text = tuple(line for line in self.context.text() if line.strip())
        sign = draft.op == "remove_text" and _SIGN.search(self.instruction) is not None
        if not self._text:
            if sign:  # "remove the sign" with no words on it: the board itself is new content
                return Problem(
                    "I can't find any text in this picture, so no words of a sign to remove; "
                    f"removing a sign itself {GENERATIVE_BACKENDS.replace('that takes', 'takes')}"
                )
            return Problem("I can't find any text in this picture")
        wanted = draft.params.get(_TEXT_OPS[draft.op])
        # as the operator matches: case and spaces ignored ("SALE TODAY" is read "SALETODAY")
        squeezed = "".join(str(wanted or "").split()).casefold()
        if wanted and not any(squeezed in "".join(line.split()).casefold() for line in self._text):
            read = ", ".join(f'"{line}"' for line in self._text)
            return Problem(f'I can\'t find "{wanted}" in the text of this picture; I read {read}')
        if sign and not wanted:
            read = ", ".join(f'"{line}"' for line in self._text)
            note = f"the sign is taken as its words ({read}); a board or post behind them stays"
            return replace(draft, note=note)
        return draft

    def _named_line(self, draft: Draft, named: str) -> Problem:
        """'make "SALE" less red' read as a whole-picture edit: never done on the whole
        picture; the edits that keep to the line are offered when the picture holds it."""
        whole = f"read as {draft.op.replace('_', ' ')} it would change the whole picture"
        if self._text is None and self.context is not None:
            self._text = tuple(line for line in self.context.text() if line.strip())
        squeezed = "".join(named.split()).casefold()
        held = any(squeezed in "".join(line.split()).casefold() for line in self._text or ())
        if self.context is not None and not held:
            read = ", ".join(f'"{line}"' for line in self._text or ())
            found = f"I read {read}" if read else "I can't find any text in this picture"
            return Problem(
                f'"{named}" in quotes names text, but {found}; {whole}, so I changed nothing '
                "(without the quotes it is an edit of the whole picture)"
            )
        line = named.replace('"', "'")
        offers = (
            *(f"make '{line}' {how}" for how in ("blue", "bigger", "bold")),
            f"remove the text '{line}'",
        )
        return Problem(
            f'"{named}" is a line of the text, and {whole}, not that line, so I changed '
            "nothing; the line alone can take a named colour, another size, bold, or be "
            f'removed, e.g. "{offers[0]}"',
            offers=offers,
        )

    # -- attached images ---------------------------------------------------------------------

    def _referenced(self, draft: Draft) -> Grounded:
        field = self.operators.get(draft.op).params.model_fields["reference"]
        if draft.reference is None and field.default is None and not field.is_required():
            return draft  # optional, and not asked for ("replace the background with white")
        if not self.references:
            found: references.Resolution = references.default(self.references, draft.op)
        elif draft.reference is not None:
            found = references.resolve(draft.reference, self.references)
        elif draft.op == "logo":
            found = references.by_name(("logo",), self.references)
        else:
            found = references.default(self.references, draft.op)
        if isinstance(found, Ambiguous):
            chosen = self.choices.get(IMAGE_SLOT)
            if chosen not in found.numbers:
                return self._which(found.numbers)
            found = chosen
        if isinstance(found, Problem):
            return found
        return _with(draft, reference=found)

    def _all_references(self, draft: Draft) -> Grounded:
        if not self.references:
            return Problem(f"a collage needs other images: {references.ATTACH}")
        if not self.references:
            found: references.Resolution = references.default(self.references, draft.op)
        elif draft.reference is not None:
            found = references.resolve(draft.reference, self.references)
            if isinstance(found, Problem):
                return found
        return draft

    def _which(self, numbers: Sequence[int]) -> PlannerQuestion:
        return PlannerQuestion(
            instruction=self.instruction,
            message=references.question_text(numbers, self.references),
            options=tuple(f"image {n}" for n in numbers),
            slot=IMAGE_SLOT,
        )


def _with(draft: Draft, **params: Any) -> Draft:
    return replace(draft, params={**draft.params, **params})
