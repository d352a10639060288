"""Routes of the native API that the web UI asked for: thumbnails, downloads in PNG, JPEG or
WebP, a difference heat map and the changed region, a session from another session's version,
renaming a branch. Plain JSON and images like the rest of /api, usable by any client."""

from __future__ import annotations

from typing import Annotated, Any, Literal

from fastapi import APIRouter, Depends, Query, Response
from pydantic import BaseModel, Field

from gouache.encode import encode_pixels
from gouache.images import Image
from gouache.server.auth import State, Tenant, authenticate
from gouache.server.native import RenameIn, cache_control, owned, session_json
from gouache.sessions.session import Session

router = APIRouter(prefix="/api", dependencies=[Depends(authenticate)])

# A pixel counts as changed when a channel moved by more than this (of 255): PNG is lossless,
# so anything above zero is a real change; 2 ignores rounding of a near-identity grade.
CHANGED_ABOVE = 2
# Thumbnails are small and many: a lower WebP quality than a saved file's default.
THUMBNAIL_QUALITY = 80
FORMATS = {"png": "image/png", "jpeg": "image/jpeg", "webp": "image/webp"}


class FromVersionIn(BaseModel):
    session_id: str
    ref: str = Field("head", description="a version of that session (v3, a branch, head)")
    name: str | None = None


@router.get(
    "/sessions/{session_id}/versions/{ref}/thumbnail",
    response_class=Response,
    responses={200: {"content": {"image/webp": {}}}},
)
def thumbnail(
    session_id: str,
    ref: str,
    state: State,
    tenant: Tenant,
    size: Annotated[int, Query(ge=16, le=512)] = 160,
) -> Response:
    """The version at most `size` pixels on its longer side, as WebP (alpha kept)."""
    import cv2
    import numpy as np

    session = owned(state, tenant, session_id)
    version = session.resolve(ref)
    image = session.image(version.id)
    height, width = image.shape[:2]
    scale = min(1.0, size / max(height, width))
    if scale < 1.0:
        shape = (max(1, round(width * scale)), max(1, round(height * scale)))
        image = np.asarray(cv2.resize(image, shape, interpolation=cv2.INTER_AREA), dtype=np.uint8)
    return Response(
        encode_pixels(image, "WEBP", quality=THUMBNAIL_QUALITY).data,
        media_type="image/webp",
        headers={"Cache-Control": cache_control(ref, version)},
    )


@router.get(
    "/sessions/{session_id}/versions/{ref}/download",
    response_class=Response,
    responses={200: {"content": {media: {} for media in FORMATS.values()}}},
)
def download(
    session_id: str,
    ref: str,
    state: State,
    tenant: Tenant,
    format: Literal["png", "jpeg", "webp"] = "png",
    quality: Annotated[int | None, Query(ge=1, le=100)] = None,
    sign: bool = False,
    watermark: bool | None = None,
) -> Response:
    """The version as a file to save, with its recipe inside (a PNG iTXt chunk, XMP in JPEG
    and WebP). PNG keeps the stored lossless pixels; JPEG (alpha flattened on white) and WebP
    are at `quality` (JPEG 92, WebP 90 unless given; WebP 100 is lossless). `sign` adds a C2PA
    manifest with the version's whole lineage, signed with the server's identity (`gouache keys
    init-signing` on the server), and the invisible watermark unless `watermark=false`."""
    from gouache.provenance import export_version
    from gouache.provenance.keys import load, signing_dir

    session = owned(state, tenant, session_id)
    keys = load(signing_dir(state.settings)) if sign else None
    exported = export_version(
        session, ref, fmt=format, sign=sign, keys=keys, watermark_mark=watermark, quality=quality
    )
    name = f"{session.resolve(ref).label}.{'jpg' if format == 'jpeg' else format}"
    return Response(
        exported.data,
        media_type=FORMATS[format],
        headers={"Content-Disposition": f'attachment; filename="{name}"'},
    )


def _pair(session: Session, a: str, b: str) -> tuple[Image, Image]:
    """The two versions' RGB pixels, b brought to a's size when they differ."""
    import cv2
    import numpy as np

    first, second = session.image(a)[..., :3], session.image(b)[..., :3]
    if first.shape != second.shape:
        size = (int(first.shape[1]), int(first.shape[0]))
        second = np.asarray(cv2.resize(second, size, interpolation=cv2.INTER_AREA), np.uint8)
    return first, second


@router.get(
    "/sessions/{session_id}/heatmap",
    response_class=Response,
    responses={200: {"content": {"image/png": {}}}},
)
def heatmap(session_id: str, a: str, b: str, state: State, tenant: Tenant) -> Response:
    """Where a and b differ, as a picture: the largest channel difference per pixel through
    the inferno colour map (black: the same; yellow: 255 apart). A b of another size is
    resized to a's first; the diff's notes say so."""
    import cv2
    import numpy as np

    first, second = _pair(owned(state, tenant, session_id), a, b)
    delta = np.abs(first.astype(np.int16) - second.astype(np.int16)).max(axis=2)
    coloured = cv2.applyColorMap(delta.astype(np.uint8), cv2.COLORMAP_INFERNO)
    rgb = np.ascontiguousarray(coloured[..., ::-1])
    return Response(encode_pixels(rgb, "PNG").data, media_type="image/png")


@router.get("/sessions/{session_id}/changed-region")
def changed_region(session_id: str, a: str, b: str, state: State, tenant: Tenant) -> dict[str, Any]:
    """The box around every pixel that changed from a to b (None: none did), in b's pixels."""
    import numpy as np

    session = owned(state, tenant, session_id)
    first, second = _pair(session, a, b)
    changed = np.abs(first.astype(np.int16) - second.astype(np.int16)).max(axis=2) > CHANGED_ABOVE
    height, width = changed.shape
    found = session.resolve(b)
    sx, sy = found.width / width, found.height / height
    if not changed.any():
        box = None
    else:
        rows, cols = np.flatnonzero(changed.any(axis=1)), np.flatnonzero(changed.any(axis=0))
        x0, y0 = int(cols[0]), int(rows[0])
        x1, y1 = int(cols[-1]) + 1, int(rows[-1]) + 1
        box = [round(x0 * sx), round(y0 * sy), round((x1 - x0) * sx), round((y1 - y0) * sy)]
    return {
        "a": session.resolve(a).label,
        "b": found.label,
        "width": found.width,
        "height": found.height,
        "box": box,
        "changed_share": round(float(changed.mean()), 4),
    }


@router.post("/sessions/from-version", status_code=201)
def create_session_from_version(
    body: FromVersionIn, state: State, tenant: Tenant
) -> dict[str, Any]:
    """A new session whose v1 is a version of another session of this tenant."""
    source = owned(state, tenant, body.session_id)
    version = source.resolve(body.ref)
    origin = {"session": source.id, "version": version.label, "blob": version.blob}
    session = Session.start(
        state.store,
        source.image(version.id),
        name=body.name or f"{source.name} {version.label}",
        owner=tenant,
        origin=origin,
        reply=f"started from {version.label} of {source.name!r}",
    )
    return session_json(session)


@router.patch("/sessions/{session_id}/branches/{name:path}")
def rename_branch(
    session_id: str, name: str, body: RenameIn, state: State, tenant: Tenant
) -> dict[str, Any]:
    session = owned(state, tenant, session_id)
    session.rename_branch(name, body.name)
    return session_json(session)
