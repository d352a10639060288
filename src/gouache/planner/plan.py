"""The typed plan a planner makes from an instruction, and its reply when it cannot make one.

`Step` and `EditPlan` live in `gouache.ops.plan` (the operators run them and must not import
the planner); they are re-exported here, where a planner's outcomes are declared.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Protocol

from pydantic import BaseModel, ConfigDict

from gouache.ops.plan import EditPlan as EditPlan
from gouache.ops.plan import Step as Step

if TYPE_CHECKING:
    from gouache.analysis.bars import EdgeBar
    from gouache.analysis.titles import Titles
    from gouache.analysis.types import Box


class PlannerReply(BaseModel):
    """The planner could not map the instruction: what it understood and what it can do instead.

    No version is made from a reply; nothing is done in place of what was asked.
    """

    model_config = ConfigDict(frozen=True)

    instruction: str
    message: str
    understood: tuple[str, ...] = ()
    suggestions: tuple[str, ...] = ()
    # The whole instruction with its misspelt words corrected, when that is all it lacks; the
    # planner asks "did you mean ...?" with it when it plans on the picture.
    correction: str = ""

    def describe(self) -> str:
        lines = [self.message]
        if self.understood:
            lines.append("Understood: " + "; ".join(self.understood))
        if self.suggestions:
            lines.append("Closest edits I can do: " + "; ".join(self.suggestions))
        return "\n".join(lines)


class PlannerQuestion(BaseModel):
    """The instruction is ambiguous: a question with its options, and no version.

    The session keeps it as pending; the next instruction, if it picks an option ("the middle
    one"), completes the original instruction with that choice.
    """

    model_config = ConfigDict(frozen=True)

    instruction: str
    message: str
    options: tuple[str, ...]
    # What the choice fills in, e.g. "face" (the target of a face operation).
    slot: str = ""

    def describe(self) -> str:
        return self.message


class PlannerAnswer(BaseModel):
    """A question about the picture or about gouache, answered in words: no version is made."""

    model_config = ConfigDict(frozen=True)

    instruction: str
    message: str

    def describe(self) -> str:
        return self.message


PlanOutcome = EditPlan | PlannerReply | PlannerQuestion | PlannerAnswer


@dataclass
class PlanContext:
    """What the planner may look at besides the words. Analyses run only when asked for.

    `faces` returns the face boxes of the current image, left to right; `text` the lines
    of text read in it; `references` names the attached images 2, 3, ... (file names);
    `region` the share of the picture a region covers.
    """

    faces: Callable[[], Sequence[Box]] = field(default=lambda: ())
    text: Callable[[], Sequence[str]] = field(default=lambda: ())
    references: tuple[str, ...] = ()
    pending: PlannerQuestion | None = None
    size: tuple[int, int] | None = None
    # The share of the picture a region covers ("sky", "subject", "background", "faces");
    # without a picture every region is taken as there.
    region: Callable[[str], float] = field(default=lambda name: 1.0)
    # The bars of one colour along the edges; None without a picture (nothing is checked).
    bars: Callable[[], Sequence[EdgeBar]] | None = None
    # Whether the picture is black and white; None without a picture.
    grey: Callable[[], bool] | None = None
    # The warmth amount that balances the picture's red and blue (positive: it has a blue
    # cast, negative: a yellow one); None without a picture.
    warmth: Callable[[], float] | None = None
    # The tone of a toned monochrome ("sepia"), None for any other picture; the callable is
    # None without a picture.
    toned: Callable[[], str | None] | None = None
    # The colour of the picture's edges when they are one plain colour, else None; the
    # callable is None without a picture.
    edge: Callable[[], tuple[int, int, int] | None] | None = None
    # The share of the picture's pixels of each colour name ("red", "brown", ...,
    # `ops.selective.shares`); None without a picture.
    colours: Callable[[], dict[str, float]] | None = None
    # Whether an operator would change the picture with these parameters rather than refuse
    # it (`gouache.ops.takes`); None without a picture (every edit is taken).
    takes: Callable[[str, Mapping[str, Any]], bool] | None = None
    # The colour almost only the subject has (`ops.selective.own_colour`), if any; None
    # without a picture.
    subject_colour: Callable[[], str | None] | None = None
    # A line of text on a band of its own at the top or bottom, to crop away
    # (`analysis.titles`); None without a picture.
    titles: Callable[[], Titles] | None = None


class Planner(Protocol):
    """Anything that turns an instruction into a plan, a reply, a question or an answer."""

    name: str

    def plan(self, instruction: str, context: PlanContext | None = None) -> PlanOutcome: ...
