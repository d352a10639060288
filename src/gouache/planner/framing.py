"""Reading requests to frame the picture without numbers: a new aspect without cropping,
straightening, and zooming in on the subject.

    "make it 16:9 without cutting anything off"     extend to 16:9 (mirrored, blurred fill)
    "square without cropping, white bars"           extend to 1:1 filled with white
    "straighten it", "level the horizon"            straighten (the tilt is measured)
    "zoom in on the cat", "crop to the rocket"      crop_subject

"without cropping" spans clauses ("make it square but dont crop anything": the "but" and the
"don't" would otherwise split and refuse it), so it is read from the whole instruction, and
only when nothing else is asked in it.
"""

from __future__ import annotations

import re
from typing import Any

from gouache.planner import targets
from gouache.planner.clauses import colors, has, has_digit, normalise, protect, words
from gouache.planner.phrases import Draft, aspect_of
from gouache.planner.vocabulary import FILLER, SUBJECT_NOUNS, word_set

_NO_CROP = re.compile(
    r"\b(?:without (?:any )?(?:cropping|crop|cutting|losing)(?: (?:anything|any of it|it|"
    r"anything off|off anything))?(?: off)?|(?:don'?t|do not|not|never|no) (?:crop|cut)\w*"
    r"(?: (?:anything|it|any of it))?(?: off)?|uncropped|keep(?:ing)? (?:everything|it all|"
    r"the whole (?:picture|image|photo|thing))(?: in)?|fit (?:it |everything |the whole "
    r"(?:picture|image|photo) )?(?:in|into)|letterbox\w*|pillarbox\w*|pad(?:ded|ding)?)\b"
)
# Words that may stand around "without cropping" and an aspect and ask nothing more.
_FRAMING_WORDS = FILLER | word_set(
    "square, widescreen, portrait, landscape, aspect, ratio, format, for, stories, story, "
    "instagram, reels, reel, tiktok, youtube, post, feed, canvas, with, blurred, blurry, blur, "
    "mirrored, mirror, fill, filled, bars, bar, borders, border, edges, padding, solid, plain, "
    "colour, color, anything, everything, nothing, off, cut, cropped, gets, is, so, that, "
    "whole, thing, into, one, frame, crop, reframe, change, convert, turn"
)
_STRAIGHT_THING = (
    r"(?:horizon|photo|picture|image|shot|lines?|walls?|building|page|document|text|writing"
    r"|scan|paper|sign|receipt|letter|form|invoice|card|whiteboard|poster)"
)
_SOMEWHAT = "(?:a bit|a little|slightly|kind of|so|really)"
_STRAIGHTEN = re.compile(
    rf"^(?:straighten|level|fix the tilt|fix the horizon|it'?s (?:{_SOMEWHAT} )?"
    rf"(?:crooked|tilted|wonky))"
    rf"(?: (?:it|this|the {_STRAIGHT_THING}))?(?: up)?$"
    rf"|^(?:rotate|turn|tilt) (?:it|this|the {_STRAIGHT_THING}) so (?:that )?(?:it|the "
    rf"{_STRAIGHT_THING}) (?:is|looks|reads|sits) (?:straight|level|upright|horizontal)$"
    rf"|^make (?:it|the {_STRAIGHT_THING}) (?:straight|level|upright)$"
    rf"|^(?:the {_STRAIGHT_THING}|it|this) (?:is|looks|seems|'s) (?:{_SOMEWHAT} )?(?:crooked|"
    rf"tilted|wonky|skewed|not straight|not level)$"
)
_SUBJECT = SUBJECT_NOUNS | word_set("her, him, them, she, he, they")
# "crop tighter on the cat's face": no detector here finds an animal's face.
_ANIMAL_FACE = re.compile(
    r"^(?:crop|zoom|frame|reframe|get closer|close up|cut|trim)\b.*\b(?:cat|cats|cat's|dog|dogs|"
    r"dog's|pet|pet's|animal|animal's|kitten|kitten's|puppy|puppy's|bird|bird's)\s+(?:face|head"
    r"|eyes)\b"
)
# "blur the cat's face": the face detector finds people only
_ANIMAL_FACE_HIDDEN = re.compile(
    r"^(?:blur|pixelate|pixelize|hide|censor|obscure|anonymi[sz]e)\b.*\b(?:cat|cats|cat's|dog|"
    r"dogs|dog's|pet|pet's|animal|animal's|kitten|kitten's|puppy|puppy's|bird|bird's)\s+"
    r"(?:face|faces|head|eyes)\b"
)
_ZOOM = re.compile(
    r"^(?:zoom (?:in )?(?:on|to)|crop (?:in )?(?:on|to|around)|close (?:up )?on|"
    r"get closer to|frame) (?:the |just the |only the )?(?:main )?(?P<what>[a-z]+)$"
)

# "center the flower", "crop it so the bike is in the middle", "put the cat in the centre":
# the largest crop of the picture's own shape with the subject in its middle (no shape named;
# with one, `centred` reads it)
_MIDDLE = r"(?:centered|centred|in the (?:middle|center|centre))"
_IN_MIDDLE = re.compile(
    r"^(?:(?:center|centre) (?:the )?(?P<a>[a-z]+)(?: in the (?:picture|photo|frame|image))?"
    r"|(?:crop|reframe|frame)(?: it| the (?:picture|photo|image))?(?: so)?(?: that)? "
    rf"(?:the )?(?P<b>[a-z]+)(?: is| are| sits| stands|'s|'re) {_MIDDLE}"
    r"|(?:put|move) (?:the )?(?P<c>[a-z]+) (?:in|into) the (?:middle|center|centre)"
    r"(?: of the (?:picture|photo|frame|image))?(?: by cropping)?)$"
)


def whole(instruction: str) -> Draft | None:
    """extend, when the instruction asks for an aspect without cropping and nothing else."""
    text = normalise(protect(instruction))
    found = _NO_CROP.search(text)
    aspect = aspect_of(text)
    if found is None or aspect is None:
        return None
    rest = text[: found.start()] + " " + text[found.end() :]
    rest = re.sub(r"\d+(?:\.\d+)?\s*(?::|x|by|/)\s*\d+(?:\.\d+)?", " ", rest)
    named = colors(rest)
    plain = re.sub(r"[^a-z' ]", " ", rest)
    for color in named:
        plain = plain.replace(rest[color.span.start : color.span.end], " ")
    if any(w not in _FRAMING_WORDS for w in words(plain)):
        return None
    params: dict[str, Any] = {"aspect": aspect}
    if named:
        params |= {"fill": "color", "color": named[0].rgb}
    return Draft("extend", params)


# "crop it square around the flower", "crop to 4:5 with the cat in the middle", "square crop
# centred on the dog", "crop it square, keep the flower in the middle": a shape, and the
# subject to keep in it, which smart_crop centres on (the faces, else the main subject).
_CENTRED = re.compile(
    r"\b(?:around|round|on|about|centred on|centered on|centring on|centering on|focused on|"
    r"focussed on|with|keep(?:ing)?|so) (?:the |my |our |that |this )?(?:main )?(?P<what>[a-z]+)"
    r"(?:(?: is| stays| sits)? (?:in the (?:middle|centre|center)|centred|centered|in frame|"
    r"in view|in it))?\b"
)
_CROP_VERB = re.compile(r"\b(?:crop|cropped|cropping|cut|frame|reframe|trim)\b")
_CENTRING_WORDS = _FRAMING_WORDS | word_set(
    "around, round, on, about, centred, centered, centring, centering, focused, focussed, "
    "keep, keeping, stays, sits, middle, centre, center, view, main, my, our, cropped, "
    "cropping, trim, tighter, tight, closer"
)


def centred(instruction: str) -> Draft | None:
    """smart_crop when the instruction asks for a shape of crop around a subject it names,
    and nothing else; read whole, as "crop it square, keep the flower in the middle" is split
    at its comma."""
    text = normalise(protect(instruction))
    aspect = aspect_of(text)
    if aspect is None or _CROP_VERB.search(text) is None:
        return None
    face = _AROUND_FACE.search(text)
    if face is not None:
        return _face_centred(text, face, aspect)
    found = [m for m in _CENTRED.finditer(text) if m.group("what") in _SUBJECT]
    if not found or has(text, "face") or has(text, "faces"):
        return None  # a face is the face crop's, read as before
    rest = text
    for match in reversed(found):
        rest = rest[: match.start()] + " " + rest[match.end() :]
    rest = re.sub(r"\d+(?:\.\d+)?\s*(?::|x|by|/)\s*\d+(?:\.\d+)?", " ", rest)
    if any(w not in _CENTRING_WORDS for w in words(re.sub(r"[^a-z' ]", " ", rest))):
        return None
    return Draft("smart_crop", {"aspect": aspect})


# "crop it square around her face", "a 4:5 crop centred on the face on the left": the face
# crop in that shape (a square picture has no larger square to centre on her face).
_AROUND_FACE = re.compile(
    r"\b(?:around|round|on|about|centred on|centered on|centring on|centering on|focused on|"
    r"focussed on) (?P<who>(?:[a-z0-9']+ ){0,3}?)(?:face|head)\b(?P<after> (?:on|in) the "
    r"(?:left|right|middle|centre|center))?"
)
_FACE_WORDS = word_set(
    "her, his, their, the, my, your, our, largest, biggest, main, smallest, left, right, "
    "middle, leftmost, rightmost, first, second, third, last, 1st, 2nd, 3rd, person's, "
    "woman's, man's, girl's, boy's, lady's, guy's"
)


def _face_centred(text: str, found: re.Match[str], aspect: tuple[int, int]) -> Draft | None:
    """crop_face at `aspect` for the face `found` names, when nothing else is asked."""
    if any(w not in _FACE_WORDS for w in words(found.group("who"))):
        return None  # "around the cat's face": no detector finds an animal's face
    rest = text[: found.start()] + " " + text[found.end() :]
    rest = re.sub(r"\d+(?:\.\d+)?\s*(?::|x|by|/)\s*\d+(?:\.\d+)?", " ", rest)
    if any(w not in _CENTRING_WORDS for w in words(re.sub(r"[^a-z' ]", " ", rest))):
        return None
    target = targets.read(found.group(0))
    if target is None or target == targets.ONE:
        return Draft("crop_face", {"aspect": aspect}, one_face=True)
    return Draft("crop_face", {"aspect": aspect, "target": target})


def read(text: str) -> Draft | None:
    """straighten or crop_subject for one normalised clause, or None."""
    bare = " ".join(w for w in text.split() if w not in ("please", "pls", "can", "you", "could"))
    bare = re.sub(r"^(?:can you |could you )", "", bare).strip(" .!")
    # "the horizon is crooked, fix it" said as one clause: "... crooked pls fix"
    level = re.sub(r",?\s+(?:u\s+)?(?:fix|straighten|level|correct)(?: it| that| this)?$", "", bare)
    if (_STRAIGHTEN.match(bare) or _STRAIGHTEN.match(level)) and not has_digit(text):
        return Draft("auto_straighten")
    face = _AROUND_FACE.search(bare)
    aspect = aspect_of(bare) if face is not None and _CROP_VERB.search(bare) else None
    if face is not None and aspect is not None:
        drafted = _face_centred(bare, face, aspect)  # "..., crop it square around her face"
        if drafted is not None:
            return drafted
    if _ANIMAL_FACE_HIDDEN.search(bare):
        return Draft(
            "blur_faces",
            problem="I find people's faces, not an animal's, so I can't blur just its face; "
            "'blur the background' keeps the animal sharp and softens the rest",
        )
    if _ANIMAL_FACE.search(bare):
        return Draft(
            "crop_subject",
            problem="I find people's faces, not an animal's; 'zoom in on the cat' crops to the "
            "main subject instead",
        )
    middle = _IN_MIDDLE.match(bare)
    if middle is not None and (middle["a"] or middle["b"] or middle["c"]) in _SUBJECT:
        return Draft("crop_subject", {"centre": True})
    zoom = _ZOOM.match(bare)
    if zoom is not None and zoom.group("what") in _SUBJECT and not has(text, "face"):
        return Draft("crop_subject")
    closer = _ZOOM_IN.match(bare)
    if closer is not None:
        # "zoom in a bit": the middle, 1.33x ("a bit") or 2x, as "zoom into the center"
        share = CENTRE_ZOOM_MARGIN * (0.5 if closer.group("bit") else 1.0)
        return Draft("crop", dict.fromkeys(("left", "top", "right", "bottom"), share))
    centre = _CENTRE.match(bare)
    if centre is not None:
        # "zoom into the center": the middle at 2x ("a bit": 1.33x), the same off every side
        share = CENTRE_ZOOM_MARGIN * (0.5 if centre.group("bit") else 1.0)
        return Draft("crop", dict.fromkeys(("left", "top", "right", "bottom"), share))
    return None


CENTRE_ZOOM_MARGIN = 0.25  # off every side: 2x
_ZOOM_IN = re.compile(r"^zoom in(?: closer)?(?P<bit> a (?:bit|little|touch|tad))?(?: more)?$")
_CENTRE = re.compile(
    r"^(?:zoom|crop) (?:in )?(?P<bit>a (?:bit|little|touch) )?(?:in )?(?:on|to|into|in to|"
    r"towards?) the (?:center|centre|middle)(?: of (?:it|the (?:picture|photo|image)))?$"
)
