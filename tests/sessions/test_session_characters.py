"""Characters in a session: photos kept as blobs, embeddings recomputed from them, the identity
curve along the head's lineage after real operator turns, and the migration that added them."""

from __future__ import annotations

import re
from dataclasses import replace
from pathlib import Path

import numpy as np
import pytest
from sqlalchemy import inspect

from benchmarks.calibration import sample_people
from gouache.characters import DEFAULT_THRESHOLD, check_identity
from gouache.errors import InputError, InvalidReferenceError, NotFoundError
from gouache.images import BlobStore, Image, LoadedImage
from gouache.sessions import Session, Store, Transaction, VersionDraft
from gouache.sessions.migrations import MIGRATIONS, migrate, open_engine
from gouache.sessions.versions import VersionScores


@pytest.fixture(scope="module")
def people() -> dict[str, Image]:
    return sample_people()


@pytest.fixture
def astronaut(people: dict[str, Image]) -> LoadedImage:
    return LoadedImage(pixels=people["astronaut"], format="PNG", name="astronaut.png")


@pytest.fixture
def hopper(people: dict[str, Image]) -> LoadedImage:
    return LoadedImage(pixels=people["Grace Hopper"], format="JPEG", name="grace.jpg")


@pytest.fixture
def portrait(store: Store, astronaut: LoadedImage) -> Session:
    """A session on the astronaut's portrait, with her registered as Ana."""
    session = Session.start(store, astronaut)
    session.add_character("Ana", [astronaut])
    return session


def blob_count(store: Store) -> int:
    return sum(1 for _ in Path(store.blobs.root).rglob("*.png"))


def curve_scores(line: str) -> dict[str, str]:
    """ "Ana: v1 1.00  v2 0.94 ..." -> {"v1": "1.00", "v2": "0.94", ...}"""
    _, cells = line.split(": ", 1)
    return dict(cell.split(" ", 1) for cell in cells.split("  "))


def test_a_character_is_kept_with_its_photos_and_read_back_by_a_new_process(
    portrait: Session, store: Store, hopper: LoadedImage
) -> None:
    grace = portrait.add_character("Grace", [hopper], threshold=0.5)

    reopened = Session.open(store, portrait.id)  # no embeddings in memory
    found = reopened.characters()

    assert [(c.name, c.threshold) for c in found] == [("Ana", DEFAULT_THRESHOLD), ("Grace", 0.5)]
    assert np.allclose(found[1].embeddings, grace.embeddings, atol=1e-5)
    with store.read() as tx:
        records = tx.characters(portrait.id)
    assert [ref.name for ref in records[1].references] == ["grace.jpg"]
    assert all(store.blobs.has(ref.digest) for r in records for ref in r.references)
    # the embeddings were made once, from the blobs; asking again reads no image
    seen = reopened.analyses.stats()
    assert reopened.characters() == found
    assert reopened.analyses.stats() == seen


def test_a_photo_without_a_face_writes_nothing(session: Session, photo: LoadedImage) -> None:
    before = blob_count(session.store)

    with pytest.raises(InvalidReferenceError, match=r"no face found in photo\.png"):
        session.add_character("Ana", [photo])

    assert session.characters() == []
    assert blob_count(session.store) == before


def test_a_name_already_taken_in_any_case_is_refused(
    portrait: Session, astronaut: LoadedImage
) -> None:
    with pytest.raises(InputError, match="already has a character 'Ana'"):
        portrait.add_character("ana", [astronaut])
    assert [c.name for c in portrait.characters()] == ["Ana"]


def test_the_curve_of_an_unknown_character_is_refused(portrait: Session) -> None:
    with pytest.raises(NotFoundError, match=r"no character 'Bob' .*\(characters: Ana\)"):
        portrait.identity_curve("Bob")


def test_a_session_without_characters_has_no_curve_and_no_scores(session: Session) -> None:
    assert session.identity_curve() == ""
    assert session.identity_scores(session.image()) == {}


def test_identity_stays_high_through_mild_turns_and_a_pixelated_face_is_lost(
    portrait: Session,
) -> None:
    for instruction in ("make it brighter", 'add the caption "Hello"', "pixelate the face"):
        assert portrait.apply(instruction).version is not None

    curve = portrait.identity_curve()
    scores = curve_scores(curve)

    assert curve.startswith("Ana: v1 1.00  v2 ")
    assert min(float(scores[v]) for v in ("v1", "v2", "v3")) > 0.9
    assert scores["v4"] == "absent (lost)"
    characters = portrait.characters()
    before = portrait.identity_scores(portrait.image("v3"))
    after = portrait.identity_scores(portrait.image("v4"))
    assert after == {"Ana": None}
    assert check_identity(after, characters, before=before) == ["Ana"]


def test_a_blurred_face_is_lost_and_the_curve_follows_the_head(
    portrait: Session,
) -> None:
    portrait.apply("make it brighter")
    portrait.apply("pixelate the face")
    portrait.undo()
    portrait.apply("blur the face")  # v4, on a branch from v2: v3 is not on the head's line

    curve = portrait.identity_curve("ana")

    assert re.fullmatch(r"Ana: v1 1\.00  v2 0\.9\d  v4 absent \(lost\)", curve), curve
    characters = portrait.characters()
    before = portrait.identity_scores(portrait.image("v2"))
    after = portrait.identity_scores(portrait.image())
    assert check_identity(after, characters, before=before) == ["Ana"]


def test_the_curve_shows_the_scores_a_turn_recorded(portrait: Session) -> None:
    head = portrait.head
    draft = VersionDraft(
        parent_id=head.id,
        kind="turn",
        blob=head.blob,
        width=head.width,
        height=head.height,
        channels=head.channels,
        instruction="a turn that scored itself",
        scores=VersionScores(identity={"Ana": 0.1235}),
    )

    def record(tx: Transaction) -> None:
        version = tx.insert_version(portrait.id, draft)
        tx.set_head(portrait.id, None, version.id)

    portrait.store.run(record)

    assert portrait.head.scores.identity == {"Ana": 0.1235}
    assert portrait.identity_curve() == "Ana: v1 1.00  v2 0.12 (below 0.45)"
    # scores made for another set of characters are not trusted: v2 is scored again
    stale = replace(
        draft, parent_id=portrait.head.id, scores=VersionScores(identity={"Ana": 0.1, "Bo": 0.2})
    )
    portrait.store.run(
        lambda tx: tx.set_head(portrait.id, None, tx.insert_version(portrait.id, stale).id)
    )
    assert portrait.identity_curve() == "Ana: v1 1.00  v2 0.12 (below 0.45)  v3 1.00"


def test_the_characters_migration_upgrades_a_store_made_before_it(
    tmp_path: Path, astronaut: LoadedImage
) -> None:
    # 1. a store at schema 1, with a session in it
    url = f"sqlite:///{tmp_path / 'gouache.db'}"
    blobs = BlobStore(tmp_path / "blobs")
    engine = open_engine(url, "old")
    try:
        assert migrate(engine, label="old", migrations=MIGRATIONS[:1]) == 1
        height, width, channels = astronaut.pixels.shape
        root = VersionDraft(
            parent_id=None,
            kind="root",
            blob=blobs.put(astronaut.pixels),
            width=width,
            height=height,
            channels=channels,
        )
        with engine.connect() as conn, conn.begin():
            record, _ = Transaction(conn).create_session("old", root)
        assert not inspect(engine).has_table("characters")
    finally:
        engine.dispose()

    # 2. this gouache opens it, adds the table and keeps the session
    with Store(url, blobs) as store:
        assert store.schema_version == MIGRATIONS[-1].number
        assert inspect(store._engine).has_table("characters")
        session = Session.open(store, record.id)
        assert session.characters() == []
        session.add_character("Ana", [astronaut])
        assert session.identity_curve() == "Ana: v1 1.00"
