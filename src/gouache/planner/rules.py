"""The offline planner: an instruction in plain words -> an EditPlan of validated steps.

How an instruction is read:

1. Quoted text is set aside, so "and" or a comma inside a caption never splits it.
2. The rest is split into clauses at commas, semicolons, "and", "then", "but".
3. In each clause the operator is the keyword that names it (the operators' own `keywords`
   plus `vocabulary.EXTRA_KEYWORDS`): a longer phrase beats a shorter one, a strong word a weak
   one ("grey border" is a border), a verb opening the clause beats the rest ("crop the
   borders"), and among equals the last one, the head noun, wins ("a warm orange tint").
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
picture) makes the whole answer a PlannerReply: what was not understood, what was, and the
closest edits that can be done; never a partial plan. A misspelling is never corrected
silently: "mak it brigter" gets a reply whose first suggestion is "make it brighter", which
the user can send back as it is. A request for new content ("add a hat", "colourise it")
gets a reply that names the generative backends that can do it (`generative.py`).
"""

from __future__ import annotations

import difflib
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
    compositing,
    formats,
    framing,
    ink,
    looks,
    plural,
    redaction,
    references,
    regional,
    regions,
    relevance,
    spelling,
    styles,
    targets,
    textsize,
    texture,
    unquoted,
    weather,
)
from gouache.planner.clauses import (
    RawClause,
    Span,
    colors,
    has,
    has_digit,
    is_placeholder,
    normalise,
    prepare,
    protect,
    restore,
    tokens,
    without,
    without_quotes,
    words,
)
from gouache.planner.generative import (
    GENERATIVE_BACKENDS,
    nearest_lighting,
    nearest_look,
    nearest_weather,
    needs_generation,
)
from gouache.planner.grounding import IMAGE_SLOT, Grounding
from gouache.planner.labels import describe
from gouache.planner.matching import (
    FIX_IT,
    Keyword,
    Match,
    Piece,
    add_piece,
    between_pair,
    companions,
    cut,
    inside,
    is_word,
    names_nothing,
    outermost,
    with_modifiers,
)
from gouache.planner.phrases import CAST_WORDS, Clause, Draft, Rule
from gouache.planner.phrases import RULES as BASIC_RULES
from gouache.planner.plan import (
    EditPlan,
    PlanContext,
    PlannerQuestion,
    PlannerReply,
    PlanOutcome,
    Step,
)
from gouache.planner.references import Mention, Problem
from gouache.planner.vocabulary import (
    ABSORBS,
    COMMON_COLORS,
    CONTINUED,
    EXTRA_KEYWORDS,
    FILLER,
    OPERATOR_WORDS,
    PARTS,
    PARTS_TAKEN,
    REPLACING,
    TARGETED,
    TINT_WORDS,
    USES_ALL_REFERENCES,
    VERBS,
    WEAK,
    known_words,
    refused,
)
from gouache.usertext import check_instruction

RULES: dict[str, Rule] = {
    **BASIC_RULES,
    **regions.RULES,
    **styles.RULES,
    **compositing.RULES,
    **looks.RULES,
    **texture.RULES,
}

# "a bit blue", "slightly yellow" after "too dark and": the colour is a cast to take out.
_BARE_CAST = re.compile(
    r"^(?P<much>(?:a bit|a little|slightly|somewhat|quite|very|kind of|rather|way|also|too)\s+)?"
    r"(?P<cast>" + "|".join(sorted(CAST_WORDS)) + r")(?:ish)?$"
)
_TEXT_VERBS = ("add", "put", "write", "say", "saying", "reads", "reading", "caption", "text",
               "insert", "place", "stamp", "print", "type")  # fmt: skip
_FIRST_EXAMPLES = ("brightness", "crop", "warmth", "caption")
# How many edits a refusal offers: related ones, or else the most useful on the picture.
OFFERED = 5
USEFUL = 3


class RulePlanner:
    """Maps instructions to operator steps with keyword and phrase rules; no network, no model."""

    name = "rules"

    def __init__(self, operators: OperatorRegistry | None = None) -> None:
        self.operators = operators if operators is not None else default_operators()
        names = set(self.operators.names())
        self._keywords: list[Keyword] = []
        for op in self.operators.all():
            extra = EXTRA_KEYWORDS.get(op.name, ()) + (
                tuple(TINT_WORDS) if op.name == "tint" else ()
            )
            for phrase in dict.fromkeys((*op.keywords, *extra)):
                text = normalise(protect(phrase))
                ws = tuple(words(text))
                # a declared "put the" names nothing, "4x" any scaling; "upscale" is the
                # upscale operator's, not resize's
                vague = phrase in op.keywords and names_nothing(ws)
                if not ws or vague or (text in names and text != op.name):
                    continue
                verb = len(ws) == 1 and ws[0] in VERBS
                self._keywords.append(Keyword(op.name, ws, text not in WEAK, verb))
        # every edit a refusal may offer in place of the one asked
        self._offers = [
            relevance.Offer(example, op.name)
            for op in self.operators.all()
            for example in op.examples
        ] + [
            relevance.Offer(text, op) for text, op in relevance.EXTRA_OFFERS if op in self.operators
        ]
        self._targeted = [entry for entry in TARGETED if entry[0] in self.operators]
        self._op_words = {
            op.name: {w for k in self._keywords if k.op == op.name for w in k.words}
            for op in self.operators.all()
        }
        for name, verbs, nouns in self._targeted:
            self._op_words[name] |= verbs | nouns
        self._known = known_words() | {w for ws in self._op_words.values() for w in ws}
        # What a misspelt word may be corrected to: words that stand alone, not the parts of
        # a phrase ("mark" of "brand mark" is no correction for "mak").
        alone = {k.words[0] for k in self._keywords if len(k.words) == 1}
        everything = (
            known_words()
            | alone
            | COMMON_COLORS
            | {w for ws in OPERATOR_WORDS.values() for w in ws}
        )
        self._vocabulary = sorted(w for w in everything if len(w) >= 3 and w.isalpha())
        # Keywords by their first word, so matching a clause is linear in its length.
        self._by_first: dict[str, list[tuple[int, Keyword]]] = {}
        for order, keyword in enumerate(self._keywords):
            self._by_first.setdefault(keyword.words[0], []).append((order, keyword))
        self._speller = spelling.Speller(
            self._vocabulary,
            self._known,
            reads=lambda text, quotes, refs: self._read(text, quotes, None, refs) is not None,
            plans=lambda text: isinstance(self._plan(text, None, {}), EditPlan),
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
            return self._relevant(outcome, context)
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
            and not any(w in self._known for w in phrase)  # "image 2 as an inset" is no text
            and isinstance(self._plan(written, context, {}), EditPlan)
        ):
            # "add good morning at the top": words to write, maybe; asked, never guessed
            said = f'I read "{instruction}" as words to write: did you mean {written}?'
            return spelling.question(instruction, said, written)
        return outcome

    def _relevant(self, reply: PlannerReply, context: PlanContext) -> PlannerReply:
        """The reply offering only edits that really apply to this picture and share the
        request's intent, the most relevant first (`relevance`); with none related, the few
        most useful on this picture. Each offer is planned against the picture, so one that
        would find no face, text or sky is dropped."""
        picture = relevance.Picture(context)
        # "did you mean ...?" and "the closest offline edit: ..." are named in the message
        named = [relevance.Offer(s) for s in reply.suggestions if f'"{s}"' in reply.message]
        ops = {offer.text: offer.op for offer in self._offers}
        pool = [relevance.Offer(s, ops.get(s)) for s in reply.suggestions] + self._offers
        related = relevance.ranked(reply.instruction, pool, picture)
        kept = self._applicable(named + related, context, picture, OFFERED)
        if len(kept) == len([o for o in named if o.text in kept]):
            kept += self._applicable(relevance.useful(picture), context, picture, USEFUL)
        return reply.model_copy(update={"suggestions": tuple(kept[:OFFERED])})

    def _applicable(
        self,
        offers: list[relevance.Offer],
        context: PlanContext,
        picture: relevance.Picture,
        count: int,
    ) -> list[str]:
        """The first `count` offers that plan on this picture and edit what it holds, one
        per operator (and region), so that five offers are five different edits."""
        kept: dict[str, tuple[tuple[str, Any, Any], ...]] = {}
        for offer in offers:
            if offer.text in kept:
                continue
            plan = self._plan(offer.text, context, {})
            steps = plan.steps if isinstance(plan, EditPlan) else ()
            # one edit: the operator, and for a regional one the region and its edit
            edit = tuple(
                (step.op, step.params.get("region"), step.params.get("edit")) for step in steps
            )
            ops = [step.op for step in steps]
            if edit and edit not in kept.values() and relevance.applies(offer.text, ops, picture):
                kept[offer.text] = edit
            if len(kept) == count:
                break
        return list(kept)

    def _plan(
        self, instruction: str, context: PlanContext | None, choices: Mapping[str, Any]
    ) -> PlanOutcome:
        refs = context.references if context is not None else ()
        prepared = prepare(instruction)
        pieces: list[Piece] = []
        missing: list[RawClause] = []
        previous: Draft | None = None
        complained = False  # a clause said "too ...": "and a bit blue" is a cast, too
        kept = self._whole(instruction)
        if kept is not None:  # "black and white but keep her in colour": one edit
            pieces.append(Piece(kept, instruction))
        for raw in with_modifiers(prepared.clauses) if kept is None else ():
            if all(w in FILLER for w in words(raw.text)):
                continue  # "please", "thanks"
            if len(prepared.clauses) > 1 and FIX_IT.match(raw.text.strip(" .!")):
                continue  # "the image is too dark, fix it": the problem says the edit
            if previous is not None and previous.op == ink.OP and ink.says_again(raw.text):
                continue  # "the text is too faint, make it darker": "it" is the text
            text = raw.text
            if complained and _BARE_CAST.match(text):
                text = _BARE_CAST.sub(r"\g<much>too \g<cast>", text)  # "too dark and a bit blue"
            complained = complained or has(raw.text, "too")
            if previous is not None:
                text = regional.continued(text, previous)  # "the sky darker and bluer"
            drafts = self._read(text, prepared.quotes, previous, refs)
            if drafts is None:
                missing.append(raw)
            for draft in drafts or ():
                add_piece(pieces, Piece(draft, raw.original))
            previous = drafts[-1] if drafts else None
        if not pieces and not missing:
            return self._ask(instruction)
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
            return self._reply(instruction, missing, invalid, steps, prepared.quotes, refs)
        if problems:
            message = " ".join(_sentence(p.message) for p in dict.fromkeys(problems))
            # an edit the reason offers ('"make it 16:9 without cropping" extends ...') first
            offered = re.findall(r'"([^"]{4,60})" (?:extends|keeps|crops|does)', message)
            return PlannerReply(
                instruction=instruction,
                message=message,
                understood=tuple(step.label for step in steps),
                suggestions=tuple(dict.fromkeys([*offered, *self._closest(instruction, count=8)])),
            )
        if questions:
            return questions[0]
        return EditPlan(
            instruction=instruction, steps=tuple(steps), planner=self.name, notes=tuple(notes)
        )

    def _whole(self, instruction: str) -> Draft | None:
        """One edit read from the whole instruction, across what would split it: "black and
        white but keep her in colour", "make it square but don't crop anything"."""
        readers = (regional.whole, framing.whole, redaction.whole, plural.whole, bars.whole)
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
                suggestions=tuple(self._closest(pending.instruction)),
            )
        if not spelling.is_yes(instruction):
            return None
        outcome = self._planned(pending.options[0], replace(context, pending=None))
        if isinstance(outcome, PlannerReply):
            return self._relevant(outcome, context)
        return outcome

    def _tries_to_answer(self, instruction: str, context: PlanContext) -> bool:
        """True when `instruction` names no edit: a failed pick ("the fourth one"), or words
        that are neither an edit nor a request for new content ("blue", "ok")."""
        if targets.is_answer_like(instruction):
            return True
        prepared = prepare(instruction)
        for raw in prepared.clauses:
            ws = words(raw.text)
            if self._matches(ws) or needs_generation(raw.text, self._known):
                return False
            if self._corrected(raw.text, prepared.quotes, context.references):
                return False
        return True

    # -- reading one clause ------------------------------------------------------------------

    def _read(
        self,
        text: str,
        quotes: tuple[str, ...],
        previous: Draft | None,
        refs: tuple[str, ...],
    ) -> list[Draft] | None:
        """The drafts one clause asks for, or None when it cannot be read whole."""
        # A last "too" means "as well" ("add a vignette too"), not "too dark".
        text = re.sub(r"\s*\b(?:too|as well)$", "", text)
        if refused(text):
            return None
        local = (
            regional.read(text)
            or framing.read(text)
            or redaction.read(text)
            or bars.read(text)
            or ink.read(text)
            or textsize.read(text, quotes)
            or looks.read(text)
            or weather.read(text)
        )
        if local is not None and local.op in self.operators:
            return [local]  # "warm up the sky", "straighten it", "zoom in on the cat"
        toks = tokens(text)
        ws = [t.text for t in toks]
        mentions = references.find_mentions(text, refs, self._known)
        # "use the colours of the logo": the words that name an image name no operator
        masked = ["" if inside(t.span, mentions) else t.text for t in toks]
        matches = self._matches(masked)
        if not any(m.keyword.strong for m in matches):
            matches = self._matches(ws) or matches  # "add the logo": the image names the edit
        if not matches:
            # "crop 10% off the left and 5% off the top": the second clause has only numbers
            return self._continue(text, quotes, previous, mentions, has_digit(text))
        strong = sorted((m for m in matches if m.keyword.strong), key=lambda m: m.start)
        ops = list(dict.fromkeys(m.op for m in strong))
        # "a warm orange tint" is one tint; "warmer with an orange tint" is two edits.
        paired = len(ops) == 2 and companions(ops[0], ops[1])
        if len(ops) > 1 and not (paired and "with" not in ws):
            second = next(m for m in strong if m.op == ops[1])
            first_end = next(m for m in strong if m.op == ops[0]).end
            split = cut(ws, second.start, self._op_words[ops[1]])
            at = toks[min(max(split, first_end), second.start)].span.start
            head = self._read(text[:at], quotes, previous, refs) if at > 0 else None
            tail = self._read(text[at:], quotes, head[-1] if head else None, refs) if head else None
            if head and tail:
                return head + tail
            if not paired:
                return None
        lead = next((i for i, w in enumerate(ws) if w not in FILLER), -1)
        best = max(
            matches,
            key=lambda m: (
                m.keyword.strong,
                m.signal,
                m.keyword.verb and m.start == lead,
                m.end - m.start,
                m.start,
            ),
        )
        span = Span(toks[best.start].span.start, toks[best.end - 1].span.end)
        keyword = " ".join(best.keyword.words)
        draft = self._apply(best.op, keyword, text, quotes, previous, mentions, span)
        if draft is None:
            # "put image 2 as an inset, without a border": not a border, more of the inset
            return self._continue(text, quotes, previous, mentions, False)
        return [draft]

    def _continue(
        self,
        text: str,
        quotes: tuple[str, ...],
        previous: Draft | None,
        mentions: list[Mention],
        numbers: bool,
    ) -> list[Draft] | None:
        """`text` read as more parameters of the clause before: numbers for any operator
        (`numbers`), or any words for those in CONTINUED ("..., small")."""
        if previous is None or previous.op not in self._op_words:
            return None
        if not numbers and previous.op not in CONTINUED:
            return None
        draft = self._apply(previous.op, "", text, quotes, previous, mentions)
        return [replace(draft, continued=True)] if draft else None

    def _apply(
        self,
        op: str,
        keyword: str,
        text: str,
        quotes: tuple[str, ...],
        previous: Draft | None,
        mentions: list[Mention],
        span: Span | None = None,
    ) -> Draft | None:
        """Read `text` with the phrase rule of `op`; `span` is where its keyword stands."""
        found = [c for c in colors(text) if not inside(c.span, mentions)]
        colorless = without(text, [c.span for c in found] + [m.span for m in mentions])
        allowed = self._known | OPERATOR_WORDS.get(op, frozenset())
        if any(w not in allowed and is_word(w) for w in words(colorless)):
            return None  # a word we do not know: maybe a subject we cannot edit alone
        parts = PARTS - PARTS_TAKEN.get(op, frozenset())
        if any(w in parts for w in words(without(colorless, [span] if span else []))):
            return None  # "brighten the left side": a local edit
        clause = Clause(
            text=text,
            rest=without(text, [span]) if span else text,
            plain=without_quotes(colorless),
            keyword=keyword,
            quotes=quotes,
            colors=tuple(found),
            inherited=previous.direction if previous and previous.op in _SIGNED else None,
            mentions=tuple(mentions),
        )
        rule = RULES.get(op)
        # An operator from another registry: its parameters' defaults, if it has them.
        draft = rule(clause) if rule else Draft(op)
        if draft is None or draft.op not in self.operators:
            return None
        if mentions:
            # an image named where the operator takes none ("make image 2 brighter": only
            # image 1 is edited), or two named where it takes one
            collage = draft.op in USES_ALL_REFERENCES
            takes = "reference" in self.operators.get(draft.op).params.model_fields
            if not collage and not takes:
                named = mentions[0].describe()
                return Draft(
                    draft.op, problem=f"only the picture being edited changes, not {named}"
                )
            if not collage and len(mentions) > 1:
                return None
            if draft.reference is None:
                draft = replace(draft, reference=mentions[0])
        return draft

    def _matches(self, ws: list[str]) -> list[Match]:
        hits: list[tuple[int, int, Match]] = []  # in keyword order, then by place
        for i, word in enumerate(ws):
            for order, keyword in self._by_first.get(word, ()):
                n = len(keyword.words)
                if tuple(ws[i : i + n]) == keyword.words:
                    hits.append((order, i, Match(keyword, i, i + n)))
        hits.sort(key=lambda hit: hit[:2])
        found = [match for _, _, match in hits]
        found += self._pairs(ws, found)
        text_verb = any(w in _TEXT_VERBS for w in ws)
        # 'change "SALE" to "SOLD"': two quoted texts and a verb that swaps them
        replacing: int | None = None
        if "replace_text" in self._op_words and sum(map(is_placeholder, ws)) >= 2:
            replacing = next((i for i, w in enumerate(ws) if w in REPLACING), None)
        if replacing is not None:
            keyword = Keyword("replace_text", (ws[replacing],), True, True)
            found.append(Match(keyword, replacing, replacing + 1, signal=True))
        for i, w in enumerate(ws):
            signal = self._signal(w, ws[i - 1] if i else "", text_verb)
            if signal is not None and not (replacing is not None and signal.op == "caption"):
                found.append(Match(signal, i, i + 1, signal=True))
        found = outermost(found)
        # "smart crop to square" is one smart crop, "restore this old photo" one restore
        named = {m.op for m in found if m.keyword.strong}
        return [m for m in found if not any(m.op in ABSORBS.get(op, ()) for op in named)]

    def _pairs(self, ws: list[str], declared: list[Match]) -> list[Match]:
        """Verb ... noun matches ("blur the largest face"), unless a keyword says it already."""
        found: list[Match] = []
        for op, verbs, nouns in self._targeted:
            for i, verb in enumerate(ws):
                if verb not in verbs:
                    continue
                j = i + 1
                while j < len(ws) and ws[j] not in nouns and between_pair(ws[j]):
                    j += 1
                if j < len(ws) and ws[j] in nouns:
                    if not any(o.start <= i and j + 1 <= o.end for o in declared):
                        found.append(Match(Keyword(op, tuple(ws[i : j + 1]), True, True), i, j + 1))
                    break
        return found

    def _signal(self, word: str, before: str, text_verb: bool) -> Keyword | None:
        op, strong = "", True
        if re.fullmatch(r"\d+(?:\.\d+)?:\d+(?:\.\d+)?", word):
            op = "crop"  # "16:9"
        elif word in ("stop", "stops", "ev") and re.fullmatch(r"[+-]?[\d.]+", before):
            op = "exposure"  # "brighten by 1 stop"
        elif is_placeholder(word) and text_verb:
            op = "caption"  # 'add "Hello"'
        elif re.fullmatch(r"\d+x\d+", word):
            op, strong = "resize", False  # "800x600"
        elif word.endswith("°"):
            op, strong = "rotate", False
        elif before in ("less", "too", "much", "more") and (
            word in CAST_WORDS or word in TINT_WORDS
        ):
            op = "tint"  # "less yellow", "too blue": a colour cast, turned round by the rule
        return Keyword(op, (word,), strong, False) if op in self._op_words else None

    # -- replies -----------------------------------------------------------------------------

    def _reply(
        self,
        instruction: str,
        missing: list[RawClause],
        invalid: list[tuple[Piece, InvalidParameterError]],
        steps: list[Step],
        quotes: tuple[str, ...],
        refs: tuple[str, ...],
    ) -> PlannerReply:
        parts: list[str] = []
        suggestions: list[str] = []
        fixes = {raw: self._speller.fixes(raw.text, quotes, refs) for raw in missing}
        new_content = [
            raw
            for raw in missing
            if nearest_look(raw.text)
            or (not fixes[raw] and needs_generation(raw.text, self._known))
        ]
        unknown = [raw for raw in missing if raw not in new_content]
        correction = ""
        if unknown:
            parts.append("I did not understand " + " or ".join(map(self._quoted, unknown)) + ".")
            # the whole instruction corrected, which "yes" to the question will plan
            words_fixed = {k: v for raw in unknown for k, v in (fixes[raw] or {}).items()}
            if all(fixes[raw] for raw in unknown) and not new_content and not invalid:
                correction = spelling.corrected(instruction, words_fixed)
            elif not new_content and not invalid:
                correction = self._speller.whole_fix(instruction) or ""
            first = fixes[unknown[0]]
            fixed = correction or (
                restore(spelling.corrected(unknown[0].text, first), quotes)
                if first
                else self._speller.whole_fix(instruction)
            )
            if fixed:
                parts.append(f'Did you mean "{fixed}"?')
                suggestions.append(fixed)
        if new_content:
            asked = " and ".join(f'"{raw.original}"' for raw in new_content)
            looks = [look for raw in new_content if (look := nearest_look(raw.text))]
            relit = all(nearest_lighting(raw.text) for raw in new_content)
            what = "an artist's style" if len(looks) == len(new_content) else "new content"
            what = "new light (a relit scene)" if relit else what
            parts.append(
                f"{asked} {'needs' if len(new_content) == 1 else 'need'} {what}, "
                f"which the offline editor cannot {'make' if relit else 'draw'}: "
                f"{GENERATIVE_BACKENDS}."
            )
            closest = looks or [
                w
                for raw in new_content
                if (w := nearest_weather(raw.text) or nearest_lighting(raw.text))
            ]
            # "like a Van Gogh": an oil painting; "snow on the roofs": falling snow; "softer
            # lighting": lifted shadows
            if closest:
                parts.append(f'The closest offline edit: "{closest[0]}".')
                suggestions += closest
        if missing:
            suggestions += self._closest((unknown or new_content)[0].text, count=8)
        for piece, err in invalid:
            parts.append(f'I understood "{piece.clause}" but cannot do it: {err.message}.')
            # the edits the reason names ("'blur the background' keeps the cat sharp") first
            suggestions += re.findall(r"(?<!\w)'([^']{4,60})'(?!\w)", err.message)
            suggestions += self.operators.get(piece.draft.op).examples
        return PlannerReply(
            instruction=instruction,
            message=" ".join(parts),
            understood=tuple(s.label for s in steps),
            suggestions=tuple(dict.fromkeys(suggestions))[:5],
            correction=correction,
        )

    def _quoted(self, raw: RawClause) -> str:
        """The clause in quotes, and the words in it we do not know."""
        colorless = without(raw.text, [c.span for c in colors(raw.text)])
        unknown = list(
            dict.fromkeys(w for w in words(colorless) if is_word(w) and w not in self._known)
        )
        most = spelling.MAX_MISSPELT
        named = ", ".join(f'"{w}"' for w in unknown[:most])
        more = f" and {len(unknown) - most} more" if len(unknown) > most else ""
        note = f" (I do not know {named}{more})" if unknown else ""
        return f'"{raw.original}"{note}'

    def _ask(self, instruction: str) -> PlannerReply:
        examples = [
            self.operators.get(name).examples[0]
            for name in _FIRST_EXAMPLES
            if name in self.operators and self.operators.get(name).examples
        ]
        examples = examples or [op.examples[0] for op in self.operators.all() if op.examples][:4]
        hint = f', for example "{examples[0]}"' if examples else ""
        return PlannerReply(
            instruction=instruction,
            message=f"Tell me what to change{hint}.",
            suggestions=tuple(examples),
        )

    def _corrected(self, text: str, quotes: tuple[str, ...], refs: tuple[str, ...]) -> str | None:
        """The clause with misspelt words replaced, when that reads as an edit."""
        fixes = self._speller.fixes(text, quotes, refs)
        return restore(spelling.corrected(text, fixes), quotes) if fixes else None

    def _closest(self, text: str, count: int = 4) -> list[str]:
        """Examples of the operators nearest to `text`: shared keywords, then string likeness.

        Only the start of a long clause is compared, so a reply costs the same at any length.
        """
        text = text[:LIKENESS_CHARS]
        content = [w for w in words(text) if is_word(w) and w not in FILLER]
        scored: list[tuple[float, str]] = []
        for op in self.operators.all():
            vocabulary = sorted(self._op_words[op.name])
            hits = sum(
                1
                for w in content
                if w in self._op_words[op.name]
                or (len(w) >= 5 and difflib.get_close_matches(w, vocabulary, n=1, cutoff=0.8))
            )
            for example in op.examples:
                likeness = difflib.SequenceMatcher(None, text, example.lower()).ratio()
                scored.append((hits + likeness, example))
        scored.sort(key=lambda item: -item[0])
        return [example for _, example in scored[:count]]


# How much of an unknown clause is compared with the operators' examples.
LIKENESS_CHARS = 200

_SIGNED = frozenset({"brightness", "contrast", "saturation", "warmth", "exposure"})


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
