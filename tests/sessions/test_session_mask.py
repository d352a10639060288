"""A turn with a mask changes pixels only inside it; branches can be renamed."""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest

from gouache.backends.base import Capabilities, EditRequest, GenerateRequest, ImageResult
from gouache.errors import BranchNotFoundError, InputError
from gouache.images import LoadedImage
from gouache.sessions import Session, Store


def box_mask(height: int, width: int) -> np.ndarray:
    mask = np.zeros((height, width), dtype=bool)
    mask[10:30, 20:50] = True
    return mask


def test_a_masked_edit_changes_pixels_only_inside_the_mask(session: Session) -> None:
    before = session.image("head")
    mask = box_mask(*before.shape[:2])

    result = session.apply("make it much brighter", mask=mask)

    assert result.version is not None
    after = session.image("head")
    assert np.array_equal(after[~mask], before[~mask])
    inside = np.abs(after[mask].astype(int) - before[mask].astype(int)).mean()
    assert inside > 10
    recorded = result.version.params["mask"]
    assert recorded["share"] == pytest.approx(mask.mean(), abs=1e-4)
    assert session.store.blobs.get(recorded["blob"]).shape == (*mask.shape, 3)


def test_a_mask_of_another_size_is_refused_and_makes_no_version(session: Session) -> None:
    with pytest.raises(InputError, match=r"the mask is 10x10 but the picture is 64x48"):
        session.apply("make it brighter", mask=np.ones((10, 10), dtype=bool))
    assert session.head.number == 1


def test_an_empty_mask_is_refused(session: Session) -> None:
    with pytest.raises(InputError, match="the mask is empty"):
        session.apply("make it brighter", mask=np.zeros((48, 64), dtype=bool))


def test_a_crop_inside_a_mask_is_refused_with_what_to_do(session: Session) -> None:
    with pytest.raises(InputError, match=r"crop changes the whole frame.*clear the mask"):
        session.apply("crop to 1:1", mask=box_mask(48, 64))
    assert session.head.number == 1


def test_renaming_a_branch_keeps_its_tip_and_the_head_on_it(session: Session) -> None:
    session.apply("flip horizontally")
    tip = session.head

    session.rename_branch("main", "draft")

    assert session.branches() == {"draft": tip.id}
    assert session.head_branch == "draft"
    assert session.resolve("draft") == tip


def test_renaming_onto_an_existing_branch_or_a_missing_one_is_refused(session: Session) -> None:
    session.branch("other")
    with pytest.raises(InputError, match="branch 'main' already exists at v1"):
        session.rename_branch("other", "main")
    with pytest.raises(BranchNotFoundError):
        session.rename_branch("nope", "fine")
    with pytest.raises(InputError, match="reserved"):
        session.rename_branch("other", "head")


class RepaintBackend:
    """A model that takes a mask and repaints the whole picture anyway (grey, shifted by one
    pixel): the mask step must still keep every pixel outside the mask."""

    name = "repaint"
    capabilities = Capabilities(generate=False, edit=True, masks=True)
    operators = None

    def __init__(self) -> None:
        self.masks: list[np.ndarray | None] = []

    def config(self) -> dict[str, Any]:
        return {}

    def generate(self, request: GenerateRequest, **_: Any) -> ImageResult:
        raise NotImplementedError

    def edit(self, request: EditRequest, **_: Any) -> ImageResult:
        self.masks.append(request.mask_image)
        grey = np.full_like(request.image, 128)
        return ImageResult(image=np.roll(grey, 1, axis=1), seed=request.seed)


def test_a_backend_that_takes_a_mask_gets_it_and_cannot_change_pixels_outside_it(
    store: Store, photo: LoadedImage
) -> None:
    backend = RepaintBackend()
    session = Session.start(store, photo, backend=backend)
    before = session.image("head")
    mask = box_mask(*before.shape[:2])

    result = session.apply("make the box grey", mask=mask)

    assert result.version is not None
    sent = backend.masks[0]
    assert sent is not None
    assert np.array_equal(sent[..., 0] == 255, mask)
    after = session.image("head")
    assert np.array_equal(after[~mask], before[~mask])
    assert (after[mask] == 128).all()
