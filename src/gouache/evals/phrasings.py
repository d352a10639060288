"""The phrasing corpus: requests written as users write them, run through the real planner and
operator backend as `gouache chat` runs them, each judged against what it should have done.

A corpus file is a YAML list; each entry is one request:

    - say: make it a tad brighter pls      # the request, as a user types it
      image: coffee                          # a sample picture (gouache.evals.samples)
      cat: tone                            # the category it is counted under
      do: [brightness]                     # expected: a plan with these operators, in order
      params: {brightness: {amount: ">0"}} #   ... whose parameters hold (number, ">0", "<0")
      effect: [brighter]                   #   ... and whose output shows these effects
      before: [make it warmer]             # turns said before, in the same conversation

Instead of `do`, an entry may expect `ask: true` (a clarifying question), `answer: WORDS` (a
reply in words containing WORDS, or `true`), `refuse: true` (no edit; the reply must name a
concrete next step) or `head: N` (a conversation word: the head is at version N afterwards,
with no new version made). `says: WORDS` is text the reply, answer or question must contain.
`yes: [ops]` with `ask: true`: the question answered "yes" must make a plan of these
operators ("did you mean ...?" is a question only if "yes" really applies the reading).

Each outcome falls in one class:

    done right           the expected plan, parameters and effects; the expected answer
    asked                a clarifying question
    refused helpfully    no edit, and the reply (or the one-line error) names an edit that
                         really applies to this picture, a backend that can do it, or the
                         command to use instead
    refused unhelpfully  no edit and no concrete next step, or an error
    done wrong           an edit other than the one asked, or the asked one without its effect
"""

from __future__ import annotations

import re
import tempfile
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

import numpy as np
import yaml

from gouache.analysis.cache import AnalysisCache
from gouache.errors import GouacheError
from gouache.evals.samples import sample
from gouache.images import Image
from gouache.planner.plan import EditPlan, PlannerAnswer, PlannerQuestion

Outcome = Literal["done right", "asked", "refused helpfully", "refused unhelpfully", "done wrong"]
OUTCOMES: tuple[Outcome, ...] = (
    "done right",
    "asked",
    "refused helpfully",
    "refused unhelpfully",
    "done wrong",
)
EXPECTATIONS = ("do", "ask", "answer", "refuse", "head")
KEYS = frozenset(
    {"say", "image", "cat", "params", "effect", "says", "before", "yes", *EXPECTATIONS}
)
CORPUS = Path(__file__).resolve().parents[3] / "tests" / "planner" / "phrasings.yaml"


@dataclass(frozen=True)
class Request:
    say: str
    on: str
    cat: str
    expect: str  # one of EXPECTATIONS
    ops: tuple[str, ...] = ()
    params: Mapping[str, Mapping[str, Any]] = field(default_factory=dict)
    effects: tuple[str, ...] = ()
    says: str = ""
    before: tuple[str, ...] = ()
    head: int = 0  # the version the conversation should be at afterwards (`head: N`)
    yes: tuple[str, ...] = ()  # a question answered "yes" must then make this plan

    @classmethod
    def parse(cls, raw: Mapping[Any, Any]) -> Request:
        if True in raw:  # YAML 1.1 reads the key `yes` as true
            raw = {("yes" if key is True else key): value for key, value in raw.items()}
        unknown = set(raw) - KEYS
        if unknown:  # 'say: a, b' in a flow mapping makes "b" a key: quote such a request
            raise ValueError(f"unknown keys {sorted(map(str, unknown))} in {raw}")
        expected = [key for key in EXPECTATIONS if key in raw]
        if len(expected) != 1 or "say" not in raw or "image" not in raw or "cat" not in raw:
            raise ValueError(f"a request needs say, image, cat and one of {EXPECTATIONS}: {raw}")
        answer = raw.get("answer")
        effect = raw.get("effect", ())
        return cls(
            say=str(raw["say"]),
            on=str(raw["image"]),
            cat=str(raw["cat"]),
            expect=expected[0],
            ops=tuple(raw.get("do") or ()),
            params=raw.get("params") or {},
            effects=(effect,) if isinstance(effect, str) else tuple(effect),
            says=str(raw.get("says") or (answer if isinstance(answer, str) else "")),
            before=tuple(raw.get("before") or ()),
            head=int(raw.get("head") or 0),
            yes=tuple(raw.get("yes") or ()),
        )


@dataclass(frozen=True)
class Result:
    request: Request
    outcome: Outcome
    why: str  # what happened, for a failure report

    @property
    def as_expected(self) -> bool:
        """Done right when an edit, an answer or a move was expected; a question when one was;
        a refusal that helps when a refusal was."""
        wanted = {"ask": "asked", "refuse": "refused helpfully"}.get(self.request.expect)
        return self.outcome == (wanted or "done right")


def load(path: Path = CORPUS) -> list[Request]:
    with path.open(encoding="utf-8") as handle:
        entries = yaml.safe_load(handle)
    return [Request.parse(entry) for entry in entries]


class Runner:
    """Runs requests in fresh conversations on the sample pictures; every picture is analysed
    once (faces, text, subject) for the whole run."""

    def __init__(self, folder: Path | None = None) -> None:
        from gouache.backends.operators import OperatorBackend
        from gouache.images import BlobStore
        from gouache.planner.rules import RulePlanner
        from gouache.sessions.store import Store

        self._tmp = tempfile.TemporaryDirectory(prefix="gouache-phrasings-")
        root = folder or Path(self._tmp.name)
        self.analyses = AnalysisCache()
        self.backend = OperatorBackend(analyses=self.analyses)
        self.planner = RulePlanner(self.backend.operators)
        self.store = Store(f"sqlite:///{root / 'phrasings.db'}", BlobStore(root / "blobs"))

    def close(self) -> None:
        self.store.close()
        self._tmp.cleanup()

    def run(self, request: Request) -> Result:
        from gouache.sessions.session import Session

        source = sample(request.on)
        session = Session.start(
            self.store, source, name=request.on, backend=self.backend, planner=self.planner
        )
        try:
            for earlier in request.before:
                _say(session, earlier)
            before = session.head
            turn = _say(session, request.say)
        except GouacheError as err:
            # the CLI prints it as one line; judged like any reply
            return self._judge_reply(request, f"error: {err.message}")
        if request.expect == "head" and turn.version is None:
            moved = session.head.number == request.head and session.head.id != before.id
            if moved:
                return Result(request, "done right", turn.reply)
        if turn.version is not None and turn.plan is not None:
            parent = session.image(before.id) if request.before else source
            return self._judge_plan(request, turn.plan, parent, session.image())
        outcome = turn.answer or turn.question
        if outcome is None:
            return self._judge_reply(request, turn.reply)
        if isinstance(outcome, PlannerQuestion):
            return self._judge_question(request, session, outcome)
        return self._judge_answer(request, outcome)

    # -- judging ----------------------------------------------------------------------------

    def _judge_plan(self, request: Request, plan: EditPlan, source: Image, out: Image) -> Result:
        ops = tuple(step.op for step in plan.steps)
        said = f"did {plan.describe()}"
        if request.expect != "do" or ops != request.ops:
            return Result(request, "done wrong", said)
        for op, wanted in request.params.items():
            step = next(s for s in plan.steps if s.op == op)
            for key, value in wanted.items():
                if not _holds(step.params.get(key), value):
                    return Result(request, "done wrong", f"{said}: {op}.{key} is not {value}")
        for effect in request.effects:
            shown = _shows(effect, source, out, self.analyses)
            if not shown:
                return Result(request, "done wrong", f"{said}: the output is not {effect}")
        return Result(request, "done right", said)

    def _judge_question(self, request: Request, session: Any, asked: PlannerQuestion) -> Result:
        """A question that names what `says` asks for; with `yes`, answering "yes" must make
        the plan it offered."""
        if request.says and request.says.lower() not in asked.message.lower():
            return Result(request, "refused unhelpfully", f"asked: {asked.message}")
        if not request.yes:
            return Result(request, "asked", asked.message)
        turn = _say(session, "yes")
        done = tuple(step.op for step in turn.plan.steps) if turn.plan is not None else ()
        if turn.version is None or done != request.yes:
            said = turn.plan.describe() if turn.plan is not None else turn.reply
            return Result(request, "done wrong", f"asked {asked.message!r}; yes did: {said}")
        return Result(request, "asked", f"{asked.message} (yes: {turn.plan.describe()})")

    def _judge_answer(self, request: Request, answer: PlannerAnswer) -> Result:
        fits = request.expect == "answer" and request.says.lower() in answer.message.lower()
        if fits:
            return Result(request, "done right", answer.message)
        return Result(request, "refused unhelpfully", f"answered: {answer.message}")

    def _judge_reply(self, request: Request, message: str) -> Result:
        if request.says and request.says.lower() not in message.lower():
            return Result(request, "refused unhelpfully", message)
        if request.expect == "answer" and request.says:
            return Result(request, "done right", message)  # a reply in words was asked for
        if _names_a_next_step(message):
            return Result(request, "refused helpfully", message)
        offered = _suggestions(message) + re.findall(r'e\.g\. "([^"]+)"', message)
        applies = self._applicable(offered, request.on)
        return Result(request, "refused helpfully" if applies else "refused unhelpfully", message)

    def _applicable(self, suggestions: Sequence[str], on: str) -> bool:
        from gouache.sessions.session import plan_context

        image = sample(on)
        context = plan_context(self.analyses, image)
        return any(isinstance(self.planner.plan(s, context), EditPlan) for s in suggestions)


@dataclass(frozen=True)
class _Said:
    """What a conversation word did, in the shape of a turn's result."""

    reply: str
    answer: PlannerAnswer | None = None
    version: None = None
    plan: None = None
    question: None = None


def _say(session: Any, text: str) -> Any:
    """One line of a chat: a conversation word acts on the version tree, as `gouache chat`
    does, anything else is a turn."""
    from gouache import conversation, followups

    said = conversation.read(text)
    follow = followups.read(session, text) if said is None or said.kind == "rescale" else None
    if follow is not None:  # "a bit bigger shadow": the last turn again, changed
        if follow.request is None:
            return _Said(follow.message)
        turn = session.apply(follow.request)
        for then in follow.then:
            turn = session.apply(then) if turn.version is not None else turn
        return turn
    if said is None:
        return session.apply(text)
    if said.kind in ("retry", "rescale"):
        return session.apply(conversation.turn_request(session, said, text))
    message = conversation.act(session, said)
    if said.kind in ("compare", "suggest", "explain"):
        return _Said(message, PlannerAnswer(instruction=text, message=message))
    return _Said(message)


def _suggestions(message: str) -> list[str]:
    """The edits a reply offers (`PlannerReply.describe` lists them on one line)."""
    for line in message.splitlines():
        head, _, listed = line.partition("Closest edits I can do: ")
        if not head and listed:
            return [s.strip() for s in listed.split("; ") if s.strip()]
    return []


def _names_a_next_step(message: str) -> bool:
    """A reply that names a backend to run, or a command to use, is a concrete next step."""
    return any(
        hint in message for hint in ("--backend", "--at", "gouache history", "/undo", "/checkout")
    )


def _holds(actual: Any, wanted: Any) -> bool:
    if isinstance(wanted, str) and wanted[:1] in "<>" and wanted[1:].strip():
        if not isinstance(actual, (int, float)):
            return False
        bound = float(wanted[1:])
        return actual > bound if wanted[0] == ">" else actual < bound
    if isinstance(wanted, float | int) and isinstance(actual, float | int):
        return abs(actual - wanted) <= 1e-6 + 0.01 * abs(wanted)
    if isinstance(wanted, list) and isinstance(actual, list | tuple):
        return len(wanted) == len(actual) and all(map(_holds, actual, wanted))
    return bool(actual == wanted)


# -- effects measured on the output ---------------------------------------------------------


def _rgb(image: Image) -> np.ndarray:
    return image[:, :, :3].astype(np.float64)


def _luma(image: Image) -> np.ndarray:
    rgb = _rgb(image)
    return np.asarray(0.299 * rgb[..., 0] + 0.587 * rgb[..., 1] + 0.114 * rgb[..., 2])


def _saturation(image: Image) -> float:
    rgb = _rgb(image)
    return float((rgb.max(axis=2) - rgb.min(axis=2)).mean())


def _shift(measure: Callable[[Image], np.ndarray], src: Image, out: Image) -> float:
    """How far a per-pixel measure moved: over the whole picture, or, for an edit of a part
    (under half the pixels changed), over the pixels that changed."""
    if src.shape[:2] != out.shape[:2]:
        return float(measure(out).mean() - measure(src).mean())
    delta = measure(out) - measure(src)
    changed = np.abs(_rgb(out) - _rgb(src)).max(axis=2) > 2
    if 0 < changed.mean() < 0.5:
        return float(delta[changed].mean())
    return float(delta.mean())


def _red_blue(image: Image) -> np.ndarray:
    rgb = _rgb(image)
    return np.asarray(rgb[..., 0] - rgb[..., 2])


def _detail(image: Image) -> np.ndarray:
    """Fine detail per pixel: luma minus its gaussian blur (sigma 1.5), in absolute value."""
    import cv2

    luma = _luma(image).astype(np.float32)
    return np.asarray(np.abs(luma - cv2.GaussianBlur(luma, (0, 0), 1.5)), dtype=np.float64)


def _more_detail(src: Image, out: Image) -> bool:
    """More fine detail (grain, sharpening, clarity) where the picture changed."""
    if src.shape[:2] != out.shape[:2]:
        return False
    changed = np.abs(_rgb(out) - _rgb(src)).max(axis=2) > 2
    where = changed if 0 < changed.mean() < 0.5 else np.ones_like(changed)
    return float(_detail(out)[where].mean()) > 1.05 * float(_detail(src)[where].mean())


def coherence(image: Image) -> float:
    """How much fine texture runs one way (brush strokes near 1, grain near 0.5): the mean
    anisotropy of the structure tensor of luma minus its blur (sigma 4)."""
    import cv2

    luma = _luma(image).astype(np.float32)
    detail = luma - cv2.GaussianBlur(luma, (0, 0), 4)
    gx = cv2.Sobel(detail, cv2.CV_32F, 1, 0)
    gy = cv2.Sobel(detail, cv2.CV_32F, 0, 1)
    jxx, jyy, jxy = (cv2.GaussianBlur(v, (0, 0), 3) for v in (gx * gx, gy * gy, gx * gy))
    root = np.sqrt((jxx - jyy) ** 2 + 4 * jxy**2)
    return float((root / (jxx + jyy + 1e-6)).mean())


def _marks(src: Image, out: Image) -> list[tuple[int, float]]:
    """The bright marks the output adds (luma up by 20 or more): each one's area and
    elongation (long axis over short axis, 1 for a mark under 12 px)."""
    import cv2

    if src.shape[:2] != out.shape[:2]:
        return []
    added = (_luma(out) - _luma(src) >= 20).astype(np.uint8)
    _, labels, stats, _ = cv2.connectedComponentsWithStats(added, connectivity=8)
    marks = []
    for i in range(1, len(stats)):
        area = int(stats[i, cv2.CC_STAT_AREA])
        elongation = 1.0
        if area >= 12:
            ys, xs = np.nonzero(labels == i)
            values = np.linalg.eigvalsh(np.cov(np.vstack([xs, ys])))
            elongation = float(np.sqrt(values[1] / max(values[0], 1e-6)))
        marks.append((area, elongation))
    return marks


def _snowing(src: Image, out: Image) -> bool:
    """At least 100 small bright flakes added."""
    marks = _marks(src, out)
    return len(marks) >= 100 and float(np.median([area for area, _ in marks])) < 60


def _raining(src: Image, out: Image) -> bool:
    """At least 50 long thin streaks added."""
    long = [e for area, e in _marks(src, out) if area >= 12]
    return len(long) >= 50 and float(np.median(long)) > 5


def _redness(image: Image) -> np.ndarray:
    rgb = _rgb(image)
    return np.asarray(rgb[..., 0] - (rgb[..., 1] + rgb[..., 2]) / 2)


def _yellow(image: Image) -> np.ndarray:
    rgb = _rgb(image)
    return np.asarray((rgb[..., 0] + rgb[..., 1]) / 2 - rgb[..., 2])


def _aspect(name: str) -> Callable[[Image, Image], bool]:
    w, h = (float(v) for v in name.split(":"))
    return lambda src, out: abs(out.shape[1] / out.shape[0] - w / h) < 0.02


EFFECTS: dict[str, Callable[[Image, Image], bool]] = {
    "brighter": lambda src, out: _shift(_luma, src, out) > 2,
    "darker": lambda src, out: _shift(_luma, src, out) < -2,
    "more contrast": lambda src, out: _luma(out).std() > _luma(src).std() * 1.03,
    "less contrast": lambda src, out: _luma(out).std() < _luma(src).std() * 0.97,
    "warmer": lambda src, out: _shift(_red_blue, src, out) > 1,
    "cooler": lambda src, out: _shift(_red_blue, src, out) < -1,
    "more saturated": lambda src, out: _saturation(out) > _saturation(src) * 1.05,
    "less saturated": lambda src, out: _saturation(out) < _saturation(src) * 0.95,
    "grey": lambda src, out: _saturation(out) < 2.0,
    "two values": lambda src, out: set(np.unique(out[..., :3]).tolist()) <= {0, 255},
    "more detail": _more_detail,
    "snowing": _snowing,
    "raining": _raining,
    "brush strokes": lambda src, out: coherence(out) > coherence(src) + 0.05,
    "less red": lambda src, out: _shift(_redness, src, out) < -10,
    "less yellow": lambda src, out: _shift(_yellow, src, out) < -2,
    "changed": lambda src, out: src.shape != out.shape or bool(np.any(src != out)),
    "same size": lambda src, out: src.shape[:2] == out.shape[:2],
    "smaller": lambda src, out: out.shape[0] * out.shape[1] < src.shape[0] * src.shape[1],
    "bigger": lambda src, out: out.shape[0] * out.shape[1] > src.shape[0] * src.shape[1],
    "transparent": lambda src, out: out.shape[2] == 4 and bool((out[..., 3] < 128).any()),
    "opaque": lambda src, out: out.shape[2] == 3 or bool((out[..., 3] == 255).all()),
    "square": _aspect("1:1"),
    "16:9": _aspect("16:9"),
    "4:5": _aspect("4:5"),
    "9:16": _aspect("9:16"),
    "uncropped": lambda src, out: out.shape[0] >= src.shape[0] and out.shape[1] >= src.shape[1],
}


def _shows(effect: str, source: Image, out: Image, analyses: AnalysisCache) -> bool:
    """Whether the output shows `effect`: a name in EFFECTS, "reads WORDS" (the OCR finds the
    words, ignoring case and spaces), "unread WORDS" (it no longer finds them) or "faces kept"
    (as many faces found in the output as in the source, at least one)."""
    if effect == "faces kept":  # every face found before is found in the output
        return len(analyses.get(out).faces) == len(analyses.get(source).faces) > 0
    verb, _, words = effect.partition(" ")
    if verb in ("reads", "unread"):
        read = "".join(line.text for line in analyses.get(out).text)
        found = _squeezed(words) in _squeezed(read)
        return found if verb == "reads" else not found
    try:
        check = EFFECTS[effect]
    except KeyError:
        raise ValueError(f"unknown effect {effect!r}; effects: {', '.join(EFFECTS)}") from None
    return check(source, out)


def _squeezed(text: str) -> str:
    return "".join(text.lower().split())


# -- the table ------------------------------------------------------------------------------


def run_all(requests: Iterable[Request], runner: Runner | None = None) -> list[Result]:
    owned = runner is None
    runner = runner or Runner()
    try:
        return [runner.run(request) for request in requests]
    finally:
        if owned:
            runner.close()


def rates(results: Sequence[Result]) -> dict[str, dict[str, float]]:
    """Per category (and "all"): the share of each outcome and of results as expected, and
    the count as "n"."""
    by_cat: dict[str, list[Result]] = defaultdict(list)
    for result in results:
        by_cat[result.request.cat].append(result)
    by_cat["all"] = list(results)
    table: dict[str, dict[str, float]] = {}
    for cat, group in by_cat.items():
        counts = Counter(r.outcome for r in group)
        row: dict[str, float] = {"n": float(len(group))}
        row.update({outcome: counts[outcome] / len(group) for outcome in OUTCOMES})
        row["as expected"] = sum(r.as_expected for r in group) / len(group)
        table[cat] = row
    return table


def table(results: Sequence[Result]) -> str:
    """The per-category rates as a text table, categories by name and "all" last."""
    found = rates(results)
    heads = ("right", "asked", "refused+", "refused-", "wrong", "expected")
    lines = [f"{'category':<14} {'n':>4} " + " ".join(f"{h:>9}" for h in heads)]
    for cat in sorted(found, key=lambda c: (c == "all", c)):
        row = found[cat]
        cells = " ".join(f"{100 * row[o]:>8.0f}%" for o in (*OUTCOMES, "as expected"))
        lines.append(f"{cat:<14} {int(row['n']):>4} {cells}")
    return "\n".join(lines)
