"""A misspelt instruction as a question: "mak it brigter" -> 'Did you mean "make it
brighter"? Say "yes" to do it.'

The planner never corrects silently. It asks, with the corrected instruction as the question's
one option, and only when that reading really plans on this picture (an edit, or a question of
its own such as "which face?"). The next line answers it: "yes", "y", "yes please", "sure"
apply the reading; "no" changes nothing; anything else is a new instruction. `gouache edit`
cannot be answered, so there the reply names the corrected command instead (`edit_hint`).

Misspelt words are replaced outside quoted text only: 'add the captoin "brigter"' keeps its
caption as typed.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Callable, Collection, Mapping, Sequence

from PIL import ImageColor

from gouache.planner.clauses import normalise, tokens
from gouache.planner.generative import CUES
from gouache.planner.plan import PlannerQuestion
from gouache.planner.vocabulary import SUBJECT_NOUNS

SLOT = "spelling"
# A clause with more unknown words than this is not read as a misspelt edit.
MAX_MISSPELT = 8
ASK_YES = 'Say "yes" to do it.'

_YES = re.compile(
    r"^(?:y|ya|yes|yeah|yep|yup|yea|sure|ok|okay|correct|right|exactly|please|pls|do it|go ahead"
    r"|that'?s (?:it|right|what i meant)|i did|i do)"
    r"(?:[ ,]+(?:yes|please|pls|thanks|thank you|do it|go ahead|that'?s it|i did|exactly|"
    r"that one|sure))*$"
)
_NO = re.compile(r"^(?:n|no|nope|nah|not really|no thanks|no thank you|wrong|cancel)$")
# "around her face" is no misspelt "here"
_PRONOUNS = frozenset({"her", "him", "his", "hers", "she", "he", "them", "they", "their"})
_QUOTED = re.compile(r'"[^"]*"|“[^”]*”|«[^»]*»')


def is_yes(text: str) -> bool:
    return _YES.match(_plain(text)) is not None


def is_no(text: str) -> bool:
    return _NO.match(_plain(text)) is not None


def _plain(text: str) -> str:
    return normalise(text.replace("’", "'")).strip(" .!,")


def corrected(instruction: str, fixes: Mapping[str, str]) -> str:
    """`instruction` with each misspelt word of `fixes` (lower case) replaced by its
    correction, as whole words and outside quoted text."""
    if not fixes:
        return instruction
    pattern = re.compile(
        r"(?<![\w'])("
        + "|".join(map(re.escape, sorted(fixes, key=len, reverse=True)))
        + r")(?![\w'])",
        re.IGNORECASE,
    )
    out: list[str] = []
    at = 0
    for quoted in _QUOTED.finditer(instruction):
        out.append(
            pattern.sub(lambda m: fixes[m.group(1).lower()], instruction[at : quoted.start()])
        )
        out.append(quoted.group(0))
        at = quoted.end()
    out.append(pattern.sub(lambda m: fixes[m.group(1).lower()], instruction[at:]))
    return "".join(out)


def question(instruction: str, said: str, reading: str) -> PlannerQuestion:
    """The question: the reply that names what was not understood and asks 'Did you mean
    "READING"?' (`said`), and how to accept it."""
    message = f"{said} {ASK_YES}"
    return PlannerQuestion(instruction=instruction, message=message, options=(reading,), slot=SLOT)


def edit_hint(asked: PlannerQuestion, command: str) -> str:
    """The question as `gouache edit` says it: with the corrected `command` to run, since an
    edit cannot be answered."""
    return asked.message.replace(ASK_YES, f"To do that, run: {command}")


class Speller:
    """Finds the misspelt words of a clause and the corrections that make it read as an edit.

    `reads(text, quotes, refs)` says whether a clause reads as an edit, `plans(text)` whether
    a whole instruction plans; both are the planner's.
    """

    def __init__(
        self,
        vocabulary: Sequence[str],
        known: Collection[str],
        reads: Callable[[str, tuple[str, ...], tuple[str, ...]], bool],
        plans: Callable[[str], bool],
    ) -> None:
        self.vocabulary = vocabulary
        self.known = known
        self.reads = reads
        self.plans = plans
        self._close: dict[str, str | None] = {}

    def fixes(
        self, text: str, quotes: tuple[str, ...], refs: tuple[str, ...]
    ) -> dict[str, str] | None:
        """The misspelt words of a clause and their corrections, when the corrected clause
        reads as an edit."""
        unknown = [t for t in tokens(text) if self._unknown(t.text)]
        if len(unknown) > MAX_MISSPELT:
            return None  # so many unknown words are no misspelt edit, and would cost time
        if len(unknown) == 1 and unknown[0].text in ImageColor.colormap:
            return None  # "blue" alone is a colour, not a misspelt "blur"
        if len(unknown) == 1 and len(unknown[0].text) >= 3:
            # one misspelt word: the closest of a few that reads as an edit ("blurr the
            # face" is "blur the face", though "blurry" is closer)
            token = unknown[0]
            for near in self._near(token.text, 3):
                candidate = text[: token.span.start] + near + text[token.span.end :]
                if self.reads(candidate, quotes, refs):
                    return {token.text: near}
            return None
        fixes = {t.text: close for t in unknown if (close := self.closest_word(t.text))}
        if not fixes or not self.reads(corrected(text, fixes), quotes, refs):
            return None
        return fixes

    def whole_fix(self, instruction: str) -> str | None:
        """The whole instruction with its misspelt words replaced, when it then plans: "make
        it black and whit" splits at "and" before any one clause could be corrected."""
        if '"' in instruction:
            return None
        fixed = instruction
        for token in reversed(tokens(instruction.lower())):
            if self._unknown(token.text):
                close = self.closest_word(token.text)
                if close:
                    fixed = fixed[: token.span.start] + close + fixed[token.span.end :]
        if fixed == instruction or not self.plans(fixed):
            return None
        return fixed

    def closest_word(self, word: str) -> str | None:
        """The vocabulary word `word` is likely a misspelling of (remembered per word)."""
        if len(word) < 3:
            return None
        if word not in self._close:
            close = self._near(word, 1)
            self._close[word] = close[0] if close else None
        return self._close[word]

    def _near(self, word: str, n: int) -> list[str]:
        """The `n` closest vocabulary words one slip of the keys away: "flowers" is no
        misspelt "lower", nor "pure" a misspelt "purple", though difflib finds them close."""
        close = difflib.get_close_matches(word, self.vocabulary, n=n + 2, cutoff=0.8)
        return [near for near in close if slips(word, near) <= 1][:n]

    def _unknown(self, word: str) -> bool:
        # "older" is new content, not a misspelt "colder"
        # "flower" names the subject, and is no misspelt "lower"
        return (
            word.replace("'", "").isalpha()
            and word not in self.known
            and word not in CUES
            and word not in SUBJECT_NOUNS
            and word not in _PRONOUNS
        )


def slips(typed: str, meant: str) -> int:
    """The optimal string alignment distance: letters left out, added, changed or swapped
    with their neighbour, each one slip (Damerau, "A technique for computer detection and
    correction of spelling errors", CACM 7(3), 1964: 80 % of misspellings are one of them)."""
    rows = [list(range(len(meant) + 1))]
    for i, a in enumerate(typed, 1):
        row = [i]
        for j, b in enumerate(meant, 1):
            row.append(min(rows[-1][j] + 1, row[j - 1] + 1, rows[-1][j - 1] + (a != b)))
            if i > 1 and j > 1 and a == meant[j - 2] and typed[i - 2] == b:
                row[j] = min(row[j], rows[-2][j - 2] + 1)
        rows.append(row)
    return rows[-1][-1]
