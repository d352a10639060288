"""Requests for a platform's format that leave the choice open: "make it instagram ready",
"wallpaper size for my iphone". Each platform takes more than one shape, and fitting a
picture to one either cuts some of it off or adds a fill, so the planner asks, with options
that are instructions it plans as they are written:

    Instagram feed        crop to 4:5 around the subject / crop to 1:1 / 4:5 without cropping
    Instagram story/reel  crop to 9:16 around the subject / 9:16 without cropping
    phone wallpaper       crop to 9:19.5 around the subject / 9:19.5 without cropping
    desktop wallpaper     crop to 16:9 around the subject / 16:9 without cropping

"crop it for instagram" asks too, offering the crops only; where one crop is left ("crop it
for my story") it is planned as said.

A picture already in a shape the platform shows in full gets an answer saying so, and nothing
is changed. An answer picks an option by its number ("2", "the second"), or by words only one
option has ("square", "without cropping", "crop"); anything else is a new instruction.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from gouache.planner.clauses import normalise, words
from gouache.planner.plan import PlanContext, PlannerAnswer, PlannerQuestion
from gouache.planner.vocabulary import FILLER, word_set

SLOT = "format"


@dataclass(frozen=True)
class _Format:
    name: str
    # the shapes shown in full, width:height, the first preferred
    aspects: tuple[tuple[float, float], ...]
    options: tuple[str, ...]
    why: str


_FEED = _Format(
    "Instagram's feed",
    ((4, 5), (1, 1)),
    (
        "crop to 4:5 keeping the subject",
        "crop to square keeping the subject",
        "make it 4:5 without cropping",
    ),
    "it shows 4:5 portraits and 1:1 squares in full",
)
_STORY = _Format(
    "an Instagram story",
    ((9, 16),),
    ("crop to 9:16 keeping the subject", "make it 9:16 without cropping"),
    "stories and reels are 9:16",
)
_PHONE = _Format(
    "a phone wallpaper",
    ((9, 19.5),),
    ("crop to 9:19.5 keeping the subject", "make it 9:19.5 without cropping"),
    "recent iPhones and most Android phones are about 9:19.5, 1179 x 2556 px on an iPhone 15, "
    "and the phone scales the picture to fit",
)
_DESKTOP = _Format(
    "a desktop wallpaper",
    ((16, 9), (16, 10)),
    ("crop to 16:9 keeping the subject", "make it 16:9 without cropping"),
    "most screens are 16:9, 1920 x 1080 px or more, and laptops often 16:10",
)
_INSTAGRAM = re.compile(r"\b(?:instagram|insta|ig|gram)\b")
_STORY_WORDS = re.compile(r"\b(?:story|stories|reel|reels)\b")
_PHONE_WORDS = re.compile(r"\b(?:wallpaper|lock ?screen|home ?screen)\b")
_DESKTOP_WORDS = re.compile(r"\b(?:desktop|laptop|computer|pc|mac|macbook|monitor)\b")
# The words a request about a platform's format may hold; any other word ("add a caption for
# instagram") makes it an ordinary request, planned as such.
_ABOUT_FORMAT = FILLER | word_set(
    "instagram, insta, ig, gram, story, stories, reel, reels, wallpaper, phone, iphone, android, "
    "mobile, lock, lockscreen, home, homescreen, screen, background, ready, size, sized, "
    "format, fit, fits, suitable, good, post, posting, feed, upload, share, sharing, perfect, "
    "optimize, optimise, prep, prepare, for, my, crop, cropped, cut, trim, desktop, laptop, "
    "computer, pc, mac, macbook, monitor"
)
# An explicit shape or fill: the request is then no open question ("instagram 4:5").
_SHAPED = re.compile(
    r"\d\s*[:x/]\s*\d|\b(?:square|portrait|landscape|without (?:cropping|cutting)|extend|"
    r"fill|pad)\b"
)
# "crop it for instagram": a crop, its shape still open; only the crops are offered.
_CROPPED = re.compile(r"\b(?:crop|cropped|cut|trim)\b")
_ORDINALS = {"first": 1, "1st": 1, "one": 1, "second": 2, "2nd": 2, "two": 2, "third": 3,
             "3rd": 3, "three": 3, "last": -1}  # fmt: skip
# Words that may stand around a pick ("the second one please", "option 2").
_ANSWER_WORDS = frozenset({"one", "option", "number", "no", "the", "that", "this", "go",
                           "with", "please", "pls", "ok", "okay", "yes"})  # fmt: skip


def ask(instruction: str, context: PlanContext | None) -> PlannerQuestion | PlannerAnswer | None:
    """The question (or the answer that nothing needs doing) for a platform request with no
    shape said; None when the instruction is not one."""
    text = normalise(instruction)
    if _PHONE_WORDS.search(text):
        found = _DESKTOP if _DESKTOP_WORDS.search(text) else _PHONE
    elif _INSTAGRAM.search(text):
        found = _STORY if _STORY_WORDS.search(text) else _FEED
    else:
        return None
    if _SHAPED.search(text) or any(w not in _ABOUT_FORMAT for w in words(text)):
        return None  # "instagram portrait 4:5", "a caption for instagram": planned as said
    size = context.size if context is not None else None
    if size is not None:
        shape = size[0] / size[1]
        fits = next((a for a in found.aspects if abs(shape - a[0] / a[1]) < 0.01), None)
        if fits is not None:
            return PlannerAnswer(
                instruction=instruction,
                message=f"It is {_ratio(fits)} already, which {found.name} shows in full "
                f"({found.why}); I changed nothing.",
            )
    options = found.options
    needs = "cutting or a fill"
    if _CROPPED.search(text):
        options = tuple(o for o in options if o.startswith("crop"))
        needs = "cutting"
    if len(options) == 1:
        return None  # one crop only: planned as said ("crop it for my story": 9:16)
    listed = "; ".join(f"{n}) {option}" for n, option in enumerate(options, 1))
    message = (
        f"For {found.name} ({found.why}), this picture needs {needs}. Which: "
        f"{listed}? (answer with the number or the words)"
    )
    return PlannerQuestion(instruction=instruction, message=message, options=options, slot=SLOT)


def read_answer(text: str, options: Sequence[str]) -> str | None:
    """The option an answer picks, or None when it picks none (maybe a new instruction)."""
    said = [w for w in words(normalise(text)) if w not in FILLER or w in _ORDINALS]
    if not said:
        return None
    for word in said:
        number = int(word) if word.isdigit() else _ORDINALS.get(word)
        if number is not None and all(w == word or w in _ANSWER_WORDS or w in FILLER for w in said):
            index = number - 1 if number > 0 else len(options) + number
            return options[index] if 0 <= index < len(options) else None
    content = [w for w in said if w not in _ANSWER_WORDS]
    picked = [o for o in options if content and all(w in words(_wordy(o)) for w in content)]
    return picked[0] if len(picked) == 1 else None


def _wordy(option: str) -> str:
    """An option's words, with the words people use for them ("square" for 1:1)."""
    extra = {"without cropping": " uncropped fill extend pad keep everything whole",
             "crop to": " crop cut cropped", "square": " 1:1", "4:5": " portrait"}  # fmt: skip
    return option + "".join(more for key, more in extra.items() if key in option)


def _ratio(aspect: tuple[float, float]) -> str:
    return f"{aspect[0]:g}:{aspect[1]:g}"
