"""The words the rule planner knows: intensities, directions, synonyms, filler.

Intensity is a factor on an operator's base amount (the bases are listed in `phrases.py`):

    0.25  a tiny bit, a touch, a hint, barely, very slightly
    0.5   a bit, a little, slightly, slight, somewhat, subtle, gentle, light, mild, thin, small
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

import re

from gouache.planner.clauses import has, words
from gouache.planner.nouns import SUBJECT_NOUNS as SUBJECT_NOUNS


def _phrases(text: str) -> tuple[str, ...]:
    return tuple(p.strip() for p in text.split(",") if p.strip())


def word_set(text: str) -> frozenset[str]:
    """'a, b, c d' -> {"a", "b", "c d"}: a comma-separated list of words and phrases."""
    return frozenset(_phrases(text))


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
0.25: very slightly, ever so slightly, very slight, ever so slight, a tiny bit, tiny bit, a touch,
      a hint, barely, a smidge
0.5:  a little bit, a little, a bit, a tad, a lil bit, a lil, lil bit, a notch, slightly, slight,
      somewhat,
      subtle, subtly, gentle, gently,
      light, lightly, mild, mildly, thin, small, narrow, faint, kind of, kinda, sort of, sorta
2:    much, a lot, lots, very, really, way more, way less, far more, far less, way too, far too,
      much too, strong, strongly,
      heavy, heavily, significantly, considerably, dramatic, dramatically, intense, thick, big,
      large, wide, bold, crazy, garish, loud, wild, over the top
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
    saturated, vibrant, vivid, richer, colorful, colourful, pop, warm, warmer, overexpose,
    overexposed
-1: dark, darker, darken, dim, dimmer, flat, flatter, desaturate, desaturated, muted, mute,
    dull, duller, drab, lifeless, cool, cooler, cold, colder, underexpose, underexposed
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
        "saturated, desaturated, color, colour, colors, colours, pop, vibrance, mute, dull, "
        "duller, drab, lifeless"
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
    "denoise": _phrases("noisier, noise reduction, reduce noise, noiseless"),
    "crop": _phrases("widescreen, aspect, aspect ratio, ratio, portrait, landscape"),
    "resize": _phrases(
        "larger, size, half size, half the size, twice as big, twice as large, double the size, "
        "twice the size, halve, downsize, upsize, wide, tall, width, height"
    ),
    "rotate": _phrases(
        "upside down, clockwise, counterclockwise, counter clockwise, anticlockwise, "
        "anti clockwise, level the horizon, degrees, degree, quarter turn, orientation, "
        "sideways, right way up, wrong way up"
    ),
    "flip": _phrases("mirrored, flipped"),
    "border": _phrases("matte, bordered"),
    "caption": _phrases("heading, words"),
    # Faces, text in the picture, the background: the verb-noun pairs in `TARGETED` read most
    # phrasings ("blur the largest face", "remove all the text"); these are the rest.
    "blur_faces": _phrases("pixelize, pixellate, face blur, blur faces, censor the faces"),
    "crop_face": _phrases("profile pic, profile photo, head shot, passport photo"),
    # "her eyes are red, fix them": the complaint names the edit
    "red_eye": _phrases("eyes are red, eye is red, eyes look red, eyes came out red"),
    "smart_crop": _phrases(
        "keeping the face, keeping the faces, keep the faces, keeping faces, keeping everyone, "
        "keeping the subject, keep the subject, face aware"
    ),
    "remove_text": _phrases("remove text, remove watermark, watermark removal"),
    "blur_background": _phrases(
        "blurry background, blurred background, background blurry, depth of field"
    ),
    "remove_background": _phrases(
        "no background, background removal, remove bg, transparent bg, transparent backdrop"
    ),
    "replace_background": _phrases("background, backdrop"),
    "restore": _phrases(
        "restoration, scratch, scratched, damaged, damage, specks, dust specks, old scan, "
        "old picture, fix up, spots and scratches, dust and scratches"
    ),
    "color_transfer": _phrases(
        "colours from, colors from, colour palette, color palette, colour grade, color grade, "
        "colour match, color match, match the colors, same colours as, same colors as"
    ),
    "sketch": _phrases("pencil drawing, line drawing, sketchy"),
    "cartoon": _phrases("cartoonish, cartoonize, cartoonise, cartoonify, comic book"),
    "watercolor": _phrases("water colour, water color, aquarelle"),
    "oil_paint": _phrases("oil on canvas, painted in oils, oil paints, oil-painting, oil-paint"),
    "posterize": _phrases("posterized, posterised"),
    "pixel_art": _phrases("pixelart, 8bit"),
    "halftone": _phrases("half tone, newspaper"),
    "duotone": _phrases("duo tone"),
    "paste_subject": _phrases("subject, subject of, subject from, person from, person of"),
    "collage": _phrases(
        "next to, beside, stacked, one above the other, on top of each other, montage, combine"
    ),
    "picture_in_picture": _phrases("inset of"),
    "logo": _phrases(
        "logotype, icon, emblem, recolor the logo, recolour the logo, recolor my logo, "
        "recolour my logo, recolor the icon, recolour the icon"
    ),
    "extend": _phrases("extend the canvas, outpainting"),
    "upscale": _phrases(
        "upsample, increase the resolution, higher resolution, high resolution, hi res"
    ),
}

# Verb ... noun in one clause names an operator whatever stands between them: "blur the
# largest face", "remove all the text", "make the background white". Longer than its parts,
# the pair wins over the verb alone ("blur" is a blur of the whole picture).
TARGETED: tuple[tuple[str, frozenset[str], frozenset[str]], ...] = tuple(
    (op, frozenset(_phrases(verbs)), frozenset(_phrases(nouns)))
    for op, verbs, nouns in (
        ("blur_faces",
         "blur, pixelate, pixelize, pixellate, hide, obscure, censor, anonymise, anonymize, mosaic",
         "face, faces, lady, woman, man, guy"),
        ("crop_face", "crop, zoom, frame, reframe, cut, trim", "face, head"),
        ("remove_text", "remove, erase, delete, clean, rid, hide",
         "text, word, words, writing, watermark, watermarks, lettering, letters, caption, title, "
         "heading, headline, sign, signs"),
        ("blur_background", "blur, soften, defocus", "background, backdrop, bg"),
        ("remove_background", "remove, delete, erase, drop, rid", "background, backdrop, bg"),
        ("replace_background", "replace, change, swap, make, turn, set, put",
         "background, backdrop, bg"),
    )
)  # fmt: skip

# Verbs that, with two quoted texts, replace the first by the second ('change "A" to "B"').
REPLACING = frozenset(_phrases("replace, change, swap, correct, fix, turn"))

# When both are named in one clause, the first operator's rule reads the second's words:
# "smart crop to square" is not a crop, "restore this old photo" not a sepia.
ABSORBS = {
    "smart_crop": frozenset({"crop", "crop_face"}),
    "crop_face": frozenset({"crop"}),
    "extend": frozenset({"crop", "resize"}),
    "restore": frozenset({"sepia", "denoise", "auto_enhance"}),
    "picture_in_picture": frozenset({"border", "paste_subject"}),
    "logo": frozenset({"paste_subject", "caption"}),
    "balloon": frozenset({"caption"}),
    "paste_subject": frozenset({"remove_background"}),
    "collage": frozenset({"paste_subject"}),
    # "a darker shadow", "a lighter vignette": the effect's own strength, not a brightness
    "drop_shadow": frozenset({"logo", "brightness"}),
    "vignette": frozenset({"brightness"}),
    "shadows_highlights": frozenset({"brightness"}),
    "pixel_art": frozenset({"blur_faces"}),
    "replace_background": frozenset({"paste_subject"}),
    "remove_text": frozenset({"caption"}),
    "replace_text": frozenset({"caption"}),
    "color_transfer": frozenset({"saturation"}),
    # "vintage", "matte", "make it pop", "film noir": the look, not its ingredients
    "look": frozenset({"sepia", "saturation", "border", "grayscale", "contrast", "denoise"}),
}

# Operators whose parameters a clause of their own may go on giving ("put the subject of
# image 2 on the left, small").
CONTINUED = frozenset({"paste_subject", "picture_in_picture", "logo", "collage", "extend"})

# The operator that puts every attached image in the picture (it has no `reference`).
USES_ALL_REFERENCES = frozenset({"collage"})

# Words that name an attached image when its file name contains them, though they are also
# keywords: "use the colours of the logo".
REFERENCE_NOUNS = frozenset({"logo"})

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
        "sharp, clearer, tone, degrees, degree, words, ratio, aspect, clockwise, exposed, ev, "
        "background, backdrop, subject, insert, place, stack, grid, dots, poster, next to, beside, "
        "combine, drawing, painting, painted, dust, newspaper, restoration, dramatic, drama, "
        "golden, movie, retro, crisp, glow, softer"
    )
)

# Verbs that decide the operator when they open a clause ("crop the borders" is a crop).
VERBS = frozenset(
    _phrases(
        "crop, trim, reframe, resize, scale, downscale, upscale, shrink, enlarge, rotate, "
        "straighten, tilt, flip, mirror, brighten, lighten, darken, dim, saturate, desaturate, "
        "expose, overexpose, underexpose, tint, blur, soften, defocus, sharpen, denoise, frame, "
        "caption, halve, downsize, upsize, extend, restore, repair, posterize, posterise, "
        "pixelate, paste, replace, duotone, halftone, sketch, cartoon, watercolor, watercolour, "
        "upsample, collage"
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
        "try, think, needs, needed, privacy, private, anonymous, anonymity, poster, screenshot, "
        "flyer, banner, selfie, snapshot, snap, taken, photographed, captured, were, been, "
        "instagram, insta, convert, converted, converting, perfect, great, awesome, lovely, "
        "wonderful, excellent, amazing, brilliant, fantastic, nope, nah, actually, lol, haha, "
        "lmao, thx, ty, omg, nice, properly, nicely, carefully, neatly, quickly"
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
        "large, huge, tiny, full, fully, completely, plus, no, not, without, straight, level, "
        "upright, crooked, tilted, wonky, youtube, thumbnail"
    )
)

# Parts of the picture. Most operators edit the whole picture, so "brighten the left side",
# "blur the edges" or "rotate the text" is a local edit they cannot do; these take the parts named.
PARTS = frozenset(
    _phrases(
        "left, right, top, bottom, corner, corners, edge, edges, center, centre, middle, side, "
        "text, caption, title, label, words, subtitle, headline, heading, face, faces, head, "
        "background, backdrop, subject, person, people, eye, eyes, teeth, tooth, lips, lip, "
        "mouth, nose, hair, ear, ears, hand, hands, eyebrows, nails, sides, ones, guy, guys, lady, "
        "ladies, woman, women, man, men"
    )
)
# Operators that edit a part, or place things: they take every part named.
_LOCAL = word_set(
    "blur_faces, crop_face, smart_crop, remove_text, replace_text, blur_background, "
    "remove_background, replace_background, paste_subject, collage, picture_in_picture, logo, "
    "extend"
)
PARTS_TAKEN = {
    **dict.fromkeys(_LOCAL, PARTS),
    "crop": PARTS,
    "caption": PARTS,
    "balloon": PARTS,
    "rotate": frozenset(_phrases("left, right, background")),
    "flip": frozenset(_phrases("left, right, top, bottom")),
    "document": frozenset(_phrases("text, words, page, title, caption, label")),
    "vignette": frozenset(_phrases("corner, corners, edge, edges")),
    "red_eye": frozenset(_phrases("eye, eyes")),
    "drop_shadow": frozenset(_phrases("left, right, top, bottom, corner")),
    "border": frozenset(_phrases("edge, edges, side, corners")),
}

# Colours a misspelling may be corrected to; the rarer CSS names ("wheat") are not.
COMMON_COLORS = frozenset(
    _phrases("red, green, blue, yellow, orange, purple, pink, white, black, gray, grey, brown")
)

# Which face: "the second face", "her face", "the leftmost one", "everyone".
_FACE_WORDS = frozenset(
    _phrases(
        "face, faces, head, her, his, their, him, them, person, people, everyone, everybody, "
        "everyone's, everybody's, largest, biggest, smallest, tiniest, leftmost, rightmost, "
        "central, second, third, fourth, fifth, sixth, seventh, eighth, ninth, tenth, last, "
        "one, ones, st, nd, rd, th, number, both, each, only, main, avatar, headshot"
    )
)
_TEXT_WORDS = frozenset(
    _phrases(
        "text, word, words, writing, watermark, watermarks, lettering, letters, erase, delete, "
        "clean, rid, get, caption, title, sign, says, saying, reads"
    )
)
# What "put the dog from image 2 here" may name as the subject it pastes.
_SUBJECT_WORDS = frozenset(
    _phrases(
        "subject, person, people, man, woman, girl, boy, child, kid, baby, dog, cat, animal, "
        "pet, bird, horse, car, object, product, him, her, them, seamless, seamlessly, blend, "
        "blended, cutout, here, into, scale, size"
    )
)

_PLATFORM_WORDS = frozenset(
    _phrases(
        "instagram, insta, ig, story, stories, reel, reels, post, feed, wallpaper, iphone, "
        "phone, android, tiktok, youtube, thumbnail, lockscreen, screen, lock, home, "
        "homescreen, fit, fits, ready, desktop, laptop, computer, pc, mac, macbook, monitor"
    )
)
# Per-operator words that would otherwise look like a request we cannot do.
OPERATOR_WORDS = {
    # "make her look more professional": the person named is the picture's
    "look": frozenset(_phrases("her, him, them, me, us, everyone, everything")),
    "dehaze": frozenset(
        _phrases(
            "clear, clean, cut, through, see, up, rid, take, out, away, lift, too, atmospheric"
        )
    ),
    "invert": frozenset(_phrases("mode, theme, night, colours, colors, photo, film")),
    "shadows_highlights": frozenset(
        _phrases(
            "lift, lifted, open, recover, rescue, bring, out, back, down, detail, details, crush, "
            "crushed, deepen, deeper, tame, tone, reveal, show, see, blown, clipped, burnt, "
            "darks, areas, parts, too"
        )
    ),
    "drop_shadow": frozenset(
        _phrases(
            "soft, softer, hard, harder, sharp, crisp, subtle, under, underneath, behind, below, "
            "beneath, "
            "falling, cast, logo, cutout, cut-out, object, product, it, opacity, opaque, bigger, "
            "larger, longer, long, further, farther, deeper, smaller, shorter, closer, tighter, "
            "darker, stronger, heavier, bolder, denser, lighter, fainter, paler, weaker"
        )
    )
    | SUBJECT_NOUNS,  # "a soft drop shadow under the bottle"
    # the comparatives of planner.comparatives: "a heavier blur", "a subtler vignette"
    "blur": frozenset(
        _phrases("bigger, stronger, heavier, larger, smaller, lighter, weaker, subtler, gentler")
    ),
    "vignette": frozenset(
        _phrases("darker, stronger, heavier, deeper, bigger, lighter, fainter, weaker, subtler")
    ),
    "balloon": frozenset(_phrases("say, says, saying, speech, speaking, talking, pointing, at")),
    "caption": frozenset(
        _phrases(
            "box, background, band, banner, bar, plain, outline, outlined, font, say, says, "
            "saying, reads, reading, type, print, stamp, place, insert, quote, text, foot, "
            "centered, centred"
        )
    ),
    "rotate": frozenset(_phrases("background, expand, keep, without, cropping, canvas, few")),
    # "crop it for instagram", "9:19.5 for my iphone wallpaper"
    "crop": _PLATFORM_WORDS | frozenset(_phrases("margins, margin, all, round, around")),
    "smart_crop": _FACE_WORDS
    | _PLATFORM_WORDS
    | frozenset(_phrases("keep, keeping, frame, inside, everyone")),
    # "make it smaller for email": where it goes is why, not what to do
    "resize": frozenset(
        _phrases(
            "shrink, enlarge, grow, email, e-mail, emailing, mail, web, website, send, sending, "
            "attachment, upload, uploading, whatsapp, slack"
        )
    ),
    "blur_faces": _FACE_WORDS | frozenset(_phrases("out, method, strength")),
    "crop_face": _FACE_WORDS
    | frozenset(_phrases("zoom, tight, tightly, close, closer, loose, loosely, room, frame")),
    "remove_text": _TEXT_WORDS,
    "replace_text": _TEXT_WORDS | frozenset(_phrases("swap, correct, fix, spelling, typo")),
    "blur_background": frozenset(_phrases("background, backdrop, bokeh, behind")),
    "remove_background": frozenset(
        _phrases(
            "background, backdrop, transparent, png, isolate, feather, feathered, edge, see, "
            "through, cat, dog, pet, animal, person, man, woman, girl, boy, child, kid, baby, "
            "subject, product, cup, mug, bottle, her, him, them"
        )
    ),
    "replace_background": frozenset(
        _phrases(
            "background, backdrop, gradient, plain, solid, behind, going, fading, fade, her, "
            "him, them, transparent, see, through, bg, cat, dog, pet, animal, person, man, "
            "woman, girl, boy, "
            "child, kid, baby, subject, product, cup, mug, bottle, logo, nice, pretty, "
            "simple, subtle, soft, smooth"
        )
    ),
    "restore": frozenset(
        _phrases(
            "old, dust, scratches, damaged, repair, scan, scanned, speck, specks, damage, spots, "
            "spot, marks, blemishes, "
            "grandma's, grandpa's, mum's, mom's, dad's, family, picture, up"
        )
    ),
    "color_transfer": frozenset(
        _phrases("palette, match, grade, graded, histogram, scheme, reinhard, tones, tone")
    ),
    "posterize": frozenset(_phrases("levels, level, tones, steps")),
    "snow": frozenset(
        _phrases("snow, snowing, snowfall, snowflakes, snowy, blizzard, flurries, falling")
    ),
    "rain": frozenset(_phrases("rain, raining, rainfall, rainy, drizzle, downpour, falling")),
    "add_fog": frozenset(_phrases("fog, foggy, mist, misty, haze, hazy, morning")),
    "oil_paint": frozenset(
        _phrases(
            "oil, oils, brush, brushes, brushstrokes, strokes, stroke, thick, broad, bold, fine, "
            "thin, canvas, painting, painted, paint, big, large, small, chunky, detailed, detail"
        )
    ),
    "pixel_art": frozenset(_phrases("art, pixels, pixel, chunky, palette, bit, retro, blocks")),
    "halftone": frozenset(_phrases("dots, dot, cells, cell, fine, coarse, newsprint, print")),
    "paste_subject": _SUBJECT_WORDS,
    "collage": frozenset(
        _phrases(
            "them, together, grid, stacked, next, each, other, gap, spacing, layout, beside, one"
        )
    ),
    "picture_in_picture": frozenset(_phrases("inset, window")),
    "logo": frozenset(_phrases("opacity, opaque, transparent, transparency, brand")),
    "extend": frozenset(
        _phrases(
            "canvas, reflect, reflection, mirroring, mirrored, inpaint, inpainting, fill, "
            "filled, filling, padding, space, room, plain, solid"
        )
    ),
    "upscale": frozenset(_phrases("resolution, realesrgan, esrgan, real, lanczos, ai, res, hi")),
    "red_eye": frozenset(
        _phrases(
            "eye, eyes, his, her, their, them, him, my, fix, flash, effect, from, in, on, pupils, "
            "are, is, look, came, out"
        )
    ),
    "document": frozenset(
        _phrases(
            "text, words, page, paper, document, scan, scanned, read, easier, letters, writing, "
            "clearer, receipt, notes, whiteboard, print, printed, handwriting"
        )
    ),
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


# "the colours look a bit dull", "it's dark", "it looks flat": a state of the picture said as
# a complaint, which asks for its opposite, as "too dark" does; "make it look dark" asks for it.
_COMPLAINT = re.compile(
    r"\b(?:it'?s|it is|its|is|are|looks?|seems?|feels?|came out|comes out|turned out)\s+"
    r"(?:(?:a|a bit|a little|a tad|kind of|kinda|sort of|so|very|really|quite|rather|pretty|"
    r"somewhat|slightly|way|too|all)\s+)*"
    r"(?:dark|dim|dull|flat|muted|cold|cool|drab|lifeless|underexposed|overexposed|desaturated)"
    r"\b"
)
_ASKED = re.compile(r"\b(?:make|made|want|wanted|keep|should|let|like|needs? to|have)\b")


def complained(text: str) -> bool:
    """Whether `text` complains of a state ("the colours are dull") rather than asking for it."""
    found = _COMPLAINT.search(text)
    return found is not None and _ASKED.search(text[: found.start()]) is None


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
    return frozenset(found | FILLER | PARAMETER_WORDS | HUES)


# Things a picture holds that operators name only inside a phrase ("water colour", "depth of
# field", "film camera", "old school", "retro game", "comic book"): alone, they name a part of
# the picture we cannot find.
PHRASE_NOUNS = word_set("water, book, camera, field, game, school")


# Colours as people name the parts of a picture in them ("make the reds more saturated"), and
# "pastel": known, so never offered as a misspelling ("reds" was taken for "res", "pastel"
# for "paste").
HUES = word_set(
    "reds, oranges, yellows, greens, blues, purples, pinks, browns, teals, cyans, magentas, "
    "pastel, pastels, hues"
)
