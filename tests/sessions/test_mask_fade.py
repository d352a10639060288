"""A grade inside a drawn box fades in over the box's inner rim (no seam where the box
crosses a sky); a filter or a redaction keeps the box's hard edge; outside the box nothing
moves, and deep inside the edit is exactly what it is without a mask."""

from __future__ import annotations

import numpy as np

from gouache.evals.samples import sample
from gouache.sessions import Session, Store
from gouache.sessions.fade import fade_alpha


def _box(shape: tuple[int, ...]) -> np.ndarray:
    mask = np.zeros(shape[:2], dtype=bool)
    mask[100:300, 150:350] = True
    return mask


def test_darkening_a_box_leaves_no_seam_and_nothing_outside_moves(store: Store) -> None:
    photo = sample("astronaut")
    whole = Session.start(store, photo)
    whole.apply("make it darker")
    full = whole.image("head")
    boxed = Session.start(store, photo)
    mask = _box(photo.shape)

    boxed.apply("make it darker", mask=mask)

    after = boxed.image("head")
    assert np.array_equal(after[~mask], photo[~mask])
    # deep inside: exactly the edit without a mask
    np.testing.assert_array_equal(after[150:250, 200:300], full[150:250, 200:300])
    # at the box's left edge, along its height: the step across the edge is a small part
    # of the darkening (a hard edge would step by all of it)
    step = np.abs(after[100:300, 150].astype(int) - photo[100:300, 150].astype(int)).mean()
    darkening = np.abs(full[100:300, 150].astype(int) - photo[100:300, 150].astype(int)).mean()
    assert darkening > 10
    assert step < 0.25 * darkening


def test_pixelating_a_box_keeps_its_hard_edge(store: Store) -> None:
    photo = sample("astronaut")
    whole = Session.start(store, photo)
    whole.apply("pixelate it")
    full = whole.image("head")
    boxed = Session.start(store, photo)
    mask = _box(photo.shape)

    boxed.apply("pixelate it", mask=mask)

    after = boxed.image("head")
    assert np.array_equal(after[~mask], photo[~mask])
    np.testing.assert_array_equal(after[mask], full[mask])


def test_a_thin_brush_stroke_reaches_full_strength_at_its_middle() -> None:
    import cv2

    # a diagonal stroke 21 px wide across a 300 x 300 box: its box alone would ask for a
    # rim of 18 px, deeper than the stroke's middle (10 px in)
    stroke = np.zeros((320, 320), dtype=np.uint8)
    cv2.line(stroke, (10, 10), (310, 310), 1, thickness=21)
    mask = stroke.astype(bool)

    alpha = fade_alpha(mask)

    assert alpha[160, 160] == 1.0
    rim = int(np.argmax(mask[160]))  # the stroke's first pixel along the row
    assert 0.0 < alpha[160, rim] < 0.5
    assert (alpha[~mask] == 0.0).all()


def test_a_box_running_off_the_frame_keeps_full_strength_at_the_frame() -> None:
    mask = np.zeros((200, 300), dtype=bool)
    mask[:, :150] = True

    alpha = fade_alpha(mask)

    assert (alpha[:, 0] == 1.0).all()
    assert alpha[100, 149] < 0.2
