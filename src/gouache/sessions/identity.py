"""Characters in a session: registering them, their scores per version, the identity curve.

A character's reference photos are blobs in the store's BlobStore and its row keeps their
digests (`CharacterRecord`); the embeddings are recomputed from those pixels through the
session's AnalysisCache, so a new face model re-embeds them without a migration, and
`ReferenceEmbeddings` keeps them by blob digest while a Session lives.

A turn records its scores on its version as `scores.identity` (gouache.sessions.turn):

    {"Ana": 0.9412, "Bo": null}      null: the character is absent

The curve reads them back; a version without them (the root, a version made before a character
was added, or scored for another set of characters) is scored from its pixels.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from typing import TYPE_CHECKING

from gouache.characters import (
    Character,
    Embedding,
    identity_scores,
    reference_embedding,
)
from gouache.images import Image, LoadedImage
from gouache.sessions.versions import ReferenceImage, Version

if TYPE_CHECKING:
    from gouache.analysis.cache import AnalysisCache
    from gouache.sessions.store import CharacterRecord, Store

Scores = Mapping[str, float | None]


class ReferenceEmbeddings:
    """Reference embeddings by blob digest; a digest names fixed bytes, so none goes stale."""

    def __init__(self) -> None:
        self._by_digest: dict[str, Embedding] = {}

    def get(self, digest: str) -> Embedding | None:
        return self._by_digest.get(digest)

    def put(self, digest: str, embedding: Embedding) -> None:
        self._by_digest[digest] = embedding


def register_character(
    store: Store,
    session_id: str,
    analyses: AnalysisCache,
    known: ReferenceEmbeddings,
    name: str,
    photos: Sequence[LoadedImage],
    threshold: float | None,
) -> Character:
    """Add a character to a session; nothing is written when a photo is refused."""
    # 1. check inputs and embed each photo
    character = Character.from_photos(
        name, photos, faces_of=lambda image: analyses.get(image).faces, threshold=threshold
    )

    # 2. store the photos, before the row that names them
    refs = tuple(ReferenceImage(store.blobs.put(photo.pixels), photo.name) for photo in photos)

    # 3. the row (InputError when the name is taken)
    store.run(lambda tx: tx.add_character(session_id, character.name, refs, character.threshold))
    for ref, embedding in zip(refs, character.embeddings, strict=True):
        known.put(ref.digest, embedding)
    return character


def load_characters(
    store: Store,
    records: Sequence[CharacterRecord],
    analyses: AnalysisCache,
    known: ReferenceEmbeddings,
) -> list[Character]:
    """The characters of stored records, their photos embedded through `analyses`."""

    def embedding(record: CharacterRecord, ref: ReferenceImage) -> Embedding:
        found = known.get(ref.digest)
        if found is None:
            pixels = store.blobs.get(ref.digest)
            photo = LoadedImage(pixels=pixels, format="PNG", name=ref.name)
            found = reference_embedding(record.name, photo, analyses.get(pixels).faces)
            known.put(ref.digest, found)
        return found

    return [
        Character(
            record.name,
            tuple(embedding(record, ref) for ref in record.references),
            record.threshold,
        )
        for record in records
    ]


def stored_scores(version: Version, characters: Sequence[Character]) -> dict[str, float | None]:
    """The scores a version recorded, when they were made for exactly these characters."""
    recorded = version.scores.identity
    if recorded is None or set(recorded) != {c.name for c in characters}:
        return {}
    return dict(recorded)


def lineage(versions: Sequence[Version], head_id: str) -> list[Version]:
    """The versions from the root to `head_id`, following parents."""
    by_id = {v.id: v for v in versions}
    line: list[Version] = []
    current: str | None = head_id
    while current is not None and current in by_id:
        line.append(by_id[current])
        current = by_id[current].parent_id
    return line[::-1]


def identity_curve(
    characters: Sequence[Character],
    line: Sequence[Version],
    image_of: Callable[[Version], Image],
    analyses: AnalysisCache,
    *,
    only: Sequence[Character] | None = None,
) -> str:
    """One line per character of `only` (default: all): its score at each version of `line`.

    E.g. "Ana: v1 1.00  v2 0.94  v3 0.41 (below 0.45)  v4 absent (lost)". Versions are
    scored against all `characters`, as turns score them. "" when there are no characters.
    """
    shown = list(characters if only is None else only)
    if not shown:
        return ""
    per_version: list[Scores] = []
    for version in line:
        scores: Scores = stored_scores(version, characters)
        if len(scores) != len(characters):
            scores = identity_scores(characters, analyses.get(image_of(version)).faces)
        per_version.append(scores)
    return "\n".join(_curve_line(character, line, per_version) for character in shown)


def _curve_line(character: Character, line: Sequence[Version], scores: Sequence[Scores]) -> str:
    cells: list[str] = []
    previous: float | None = None
    for version, at in zip(line, scores, strict=True):
        score = at.get(character.name)
        if score is None:
            lost = previous is not None and previous >= character.threshold
            cells.append(f"{version.label} absent" + (" (lost)" if lost else ""))
        else:
            below = f" (below {character.threshold:.2f})" if score < character.threshold else ""
            cells.append(f"{version.label} {score:.2f}{below}")
        previous = score
    return f"{character.name}: " + "  ".join(cells)
