"""A small suite on generated images, shared by the evaluation tests."""

from __future__ import annotations

import textwrap
from pathlib import Path

import pytest

from gouache.cli import main

SMALL_SUITE = textwrap.dedent(
    """
    name: small
    cases:
      - id: caption
        category: caption
        image: generated:shapes
        turns: ['add the caption "Hello" at the bottom']
        region: {box: [0, 0.7, 1, 1]}
        expect: {text: [Hello], changed: true}
      - id: crop
        category: geometry
        image: generated:shapes
        turns: [crop to square]
        region: whole
        expect: {aspect: "1:1"}
      - id: hat
        category: generative
        image: generated:sign
        turns: [put a hat on the sign]
        region: whole
    """
)


@pytest.fixture
def small_suite(tmp_path: Path) -> Path:
    path = tmp_path / "small.yaml"
    path.write_text(SMALL_SUITE)
    return path


@pytest.fixture(scope="session")
def run_folder(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The small suite run once with --drift and a 3-turn chain, for every test here."""
    folder = tmp_path_factory.mktemp("eval")
    suite = folder / "small.yaml"
    suite.write_text(SMALL_SUITE)
    out = folder / "out"
    code = main(
        ["eval", "run", str(suite), "--drift", "--out", str(out), "--turns", "3", "--quiet"]
    )
    if code != 0:
        raise RuntimeError(f"gouache eval run exited with {code}")
    return out
