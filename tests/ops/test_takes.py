"""Whether an edit that looks before it changes anything takes a picture, read without
running it: what a refusal may offer."""

from __future__ import annotations

import numpy as np
import pytest

from gouache.errors import GouacheError
from gouache.evals.samples import sample
from gouache.ops.registry import OpContext, default_operators
from gouache.ops.takes import takes

REGISTRY = default_operators()
BLUE_TO_GREEN = {"source": (0, 0, 255), "color": (0, 128, 0), "things": "bars"}


def _changes(name: str, op: str, params: dict[str, object]) -> bool:
    image = sample(name)
    try:
        out = REGISTRY.get(op).apply(image, params, OpContext())
    except GouacheError:
        return False
    return out.shape != image.shape or bool(np.any(out != image))


@pytest.mark.parametrize(
    ("name", "op", "params"),
    [
        ("page", "replace_color", BLUE_TO_GREEN),
        ("chart", "replace_color", BLUE_TO_GREEN),
        ("astronaut", "replace_color", BLUE_TO_GREEN),
        ("coins", "recolor", {"color": (0, 0, 255)}),
        ("logo", "recolor", {"color": (0, 0, 255)}),
        ("page", "auto_straighten", {}),
        ("coins", "auto_straighten", {}),
        ("text", "auto_straighten", {}),
        ("camera", "crop", {"aspect": (1, 1)}),
        ("coins", "crop", {"aspect": (1, 1)}),
    ],
)
def test_an_edit_is_taken_exactly_when_running_it_changes_the_picture(
    name: str, op: str, params: dict[str, object]
) -> None:
    assert takes(sample(name), op, params) == _changes(name, op, params)


def test_the_blue_bars_of_the_chart_are_found_and_a_grey_page_has_none() -> None:
    assert takes(sample("chart"), "replace_color", BLUE_TO_GREEN)
    assert not takes(sample("page"), "replace_color", BLUE_TO_GREEN)
