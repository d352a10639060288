"""The offline planner: an instruction in plain words -> an EditPlan of validated steps.

How an instruction is read:

1. Quoted text is set aside, so "and" or a comma inside a caption never splits it.
2. The rest is split into clauses at commas, semicolons, "and", "then", "but".
3. In each clause (`reading.py`) the operator is the keyword that names it (`lexicon.py`:
   the operators' own `keywords` plus `vocabulary.EXTRA_KEYWORDS`): a longer phrase beats a
   shorter one, a strong word a weak one ("grey border" is a border), a verb opening the
   clause beats the rest ("crop the borders"), and among equals the last one, the head
   noun, wins ("a warm orange tint").
   Two operators in one clause ("brighter with more contrast") are split into two steps.
4. The operator's phrase rule (`phrases.py`) reads its parameters: intensity words, direction,
   numbers and percentages, colours, positions.
5. The steps are grounded in the picture (`grounding.py`): which face ("blur the face" with
   three faces asks "left, middle or right?"), which attached image ("image 2", "the beach
   photo"), whether the text to remove is there.
6. Every step is validated against the operator registry.

Questions about the picture or about gouache ("what does it say?", "what can you do?") are
answered in words (`answers.py`). When the context holds a question asked last turn
(`PlanContext.pending`), an instruction that picks one of its options ("the middle one")
completes the instruction that was asked about; one that reads as a failed pick ("the fourth
one" of three) repeats the question; anything else is planned as a new instruction.

Nothing is guessed. A clause with no operator, one whose rule lacks something it needs (a
tint with no colour), one with a word the planner does not know ("make the sky bluer"), or one
that names a part of the picture ("brighten the left side": these operators edit the whole
picture) makes the whole answer a PlannerReply (`replies.py`): what was not understood, what
was, and the closest edits that can be done; never a partial plan. A misspelling is never
corrected silently: "mak it brigter" gets a reply whose first suggestion is "make it
brighter", which the user can send back as it is. A request for new content ("add a hat",
"colourise it") gets a reply that names the generative backends that can do it
(`generative.py`).
"""

from __future__ import annotations

import functools
import re
from collections.abc import Mapping
from dataclasses import replace
from typing import Any

from gouache.errors import InvalidParameterError
from gouache.ops.registry import OperatorRegistry, default_operators
from gouache.planner import (
    answers,
    bars,
    binarize,
    emphasis,
    formats,
    framing,
    ink,
    plural,
    reasons,
    redaction,
    references,
    regional,
    spelling,
    targets,
    unquoted,
)
from gouache.planner.clauses import RawClause, colors, has, normalise, prepare, restore, words
from gouache.planner.generative import needs_generation
from gouache.planner.grounding import IMAGE_SLOT, Grounding
from gouache.planner.labels import describe
from gouache.planner.lexicon import Lexicon
from gouache.planner.matching import FIX_IT, Piece, add_piece, retargeted, with_modifiers
from gouache.planner.phrases import CAST_WORDS, Draft
from gouache.planner.plan import (
    EditPlan,
    PlanContext,
    PlannerQuestion,
    PlannerReply,
    PlanOutcome,
    Step,
)
from gouache.planner.reading import Reader
from gouache.planner.references import Problem
from gouache.planner.replies import Replies
from gouache.planner.vocabulary import FILLER
from gouache.usertext import check_instruction

# "a bit blue", "slightly yellow" after "too dark and": the colour is a cast to take out.
_BARE_CAST = re.compile(
    r"^(?P<much>(?:a bit|a little|slightly|somewhat|quite|very|kind of|rather|way|also|too)\s+)?"
    r"(?P<cast>" + "|".join(sorted(CAST_WORDS)) + r")(?:ish)?$"
)

# "looks good, add a vignette": praise, no request ("good" is no filler: "add good morning")
_PRAISE = re.compile(r"^(?:(?:it|that|this) )?(?:looks? |is |looking )?(?:good|great|nice)$")

# "now put it on white" (after "remove the background"): a new ground of that colour
_PUT_ON = re.compile(
    r"^(?:now |then |and )?(?:put|place|set|stick) (?:it|this|him|her|them|the (?:subject|cutout|"
    r"product|logo|object)) on (?:a |an )?(?:plain |solid |pure |flat )?(?P<colour>[a-z]+)"
    r"(?: (?:bg|background|backdrop|ground))?$"
)


class RulePlanner:
    """Maps instructions to operator steps with keyword and phrase rules; no network, no model."""

    name = "rules"

    def __init__(self, operators: OperatorRegistry | None = None) -> None:
        self.operators = operators if operators is not None else default_operators()
        self._lexicon = Lexicon(self.operators)
        self._reader = Reader(self.operators, self._lexicon)
        self._speller = spelling.Speller(
            self._lexicon.vocabulary,
            self._lexicon.known,
            reads=lambda text, quotes, refs: (
                self._reader.read(text, quotes, None, refs) is not None
            ),
            plans=lambda text: isinstance(self._plan(text, None, {}), EditPlan),
        )
        self._replies = Replies(
            self.operators,
            self._lexicon,
            self._speller,
            plans=lambda text, context: self._plan(text, context, {}),
        )

    def plan(self, instruction: str, context: PlanContext | None = None) -> PlanOutcome:
        # valid UTF-8, no NUL, at most MAX_INSTRUCTION_CHARS: reading stays linear and short
        check_instruction(instruction)
        if context is not None:
            # one plan looks at the picture once, however many suggestions it checks
            context = replace(
                context,
                faces=functools.cache(context.faces),
                text=functools.cache(context.text),
                region=functools.cache(context.region),
                bars=functools.cache(context.bars) if context.bars is not None else None,
                warmth=functools.cache(context.warmth) if context.warmth is not None else None,
            )
        answered = answers.answer(instruction, context, self.operators)
        if answered is not None:
            return answered
        if context is not None and context.pending is not None:
            outcome = self._answer(instruction, context, context.pending)
            if outcome is not None:
                return outcome
        asked = formats.ask(instruction, context)
        if asked is not None:  # "make it instagram ready": which shape?
            return asked
        # "highlight the chart": a mark, a brighter part or the rest cut away? not guessed
        emphasised = emphasis.ask(instruction, lambda offer: self._plan(offer, context, {}))
        if emphasised is not None:
            return emphasised
        outcome = self._planned(instruction, context)
        if isinstance(outcome, PlannerReply) and outcome.correction:
            # "mak it brigter": asked, never corrected silently; "yes" applies the reading
            reading = self._planned(outcome.correction, context)
            if isinstance(reading, EditPlan | PlannerQuestion):
                return spelling.question(instruction, outcome.message, outcome.correction)
            if not reading.message.startswith("I did not understand"):
                # "blurr the faces" on a cup: the reading, and why it cannot be done here
                outcome = outcome.model_copy(
                    update={"message": f"{outcome.message} {reading.message}", "correction": ""}
                )
        elif (
            isinstance(outcome, PlannerReply)
            and spelling.is_yes(instruction)
            and outcome.message.startswith("I did not understand")
        ):
            outcome = outcome.model_copy(
                update={
                    "message": "There is no question waiting for a yes: tell me what to change."
                }
            )
        if isinstance(outcome, PlannerReply) and context is not None:
            return self._replies.relevant(outcome, context)
        return outcome

    def _planned(self, instruction: str, context: PlanContext | None) -> PlanOutcome:
        outcome = self._plan(instruction, context, {})
        quoted = unquoted.quote(instruction, context.text if context is not None else None)
        if quoted is not None and not isinstance(outcome, EditPlan):
            # "add a caption that says Hello": the text, put in quotes, planned as usual
            retried = self._plan(quoted, context, {})
            if isinstance(retried, EditPlan):
                return retried.model_copy(update={"instruction": instruction})
            if isinstance(retried, PlannerReply):
                outcome = retried
        written = unquoted.maybe_text(instruction) if isinstance(outcome, PlannerReply) else None
        phrase = words(normalise(written.split('"')[1])) if written is not None else []
        if (
            written is not None
            and not any(
                w in self._lexicon.known for w in phrase
            )  # "image 2 as an inset" is no text
            and isinstance(self._plan(written, context, {}), EditPlan)
        ):
            # "add good morning at the top": words to write, maybe; asked, never guessed
            said = f'I read "{instruction}" as words to write: did you mean {written}?'
            return spelling.question(instruction, said, written)
        return outcome

    def _plan(
        self, instruction: str, context: PlanContext | None, choices: Mapping[str, Any]
    ) -> PlanOutcome:
        refs = context.references if context is not None else ()
        prepared = prepare(instruction)
        pieces: list[Piece] = []
        missing: list[RawClause] = []
        previous: Draft | None = None
        previous_text = ""
        complained = False  # a clause said "too ...": "and a bit blue" is a cast, too
        kept = self._whole(instruction)
        if kept is not None:  # "black and white but keep her in colour": one edit
            pieces.append(Piece(kept, instruction))
        clauses = with_modifiers(prepared.clauses) if kept is None else []
        # "make the paper whiter, its yellowish": the state is why, not a second edit
        why = reasons.reasons(
            [raw.text for raw in clauses],
            lambda text: self._op_of(text, prepared.quotes, refs),
        )
        for index, raw in enumerate(clauses):
            if index in why:
                continue
            if all(w in FILLER for w in words(raw.text)) or _PRAISE.match(raw.text.strip(" .!")):
                continue  # "please", "thanks", "looks good"
            if len(prepared.clauses) > 1 and FIX_IT.match(raw.text.strip(" .!")):
                continue  # "the image is too dark, fix it": the problem says the edit
            if previous is not None and previous.op == ink.OP and ink.says_again(raw.text):
                continue  # "the text is too faint, make it darker": "it" is the text
            text = reasons.stated_cast(raw.text) or raw.text
            put = _PUT_ON.match(text)
            if put is not None and colors(put.group("colour")):
                text = f"replace the background with {put.group('colour')}"
            if complained and _BARE_CAST.match(text):
                text = _BARE_CAST.sub(r"\g<much>too \g<cast>", text)  # "too dark and a bit blue"
            complained = complained or has(raw.text, "too")
            if previous is not None:
                text = regional.continued(text, previous)  # "the sky darker and bluer"
                text = retargeted(text, previous_text)  # "brighten her eyes and her face"
            drafts = self._reader.read(text, prepared.quotes, previous, refs)
            if drafts is None:
                missing.append(raw)
            for draft in drafts or ():
                add_piece(pieces, Piece(draft, raw.original))
            previous = drafts[-1] if drafts else None
            previous_text = text
        if not pieces and not missing:
            return self._replies.ask(instruction)
        grounding = Grounding(instruction, context, self.operators, choices)
        steps: list[Step] = []
        notes: list[str] = []
        invalid: list[tuple[Piece, InvalidParameterError]] = []
        problems: list[Problem] = []
        questions: list[PlannerQuestion] = []
        for piece in pieces:
            if piece.draft.problem is not None:
                error = InvalidParameterError(piece.draft.problem, op=piece.draft.op)
                invalid.append((piece, error))
                continue
            grounded = grounding.ground(piece.draft)
            if isinstance(grounded, Problem):
                problems.append(grounded)
            elif isinstance(grounded, PlannerQuestion):
                questions.append(grounded)
            else:
                try:
                    steps.append(self._step(grounded))
                except InvalidParameterError as err:
                    invalid.append((piece, err))
                notes += [grounded.note] if grounded.note else []
        if missing or invalid:
            return self._replies.reply(instruction, missing, invalid, steps, prepared.quotes, refs)
        if problems:
            message = " ".join(_sentence(p.message) for p in dict.fromkeys(problems))
            # an edit the reason offers ('"make it 16:9 without cropping" extends ...') first
            offered = re.findall(r'"([^"]{4,60})" (?:extends|keeps|crops|does)', message)
            offered += [offer for p in problems for offer in p.offers]
            return PlannerReply(
                instruction=instruction,
                message=message,
                understood=tuple(step.label for step in steps),
                suggestions=tuple(
                    dict.fromkeys([*offered, *self._replies.closest(instruction, count=8)])
                ),
            )
        if questions:
            return questions[0]
        notes += [f'"{clauses[i].original}" read as the reason for the edit' for i in sorted(why)]
        return EditPlan(
            instruction=instruction, steps=tuple(steps), planner=self.name, notes=tuple(notes)
        )

    def _op_of(self, text: str, quotes: tuple[str, ...], refs: tuple[str, ...]) -> str | None:
        """The operator a clause reads as on its own, or None (no edit, or only "fix it")."""
        if all(w in FILLER for w in words(text)) or FIX_IT.match(text.strip(" .!")):
            return None
        drafts = self._reader.read(text, quotes, None, refs)
        return drafts[0].op if drafts else None

    def _whole(self, instruction: str) -> Draft | None:
        """One edit read from the whole instruction, across what would split it: "black and
        white but keep her in colour", "make it square but don't crop anything"."""
        readers = (
            regional.whole,
            framing.whole,
            framing.centred,
            redaction.whole,
            plural.whole,
            bars.whole,
            binarize.whole,
        )
        for reader in readers:
            draft = reader(instruction)
            if draft is not None and draft.op in self.operators:
                return draft
        return None

    def _step(self, draft: Draft) -> Step:
        """The validated, labelled step; raises InvalidParameterError."""
        model = self.operators.validate(Step(op=draft.op, params=draft.params))
        return Step(op=draft.op, params=draft.params, label=describe(draft.op, model.model_dump()))

    # -- answers to a question asked last turn ----------------------------------------------

    def _answer(
        self, instruction: str, context: PlanContext, pending: PlannerQuestion
    ) -> PlanOutcome | None:
        """The pending instruction completed by the option `instruction` picks; the question
        again when it tries to pick and fails; None when it is a new instruction."""
        choice: Any = None
        if pending.slot == formats.SLOT:
            picked = formats.read_answer(instruction, pending.options)
            if picked is None:
                return None
            planned = self._plan(picked, replace(context, pending=None), {})
            if isinstance(planned, EditPlan):
                said = f"{pending.instruction} ({picked})"
                return planned.model_copy(update={"instruction": said})
            return planned
        if pending.slot == spelling.SLOT:
            return self._spelt(instruction, context, pending)
        if pending.slot not in (targets.SLOT, IMAGE_SLOT):
            return None  # a question another planner asked
        if pending.slot == targets.SLOT:
            choice = targets.read_answer(instruction, pending.options)
        elif pending.slot == IMAGE_SLOT:
            numbers = [int(option.rpartition(" ")[2]) for option in pending.options]
            choice = references.read_answer(instruction, numbers, context.references)
        if choice is None:
            return pending if self._tries_to_answer(instruction, context) else None
        asked, choices = _earlier_choices(pending.instruction)
        choices[pending.slot] = choice
        outcome = self._plan(asked, replace(context, pending=None), choices)
        said = instruction.strip().rstrip(".!")
        if isinstance(outcome, EditPlan):
            return outcome.model_copy(update={"instruction": f"{pending.instruction} ({said})"})
        if isinstance(outcome, PlannerQuestion):
            # the next question carries this answer, so that answering it keeps both
            written = (
                targets.canonical(choice) if pending.slot == targets.SLOT else f"image {choice}"
            )
            return outcome.model_copy(update={"instruction": f"{pending.instruction} ({written})"})
        return outcome

    def _spelt(
        self, instruction: str, context: PlanContext, pending: PlannerQuestion
    ) -> PlanOutcome | None:
        """ "yes" to "did you mean ...?": the reading planned; "no": nothing; else None."""
        if spelling.is_no(instruction):
            return PlannerReply(
                instruction=instruction,
                message="OK, nothing changed. Tell me what to change in other words.",
                suggestions=tuple(self._replies.closest(pending.instruction)),
            )
        if not spelling.is_yes(instruction):
            return None
        outcome = self._planned(pending.options[0], replace(context, pending=None))
        if isinstance(outcome, PlannerReply):
            return self._replies.relevant(outcome, context)
        return outcome

    def _tries_to_answer(self, instruction: str, context: PlanContext) -> bool:
        """True when `instruction` names no edit: a failed pick ("the fourth one"), or words
        that are neither an edit nor a request for new content ("blue", "ok")."""
        if targets.is_answer_like(instruction):
            return True
        prepared = prepare(instruction)
        for raw in prepared.clauses:
            ws = words(raw.text)
            if self._lexicon.matches(ws) or needs_generation(raw.text, self._lexicon.known):
                return False
            if self._corrected(raw.text, prepared.quotes, context.references):
                return False
        return True

    def _corrected(self, text: str, quotes: tuple[str, ...], refs: tuple[str, ...]) -> str | None:
        """The clause with misspelt words replaced, when that reads as an edit."""
        fixes = self._speller.fixes(text, quotes, refs)
        return restore(spelling.corrected(text, fixes), quotes) if fixes else None


def _sentence(text: str) -> str:
    text = text[:1].upper() + text[1:]
    return text if text.endswith((".", "?", "!")) else text + "."


def _earlier_choices(instruction: str) -> tuple[str, dict[str, Any]]:
    """The instruction asked about, and the answers an earlier question wrote after it:
    "blur the face and ... (the left one)" -> "blur the face and ...", {"face": "left"}."""
    choices: dict[str, Any] = {}
    while (found := re.search(r"\s*\(([^()]*)\)\s*$", instruction)) is not None:
        inner = found.group(1)
        image = re.fullmatch(r"image (\d+)", inner)
        target = targets.from_canonical(inner)
        if image is not None:
            choices.setdefault(IMAGE_SLOT, int(image.group(1)))
        elif target is not None:
            choices.setdefault(targets.SLOT, target)
        else:
            break  # the user's own words
        instruction = instruction[: found.start()]
    return instruction, choices
