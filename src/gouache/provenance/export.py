"""One export of a version: the bytes a CLI, the API or the UI writes or sends.

Order matters: the watermark changes pixels, so it comes first; then the image is encoded
with its recipe (iTXt or XMP); then the C2PA manifest is signed over those bytes, so the
recipe is covered by the signature's data hash as well as by the recipe hash in the manifest.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from gouache.encode import encode_pixels, quality_of
from gouache.errors import InputError
from gouache.images import load_image
from gouache.provenance import watermark
from gouache.provenance.metadata import (
    EXTENSIONS,
    MEDIA_TYPES,
    Format,
    png_with_recipe,
    xmp_packet,
)

if TYPE_CHECKING:
    import numpy as np
    import numpy.typing as npt

    from gouache.provenance.keys import SigningKeys
    from gouache.sessions.session import Session
    from gouache.sessions.versions import Version

RECORD_SCHEMA = "gouache.provenance/1"


@dataclass(frozen=True)
class ExportedFile:
    """An exported version: its bytes and what they carry."""

    data: bytes
    format: Format
    version: Version
    filename: str  # v3.png, v3.jpg...
    signed: bool
    mark_id: str | None  # the watermark's id (the version id's first 8 hex digits), if marked
    recipe: dict[str, Any]  # the record the file carries

    @property
    def media_type(self) -> str:
        return MEDIA_TYPES[self.format]


def mark_id_of(version: Version) -> str:
    """The 32-bit id a watermark carries for `version`: its id's first 8 hex digits."""
    return version.id[:8]


def provenance_record(session: Session, version: Version, mark_id: str | None) -> dict[str, Any]:
    """What the file carries: the version's recipe, its session, and the mark's id."""
    return {
        "schema": RECORD_SCHEMA,
        "session": {"id": session.id, "name": session.name},
        "version": version.label,
        "mark_id": mark_id,
        "recipe": version.recipe(),
    }


def export_version(
    session: Session,
    ref: str = "head",
    *,
    fmt: Format = "png",
    sign: bool = False,
    keys: SigningKeys | None = None,
    watermark_mark: bool | None = None,
    recipe: bool = True,
    quality: int | None = None,
) -> ExportedFile:
    """Export version `ref` of `session` as `fmt` bytes.

    `sign` embeds a C2PA manifest signed with `keys` (see gouache.provenance.keys.load);
    `watermark_mark` (default: the same as `sign`) embeds the invisible mark, which needs an
    image of at least 128 pixels a side; `recipe` puts the recipe in the file. A PNG with no
    mark is the stored pixels, unchanged; JPEG and WebP are at `quality` (the defaults of
    gouache.encode unless given).
    """
    if sign and keys is None:
        raise InputError("signing needs a signing identity: run `gouache keys init-signing`")
    quality = quality_of(fmt, quality)
    version = session.resolve(ref)
    marked = sign if watermark_mark is None else watermark_mark
    mark_id = mark_id_of(version) if marked else None
    record = provenance_record(session, version, mark_id)
    stored = session.store.blobs.get_bytes(version.blob)
    if mark_id is not None:
        try:
            pixels = watermark.embed(session.image(version.id), mark_id)
        except watermark.WatermarkError as err:
            raise InputError(f"{version.label} cannot carry the watermark: {err}") from None
        data = _encoded(pixels, fmt, record if recipe else None, quality)
        # checked on the file itself: a low JPEG/WebP quality can wipe the mark out
        if watermark.extract(load_image(data).pixels, search=False).mark_id != mark_id:
            raise InputError(
                f"{version.label} cannot carry the watermark at {fmt} quality {quality}: it "
                "does not read back from the file; raise the quality or export without it"
            )
    elif fmt == "png":
        data = png_with_recipe(stored, record) if recipe else stored
    else:
        data = _encoded(session.image(version.id), fmt, record if recipe else None, quality)
    filename = f"{version.label}{EXTENSIONS[fmt]}"
    if sign:
        assert keys is not None
        from gouache.provenance.manifest import Signer, sign_lineage
        from gouache.provenance.originals import source_of

        with session.store.read() as tx:
            by_id = {v.id: v for v in tx.versions(session.id)}
        data = sign_lineage(
            Signer(keys),
            version,
            data,
            fmt,
            session_name=session.name,
            title=filename,
            lookup=by_id.__getitem__,
            blob=session.store.blobs.get_bytes,
            record=lambda v: provenance_record(session, v, None),
            source=lambda v: source_of(session.store.blobs, v),
        )
    return ExportedFile(data, fmt, version, filename, sign, mark_id, record)


def _encoded(
    pixels: npt.NDArray[np.uint8], fmt: Format, record: dict[str, Any] | None, quality: int
) -> bytes:
    """`pixels` encoded by gouache.encode, carrying `record`: an iTXt chunk spliced into a PNG,
    an XMP packet in JPEG and WebP."""
    if fmt == "png":
        png = encode_pixels(pixels, "PNG").data
        return png_with_recipe(png, record) if record is not None else png
    xmp = xmp_packet(record) if record is not None else None
    return encode_pixels(pixels, fmt, quality, xmp=xmp).data
