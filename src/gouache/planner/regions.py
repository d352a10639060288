"""Phrase rules for the operators that edit one part of the picture: its faces, the text in it,
its background.

    blur_faces          method "pixelate" when the clause says pixelate; strength 1, times an
                        intensity word, at most 1; the target from `targets.read`
    crop_face           target, aspect (1:1 unless named), margin 0.3 "tight", 1.2 "loose"
    smart_crop          needs an aspect; "crop to 16:9 keeping the face" is one
    remove_text         all text, the title ('remove the title'), or the quoted words
                        ('remove "SALE"', `removed_quote`), or
                        the lines holding them ('remove the watermark "sample"')
    replace_text        two quoted texts: the first is replaced by the second
    blur_background     radius 12 px, times an intensity word; or "radius 20", "20 px"
    remove_background   feather 2 px, or "feather 5"
    replace_background  a colour, a gradient ("a blue to white gradient": top to bottom), or an
                        attached image

The face and reference values the picture decides (which face, which image) are left to the
planner's grounding; a rule says only what the words say.
"""

from __future__ import annotations

import re
from typing import Any

from gouache.planner import targets
from gouache.planner.clauses import (
    bare_number,
    has,
    number_after,
    number_before,
    percent,
    quote_indices,
    without_quotes,
    words,
)
from gouache.planner.phrases import Clause, Draft, Rule, aspect_of
from gouache.planner.vocabulary import FILLER

_PIXELATE = ("pixelate", "pixelize", "pixellate", "mosaic", "pixelated")
_KEEPING = ("keep", "keeping", "keeps", "with the face", "with the faces", "in frame", "inside")


def _face_target(c: Clause, op: str, params: dict[str, Any]) -> Draft:
    target = targets.read(c.text)
    if target == targets.ONE:
        return Draft(op, params, one_face=True)
    if target is not None:
        params["target"] = target
    return Draft(op, params)


def _blur_faces(c: Clause) -> Draft | None:
    pixelate = any(has(c.text, word) for word in _PIXELATE)
    if pixelate and targets.read(c.text) is None:
        return Draft("pixel_art")  # "pixelate it": the whole picture, not its faces
    params: dict[str, Any] = {"method": "pixelate" if pixelate else "blur"}
    value = percent(c.text)
    if value is not None or c.factor != 1.0:
        params["strength"] = round(value.value if value else min(1.0, c.factor), 4)
    return _face_target(c, "blur_faces", params)


def _crop_face(c: Clause) -> Draft | None:
    aspect = aspect_of(c.text)
    if aspect is not None and any(has(c.text, word) for word in _KEEPING):
        return Draft("smart_crop", {"aspect": aspect})
    params: dict[str, Any] = {}
    if aspect is not None:
        params["aspect"] = aspect
    if any(has(c.text, word) for word in ("tight", "tightly", "close", "closer")):
        params["margin"] = 0.3
    elif any(has(c.text, word) for word in ("loose", "loosely", "room")):
        params["margin"] = 1.2
    draft = _face_target(c, "crop_face", params)
    if "target" not in draft.params and not draft.one_face:
        return Draft("crop_face", params, one_face=True)  # "make an avatar": of one face
    return draft


def _smart_crop(c: Clause) -> Draft | None:
    aspect = aspect_of(c.text)
    if aspect is None:
        # "crop around the face" with no ratio is a crop to the face
        return _crop_face(c) if targets.read(c.text) is not None else None
    return Draft("smart_crop", {"aspect": aspect})


def _remove_text(c: Clause) -> Draft | None:
    quoted = quote_indices(c.text)
    if len(quoted) > 1:
        return None  # which of them?
    params: dict[str, Any] = {}
    if quoted:
        params["match"] = c.quotes[quoted[0]]
        if any(has(c.text, word) for word in _WHOLE_LINES):
            params["lines"] = True  # 'remove the watermark "sample"': all of its line
    elif any(has(c.text, word) for word in _TITLES):
        params["title"] = True  # "remove the title": that line, not all the text
    return Draft("remove_text", params)


_WHOLE_LINES = ("watermark", "watermarks", "line", "lines")
_TITLES = ("title", "heading", "headline")
_REMOVAL = frozenset({"remove", "erase", "delete", "rid", "clear", "take", "out", "off"})
_WRITTEN = frozenset({"text", "word", "words", "writing", "lettering"})


def removed_quote(text: str, quotes: tuple[str, ...]) -> Draft | None:
    """'remove "SALE"', 'erase the "SALE" text': a removal verb and one quoted text, nothing
    else; the words that hold it are removed (`remove_text`)."""
    quoted = quote_indices(text)
    if len(quoted) != 1 or quoted[0] >= len(quotes):
        return None
    said = words(without_quotes(text))
    if not any(w in _REMOVAL - {"out", "off"} for w in said):
        return None
    if not all(w in _REMOVAL or w in _WRITTEN or w in FILLER for w in said):
        return None
    return Draft("remove_text", {"match": quotes[quoted[0]]})


def _replace_text(c: Clause) -> Draft | None:
    quoted = quote_indices(c.text)
    if len(quoted) != 2:
        return None  # the old text and the new, both in quotes
    params: dict[str, Any] = {"old": c.quotes[quoted[0]], "new": c.quotes[quoted[1]]}
    if len({m.rgb for m in c.colors}) == 1:  # "... with "OPEN" in green"
        params["color"] = c.colors[0].rgb
    elif c.colors:
        return Draft("replace_text", problem='name one colour for the new words, e.g. "in red"')
    return Draft("replace_text", params)


def _blur_background(c: Clause) -> Draft | None:
    if percent(c.text):
        return None  # a radius is in pixels
    radius = (
        number_after(c.text, "radius|sigma")
        or number_before(c.text, r"px|pixels?")
        or bare_number(c.text)
    )
    return Draft(
        "blur_background", {"radius": radius.value if radius else round(12.0 * c.factor, 4)}
    )


def _remove_background(c: Clause) -> Draft | None:
    feather = number_after(c.text, "feather|feathered") or number_before(c.text, r"px|pixels?")
    params: dict[str, object] = {"feather": feather.value} if feather else {}
    if len({m.rgb for m in c.colors}) > 1:
        return None  # "remove the white and grey background": which is the background?
    if c.colors:
        params["key"] = c.colors[0].rgb  # "remove the white background"
    return Draft("remove_background", params)


_NEW_AFTER = re.compile(r"\b(?:to|with|into|for)\b")

# "remove the white background" removes it: the colour names it, it is not the new one
_REMOVING = ("remove", "delete", "erase", "drop", "rid", "cut out", "take out", "take away")


def _replace_background(c: Clause) -> Draft | None:
    mention = c.mentions[0] if c.mentions else None
    if (has(c.text, "transparent") or has(c.text, "see through")) and mention is None:
        return _remove_background(c)  # "make the (white) background transparent"
    if any(has(c.text, verb) for verb in _REMOVING) and not has(c.text, "with"):
        return None  # the removal's rule reads it
    if has(c.text, "gradient") or has(c.text, "fading") or has(c.text, "fade"):
        if len(c.colors) != 2:
            return Draft(
                "replace_background",
                problem='a gradient needs two colours, e.g. "a blue to white gradient"',
            )
        top, bottom = (m.rgb for m in c.colors)
        return Draft("replace_background", {"gradient": (top, bottom)})
    if c.colors and mention is None:
        if len({m.rgb for m in c.colors}) == 1:
            return Draft("replace_background", {"color": c.colors[0].rgb})
        old, new = c.colors[0], c.colors[-1]
        if len(c.colors) == 2 and _NEW_AFTER.search(c.text[old.span.end : new.span.start]):
            # "change the white background to blue": the old one, then the new one
            return Draft("replace_background", {"color": new.rgb, "key": old.rgb})
        return None  # two colours and no gradient: which one?
    if mention is not None and not c.colors:
        return Draft("replace_background", reference=mention)
    return None  # nothing to put behind, or both a colour and an image


RULES: dict[str, Rule] = {
    "blur_faces": _blur_faces,
    "crop_face": _crop_face,
    "smart_crop": _smart_crop,
    "remove_text": _remove_text,
    "replace_text": _replace_text,
    "blur_background": _blur_background,
    "remove_background": _remove_background,
    "replace_background": _replace_background,
}
