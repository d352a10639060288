"""The guard inside a turn: real operator edits through the drift injector come back aligned,
with the source's pixels outside the edit; strict mode retries; the report is on the version."""

from __future__ import annotations

import numpy as np
import pytest

from gouache.backends.drift import Drift, DriftInjector
from gouache.backends.operators import OperatorBackend
from gouache.images import Image
from gouache.sessions import Session, Store


@pytest.fixture(scope="module")
def astronaut() -> Image:
    from skimage import data

    return np.ascontiguousarray(data.astronaut())


def psnr_outside_band(a: Image, b: Image, band: slice) -> float:
    keep = np.ones(a.shape[:2], dtype=bool)
    keep[band] = False
    err = (a[keep].astype(float) - b[keep].astype(float)) ** 2
    return float("inf") if err.mean() == 0 else float(10 * np.log10(255**2 / err.mean()))


def test_a_drifted_caption_comes_back_with_the_source_pixels_outside_it(
    store: Store, astronaut: Image
) -> None:
    drift = Drift(shift_x=0.02, scale=1.03, rotation_deg=0.8, gain=1.06)
    session = Session.start(store, astronaut, backend=DriftInjector(OperatorBackend(), drift))
    turn = session.apply('add the caption "Ad astra" at the bottom')
    assert turn.version is not None
    report = turn.version.scores.guard
    assert report is not None
    assert report.copied_back
    assert report.psnr_outside_after is not None
    assert report.psnr_outside_after >= 40
    assert report.psnr_outside_before is not None
    assert report.psnr_outside_before < 25
    assert "guard: realigned" in turn.reply
    after = session.image()
    assert psnr_outside_band(astronaut, after, np.s_[380:, :]) >= 40
    assert np.abs(after[440:500].astype(int) - astronaut[440:500].astype(int)).max() > 100


def test_without_the_guard_the_drift_stays(store: Store, astronaut: Image) -> None:
    drift = Drift(shift_x=0.02)
    session = Session.start(store, astronaut, backend=DriftInjector(OperatorBackend(), drift))
    session.guard_mode = "off"
    turn = session.apply('add the caption "Ad astra" at the bottom')
    assert turn.version is not None
    assert turn.version.scores.guard is None
    assert psnr_outside_band(astronaut, session.image(), np.s_[380:, :]) < 25


def test_strict_mode_refuses_a_drift_beyond_bounds_after_its_retries(
    store: Store, astronaut: Image
) -> None:
    drift = Drift(shift_x=0.10)
    session = Session.start(store, astronaut, backend=DriftInjector(OperatorBackend(), drift))
    session.guard_mode = "strict"
    turn = session.apply('add the caption "Ad astra" at the bottom', retries=1)
    assert turn.version is None
    assert "nothing was changed after 2 tries" in turn.reply
    assert turn.reply.count("refused by the guard") == 2
    assert all(c.guard is not None and c.guard.refused for c in turn.tries)
    assert len(session.versions()) == 1


def test_the_guard_stays_off_for_a_change_of_geometry(store: Store, astronaut: Image) -> None:
    drift = Drift(shift_x=0.01)
    session = Session.start(store, astronaut, backend=DriftInjector(OperatorBackend(), drift))
    turn = session.apply("crop to 16:9")
    assert turn.version is not None
    assert "guard: off for a change of geometry" in turn.reply
