"""After "blur the faces" or "pixelate the faces", what is offered next knows from the recipe that
faces were there and were hidden: what is left of them (YuNet still finds one of the group's
three blurred faces as a face 23 % of the height, and all three pixelated ones) is never read as
a portrait, nor offered as faces to edit."""

from __future__ import annotations

import pytest

from gouache.analysis.cache import AnalysisCache
from gouache.evals.samples import sample
from gouache.ops.registry import OpContext, default_operators
from gouache.sessions import Session, Store
from gouache.suggest import Redacted, suggest

FACE_EDITS = {"blur_faces", "crop_face", "blur_background"}


def _offered(session: Session) -> list[str]:
    """Every suggestion and idea for the head, as `op: instruction (reason)`."""
    ideas = [*session.suggestions(limit=6), *session.ideas(limit=6)]
    return [f"{idea.op}: {idea.instruction} ({idea.reason})" for idea in ideas]


@pytest.mark.parametrize("say", ["blur the faces", "pixelate the faces"])
def test_the_group_with_its_faces_hidden_is_offered_nothing_about_faces(
    store: Store, say: str
) -> None:
    session = Session.start(store, sample("group"), name="group")
    assert any("3 faces found" in line for line in _offered(session))
    session.apply(say)
    assert session.analyses.get(session.image()).faces  # what is left of them is still found
    for turns in ((), ("make it warmer",)):  # and a turn later, too
        for instruction in turns:
            session.apply(instruction)
        offered = _offered(session)
        assert offered  # the ideas for any photo are still there
        assert not [line for line in offered if line.split(":")[0] in FACE_EDITS], offered
        assert not [line for line in offered if "portrait" in line or "face" in line], offered


def test_a_portrait_whose_face_was_blurred_is_not_offered_its_subject_ideas(
    store: Store,
) -> None:
    session = Session.start(store, sample("grace_hopper"), name="hopper")
    assert any("a portrait" in line for line in _offered(session))
    session.apply("blur the faces")
    assert not session.analyses.get(session.image()).faces
    offered = _offered(session)
    assert not [line for line in offered if "subject" in line or "background" in line], offered


def test_faces_not_blurred_yet_are_still_offered_and_the_blurred_one_is_not() -> None:
    cache = AnalysisCache()
    image = sample("group")
    faces = cache.get(image).faces
    out = (
        default_operators()
        .get("blur_faces")
        .apply(image, {"method": "pixelate", "target": "left"}, OpContext(analyses=cache))
    )
    assert len(cache.get(out).faces) == 3  # the pixelated one is found too
    ideas = suggest(out, cache.get(out), limit=6, redacted=Redacted("pixelated", (faces[0].box,)))
    assert [(i.instruction, i.reason) for i in ideas if i.op == "blur_faces"] == [
        ("blur the faces", "2 faces not pixelated yet")
    ]
    assert not [i for i in ideas if i.op in ("crop_face", "blur_background")]


def test_after_a_crop_the_blurred_faces_are_known_but_not_where_so_none_is_offered(
    store: Store,
) -> None:
    session = Session.start(store, sample("group"), name="group")
    session.apply("pixelate the faces")
    assert session.apply("crop 10% off the left").version is not None
    assert session.image().shape[1] < sample("group").shape[1]
    offered = _offered(session)
    assert not [line for line in offered if "face" in line or "portrait" in line], offered
