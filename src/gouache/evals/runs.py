"""Running a suite: every case through every variant, each in its own session, scored.

Sessions live in a throw-away store; the source and each variant's final image are kept
under `out/images/<case>/` (lossless PNG) for the report and the arena. A case whose turn
the planner answers instead of editing is recorded as not done with the reply; an error
raised by the backend on one case is recorded on that case and the run goes on, while
errors in the suite itself (a missing image) stop it before anything runs.
"""

from __future__ import annotations

import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np
import numpy.typing as npt

from gouache.analysis.cache import AnalysisCache
from gouache.characters import Character
from gouache.critics.guideline import Guideline
from gouache.errors import GouacheError
from gouache.evals.scoring import CaseScore, Measure, characters_of, region_mask, score_case
from gouache.evals.suite import Case, Suite
from gouache.evals.suite_images import load_named
from gouache.evals.variants import Variant, build_backend, set_drift
from gouache.images import Image, LoadedImage

if TYPE_CHECKING:
    from gouache.backends.base import ImageModel
    from gouache.sessions.store import Store

Progress = Callable[[str], None]


@dataclass(frozen=True)
class Prepared:
    """A case's inputs, loaded once for every variant."""

    case: Case
    source: Image
    references: tuple[LoadedImage, ...]
    characters: tuple[Character, ...]
    guideline: Guideline | None
    region: npt.NDArray[np.bool_]


@dataclass(frozen=True)
class CaseResult:
    case: str
    category: str
    variant: str
    score: CaseScore
    reply: str
    image: str  # the final image, relative to the run's folder
    source: str

    def to_json(self) -> dict[str, object]:
        return {
            "case": self.case,
            "category": self.category,
            "variant": self.variant,
            "passed": self.score.passed,
            "failures": list(self.score.failures),
            "measures": {k: m.to_json() for k, m in self.score.measures.items()},
            "reply": self.reply,
            "image": self.image,
            "source": self.source,
        }


@dataclass
class Run:
    suite: str
    variants: list[str]
    cases: dict[str, dict[str, object]] = field(default_factory=dict)
    results: list[CaseResult] = field(default_factory=list)
    seconds: dict[str, float] = field(default_factory=dict)
    # CPU time of this process: steadier than wall time on a shared machine
    cpu_seconds: dict[str, float] = field(default_factory=dict)


def prepare(suite: Suite, analyses: AnalysisCache) -> list[Prepared]:
    """Load every image a suite names, so that a bad file stops the run before it starts."""
    prepared = []
    for case in suite.cases:
        where = f"suite {suite.name!r}, case {case.id!r}"
        try:
            source = load_named(case.image, suite.base_dir).pixels
            references = tuple(load_named(r, suite.base_dir) for r in case.references)
            photos = {n: load_named(p, suite.base_dir).pixels for n, p in case.characters.items()}
            characters = tuple(characters_of(photos, analyses))
            guideline = None
            if case.guideline is not None:
                path = Path(case.guideline)
                guideline = Guideline.load(path if path.is_absolute() else suite.base_dir / path)
        except GouacheError as err:
            raise type(err)(f"{where}: {err.message}") from None
        region = region_mask(case, source, analyses)
        prepared.append(Prepared(case, source, references, characters, guideline, region))
    return prepared


def run_suite(
    suite: Suite,
    variants: list[Variant],
    out: Path,
    *,
    progress: Progress | None = None,
) -> Run:
    """Every case of `suite` through every variant; images under `out/images`."""
    analyses = AnalysisCache(maxsize=512)
    # a backend that cannot be built stops the run before anything is written
    backends = {variant.name: build_backend(variant, analyses) for variant in variants}
    prepared = prepare(suite, analyses)
    run = Run(suite=suite.name, variants=[v.name for v in variants])
    images = out / "images"
    for item in prepared:
        folder = images / item.case.id
        folder.mkdir(parents=True, exist_ok=True)
        _save(item.source, folder / "source.png")
        run.cases[item.case.id] = {
            "category": item.case.category,
            "turns": list(item.case.turns),
            "image": item.case.image,
            "region_share": float(item.region.mean()),
        }
    with tempfile.TemporaryDirectory(prefix="gouache-eval-") as tmp:
        from gouache.sessions.store import Store
        from gouache.settings import Settings

        store = Store.from_settings(Settings(data_dir=Path(tmp)))
        for variant in variants:
            backend = backends[variant.name]
            started, cpu = time.perf_counter(), time.process_time()
            for item in prepared:
                result = run_case(item, variant, backend, store, analyses, images)
                run.results.append(result)
                if progress is not None:
                    verdict = "ok" if result.score.passed else "; ".join(result.score.failures)
                    progress(f"{variant.name:<24} {item.case.id:<28} {verdict}")
            run.seconds[variant.name] = round(time.perf_counter() - started, 2)
            run.cpu_seconds[variant.name] = round(time.process_time() - cpu, 2)
    return run


def run_case(
    item: Prepared,
    variant: Variant,
    backend: ImageModel,
    store: Store,
    analyses: AnalysisCache,
    images: Path,
) -> CaseResult:
    """One case on one variant: its turns in a new session, then its score."""
    from gouache.sessions.session import Session

    case = item.case
    session = Session.start(store, item.source, name=f"eval-{case.id}", backend=backend)
    session.guard_mode = variant.guard_mode
    replies: list[str] = []
    not_done = ""
    started = time.perf_counter()
    for number, turn in enumerate(case.turns, start=1):
        set_drift(backend, f"{case.id}/{number}")
        try:
            outcome = session.apply(turn, references=item.references, seed=0)
            _ = outcome.version  # written behind the turn: a failed write is this turn's
        except GouacheError as err:
            not_done = f"turn {number} raised {type(err).__name__}: {err.message}"
            break
        replies.append(outcome.reply)
        if outcome.version is None:
            not_done = f"turn {number} made no version: {outcome.reply.splitlines()[0]}"
            break
    seconds = time.perf_counter() - started
    final = session.image()
    score = score_case(
        case,
        item.source,
        final,
        analyses,
        region=item.region,
        characters=item.characters,
        guideline=item.guideline,
        seconds=seconds,
        not_done=not_done,
    )
    if not_done:
        # nothing the case asked for was made: no measure of it may look good
        score = CaseScore({"seconds": Measure(seconds)}, score.failures[:1])
    relative = Path("images") / case.id / f"{_file_name(variant.name)}.png"
    _save(final, images.parent / relative)
    return CaseResult(
        case=case.id,
        category=case.category,
        variant=variant.name,
        score=score,
        reply="\n".join(replies),
        image=str(relative),
        source=str(Path("images") / case.id / "source.png"),
    )


def _file_name(variant: str) -> str:
    return variant.replace("+", "_")


def _save(image: Image, path: Path) -> None:
    from PIL import Image as PILImage

    path.parent.mkdir(parents=True, exist_ok=True)
    PILImage.fromarray(image).save(path, compress_level=6)
