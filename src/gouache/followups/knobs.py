"""The parameters comparatives move ("a bit bigger shadow"), and by how much."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Knob:
    """One parameter of one operator that comparatives move."""

    op: str
    param: str
    name: str  # how the reply names it
    unit: str  # "side" (a share of the shorter side, shown in px), "percent", "px", "times"
    nouns: tuple[str, ...]
    up: tuple[str, ...]  # comparatives that raise it, each with its plain form after a space
    down: tuple[str, ...]
    # The words of GLOBAL that name it said alone, after its edit: a quality the edit has
    # ("not so dark" after a shadow is the shadow's darkness)
    alone: frozenset[str] = frozenset()


_DARK = frozenset(("dark", "darker", "light", "lighter"))
_SHARP = frozenset(("sharp", "sharper", "blurry", "blurrier", "clear", "clearer"))
KNOBS = (
    Knob("drop_shadow", "distance", "shadow distance", "side", ("shadow", "drop shadow"),
         ("bigger big", "larger large", "longer long", "farther far", "further far",
          "deeper deep"),
         ("smaller small", "shorter short", "closer close", "tighter tight", "nearer near"),
         frozenset(("big", "bigger"))),
    Knob("drop_shadow", "softness", "shadow softness", "side", ("shadow", "drop shadow"),
         ("softer soft", "blurrier blurry", "fuzzier fuzzy", "smoother smooth"),
         ("harder hard", "sharper sharp", "crisper crisp")),
    Knob("drop_shadow", "opacity", "shadow opacity", "percent", ("shadow", "drop shadow"),
         ("darker dark", "stronger strong", "heavier heavy", "bolder bold", "denser dense"),
         ("lighter light", "fainter faint", "paler pale", "subtler subtle", "weaker weak"),
         _DARK),
    Knob("border", "size", "border width", "side", ("border", "frame"),
         ("thicker thick", "wider wide", "bigger big", "broader broad", "fatter fat"),
         ("thinner thin", "narrower narrow", "smaller small", "slimmer slim"),
         frozenset(("big", "bigger"))),
    Knob("vignette", "strength", "vignette", "percent", ("vignette", "vignetting", "corners"),
         ("darker dark", "stronger strong", "heavier heavy", "deeper deep", "bigger big"),
         ("lighter light", "subtler subtle", "weaker weak", "fainter faint", "smaller small"),
         _DARK),
    Knob("blur_background", "radius", "background blur", "px", ("blur", "background", "bokeh"),
         ("blurrier blurry", "stronger strong", "heavier heavy", "creamier creamy"),
         ("sharper sharp", "weaker weak", "lighter light", "clearer clear", "subtler subtle"),
         _SHARP),
    Knob("blur", "radius", "blur", "px", ("blur",),
         ("blurrier blurry", "bigger big", "stronger strong", "heavier heavy", "larger large"),
         ("sharper sharp", "smaller small", "weaker weak", "lighter light", "subtler subtle",
          "gentler gentle", "clearer clear"),
         _SHARP),
    # a crop keeps more of its parent ("looser", "zoom out") or less: `crops` moves its
    # margins, "margins" standing for all four
    Knob("crop", "margins", "crop", "window", ("crop", "framing"),
         ("looser loose", "wider wide"), ("tighter tight", "closer close", "narrower narrow")),
    Knob("crop_face", "margin", "margin round the face", "percent", ("crop", "framing"),
         ("looser loose", "wider wide"), ("tighter tight", "closer close", "narrower narrow")),
    Knob("crop_subject", "margin", "margin round the subject", "percent", ("crop", "framing"),
         ("looser loose", "wider wide"), ("tighter tight", "closer close", "narrower narrow")),
    # a smart crop zooms in on its faces (or subject): "tighter" is more zoom
    Knob("smart_crop", "zoom", "zoom", "times", ("crop", "framing"),
         ("tighter tight", "closer close", "narrower narrow"), ("looser loose", "wider wide")),
)  # fmt: skip
# "a bit bigger": 1 + 0.5 x the size (as conversation.RESCALE's "more"); "much": 1.5 ** 2
SIZES = {"a bit": 0.5, "a little": 0.5, "a touch": 0.5, "a tad": 0.5, "slightly": 0.5,
         "somewhat": 0.5, "much": 2.0, "way": 2.0, "a lot": 2.0, "far": 2.0,
         "even": 1.0}  # fmt: skip
# Comparatives that alone are an edit of the whole picture: they adjust the last edit only
# when they name it ("a darker shadow")
GLOBAL = frozenset(
    ("dark", "darker", "light", "lighter", "sharp", "sharper", "blurry", "blurrier", "clear",
     "clearer", "big", "bigger")
)  # fmt: skip


def words(kind: str) -> str:
    """Every comparative of `kind` ("up" or "down") and its plain form, as regex choices."""
    forms = {word for knob in KNOBS for pair in getattr(knob, kind) for word in pair.split()}
    return "|".join(sorted(forms, key=len, reverse=True))


def nouns() -> str:
    """Every noun a knob answers to, as regex choices."""
    return "|".join(sorted({n for k in KNOBS for n in k.nouns}, key=len, reverse=True))


def direction(knob: Knob, word: str) -> int:
    """1 when `word` raises `knob`, -1 when it lowers it, 0 when it is not the knob's."""
    if any(word in pair.split() for pair in knob.up):
        return 1
    return -1 if any(word in pair.split() for pair in knob.down) else 0


def factor(size: str) -> float:
    """How far a comparative moves: 1.5, "a bit" 1.25, "much" 2.25."""
    amount = SIZES.get(size, 1.0)
    return 1.0 + 0.5 * amount if amount <= 1.0 else 1.5**amount
