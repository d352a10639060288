"""The words that name each operator, and finding them in a clause.

A `Lexicon` is built once from an operator registry: each operator's keywords (its own plus
`vocabulary.EXTRA_KEYWORDS`), its verb ... noun pairs (`vocabulary.TARGETED`), the words the
planner knows, and the words a misspelling may be corrected to. `matches` finds the keywords,
pairs and signals ("16:9", "2 stops", 'add "Hello"') of a clause's words.
"""

from __future__ import annotations

import re

from gouache.ops.registry import OperatorRegistry
from gouache.planner.clauses import is_placeholder, normalise, protect, words
from gouache.planner.matching import Keyword, Match, between_pair, names_nothing, outermost
from gouache.planner.phrases import CAST_WORDS
from gouache.planner.vocabulary import (
    ABSORBS,
    COMMON_COLORS,
    EXTRA_KEYWORDS,
    OPERATOR_WORDS,
    PHRASE_NOUNS,
    REPLACING,
    TARGETED,
    TINT_WORDS,
    VERBS,
    WEAK,
    known_words,
)

_TEXT_VERBS = ("add", "put", "write", "say", "saying", "reads", "reading", "caption", "text",
               "insert", "place", "stamp", "print", "type")  # fmt: skip


class Lexicon:
    """The keywords of the operators in `operators`, indexed for matching a clause."""

    def __init__(self, operators: OperatorRegistry) -> None:
        names = set(operators.names())
        self.keywords: list[Keyword] = []
        for op in operators.all():
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
                self.keywords.append(Keyword(op.name, ws, text not in WEAK, verb))
        self.targeted = [entry for entry in TARGETED if entry[0] in operators]
        # every word that names each operator
        self.op_words = {
            op.name: {w for k in self.keywords if k.op == op.name for w in k.words}
            for op in operators.all()
        }
        for name, verbs, nouns in self.targeted:
            self.op_words[name] |= verbs | nouns
        # A thing a picture holds, named by an operator only inside a longer phrase ("water"
        # of "water colour"), is known only to that operator (`op_words`): "make the water
        # more blue" names a part of the picture we cannot find, not a watercolour.
        everyones = {w for ws in self.op_words.values() for w in ws}
        self.known = known_words() | (everyones - PHRASE_NOUNS)
        # What a misspelt word may be corrected to: words that stand alone, not the parts of
        # a phrase ("mark" of "brand mark" is no correction for "mak").
        alone = {k.words[0] for k in self.keywords if len(k.words) == 1}
        everything = (
            known_words()
            | alone
            | COMMON_COLORS
            | {w for ws in OPERATOR_WORDS.values() for w in ws}
        )
        self.vocabulary = sorted(w for w in everything if len(w) >= 3 and w.isalpha())
        # Keywords by their first word, so matching a clause is linear in its length.
        self._by_first: dict[str, list[tuple[int, Keyword]]] = {}
        for order, keyword in enumerate(self.keywords):
            self._by_first.setdefault(keyword.words[0], []).append((order, keyword))

    def matches(self, ws: list[str]) -> list[Match]:
        """The operator keywords, pairs and signals among the words of a clause."""
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
        if "replace_text" in self.op_words and sum(map(is_placeholder, ws)) >= 2:
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
        for op, verbs, nouns in self.targeted:
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
        return Keyword(op, (word,), strong, False) if op in self.op_words else None
