"""What the pages show, built from a real session: the tree, the conversation, the curves."""

from __future__ import annotations

import numpy as np

from gouache.characters import Character
from gouache.images import LoadedImage
from gouache.sessions import Session, Store
from gouache.web import views


def picture() -> LoadedImage:
    rng = np.random.default_rng(5)
    return LoadedImage(rng.integers(0, 255, (32, 48, 3), dtype=np.uint8), "PNG", "p.png")


def test_the_tree_nests_branches_under_their_parent_and_marks_the_head(store: Store) -> None:
    session = Session.start(store, picture())
    session.apply("make it warmer")
    session.apply("add a vignette")
    session.apply("flip horizontally", at="v2")  # v4 on a new branch from v2

    versions, head = session.versions(), session.head
    roots = views.version_tree(versions, session.branches(), head)

    assert [node.version.label for node in roots] == ["v1"]
    v2 = roots[0].children[0]
    assert [child.version.label for child in v2.children] == ["v3", "v4"]
    v3, v4 = v2.children
    assert (v3.branches, v4.branches) == (["main"], ["b2"])
    assert v4.current
    assert not v3.current
    chain = views.lineage(versions, head)
    assert [v.label for v in chain] == ["v1", "v2", "v4"]


def test_an_identity_curve_reads_as_words_and_leaves_gaps_where_a_face_is_absent() -> None:
    curve = views.Curve("Ana", 0.45, [("v1", 1.0), ("v2", None), ("v3", 0.5)])

    assert curve.spoken == "Ana: v1 1.00, v2 absent, v3 0.50"
    assert curve.polyline == f"0.0,0.0 {views.CURVE_WIDTH:.1f},{views.CURVE_HEIGHT / 2:.1f}"
    assert curve.threshold_y == round(0.55 * views.CURVE_HEIGHT, 1)


def test_curves_follow_only_the_versions_that_scored_the_character(store: Store) -> None:
    session = Session.start(store, picture())
    session.apply("make it warmer")
    character = Character("Ana", (np.ones(128, dtype=np.float32),))
    curves = views.identity_curves([character], views.lineage(session.versions(), session.head))
    assert curves == [views.Curve("Ana", character.threshold, [])]
