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
5. Every step is validated against the operator registry.

Nothing is guessed. A clause with no operator, one whose rule lacks something it needs (a
tint with no colour), one with a word the planner does not know ("make the sky bluer"), or one
that names a part of the picture ("brighten the left side": these operators edit the whole
picture) makes the whole answer a PlannerReply: what was not understood, what was, and the
closest edits that can be done; never a partial plan. A misspelling is never corrected
silently: "mak it brigter" gets a reply whose first suggestion is "make it brighter", which
the user can send back as it is.
"""

from __future__ import annotations

import difflib
import re
from dataclasses import dataclass, replace
from typing import Any

from PIL import ImageColor

from gouache.errors import InvalidParameterError
from gouache.ops.registry import OperatorRegistry, default_operators
from gouache.planner.clauses import (
    RawClause,
    Span,
    colors,
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
from gouache.planner.labels import describe
from gouache.planner.phrases import RULES, Clause, Draft
from gouache.planner.plan import EditPlan, PlannerReply, PlanOutcome, Step
from gouache.planner.vocabulary import (
    COMMON_COLORS,
    COMPANIONS,
    EXTRA_KEYWORDS,
    FILLER,
    INTENSITY,
    OPERATOR_WORDS,
    PARTS,
    PARTS_TAKEN,
    TINT_WORDS,
    VERBS,
    WEAK,
    known_words,
    refused,
)

# Words that lean toward the keyword after them when a clause is split in two.
_LEANING = frozenset(
    {"a", "an", "the", "some", "more", "less", "px", "pixels", "percent", "%"}
    | {w for phrase, _ in INTENSITY for w in phrase.split()}
)
_TEXT_VERBS = ("add", "put", "write", "say", "saying", "reads", "reading", "caption", "text")
_FIRST_EXAMPLES = ("brightness", "crop", "warmth", "caption")


@dataclass(frozen=True)
class Keyword:
    op: str
    words: tuple[str, ...]
    strong: bool
    verb: bool


@dataclass(frozen=True)
class Match:
    keyword: Keyword
    start: int  # token index
    end: int
    # A pattern rather than a word ("2 stops", "4:5"): decides over words.
    signal: bool = False

    @property
    def op(self) -> str:
        return self.keyword.op


@dataclass(frozen=True)
class Piece:
    draft: Draft
    clause: str  # as the user wrote it


class RulePlanner:
    """Maps instructions to operator steps with keyword and phrase rules; no network, no model."""

    name = "rules"

    def __init__(self, operators: OperatorRegistry | None = None) -> None:
        self.operators = operators if operators is not None else default_operators()
        self._keywords: list[Keyword] = []
        for op in self.operators.all():
            extra = EXTRA_KEYWORDS.get(op.name, ()) + (
                tuple(TINT_WORDS) if op.name == "tint" else ()
            )
            for phrase in dict.fromkeys((*op.keywords, *extra)):
                text = normalise(protect(phrase))
                ws = tuple(words(text))
                if ws:
                    verb = len(ws) == 1 and ws[0] in VERBS
                    self._keywords.append(Keyword(op.name, ws, text not in WEAK, verb))
        self._op_words = {
            op.name: {w for k in self._keywords if k.op == op.name for w in k.words}
            for op in self.operators.all()
        }
        self._known = known_words() | {w for k in self._keywords for w in k.words}
        # What a misspelt word may be corrected to.
        everything = self._known | COMMON_COLORS | {w for ws in OPERATOR_WORDS.values() for w in ws}
        self._vocabulary = sorted(w for w in everything if len(w) >= 3 and w.isalpha())

    def plan(self, instruction: str) -> PlanOutcome:
        prepared = prepare(instruction)
        pieces: list[Piece] = []
        missing: list[RawClause] = []
        previous: Draft | None = None
        for raw in prepared.clauses:
            if all(w in FILLER for w in words(raw.text)):
                continue  # "please", "thanks"
            drafts = self._read(raw.text, prepared.quotes, previous)
            if drafts is None:
                missing.append(raw)
            for draft in drafts or ():
                _add(pieces, Piece(draft, raw.original))
            previous = drafts[-1] if drafts else None
        if not pieces and not missing:
            return self._ask(instruction)
        steps: list[Step] = []
        invalid: list[tuple[Piece, InvalidParameterError]] = []
        for piece in pieces:
            try:
                steps.append(self._step(piece.draft))
            except InvalidParameterError as err:
                invalid.append((piece, err))
        if missing or invalid:
            return self._reply(instruction, missing, invalid, steps, prepared.quotes)
        return EditPlan(instruction=instruction, steps=tuple(steps), planner=self.name)

    def _step(self, draft: Draft) -> Step:
        """The validated, labelled step; raises InvalidParameterError."""
        model = self.operators.validate(Step(op=draft.op, params=draft.params))
        return Step(op=draft.op, params=draft.params, label=describe(draft.op, model.model_dump()))

    # -- reading one clause ------------------------------------------------------------------

    def _read(
        self, text: str, quotes: tuple[str, ...], previous: Draft | None
    ) -> list[Draft] | None:
        """The drafts one clause asks for, or None when it cannot be read whole."""
        # A last "too" means "as well" ("add a vignette too"), not "too dark".
        text = re.sub(r"\s*\b(?:too|as well)$", "", text)
        if refused(text):
            return None
        toks = tokens(text)
        ws = [t.text for t in toks]
        matches = self._matches(ws)
        if not matches:
            # "crop 10% off the left and 5% off the top": the second clause has only numbers.
            if previous is None or not has_digit(text) or previous.op not in self._op_words:
                return None
            draft = self._apply(previous.op, "", text, quotes, previous)
            return [replace(draft, continued=True)] if draft else None
        strong = sorted((m for m in matches if m.keyword.strong), key=lambda m: m.start)
        ops = list(dict.fromkeys(m.op for m in strong))
        # "a warm orange tint" is one tint; "warmer with an orange tint" is two edits.
        companions = len(ops) == 2 and _companions(ops[0], ops[1])
        if len(ops) > 1 and not (companions and "with" not in ws):
            second = next(m for m in strong if m.op == ops[1])
            first_end = next(m for m in strong if m.op == ops[0]).end
            cut = _cut(ws, second.start, self._op_words[ops[1]])
            at = toks[min(max(cut, first_end), second.start)].span.start
            head = self._read(text[:at], quotes, previous)
            tail = self._read(text[at:], quotes, head[-1] if head else None)
            if head and tail:
                return head + tail
            if not companions:
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
        draft = self._apply(best.op, " ".join(best.keyword.words), text, quotes, previous, span)
        return [draft] if draft else None

    def _apply(
        self,
        op: str,
        keyword: str,
        text: str,
        quotes: tuple[str, ...],
        previous: Draft | None,
        span: Span | None = None,
    ) -> Draft | None:
        """Read `text` with the phrase rule of `op`; `span` is where its keyword stands."""
        found = colors(text)
        colorless = without(text, [c.span for c in found])
        allowed = self._known | OPERATOR_WORDS.get(op, frozenset())
        if any(w not in allowed and _is_word(w) for w in words(colorless)):
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
        )
        rule = RULES.get(op)
        # An operator from another registry: its parameters' defaults, if it has them.
        return rule(clause) if rule else Draft(op)

    def _matches(self, ws: list[str]) -> list[Match]:
        found: list[Match] = []
        for keyword in self._keywords:
            n = len(keyword.words)
            found += [
                Match(keyword, i, i + n)
                for i in range(len(ws) - n + 1)
                if tuple(ws[i : i + n]) == keyword.words
            ]
        text_verb = any(w in _TEXT_VERBS for w in ws)
        for i, w in enumerate(ws):
            signal = self._signal(w, ws[i - 1] if i else "", text_verb)
            if signal is not None:
                found.append(Match(signal, i, i + 1, signal=True))
        return [
            m
            for m in found
            if not any(
                o.start <= m.start and m.end <= o.end and o.end - o.start > m.end - m.start
                for o in found
            )
        ]

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
        return Keyword(op, (word,), strong, False) if op in self._op_words else None

    # -- replies -----------------------------------------------------------------------------

    def _reply(
        self,
        instruction: str,
        missing: list[RawClause],
        invalid: list[tuple[Piece, InvalidParameterError]],
        steps: list[Step],
        quotes: tuple[str, ...],
    ) -> PlannerReply:
        parts: list[str] = []
        suggestions: list[str] = []
        if missing:
            parts.append("I did not understand " + " or ".join(map(self._quoted, missing)) + ".")
            fixed = self._corrected(missing[0].text, quotes)
            if fixed:
                parts.append(f'Did you mean "{fixed}"?')
                suggestions.append(fixed)
            suggestions += self._closest(missing[0].text)
        for piece, err in invalid:
            parts.append(f'I understood "{piece.clause}" but cannot do it: {err.message}.')
            suggestions += self.operators.get(piece.draft.op).examples
        return PlannerReply(
            instruction=instruction,
            message=" ".join(parts),
            understood=tuple(s.label for s in steps),
            suggestions=tuple(dict.fromkeys(suggestions))[:5],
        )

    def _quoted(self, raw: RawClause) -> str:
        """The clause in quotes, and the words in it we do not know."""
        colorless = without(raw.text, [c.span for c in colors(raw.text)])
        unknown = [w for w in words(colorless) if _is_word(w) and w not in self._known]
        note = " (I do not know " + ", ".join(f'"{w}"' for w in unknown) + ")" if unknown else ""
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

    def _corrected(self, text: str, quotes: tuple[str, ...]) -> str | None:
        """The clause with misspelt words replaced, when that reads as an edit."""
        fixed = text
        for token in reversed(tokens(text)):
            word = token.text
            if not _is_word(word) or word in self._known or len(word) < 3:
                continue
            close = difflib.get_close_matches(word, self._vocabulary, n=1, cutoff=0.8)
            if close:
                fixed = fixed[: token.span.start] + close[0] + fixed[token.span.end :]
        if fixed == text or self._read(fixed, quotes, None) is None:
            return None
        return restore(fixed, quotes)

    def _closest(self, text: str) -> list[str]:
        """Examples of the operators nearest to `text`: shared keywords, then string likeness."""
        content = [w for w in words(text) if _is_word(w) and w not in FILLER]
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
        return [example for _, example in scored[:4]]


_SIGNED = frozenset({"brightness", "contrast", "saturation", "warmth", "exposure"})


def _is_word(token: str) -> bool:
    return token.replace("'", "").isalpha()


def _companions(a: str, b: str) -> bool:
    return (a, b) in COMPANIONS or (b, a) in COMPANIONS


def _cut(ws: list[str], start: int, own: set[str]) -> int:
    """Where to split a clause before the keyword at `start`, taking its leading words along."""
    cut = start
    while cut > 0:
        word = ws[cut - 1]
        if word == "with":
            return cut - 1
        leans = word in _LEANING or word in own or word in ImageColor.colormap
        if not (leans or re.fullmatch(r"[+-]?[\d.]+(?:%|px)?", word)):
            break
        cut -= 1
    return cut


def _add(pieces: list[Piece], piece: Piece) -> None:
    """Append a step, folding "... and 5% off the top" into the crop before it, and "600 tall"
    into the "800 wide" before it."""
    last = pieces[-1] if pieces else None
    draft = piece.draft
    if (
        last is not None
        and last.draft.op == draft.op
        and not set(last.draft.params) & set(draft.params)
        and (draft.continued or {*last.draft.params, *draft.params} == {"width", "height"})
    ):
        params: dict[str, Any] = {**last.draft.params, **draft.params}
        merged = replace(last.draft, params=params)
        pieces[-1] = Piece(merged, f"{last.clause}, {piece.clause}")
        return
    pieces.append(piece)
