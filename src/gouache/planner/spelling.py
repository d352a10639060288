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

import re
from collections.abc import Mapping

from gouache.planner.clauses import normalise
from gouache.planner.plan import PlannerQuestion

SLOT = "spelling"
ASK_YES = 'Say "yes" to do it.'

_YES = re.compile(
    r"^(?:y|ya|yes|yeah|yep|yup|yea|sure|ok|okay|correct|right|exactly|please|pls|do it|go ahead"
    r"|that'?s (?:it|right|what i meant)|i did|i do)"
    r"(?:[ ,]+(?:yes|please|pls|thanks|thank you|do it|go ahead|that'?s it|i did|exactly|"
    r"that one|sure))*$"
)
_NO = re.compile(r"^(?:n|no|nope|nah|not really|no thanks|no thank you|wrong|cancel)$")
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
