"""The built-in suite: 70 cases on images that ship with the dependencies or are drawn here.

`gouache eval run builtin` runs it; `builtin:quick` is the subset the regression gate in
`make test` runs (QUICK, one or two cases of each category). Regions are fractions of the
frame where the operator backend draws each edit (a caption "at the bottom" lands in the
bottom band), so that preservation is measured outside them.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from gouache.evals.suite import Case, Suite

BOTTOM = {"box": [0.0, 0.7, 1.0, 1.0]}
TOP = {"box": [0.0, 0.0, 1.0, 0.3]}
TOP_LEFT = {"box": [0.0, 0.0, 0.5, 0.4]}
TOP_RIGHT = {"box": [0.5, 0.0, 1.0, 0.4]}
BOTTOM_LEFT = {"box": [0.0, 0.6, 0.5, 1.0]}
BOTTOM_RIGHT = {"box": [0.5, 0.6, 1.0, 1.0]}
ASTRONAUT = {"Eileen": "builtin:astronaut"}
HOPPER = {"Grace": "builtin:grace_hopper"}
LOGO = ["generated:logo"]


def _case(id: str, category: str, image: str, turns: str | list[str], **fields: Any) -> Case:
    expect = fields.pop("expect", {})
    return Case.model_validate(
        {
            "id": id,
            "category": category,
            "image": f"builtin:{image}" if ":" not in image else image,
            "turns": turns,
            "expect": expect,
            **fields,
        }
    )


def _captions() -> list[Case]:
    rows = [
        ("astronaut", "HELLO WORLD", "at the bottom", BOTTOM),
        ("coffee", "Morning Coffee", "at the top", TOP),
        ("chelsea", "Sale", "at the top right", TOP),
        ("rocket", "Launch 2026", "at the bottom left", BOTTOM),
        ("hubble", "Deep Field", "at the bottom right", BOTTOM),
        ("generated:shapes", "Shapes", "at the top left", TOP),
        ("camera", "Cameraman", "at the bottom", BOTTOM),
        ("coins", "COINS", "at the top", TOP),
        ("clock", "Time", "at the bottom", BOTTOM),
        ("generated:poster", "Free entry", "at the bottom", BOTTOM),
        ("color", "Spectrum", "at the bottom", BOTTOM),
        ("ihc", "Sample 7", "at the bottom", BOTTOM),
        ("brick", "Wall", "at the top", TOP),
    ]
    cases = [
        _case(
            f"caption-{image.split(':')[-1]}",
            "caption",
            image,
            f'add the caption "{text}" {where}',
            region=region,
            expect={"text": [text], "changed": True},
        )
        for image, text, where, region in rows
    ]
    cases.append(
        _case(
            "caption-grace_hopper",
            "caption",
            "grace_hopper",
            'add the caption "Grace Hopper" at the bottom',
            region=BOTTOM,
            characters=HOPPER,
            expect={"text": ["Grace Hopper"], "changed": True},
        )
    )
    return cases


def _text_edits() -> list[Case]:
    return [
        _case(
            "remove-text-poster",
            "text-edit",
            "generated:poster",
            "remove the text",
            region="text",
            expect={"absent_text": ["SUMMER SALE"], "changed": True},
        ),
        _case(
            "remove-text-sign",
            "text-edit",
            "generated:sign",
            "remove the text",
            region="text",
            expect={"absent_text": ["OPEN"], "changed": True},
        ),
        _case(
            "remove-text-document",
            "text-edit",
            "generated:document",
            "remove the text",
            region="text",
            expect={"absent_text": ["MEETING", "printer"], "changed": True},
        ),
        _case(
            "replace-text-poster",
            "text-edit",
            "generated:poster",
            'replace "SALE" with "FAIR"',
            region="text",
            expect={"text": ["FAIR"], "absent_text": ["SALE"], "changed": True},
        ),
        _case(
            "replace-text-sign",
            "text-edit",
            "generated:sign",
            'replace "OPEN" with "SHUT"',
            region="text",
            expect={"text": ["SHUT"], "absent_text": ["OPEN"], "changed": True},
        ),
        _case(
            "replace-text-document",
            "text-edit",
            "generated:document",
            'replace "March" with "April"',
            region="text",
            expect={"text": ["April"], "absent_text": ["March"], "changed": True},
        ),
    ]


def _faces() -> list[Case]:
    rows = [
        ("blur-faces-astronaut", "astronaut", "blur the faces"),
        ("pixelate-faces-astronaut", "astronaut", "pixelate the faces"),
        ("blur-largest-face-astronaut", "astronaut", "blur the largest face"),
        ("blur-faces-grace_hopper", "grace_hopper", "blur the faces"),
        ("pixelate-faces-grace_hopper", "grace_hopper", "pixelate the faces"),
        ("blur-faces-camera", "camera", "blur the faces"),
    ]
    return [
        _case(id, "faces", image, turn, region="faces", expect={"changed": True})
        for id, image, turn in rows
    ]


def _identity() -> list[Case]:
    edits = [
        ("warmer", "make it warmer"),
        ("brighter", "make it a bit brighter"),
        ("contrast", "increase the contrast"),
        ("sepia", "sepia"),
        ("grayscale", "make it black and white"),
        ("vignette", "add a vignette"),
    ]
    return [
        _case(
            f"{slug}-{image}",
            "identity",
            image,
            turn,
            region="whole",
            characters=people,
            expect={"changed": True},
        )
        for image, people in (("astronaut", ASTRONAUT), ("grace_hopper", HOPPER))
        for slug, turn in edits
    ]


def _tone() -> list[Case]:
    rows = [
        ("warmer-coffee", "coffee", "make it warmer"),
        ("cooler-chelsea", "chelsea", "make it cooler"),
        ("saturated-rocket", "rocket", "more saturated"),
        ("brighter-hubble", "hubble", "make it brighter"),
        ("contrast-coins", "coins", "increase the contrast"),
        ("tint-color", "color", "add a blue tint"),
        ("posterize-shapes", "generated:shapes", "posterize to 4 levels"),
        ("sharpen-ihc", "ihc", "sharpen"),
        ("denoise-clock", "clock", "remove the noise"),
        ("enhance-coffee", "coffee", "auto enhance"),
    ]
    return [
        _case(id, "tone", image, turn, region="whole", expect={"changed": True})
        for id, image, turn in rows
    ]


def _geometry() -> list[Case]:
    return [
        _case(
            "crop-4x5-astronaut",
            "geometry",
            "astronaut",
            "crop to 4:5",
            region="whole",
            expect={"aspect": "4:5"},
        ),
        _case(
            "crop-square-coffee",
            "geometry",
            "coffee",
            "crop to square",
            region="whole",
            expect={"aspect": "1:1"},
        ),
        _case(
            "crop-16x9-chelsea",
            "geometry",
            "chelsea",
            "crop to 16:9",
            region="whole",
            expect={"aspect": "16:9"},
        ),
        _case(
            "rotate-90-rocket",
            "geometry",
            "rocket",
            "rotate 90 degrees",
            region="whole",
            expect={"size": [427, 640]},
        ),
        _case(
            "flip-coffee",
            "geometry",
            "coffee",
            "flip horizontally",
            region="whole",
            expect={"size": [600, 400], "changed": True},
        ),
        _case(
            "resize-astronaut",
            "geometry",
            "astronaut",
            "resize to 256 px wide",
            region="whole",
            expect={"size": [256, 256]},
        ),
        _case(
            "border-chelsea",
            "geometry",
            "chelsea",
            "add a white border",
            region="whole",
            expect={"size": [481, 330], "changed": True},
        ),
        _case(
            "extend-16x9-astronaut",
            "geometry",
            "astronaut",
            "extend to 16:9",
            region="whole",
            expect={"aspect": "16:9"},
        ),
        _case(
            "smart-crop-grace_hopper",
            "geometry",
            "grace_hopper",
            "smart crop to 16:9",
            region="whole",
            characters=HOPPER,
            expect={"aspect": "16:9"},
        ),
    ]


def _composition() -> list[Case]:
    return [
        _case(
            "logo-bottom-right-astronaut",
            "composition",
            "astronaut",
            "add the logo in the bottom right",
            references=LOGO,
            region=BOTTOM_RIGHT,
            characters=ASTRONAUT,
            expect={"changed": True},
        ),
        _case(
            "logo-top-left-coffee",
            "composition",
            "coffee",
            "add the logo in the top left",
            references=LOGO,
            region=TOP_LEFT,
            expect={"changed": True},
        ),
        _case(
            "logo-half-chelsea",
            "composition",
            "chelsea",
            "add the logo in the bottom left at 50% opacity",
            references=LOGO,
            region=BOTTOM_LEFT,
            expect={"changed": True},
        ),
        _case(
            "logo-top-right-poster",
            "composition",
            "generated:poster",
            "add the logo in the top right",
            references=LOGO,
            region=TOP_RIGHT,
            expect={"changed": True, "text": ["SUMMER SALE"]},
        ),
        _case(
            "inset-top-right-rocket",
            "composition",
            "rocket",
            "put image 2 as an inset in the top right",
            references=["builtin:coffee"],
            region=TOP_RIGHT,
            expect={"changed": True},
        ),
        _case(
            "inset-bottom-left-hubble",
            "composition",
            "hubble",
            "put image 2 as an inset in the bottom left",
            references=["builtin:chelsea"],
            region=BOTTOM_LEFT,
            expect={"changed": True},
        ),
    ]


def _multi_turn() -> list[Case]:
    return [
        _case(
            "mt-caption-logo-astronaut",
            "multi-turn",
            "astronaut",
            ['add the caption "Mission" at the bottom', "add the logo in the bottom right"],
            references=LOGO,
            region=[BOTTOM, BOTTOM_RIGHT],
            characters=ASTRONAUT,
            expect={"text": ["Mission"], "changed": True},
        ),
        _case(
            "mt-warm-caption-coffee",
            "multi-turn",
            "coffee",
            ["make it warmer", 'add the caption "Cafe" at the bottom'],
            region="whole",
            expect={"text": ["Cafe"], "changed": True},
        ),
        _case(
            "mt-three-captions-shapes",
            "multi-turn",
            "generated:shapes",
            [
                'add the caption "One" at the top left',
                'add the caption "Two" at the top right',
                'add the caption "Three" at the bottom',
            ],
            region=[TOP, BOTTOM],
            expect={"text": ["One", "Two", "Three"]},
        ),
        _case(
            "mt-blur-caption-grace_hopper",
            "multi-turn",
            "grace_hopper",
            ["blur the faces", 'add the caption "Anonymous" at the bottom'],
            region=["faces", BOTTOM],
            expect={"text": ["Anonymous"], "changed": True},
        ),
        _case(
            "mt-replace-caption-poster",
            "multi-turn",
            "generated:poster",
            ['replace "SALE" with "FAIR"', 'add the caption "Today" at the bottom right'],
            region=["text", BOTTOM],
            expect={"text": ["FAIR", "Today"]},
        ),
        _case(
            "mt-crop-caption-chelsea",
            "multi-turn",
            "chelsea",
            ["crop to 4:5", 'add the caption "Cat" at the bottom'],
            region="whole",
            expect={"aspect": "4:5", "text": ["Cat"]},
        ),
        _case(
            "mt-portrait-chain-grace_hopper",
            "multi-turn",
            "grace_hopper",
            ["make it warmer", "add a vignette", 'add the caption "1906" at the bottom'],
            region="whole",
            characters=HOPPER,
            expect={"text": ["1906"], "changed": True},
        ),
    ]


QUICK = (
    "caption-astronaut",
    "caption-chelsea",
    "remove-text-sign",
    "replace-text-poster",
    "blur-faces-astronaut",
    "warmer-grace_hopper",
    "warmer-coffee",
    "crop-4x5-astronaut",
    "logo-bottom-right-astronaut",
    "mt-caption-logo-astronaut",
)


def builtin_suite(*, quick: bool = False) -> Suite:
    cases = (
        _captions()
        + _text_edits()
        + _faces()
        + _identity()
        + _tone()
        + _geometry()
        + _composition()
        + _multi_turn()
    )
    suite = Suite(
        "builtin",
        tuple(cases),
        "gouache's built-in suite: captions, text edits, faces, identity under global edits, "
        "tone, geometry, composition with references, multi-turn chains",
        Path.cwd(),
    )
    return suite.only(set(QUICK)) if quick else suite
