"""A short fuzz budget in every test run (the plain seeded mutator), and the regressions the
fuzzers found. `make fuzz` runs the same harnesses for minutes with atheris."""

from __future__ import annotations

import io

import numpy as np
import pytest
from fuzz import images, planner
from fuzz.common import mutate, run_plain
from PIL import Image as PILImage

from gouache.errors import InvalidImageError
from gouache.images import load_image


def test_every_image_seed_is_a_valid_image_in_a_format_gouache_reads() -> None:
    formats = {load_image(seed).format for seed in images.seeds()}
    assert formats == {"PNG", "JPEG", "WEBP", "TIFF", "BMP", "GIF"}


def test_the_image_loader_survives_a_short_fuzz_run() -> None:
    report = run_plain(images.one_input, images.seeds(), runs=4000, seed=1)
    assert report.runs == 4000
    assert report.crashes == (), report.describe("images")


@pytest.mark.parametrize("seed", [1, 2])
def test_the_planner_survives_a_short_fuzz_run_in_every_context(seed: int) -> None:
    report = run_plain(planner.one_input, planner.seeds(), runs=300, seed=seed)
    assert report.crashes == (), report.describe("planner")


def test_mutations_are_reproducible_from_their_seed() -> None:
    import random

    seeds = images.seeds()
    first = [mutate(seeds[0], random.Random(7), seeds) for _ in range(3)]
    again = [mutate(seeds[0], random.Random(7), seeds) for _ in range(3)]
    assert first == again
    assert any(m != seeds[0] for m in first)


def test_libtiffs_own_messages_never_reach_the_terminal(capfd: pytest.CaptureFixture[str]) -> None:
    # found by the image fuzzer: libtiff wrote "Using code not yet in table." to fd 2
    pixels = np.random.default_rng(0).integers(0, 256, (40, 50, 3), dtype=np.uint8)
    buf = io.BytesIO()
    PILImage.fromarray(pixels).save(buf, "TIFF", compression="tiff_lzw")
    data = bytearray(buf.getvalue())
    for i in range(20, 200, 7):
        data[i] ^= 0x55
    with pytest.raises(InvalidImageError, match="corrupt TIFF"):
        load_image(bytes(data))
    assert capfd.readouterr().err == ""
