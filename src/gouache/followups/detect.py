"""What kind of follow-up a line is, read from its words alone: a comparative that names a
parameter ("a bit bigger shadow"), faces ("only the one on the right"), a replacement
("sepia instead", "no, I meant cooler") or more of the same ("and her eyes too")."""

from __future__ import annotations

import re
from dataclasses import dataclass

from gouache.followups import knobs
from gouache.planner import targets

_LEAD = (
    r"^(?:(?:ok|okay|hmm|no|nah|oh|ah|wait|actually|please|pls|can you|could you|just|now|and|"
    r"but|yes|yeah|sorry)[,!.]?\s+)*"
)
_TAIL = r"(?:\s+(?:please|pls|thanks|thank you))?$"
_NOUNS = knobs.nouns()
ADJUST = re.compile(
    _LEAD + r"(?:(?:make|have|get|let'?s make|keep|add|give it|use|try|crop it|crop)\s+)?"
    r"(?:(?P<the>the|that|this|its|it|it'?s|a)\s+)?"
    rf"(?:(?P<noun>{_NOUNS})\s*(?:'s\s+|\s+))?(?:(?:is|looks|should be|be)\s+)?"
    r"(?P<size>a bit|a little|a touch|a tad|slightly|somewhat|much|way|a lot|far|even)?\s*"
    r"(?P<how>too|more|less|not so|not as|not that)?\s*"
    rf"(?P<word>{knobs.words('up')}|{knobs.words('down')})"
    rf"(?:\s+(?:a\s+)?(?P<noun2>{_NOUNS}))?(?:\s+(?:too|as well|now|then))?" + _TAIL
)
_ONE = r"(?:one|face|person|guy|woman|man|lady|girl|boy|kid)"
_OTHER = re.compile(
    _LEAD + r"(?:not (?:her|him|them|that one|this one|(?:the )?(?P<not>[a-z0-9]+) (?:one|face))"
    rf"[,;.]?\s+)?(?:(?:do|blur|use)\s+)?(?:(?:and|also)\s+)?"
    rf"the (?P<other>other|others|other {_ONE}s?)"
    r"(?:\s+(?P<too>too|as well|also|instead))?" + _TAIL
)
_ONLY = re.compile(_LEAD + r"(?:only|just)\s+(?P<who>.+?)(?:\s+(?:please|then|instead))?$")
_TOO = re.compile(
    _LEAD + r"(?:(?:and|also|plus)\s+)?(?P<who>(?:her|him|the [a-z0-9 ]+?))\s+(?:too|as well|also)$"
)
_ALL = re.compile(
    _LEAD + r"(?:(?:and|also|do)\s+)?(?:both(?: of them)?|all of them|all (?:the )?faces|"
    r"everyone|everybody|all three|every face)(?:\s+(?:too|as well|then))?" + _TAIL
)
_NOT = re.compile(_LEAD + r"(?:but )?not (?P<who>(?:the )?[a-z0-9 ]+?(?: one| face))" + _TAIL)
ALSO = re.compile(
    _LEAD + r"(?:(?:and|also|plus)\s+)?(?P<what>(?:her|his|their|its|the) [a-z ]+?)"
    r"(?:\s+(?:too|as well|also))"
    + _TAIL
    + r"|"
    + _LEAD
    + r"(?:and|also|plus)\s+(?P<bare>(?:her|his|their|its|the) [a-z ]+?)"
    + _TAIL
)
# "no, I meant cooler": what was asked, said again
MEANT = re.compile(
    _LEAD + r"(?:i meant|i said|i wanted|i asked for|what i meant was)[,:]?\s+(?P<rest>.+)$"
)
INSTEAD = re.compile(
    _LEAD + r"(?:rather|instead[,]?\s+)?(?:(?:let'?s |i'?d )?(?:try|go with|do|use)\s+)?"
    r"(?P<rest>.+?)(?:[,]?\s+instead(?: of (?:that|this|it))?)?[.!]*$"
)


_SIZE = r"(?:a bit|a little|a touch|a tad|slightly|somewhat|much|a lot)"
# "zoom out a bit", "show a bit more": a looser crop, said as ADJUST reads it
_ZOOM = re.compile(
    _LEAD + r"(?:(?P<out>zoom out|zoom back out|pull back|pull out|back off)|"
    r"(?P<in>zoom in|zoom in closer|go closer|get closer|move in)|"
    rf"(?:show|keep|include)(?:\s+(?P<amount>{_SIZE}))? (?P<more>more|less)"
    r"(?: of (?:it|the picture|the photo|the image))?)"
    rf"(?:\s+(?P<size>{_SIZE}))?(?:\s+(?:more|further|again))?" + _TAIL
)


def reframing(said: str) -> str:
    """ "zoom out a bit" as "a bit looser crop", "zoom in" as "tighter crop"; else `said`."""
    found = _ZOOM.fullmatch(said)
    if found is None:
        return said
    size = found.group("size") or found.group("amount") or ""
    looser = found.group("out") is not None or found.group("more") == "more"
    return f"{size} {'looser' if looser else 'tighter'} crop".strip()


def said(line: str) -> str:
    """`line` as the patterns read it: lower case, one space between words, no end stop."""
    return " ".join(line.lower().replace("’", "'").split()).strip(" .!")


@dataclass(frozen=True)
class Faces:
    """Which faces a line asks for: `how` "only", "other", "add", "drop" or "all"; `who` the words
    that name them ("the one on the right"), `plural` "the others"."""

    how: str
    who: str = ""
    plural: bool = False
    not_: str = ""


def faces_asked(said: str) -> Faces | None:
    other = _OTHER.fullmatch(said)
    if other is not None:
        plural = other.group("other").endswith("s")
        how = "add" if other.group("too") in ("too", "as well", "also") else "other"
        return Faces(how, plural=plural, not_=other.group("not") or "")
    if _ALL.fullmatch(said):
        return Faces("all")
    dropped = _NOT.fullmatch(said)
    if dropped is not None and _face_words(dropped.group("who")):
        return Faces("drop", dropped.group("who"))
    only = _ONLY.fullmatch(said)
    if only is not None and _face_words(only.group("who")):
        return Faces("only", only.group("who"))
    too = _TOO.fullmatch(said)
    if too is not None and _face_words(too.group("who")):
        return Faces("add", too.group("who"))
    instead = re.fullmatch(r"(?:the )?(?P<who>.+?) instead", said)
    if instead is not None and _face_words(instead.group("who")):
        return Faces("only", instead.group("who"))
    return None


def _face_words(who: str) -> bool:
    """ "the one on the right", "the left face", "her": words that name a face alone."""
    return targets.read_answer(who, ("left", "middle", "right")) is not None or who in (
        "her",
        "him",
    )


def replaces(said: str) -> bool:
    """ "sepia instead", "instead, make it black and white"; not "blue instead of red", where
    "instead" is inside one edit; "no, I meant cooler"."""
    return (
        MEANT.fullmatch(said) is not None
        or said.startswith("instead")
        or re.search(r"\binstead(?: of (?:that|this|it))?$", said) is not None
    )
