"""What the harnesses share: the seeded plain mutator, and the atheris entry point.

A harness is a function `one_input(data: bytes) -> None` that returns quietly for any input
gouache handles (a result, or one of gouache's own errors) and lets anything else escape:
that is a crash. `run_plain` feeds it mutations of seed inputs from a seeded RNG, for a count
or a number of seconds, and returns the crashes; `run_atheris` hands it to libFuzzer.
"""

from __future__ import annotations

import random
import sys
import time
import traceback
from collections.abc import Callable, Sequence
from dataclasses import dataclass

Harness = Callable[[bytes], None]

INTERESTING = [b"\x00", b"\xff", b"\x7f", b"\x80", b"\xff\xff\xff\xff", b"\x00\x00\x00\x00"]


@dataclass(frozen=True)
class Crash:
    data: bytes
    error: str  # type and message
    where: str  # the innermost frame


@dataclass(frozen=True)
class Report:
    runs: int
    seconds: float
    crashes: tuple[Crash, ...]

    def describe(self, name: str) -> str:
        kinds = sorted({c.error.split(":")[0] + " at " + c.where for c in self.crashes})
        head = f"{name}: {self.runs} inputs in {self.seconds:.0f} s, {len(self.crashes)} crashes"
        return "\n".join([head, *(f"  {k}" for k in kinds)])


def mutate(data: bytes, rng: random.Random, seeds: Sequence[bytes]) -> bytes:
    """One to four byte-level mutations: flips, interesting values, cuts, copies, splices."""
    out = bytearray(data)
    for _ in range(rng.randint(1, 4)):
        kind = rng.randrange(7)
        at = rng.randrange(len(out) + 1)
        if kind == 0 and out:  # flip a bit
            i = rng.randrange(len(out))
            out[i] ^= 1 << rng.randrange(8)
        elif kind == 1 and out:  # an interesting value
            value = rng.choice(INTERESTING)
            out[at : at + len(value)] = value
        elif kind == 2 and out:  # cut the tail or a slice
            end = min(len(out), at + rng.randint(1, 64)) if rng.random() < 0.8 else len(out)
            del out[at:end]
        elif kind == 3 and out:  # copy a slice elsewhere
            start = rng.randrange(len(out))
            out[at:at] = out[start : start + rng.randint(1, 32)]
        elif kind == 4:  # splice with another seed
            other = rng.choice(seeds)
            out[at:] = other[rng.randrange(len(other) + 1) :]
        elif kind == 5 and out:  # a random byte
            out[rng.randrange(len(out))] = rng.randrange(256)
        else:  # insert random bytes
            out[at:at] = bytes(rng.randrange(256) for _ in range(rng.randint(1, 8)))
    return bytes(out)


def run_plain(
    harness: Harness,
    seeds: Sequence[bytes],
    *,
    runs: int | None = None,
    seconds: float | None = None,
    seed: int = 0,
) -> Report:
    """Feed `harness` the seeds, then mutations of them, until `runs` or `seconds` is spent."""
    rng = random.Random(seed)
    crashes: list[Crash] = []
    started = time.monotonic()
    count = 0
    queue = list(seeds)
    while True:
        if runs is not None and count >= runs:
            break
        if seconds is not None and time.monotonic() - started >= seconds:
            break
        data = queue[count] if count < len(queue) else mutate(rng.choice(queue), rng, seeds)
        count += 1
        try:
            harness(data)
        except Exception as err:  # a crash is anything the harness lets escape
            frame = traceback.extract_tb(err.__traceback__)[-1]
            where = f"{frame.filename.rsplit('/', 1)[-1]}:{frame.lineno}"
            crashes.append(Crash(data, f"{type(err).__name__}: {err}"[:300], where))
    return Report(count, time.monotonic() - started, tuple(crashes))


def run_atheris(harness: Harness, seeds: Sequence[bytes], corpus: str) -> None:
    """libFuzzer through atheris; argv takes libFuzzer's flags (-max_total_time=120 ...).
    The seeds are written to `corpus` first, which libFuzzer then grows."""
    import os

    import atheris

    os.makedirs(corpus, exist_ok=True)
    for i, data in enumerate(seeds):
        path = os.path.join(corpus, f"seed-{i:03d}")
        if not os.path.exists(path):
            with open(path, "wb") as fh:
                fh.write(data)
    atheris.instrument_all()  # coverage of gouache's own Python code guides the mutations
    atheris.Setup([sys.argv[0], *sys.argv[1:], corpus], harness)
    atheris.Fuzz()


def main(name: str, harness: Harness, seeds: Sequence[bytes]) -> None:
    """`python -m fuzz.NAME [--plain SECONDS] [libFuzzer flags]`."""
    if len(sys.argv) > 2 and sys.argv[1] == "--plain":
        report = run_plain(harness, seeds, seconds=float(sys.argv[2]))
        print(report.describe(name))
        for crash in report.crashes[:5]:
            print(f"  {crash.error} ({crash.where}) input {crash.data[:80]!r}")
        sys.exit(1 if report.crashes else 0)
    run_atheris(harness, seeds, corpus=f"fuzz-corpus/{name}")
