"""Questions answered in words, with no version made: what the picture says, how many faces it
has, and what gouache can do (generated from the operator registry, never a hand-kept list).

Only whole questions are answered ("what does it say?", "read the text", "how many faces?",
"what can you do?", "help"); an edit that mentions text ("remove the text") is an edit.
"""

from __future__ import annotations

import re

from gouache.ops.registry import OperatorRegistry
from gouache.planner.generative import GENERATIVE_BACKENDS
from gouache.planner.plan import PlanContext, PlannerAnswer

_POLITE = r"^(?:(?:please|pls|hey|ok|okay|so|and|can you|could you|would you|tell me)\s+)*"
_THING = (
    r"(?:it|this|that|the (?:text|sign|image|photo|picture|label|caption|writing|words|heading"
    r"|title|headline|page|poster|screenshot|screen|note|notes|handwriting|board|banner))"
)
_HELP = re.compile(
    _POLITE + r"(?:help|\?|commands|what (?:can|could) (?:you|i) (?:do|ask|say)(?: here)?"
    r"|what (?:edits|operations|effects|filters|commands|tools|styles|looks)"
    r"(?: are there| do you have| can you do| are available| do you know| exist)?"
    r"|(?:list|show) (?:me )?(?:the |all |your )?(?:edits|operations|commands)"
    r"|what are your (?:capabilities|features|options)|how does (?:this|it) work"
    r"|what do you do)$"
)
_READ = re.compile(
    # "what does the total say": the part is found in what the whole text says
    _POLITE + rf"(?:what does (?:{_THING}|the \w+(?: \w+)?) say"
    rf"|read (?:out )?{_THING}(?: out| for me| out loud)?"
    r"|read the text|(?:read )?what(?:'?s| is) (?:written|the text)"
    r"(?: (?:on|in) (?:it|this|there|the \w+)"
    r"| here| there)?"
    r"|what (?:text|words) (?:is|are) (?:there|in it|on it|in the \w+|on the \w+)"
    r"|is there (?:any )?(?:text|writing)(?: (?:in|on) (?:it|this|the \w+))?"
    r"|any (?:text|writing|words)(?: (?:in|on) (?:it|this|there|the \w+))?)$"
)
_FACES = re.compile(
    _POLITE + r"how many (?:faces|people|persons|ppl|peeps|humans)"
    r"(?: (?:are|do you see|can you see|are there|is there|in (?:it|this|the \w+)|there are)\b.*)?$"
)

# "who is in this photo?", "can you recognise her?": no one is recognised, only faces found
_WHO = re.compile(
    _POLITE + r"(?:who(?:'?s| is| are)(?: (?:this|that|he|she|they|these people|this person|"
    r"that person|the \w+(?: \w+)?))?(?: (?:in|on) (?:it|this|that|the)(?: \w+)?)?"
    r"|(?:do you know|can you tell(?: me)?) who (?:this|that|he|she|they)(?: is| are)?"
    r"|(?:can you |could you )?(?:recogni[sz]e|identify|name) (?:him|her|them|this person|"
    r"these people|the people|the person|anyone|everyone|who(?:'s| is) (?:in )?(?:it|this)))$"
)


def answer(
    instruction: str, context: PlanContext | None, operators: OperatorRegistry
) -> PlannerAnswer | None:
    """The answer when `instruction` is a question about the picture or about gouache."""
    text = " ".join(instruction.lower().replace("’", "'").split()).strip(" .!?")
    text = text if text else instruction.strip()
    context = context if context is not None else PlanContext()
    if _HELP.match(text):
        return PlannerAnswer(instruction=instruction, message=capabilities(operators))
    if _READ.match(text):
        lines = [line for line in context.text() if line.strip()]
        if not lines:
            return PlannerAnswer(
                instruction=instruction, message="I can't find any text in this picture."
            )
        said = "\n".join(f'  "{line}"' for line in lines)
        return PlannerAnswer(instruction=instruction, message=f"It says:\n{said}")
    if _FACES.match(text):
        count = len(context.faces())
        if count == 0:
            message = "I can't find any face in this picture."
        else:
            message = f"I can see {count} face{'s' if count > 1 else ''}."
        return PlannerAnswer(instruction=instruction, message=message)
    if _WHO.match(text):
        count = len(context.faces())
        seen = (
            "I can't find a face in this picture"
            if count == 0
            else f"I find {count} face{'s' if count > 1 else ''} in it"
        )
        return PlannerAnswer(
            instruction=instruction,
            message=f"I don't recognise people, I only find faces: {seen}. To keep someone the "
            "same over several edits, name them with their photo: --character NAME=PHOTO.",
        )
    return None


def capabilities(operators: OperatorRegistry) -> str:
    """What can be asked, from the registry: one line per operator with an example."""
    return "\n".join(
        [
            "I can make these edits offline; say them in plain words, several at once with "
            '"and" or commas:',
            operators.capabilities_text(),
            *_looks(operators),
            'I can also answer "what does it say?" and "how many faces?".',
            f"New content (objects, expressions, colourising): {GENERATIVE_BACKENDS}.",
        ]
    )


def _looks(operators: OperatorRegistry) -> list[str]:
    if "look" not in operators:
        return []
    from gouache.ops.looks import listed

    return [f'Looks (say "give it a film look", "a subtle noir look"): {listed()}.']
