"""The words the rule planner knows: intensities, directions, synonyms, filler.

Intensity is a factor on an operator's base amount (the bases are listed in `phrases.py`):

    0.25  a tiny bit, a touch, a hint, barely, very slightly
    0.5   a bit, a little, slightly, somewhat, subtle, gentle, light, mild, thin, small
    1     nothing said
    2     much, a lot, lots, very, really, way more, strong, heavy, significantly, thick, big
    3     extremely, hugely, massively, much much, very very
    5     completely, fully, entirely, totally (the whole way: "fully desaturate" is -100 %)

"more" and "less" give a direction, never a strength: "more contrast" is the base amount,
"much more contrast" twice it. An explicit number always wins over an intensity word.
Direction comes from the word itself ("darker"), turned round by a negator ("less bright",
"too dark", "not so dark"), or from a verb ("increase", "reduce") for a neutral noun.
"""

from __future__ import annotations

from gouache.planner.clauses import has, words


def _phrases(text: str) -> tuple[str, ...]:
    return tuple(p.strip() for p in text.split(",") if p.strip())


def _levels(table: str) -> dict[str, float]:
    """'0.5: a bit, a little' lines -> {"a bit": 0.5, "a little": 0.5}; a line may go on below."""
    found: dict[str, float] = {}
    level = 0.0
    for line in table.strip().splitlines():
        head, sep, rest = line.partition(":")
        if sep and head.strip().lstrip("+-").replace(".", "").isdigit():
            level, line = float(head), rest
        found |= dict.fromkeys(_phrases(line), level)
    return found


_INTENSITY = _levels("""
0.25: very slightly, ever so slightly, a tiny bit, tiny bit, a touch, a hint, barely, a smidge
0.5:  a little bit, a little, a bit, a tad, slightly, somewhat, subtle, subtly, gentle, gently,
      light, lightly, mild, mildly, thin, small, narrow, faint
2:    much, a lot, lots, very, really, way more, way less, far more, far less, strong, strongly,
      heavy, heavily, significantly, considerably, dramatic, dramatically, intense, thick, big,
      large, wide, bold
3:    extremely, hugely, massively, much much, very very, way way, super
5:    completely, fully, entirely, totally
""")
# Longest phrases first, so that "very slightly" is not read as "very".
INTENSITY = tuple(sorted(_INTENSITY.items(), key=lambda item: -len(item[0])))

# The direction a word carries by itself, for the operators with a signed amount.
POLARITY = {
    word: int(sign)
    for word, sign in _levels("""
+1: bright, brighter, brighten, lighter, lighten, punchy, punchier, punch, contrasty, saturate,
    saturated, vibrant, vivid, colorful, colourful, pop, warm, warmer, overexpose, overexposed
-1: dark, darker, darken, dim, dimmer, flat, flatter, desaturate, desaturated, muted, mute,
    duller, cool, cooler, cold, colder, underexpose, underexposed
""").items()
}

# Words that turn a property down ("less contrast", "too dark", "not so bright").
NEGATORS = _phrases(
    "less, reduce, decrease, lower, lessen, tone down, turn down, dial down, drop, remove, no, "
    "without, fewer, minus, weaken, get rid of, too, not so, not as, not, cut, take away, "
    "eliminate, kill, undo, low"
)
BOOSTERS = _phrases(
    "more, increase, boost, raise, add, up, higher, stronger, enhance, pump, bump, crank, extra, "
    "heighten, amp, high"
)
# Words that ask for noise or grain to go ("too noisy", "remove the grain").
REMOVALS = NEGATORS + _phrases("fix, clean, suppress, smooth, smoothen")
# A clause that says what not to do is never turned into an edit.
REFUSALS = _phrases("don't, dont, do not, never, doesn't, shouldn't, nothing")

# Synonyms beyond each operator's own `keywords`.
EXTRA_KEYWORDS = {
    "brightness": _phrases("bright, dark, dimmer, brighten up, lighten up"),
    "contrast": _phrases("contrasty, punchy, punch, flat"),
    "saturation": _phrases(
        "saturated, desaturated, color, colour, colors, colours, pop, vibrance, mute, duller"
    ),
    "exposure": _phrases("overexposed, underexposed, ev, exposed"),
    "warmth": _phrases("cold, warm it up, cool it down"),
    "tint": _phrases("tone, colour cast, color cast"),
    "grayscale": _phrases(
        "blackandwhite, mono, monochromatic, remove the color, remove the colour, "
        "remove the colors, remove the colours, no color, no colour, colorless, colourless"
    ),
    "sepia": _phrases("old fashioned, aged"),
    "auto_enhance": _phrases("auto enhance, autoenhance, auto fix, color correct, colour correct"),
    "vignette": _phrases("vignetting, darker corners, darken the edges, dark edges"),
    "blur": _phrases("blurrier, blurred, softer, soft, out of focus, gaussian"),
    "sharpen": _phrases("sharp, sharpness, unblur, deblur, clearer, more detailed"),
    "denoise": _phrases("noisier, grainier, noise reduction, reduce noise, noiseless"),
    "crop": _phrases("widescreen, aspect, aspect ratio, ratio, portrait, landscape"),
    "resize": _phrases(
        "larger, size, half size, half the size, twice as big, twice as large, double the size, "
        "twice the size, halve, downsize, upsize, wide, tall, width, height"
    ),
    "rotate": _phrases(
        "upside down, clockwise, counterclockwise, counter clockwise, anticlockwise, "
        "anti clockwise, level the horizon, degrees, degree, quarter turn"
    ),
    "flip": _phrases("mirrored, flipped"),
    "border": _phrases("matte, bordered"),
    "caption": _phrases("heading, words"),
}

# Colour words a tint can be read from ("bluer", "reddish").
TINT_WORDS = {
    word: color
    for color, ws in {
        "blue": "bluer, bluish, blueish",
        "red": "redder, reddish",
        "green": "greener, greenish",
        "yellow": "yellower, yellowish",
        "pink": "pinker, pinkish",
        "purple": "purpler, purplish",
        "orange": "orangey, orangish",
    }.items()
    for word in _phrases(ws)
}

# Generic words that name an operator only when nothing stronger is in the clause.
WEAK = frozenset(
    _phrases(
        "turn, gray, grey, auto, cast, stop, stops, text, label, write, cut, pad, margin, color, "
        "colour, colors, colours, pop, soft, wide, tall, portrait, landscape, size, wash, hue, "
        "improve, enhance, mono, width, height, smaller, bigger, larger, bright, dark, flat, "
        "sharp, clearer, tone, degrees, degree, words, ratio, aspect, clockwise, exposed, ev"
    )
)

# Verbs that decide the operator when they open a clause ("crop the borders" is a crop).
VERBS = frozenset(
    _phrases(
        "crop, trim, reframe, resize, scale, downscale, upscale, shrink, enlarge, rotate, "
        "straighten, tilt, flip, mirror, brighten, lighten, darken, dim, saturate, desaturate, "
        "expose, overexpose, underexpose, tint, blur, soften, defocus, sharpen, denoise, frame, "
        "caption, halve, downsize, upsize"
    )
)

# Operators that may share a clause: the second word describes the first edit.
COMPANIONS = frozenset({("tint", "warmth"), ("exposure", "brightness"), ("flip", "rotate")})

FILLER = frozenset(
    _phrases(
        "a, an, the, some, any, this, that, these, those, it, its, it's, itself, image, images, "
        "photo, photos, picture, pictures, pic, pics, photograph, shot, please, pls, plz, kindly, "
        "thanks, thank, you, u, can, could, would, will, should, shall, might, may, must, i, "
        "i'd, id, i'm, im, i've, we, we'd, let, let's, lets, want, wanna, like, love, need, "
        "make, made, making, look, looks, looking, seem, seems, be, is, are, was, just, maybe, "
        "perhaps, also, now, then, first, next, finally, afterwards, after, before, again, too, "
        "give, apply, put, set, do, get, go, have, has, add, adding, use, using, to, by, of, "
        "with, in, on, at, for, from, off, up, down, into, onto, as, so, and, or, but, all, me, "
        "my, our, your, bit, little, lot, lots, tad, touch, hint, effect, filter, feel, vibe, "
        "mood, style, finish, version, overall, whole, entire, everything, ok, okay, hey, hi, "
        "there, here, same, way, far, instead, change, adjust, tweak, slightly, what, how, about, "
        "try, think, needs, needed"
    )
)

# Words that carry parameters rather than name an operator.
PARAMETER_WORDS = frozenset(
    _phrases(
        "more, less, increase, decrease, reduce, lower, raise, boost, higher, stronger, weaker, "
        "px, pixel, pixels, percent, per, cent, degrees, degree, deg, stop, stops, ev, radius, "
        "amount, strength, factor, times, x, left, right, top, bottom, center, centre, middle, "
        "upper, lower, corner, corners, side, sides, each, every, edge, edges, around, round, "
        "horizontal, horizontally, vertical, vertically, sideways, upside, quarter, half, twice, "
        "double, triple, clockwise, counterclockwise, counter, anticlockwise, anti, ccw, cw, "
        "square, portrait, landscape, widescreen, aspect, ratio, wide, tall, high, width, "
        "height, across, light, dark, pale, deep, medium, bright, thin, thick, small, big, "
        "large, huge, tiny, full, fully, completely, plus, no, not, without"
    )
)

# Parts of the picture. Most operators edit the whole picture, so "brighten the left side",
# "blur the edges" or "rotate the text" is a local edit they cannot do; these take the parts named.
PARTS = frozenset(
    _phrases(
        "left, right, top, bottom, corner, corners, edge, edges, center, centre, middle, side, "
        "text, caption, title, label, words, subtitle, headline, heading"
    )
)
PARTS_TAKEN = {
    "crop": PARTS,
    "caption": PARTS,
    "rotate": frozenset(_phrases("left, right")),
    "flip": frozenset(_phrases("left, right, top, bottom")),
    "vignette": frozenset(_phrases("corner, corners, edge, edges")),
    "border": frozenset(_phrases("edge, edges, side, corners")),
}

# Colours a misspelling may be corrected to; the rarer CSS names ("wheat") are not.
COMMON_COLORS = frozenset(
    _phrases("red, green, blue, yellow, orange, purple, pink, white, black, gray, grey, brown")
)

# Per-operator words that would otherwise look like a request we cannot do.
OPERATOR_WORDS = {
    "caption": frozenset(
        _phrases(
            "box, background, band, banner, bar, plain, outline, outlined, font, say, says, "
            "saying, reads, reading, type, print, stamp, place, insert, quote, text, foot, "
            "centered, centred"
        )
    ),
    "rotate": frozenset(_phrases("background, expand, keep, without, cropping, canvas")),
    "resize": frozenset(_phrases("shrink, enlarge, grow")),
}


def intensity(text: str) -> float | None:
    """The intensity factor a clause states, or None when it states none."""
    text = text.replace("too much", " ")
    for phrase, factor in INTENSITY:
        if has(text, phrase):
            return factor
    return None


def negated(text: str) -> bool:
    return any(has(text, word) for word in NEGATORS)


def boosted(text: str) -> bool:
    return any(has(text, word) for word in BOOSTERS)


def refused(text: str) -> bool:
    return any(has(text, word) for word in REFUSALS)


def removal(text: str) -> bool:
    return any(has(text, word) for word in REMOVALS)


def polarity(text: str) -> int:
    """The direction of the first word that carries one: +1, -1, or 0 when none does."""
    return next((POLARITY[w] for w in words(text) if w in POLARITY), 0)


def known_words() -> frozenset[str]:
    """Words that never name a subject we cannot edit, whatever the operator."""
    phrases = [*_INTENSITY, *NEGATORS, *BOOSTERS, *REMOVALS, *POLARITY, *TINT_WORDS]
    found = {w for phrase in phrases for w in words(phrase)}
    return frozenset(found | FILLER | PARAMETER_WORDS)
