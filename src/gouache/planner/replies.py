"""The planner's replies when it cannot plan: what was not understood, what was, and the
closest edits that can be done.

A clause with no operator gets "I did not understand ..." and, when respelling makes it an
edit, "Did you mean ...?"; a request for new content names the generative backends
(`generative.py`) and the closest offline edit; an edit that cannot be done here says why.
With the picture at hand (`relevant`), only offers that plan on it and share the request's
intent are kept (`relevance.py`).
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Callable
from typing import Any

from gouache.errors import InvalidParameterError
from gouache.ops.registry import OperatorRegistry
from gouache.planner import relevance, spelling
from gouache.planner.clauses import RawClause, colors, restore, without, words
from gouache.planner.generative import (
    GENERATIVE_BACKENDS,
    nearest_layout,
    nearest_lighting,
    nearest_look,
    nearest_retouch,
    nearest_weather,
    needs_generation,
)
from gouache.planner.lexicon import Lexicon
from gouache.planner.matching import Piece, is_word
from gouache.planner.plan import EditPlan, PlanContext, PlannerReply, PlanOutcome, Step
from gouache.planner.vocabulary import FILLER

_FIRST_EXAMPLES = ("brightness", "crop", "warmth", "caption")
# How many edits a refusal offers: related ones, or else the most useful on the picture.
OFFERED = 5
USEFUL = 3
# How much of an unknown clause is compared with the operators' examples.
LIKENESS_CHARS = 200


class Replies:
    """Writes the replies of a planner; `plans(text, context)` is the planner's own plan."""

    def __init__(
        self,
        operators: OperatorRegistry,
        lexicon: Lexicon,
        speller: spelling.Speller,
        plans: Callable[[str, PlanContext | None], PlanOutcome],
    ) -> None:
        self.operators = operators
        self._lexicon = lexicon
        self._speller = speller
        self._plans = plans
        # every edit a refusal may offer in place of the one asked
        self._offers = [
            relevance.Offer(example, op.name)
            for op in self.operators.all()
            for example in op.examples
        ] + [
            relevance.Offer(text, op) for text, op in relevance.EXTRA_OFFERS if op in self.operators
        ]

    def relevant(self, reply: PlannerReply, context: PlanContext) -> PlannerReply:
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
            useful = self._applicable(relevance.useful(picture), context, picture, USEFUL)
            kept += [text for text in useful if text not in kept]  # "make it pop" once
        message = reply.message
        for offer in named:  # "smooth the skin" named for a coffee cup: not said either
            if offer.text not in kept:
                message = message.replace(f' The closest offline edit: "{offer.text}".', "")
        return reply.model_copy(update={"suggestions": tuple(kept[:OFFERED]), "message": message})

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
            plan = self._plans(offer.text, context)
            steps = plan.steps if isinstance(plan, EditPlan) else ()
            # one edit: the operator, and for a regional one the region and its edit
            edit = tuple(
                (step.op, step.params.get("region"), step.params.get("edit")) for step in steps
            )
            if edit and edit not in kept.values() and relevance.applies(offer.text, steps, picture):
                kept[offer.text] = edit
            if len(kept) == count:
                break
        return list(kept)

    def reply(
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
            or nearest_layout(raw.text)
            or (not fixes[raw] and needs_generation(raw.text, self._lexicon.known))
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
            laid_out = [nearest_layout(raw.text) for raw in new_content]
            what = "an artist's style" if len(looks) == len(new_content) else "new content"
            what = "new light (a relit scene)" if relit else what
            what = "a designed layout (masthead, headlines, artwork)" if all(laid_out) else what
            parts.append(
                f"{asked} {'needs' if len(new_content) == 1 else 'need'} {what}, "
                f"which the offline editor cannot {'make' if relit else 'draw'}: "
                f"{GENERATIVE_BACKENDS}."
            )
            closest = looks or [
                w
                for raw in new_content
                if (
                    w := nearest_weather(raw.text)
                    or nearest_lighting(raw.text)
                    or nearest_retouch(raw.text)
                )
            ]
            if all(laid_out):
                # "like a magazine cover": a title on the picture, and a look
                named = " and ".join(f'"{edit}"' for edit in laid_out[0])
                parts.append(f"The closest offline edits: {named}.")
                suggestions += laid_out[0]
            elif closest:
                # "like a Van Gogh": an oil painting; "snow on the roofs": falling snow;
                # "softer lighting": lifted shadows
                parts.append(f'The closest offline edit: "{closest[0]}".')
                suggestions += closest
        if missing:
            suggestions += self.closest((unknown or new_content)[0].text, count=8)
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
            dict.fromkeys(
                w for w in words(colorless) if is_word(w) and w not in self._lexicon.known
            )
        )
        most = spelling.MAX_MISSPELT
        named = ", ".join(f'"{w}"' for w in unknown[:most])
        more = f" and {len(unknown) - most} more" if len(unknown) > most else ""
        note = f" (I do not know {named}{more})" if unknown else ""
        return f'"{raw.original}"{note}'

    def ask(self, instruction: str) -> PlannerReply:
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

    def closest(self, text: str, count: int = 4) -> list[str]:
        """Examples of the operators nearest to `text`: shared keywords, then string likeness.

        Only the start of a long clause is compared, so a reply costs the same at any length.
        """
        text = text[:LIKENESS_CHARS]
        content = [w for w in words(text) if is_word(w) and w not in FILLER]
        scored: list[tuple[float, str]] = []
        for op in self.operators.all():
            vocabulary = sorted(self._lexicon.op_words[op.name])
            hits = sum(
                1
                for w in content
                if w in self._lexicon.op_words[op.name]
                or (len(w) >= 5 and difflib.get_close_matches(w, vocabulary, n=1, cutoff=0.8))
            )
            for example in op.examples:
                likeness = difflib.SequenceMatcher(None, text, example.lower()).ratio()
                scored.append((hits + likeness, example))
        scored.sort(key=lambda item: -item[0])
        return [example for _, example in scored[:count]]


# How much of an unknown clause is compared with the operators' examples.
