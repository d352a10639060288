"""The rule planner against any text, with and without a picture's context (faces, text,
references): a plan, a reply, a question, or one of gouache's own errors.

The first byte of an input picks the context; the rest is the instruction, decoded as a
command line would (undecodable bytes kept as surrogates).
"""

from __future__ import annotations

from functools import cache

from fuzz.common import main
from gouache.errors import GouacheError
from gouache.planner.plan import PlanContext
from gouache.planner.rules import RulePlanner

CONTEXTS = (
    PlanContext(),
    PlanContext(
        faces=lambda: [(10, 10, 40, 40), (80, 12, 38, 38)],
        text=lambda: ["SUMMER SALE", "50% off"],
        references=("logo.png", "beach.jpg"),
        size=(640, 480),
    ),
    PlanContext(faces=lambda: [(5, 5, 20, 20)], size=(100, 80)),
    PlanContext(text=lambda: ["SALE"], references=("image 2",), size=(1, 65535)),
)

SEEDS = (
    "crop to 4:5, make it a bit warmer and add a vignette",
    'add the caption "Hello, world" at the top in red',
    "blur the second face from the left",
    'replace "SALE" with "SOLD"',
    "put image 2 in the bottom right at 30% and remove the background",
    "rotate 90 degrees counter-clockwise then black and white",
    "mak it brigter",
    "restore this old photo and remove the dust and scratches",
    "make the sky bluer, the background darker and the faces brighter",
    "resize to 800x600 px, sharpen by +20% and posterize to 4 levels",
    "what can you do?",
    "extend to 16:9 with a light blue and dark red gradient",
    "«tag» „quoted“ ‘single’ \ue000 0\ue001 \x1b[31m",
)


@cache
def planner() -> RulePlanner:
    return RulePlanner()


@cache
def seeds() -> tuple[bytes, ...]:
    return tuple(bytes([i % len(CONTEXTS)]) + s.encode() for i, s in enumerate(SEEDS * 2))


def one_input(data: bytes) -> None:
    if not data:
        return
    context = CONTEXTS[data[0] % len(CONTEXTS)]
    text = data[1:].decode("utf-8", "surrogateescape")
    try:
        planner().plan(text, context)
    except GouacheError:
        return


if __name__ == "__main__":
    main("planner", one_input, seeds())
