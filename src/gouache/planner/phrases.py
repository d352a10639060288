"""Phrase rules per operator: a clause already known to be about an operator -> its parameters.

Base amounts, which an intensity word multiplies (see `vocabulary.py` for the scale):

    brightness, contrast, saturation, warmth   ±0.2 (20 %)
    tint                                       0.2 of the way to the colour
    exposure                                   ±0.5 stop
    blur                                       radius 3 px ("less sharp": radius 1 px)
    sharpen                                    amount 1 ("less blur" is a sharpen)
    denoise                                    strength 0.5
    grayscale, sepia, auto_enhance             strength 1, the full effect (at most 1)
    vignette                                   strength 0.5 (at most 1)
    border                                     5 % of the shorter side
    resize "smaller" / "bigger"                ×1/(1+f) / ×(1+f): ×0.5 / ×2 when f = 1
    rotate with no angle                       90° clockwise; "left" is -90°

Numbers: "30%" is 0.3. On a signed amount a bare integer is a percentage ("brightness +30") and
a bare decimal a fraction ("contrast 0.3"). A written sign ("-20%") beats direction words.
A rule returns None when the clause lacks something it needs (a tint without a colour, a
caption without quoted text): the planner then asks rather than guesses. A rule that
understood the clause but knows it cannot be done ("upscale 3x") says why in `Draft.problem`.

The rules of the operators that work on faces, text in the picture and the background are in
`regions.py`; those of styles and the canvas in `styles.py`; those that combine images in
`compositing.py`.
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from gouache.colors import RGB, parse_color
from gouache.planner import comparatives
from gouache.planner.clauses import (
    ColorMention,
    Number,
    bare_number,
    has,
    has_digit,
    number_after,
    number_before,
    percent,
    quote_index,
    words,
)
from gouache.planner.references import Mention
from gouache.planner.vocabulary import (
    TINT_WORDS,
    boosted,
    complained,
    intensity,
    negated,
    polarity,
    removal,
)


@dataclass(frozen=True)
class Direction:
    sign: int
    factor: float


@dataclass(frozen=True)
class Clause:
    text: str  # normalised, lower case, quoted text as placeholders
    rest: str  # `text` without the keyword that chose the operator
    plain: str  # `text` without colours and quoted text, for intensity words
    keyword: str  # the keyword that chose the operator; "" when carried over
    quotes: tuple[str, ...]
    colors: tuple[ColorMention, ...]
    # Direction of the clause before, for a bare "contrast" in "increase brightness and contrast".
    inherited: Direction | None = None
    # The attached images the clause names ("image 2", "the beach photo"), blanked in `plain`.
    mentions: tuple[Mention, ...] = ()

    @property
    def factor(self) -> float:
        found = intensity(self.plain)
        return 1.0 if found is None else found


@dataclass(frozen=True)
class Draft:
    """An operator and its parameters, not yet validated."""

    op: str
    params: dict[str, Any] = field(default_factory=dict)
    direction: Direction | None = None
    # Read with the operator of the clause before ("... and 5% off the top").
    continued: bool = False
    # A face operation meant for one face not said which ("blur the face"): the planner picks
    # the only one, or asks which.
    one_face: bool = False
    # The image the clause names, resolved by the planner into the `reference` parameter.
    reference: Mention | None = None
    # Understood, but cannot be done as asked: why, in words ("upscale goes 2x or 4x").
    problem: str | None = None
    # Worth telling the user with the plan.
    note: str | None = None
    # A colour cast complained of ("too blue", "the yellow cast"): the white balance it takes
    # is read from the picture when there is one (`planner.casts`).
    cast: str | None = None
    # A line of text the clause names in quotes that this whole-picture edit would not keep
    # to ('make "SALE" less red' read as a tint): grounding refuses it, offering text edits.
    named_text: str | None = None


Rule = Callable[[Clause], Draft | None]

BASE_AMOUNT = 0.2


def _direction(c: Clause) -> Direction | None:
    found = intensity(c.plain)
    factor = 1.0 if found is None else found
    sign = polarity(c.text)
    if sign:
        # "less dull", "too dark", "it's dark": turned round once, however many say so
        sign = -sign if negated(c.rest) or complained(c.text) else sign
    elif negated(c.rest):
        sign = -1
    elif boosted(c.rest):
        sign = 1
    elif c.inherited is not None:
        return c.inherited if found is None else Direction(c.inherited.sign, factor)
    else:
        return None
    return Direction(sign, factor)


def _signed(value: Number, direction: Direction | None) -> float:
    if value.signed:
        return value.value
    return (direction.sign if direction else 1) * value.value


def _amount(op: str) -> Rule:
    def rule(c: Clause) -> Draft | None:
        direction = _direction(c)
        value = percent(c.text)
        if value is None and (bare := bare_number(c.text)) is not None:
            value = bare if bare.decimal else Number(bare.value / 100, bare.signed)
        if value is not None:
            return Draft(op, {"amount": round(_signed(value, direction), 4)}, direction)
        if direction is None:
            return None
        amount = direction.sign * BASE_AMOUNT * direction.factor
        return Draft(op, {"amount": round(amount, 4)}, direction)

    return rule


def _exposure(c: Clause) -> Draft | None:
    if percent(c.text):
        return None  # exposure is in stops, not percent
    direction = _direction(c)
    value = number_before(c.text, r"stops?|ev") or bare_number(c.text)
    if value is not None:
        return Draft("exposure", {"stops": _signed(value, direction)}, direction)
    if direction is None:
        return None
    return Draft("exposure", {"stops": direction.sign * 0.5 * direction.factor}, direction)


# Colours a cast is named by ("less yellow", "too blue", "remove the green cast").
CAST_WORDS = frozenset(
    {"yellow", "orange", "blue", "green", "red", "pink", "purple", "magenta", "cyan", "teal"}
)


def _against_cast(color: RGB, factor: float, complaint: bool = False) -> Draft | None:
    """The edit that takes a colour cast out: yellow and orange are cooled, blue warmed
    (the white balance); any other hue is tinted toward its opposite. A `complaint` ("too
    blue", "the yellow cast", not "less yellow") names a cast to measure in the picture."""
    r, g, b = (v / 255.0 for v in color)
    high, low = max(r, g, b), min(r, g, b)
    if high - low < 0.15:
        return None  # "less white" names no cast
    hue = _hue(r, g, b, high, low)
    if 25 <= hue < 75:  # orange, yellow
        cast = "yellow" if complaint else None
        return Draft("warmth", {"amount": round(-BASE_AMOUNT * factor, 4)}, cast=cast)
    if 190 <= hue < 250:  # blue
        cast = "blue" if complaint else None
        return Draft("warmth", {"amount": round(BASE_AMOUNT * factor, 4)}, cast=cast)
    opposite = tuple(round(255 * (high + low - v / 255.0)) for v in color)
    amount = round(0.5 * BASE_AMOUNT * factor, 4)
    return Draft("tint", {"color": (opposite[0], opposite[1], opposite[2]), "amount": amount})


def _hue(r: float, g: float, b: float, high: float, low: float) -> float:
    span = high - low
    if high == r:
        return (60.0 * (g - b) / span) % 360.0
    if high == g:
        return 60.0 * (b - r) / span + 120.0
    return 60.0 * (r - g) / span + 240.0


def _tint(c: Clause) -> Draft | None:
    color: RGB | None = c.colors[0].rgb if c.colors else None
    for word in words(c.text):
        if color is None and word in TINT_WORDS:
            color = parse_color(TINT_WORDS[word])
    if color is None:
        return None
    if negated(c.rest):  # "less yellow", "remove the green cast"
        return _against_cast(color, c.factor, complaint=has(c.text, "too") or has(c.text, "cast"))
    value = percent(c.text)
    amount = value.value if value else BASE_AMOUNT * c.factor
    return Draft("tint", {"color": color, "amount": round(amount, 4)})


def _strength(op: str, base: float) -> Rule:
    def rule(c: Clause) -> Draft | None:
        if negated(c.rest):
            return None
        value = percent(c.text)
        strength = value.value if value else min(1.0, base * c.factor)
        return Draft(op, {"strength": round(strength, 4)})

    return rule


# The note of "remove the sepia"; the grounding checks there is a tone to take out.
SEPIA_TAKEN_OUT = "the sepia's colour taken out: the picture turned toward black and white"


def _sepia(c: Clause) -> Draft | None:
    """ "sepia"; "remove the sepia", "less sepia": a sepia photo's tone taken out is its black
    and white, all the way or (with "less") halfway."""
    if not (negated(c.rest) or has(c.rest, "take out")):
        return _strength("sepia", 1.0)(c)
    value = percent(c.text)
    half = has(c.rest, "less") or has(c.rest, "tone down") or has(c.rest, "reduce")
    strength = value.value if value else (0.5 if half else 1.0)
    params = {"strength": round(min(1.0, strength), 4)}
    return Draft("grayscale", params, note=SEPIA_TAKEN_OUT)


# "it's blurry", "the photo looks soft": a complaint about the picture, not a request for more
_COMPLAINT = re.compile(
    r"\b(?:it'?s|it is|its|is|looks?|seems?|came out|turned out)\s+(?:a (?:bit|little|tad) |"
    r"kind of |so |very |really |quite |rather )?(?:blurry|blurred|soft|out of focus|fuzzy)\b"
)


_LIGHTING = re.compile(r"\b(?:light|lighting|shadows?|highlights?)\b")
# "blur the sides", "blur the two on the left": a part or a thing named, which a blur of the
# whole picture is not
_NAMED_PART = re.compile(
    r"\bthe (?!(?:image|picture|photo|pic|photograph|shot|whole|entire|thing)\b)[a-z]+\b"
)


def _blur(c: Clause) -> Draft | None:
    if negated(c.rest) or _COMPLAINT.search(c.text):  # "less blur", "too blurry", "it's blurry"
        return Draft("sharpen", {"amount": round(c.factor, 4)})
    if _NAMED_PART.search(c.rest):
        return None
    if percent(c.text):
        return None  # a blur radius is in pixels
    if _LIGHTING.search(c.text) and not re.search(r"\bblur", c.text):
        return None  # "soften the light" asks for softer lighting, which no blur gives
    radius = (
        number_after(c.text, "radius|sigma")
        or number_before(c.text, r"px|pixels?")
        or bare_number(c.text)
    )
    # "a bigger blur": one blur, stronger
    stated = comparatives.scale("blur", c.plain) or c.factor
    return Draft("blur", {"radius": radius.value if radius else round(3.0 * stated, 4)})


def _vignette(c: Clause) -> Draft | None:
    """ "add a vignette", "a strong vignette", "a darker vignette" (one vignette, stronger)."""
    if negated(c.rest):
        return None
    value = percent(c.text)
    stated = comparatives.scale("vignette", c.plain) or c.factor
    strength = value.value if value else min(1.0, 0.5 * stated)
    return Draft("vignette", {"strength": round(strength, 4)})


def _sharpen(c: Clause) -> Draft | None:
    if negated(c.rest):  # "less sharp", "too sharp"
        return Draft("blur", {"radius": round(c.factor, 4)})
    params: dict[str, Any] = {}
    radius = number_after(c.text, "radius")
    text = re.sub(r"\bradius\s*(?:of\s*)?[\d.]+", " ", c.text)
    amount = number_after(text, "amount") or percent(text) or bare_number(text)
    params["amount"] = amount.value if amount else round(c.factor, 4)
    if radius:
        params["radius"] = radius.value
    return Draft("sharpen", params)


_DENOISE_VERBS = ("denoise", "clean up", "noise reduction", "reduce noise", "noiseless")


def _denoise(c: Clause) -> Draft | None:
    # "noise" and "grain" are things to remove: "add grain" is not a denoise.
    if c.keyword not in _DENOISE_VERBS and not removal(c.rest):
        return None
    value = percent(c.text)
    strength = value.value if value else min(1.0, 0.5 * c.factor)
    return Draft("denoise", {"strength": round(strength, 4)})


_RATIO = re.compile(r"(?<![\d.])(\d+(?:\.\d+)?)\s*(?::|x|by|/)\s*(\d+(?:\.\d+)?)(?![\d.%])")
_SIDES = r"(?:left|right|top|bottom)(?:\+(?:left|right|top|bottom))?"
_MARGIN = re.compile(
    r"(\d+(?:\.\d+)?)\s*(?:%|percent)\s+(?:(?:off|from|of|on|at|in)\s+)?(?:the\s+)?"
    rf"((?:each|every|all)\s+(?:sides?|edges?)|all\s+a?round|edges|sides|{_SIDES})"
)
_MARGIN_AFTER = re.compile(rf"({_SIDES})\s+(?:side\s+|edge\s+)?(?:by\s+)?(\d+(?:\.\d+)?)\s*%")
_ALL_SIDES = ("left", "top", "right", "bottom")


def _sides(spec: str) -> tuple[str, ...]:
    if spec == "sides":
        return ("left", "right")
    if spec.startswith(("each", "every", "all", "edges")):
        return _ALL_SIDES
    return tuple(spec.split("+"))


def _ratio(a: str, b: str) -> tuple[int, int]:
    # "2.35:1" -> (47, 20): whole numbers, reduced.
    scale = 10 ** max(len(x.partition(".")[2]) for x in (a, b))
    w, h = round(float(a) * scale), round(float(b) * scale)
    g = math.gcd(w, h) or 1
    return (w // g, h // g)


_STORY = re.compile(r"\b(?:instagram|insta|ig|facebook) (?:story|stories|reels?)\b|\btiktok\b")
_WALLPAPER = re.compile(r"\b(?:wallpaper|lock ?screen|home ?screen)\b")


def aspect_of(text: str) -> tuple[int, int] | None:
    """The aspect ratio a clause names: "16:9", "4 by 5", "square", "widescreen", turned by
    "portrait" or "landscape"; None when it names none."""
    match = _RATIO.search(text)
    aspect = _ratio(*match.groups()) if match else None
    if aspect is None and has(text, "square"):
        aspect = (1, 1)
    elif aspect is None and (has(text, "widescreen") or has(text, "youtube thumbnail")):
        aspect = (16, 9)
    elif aspect is None and _STORY.search(text):
        aspect = (9, 16)  # "crop it for my instagram story": a story has one shape
    elif aspect is None and _WALLPAPER.search(text):
        aspect = (18, 39)  # a phone's screen, about 9:19.5 (see `planner.formats`)

    if aspect is not None:
        w, h = aspect
        if (has(text, "portrait") and w > h) or (has(text, "landscape") and w < h):
            aspect = (h, w)
    return aspect


def _crop(c: Clause) -> Draft | None:
    params: dict[str, Any] = {}
    aspect = aspect_of(c.text)
    if aspect is not None:
        params["aspect"] = aspect
    for amount, spec in _MARGIN.findall(c.text):
        params.update(dict.fromkeys(_sides(spec), float(amount) / 100))
    for spec, amount in _MARGIN_AFTER.findall(c.text):
        params.update(dict.fromkeys(_sides(spec), float(amount) / 100))
    if not params and re.search(
        r"\b(?:edges?|sides|borders?|margins?|all round|all around)\b", c.text
    ):
        # "crop the edges a little": the same thin margin off every side, 5 % at "a little"
        share = round(min(0.2, EDGE_TRIM * c.factor), 4)
        params = dict.fromkeys(("left", "top", "right", "bottom"), share)
    return Draft("crop", params) if params else None


EDGE_TRIM = 0.1  # "crop the edges": the margin off every side, as a share of the side


_SIZE = re.compile(r"(?<![\d.])(\d+)\s*(?:px|pixels?)?\s*(?:x|by)\s*(\d+)(?![\d.:%])")
_DOWN = ("shrink", "smaller", "downscale", "downsize", "reduce", "decrease", "down", "less")
_UP = ("enlarge", "bigger", "larger", "upscale", "upsize", "increase", "grow", "up", "more")
_FACTORS = {"half": 0.5, "halve": 0.5, "quarter": 0.25, "twice": 2.0, "double": 2.0,
            "triple": 3.0, "thrice": 3.0}  # fmt: skip


def _scale(c: Clause) -> float | None:
    down = any(has(c.text, w) for w in _DOWN)
    up = any(has(c.text, w) for w in _UP)
    value = percent(c.text)
    if value is not None:
        # "shrink by 30%", "20% smaller" are changes; "scale down to 50%" is a size.
        absolute = re.search(r"\bto\s+[\d.]+\s*(?:%|percent)", c.text)
        if (down or up) and not absolute:
            return 1 - value.value if down else 1 + value.value
        return value.value
    times = (
        number_before(c.text, r"x|times")
        or number_after(c.text, r"x|factor")
        or number_after(c.text, r"by")
    )
    if times is not None:
        return 1 / times.value if down and times.value > 1 else times.value
    for word, factor in _FACTORS.items():
        if has(c.text, word):
            return factor
    if down != up:
        return 1 / (1 + c.factor) if down else 1 + c.factor
    return None


def _resize(c: Clause) -> Draft | None:
    size = _SIZE.search(c.text)
    if size is not None:
        return Draft("resize", {"width": int(size.group(1)), "height": int(size.group(2))})
    params: dict[str, Any] = {}
    width = number_before(c.text, r"(?:px|pixels?)?\s*(?:wide|across)") or number_after(
        c.text, "width"
    )
    height = number_before(c.text, r"(?:px|pixels?)?\s*(?:tall|high)") or number_after(
        c.text, "height"
    )
    if width is not None:
        params["width"] = int(width.value)
    if height is not None:
        params["height"] = int(height.value)
    if params:
        return Draft("resize", params)
    scale = _scale(c)
    return None if scale is None else Draft("resize", {"scale": round(scale, 4)})


_LEFT = ("left", "counterclockwise", "counter clockwise", "anticlockwise", "anti clockwise", "ccw")


SLIGHT_TURN = 3.0  # degrees of "rotate it a bit", "rotate slightly"


# "rotate it the right way (up)": which way is up is not measured here, so it is asked for
_RIGHT_WAY = re.compile(
    r"\b(?:right|correct|proper|wrong) way(?: (?:up|round|around))?\b|"
    r"\borientation\b|\bright side up\b|\bsideways\b"
)
ORIENTATION_PROBLEM = (
    'I cannot tell which way up this picture should be: say how to turn it, e.g. "rotate 90 '
    'degrees clockwise", "rotate 90 degrees counterclockwise" or "rotate 180"'
)

# "rotate the hues by 90 degrees" turns the colours round the colour wheel, not the picture
_HUE_TURN = re.compile(r"\b(?:hues?|colou?r wheel)\b")
HUE_PROBLEM = (
    "turning the hues round the colour wheel is not an edit I can do offline; I can tint it "
    'toward one colour ("add a blue tint"), make a duotone ("duotone navy and gold") or '
    "invert the colours; a generative backend (--backend gemini or openai) can recolour it"
)


def _rotate(c: Clause) -> Draft | None:
    if percent(c.text):
        return None
    if _HUE_TURN.search(c.text):
        return Draft("rotate", problem=HUE_PROBLEM)
    value = number_before(c.text, r"degrees?|deg|°") or bare_number(c.text)
    if value is None and _RIGHT_WAY.search(c.text) and not has(c.text, "upside down"):
        return Draft("rotate", problem=ORIENTATION_PROBLEM)
    if value is not None:
        degrees = value.value
    elif has(c.text, "upside down") or has(c.text, "half turn"):
        degrees = 180.0
    elif c.keyword in ("straighten", "tilt", "level the horizon"):
        return None  # a tilt needs an angle
    elif c.keyword == "turn" and not re.search(r"\b(?:left|right|quarter|clockwise)\b", c.text):
        return None  # "turn it" alone says neither where nor how far
    elif c.factor < 1.0 or has(c.text, "a few degrees"):
        degrees = SLIGHT_TURN  # "rotate it a bit to the left": a small turn, not a quarter
    else:
        degrees = 90.0
    if any(has(c.text, w) for w in _LEFT) and not (value and value.signed):
        degrees = -abs(degrees)
    params: dict[str, Any] = {"degrees": degrees}
    if has(c.text, "expand") or re.search(
        r"\b(?:without cropping|keep (?:the )?(?:whole|corners|everything))", c.text
    ):
        params["fit"] = "expand"
        if c.colors:
            params["background"] = c.colors[0].rgb
    return Draft("rotate", params)


def _flip(c: Clause) -> Draft | None:
    if has_digit(c.text):
        return None  # "flip 90 degrees" is not a flip
    vertical = any(
        has(c.text, w) for w in ("vertical", "vertically", "upside down", "top to bottom")
    )
    return Draft("flip", {"direction": "vertical" if vertical else "horizontal"})


def _border(c: Clause) -> Draft | None:
    if negated(c.rest):  # "remove the border" is not something we can do
        return None
    if len({m.rgb for m in c.colors}) > 1:
        return None  # "a red and white border": a border has one colour
    params: dict[str, Any] = {}
    pixels = number_before(c.text, r"px|pixels?")
    value = percent(c.text)
    if pixels is not None:
        params["pixels"] = int(pixels.value)
    else:
        params["size"] = value.value if value else round(0.05 * c.factor, 4)
    if c.colors:
        params["color"] = c.colors[0].rgb
    return Draft("border", params)


_CORNER = re.compile(r"\b(top|upper|bottom|lower)\s+(left|right)\b")
_BOX_WORDS = r"box|background|band|banner|bar"
_TITLES = ("title", "headline", "heading")
_OUTLINE = re.compile(r"\b(?:outline|outlined|stroke)\b")


def position_of(text: str) -> str | None:
    """The place a clause names: a corner ("top left"), a side ("left", "top") or "center";
    None when it names none. Values are `gouache.ops.layout.Position`."""
    corner = _CORNER.search(text)
    if corner:
        vertical = "top" if corner.group(1) in ("top", "upper") else "bottom"
        return f"{vertical} {corner.group(2)}"
    for position, names in (
        ("left", ("left",)),
        ("right", ("right",)),
        ("top", ("top", "upper")),
        ("bottom", ("bottom", "lower", "foot")),
        ("center", ("center", "centre", "middle", "centered", "centred")),
    ):
        if any(has(text, name) for name in names):
            return position
    return None


def luma(rgb: RGB) -> float:
    """BT.601 luma of a colour, 0..255, the measure the caption operator contrasts with."""
    return 0.299 * rgb[0] + 0.587 * rgb[1] + 0.114 * rgb[2]


def contrasting(rgb: RGB) -> RGB:
    """Black on a light colour, white on a dark one (as `gouache.ops._pixels.contrasting`)."""
    return (0, 0, 0) if luma(rgb) >= 128.0 else (255, 255, 255)


def _caption(c: Clause) -> Draft | None:
    index = quote_index(c.text)
    if index is None or not c.quotes[index]:
        return None  # the text must be in quotes
    position = position_of(c.text)
    if position is None:
        position = "top" if any(has(c.text, title) for title in _TITLES) else "bottom"
    params: dict[str, Any] = {"text": c.quotes[index], "position": position}
    note = None
    colors = list(c.colors)
    outline = _OUTLINE.search(c.text)
    outline_color: RGB | None = None
    if outline is not None:
        # "with a black outline": the colour just before the word is the outline's, not the text's
        before = [m for m in colors if m.span.end <= outline.start()]
        if before and re.fullmatch(r"[\sa-z]{0,4}", c.text[before[-1].span.end : outline.start()]):
            outline_color = before[-1].rgb
            colors.remove(before[-1])
    box = re.search(rf"\b(?:{_BOX_WORDS})\b", c.text)
    if box is not None:
        params["style"] = "box"
        before = [m for m in colors if m.span.end <= box.start()]
        if before and (len(colors) > 1 or has(c.text, "on")):
            params["box_color"] = before[-1].rgb
            colors.remove(before[-1])
            if not colors:  # white letters on a white box cannot be read
                params["color"] = contrasting(before[-1].rgb)
    elif re.search(r"\b(?:plain|no outline|without (?:an )?outline)\b", c.text):
        params["style"] = "plain"
    elif outline is not None:
        params["style"] = "outline"
    if colors:
        params["color"] = colors[0].rgb
    if outline_color is not None:
        drawn = contrasting(params.get("color", (255, 255, 255)))
        if outline_color != drawn:
            note = (
                "the outline is drawn in the colour that contrasts with the letters "
                f"({'black' if drawn == (0, 0, 0) else 'white'}); its colour cannot be chosen"
            )
    for size, names in ((0.04, ("small", "tiny")), (0.12, ("large", "big")), (0.2, ("huge",))):
        if any(has(c.text, name) for name in names):
            params["size"] = size
    value = percent(c.text)
    if value is not None:
        params["size"] = value.value  # "20 %": the height of the letters
    return Draft("caption", params, note=note)


def _balloon(c: Clause) -> Draft | None:
    index = quote_index(c.text)
    if index is None or not c.quotes[index]:
        return None  # the words must be in quotes
    params: dict[str, Any] = {"text": c.quotes[index]}
    position = position_of(c.text)
    if position is not None:
        params["position"] = position
    return Draft("balloon", params)


RULES: dict[str, Rule] = {
    "brightness": _amount("brightness"),
    "contrast": _amount("contrast"),
    "saturation": _amount("saturation"),
    "warmth": _amount("warmth"),
    "exposure": _exposure,
    "tint": _tint,
    "grayscale": _strength("grayscale", 1.0),
    "sepia": _sepia,
    "auto_enhance": _strength("auto_enhance", 1.0),
    "vignette": _vignette,
    "blur": _blur,
    "sharpen": _sharpen,
    "denoise": _denoise,
    "crop": _crop,
    "resize": _resize,
    "rotate": _rotate,
    "flip": _flip,
    "border": _border,
    "caption": _caption,
    "balloon": _balloon,
}
