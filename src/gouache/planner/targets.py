"""Which face an instruction means, and the question to ask when it means one but not which.

Targets are those of `gouache.ops.faces.FaceTarget`; faces are counted from the left, from 1:

    the faces, all faces, everyone, both faces          "all"
    the face on the left, the leftmost face            "left" (and "right")
    the face in the middle, the middle face             "middle"
    the largest / biggest face, the smallest face       "largest", "smallest"
    the second face, the 2nd person, face 3             2, 2, 3
    the second face from the right                      -2 (the grounding counts it)
    the last face                                       "right"
    the face, her face, his face, an avatar             ONE: a single face, not said which

With several faces, ONE becomes a question whose options are the places ("left or right",
"left, middle or right") for two or three faces, and numbers counted from the left for more.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from gouache.planner.clauses import has, normalise, words
from gouache.planner.plan import PlannerQuestion
from gouache.planner.references import ORDINALS
from gouache.planner.vocabulary import FILLER, word_set

Target = str | int
# A single face is meant, but not which: asked for when there are several.
ONE = "one"
SLOT = "face"

_NOUN = r"(?:face|person|one|head|guy|man|woman|lady|girl|boy|kid|child)"
_NTH = re.compile(rf"\b({'|'.join(ORDINALS)}|\d+(?:st|nd|rd|th))\s+{_NOUN}\b(\s+from the right)?")
_NUMBERED = re.compile(r"\b(?:face|person)\s*(?:number\s*|no\s*|#\s*)?(\d+)\b")
_ALL = ("faces", "everyone", "everybody", "everyone's", "everybody's", "all", "both", "every",
        "each", "people")  # fmt: skip
_SINGLE = ("face", "her", "his", "their", "person", "head", "avatar", "headshot", "profile",
           "woman", "man", "lady", "guy")  # fmt: skip
_PLACES = (
    ("left", ("left", "leftmost")),
    ("right", ("right", "rightmost", "last")),
    ("middle", ("middle", "center", "centre", "central")),
    ("largest", ("largest", "biggest", "main", "closest")),
    ("smallest", ("smallest", "tiniest")),
)
# Words an answer to "which face?" may hold besides the choice itself.
_ANSWER_WORDS = word_set(
    "one, ones, face, person, guy, man, woman, girl, boy, kid, child, lady, side, number, no, "
    "pick, choose, mean, meant, said, him, her, them, please, the, on, in, at, from, st, nd, rd, th"
)
# The words of a pick, right or wrong ("the fourth one", "middle").
_CHOICE_WORDS = word_set(
    "left, right, middle, center, centre, central, largest, biggest, smallest, tiniest, all, "
    "both, every, everyone, everybody, each, leftmost, rightmost, first, last"
)


def read(text: str) -> Target | None:
    """The face a normalised clause names; ONE for a single face not said which, None when it
    says nothing about faces (the operator's default)."""
    nth = _NTH.search(text)
    if nth is not None:
        word = nth.group(1)
        number = ORDINALS.get(word) or int(re.sub(r"\D", "", word))
        return -number if nth.group(2) else number
    numbered = _NUMBERED.search(text)
    if numbered is not None:
        return int(numbered.group(1))
    if has(text, "last face") or has(text, "last one"):
        return "right"
    for target, names in _PLACES:
        if any(has(text, name) for name in names):
            return target
    if any(has(text, word) for word in _ALL):
        return "all"
    if any(has(text, word) for word in _SINGLE):
        return ONE
    return None


def options(count: int) -> tuple[str, ...]:
    if count == 2:
        return ("left", "right")
    if count == 3:
        return ("left", "middle", "right")
    return tuple(str(n) for n in range(1, count + 1))


def question(instruction: str, count: int) -> PlannerQuestion:
    """ "There are 3 faces: left, middle or right?"; numbered from the left past three."""
    choices = options(count)
    listed = ", ".join(choices[:-1]) + f" or {choices[-1]}"
    if count <= 3:
        message = f"There are {count} faces: {listed}?"
    else:
        message = f"There are {count} faces, numbered from the left: which one, {listed}?"
    return PlannerQuestion(instruction=instruction, message=message, options=choices, slot=SLOT)


def target_of(option: str) -> Target:
    return int(option) if option.isdigit() else option


def read_answer(text: str, choices: Sequence[str]) -> Target | None:
    """The target an answer to `question` picks: "the middle one", "left", "the one on the
    right", "2", "the second", "the largest", "all of them"; None when it picks none."""
    count = len(choices)
    picked: set[Target] = set()
    for word in words(normalise(text)):
        pick = _pick(word, count)
        if pick is not None:
            picked.add(pick)
        elif word not in _ANSWER_WORDS and word not in FILLER:
            return None  # more than an answer: maybe a new instruction
    if len(picked) != 1:
        return None
    choice = picked.pop()
    if isinstance(choice, str):
        return choice
    return target_of(choices[choice - 1]) if 1 <= choice <= count else None


def _pick(word: str, count: int) -> Target | None:
    """What one word of an answer picks: a place from the left (1-based), or a target."""
    if word.isdigit() or word in ORDINALS:
        return int(word) if word.isdigit() else ORDINALS[word]
    if word in ("left", "leftmost"):
        return 1
    if word in ("right", "rightmost", "last"):
        return count
    if word in ("middle", "center", "centre", "central"):
        return (count + 1) // 2 if count % 2 else 0  # no middle of an even count
    if word in ("largest", "biggest"):
        return "largest"
    if word in ("smallest", "tiniest"):
        return "smallest"
    if word in ("all", "both", "every", "everyone", "everybody", "each"):
        return "all"
    return None


def canonical(target: Target) -> str:
    """How an answer is written into the instruction it completes: "the middle one", "face 4"."""
    if isinstance(target, int):
        return f"face {target}"
    return "all of them" if target == "all" else f"the {target} one"


def is_answer_like(text: str) -> bool:
    """True when `text` reads as an attempt to pick a face ("the fourth one", "middle"), even
    one that picks none of the options."""
    ws = words(normalise(text))
    allowed = _ANSWER_WORDS | _CHOICE_WORDS | FILLER | set(ORDINALS)
    return bool(ws) and all(w in allowed or w.isdigit() for w in ws)


def from_canonical(text: str) -> Target | None:
    """The target `canonical` wrote: "the middle one" -> "middle", "face 4" -> 4."""
    if text == "all of them":
        return "all"
    numbered = re.fullmatch(r"face (\d+)", text)
    if numbered is not None:
        return int(numbered.group(1))
    place = re.fullmatch(r"the (left|right|middle|largest|smallest) one", text)
    return place.group(1) if place is not None else None
