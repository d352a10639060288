"""The critique loop: it stops on success, on budget and on time, keeps every attempt as a
version with its scores, and records what the model could not do without stopping."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
from PIL import Image as PILImage

from gouache.backends.drift import Drift, DriftInjector
from gouache.backends.operators import OperatorBackend
from gouache.critics.guideline import Guideline
from gouache.critics.refine import refine
from gouache.images import Image
from gouache.sessions import Session, Store


@pytest.fixture(scope="module")
def poster() -> Image:
    image = np.zeros((480, 640, 3), dtype=np.uint8)
    image[:] = (200, 120, 40)
    image[160:320, 160:480] = (240, 230, 200)
    return image


def headline(text: str = "SUMMER SALE") -> Guideline:
    return Guideline.from_mapping({"name": "headline", "criteria": {"text": {"required": [text]}}})


def test_a_missing_headline_is_added_by_a_correction_and_the_loop_stops_on_success(
    store: Store, poster: Image
) -> None:
    session = Session.start(store, poster)
    result = refine(session, "make it a bit warmer", headline(), candidates=2, budget=5)
    assert result.stopped == "passed"
    assert result.passed
    assert len(result.attempts) == 3
    assert [a.evaluation.passed for a in result.attempts if a.evaluation] == [False, False, True]
    assert result.best is result.attempts[-1]
    # the correction goes on top of the user's plan, which it never replaces
    assert [step.op for step in result.best.plan.steps] == ["warmth", "caption"]
    # every attempt is a version of kind "attempt" with its scores, and the head is the best
    for attempt in result.attempts:
        assert attempt.version is not None
        assert attempt.version.kind == "attempt"
        assert attempt.version.scores.critique is not None
        assert attempt.version.scores.critique["passed"] == attempt.evaluation.passed
    assert session.head.id == result.best.version.id
    assert "<- best" in result.table()


def test_the_loop_stops_when_the_budget_is_spent(store: Store, poster: Image) -> None:
    session = Session.start(store, poster)
    result = refine(session, "make it a bit warmer", headline(), candidates=3, budget=2)
    assert result.stopped == "budget"
    assert len(result.attempts) == 2
    assert not result.passed


def test_the_loop_stops_when_the_time_is_spent(store: Store, poster: Image) -> None:
    session = Session.start(store, poster)
    result = refine(session, "make it a bit warmer", headline(), seconds=1e-6)
    assert result.stopped == "time"
    assert result.attempts == ()


def test_an_edit_the_model_cannot_make_is_recorded_and_the_loop_goes_on(store: Store) -> None:
    from skimage import data

    # a model that drifts 10 % on every call, under a strict guard: each try is refused; the
    # three candidates are the three seeds of one turn
    drifting = DriftInjector(OperatorBackend(), Drift(shift_x=0.10))
    session = Session.start(store, np.ascontiguousarray(data.astronaut()), backend=drifting)
    session.guard_mode = "strict"
    result = refine(session, 'add the caption "HELLO"', headline(), candidates=3, budget=4)
    (attempt,) = result.attempts
    assert attempt.error.count("refused by the guard") == 3
    assert result.best is None
    assert len(session.versions()) == 1


def test_check_prints_a_table_or_json_and_its_exit_code_says_pass_or_fail(
    tmp_path: Path, poster: Image
) -> None:
    guideline = tmp_path / "g.yaml"
    guideline.write_text("name: g\ncriteria:\n  geometry:\n    aspect: ['4:3']\n")
    image = tmp_path / "p.png"
    PILImage.fromarray(poster).save(image)
    env = {**os.environ, "GOUACHE_DATA_DIR": str(tmp_path / "data")}

    def check(*extra: str) -> subprocess.CompletedProcess[str]:
        cmd = [sys.executable, "-m", "gouache", "check", str(image), "--guidelines", *extra]
        return subprocess.run(cmd, capture_output=True, text=True, env=env, timeout=120)

    passed = check(str(guideline))
    assert passed.returncode == 0
    assert "geometry" in passed.stdout
    guideline.write_text("name: g\ncriteria:\n  geometry:\n    aspect: ['1:1']\n")
    failed = check(str(guideline), "--json")
    assert failed.returncode == 1
    assert json.loads(failed.stdout)["passed"] is False
    missing = check(str(tmp_path / "nope.yaml"))
    assert missing.returncode == 1
    assert "nope.yaml" in missing.stderr
    assert "Traceback" not in missing.stderr
