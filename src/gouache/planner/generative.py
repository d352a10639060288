"""Requests that need a generative model: new content, not a change to the pixels already there.

The offline operators adjust, crop, restyle and composite what is in the pictures; they cannot
paint a hat, a smile, a night sky or the colours of a black-and-white photo. A clause the
planner cannot map is such a request when it

- names a change only a model can make (`CUES`: colourise, smile, older, night, sky ...), or
- puts, replaces or removes something the planner has no word for ("add a dragon",
  "replace her shirt with a suit", "remove the car"), or
- speaks of a person's looks ("make her taller").

- names a designed page ("like a magazine cover", "an album cover"): its layout, type and
  artwork ("a movie poster" is the cinematic look, an edit).

The reply says so and names the way: a generative backend. A request for an artist's or a
studio's style ("like a Van Gogh", "Ghibli style") also names the offline look nearest to it
(`nearest_look`): an oil painting for a painter, a cartoon for an animation studio; one for a
designed page names a title on the picture and a look (`nearest_layout`).
"""

from __future__ import annotations

import re
from collections.abc import Collection

from gouache.planner.clauses import without_quotes, words
from gouache.planner.vocabulary import word_set

GENERATIVE_BACKENDS = (
    "that takes a generative model: run gouache with --backend gemini, openai, diffusers or "
    "comfyui (`gouache backends` says which can run here)"
)

CUES = word_set(
    "colorize, colourize, colorise, colourise, colorized, colourized, colorised, "
    "colourised, colorization, colourisation, recolor, recolour, smile, smiling, smiles, "
    "frown, frowning, laugh, laughing, grin, expression, expressions, emotion, older, "
    "younger, age, aging, ageing, night, nighttime, daytime, sunrise, winter, snow, snowy, "
    "rain, rainy, storm, stormy, sky, clouds, cloudy, hat, hair, hairstyle, beard, "
    "moustache, mustache, makeup, lipstick, glasses, sunglasses, shirt, suit, dress, "
    "clothes, outfit, jacket, tie, eyes, taller, shorter, thinner, slimmer, fatter, "
    "muscular, lighting, relight, relit, relighting, translate, translated, translation"
)
# Verbs that put in, swap or take out something; words for a person.
_PLACING = word_set("add, put, insert, draw, paint, place, include, generate, create, give")
_CHANGING = word_set("replace, change, swap, turn, transform, remove, erase, delete, rid")
_PERSON = word_set("her, his, him, she, he, they, them, their, someone, somebody")
# Things in a picture the operators cannot add, swap or remove by themselves.
_THINGS = word_set("person, people, man, woman, child, object, objects, car, tourists, crowd")


# Painters and studios people name; each needs a model trained on their work.
_PAINTERS = word_set(
    "gogh, monet, picasso, rembrandt, vermeer, klimt, munch, dali, cezanne, renoir, matisse, "
    "turner, hopper, caravaggio, titian, rubens, sargent, degas, manet, seurat, kahlo, basquiat, "
    "hokusai, vinci, botticelli, impressionist, impressionism, expressionist, baroque"
)
_STUDIOS = word_set("ghibli, miyazaki, pixar, disney, anime, manga, simpsons, dreamworks")
NEAREST_LOOKS = {"painter": "make it an oil painting", "studio": "make it look like a cartoon"}


def nearest_look(text: str) -> str | None:
    """The offline look nearest to an artist's or studio's style the clause names, or None."""
    ws = set(words(without_quotes(text)))
    if ws & _PAINTERS:
        return NEAREST_LOOKS["painter"]
    if ws & _STUDIOS:
        return NEAREST_LOOKS["studio"]
    return None


# Designed pages people name: a model lays out their masthead, headlines and artwork.
_LAYOUTS = re.compile(r"\bmagazines?\b|\b(?:album|book|record) covers?\b")
# What the offline editor does of one: a title on the picture (the caption's own example)
# and a look with vivid colour and crisp contrast.
NEAREST_LAYOUT = ('add a title "Summer" at the top', "make it pop")


def nearest_layout(text: str) -> tuple[str, ...]:
    """The offline edits nearest to a designed page the clause names ("like a magazine
    cover"): a title and a look; () when it names none."""
    return NEAREST_LAYOUT if _LAYOUTS.search(without_quotes(text)) else ()


# Weather that lies in the scene, offered the falling kind the overlay can draw.
_WEATHER = {
    **dict.fromkeys(("snow", "snowy", "winter", "wintry", "blizzard", "snowstorm"), "add snow"),
    **dict.fromkeys(("rain", "rainy", "storm", "stormy", "downpour"), "make it rain"),
}


def nearest_weather(text: str) -> str | None:
    """The falling weather nearest to a scene the clause asks for ("snow on the ground")."""
    return next((_WEATHER[w] for w in words(without_quotes(text)) if w in _WEATHER), None)


_LIGHT = word_set("lighting, light, relight, relit, relighting")
_SOFTER = word_set("soft, soften, softer, gentle, gentler, flattering, diffuse, diffused")


def nearest_lighting(text: str) -> str | None:
    """The tone edit nearest to relighting ("softer lighting": lift the shadows; "fix the
    lighting on her face": auto enhance); None when the clause is not about the light."""
    ws = set(words(without_quotes(text)))
    if not ws & _LIGHT:
        return None
    return "lift the shadows" if ws & _SOFTER else "auto enhance"


_BLEMISHES = word_set(
    "blemish, blemishes, pimple, pimples, spot, spots, zit, zits, acne, wrinkle, wrinkles, pores"
)


def nearest_retouch(text: str) -> str | None:
    """The edit nearest to healing skin ("remove the blemishes": smooth the skin, which softens
    them, but takes none away); None when the clause is not about the skin's marks."""
    return "smooth the skin" if set(words(without_quotes(text))) & _BLEMISHES else None


# "but keep the sky", "don't change the colours": what is to stay, never new content
_KEEPING = re.compile(
    r"^(?:(?:but|and|while|just|please|pls) )*(?:keep(?:ing)?|leave|leaving|preserve|"
    r"(?:don'?t|do not|without) (?:chang(?:e|ing)|touch(?:ing)?|alter(?:ing)?))\b"
)


def needs_generation(text: str, known: Collection[str]) -> bool:
    """True when an unmapped, normalised clause asks for new content (see the module doc)."""
    if _KEEPING.match(text.strip()):
        return False
    ws = [w for w in words(without_quotes(text)) if w.replace("'", "").isalpha()]
    if any(w in CUES for w in ws) or nearest_look(text) is not None or nearest_layout(text):
        return True
    verb = any(w in _PLACING or w in _CHANGING for w in ws)
    if verb and any(w in _THINGS for w in ws):
        return True  # "remove the person"
    unknown = [w for w in ws if w not in known]
    if not unknown:
        return False
    return verb or any(w in _PERSON for w in ws)
