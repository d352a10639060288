"""What a run compares: a backend, optionally with simulated drift, optionally guarded.

A variant is written BACKEND[+drift][+guard]: `operators`, `operators+drift`,
`operators+drift+guard`, `gemini+guard`. `+drift` wraps the backend in the drift injector
(`gouache.backends.drift`) with a drift drawn per case and turn, seeded by the case id, so
every run sees the same drifts; `+guard` turns the session's guard on (it is off otherwise,
so that the comparison shows what the guard recovers).

The drifts drawn are those users report from generative editors (FIELD.md, complaints 2
and 4), within what the guard is measured to bring back: a shift of 0.3 to 2 % of the width
in a random direction, a zoom of 1 to 3 %, a rotation of up to 0.8 degree either way, a gain
of 0.94 to 1.06 and an offset of up to 2 % per channel, sampling noise of 0 to 2 levels and
JPEG at quality 85 to 95.
"""

from __future__ import annotations

import hashlib
import math
from dataclasses import dataclass

import numpy as np

from gouache.backends.base import ImageModel
from gouache.backends.drift import Drift, DriftInjector
from gouache.errors import InputError
from gouache.sessions.preserve import GuardMode

_FLAGS = ("drift", "guard")


@dataclass(frozen=True)
class Variant:
    backend: str
    drift: bool = False
    guard: bool = False

    @property
    def name(self) -> str:
        return "+".join([self.backend, *(f for f in _FLAGS if getattr(self, f))])

    @property
    def guard_mode(self) -> GuardMode:
        return "on" if self.guard else "off"


def parse_variant(text: str) -> Variant:
    backend, *flags = text.strip().split("+")
    unknown = [flag for flag in flags if flag not in _FLAGS]
    if not backend or unknown or len(set(flags)) != len(flags):
        raise InputError(
            f"variant {text!r}: write BACKEND[+drift][+guard], e.g. operators+drift+guard"
        )
    return Variant(backend, drift="drift" in flags, guard="guard" in flags)


def default_variants(backends: list[str], *, drift: bool) -> list[Variant]:
    """Each backend; with `drift`, also it with drift and with drift and the guard."""
    found: list[Variant] = []
    for name in backends:
        found.append(Variant(name))
        if drift:
            found += [Variant(name, drift=True), Variant(name, drift=True, guard=True)]
    return found


def build_backend(variant: Variant, analyses: object) -> ImageModel:
    """The variant's backend; the operators share the run's analysis cache."""
    inner: ImageModel
    if variant.backend == "operators":
        from gouache.analysis.cache import AnalysisCache
        from gouache.backends.operators import OperatorBackend

        inner = OperatorBackend(analyses=analyses if isinstance(analyses, AnalysisCache) else None)
    else:
        from gouache.backends.catalog import create

        inner = create(variant.backend)
    return DriftInjector(inner, Drift()) if variant.drift else inner


def sample_drift(key: str) -> Drift:
    """A drift drawn from the ranges in the module docstring, seeded by `key`."""
    seed = int.from_bytes(hashlib.sha256(key.encode()).digest()[:8], "big")
    rng = np.random.default_rng(seed)
    angle = rng.uniform(0.0, 2.0 * math.pi)
    shift = rng.uniform(0.003, 0.02)
    return Drift(
        shift_x=round(shift * math.cos(angle), 4),
        shift_y=round(shift * math.sin(angle), 4),
        scale=round(rng.uniform(1.01, 1.03), 4),
        rotation_deg=round(rng.uniform(-0.8, 0.8), 3),
        gain=tuple(round(g, 3) for g in rng.uniform(0.94, 1.06, 3)),
        offset=tuple(round(o, 3) for o in rng.uniform(-0.02, 0.02, 3)),
        noise_sigma=round(rng.uniform(0.0, 2.0), 2),
        jpeg_quality=int(rng.integers(85, 96)),
        seed=seed % (2**31),
    )


def set_drift(backend: ImageModel, key: str) -> None:
    """Give a drifting backend the drift of `key` (a case and turn); others are unchanged."""
    if isinstance(backend, DriftInjector):
        backend.drift = sample_drift(key)
