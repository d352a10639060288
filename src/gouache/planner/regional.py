"""Reading a tone edit of one region: "warm up the sky", "make the background darker",
"brighten her face", "black and white but keep her in colour" -> `adjust_region`.

A clause is read here when it names exactly one region and one tone edit, and nothing that
another operator owns: a colour for the background is a new background ("make the background
white"), a blur of the background, the subject or a face has its own operators, and removing
or replacing anything is not a tone edit. The amount comes from the tone operator's own phrase
rule, so "a bit darker" means the same here as for the whole picture. Besides tone: "make the
cat pop", "a more dramatic sky", "sharpen his face", "enhance the stars" (pop, dramatic,
clarity, sharpen: amount 1, halved by "a bit").

    sky          sky, skies
    stars        stars (small bright points on a dark picture)
    faces        face, faces, skin (before "her", so "her face" is the face)
    background   background, backdrop, the rest, everything else, surroundings
    subject      subject, foreground, person, her, him, them, the cat, the dog ...: the
                 GrabCut subject stands for them (it cannot tell a cat from a dog)
    left ...     the left side, the right half, the top part, the lower half: that half

A face named by place ("brighten the face on the left", "the second face") is that face only;
"her face" with several faces asks which (`targets.question`), as a face blur does.

Nothing is read when the picture has no such region: the grounding (`ground`) says which
region was not found.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import replace
from typing import Any

from gouache.colors import parse_color
from gouache.planner import targets
from gouache.planner.clauses import Span, colors, has, normalise, protect, without, words
from gouache.planner.nouns import ANIMAL_NOUNS, PEOPLE_NOUNS, THING_NOUNS
from gouache.planner.phrases import RULES as TONE_RULES
from gouache.planner.phrases import Clause, Draft
from gouache.planner.plan import PlanContext, PlannerQuestion
from gouache.planner.references import ORDINALS, Problem
from gouache.planner.vocabulary import TINT_WORDS, intensity, negated

# Edits of several steps (`gouache.ops.regions`), amount 1 at full strength.
_RECIPES = frozenset({"dramatic", "pop", "clarity", "sharpen", "smooth"})

OP = "adjust_region"
HALVES = ("left", "right", "top", "bottom")
# A half fades in over this share of the shorter side (the operator's `feather`).
HALF_FEATHER = 0.1

_REGIONS: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("sky", ("sky", "skies")),
    ("stars", ("stars", "star", "galaxies", "galaxy")),
    ("faces", ("face", "faces", "skin")),
    ("background", ("background", "backdrop", "the rest", "everything else", "surroundings",
                    "bg")),
    ("left", ("left side", "left half", "left part", "left hand side")),
    ("right", ("right side", "right half", "right part", "right hand side")),
    ("top", ("top half", "top part", "upper half", "upper part", "top side")),
    ("bottom", ("bottom half", "bottom part", "lower half", "lower part", "bottom side")),
    ("subject", ("subject", "foreground", "people", "her", "him", "them",
                 *sorted(PEOPLE_NOUNS | ANIMAL_NOUNS | THING_NOUNS))),
)  # fmt: skip
# One person among several, by place: the subject cut is the main subject, not that person.
_PEOPLE = tuple(sorted(PEOPLE_NOUNS))
_PLACED = re.compile(
    r"\b(?:left|right|middle|center|centre|leftmost|rightmost|first|second|third|fourth|1st|"
    r"2nd|3rd|4th|last|other)\b"
)
# The tone edits, by the words that name them (looked for in this order).
_EDITS: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("grayscale", ("blackandwhite", "grayscale", "greyscale", "monochrome", "mono", "grey",
                   "gray")),
    ("dramatic", ("dramatic", "drama", "moody", "moodier", "stormier")),
    ("pop", ("pop", "stand out", "enhance", "punchy", "punchier")),
    ("clarity", ("clarity", "depth", "definition", "local contrast")),
    ("sharpen", ("sharpen", "sharper", "sharp", "crisp", "crisper", "sharpness", "clearer")),
    ("warmth", ("warm", "warmer", "warmth", "cool", "cooler", "colder", "cold")),
    ("saturation", ("saturate", "desaturate", "saturated", "desaturated", "saturation", "vibrant",
                    "vivid", "richer", "colorful", "colourful", "muted")),
    ("contrast", ("contrast", "contrasty")),
    ("exposure", ("exposure",)),
    ("brightness", ("bright", "brighter", "brighten", "lighter", "lighten", "dark", "darker",
                    "darken", "dim", "dimmer", "brightness")),
    ("smooth", ("smooth", "smoother", "smoothen", "airbrush", "retouch")),
    ("blur", ("blur", "blurry", "blurrier", "soften", "defocus")),
)  # fmt: skip
# Verbs of other operators: a clause holding one is not a tone edit of a region.
_NOT_TONE = ("remove", "replace", "erase", "delete", "swap", "change", "cut", "crop", "add",
             "put", "pixelate", "hide", "zoom", "paste", "turn into", "transparent")  # fmt: skip
_MORE_OF = re.compile(r"\bmore\s+(red|green|blue|yellow|orange|pink|purple)\b")
_SUBJECT = "her|him|them|the (?:subject|people|{})".format(
    "|".join(sorted(PEOPLE_NOUNS | ANIMAL_NOUNS | THING_NOUNS, key=len, reverse=True))
)
_ALL_BUT = re.compile(
    r"^(?:blur|soften|defocus)(?: out)? (?:everything|all|the rest|the whole (?:thing|picture|"
    r"photo|image)|the (?:picture|photo|image)|it)(?: else)?(?: (?:a bit|a little|a lot|more))?"
    rf",? (?:except(?: for)?|but|apart from|other than|besides|save for|around) (?:{_SUBJECT}|"
    r"the (?:kitten|kitty|puppy|main subject|foreground))(?: (?:a bit|a little|a lot))?$"
)
_GREY = "(?:blackandwhite|grayscale|greyscale|monochrome|desaturated?|grey|gray)"
_KEEP = (
    re.compile(
        rf"^(?:(?:make|turn|convert|set) it (?:to |into )?)?{_GREY}(?: it)?\s*(?:,|but|and|while"
        rf"|except)?\s*(?:keep(?:ing)?|leave|leaving) (?P<who>{_SUBJECT}) (?:in )?colou?r(?:ed)?$"
    ),
    re.compile(
        rf"^keep(?:ing)? (?P<who>{_SUBJECT}) in colou?r\s*(?:,|and|but)?\s*(?:make |turn )?"
        rf"(?:the rest|everything else|the background)(?: of it)? (?:in |to )?{_GREY}$"
    ),
)


# "make everything black and white except the cat": the background is what is edited
_EVERYTHING_BUT = re.compile(
    r"^(?P<head>.*?)\b(?:everything|all of it|the whole (?:thing|picture|photo|image))"
    r"(?: else)?(?P<mid>.*?),? (?:except(?: for)?|but|apart from|other than|besides|save for) "
    rf"(?:{_SUBJECT}|the (?:kitten|kitty|puppy|main subject|foreground))"
    r"(?P<tail>(?! ?'s\b| (?:face|faces|eyes|hair|skin)\b).*)$"
)
_KEEP_SHARP = re.compile(
    rf"^keep(?:ing)? (?:{_SUBJECT}|the (?:kitten|kitty|puppy|main subject|foreground)) "
    r"(?:sharp|in focus|crisp|clear),? (?:and |but |while )?(?:blur(?:ring)?|soften(?:ing)?|"
    r"defocus(?:ing)?) (?:the rest|everything else|the background|the bg|all the rest)"
    r"(?: (?:a bit|a little|a lot|more))?$"
)
# "but keep the sky as it is", "leave the faces alone": a region the edit must not touch
_LEFT_ALONE = re.compile(
    r"^(?:(?:but|and|while|just) )*(?:keep(?:ing)?|leave|leaving|preserve|(?:don'?t|do not) "
    r"(?:change|touch|alter))(?: the)? (?P<what>[a-z]+)(?: (?:as it is|as they are|alone|"
    r"untouched|unchanged|the same|as is|intact))?$"
)
_EVERYTHING = re.compile(r"\b(?:everything|all of it|the whole (?:thing|picture|photo|image))\b")
_BEHIND = re.compile(rf"\bbehind (?:{_SUBJECT}|it)\b")
# "brighten the room around her", "the space around the cup": the background (it was her)
_AROUND_SUBJECT = re.compile(
    r"\b(?:the )?(?:room|space|area|scene|stuff|everything|things|surroundings) (?:around|round|"
    rf"surrounding) (?:{_SUBJECT}|it)\b"
)
# "make him stand out from the background": the background is what he stands out against,
# the region edited is the subject.
_AGAINST = re.compile(r"\b(?:stand|stands|pop|pops) out (?:from|against|of) .*$")


# "make the sky darker and bluer": a bare comparative after a region's edit is more of it
_BARE = re.compile(
    r"^(?:and |but |also )?(?:(?:a |way )?(?:bit|little|tad|touch|lot|much|slightly|somewhat|"
    r"even|way) )*(?:[a-z]+er|(?:more|less) [a-z]+)$"
)
_NAMED_AS = {"sky": "the sky", "background": "the background", "subject": "the subject",
             "stars": "the stars", "faces": "the faces", "left": "the left half",
             "right": "the right half", "top": "the top half",
             "bottom": "the bottom half"}  # fmt: skip


def continued(text: str, previous: Draft) -> str:
    """A bare comparative clause ("bluer", "a bit warmer") after an edit of a region, read as
    an edit of the same region; any other clause as it is."""
    params = previous.params
    region = str(params.get("region", ""))
    if previous.op != OP or region not in _NAMED_AS or not _BARE.match(text.strip()):
        return text
    if "faces" in params or "target" in params or "within" in params:
        return text  # a face or a part named: not guessed again
    return f"make {_NAMED_AS[region]} {text.strip()}"


def _region(text: str) -> tuple[str, str] | None:
    """The one region a clause names, with the word that names it; None for none or two.
    "the flag behind her" is the background, whatever stands behind."""
    behind = _BEHIND.search(text) or _AROUND_SUBJECT.search(text)
    if behind is not None:
        return ("background", behind.group(0))
    against = _AGAINST.search(text)
    if against is not None:
        named = _region(text[: against.start()])
        return named if named is not None else ("subject", "it")
    found: list[tuple[str, str]] = []
    for region, names in _REGIONS:
        word = next((n for n in names if has(text, n)), None)
        if word is not None and not (region == "subject" and found):
            found.append((region, word))
    return found[0] if len(found) == 1 else None


# "the top half of the sky", "the upper part of the background": a half of a region
_HALF_OF = re.compile(
    r"\b(?:the )?(?P<half>top|upper|bottom|lower|left|right)(?: hand)?(?: (?:half|part|side|"
    r"portion))? of "
    r"(?=the |her |his )"
)
_HALF_NAMES = {"upper": "top", "lower": "bottom"}


def _half_of_a_region(text: str) -> Draft | None:
    """ "darken the top half of the sky": the edit of the region, in that half of it."""
    found = _HALF_OF.search(text)
    if found is None:
        return None
    half = _HALF_NAMES.get(found.group("half"), found.group("half"))
    draft = read(text[: found.start()] + text[found.end() :])
    if draft is None or draft.op != OP or draft.problem is not None:
        return None
    if draft.params["region"] in HALVES or "target" in draft.params:
        return Draft(
            OP,
            problem=f"a half of one region at a time: e.g. 'darken the {half} half of the sky'",
        )
    return replace(draft, params={**draft.params, "within": half})


# Parts of a face: only the eyes (brightened) and the teeth (whitened) are found, from the
# faces' landmarks (`planner.faceparts`); any other edit of them is refused here.
_FACE_PART = re.compile(
    r"\b(?:eyes|eye|teeth|tooth|lips|lip|mouth|nose|ears|ear|eyebrows|eyelashes|irises|iris|"
    r"pupils)\b"
)


_RED_EYES = re.compile(r"\bred(?:\s+|-)?eyes?\b|\beyes?\s+(?:are|is|look|looks)\s+red\b")
_GENERATIVE = "use a generative backend (--backend gemini, openai, diffusers or comfyui)"


def _face_part_problem(part: str, coloured: bool) -> str:
    if coloured:  # "make her eyes blue": a new colour is drawn, not toned
        return f"a new colour for the {part} takes new content: {_GENERATIVE}"
    if part in ("eyes", "eye"):
        return (
            'of the eyes alone I can only brighten them ("make her eyes pop"); for any other '
            f"edit of the eyes, {_GENERATIVE}"
        )
    if part in ("teeth", "tooth"):
        return f'of the teeth I can only whiten them ("whiten her teeth"); otherwise, {_GENERATIVE}'
    return (
        f"I cannot pick out the {part} on their own, only whole faces: say e.g. "
        f'"brighten the face", or {_GENERATIVE}'
    )


# "add some drama to the sky": a tone given to a region, not a thing added to it
_ADD_TONE = re.compile(
    r"^add (?:some |more |(?P<size>a (?:bit|touch|little)|a lot) (?:of )?)?(?=(?:drama|warmth|"
    r"contrast|clarity|depth|definition|punch|saturation|brightness|sharpness) (?:to|on|in)\b)"
)


# "make the sky less washed out", "the background looks faded": a region's colour to deepen
_WASHED = re.compile(
    r"\b(?:(?:less|not so|not as)|(?:looks?|is|are|seems?)(?: (?:a bit|too|so|very|really|"
    r"kind of))?) (?:washed out|faded)\b"
)


def read(text: str) -> Draft | None:
    """The adjust_region draft of one normalised clause, or None when it is not one."""
    text = _WASHED.sub("more saturated", text)
    added = _ADD_TONE.match(text)
    if added is not None:  # given as "more" of it, at the size said
        size = f"{added.group('size')} " if added.group("size") else ""
        text = f"give {size}more {text[added.end() :]}"
    if any(has(text, verb) for verb in _NOT_TONE):
        return None
    if _EVERYTHING.search(text) and _EXCEPT.search(text):
        # "everything except her face": not the face, and no region here is all but it
        return Draft(
            OP,
            problem="I can edit the background (all but the main subject), the sky, the faces "
            'or a half; say e.g. "make the background black and white"',
        )
    kept = _kept(text)
    if kept is not None:
        return kept
    left = _LEFT_ALONE.match(text)
    if left is not None and _region(text) is not None:
        return Draft(
            OP,
            problem=f"I cannot leave the {left.group('what')} out of an edit of the whole picture: "
            "edit one region instead (the background, the subject, the faces, the sky or a "
            'half), e.g. "increase the contrast of the background", or give where to edit as '
            "a box (gouache edit --box X,Y,W,H, /box in chat) or draw it in the web UI "
            "(gouache ui): every pixel outside it stays as it was",
        )
    half = _half_of_a_region(text)
    if half is not None:
        return half
    named = _region(text)
    if named is None:
        return _of_a_colour(text)
    region, word = named
    rest = without(text, [_span(text, word)])
    rest = _FACE_NUMBERS.sub(lambda m: " " * len(m.group(0)), rest)  # not an amount
    found = colors(rest)
    more_of = _MORE_OF.search(rest)
    tint = next((TINT_WORDS[w] for w in TINT_WORDS if has(rest, w)), None)
    edit, said = next(((e, w) for e, words in _EDITS for w in words if has(rest, w)), (None, ""))
    part = _FACE_PART.search(text)
    toned = found or more_of is not None or tint is not None or edit is not None
    if part is not None and toned and not _RED_EYES.search(text):
        # "darken her eyes", "make her eyes greener": the subject or the face named with them
        # is not what was asked (brighter eyes, whiter teeth and red eyes have their own edits)
        coloured = bool(found) or more_of is not None or tint is not None
        return Draft(OP, problem=_face_part_problem(part.group(0), coloured))
    if more_of is not None or tint is not None:
        name = more_of.group(1) if more_of is not None else tint
        return Draft(OP, {"region": region, "edit": "tint", "color": parse_color(str(name)),
                          "amount": 0.25})  # fmt: skip
    if (
        found
        and region == "sky"
        and re.match(r"(?:make|turn|paint|color|colour) (?:the )?sky", text)
    ):
        # "make the sky pink": a strong tint of the sky (its clouds and light kept)
        return Draft(OP, {"region": "sky", "edit": "tint", "color": found[0].rgb, "amount": 0.5})
    if (
        found
        and region == "subject"
        and word not in (*_PEOPLE, "her", "him", "them", "person", "people")
        and re.match(rf"(?:make|turn|paint|color|colour) (?:the )?{word}\b", text)
    ):
        # "make the flower red": a strong tint of the subject, as of the sky (a person's colour
        # is not changed: "make her blue" is not a tint)
        return Draft(OP, {"region": "subject", "edit": "tint", "color": found[0].rgb,
                          "amount": 0.5})  # fmt: skip
    if found:
        return None  # "make the background white": a new background, not a tone
    if edit is None or (edit == "blur" and re.search(r"\blight(?:ing)?\b", rest)):
        return None  # "soften the lighting on her face" is a relight, neither blur nor retouch
    if edit != "blur" and region == "subject" and word in _PEOPLE and _PLACED.search(text):
        # ("blur the woman on the left" blurs her face, which is what hides her)
        return Draft(OP, problem=_by_place(word))
    if edit != "blur" and region == "subject" and _PLACED.search(rest):
        # "the flower on the left": the one subject found may not be that one
        return Draft(OP, problem=_by_place(word))
    if edit == "blur" and region == "faces" and said == "soften":
        edit = "smooth"  # "soften her skin" is a retouch, not a blur of the face
    if edit == "blur":
        # the background, the subject and the faces have their own blurs: "make the
        # background blurry" is the background blur
        if region == "background" and not negated(rest) and not re.search(r"\d", rest):
            stated = intensity(rest)
            radius = 12.0 * (1.0 if stated is None else stated)
            return Draft("blur_background", {"radius": round(radius, 4)})
        return (
            Draft(OP, {"region": "sky", "edit": "blur", "amount": 3.0}) if region == "sky" else None
        )
    if edit == "grayscale":
        return _placed(Draft(OP, {"region": region, "edit": "grayscale", "amount": 1.0}), text)
    if edit in _RECIPES:
        if negated(rest):  # "less dramatic", "less sharp": these edits only add
            where = {"faces": "the face", "subject": "the subject"}.get(region, f"the {region}")
            return Draft(
                OP,
                problem=f"'{said}' only adds; for less, 'lower the contrast of {where}' softens it",
            )
        # "dramatic" is also an intensity word: the edit's own word says no strength
        stated = intensity(without(rest, [_span(rest, said)]))
        factor = 1.0 if stated is None else min(2.0, stated)
        return _placed(Draft(OP, {"region": region, "edit": edit, "amount": factor}), text)
    clause = Clause(text=rest, rest=rest, plain=rest, keyword="", quotes=(), colors=())
    tone = TONE_RULES[edit](clause)
    if tone is None:
        return None
    amount = tone.params.get("amount", tone.params.get("stops"))
    return _placed(Draft(OP, {"region": region, "edit": edit, "amount": amount}), text)


# "make the reds warmer", "sharpen the browns", "make the orange into red": a colour named as
# what an edit is for that the colour's own edit (`planner.hues`: its saturation, lightness or
# hue, read first) is not, and no region here picks out (the edit was done to everything)
_HUES = "red|orange|yellow|green|blue|purple|pink|brown|violet|teal|cyan|magenta"
_A_COLOUR = re.compile(
    rf"\b(?:of |in )?the (?P<hue>{_HUES})(?:s|es)?(?: (?:ones|areas|parts|tones|colou?rs?))?"
    r"(?=$| (?:more|less|a bit|a little|slightly|much|way|brighter|darker|lighter|stronger|"
    r"weaker|warmer|cooler|richer|deeper|[a-z]+ed|[a-z]+er|[a-z]+ish)\b)"
)
_LESS_OF = re.compile(rf"\bless\s+(?:{_HUES})\b")


def _recoloured(text: str, hue: str) -> bool:
    """Whether a clause whose object is the colour `hue` asks for another colour, or less of
    one: "make the orange more red", "the blue less blue", "the green bluer"."""
    rest = re.sub(rf"\bthe {hue}\w*", " ", text, count=1)
    return bool(
        _MORE_OF.search(rest)
        or _LESS_OF.search(rest)
        or any(has(rest, w) for w in TINT_WORDS)
        or re.search(rf"\b(?:to|into) (?:{_HUES})\b", rest)
    )


def _of_a_colour(text: str) -> Draft | None:
    """The problem of a tone edit whose object is a colour: it would change everything."""
    hue = _A_COLOUR.search(text)
    if hue is None:
        return None
    if _recoloured(text, hue.group("hue")):
        named = hue.group("hue")
        rest = re.sub(rf"\bthe {named}\w*", " ", text, count=1)
        said = [rest[c.span.start : c.span.end] for c in colors(rest)]
        target = next((c for c in said if c != named), None)
        target = target or next((TINT_WORDS[w] for w in TINT_WORDS if has(rest, w)), None)
        swap = f'"change the {named} to {target}" replaces it with {target}; or ' if target else ""
        turn = f'"make the {named}s more {target}" turns them toward it; ' if target else ""
        return Draft(
            OP,
            problem=f"I cannot make all of the {named} another colour in a photo, and a tint "
            f"would change every colour: {turn}in a chart or graphic {swap}say it for the "
            'whole picture (e.g. "make it warmer"), or for the sky, the background, the '
            'subject or the faces (e.g. "make the subject redder"); a generative backend '
            "(--backend gemini, openai, diffusers or comfyui) can change one colour",
        )
    edit = next((e for e, words in _EDITS for w in words if has(text, w)), None)
    if edit is None or edit == "grayscale":
        return None
    named = hue.group("hue")
    edit = _EDIT_NOUNS.get(edit, edit)
    return Draft(
        OP,
        problem=f'of one colour I can change its saturation, lightness or hue (e.g. "make the '
        f'{named}s more saturated", "make the {named}s darker"), not its {edit}, which would '
        'change every colour: say it for the whole picture (e.g. "more contrast"), or for the '
        'sky, the background, the subject or the faces (e.g. "make the subject warmer")',
    )


_EDIT_NOUNS = {"sharpen": "sharpness", "dramatic": "drama", "smooth": "smoothness",
               "pop": "punch"}  # fmt: skip


def _by_place(word: str) -> str:
    """Why one person or thing named by place cannot be the region: the subject cut finds
    the one main subject, and faces are all that is found of each person."""
    if word in _PEOPLE:
        return (
            f'I find faces, not one whole {word} among several: say "the face on the left" '
            '(or right, middle, "face 2") for that face, or "the subject" for the main subject'
        )
    return (
        f"I find one main subject, and cannot tell one {word} from another by place: say "
        f'"the {word}" for the main subject, or "the left side" (or right, top, bottom) for '
        "that half of the picture"
    )


def _kept(text: str) -> Draft | None:
    """ "make it black and white except the flower": the region named after "except" is the
    one left as it is, so the edit is of the background when it is the subject, and no
    region here is all but the sky or the faces."""
    excepted = _EXCEPT.search(text)
    if excepted is None or _region(text[: excepted.start()]) is not None:
        return None
    kept = _region(text[excepted.end() :])
    if kept is None:
        return None
    if kept[0] == "subject" and _PLACED.search(text[excepted.end() :]):
        # "everyone black and white except the person on the left": not the main subject
        return Draft(OP, problem=_by_place(kept[1]))
    if kept[0] != "subject":
        return Draft(
            OP,
            problem=f"I cannot edit everything but the {kept[1]}, only the background (all "
            'but the main subject), the sky, the faces or a half: e.g. "make the background '
            'black and white"',
        )
    return read(f"{text[: excepted.start()].rstrip(' ,')} the background")


def _placed(draft: Draft, text: str) -> Draft:
    """A half gets a wide feather (no seam down the middle); a face named by place or number
    keeps its target, for `ground` to number."""
    region = draft.params["region"]
    if region in HALVES:
        return replace(draft, params={**draft.params, "feather": HALF_FEATHER})
    if region != "faces":
        return draft
    return face_target(draft, text)


def face_target(draft: Draft, text: str) -> Draft:
    """The faces a clause names, kept on a face edit's draft for `numbered` to number: a
    place or number as `target`, several as a list (and those left out as `exclude`), one
    face not said which as `one_face`."""
    named, excluded = _face_places(text)
    if len(named) > 1 or excluded:  # "the faces on the left and right", "all but the middle"
        return replace(draft, params={**draft.params, "target": named, "exclude": excluded})
    target = targets.read(text)
    if target == targets.ONE:
        return replace(draft, one_face=True)
    if target is None or target == "all":
        return draft
    return replace(draft, params={**draft.params, "target": target})


_PLACE = r"(?:leftmost|rightmost|left|right|middle|centre|center|" + "|".join(ORDINALS) + ")"
# "faces 1 and 3", "face #2": numbers count only after the word face
_FACE_NUMBERS = re.compile(r"\bfaces? (?:number |no |#)?\d+(?:(?:,|,? and| &|\+) ?\d+)*\b")
_EXCEPT = re.compile(r"\b(?:except(?: for)?|apart from|other than|besides|save for)\b")


def _face_places(text: str) -> tuple[list[targets.Target], list[targets.Target]]:
    """The faces named by place ("on the left and right", "faces 1 and 3", "the second and
    third"), and those left out ("all faces except the middle one")."""
    head, *rest = _EXCEPT.split(text, maxsplit=1)

    def places(part: str) -> list[targets.Target]:
        found: list[targets.Target] = []
        numbered = _FACE_NUMBERS.search(part)
        said = re.findall(rf"(?<![\w']){_PLACE}(?![\w'])", part)
        said += re.findall(r"\d+", numbered.group(0)) if numbered is not None else []
        for word in said:
            place: targets.Target = (
                int(word) if word.isdigit() else ORDINALS.get(word, _SAME.get(word, word))
            )
            if place not in found:
                found.append(place)
        return found

    return places(head), places(rest[0]) if rest else []


_SAME = {"leftmost": "left", "rightmost": "right", "centre": "middle", "center": "middle"}


def whole(instruction: str) -> Draft | None:
    """ "black and white but keep her in colour", "keep the cat in colour and make the rest
    black and white": the background in grey, read from the whole instruction (the "but"
    and "and" that would split it are part of it)."""
    text = normalise(protect(instruction)).strip(" .!")
    text = re.sub(r"^(?:please|pls|can you|could you)\s+", "", text)
    text = re.sub(r"\s+(?:please|pls)$", "", text)
    if any(pattern.match(text) for pattern in _KEEP):
        return Draft(OP, {"region": "background", "edit": "grayscale", "amount": 1.0})
    but = _EVERYTHING_BUT.match(text)
    if but is not None and not _ALL_BUT.match(text):
        draft = read(f"{but.group('head')}the background{but.group('mid')}{but.group('tail')}")
        if draft is not None and (
            draft.params.get("region") == "background" or draft.op == "blur_background"
        ):
            return draft
    if _KEEP_SHARP.match(text):  # "keep the cat sharp and blur the rest": no sharpening
        stated = intensity(text)
        radius = 12.0 * (1.0 if stated is None else stated)
        return Draft("blur_background", {"radius": round(radius, 4)})
    if _ALL_BUT.match(text):  # "blur everything except the cat": the background blur
        stated = intensity(text)
        radius = 12.0 * (1.0 if stated is None else stated)
        return Draft("blur_background", {"radius": round(radius, 4)})
    if _FACE_NUMBERS.search(text) and re.search(r"\d+ (?:and|&) \d+", text):
        draft = read(text)  # "darken faces 1 and 4": the "and" that would split it
        if draft is not None and "target" in draft.params:
            return draft
    if re.search(
        r"\bfaces\b.* but (?:the |for the )?(?:one )?(?:on |in )?(?:the )?" + _PLACE, text
    ):
        # "brighten all faces but the middle one": the "but" that would split it
        draft = read(re.sub(r" but ", " except ", text, count=1))
        if draft is not None and "exclude" in draft.params:
            return draft
    return None


def ground(
    draft: Draft,
    context: PlanContext | None,
    instruction: str = "",
    choices: Mapping[str, Any] | None = None,
) -> Draft | Problem | PlannerQuestion:
    """The draft, or a problem when its region is not in the picture; a face named by place
    becomes its number from the left, and "her face" among several a question."""
    region = str(draft.params["region"])
    if context is None:
        return numbered(draft, None, None)
    if context.region(region) > 0.0:
        if region == "subject":
            return _subject(draft, context, instruction)
        if region == "faces":
            return numbered(draft, context, (choices or {}).get(targets.SLOT), instruction)
        return draft
    name = {
        "faces": "a face",
        "sky": "any sky",
        "stars": "stars (small bright points on a dark sky)",
    }.get(region, f"a {region}")
    return Problem(f"I can't find {name} in this picture, so I changed nothing")


# Things only the GrabCut subject can stand for; an animal is never a person found by a face.
_THINGS = ANIMAL_NOUNS | THING_NOUNS


def _subject(draft: Draft, context: PlanContext, instruction: str) -> Draft | Problem:
    """The subject draft with a note naming what it stands for; a problem when an animal is
    named but the subject is a person (found from a face)."""
    said = (w.removesuffix("'s") for w in words(normalise(instruction)))
    named = next((w for w in said if w in _THINGS), "")
    if named in ANIMAL_NOUNS and list(context.faces()):
        return Problem(
            f"the main subject here is a person (found from a face); I cannot recognise a "
            f"{named}, so I changed nothing"
        )
    what = f"the {named}" if named else "the subject"
    be = "are" if named.endswith("s") and not named.endswith(("us", "ss")) else "is"  # bus
    return replace(
        draft,
        note=f"{what} {be} taken to be the main subject GrabCut finds, not recognised by name",
    )


def numbered(
    draft: Draft,
    context: PlanContext | None,
    chosen: targets.Target | None,
    instruction: str = "",
) -> Draft | Problem | PlannerQuestion:
    """The face target of a faces draft as `faces` numbers; all faces as no number."""
    params = {k: v for k, v in draft.params.items() if k not in ("target", "exclude")}
    target = chosen if chosen is not None else draft.params.get("target")
    boxes = list(context.faces()) if context is not None else []
    count = len(boxes)
    if isinstance(target, list):
        return _several(draft, params, target, draft.params.get("exclude", []), boxes)
    if draft.one_face and target is None:
        if count > 1:
            return targets.question(instruction, count)
        return replace(draft, params=params, one_face=False)
    if target is None or target == "all":
        return replace(draft, params=params, one_face=False)
    if context is None:
        if isinstance(target, int) and target > 0:
            return replace(draft, params={**params, "faces": [target]}, one_face=False)
        if target == "left":
            return replace(draft, params={**params, "faces": [1]}, one_face=False)
        return Problem("without the picture at hand, name the face by number from the left")
    if target == "middle" and count % 2 == 0:
        return targets.question(instruction, count)
    number = _place_number(target, count, boxes)
    if number is None:
        return Problem(f'I can\'t tell which face "{target}" is')
    if not 1 <= number <= count:
        said = "is only 1 face" if count == 1 else f"are only {count} faces"
        return Problem(f"there {said} in this picture, so I changed nothing")
    faces = {"faces": [number]} if count > 1 else {}  # the only face is all of them
    return replace(draft, params={**params, **faces}, one_face=False)


def _several(
    draft: Draft,
    params: dict[str, Any],
    named: list[targets.Target],
    excluded: list[targets.Target],
    boxes: list[Any],
) -> Draft | Problem:
    """Several faces by place, every one of them there, or all but some; never a part of what
    was asked."""
    count = len(boxes)
    if count == 0:
        return Problem("without the picture at hand, name the faces by number from the left")
    numbers: list[int] = []
    for place in named + excluded:
        number = _place_number(place, count, boxes)
        if number is None or not 1 <= number <= count:
            said = "is only 1 face" if count == 1 else f"are only {count} faces"
            return Problem(f"there {said} in this picture, so there is no face {place}")
        numbers.append(number)
    if excluded:
        left_out = set(numbers[len(named) :])
        kept = set(numbers[: len(named)]) or set(range(1, count + 1))
        numbers = sorted(kept - left_out)
        if not numbers:
            return Problem("that leaves no face to change")
    faces = sorted(set(numbers))
    if faces == list(range(1, count + 1)):
        return replace(draft, params=params, one_face=False)
    return replace(draft, params={**params, "faces": faces}, one_face=False)


def _place_number(place: targets.Target, count: int, boxes: list[Any]) -> int | None:
    if isinstance(place, int):
        return count + 1 + place if place < 0 else place
    if place == "left":
        return 1
    if place == "right":
        return count
    if place == "middle":
        return (count + 1) // 2 if count % 2 else None
    if place in ("largest", "smallest"):
        areas = [box.w * box.h for box in boxes]
        return areas.index(max(areas) if place == "largest" else min(areas)) + 1
    return None


def _span(text: str, word: str) -> Span:
    match = re.search(rf"(?<![\w']){re.escape(word)}(?![\w'])", text)
    return Span(match.start(), match.end()) if match else Span(0, 0)
