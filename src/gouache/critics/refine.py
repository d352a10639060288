"""The critique loop: candidates, scores, corrections, within a budget of attempts and seconds.

1. Make N candidates of the instruction at the same version: other seeds for a backend that
   samples, variants of the plan's strengths (x0.6, x1, x1.5) for the deterministic one.
2. Score every candidate against the guideline; keep the one whose worst criterion is best
   (ties: the weighted mean of the margins).
3. While something fails and budget and time are left, turn the failing criteria into a
   corrective plan (missing text is added, forbidden words removed, a palette failure gets a
   colour transfer to the palette, a missing logo is placed...) applied to the best so far.

Every attempt is kept as a version of kind "attempt" with its scores. A failure the model
caused (a refused or impossible edit) is recorded on its attempt and the loop goes on; bugs
and configuration errors propagate.
"""

from __future__ import annotations

import time
from collections.abc import Sequence
from dataclasses import dataclass
from fractions import Fraction
from typing import TYPE_CHECKING

import numpy as np

from gouache.critics.guideline import Evaluation, Guideline
from gouache.errors import BackendError, InputError, UnsupportedError
from gouache.images import Image, LoadedImage
from gouache.ops.plan import EditPlan, Step
from gouache.sessions.turn import Critique, TurnRequest

if TYPE_CHECKING:
    from gouache.sessions.session import Session
    from gouache.sessions.versions import Version

# The strengths tried for a deterministic backend's candidates.
VARIANTS = (1.0, 0.6, 1.5)
_SCALED = ("amount", "strength", "radius", "stops", "scale", "opacity")


@dataclass(frozen=True)
class Attempt:
    number: int
    plan: EditPlan
    seed: int | None
    version: Version | None
    evaluation: Evaluation | None
    # Why the model made nothing, when it did not.
    error: str = ""
    seconds: float = 0.0

    @property
    def rank(self) -> tuple[float, float]:
        if self.evaluation is None:
            return (-1e9, -1e9)
        return (self.evaluation.worst_margin, self.evaluation.weighted_margin)


@dataclass(frozen=True)
class RefineResult:
    attempts: tuple[Attempt, ...]
    best: Attempt | None
    # passed, budget, time, no correction, not planned
    stopped: str
    reply: str = ""

    @property
    def passed(self) -> bool:
        best = self.best
        return best is not None and best.evaluation is not None and best.evaluation.passed

    def table(self) -> str:
        """One row per attempt, one column per criterion: the reply of a refine turn."""
        if not self.attempts:
            return self.reply
        names: list[str] = []
        for attempt in self.attempts:
            for score in attempt.evaluation.scores if attempt.evaluation else ():
                if score.criterion not in names:
                    names.append(score.criterion)
        head = f"{'#':>2} {'version':<8} {'worst':>6}  " + "  ".join(f"{n[:10]:<10}" for n in names)
        rows = [head]
        for attempt in self.attempts:
            label = f"v{attempt.version.number}" if attempt.version else "-"
            if attempt.evaluation is None:
                rows.append(f"{attempt.number:>2} {label:<8} {'-':>6}  {attempt.error}")
                continue
            cells = {
                s.criterion: ("pass" if s.passed else "FAIL") for s in attempt.evaluation.scores
            }
            marks = "  ".join(f"{cells.get(n, '-'):<10}" for n in names)
            best = " <- best" if attempt is self.best else ""
            rows.append(
                f"{attempt.number:>2} {label:<8} {attempt.evaluation.worst_margin:>6.2f}  "
                f"{marks}{best}"
            )
            rows.append(f"     {attempt.plan.describe()}")
        rows.append(f"stopped: {self.stopped}")
        return "\n".join(rows)


def refine(
    session: Session,
    instruction: str,
    guideline: Guideline,
    *,
    candidates: int = 3,
    budget: int = 8,
    seconds: float = 120.0,
    references: Sequence[LoadedImage] = (),
    at: str | None = None,
    plan: EditPlan | None = None,
) -> RefineResult:
    """Best-of-N, then corrections, until every criterion passes or the budget is spent.
    `plan` is the instruction's plan when the caller made it already."""
    # 1. check inputs and plan the instruction once
    if candidates < 1 or budget < 1 or seconds <= 0:
        raise InputError("candidates and budget are at least 1, seconds above 0")
    from gouache.sessions.session import plan_context

    started = time.monotonic()
    parent = session.resolve(at or "head")
    source = session.image(parent.id)
    outcome = plan or session.planner.plan(
        instruction, plan_context(session.analyses, source, references)
    )
    if not isinstance(outcome, EditPlan):
        return RefineResult((), None, "not planned", outcome.describe())

    # 2. candidates at the same version
    attempts: list[Attempt] = []
    stopped = "budget"
    for plan, seed in _candidates(session, outcome, candidates):
        if len(attempts) >= budget:
            break
        if time.monotonic() - started > seconds:
            stopped = "time"
            break
        attempts.append(
            _attempt(session, len(attempts) + 1, plan, seed, parent, references, guideline, source)
        )
    best = _best(attempts)

    # 3. corrections on the best so far
    while best is not None and best.evaluation is not None and best.version is not None:
        if best.evaluation.passed:
            stopped = "passed"
            break
        if len(attempts) >= budget:
            stopped = "budget"
            break
        if time.monotonic() - started > seconds:
            stopped = "time"
            break
        image = session.image(best.version.id)
        correction = corrective_plan(best.evaluation, guideline, image)
        if correction is None:
            stopped = "no correction"
            break
        plan, extra = correction
        attempt = _attempt(
            session,
            len(attempts) + 1,
            plan,
            None,
            best.version,
            [*references, *extra],
            guideline,
            source,
        )
        attempts.append(attempt)
        if attempt.rank > best.rank:
            best = attempt
        elif attempt.evaluation is not None:
            stopped = "no correction"  # the correction did not help: stop rather than loop
            break
    if best is not None and best.evaluation is not None and best.evaluation.passed:
        stopped = "passed"
    if best is not None and best.version is not None:
        session.checkout(best.version.id)
    return RefineResult(tuple(attempts), best, stopped)


def _candidates(session: Session, plan: EditPlan, count: int) -> list[tuple[EditPlan, int | None]]:
    if not session.backend.capabilities.preserves_unedited:
        return [(plan, seed) for seed in range(count)]
    operators = session.backend.operators
    variants: list[tuple[EditPlan, int | None]] = []
    for factor in VARIANTS:
        variant = _scaled(plan, factor)
        if any(variant.steps == v.steps for v, _ in variants):
            continue
        try:
            for step in variant.steps:
                if operators is not None:
                    operators.validate(step)
        except InputError:
            continue  # this strength is out of the operator's range: not a candidate
        variants.append((variant, None))
    return variants[:count]


def _scaled(plan: EditPlan, factor: float) -> EditPlan:
    steps = []
    for step in plan.steps:
        params = dict(step.params)
        for key in _SCALED:
            value = params.get(key)
            if isinstance(value, float | int) and not isinstance(value, bool):
                params[key] = round(float(value) * factor, 4)
        label = step.label if factor == 1.0 else f"{step.describe()} x{factor:g}"
        steps.append(Step(op=step.op, params=params, label=label))
    return plan.model_copy(update={"steps": tuple(steps)})


def _attempt(
    session: Session,
    number: int,
    plan: EditPlan,
    seed: int | None,
    parent: Version,
    references: Sequence[LoadedImage],
    guideline: Guideline,
    source: Image,
) -> Attempt:
    started = time.monotonic()

    def judge(image: Image) -> GuidelineCritique:
        evaluation = guideline.evaluate(image, session.analyses, source=source)
        return GuidelineCritique(
            passed=evaluation.passed,
            rank=(evaluation.worst_margin, evaluation.weighted_margin),
            record=evaluation.to_json(),
            evaluation=evaluation,
        )

    try:
        turn = session.apply(
            TurnRequest(
                instruction=plan.instruction,
                at=parent.id,
                plan=plan,
                kind="attempt",
                seed=seed,
                references=references,
                judge=judge,
            )
        )
    except (BackendError, UnsupportedError, InputError) as err:
        # caused by the model's output or the plan's parameters: recorded, and the loop goes on
        return Attempt(number, plan, seed, None, None, err.message, time.monotonic() - started)
    spent = time.monotonic() - started
    kept = turn.kept
    if turn.version is None or kept is None or not isinstance(kept.critique, GuidelineCritique):
        return Attempt(number, plan, seed, None, None, turn.reply.splitlines()[-1], spent)
    return Attempt(number, plan, seed, turn.version, kept.critique.evaluation, "", spent)


@dataclass(frozen=True)
class GuidelineCritique(Critique):
    """A turn's critique with the guideline's full evaluation."""

    evaluation: Evaluation


def _best(attempts: Sequence[Attempt]) -> Attempt | None:
    made = [a for a in attempts if a.evaluation is not None]
    return max(made, key=lambda a: a.rank) if made else None


def corrective_plan(
    evaluation: Evaluation, guideline: Guideline, image: Image
) -> tuple[EditPlan, list[LoadedImage]] | None:
    """Operator steps that address the failing criteria, with the images they need."""
    from gouache.critics.exposure import Exposure
    from gouache.critics.forbidden import ForbiddenWords
    from gouache.critics.geometry import AspectSize
    from gouache.critics.logo import LogoPlacement
    from gouache.critics.palette import Palette
    from gouache.critics.sharpness import Sharpness
    from gouache.critics.text import RequiredText

    failing = {score.criterion.split(":")[0] for score in evaluation.failed}
    steps: list[Step] = []
    extra: list[LoadedImage] = []
    for critic in guideline.criteria:
        if critic.name not in failing:
            continue
        if isinstance(critic, ForbiddenWords):
            steps += [
                Step(op="remove_text", params={"match": w}, label=f'remove "{w}"')
                for w in critic.words
            ]
        elif isinstance(critic, RequiredText):
            for text in critic.required:
                steps.append(
                    Step(
                        op="caption",
                        params={"text": text, "style": "box"},
                        label=f'caption "{text}"',
                    )
                )
        elif isinstance(critic, Palette):
            extra.append(_swatch(critic.colors))
            steps.append(
                Step(
                    op="color_transfer",
                    params={"reference": 1 + len(extra)},
                    label="colours of the brand palette",
                )
            )
        elif isinstance(critic, LogoPlacement) and critic.reference in guideline.references:
            logo = guideline.references[critic.reference]
            extra.append(LoadedImage(pixels=logo, format="PNG", name=f"{critic.reference}.png"))
            corner = critic.corners[0].replace("-", " ")
            width = min(max(critic.min_width * 1.3, 0.12), critic.max_width)
            steps.append(
                Step(
                    op="logo",
                    params={
                        "reference": 1 + len(extra),
                        "position": corner,
                        "scale": round(width, 3),
                    },
                    label=f"logo in the {corner}",
                )
            )
        elif isinstance(critic, AspectSize) and critic.ratios:
            ratio = Fraction(critic.ratios[0]).limit_denominator(32)
            steps.insert(
                0,
                Step(
                    op="crop",
                    params={"aspect": (ratio.numerator, ratio.denominator)},
                    label=f"crop to {ratio.numerator}:{ratio.denominator}",
                ),
            )
        elif isinstance(critic, Exposure):
            steps.append(Step(op="auto_enhance", params={}, label="auto enhance"))
        elif isinstance(critic, Sharpness):
            steps.append(Step(op="sharpen", params={}, label="sharpen"))
    if not steps:
        return None
    # palette last: the colour transfer should see the text and logo it will recolour least
    steps.sort(key=lambda step: step.op == "color_transfer")
    text = "; ".join(step.describe() for step in steps)
    return EditPlan(
        instruction=f"(correction) {text}", steps=tuple(steps), planner="critique"
    ), extra


def _swatch(colors: Sequence[tuple[int, int, int]]) -> LoadedImage:
    """The palette as equal stripes: a reference image for a colour transfer."""
    stripes = np.zeros((64, 64 * len(colors), 3), dtype=np.uint8)
    for index, rgb in enumerate(colors):
        stripes[:, index * 64 : (index + 1) * 64] = rgb
    return LoadedImage(pixels=stripes, format="PNG", name="palette.png")
