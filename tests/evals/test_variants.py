"""Variants: how they are written, and the drift each case and turn is given."""

from __future__ import annotations

import pytest

from gouache.backends.drift import DriftInjector
from gouache.errors import InputError
from gouache.evals.variants import (
    Variant,
    build_backend,
    default_variants,
    parse_variant,
    sample_drift,
    set_drift,
)


def test_a_variant_is_a_backend_with_drift_and_guard_flags() -> None:
    assert parse_variant("operators") == Variant("operators")
    spec = parse_variant("operators+drift+guard")
    assert (spec.drift, spec.guard, spec.guard_mode, spec.name) == (
        True,
        True,
        "on",
        "operators+drift+guard",
    )
    assert parse_variant("gemini+guard").name == "gemini+guard"
    assert [v.name for v in default_variants(["operators"], drift=True)] == [
        "operators",
        "operators+drift",
        "operators+drift+guard",
    ]
    for bad in ("operators+glitter", "+drift", "operators+drift+drift"):
        with pytest.raises(InputError, match=r"BACKEND\[\+drift\]\[\+guard\]"):
            parse_variant(bad)


def test_the_drift_is_seeded_by_case_and_turn_and_within_the_guards_range() -> None:
    assert sample_drift("caption/1") == sample_drift("caption/1")
    assert sample_drift("caption/1") != sample_drift("caption/2")
    for key in (f"case-{i}/1" for i in range(200)):
        drift = sample_drift(key)
        assert 0.003 <= (drift.shift_x**2 + drift.shift_y**2) ** 0.5 <= 0.0201
        assert 1.01 <= drift.scale <= 1.03
        assert abs(drift.rotation_deg) <= 0.8
        assert drift.jpeg_quality is not None
        assert 85 <= drift.jpeg_quality <= 95


def test_only_a_drifting_backend_takes_a_new_drift() -> None:
    backend = build_backend(Variant("operators", drift=True), None)
    assert isinstance(backend, DriftInjector)
    set_drift(backend, "x/1")
    assert backend.drift == sample_drift("x/1")
    plain = build_backend(Variant("operators"), None)
    set_drift(plain, "x/1")
    assert not isinstance(plain, DriftInjector)
