"""Suggestions never undo what the user chose along the lineage, and stop once passed over twice."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from gouache.sessions import Session, Store
from gouache.sessions.offers import Offers, undoes
from gouache.suggest import Suggestion

COOLER = Suggestion("make it cooler", "a warm cast", 0.5, "warmth")
DARKER = Suggestion("make it darker", "bright", 0.4, "brightness")
FACES = Suggestion("blur the faces", "1 face found", 0.3, "blur_faces")


def test_the_same_operator_or_a_tone_fix_after_a_style_undoes_the_turn() -> None:
    assert undoes("warmth", {"warmth"})
    assert undoes("brightness", {"sketch"})
    assert undoes("contrast", {"look"})
    assert not undoes("blur_faces", {"sketch"})
    assert not undoes("brightness", {"crop"})


def test_cooler_is_not_offered_right_after_warmer() -> None:
    offers = Offers()
    assert offers.choose([COOLER, DARKER], {"warmth"}, limit=3) == (DARKER,)


def test_a_suggestion_passed_over_twice_is_not_offered_again() -> None:
    offers = Offers()
    assert FACES in offers.choose([FACES, DARKER], set(), limit=3)  # first look
    assert FACES in offers.choose([FACES, DARKER], {"crop"}, limit=3)  # passed over once
    assert FACES not in offers.choose([FACES, DARKER], {"crop"}, limit=3)  # twice


def test_a_suggestion_taken_resets_its_count() -> None:
    offers = Offers()
    offers.choose([DARKER], set(), limit=3)
    offers.choose([DARKER], {"crop"}, limit=3)
    offers.choose([DARKER], {"brightness"}, limit=3)  # taken: brightness ran
    assert DARKER in offers.choose([DARKER], {"crop"}, limit=3)


def test_gouache_suggest_prints_edits_for_a_picture(tmp_path: Path) -> None:
    from matplotlib import cbook

    hopper = cbook.get_sample_data("grace_hopper.jpg", asfileobj=False)
    env = {**os.environ, "GOUACHE_DATA_DIR": str(tmp_path / "data")}
    result = subprocess.run(
        [sys.executable, "-m", "gouache", "suggest", str(hopper)],
        capture_output=True, text=True, env=env, timeout=120, check=False,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    assert '"blur the faces"' in result.stdout


def test_a_suggestion_never_undoes_an_edit_chosen_a_few_turns_back(store: Store) -> None:
    from skimage import data

    session = Session.start(store, data.coffee(), name="coffee")
    session.apply("make it warmer by 40%")
    warmed = {idea.op for idea in session.suggestions()}
    assert "warmth" not in warmed  # right after: the turn itself
    session.apply("crop to square")
    assert "warmth" not in {idea.op for idea in session.suggestions(limit=5)}  # two turns on
