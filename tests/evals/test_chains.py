"""Drift chains on their own: bounds, and a picture with no face to follow."""

from __future__ import annotations

from pathlib import Path

import pytest

from gouache.errors import InputError
from gouache.evals.chains import chain_turns, curve_table, run_chain
from gouache.evals.suite_images import load_named
from gouache.evals.variants import Variant


def test_a_chain_has_1_to_100_turns_of_captions_in_the_bottom_band() -> None:
    turns = chain_turns(100)
    assert len(turns) == 100
    assert all(turn.startswith('add the caption "') and "at the bottom" in turn for turn in turns)
    with pytest.raises(InputError, match="1 to 100 turns"):
        chain_turns(101)
    with pytest.raises(InputError, match="1 to 100 turns"):
        chain_turns(0)


def test_a_chain_on_a_picture_without_a_face_has_no_identity_curve() -> None:
    shapes = load_named("generated:shapes", Path()).pixels
    drift = run_chain(shapes, [Variant("operators")], turns=2)
    points = drift["curves"]["operators"]
    assert [p["identity"] for p in points] == [None, None]
    assert all(p["psnr"] == pytest.approx(100.0) for p in points)
    assert "100.0 dB / -" in curve_table(drift)
