"""The critique loop: candidates, scores, corrections, within a budget of attempts and seconds.

1. Plan the instruction once. The user's plan is the request: every candidate carries it.
2. Make N candidates of it at the same version: other seeds for a backend that samples (one
   turn, whose pipeline keeps the first that passes), variants of the plan's strengths
   (x1, x0.6, x1.5) for the deterministic one.
3. Score every candidate against the guideline and against the request (gouache.critics.
   request: the caption still reads, warmer is still warmer...); keep the one that keeps the
   request and whose worst criterion is best (ties: the weighted mean of the margins). An
   image seen before is not scored again; preservation is measured outside the request's
   own change mask.
4. While something fails and budget and time are left, turn the failing criteria into
   corrective steps (missing text is added where no text or face is, forbidden words removed,
   a palette failure gets a colour transfer, a missing logo is placed in a free corner, a
   wrong aspect is cropped) and run the user's plan with them on top, from the parent
   version. A correction that would undo the request is kept out, or applied, as `prefer`
   says; the reply says which.

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
import numpy.typing as npt

from gouache.analysis.cache import AnalysisCache
from gouache.critics.guideline import Evaluation, Guideline
from gouache.critics.request import BANDS, Band, Prefer, RequestCheck, conflicts, free_band
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
    # What of the user's request no longer shows (see gouache.critics.request).
    request_lost: tuple[str, ...] = ()

    @property
    def passed(self) -> bool:
        """Every criterion passed, and the request still shows."""
        return self.evaluation is not None and self.evaluation.passed and not self.request_lost

    @property
    def rank(self) -> tuple[float, float, float]:
        """Keeping the request first, then the worst margin, then the weighted mean."""
        if self.evaluation is None:
            return (-1.0, -1e9, -1e9)
        kept = 0.0 if self.request_lost else 1.0
        return (kept, self.evaluation.worst_margin, self.evaluation.weighted_margin)


@dataclass(frozen=True)
class RefineResult:
    attempts: tuple[Attempt, ...]
    best: Attempt | None
    # passed, budget, time, no correction, not planned
    stopped: str
    reply: str = ""

    @property
    def passed(self) -> bool:
        return self.best is not None and self.best.passed

    def table(self) -> str:
        """One row per attempt, one column per criterion (and the request): the reply of a
        refine turn, then what the loop decided about conflicts."""
        if not self.attempts:
            return self.reply
        names: list[str] = []
        for attempt in self.attempts:
            for score in attempt.evaluation.scores if attempt.evaluation else ():
                if score.criterion not in names:
                    names.append(score.criterion)
        names.append("request")
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
            cells["request"] = "LOST" if attempt.request_lost else "kept"
            marks = "  ".join(f"{cells.get(n, '-'):<10}" for n in names)
            best = " <- best" if attempt is self.best else ""
            rows.append(
                f"{attempt.number:>2} {label:<8} {attempt.evaluation.worst_margin:>6.2f}  "
                f"{marks}{best}"
            )
            rows.append(f"     {attempt.plan.describe()}")
            rows.extend(f"     request: {lost}" for lost in attempt.request_lost)
        rows.append(f"stopped: {self.stopped}")
        if self.reply:
            rows.append(self.reply)
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
    prefer: Prefer = "request",
) -> RefineResult:
    """Best-of-N, then corrections on top of the user's plan, until every criterion passes
    and the request still shows, or the budget is spent. `plan` is the instruction's plan
    when the caller made it already; `prefer` settles a correction that would undo the
    request (see gouache.critics.request)."""
    # 1. check inputs and plan the instruction once
    if candidates < 1 or budget < 1 or seconds <= 0:
        raise InputError("candidates and budget are at least 1, seconds above 0")
    if prefer not in ("request", "guideline"):
        raise InputError(f"prefer is 'request' or 'guideline', not {prefer!r}")
    from gouache.sessions.session import plan_context

    started = time.monotonic()
    parent = session.resolve(at or "head")
    source = session.image(parent.id)
    outcome = plan or session.planner.plan(
        instruction, plan_context(session.analyses, source, references)
    )
    if not isinstance(outcome, EditPlan):
        return RefineResult((), None, "not planned", outcome.describe())

    # 2. what the request must keep showing; every candidate is judged once per distinct image
    judge = _Judge(session, guideline, source, RequestCheck(outcome, source))

    # 3. candidates of the user's plan at the parent
    attempts: list[Attempt] = []
    stopped = "budget"
    for variant, retries in _candidates(session, outcome, candidates):
        if len(attempts) >= budget:
            break
        if time.monotonic() - started > seconds:
            stopped = "time"
            break
        attempts.append(
            _attempt(session, len(attempts) + 1, variant, retries, parent, references, judge)
        )
    best = _best(attempts)

    # 4. corrections on top of the user's plan, re-run from the parent
    corrections: list[Step] = []
    extra: list[LoadedImage] = []
    notes: list[str] = []
    while best is not None and best.evaluation is not None and best.version is not None:
        if best.passed:
            stopped = "passed"
            break
        if len(attempts) >= budget:
            stopped = "budget"
            break
        if time.monotonic() - started > seconds:
            stopped = "time"
            break
        image = session.image(best.version.id)
        found = corrective_steps(best.evaluation, guideline, image, session.analyses)
        fresh: list[Step] = []
        for step, needs in found:
            if any(_same(s, step) for s in (*corrections, *fresh)):
                continue
            why = conflicts(outcome, step, prefer)
            if why and prefer == "request":
                note = f"{why}: kept your request (--prefer guideline applies the guideline)"
                if note not in notes:
                    notes.append(note)
                continue
            if why:
                notes.append(f"{why}: applied the guideline (--prefer guideline)")
            if needs:
                # image 1 is the one edited; the attached references are 2, 3, ...
                number = 2 + len(references) + len(extra)
                step = step.model_copy(update={"params": {**step.params, "reference": number}})
            fresh.append(step)
            extra.extend(needs)
        if not fresh:
            stopped = "no correction"
            break
        corrections.extend(fresh)
        corrections = _placed(session, outcome, corrections, guideline, source, references)
        corrected = _on_top(outcome, corrections)
        attempt = _attempt(
            session,
            len(attempts) + 1,
            corrected,
            _retries(session, candidates),
            parent,
            [*references, *extra],
            judge,
        )
        attempts.append(attempt)
        if attempt.rank > best.rank:
            best = attempt
        elif attempt.evaluation is not None:
            stopped = "no correction"  # the correction did not help: stop rather than loop
            break
    if best is not None and best.passed:
        stopped = "passed"
    if best is not None and best.version is not None:
        session.checkout(best.version.id)
    return RefineResult(tuple(attempts), best, stopped, "\n".join(notes))


PLACED = frozenset({"caption", "logo"})


def _same(a: Step, b: Step) -> bool:
    """The same correction, wherever it was placed: one caption per text, one logo."""
    if a.op != b.op:
        return False
    what = ("text", "match")
    return [a.params.get(k) for k in what] == [b.params.get(k) for k in what]


def _placed(
    session: Session,
    plan: EditPlan,
    corrections: list[Step],
    guideline: Guideline,
    source: Image,
    references: Sequence[LoadedImage],
) -> list[Step]:
    """The corrections with new text and logos placed on the frame they will be drawn on:
    the user's plan with the other corrections (a crop) run on the parent first, then its
    text and faces read, so nothing new covers them. Only for a backend with operators (a
    generative one draws its own frame); otherwise the corrections are kept as they are."""
    from gouache.critics.logo import LogoPlacement
    from gouache.ops.registry import OpContext

    operators = session.backend.operators
    if operators is None or not any(step.op in PLACED for step in corrections):
        return corrections
    preview = source
    context = OpContext(
        references=tuple(ref.pixels for ref in references), analyses=session.analyses
    )
    before = [s for s in corrections if s.op == "crop"]
    for step in (*before, *plan.steps):
        try:
            preview = operators.apply(preview, step, context)
        except InputError:
            return corrections  # the plan cannot run here; the first placement stands
    height, width = preview.shape[:2]
    analysis = session.analyses.get(preview)
    lines = [line.box for line in analysis.text if line.box.h <= height / 3]
    taken = [tuple(box) for box in lines] + [tuple(face.box) for face in analysis.faces]
    logos = {c.reference: c for c in guideline.criteria if isinstance(c, LogoPlacement)}
    placed: list[Step] = []
    for step in corrections:
        if step.op == "caption":
            band = free_band(taken, width, height)
            if band is None:
                continue  # no free band on this frame: left out rather than covering text
            taken.append(_band_box(band, width, height))
            step = step.model_copy(update={"params": {**step.params, "position": band}})
        elif step.op == "logo":
            critic = next(iter(logos.values()), None)
            share = float(step.params.get("scale", 0.12))
            corners = critic.corners if critic is not None else ()
            corner = _free_corner(corners, taken, width, height, share)
            if corner is None:
                continue
            taken.append(_corner_box(corner, width, height, share))
            where = corner.replace("-", " ")
            params = {**step.params, "position": where}
            step = step.model_copy(update={"params": params, "label": f"logo in the {where}"})
        placed.append(step)
    return placed


def _on_top(plan: EditPlan, corrections: Sequence[Step]) -> EditPlan:
    """The user's steps with the corrections around them: a crop first (the text is placed in
    the final frame), a colour transfer last (it should see the text and logo it recolours
    least), everything else after the user's steps."""
    first = [step for step in corrections if step.op == "crop"]
    last = [step for step in corrections if step.op == "color_transfer"]
    middle = [step for step in corrections if step not in first and step not in last]
    words = "; ".join(step.describe() for step in corrections)
    return plan.model_copy(
        update={
            "steps": (*first, *plan.steps, *middle, *last),
            "notes": (*plan.notes, f"corrections for the guideline: {words}"),
        }
    )


def _candidates(session: Session, plan: EditPlan, count: int) -> list[tuple[EditPlan, int]]:
    """The plans to try, each with its retries: one turn over `count` seeds for a backend
    that samples, or the plan at other strengths (x0.6, x1.5) for the deterministic one."""
    if not session.backend.capabilities.preserves_unedited:
        return [(plan, count - 1)]
    operators = session.backend.operators
    variants: list[EditPlan] = []
    for factor in VARIANTS:
        variant = _scaled(plan, factor)
        same = [(s.op, s.params) for s in variant.steps]
        if any(same == [(s.op, s.params) for s in v.steps] for v in variants):
            continue  # nothing to scale (a caption): the same plan, the same image
        try:
            for step in variant.steps:
                if operators is not None:
                    operators.validate(step)
        except InputError:
            continue  # this strength is out of the operator's range: not a candidate
        variants.append(variant)
    return [(variant, 0) for variant in variants[:count]]


def _retries(session: Session, count: int) -> int:
    return 0 if session.backend.capabilities.preserves_unedited else count - 1


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


class _Judge:
    """Scores a candidate against the guideline and the request; an image seen before (the
    same pixels from another attempt) is not scored again."""

    def __init__(
        self, session: Session, guideline: Guideline, source: Image, check: RequestCheck
    ) -> None:
        self.session, self.guideline, self.source, self.check = session, guideline, source, check
        self._seen: dict[str, GuidelineCritique] = {}
        self._mask: npt.NDArray[np.bool_] | None = None

    def __call__(self, image: Image) -> GuidelineCritique:
        from gouache.images import image_digest

        key = image_digest(image)
        seen = self._seen.get(key)
        if seen is not None:
            return seen
        analyses = self.session.analyses
        same_frame = image.shape[:2] == self.source.shape[:2]
        if same_frame and self._mask is None:
            # the request's own change mask: where the first candidate of the user's plan
            # changed the source, grown a little; preservation is measured outside it
            self._mask = change_mask(self.source, image)
        evaluation = self.guideline.evaluate(
            image,
            analyses,
            source=self.source if same_frame else None,
            edit_mask=self._mask if same_frame else None,
        )
        lost = tuple(self.check.failures(image, analyses))
        critique = GuidelineCritique(
            passed=evaluation.passed and not lost,
            rank=(0.0 if lost else 1.0, evaluation.worst_margin, evaluation.weighted_margin),
            record={**evaluation.to_json(), "request_lost": list(lost)},
            evaluation=evaluation,
            request_lost=lost,
        )
        self._seen[key] = critique
        return critique


def change_mask(source: Image, image: Image, grow: int = 9) -> npt.NDArray[np.bool_]:
    """Where `image` differs from `source` by more than CHANGE_THRESHOLD in any channel,
    grown by `grow` pixels."""
    import cv2

    from gouache.sessions.versions import CHANGE_THRESHOLD

    delta = np.abs(source[:, :, :3].astype(np.int16) - image[:, :, :3].astype(np.int16))
    changed = (delta.max(axis=2) > CHANGE_THRESHOLD).astype(np.uint8)
    kernel = np.ones((2 * grow + 1, 2 * grow + 1), dtype=np.uint8)
    return np.asarray(cv2.dilate(changed, kernel) > 0)


def _attempt(
    session: Session,
    number: int,
    plan: EditPlan,
    retries: int,
    parent: Version,
    references: Sequence[LoadedImage],
    judge: _Judge,
) -> Attempt:
    started = time.monotonic()
    try:
        turn = session.apply(
            TurnRequest(
                instruction=plan.instruction,
                at=parent.id,
                plan=plan,
                kind="attempt",
                retries=retries,
                references=references,
                judge=judge,
            )
        )
    except (BackendError, UnsupportedError, InputError) as err:
        # caused by the model's output or the plan's parameters: recorded, and the loop goes on
        return Attempt(number, plan, None, None, None, err.message, time.monotonic() - started)
    spent = time.monotonic() - started
    kept = turn.kept
    if turn.version is None or kept is None or not isinstance(kept.critique, GuidelineCritique):
        return Attempt(number, plan, None, None, None, turn.reply.splitlines()[-1], spent)
    critique = kept.critique
    return Attempt(
        number,
        plan,
        turn.version.seed,
        turn.version,
        critique.evaluation,
        "",
        spent,
        critique.request_lost,
    )


@dataclass(frozen=True)
class GuidelineCritique(Critique):
    """A turn's critique with the guideline's full evaluation and what of the request it lost."""

    evaluation: Evaluation
    request_lost: tuple[str, ...] = ()


def _best(attempts: Sequence[Attempt]) -> Attempt | None:
    made = [a for a in attempts if a.evaluation is not None]
    return max(made, key=lambda a: a.rank) if made else None


def corrective_steps(
    evaluation: Evaluation, guideline: Guideline, image: Image, analyses: AnalysisCache
) -> list[tuple[Step, list[LoadedImage]]]:
    """Operator steps that address the failing criteria of `image`, each with the images it
    needs (its `reference` is renumbered when it is used). Text goes where no text or face
    is; a logo to a corner none of them reaches; a correction already satisfied (the aspect
    is right, the size is what failed) is not proposed."""
    from gouache.critics.exposure import Exposure
    from gouache.critics.forbidden import ForbiddenWords
    from gouache.critics.geometry import AspectSize
    from gouache.critics.logo import LogoPlacement
    from gouache.critics.palette import Palette
    from gouache.critics.sharpness import Sharpness
    from gouache.critics.text import RequiredText

    failing = {score.criterion.split(":")[0] for score in evaluation.failed}
    height, width = image.shape[:2]
    analysis = analyses.get(image)
    # a "line" taller than a third of the picture is the OCR reading texture, not text
    lines = [line.box for line in analysis.text if line.box.h <= height / 3]
    taken = [tuple(box) for box in lines] + [tuple(face.box) for face in analysis.faces]
    found: list[tuple[Step, list[LoadedImage]]] = []
    for critic in guideline.criteria:
        if critic.name not in failing:
            continue
        if isinstance(critic, ForbiddenWords):
            found += [
                (Step(op="remove_text", params={"match": w}, label=f'remove "{w}"'), [])
                for w in critic.words
            ]
        elif isinstance(critic, RequiredText):
            band = free_band(taken, width, height)
            if band is None:
                continue  # no band free of text and faces: adding it would cover something
            taken.append(_band_box(band, width, height))
            for text in critic.required:
                params = {"text": text, "style": "box", "position": band}
                found.append((Step(op="caption", params=params, label=f'caption "{text}"'), []))
        elif isinstance(critic, Palette):
            step = Step(
                op="color_transfer", params={"reference": 2}, label="colours of the brand palette"
            )
            found.append((step, [_swatch(critic.colors)]))
        elif isinstance(critic, LogoPlacement) and critic.reference in guideline.references:
            logo = guideline.references[critic.reference]
            share = min(max(critic.min_width * 1.3, 0.12), critic.max_width)
            corner = _free_corner(critic.corners, taken, width, height, share)
            if corner is None:
                continue
            taken.append(_corner_box(corner, width, height, share))
            where = corner.replace("-", " ")
            step = Step(
                op="logo",
                params={"reference": 2, "position": where, "scale": round(share, 3)},
                label=f"logo in the {where}",
            )
            found.append((step, [LoadedImage(logo, "PNG", f"{critic.reference}.png")]))
        elif isinstance(critic, AspectSize) and critic.ratios:
            ratio = width / height
            if any(abs(ratio / allowed - 1.0) <= critic.tolerance for allowed in critic.ratios):
                continue  # the aspect is right already; what failed is the size
            frac = Fraction(critic.ratios[0]).limit_denominator(32)
            step = Step(
                op="crop",
                params={"aspect": (frac.numerator, frac.denominator)},
                label=f"crop to {frac.numerator}:{frac.denominator}",
            )
            found.append((step, []))
        elif isinstance(critic, Exposure):
            found.append((Step(op="auto_enhance", params={}, label="auto enhance"), []))
        elif isinstance(critic, Sharpness):
            found.append((Step(op="sharpen", params={}, label="sharpen"), []))
    return found


def _band_box(band: Band, width: int, height: int) -> tuple[int, int, int, int]:
    low, high = BANDS[band]
    return (0, int(low * height), width, int((high - low) * height))


def _corner_box(corner: str, width: int, height: int, share: float) -> tuple[int, int, int, int]:
    side = int(share * width * 1.2)
    x = 0 if corner.endswith("left") else width - side
    y = 0 if corner.startswith("top") else height - side
    return (x, y, side, side)


def _free_corner(
    corners: Sequence[str],
    taken: Sequence[tuple[int, ...]],
    width: int,
    height: int,
    share: float,
) -> str | None:
    """The first of `corners` whose square of side `share` of the width no box reaches."""
    for corner in corners:
        x0, y0, side, _ = _corner_box(corner, width, height, share)
        if not any(
            x < x0 + side and x + w > x0 and y < y0 + side and y + h > y0 for x, y, w, h in taken
        ):
            return corner
    return None


def _swatch(colors: Sequence[tuple[int, int, int]]) -> LoadedImage:
    """The palette as equal stripes: a reference image for a colour transfer."""
    stripes = np.zeros((64, 64 * len(colors), 3), dtype=np.uint8)
    for index, rgb in enumerate(colors):
        stripes[:, index * 64 : (index + 1) * 64] = rgb
    return LoadedImage(pixels=stripes, format="PNG", name="palette.png")
