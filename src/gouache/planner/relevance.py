"""The closest edits a refusal offers: edits that apply to this picture and share the request's
intent, ranked by relevance.

A request and an offered edit are each read as a set of topics (`TOPICS`: face, text, sky,
subject, tone, colour, soften, sharpen, geometry, style, weather, restore, canvas): the
words they use, plus, for an offer, the topics of the operator it runs (`OP_TOPICS`). An offer is

- applicable when the picture holds what it edits (`Picture.holds`): a face for a face edit,
  text for a text edit, a sky for a sky edit, a subject that stands out from its background
  for a cut or a background edit; and when an edit that looks before it changes anything
  would take it (`Picture.takes`: a colour to recolour, a tilt to level). Planning the offer
  on the picture checks the rest;
- related when it shares a topic or a content word with the request.

Related offers are ranked by shared topics (a picture part, such as the face, counts twice a
kind of edit, such as tone), then shared words, then by what the picture analysis says is
present (a face edit first on a portrait). When nothing related applies ("make it glorbish",
"add a dragon"), the offers are the few edits most useful for this picture (`useful`). No
offer is ever carried out: the reply only lists them.
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from functools import cached_property
from typing import Any

from gouache.planner.generative import nearest_look
from gouache.planner.plan import PlanContext, Step
from gouache.planner.vocabulary import COMMON_COLORS, FILLER, word_set

# Parts of a picture: an offer about one needs it there; a shared part counts twice.
PARTS = ("face", "text", "sky", "stars", "subject")
TOPICS: dict[str, frozenset[str]] = {
    "face": word_set(
        "face, faces, facial, skin, smile, smiling, smiles, frown, laugh, grin, eye, eyes, "
        "eyebrows, hair, hairstyle, beard, moustache, mustache, makeup, lipstick, lips, mouth, "
        "nose, teeth, cheeks, chin, wrinkles, freckles, acne, blemishes, complexion, glasses, "
        "sunglasses, hat, expression, younger, older, portrait, headshot, avatar, selfie, head, "
        "red eye, red eyes"
    ),
    "text": word_set(
        "text, word, words, letter, letters, lettering, sign, caption, title, headline, typo, "
        "typos, spelling, email, phone, number, plate, licence, license, handwriting, "
        "handwritten, writing, written, font, translate, label, watermark, code, says, "
        "readable, document, page, menu, quote, notification, notifications, message, messages, "
        "private, privacy, hide"
    ),
    "sky": word_set("sky, skies, sunset, sunrise, sun, rainbow, clouds, cloud, cloudy, dusk, dawn"),
    "stars": word_set("stars, star, galaxy, galaxies, nebula, space, milky"),
    "subject": word_set(
        "subject, background, backdrop, behind, beach, surroundings, setting, person, "
        "people, man, woman, child, kid, cat, dog, animal, cup, rocket, object, tourists, "
        "crowd, everyone, dress, shirt, suit, uniform, clothes, outfit, "
        "jacket, moon"
    ),
    "tone": word_set(
        "bright, brighter, brighten, brightness, dark, darker, darken, light, lighter, lighten, "
        "dim, dimmer, contrast, exposure, exposed, shadows, highlights, glow, glowing, dramatic, "
        "moody, gloomy, night, sunny, dull, flat, punchy"
    ),
    "colour": word_set(
        "colour, color, colours, colors, coloured, colored, colourful, colorful, colorize, "
        "colourize, colorise, colourise, recolor, recolour, tint, warm, warmer, cool, cooler, "
        "hot, hotter, cold, saturated, saturation, vivid, vibrant, faded, muted, sepia, blonde, "
        "golden, pastel, monochrome, white balance, bluer, redder, greener, yellower, warmth"
    )
    | COMMON_COLORS,
    "soften": word_set(
        "blur, blurry, blurred, smooth, smoother, soft, softer, soften, noise, noisy, denoise, "
        "fluffy, fluffier, pixelate, pixelated, younger, dreamy"
    ),
    "sharpen": word_set(
        "sharp, sharper, sharpen, crisp, crisper, focus, detail, details, clarity, texture, "
        "hd, resolution"
    ),
    "geometry": word_set(
        "crop, zoom, rotate, straight, straighten, tilt, tilted, flip, mirror, size, bigger, "
        "smaller, larger, taller, shorter, wider, narrower, resize, scale, square, landscape, "
        "rounder, bar, bars, letterbox, closer, tighter"
    ),
    "style": word_set(
        "style, painting, paint, painted, art, artistic, cartoon, anime, sketch, drawing, "
        "drawn, 3d, vintage, retro, film, cinematic, watercolour, watercolor, oil, comic, pixel, "
        "filter, effect, aesthetic, vibe, ghibli, handwritten"
    ),
    "weather": word_set(
        "rain, rainy, raining, snow, snowy, snowing, winter, wintry, storm, stormy, blizzard, "
        "fog, foggy, weather"
    ),
    "restore": word_set("restore, old, damaged, scratches, scratched, dust, repair, haze, hazy"),
    "canvas": word_set("border, frame, padding, margin, shadow, canvas, extend"),
}
OP_TOPICS: dict[str, frozenset[str]] = {
    name: frozenset(topics.split())
    for name, topics in {
        "adjust_region": "tone",
        "auto_enhance": "tone colour",
        "auto_straighten": "geometry",
        "balloon": "text",
        "binarize": "colour style text",
        "blur": "soften",
        "replace_color": "colour",
        "adjust_color": "colour",
        "blur_background": "subject soften",
        "blur_faces": "face soften",
        "border": "canvas",
        "brighten_eyes": "face tone",
        "brightness": "tone",
        "caption": "text",
        "cartoon": "style",
        "clarity": "sharpen",
        "contrast": "tone",
        "crop": "geometry",
        "crop_bars": "geometry",
        "crop_face": "face geometry",
        "crop_subject": "subject geometry",
        "darken_text": "text",
        "dehaze": "tone restore",
        "denoise": "soften restore",
        "document": "text restore",
        "drop_shadow": "canvas subject",
        "duotone": "colour style",
        "exposure": "tone",
        "extend": "geometry canvas",
        "flip": "geometry",
        "grain": "style",
        "grayscale": "colour style",
        "halftone": "style",
        "invert": "colour style",
        "look": "style",
        "oil_paint": "style",
        "pixel_art": "style",
        "posterize": "style",
        "rain": "weather",
        "add_fog": "weather",
        "red_eye": "face",
        "redact": "text",
        "remove_background": "subject",
        "remove_text": "text",
        "replace_background": "subject",
        "replace_text": "text",
        "resize": "geometry",
        "restore": "restore",
        "rotate": "geometry",
        "saturation": "colour",
        "sepia": "colour style",
        "shadows_highlights": "tone",
        "sharpen": "sharpen",
        "sketch": "style",
        "smart_crop": "geometry",
        "snow": "weather",
        "tint": "colour",
        "upscale": "geometry sharpen",
        "vignette": "tone style",
        "warmth": "colour",
        "watercolor": "style",
        "whiten_teeth": "face",
    }.items()
}
# What an operator edits, which the picture must hold for the offer to apply.
_OP_PART = {
    "blur_faces": "face",
    "crop_face": "face",
    "red_eye": "face",
    "brighten_eyes": "face",
    "whiten_teeth": "face",
    "remove_text": "text",
    "replace_text": "text",
    "darken_text": "text",
    "document": "text",
    "redact": "text",
    "remove_background": "subject",
    "replace_background": "subject",
    "blur_background": "subject",
    "crop_subject": "subject",
}
# Black and white, or more or less colour, changes nothing on a black-and-white picture.
_COLOUR_OPS = frozenset({"grayscale", "saturation"})
# Operators that add what they name: a caption needs no text in the picture.
_ADDS = {"caption": ("text",), "balloon": ("text",)}
# A drop shadow needs a cut-out or a logo on plain paper, which the plan context cannot tell:
# it is never offered in place of something else.
NEVER_OFFERED = frozenset({"drop_shadow"})
# Offers besides the operators' own examples, for parts the examples say little about.
EXTRA_OFFERS: tuple[tuple[str, str], ...] = (
    ("make the sky more dramatic", "adjust_region"),
    ("enhance the stars a bit", "adjust_region"),
    ("make the subject pop", "adjust_region"),
    ("make the face a bit warmer", "adjust_region"),
    ("remove the background", "remove_background"),
    ("make it pop", "look"),
)
# Verbs and words that say nothing of what the edit is about ("add" a hat is no border).
_GENERIC = (
    FILLER
    | COMMON_COLORS  # "the blue bar" is no blue tint: colour is read as a topic
    | word_set(
        "add, put, give, turn, change, fix, remove, replace, swap, get, take, into, on, in, of, "
        "to, with, more, less, bit, little, lot, much, way, too, very, and, then, also, off, out, "
        "up, top, bottom, left, right, half, corner, middle, centre, center, side"
    )
)
_LEANINGS = {
    **dict.fromkeys(("warm", "warmer", "hot", "hotter", "warmth"), "warm"),
    **dict.fromkeys(("cool", "cooler", "cold", "colder"), "cool"),
    **dict.fromkeys(("bright", "brighter", "brighten", "lighter", "lighten"), "bright"),
    # a vignette darkens the corners: never offered for "too dark in the corners"
    **dict.fromkeys(("dark", "darker", "darken", "dim", "dimmer", "vignette"), "dark"),
    **dict.fromkeys(("blur", "blurry", "soft", "softer", "soften", "smooth", "smoother"), "soft"),
    **dict.fromkeys(
        ("saturate", "saturated", "vivid", "vibrant", "vibrance", "colourful", "colorful"), "vivid"
    ),
    # "make it pastel": soft, light, less saturated colours
    **dict.fromkeys(("desaturate", "desaturated", "muted", "mute", "duller", "pastel"), "muted"),
}
# A word that is always a complaint, and what it asks for: "dull" colours want more of them,
# whether said "dull", "too dull" or "less dull".
_WANTS = {"dull": "vivid", "drab": "vivid", "lifeless": "vivid"}
_TURNED = {
    "dark": "bright",
    "bright": "dark",
    "warm": "cool",
    "cool": "warm",
    "yellow": "cool",
    "orange": "cool",
    "blue": "warm",
    "vivid": "muted",
    "muted": "vivid",
}
# Leanings that undo each other: an offer of one never serves a request for the other.
_OPPOSED = {
    "warm": "cool",
    "cool": "warm",
    "bright": "dark",
    "dark": "bright",
    "vivid": "muted",
    "muted": "vivid",
}
# A sky or a subject this share of the picture is there to edit (as `gouache.suggest` reads them).
SKY_SHARE = 0.08
SUBJECT_SHARE = (0.1, 0.75)


@dataclass(frozen=True)
class Offer:
    """An instruction to offer and, when known, the operator it runs."""

    text: str
    op: str | None = None


class Picture:
    """What the picture holds, read from the plan context only when an offer asks."""

    def __init__(self, context: PlanContext) -> None:
        self.context = context
        self._taken: dict[tuple[str, str], bool] = {}

    @cached_property
    def faces(self) -> int:
        return len(self.context.faces())

    @cached_property
    def lines(self) -> int:
        return len(self.context.text())

    @cached_property
    def grey(self) -> bool:
        return self.context.grey() if self.context.grey is not None else False

    @cached_property
    def words(self) -> set[str]:
        return {w for line in self.context.text() for w in _content(line) if len(w) >= 3}

    @cached_property
    def sky(self) -> float:
        return self.context.region("sky")

    @cached_property
    def subject(self) -> float:
        return self.context.region("subject")

    def takes(self, op: str, params: Mapping[str, Any]) -> bool:
        """Whether the edit would change this picture rather than refuse it."""
        if self.context.takes is None:
            return True
        key = (op, repr(sorted(params.items())))
        if key not in self._taken:
            self._taken[key] = self.context.takes(op, params)
        return self._taken[key]

    def holds(self, part: str) -> bool:
        if part == "face":
            return self.faces > 0
        if part == "text":
            return self.lines > 0
        if part == "sky":
            return self.sky >= SKY_SHARE
        if part == "subject":
            low, high = SUBJECT_SHARE
            return low <= self.subject <= high
        return True  # stars: planning the offer looks for them


def topics(text: str, offered: bool = False) -> frozenset[str]:
    """The topics `text` speaks of. A named colour is a colour to change only at the end of
    a request or before another colour word ("make it red", "a blue tint"); before a thing
    it says which thing ("the red bar", "a red dress"), and in an offer it is a fill ("add a
    white border"): there the operator's topics say whether the colour changes."""
    ws = _tokens(text)
    found = set(ws) | {f"{a} {b}" for a, b in itertools.pairwise(ws)}
    if {"red eye", "red eyes"} & found:
        found.discard("red")  # the flash's red eye is no colour to change
    for word, after in itertools.pairwise([*ws, ""]):
        thing = after and after not in _GENERIC and after not in TOPICS["colour"]
        if word in COMMON_COLORS and (offered or thing):
            found.discard(word)
    return frozenset(topic for topic, known in TOPICS.items() if found & known)


def _tokens(text: str) -> list[str]:
    """Lower-case words and "3d", a possessive taken off ("the cat's face": cat, face);
    "dark mode" is one word, no darkening."""
    text = re.sub(r"\bdark mode\b", "darkmode", text.lower())
    return [w.removesuffix("'s") for w in re.findall(r"[a-z0-9']+", text)]


def parts(text: str, ops: Sequence[str]) -> frozenset[str]:
    """The parts of the picture an offer edits: the ones it names, unless its operator adds
    them, and the ones its operators edit."""
    adds = {part for op in ops for part in _ADDS.get(op, ())}
    named = (topics(text, offered=True) & set(PARTS)) - adds
    return named | {_OP_PART[op] for op in ops if op in _OP_PART}


def applies(text: str, steps: Sequence[Step], picture: Picture) -> bool:
    """Whether an offer planned to `steps` edits something this picture holds, and each
    step would change it rather than refuse it ("make the blue bars green" on a grey page)."""
    ops = [step.op for step in steps]
    if any(op in NEVER_OFFERED for op in ops):
        return False
    if picture.grey and any(op in _COLOUR_OPS for op in ops):
        return False
    if not all(picture.holds(part) for part in parts(text, ops)):
        return False
    return all(picture.takes(step.op, step.params) for step in steps)


def _content(text: str) -> set[str]:
    """The words that say what `text` is about, a few leanings made one word ("hotter" and
    "make it warmer" share "warm"; "make it a bit brighter" and "brighten" share "bright"),
    turned round after "too"."""
    ws = _tokens(text)
    found = set()
    for before, raw in itertools.pairwise(["", *ws]):
        word = _LEANINGS.get(raw.rstrip("s"), raw.rstrip("s"))
        if raw in _WANTS:
            found.add(_WANTS[raw])  # "the colours are dull", "less dull": more colour
        elif before == "too" and word in _TURNED:
            found.add(_TURNED[word])  # "too dark" asks for bright, "too yellow" for cool
        elif raw.isalpha() and raw not in _GENERIC:
            found.add(word)
    return found


_QUOTED = re.compile(r'"[^"]*"')


def ranked(request: str, offers: Sequence[Offer], picture: Picture) -> list[Offer]:
    """The offers related to `request`, most relevant first (see the module doc). An offer
    that edits a part of the picture the request does not name (the background for
    "colorize it") is less related by as much as a shared kind of edit."""
    asked = set(topics(request))
    if nearest_look(request.lower()) is not None:
        asked.add("style")  # "like a Van Gogh"
    asked_words = _content(request)
    if not asked and asked_words & picture.words:
        # 'replace SALE TODAY with DEALS' on a poster that reads "SALE"; the text is read
        # (OCR) only for a request whose words say nothing else
        asked.add("text")
    scored: list[tuple[float, float, int, Offer]] = []
    for order, offer in enumerate(offers):
        ops = (offer.op,) if offer.op else ()
        offered = topics(offer.text, offered=True) | OP_TOPICS.get(offer.op or "", frozenset())
        edited = parts(offer.text, ops)
        if any(_OPPOSED.get(word) in asked_words for word in _content(offer.text)):
            continue  # "darken by 20%" for "too dark"
        # a part counts twice when the offer edits it: "blur the email" is no caption
        score = sum(2.0 if topic in edited else 1.0 for topic in asked & offered)
        shared = asked_words & _content(offer.text)
        sample = shared - _content(_QUOTED.sub(" ", offer.text))
        if sample:
            # quoted words are an example's sample text ('add a title "Summer"'), no match
            # for "a summer evening", unless the picture reads them (OCR, only then)
            shared -= sample - picture.words
        score += len(shared) - len(edited - asked)
        if score <= 0:
            continue
        # what the picture holds of what was asked ranks first; only a part asked for is
        # looked for (the OCR takes a second), and planning the offer looks for the rest
        present = sum(1.0 for part in edited & asked if picture.holds(part))
        scored.append((-score, -present, order, offer))
    scored.sort(key=lambda item: item[:3])
    return list(dict.fromkeys(offer for *_, offer in scored))


def useful(picture: Picture) -> list[Offer]:
    """The edits most worth offering on this picture when none is related to the request:
    its faces, its text, its sky or its subject first, then edits that suit any picture. (A
    plural beside a singular serves a picture of several faces, where the singular asks.)"""
    found: list[Offer] = []
    if picture.holds("face"):
        found += [
            Offer("brighten the face", "adjust_region"),
            Offer("brighten the faces", "adjust_region"),
            Offer("crop to the face", "crop_face"),
            Offer("crop to the largest face", "crop_face"),
        ]
    if picture.lines >= 2:
        found += [Offer("make the text easier to read", "document")]
    if picture.holds("sky"):
        found += [Offer("make the sky more dramatic", "adjust_region")]
    if not picture.faces and picture.holds("subject"):
        found += [Offer("make the subject pop", "adjust_region")]
    if picture.holds("subject"):
        found += [Offer("blur the background", "blur_background")]
    return [*found, Offer("auto enhance", "auto_enhance"), Offer("make it pop", "look")]
