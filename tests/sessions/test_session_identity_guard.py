"""One loop over one seed sequence drives every retry of a turn: a backend that redraws pixels
is run again with the next seed when the guard refuses a try (strict mode) or a character is
lost, each try with its own guard report and scores; the operator backend, which changes a
face only when asked, keeps its edit and says so."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import replace
from typing import Any

import pytest

from benchmarks.calibration import sample_people
from gouache.backends.base import EditRequest, GenerateRequest, ImageResult
from gouache.backends.drift import Drift, apply_drift
from gouache.backends.operators import OperatorBackend
from gouache.images import Image, LoadedImage
from gouache.ops.plan import EditPlan, Step
from gouache.progress import CancelToken, ProgressCallback
from gouache.sessions import Session, Store
from gouache.sessions.turn import TurnRequest

DAMAGE = EditPlan(
    instruction="(damage)", steps=(Step(op="blur_faces", params={"method": "pixelate"}),)
)
# Beyond strict mode's 3 % shift bound, and well within it.
FAR = Drift(shift_x=0.10)
NEAR = Drift(shift_x=0.02)


class ScriptedBackend(OperatorBackend):
    """The real operator backend, declared as a model that redraws pixels, whose output for
    given seeds comes back drifted and/or with every face pixelated: the failures users
    report, on known seeds. It records every seed it was called with."""

    name = "scripted"
    capabilities = replace(OperatorBackend.capabilities, preserves_unedited=False)

    def __init__(
        self,
        *,
        damaged: frozenset[int | None] = frozenset(),
        drifted: Mapping[int | None, Drift] | None = None,
    ) -> None:
        super().__init__()
        self.damaged = set(damaged)
        self.drifted = dict(drifted or {})
        self.seeds: list[int | None] = []

    def config(self) -> dict[str, Any]:
        return {"damaged": sorted(str(s) for s in self.damaged)}

    def edit(
        self,
        request: EditRequest,
        *,
        progress: ProgressCallback | None = None,
        cancel: CancelToken | None = None,
    ) -> ImageResult:
        self.seeds.append(request.seed)
        image = super().edit(request, progress=progress, cancel=cancel).image
        if request.seed in self.damaged:
            image = super().edit(replace(request, image=image, plan=DAMAGE)).image
        drift = self.drifted.get(request.seed)
        if drift is not None:
            image = apply_drift(image, drift)
        return ImageResult(image=image, seed=request.seed)

    def generate(
        self,
        request: GenerateRequest,
        *,
        progress: ProgressCallback | None = None,
        cancel: CancelToken | None = None,
    ) -> ImageResult:
        raise NotImplementedError


@pytest.fixture(scope="module")
def astronaut() -> LoadedImage:
    pixels: Image = sample_people()["astronaut"]
    return LoadedImage(pixels=pixels, format="PNG", name="astronaut.png")


def follow_ana(store: Store, astronaut: LoadedImage, backend: ScriptedBackend) -> Session:
    session = Session.start(store, astronaut, backend=backend)
    session.guard_mode = "strict"
    session.add_character("Ana", [astronaut])
    return session


def test_a_lost_face_is_retried_with_the_next_seed_until_it_holds(
    store: Store, astronaut: LoadedImage
) -> None:
    backend = ScriptedBackend(damaged={10})
    session = follow_ana(store, astronaut, backend)

    turn = session.apply(TurnRequest(instruction="make it warmer", seed=10))

    assert turn.version is not None
    assert backend.seeds == [10, 11]
    assert turn.version.seed == 11
    assert "kept try 2 of 2 (seed 11)" in turn.reply
    assert "identity: no face in the picture resembles Ana" in turn.reply
    assert turn.version.scores.identity is not None
    assert (turn.version.scores.identity["Ana"] or 0.0) > 0.9
    outcomes = [c.outcome for c in turn.version.scores.candidates]
    assert outcomes[0].startswith("identity:")
    assert outcomes[1] == "kept"


def test_guard_and_identity_retries_share_one_seed_sequence_and_never_repeat_a_seed(
    store: Store, astronaut: LoadedImage
) -> None:
    # strict mode with a character: the guard refuses seed 10, Ana is lost at 11, 12 holds
    backend = ScriptedBackend(damaged={11}, drifted={10: FAR})
    session = follow_ana(store, astronaut, backend)

    turn = session.apply(TurnRequest(instruction="make it warmer", seed=10, retries=3))

    assert turn.version is not None
    assert backend.seeds == [10, 11, 12]
    assert turn.version.seed == 12
    tries = turn.tries
    assert [c.seed for c in tries] == [10, 11, 12]
    assert tries[0].outcome.startswith("refused by the guard")
    assert tries[1].outcome.startswith("identity:")
    assert tries[2].outcome == "kept"


def test_without_a_seed_the_tries_still_take_distinct_seeds(
    store: Store, astronaut: LoadedImage
) -> None:
    backend = ScriptedBackend()
    backend.damaged = {None}  # what a sampler without a seed would do: ignored, seeds are drawn
    session = follow_ana(store, astronaut, backend)

    turn = session.apply("make it warmer")

    assert turn.version is not None
    assert None not in backend.seeds
    assert len(set(backend.seeds)) == len(backend.seeds)
    assert turn.version.seed == backend.seeds[-1]


def test_strict_mode_never_keeps_an_identity_retry_the_guard_refused(
    store: Store, astronaut: LoadedImage
) -> None:
    # seed 10 passes the guard but loses Ana; 11 and 12 would keep Ana but drift too far
    backend = ScriptedBackend(damaged={10}, drifted={11: FAR, 12: FAR})
    session = follow_ana(store, astronaut, backend)

    turn = session.apply(TurnRequest(instruction="make it warmer", seed=10, retries=2))

    assert turn.version is None
    assert backend.seeds == [10, 11, 12]
    assert "nothing was changed after 3 tries" in turn.reply
    assert turn.reply.count("refused by the guard") == 2
    assert len(session.versions()) == 1


def test_the_guard_report_on_a_version_describes_the_very_image_it_holds(
    store: Store, astronaut: LoadedImage
) -> None:
    # the first try drifts a little (the guard realigns it) but loses Ana; the second is clean
    backend = ScriptedBackend(damaged={10}, drifted={10: NEAR})
    session = follow_ana(store, astronaut, backend)

    turn = session.apply(TurnRequest(instruction="make it warmer", seed=10))

    assert turn.version is not None
    first, kept = turn.tries
    assert first.guard is not None
    assert kept.guard is not None
    width = astronaut.pixels.shape[1]
    assert first.guard.aligned
    assert abs(first.guard.shift_px[0] - NEAR.shift_x * width) < 2.0
    assert turn.version.scores.guard == kept.guard
    assert abs(kept.guard.shift_px[0]) < 1.0


def test_a_face_still_lost_after_the_budget_changes_nothing(
    store: Store, astronaut: LoadedImage
) -> None:
    backend = ScriptedBackend(damaged={10, 11, 12})
    session = follow_ana(store, astronaut, backend)

    turn = session.apply(TurnRequest(instruction="make it warmer", seed=10, retries=2))

    assert turn.version is None
    assert backend.seeds == [10, 11, 12]
    assert "nothing was changed after 3 tries" in turn.reply
    assert "Ana" in turn.reply
    assert len(session.versions()) == 1
    assert session.head.number == 1


def test_the_operator_backend_keeps_a_face_edit_it_was_asked_for(
    store: Store, astronaut: LoadedImage
) -> None:
    session = Session.start(store, astronaut)
    session.add_character("Ana", [astronaut])
    turn = session.apply("pixelate the faces")
    assert turn.version is not None
    assert "the edit asked for it" in turn.reply
    assert turn.version.scores.identity == {"Ana": None}
    assert len(turn.tries) == 1
