"""Reading one clause into drafts: the operator its keywords name, read by that operator's
phrase rule.

A clause is first offered to the readers of local and whole-phrase edits (`regional`,
`framing`, `redaction`, `bars`, `ink`, `outlines`, `textsize`, `looks`, `weather`); otherwise
its keywords are matched (`lexicon`). Two operators in one clause are split in two and each
half read again; a clause with no keyword may continue the one before ("..., small"). A word the
planner does not know, or one naming a part of the picture the operator cannot edit alone,
leaves the clause unread (None), never guessed.
"""

from __future__ import annotations

import re
from dataclasses import replace

from gouache.ops.registry import OperatorRegistry
from gouache.planner import (
    bars,
    binarize,
    compositing,
    faceparts,
    framing,
    groupcrop,
    hues,
    ink,
    looks,
    outlines,
    portions,
    redaction,
    references,
    regional,
    regions,
    styles,
    swaps,
    tan,
    textsize,
    texture,
    titles,
    weather,
)
from gouache.planner.clauses import (
    Span,
    colors,
    has_digit,
    quote_indices,
    tokens,
    without,
    without_quotes,
    words,
)
from gouache.planner.lexicon import Lexicon
from gouache.planner.matching import companions, cut, inside, is_word
from gouache.planner.phrases import RULES as BASIC_RULES
from gouache.planner.phrases import Clause, Draft, Rule
from gouache.planner.references import Mention
from gouache.planner.vocabulary import (
    CONTINUED,
    FILLER,
    OPERATOR_WORDS,
    PARTS,
    PARTS_TAKEN,
    USES_ALL_REFERENCES,
    refused,
)

RULES: dict[str, Rule] = {
    **BASIC_RULES,
    **regions.RULES,
    **styles.RULES,
    **compositing.RULES,
    **looks.RULES,
    **texture.RULES,
    **binarize.RULES,
}

# Words that add the quoted text ('add a border with the text "Hi"'), where a whole-picture
# edit beside it is meant as said; 'make the "SALE" text less red' adds nothing.
_ADDS = re.compile(r"\b(?:add|put|write|insert|with|caption|captioned|saying|says)\b")

# Why an edit is asked, said after it: "for print", "so the cells are easier to see". Only
# purposes that ask for nothing more are dropped ("so the cup is in the middle" is kept).
_PURPOSE = re.compile(
    r",?\s+(?:for (?:print|printing|a print|the printer|my printer|a presentation|my slides|"
    r"slides)|so(?: that)? (?:the |it |they |you |i |we |people )?[a-z ]*?(?:(?:is|are|'s|be) "
    r"(?:easier|clearer|more visible) to (?:see|read|spot)|(?:is|are|'s|be) (?:more )?(?:visible|"
    r"readable|legible)|stands? out|pops?))$"
)

# "the logo" where no logo is attached and none is placed: the picture being edited
_THE_LOGO = re.compile(r"(?:\b(?:the|my|this|our|that) |^)logo\b")
_PLACES = re.compile(
    r"\b(?:add|put|place|insert|stamp|overlay|watermark|paste|remove|delete|erase|move)\b"
)

# Operators whose direction the next clause inherits ("increase brightness and contrast").
_SIGNED = frozenset({"brightness", "contrast", "saturation", "warmth", "exposure"})


class Reader:
    """Reads the clauses of an instruction for the operators in `operators`."""

    def __init__(self, operators: OperatorRegistry, lexicon: Lexicon) -> None:
        self.operators = operators
        self._lexicon = lexicon

    def read(
        self,
        text: str,
        quotes: tuple[str, ...],
        previous: Draft | None,
        refs: tuple[str, ...],
    ) -> list[Draft] | None:
        """The drafts one clause asks for, or None when it cannot be read whole. A clause
        naming a text in quotes that a whole-picture edit would not keep to ('make "SALE" less
        red': a tint) is one draft marked `named_text`, for the grounding to refuse."""
        drafts = self._read(text, quotes, previous, refs)
        logo = drafts and any(d.op == "logo" for d in drafts) and _THE_LOGO.search(text)
        if logo and not refs and not _PLACES.search(text):
            # "make the logo black and white" with no logo attached: the picture is it
            itself = self._read(_THE_LOGO.sub("it", text), quotes, previous, refs)
            drafts = itself if itself and all(d.op != "logo" for d in itself) else drafts
        named = [quotes[i] for i in quote_indices(text) if i < len(quotes) and quotes[i].strip()]
        if not drafts or not named:
            return drafts
        users = [
            d for d in drafts if any(v in named for v in d.params.values() if isinstance(v, str))
        ]
        if users and _ADDS.search(text):
            return drafts  # 'add a white border with the text "Hi there"': a border, a caption
        return [
            replace(draft, named_text=named[0])
            if self._whole_picture(draft.op) and draft not in users and draft.problem is None
            else draft
            for draft in drafts
        ]
        return [
            replace(draft, named_text=named[0], named_written=bool(users))
            if self._whole_picture(draft.op) and draft not in users and draft.problem is None
            else draft
            for draft in drafts
        ]

    def _whole_picture(self, op: str) -> bool:
        return op in self.operators and self.operators.get(op).global_edit

    def _read(
        self,
        text: str,
        quotes: tuple[str, ...],
        previous: Draft | None,
        refs: tuple[str, ...],
    ) -> list[Draft] | None:
        # A last "too" means "as well" ("add a vignette too"), not "too dark".
        text = re.sub(r"\s*\b(?:too|as well)$", "", text)
        text = _PURPOSE.sub("", text)  # "black and white for print": why, not what
        if refused(text):
            return None
        scan = binarize.clean_scan(text)
        if scan is not None and all(d.op in self.operators for d in scan):
            return scan  # "like a clean scan": the page cleaned, then no grey
        tanned = tan.read(text)
        if tanned is not None:
            return tanned  # "give her a tan": two steps, the faces tinted and darkened
        local = (
            groupcrop.read(text)
            or portions.read(text)
            or swaps.read(text)
            or faceparts.read(text)
            or hues.read(text)
            or regional.read(text)
            or framing.read(text)
            or redaction.read(text)
            or bars.read(text)
            or titles.read(text)
            or ink.read(text)
            or outlines.read(text, quotes)
            or textsize.read(text, quotes)
            or regions.removed_quote(text, quotes)
            or looks.read(text)
            or weather.read(text)
        )
        if local is not None and local.op in self.operators:
            return [local]  # "warm up the sky", "straighten it", "zoom in on the cat"
        toks = tokens(text)
        ws = [t.text for t in toks]
        mentions = references.find_mentions(text, refs, self._lexicon.known)
        # "use the colours of the logo": the words that name an image name no operator
        masked = ["" if inside(t.span, mentions) else t.text for t in toks]
        matches = self._lexicon.matches(masked)
        if not any(m.keyword.strong for m in matches):
            matches = (
                self._lexicon.matches(ws) or matches
            )  # "add the logo": the image names the edit
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
            split = cut(ws, second.start, self._lexicon.op_words[ops[1]])
            at = toks[min(max(split, first_end), second.start)].span.start
            head = self.read(text[:at], quotes, previous, refs) if at > 0 else None
            tail = self.read(text[at:], quotes, head[-1] if head else None, refs) if head else None
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
        if previous is None or previous.op not in self._lexicon.op_words:
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
        allowed = (
            self._lexicon.known
            | OPERATOR_WORDS.get(op, frozenset())
            | self._lexicon.op_words.get(op, set())
        )
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
