"""A backend that may redraw faces is retried, then rolled back, when a character is lost;
the operator backend, which changes a face only when asked, keeps its edit and says so."""

from __future__ import annotations

from dataclasses import replace
from typing import Any

import pytest

from benchmarks.calibration import sample_people
from gouache.backends.base import EditRequest, GenerateRequest, ImageResult
from gouache.backends.operators import OperatorBackend
from gouache.images import Image, LoadedImage
from gouache.ops.plan import EditPlan, Step
from gouache.progress import CancelToken, ProgressCallback
from gouache.sessions import Session, Store


class FaceDamagingBackend(OperatorBackend):
    """The operator backend, declared as a model that redraws pixels, which also pixelates
    every face for the seeds it is told are bad: the drift users report, with known seeds."""

    name = "face-damaging"
    capabilities = replace(OperatorBackend.capabilities, preserves_unedited=False)

    def __init__(self, bad_seeds: set[int | None]) -> None:
        super().__init__()
        self.bad_seeds = bad_seeds
        self.seeds: list[int | None] = []

    def config(self) -> dict[str, Any]:
        return {"bad_seeds": sorted(str(s) for s in self.bad_seeds)}

    def edit(
        self,
        request: EditRequest,
        *,
        progress: ProgressCallback | None = None,
        cancel: CancelToken | None = None,
    ) -> ImageResult:
        self.seeds.append(request.seed)
        result = super().edit(request, progress=progress, cancel=cancel)
        if request.seed not in self.bad_seeds:
            return replace(result, seed=request.seed)
        damage = EditPlan(
            instruction="(damage)",
            steps=(Step(op="blur_faces", params={"method": "pixelate"}),),
        )
        damaged = super().edit(replace(request, image=result.image, plan=damage))
        return replace(result, image=damaged.image, seed=request.seed)

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


def test_a_lost_face_is_retried_with_another_seed_until_it_holds(
    store: Store, astronaut: LoadedImage
) -> None:
    backend = FaceDamagingBackend(bad_seeds={None})
    session = Session.start(store, astronaut, backend=backend)
    session.add_character("Ana", [astronaut])
    turn = session.apply("make it warmer")
    assert turn.version is not None
    assert backend.seeds == [None, 1]
    assert turn.version.seed == 1
    assert "retried 1 time(s)" in turn.reply
    assert turn.version.scores["identity"]["Ana"] > 0.9


def test_a_face_still_lost_after_the_budget_rolls_the_turn_back(
    store: Store, astronaut: LoadedImage
) -> None:
    backend = FaceDamagingBackend(bad_seeds={None, 1, 2})
    session = Session.start(store, astronaut, backend=backend)
    session.add_character("Ana", [astronaut])
    turn = session.apply("make it warmer", retries=2)
    assert turn.version is None
    assert backend.seeds == [None, 1, 2]
    assert "rolled back after 3 tries" in turn.reply
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
    assert turn.version.scores["identity"]["Ana"] is None
