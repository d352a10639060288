"""Which attached image an instruction means, counted as the user counts them.

Image 1 is the picture being edited; the images attached to the turn are 2, 3, ... in the
order they were attached (`PlanContext.references` holds their file names). A clause names
one as:

    image 2, photo 3, picture #2, img 2      by number
    the second photo, the 3rd image          by ordinal, with a word for an image
    the last image, the other photo          by place
    the beach photo, the logo, beach.jpg     by words of its file name (extension left out,
                                             case ignored)

Words the planner knows as edits ("the background") name a file only with a word for an
image after them ("the background image"), or when they are in `REFERENCE_NOUNS` ("the
logo"); unknown words ("the beach") name a file whenever a file name holds them.

A mention is resolved to a number, or to a problem the reply states: there is no such image
(say how to attach one), image 1 is the picture itself, or no file name holds the words (list
the names). When several images fit, the planner asks which.
"""

from __future__ import annotations

import re
from collections.abc import Collection, Sequence
from dataclasses import dataclass
from pathlib import PurePath

from PIL import ImageColor

from gouache.planner.clauses import Span, has, normalise, protect, tokens, words
from gouache.planner.vocabulary import FILLER, REFERENCE_NOUNS

ATTACH = "attach one with --ref PATH (or /attach PATH in chat)"

ORDINALS = {
    "first": 1, "second": 2, "third": 3, "fourth": 4, "fifth": 5, "sixth": 6, "seventh": 7,
    "eighth": 8, "ninth": 9, "tenth": 10,
}  # fmt: skip
_IMAGE = r"(?:image|photo|picture|pic|img|photograph)"
_ORDINAL = "|".join(ORDINALS)
_BY_NUMBER = re.compile(rf"\b{_IMAGE}\s*(?:number\s*|no\s*|#\s*)?(\d+)\b")
_BY_ORDINAL = re.compile(rf"\b({_ORDINAL}|\d+(?:st|nd|rd|th)|last|other)\s+{_IMAGE}s?\b")
_IMAGE_WORDS = frozenset({"image", "photo", "picture", "pic", "img", "photograph", "shot", "file"})


@dataclass(frozen=True)
class Mention:
    """Words in a clause that name an attached image; exactly one of the values is set."""

    span: Span
    number: int | None = None  # image N, or the N-th image
    last: bool = False
    other: bool = False
    # Words to find in the file names ("beach").
    name: tuple[str, ...] = ()

    def describe(self) -> str:
        if self.number is not None:
            return f"image {self.number}"
        if self.last:
            return "the last image"
        if self.other:
            return "the other image"
        return "the " + " ".join(self.name)


@dataclass(frozen=True)
class Problem:
    """Why a step cannot be done as asked, in a sentence for the user, and edits to offer
    instead (planned on the picture before they are shown)."""

    message: str
    offers: tuple[str, ...] = ()


@dataclass(frozen=True)
class Ambiguous:
    """Several images fit: the numbers to choose from."""

    numbers: tuple[int, ...]


Resolution = int | Problem | Ambiguous


def stems(references: Sequence[str]) -> list[str]:
    """File names without folder or extension, lower case: the words a user may name them by."""
    return [PurePath(name).stem.lower() for name in references]


def _holds(stem: str, word: str) -> bool:
    parts = re.split(r"[^a-z0-9]+", stem)
    return word in parts or (len(word) >= 3 and word in stem)


def find_mentions(text: str, references: Sequence[str], known: Collection[str]) -> list[Mention]:
    """The images a normalised clause names, in order of appearance."""
    found = [
        Mention(Span(m.start(), m.end()), number=int(m.group(1))) for m in _BY_NUMBER.finditer(text)
    ]
    for m in _BY_ORDINAL.finditer(text):
        word = m.group(1)
        span = Span(m.start(), m.end())
        if word == "last":
            found.append(Mention(span, last=True))
        elif word == "other":
            found.append(Mention(span, other=True))
        else:
            number = ORDINALS.get(word) or int(re.sub(r"\D", "", word))
            found.append(Mention(span, number=number))
    found += _by_name(text, stems(references), known)
    taken: list[Mention] = []
    for mention in sorted(found, key=lambda m: m.span.start):
        if not any(
            m.span.start < mention.span.end and mention.span.start < m.span.end for m in taken
        ):
            taken.append(mention)
    return taken


def _by_name(text: str, names: list[str], planner_words: Collection[str]) -> list[Mention]:
    if not names:
        return []

    def known(word: str) -> bool:  # colours too: "a red border" names no "red_dress.jpg"
        return word in planner_words or word.replace("grey", "gray") in ImageColor.colormap

    toks = tokens(text)
    found: list[Mention] = []
    i = 0
    while i < len(toks):
        start = i + 1 if toks[i].text == "the" else i
        end = start
        while end < len(toks) and end - start < 3:
            word = toks[end].text
            if word in FILLER or word in _IMAGE_WORDS or not any(_holds(n, word) for n in names):
                break
            end += 1
        named = [t.text for t in toks[start:end]]
        noun = end < len(toks) and toks[end].text in _IMAGE_WORDS
        vouched = all(not known(w) or w in REFERENCE_NOUNS for w in named)
        if named and (noun or vouched) and (toks[i].text == "the" or not any(map(known, named))):
            last = end if noun else end - 1
            found.append(Mention(Span(toks[i].span.start, toks[last].span.end), name=tuple(named)))
            i = last + 1
        else:
            i += 1
    return found


def resolve(mention: Mention, references: Sequence[str]) -> Resolution:
    """The image number a mention stands for, or why there is none."""
    count = len(references) + 1
    if mention.number is not None:
        if mention.number == 1:
            return Problem(
                "image 1 is the picture being edited; the attached images are "
                + (f"2 to {count}" if count > 2 else "image 2" if count == 2 else "none yet")
                + ("" if count > 1 else f": {ATTACH}")
            )
        if mention.number > count or mention.number < 1:
            return Problem(f"there is no image {mention.number}: " + _only(count))
        return mention.number
    if mention.last or mention.other:
        if count == 1:
            return Problem(f"no other image is attached: {ATTACH}")
        if mention.last or count == 2:
            return count
        return Ambiguous(tuple(range(2, count + 1)))
    return by_name(mention.name, references)


def by_name(name: Sequence[str], references: Sequence[str]) -> Resolution:
    """The attached image whose file name holds every word of `name`."""
    fits = tuple(
        number
        for number, stem in enumerate(stems(references), start=2)
        if all(_holds(stem, word) for word in name)
    )
    if not fits:
        return Problem(
            f'none of the attached images is named like "{" ".join(name)}": '
            + listing(references)
            + '; say which one, e.g. "image 2"'
        )
    return fits[0] if len(fits) == 1 else Ambiguous(fits)


def default(references: Sequence[str], op: str) -> Resolution:
    """The image meant when a clause names none: the only one attached, else ask."""
    if not references:
        return Problem(f"{op.replace('_', ' ')} needs another image: {ATTACH}")
    if len(references) == 1:
        return 2
    return Ambiguous(tuple(range(2, len(references) + 2)))


def listing(references: Sequence[str]) -> str:
    """ "image 2 is beach.jpg, image 3 is logo.png"."""
    return ", ".join(f"image {n} is {name}" for n, name in enumerate(references, start=2))


def _only(count: int) -> str:
    if count == 1:
        return f"there is only 1 image, the one being edited; {ATTACH}"
    return (
        f"there are only {count} images (this one and {count - 1} attached); attach more "
        "with --ref PATH or /attach PATH"
    )


def question_text(numbers: Sequence[int], references: Sequence[str]) -> str:
    """ "Which image: image 2 (beach.jpg) or image 3 (sea.jpg)?"."""
    named = [f"image {n} ({references[n - 2]})" for n in numbers]
    return "Which image: " + ", ".join(named[:-1]) + f" or {named[-1]}?"


def read_answer(text: str, numbers: Sequence[int], references: Sequence[str]) -> int | None:
    """The image an answer to "which image?" picks among `numbers`: "image 3", "3", "the
    third", "the beach one"; None when it picks none of them."""
    text = normalise(protect(text))
    picked: set[int] = set()
    picked |= {int(n) for n in re.findall(r"\d+", text)}
    picked |= {ORDINALS[w] for w in words(text) if w in ORDINALS}
    if has(text, "last"):
        picked.add(max(numbers))
    if not picked:
        named = [w for w in words(text) if w not in FILLER and w not in _IMAGE_WORDS | {"one"}]
        if named:
            fit = by_name(named, references)
            if isinstance(fit, int):
                picked.add(fit)
    if len(picked) == 1 and (number := picked.pop()) in numbers:
        return number
    return None
