"""Reading redaction by description: "blur the email", "hide the phone number", "black out
the names", "pixelate the url", "hide all personal info" -> `redact`.

A clause (or the whole instruction, for "blur the email and the phone number") is read here
when it holds a hiding verb and the kinds of text to hide, and nothing else. The verb gives
the method: blur, pixelate, or a black box (redact, black out, cover, hide, censor, mask).
The grounding checks the OCR's lines hold something of each kind asked, and says what it read
when they do not.
"""

from __future__ import annotations

import re

from gouache.ops.redact import NAMES, spans
from gouache.planner.clauses import has, normalise, protect, words
from gouache.planner.phrases import Draft
from gouache.planner.plan import PlanContext
from gouache.planner.references import Problem
from gouache.planner.vocabulary import FILLER, word_set

OP = "redact"

_METHODS = (
    ("pixelate", ("pixelate", "pixelize", "pixellate", "mosaic")),
    ("blur", ("blur", "blurr", "soften", "smudge")),
    ("box", ("redact", "black out", "blackout", "block out", "blank out", "cover", "hide",
             "censor", "mask", "obscure", "conceal", "box")),
)  # fmt: skip
_KINDS = (
    ("email", ("email address", "email addresses", "emails", "email", "e mail", "mail address",
               "emial", "emal")),
    ("phone", ("phone numbers", "phone number", "phone no", "phone nr", "phone num", "phone #",
               "phone", "telephone", "tel no", "mobile number", "mobile", "cell number")),
    ("url", ("url", "urls", "link", "links", "website", "web address", "web addresses")),
    ("key", ("api keys", "api key", "key", "keys", "token", "tokens", "secret", "secrets")),
    ("plate", ("licence plate text", "license plate text", "licence plate numbers",
               "license plate numbers", "licence plate number", "license plate number",
               "licence plates", "license plates", "licence plate", "license plate",
               "number plates", "number plate", "plate numbers", "plate number", "plates",
               "plate", "registration number", "registration")),
    ("name", ("names", "name")),
    # "blur the text": every line ("notifications" say which lines, which the OCR cannot)
    ("text", ("all the text", "all text", "the text", "text", "writing", "wording")),
    ("price", ("prices", "price", "amounts", "amount", "money", "costs", "cost", "sums",
               "dollar amounts")),
    ("number", ("numbers", "number", "digits", "account number", "card number", "credit card",
                "card numbers")),
)  # fmt: skip
_PERSONAL = re.compile(
    r"\b(?:everything|anything|all) (?:personal|private|sensitive|identifying)(?: (?:info|"
    r"information|details|data|stuff|things))?\b|\b(?:personal|private|sensitive|contact|"
    r"identifying) (?:info|information|details|data|stuff|things)\b|\bpii\b"
)
_PERSONAL_KINDS = ("email", "phone", "key", "name")
# Verbs whose "the text" is the text taken away, not covered over.
_TAKEN_AWAY = ("hide", "conceal", "obscure", "mask")
_VERB = {"box": "black out", "blur": "blur", "pixelate": "pixelate"}
# What may stand around the verb and the kinds and ask nothing more.
_AROUND = FILLER | word_set(
    "address, addresses, adress, adresses, addres, adresss, black, box, boxes, every, each, "
    "his, her, their, our, in, the, all, "
    "&, with, a, bar, bars, out, them, too, both, visible, shown, on, screen, screenshot, "
    "before, post, posting, share, sharing, send, sending, online, it, this, i, we"
)


def read(text: str) -> Draft | None:
    """The redact draft of a normalised clause or instruction, or None when it is not one."""
    method = next((m for m, verbs in _METHODS if any(has(text, v) for v in verbs)), None)
    if method is None:
        return None
    rest = text
    for _, verbs in _METHODS:
        for verb in verbs:
            rest = re.sub(rf"(?<![\w']){re.escape(verb)}(?![\w'])", " ", rest)
    kinds: list[str] = []
    any_of = False
    if _PERSONAL.search(rest):
        kinds += _PERSONAL_KINDS
        any_of = True
        rest = _PERSONAL.sub(" ", rest)
    for kind, nouns in _KINDS:
        for noun in nouns:  # longest first within a kind
            pattern = rf"(?<![\w']){re.escape(noun)}(?![\w'])"
            if re.search(pattern, rest):
                kinds.append(kind)
                rest = re.sub(pattern, " ", rest)
    if not kinds or any(w not in _AROUND for w in words(rest)):
        return None
    if kinds == ["text"] and method == "box" and any(has(text, v) for v in _TAKEN_AWAY):
        return None  # "hide the text" is the text removed (remove_text), not boxed
    if "phone" in kinds and "number" in kinds:
        kinds.remove("number")  # "the phone number and the numbers" is still a phone number
    if has(text, "black box") or has(text, "black bar"):
        method = "box"
    params = {"what": list(dict.fromkeys(kinds)), "method": method}
    return Draft(OP, params | ({"any_of": True} if any_of else {}))


def whole(instruction: str) -> Draft | None:
    """ "blur the email address and the phone number": one redaction of both."""
    return read(normalise(protect(instruction)).strip(" .!"))


def ground(draft: Draft, context: PlanContext | None) -> Draft | Problem:
    if context is None:
        return draft
    lines = [line for line in context.text() if line.strip()]
    asked = tuple(draft.params["what"])
    found = {kind for line in lines for kind, _, _ in spans(line, asked)}
    missing = [kind for kind in asked if kind not in found]
    if (missing and not draft.params.get("any_of")) or not found:
        read = "; ".join(f'"{line}"' for line in lines[:4])
        said = f"I read {read}" if read else "I can't find any text in it"
        names = " or ".join(NAMES[kind] for kind in (missing or asked))
        # "blur the numbers" on a receipt: its numbers are short, its prices are there
        priced = "number" in missing and any(spans(line, ("price",)) for line in lines)
        offers = (f"{_VERB[draft.params['method']]} the prices",) if priced else ()
        return Problem(
            f"I can't find {names} in this picture ({said}), so I hid nothing", offers=offers
        )
    return draft
