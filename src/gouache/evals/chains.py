"""Multi-turn drift curves: one picture edited N times in a row, measured after every turn.

Each variant edits the astronaut (or any image) through a chain of local edits, captions
that land in the bottom band, so everything above the band should stay the source's pixels
for the whole chain. After each turn: PSNR and SSIM against the source outside that band,
and the identity cosine of the person in the source (SFace, as the identity critic). A
model that drifts a little every turn loses the picture step by step; the guard should
hold it. EdiVal-Agent saw an open model fall from 78 to 42 over three turns, and
Banana100 chains 100 edits: N is 20 by default, up to 100.
"""

from __future__ import annotations

import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np

from gouache.analysis.cache import AnalysisCache
from gouache.characters import identity_scores
from gouache.critics.preservation import psnr, ssim
from gouache.errors import InputError, InvalidReferenceError
from gouache.evals.scoring import characters_of
from gouache.evals.variants import Variant, build_backend, set_drift
from gouache.images import Image

MAX_TURNS = 100
BAND = 0.7  # the chain's captions stay below this share of the height
WORDS = ("alpha", "bravo", "charlie", "delta", "echo", "foxtrot", "golf", "hotel", "india")
PLACES = ("at the bottom left", "at the bottom", "at the bottom right")


def chain_turns(turns: int) -> list[str]:
    """The chain's instructions: captions cycling over the bottom band."""
    if not 1 <= turns <= MAX_TURNS:
        raise InputError(f"a drift chain has 1 to {MAX_TURNS} turns, not {turns}")
    return [
        f'add the caption "{WORDS[i % len(WORDS)]} {i + 1}" {PLACES[i % len(PLACES)]}'
        for i in range(turns)
    ]


def run_chain(
    source: Image,
    variants: list[Variant],
    *,
    turns: int = 20,
    character: Image | None = None,
    progress: Callable[[str], None] | None = None,
) -> dict[str, Any]:
    """Per variant, per turn: psnr and ssim outside the band, identity, milliseconds."""
    instructions = chain_turns(turns)
    analyses = AnalysisCache(maxsize=4 * turns + 8)
    try:
        people = characters_of({"person": character if character is not None else source}, analyses)
    except InvalidReferenceError:
        people = []  # no one face to follow: the curves have no identity

    height = source.shape[0]
    keep = np.zeros(source.shape[:2], dtype=bool)
    keep[: round(BAND * height)] = True
    curves: dict[str, list[dict[str, float | None]]] = {}
    seconds: dict[str, float] = {}
    with tempfile.TemporaryDirectory(prefix="gouache-chain-") as tmp:
        from gouache.sessions.session import Session
        from gouache.sessions.store import Store
        from gouache.settings import Settings

        store = Store.from_settings(Settings(data_dir=Path(tmp)))
        for variant in variants:
            backend = build_backend(variant, analyses)
            session = Session.start(store, source, name=f"chain-{variant.name}", backend=backend)
            session.guard_mode = variant.guard_mode
            points: list[dict[str, float | None]] = []
            chain_started = time.perf_counter()
            for number, instruction in enumerate(instructions, start=1):
                set_drift(backend, f"chain/{number}")
                started = time.perf_counter()
                outcome = session.apply(instruction, seed=number)
                _ = outcome.version  # the whole turn, its version stored
                ms = (time.perf_counter() - started) * 1000.0
                if outcome.version is None:
                    raise InputError(
                        f"{variant.name}: turn {number} made no version: {outcome.reply}"
                    )
                image = session.image()
                same = image.shape[:2] == source.shape[:2]
                score = (
                    identity_scores(people, analyses.get(image).faces)["person"] if people else None
                )
                points.append(
                    {
                        "turn": number,
                        "psnr": psnr(source, image, keep) if same else None,
                        "ssim": ssim(source, image, keep) if same else None,
                        "identity": (score or 0.0) if people else None,
                        "ms": round(ms, 1),
                    }
                )
                if progress is not None:
                    last = points[-1]
                    progress(
                        f"{variant.name:<24} turn {number:>3}  psnr {last['psnr'] or 0:6.1f} dB  "
                        f"identity {last['identity'] or 0:.3f}"
                    )
            curves[variant.name] = points
            seconds[variant.name] = round(time.perf_counter() - chain_started, 2)
    return {
        "turns": turns,
        "instructions": instructions,
        "band": BAND,
        "curves": curves,
        "seconds": seconds,
    }


def curve_table(drift: dict[str, Any], every: int = 5) -> str:
    """PSNR / identity per variant at turns 1, 5, 10 ..., as text."""
    curves: dict[str, list[dict[str, Any]]] = drift["curves"]
    turns = int(drift["turns"])
    marks = sorted({1, *range(every, turns + 1, every), turns})
    header = ["turn", *curves]
    rows = [header]
    for mark in marks:
        row = [str(mark)]
        for points in curves.values():
            p = points[mark - 1]
            db = "-" if p["psnr"] is None else f"{p['psnr']:.1f} dB"
            who = "-" if p["identity"] is None else f"{p['identity']:.3f}"
            row.append(f"{db} / {who}")
        rows.append(row)
    widths = [max(len(r[i]) for r in rows) for i in range(len(header))]
    lines = [f"drift over {turns} turns: PSNR outside the edits / identity"]
    lines += ["  ".join(c.ljust(w) for c, w in zip(r, widths, strict=True)).rstrip() for r in rows]
    return "\n".join(lines)
