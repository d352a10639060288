"""The native API, /api/...: sessions, versions, turns as jobs, branches, characters, checks,
suggestions, backends. Versions are named as in the CLI (v3, head, main, an id prefix)."""

from __future__ import annotations

import io
import json
import zipfile
from typing import Annotated, Any, Literal

import anyio
from fastapi import APIRouter, Depends, File, Form, Query, Request, Response, UploadFile
from fastapi.responses import StreamingResponse
from pydantic import BaseModel, Field

from gouache.errors import InputError, SessionNotFoundError
from gouache.server import jobs
from gouache.server.auth import State, Tenant, authenticate
from gouache.server.keys import LOCAL_TENANT, may_open
from gouache.server.submit import check_references, store_images, submit
from gouache.server.turns import version_json
from gouache.server.uploads import decode_base64, load_upload
from gouache.sessions.session import Session
from gouache.sessions.versions import Version

router = APIRouter(prefix="/api", dependencies=[Depends(authenticate)])

# A version named by number or id never changes; "head" or a branch may point elsewhere later.
IMMUTABLE = "private, max-age=31536000, immutable"


class ImageIn(BaseModel):
    name: str = Field("image", max_length=200)
    data: str = Field(description="the image file, base64 (a data: URL is fine; a URL is not)")


class GuidelinesIn(BaseModel):
    yaml: str = Field(description="the guideline file's text (see examples/brand.yaml)")
    files: dict[str, str] = Field(
        default_factory=dict, description="files it names (a logo...), name -> base64"
    )


class TurnIn(BaseModel):
    instruction: str = Field(min_length=1, max_length=4000)
    at: str | None = Field(None, description="a version (v3, a branch...); default the head")
    branch: str | None = Field(None, description="name the new branch when `at` is not a tip")
    references: list[ImageIn] = Field(default_factory=list)
    mask: ImageIn | None = None
    model: str | None = Field(None, description="backend or profile (GET /api/backends)")
    seed: int | None = None
    n: int = Field(1, ge=1, le=4, description="candidates, each a version")
    guidelines: GuidelinesIn | None = None
    candidates: int = Field(3, ge=1, le=8)
    budget: int = Field(8, ge=1, le=32)
    seconds: float = Field(120.0, gt=0, le=3600)
    answering: str | None = Field(
        None,
        max_length=4000,
        description='the instruction whose question this turn answers ("the left one")',
    )
    client: Literal["api", "web"] = Field(
        "api",
        description='who shows the reply: "web" (the web UI) names its Backend menu only, '
        '"api" also GET /api/backends',
    )
    conversation: bool = Field(
        True,
        description='read conversation words as `gouache chat` does ("undo that", "redo", '
        '"a bit less", "what did you change?"...): they act on the version tree, and the '
        "result names the `word` and the `head`; false: every instruction is an edit",
    )


class TextSessionIn(BaseModel):
    prompt: str = Field(min_length=1, max_length=4000)
    name: str | None = None
    model: str | None = None
    seed: int | None = None
    width: int | None = Field(None, ge=16, le=8192)
    height: int | None = Field(None, ge=16, le=8192)


class RenameIn(BaseModel):
    name: str


class BranchIn(BaseModel):
    name: str
    at: str | None = None


class CheckoutIn(BaseModel):
    ref: str


class CharacterIn(BaseModel):
    name: str = Field(min_length=1, max_length=64)
    photos: list[ImageIn] = Field(min_length=1, max_length=8)
    threshold: float | None = Field(None, gt=0, lt=1)


class CheckIn(BaseModel):
    guidelines: GuidelinesIn
    source: str | None = Field(None, description="a version to measure preservation against")


# ---------------------------------------------------------------------------------------------
# helpers


def owned(state: State, tenant: str, session_id: str) -> Session:
    """The session by its id, if `tenant` owns it; another tenant's id is a 404 like no id."""
    with state.store.read() as tx:
        record = tx.session(session_id)
    if not may_open(record.owner, tenant):
        raise SessionNotFoundError(session_id)
    return Session(state.store, record)


def session_json(session: Session) -> dict[str, Any]:
    with session.store.read() as tx:
        head = tx.head(session.id)
        branches = tx.branches(session.id)
        count = len(tx.versions(session.id))
    return {
        "id": session.id,
        "name": session.name,
        "created_at": session.record.created_at.isoformat(),
        "updated_at": session.record.updated_at.isoformat(),
        "versions": count,
        "head": version_json(head.version, branches),
        "head_branch": head.branch,
        "branches": {name: tip for name, tip in branches.items()},
    }


def images_in(state: State, items: list[ImageIn], what: str) -> list[Any]:
    limit = state.settings.max_pixels
    return [
        load_upload(decode_base64(item.data, f"{what} {item.name!r}"), item.name, limit)
        for item in items
    ]


def guideline_spec(state: State, spec: GuidelinesIn) -> dict[str, Any]:
    files = {}
    for name, data in spec.files.items():
        if "/" in name or "\\" in name or name.startswith("."):
            raise InputError(f"guideline file name {name!r}: a plain file name, no folders")
        files[name] = state.store.blobs.put(
            load_upload(decode_base64(data, name), name, state.settings.max_pixels).pixels
        )
    return {"yaml": spec.yaml, "files": files}


# ---------------------------------------------------------------------------------------------
# sessions


@router.get("/sessions")
def list_sessions(state: State, tenant: Tenant) -> dict[str, Any]:
    if tenant == LOCAL_TENANT:  # the local user's store: its own sessions and the CLI's
        rows = [r for r in state.store.list_sessions() if may_open(r.owner, tenant)]
    else:
        rows = state.store.list_sessions(owner=tenant)
    return {
        "sessions": [
            {
                "id": r.id,
                "name": r.name,
                "versions": r.versions,
                "head": f"v{r.head_number}" if r.head_number else None,
                "head_branch": r.head_branch,
                "updated_at": r.updated_at.isoformat(),
            }
            for r in rows
        ]
    }


@router.post("/sessions", status_code=201)
def create_session(
    state: State,
    tenant: Tenant,
    image: Annotated[UploadFile, File(description="the picture to start from")],
    name: Annotated[str | None, Form()] = None,
) -> dict[str, Any]:
    """A session whose v1 is the uploaded image."""
    data = image.file.read()
    loaded = load_upload(data, image.filename or "upload", state.settings.max_pixels)
    session = Session.start(state.store, loaded, name=name, owner=tenant)
    return session_json(session)


@router.post("/sessions/from-text", status_code=202)
def create_session_from_text(body: TextSessionIn, state: State, tenant: Tenant) -> dict[str, Any]:
    """A job whose backend draws v1 from the prompt; its result names the new session."""
    state.pool.get(body.model)  # an unknown model is a 404 now, not a failed job later
    job = submit(state, tenant, "start_text", body.model_dump(), None)
    return job.to_json()


@router.get("/sessions/{session_id}")
def get_session(session_id: str, state: State, tenant: Tenant) -> dict[str, Any]:
    return session_json(owned(state, tenant, session_id))


@router.patch("/sessions/{session_id}")
def rename_session(session_id: str, body: RenameIn, state: State, tenant: Tenant) -> dict[str, Any]:
    session = owned(state, tenant, session_id)
    state.store.run(lambda tx: tx.rename_session(session.id, body.name))
    return session_json(owned(state, tenant, session_id))


@router.delete("/sessions/{session_id}", status_code=204)
def delete_session(session_id: str, state: State, tenant: Tenant) -> Response:
    session = owned(state, tenant, session_id)
    state.store.run(lambda tx: tx.delete_session(session.id))
    return Response(status_code=204)


# ---------------------------------------------------------------------------------------------
# versions


@router.get("/sessions/{session_id}/versions")
def version_tree(session_id: str, state: State, tenant: Tenant) -> dict[str, Any]:
    session = owned(state, tenant, session_id)
    branches = session.branches()
    return {
        "versions": [version_json(v, branches) for v in session.versions()],
        "branches": branches,
        "head": session.head.label,
        "head_branch": session.head_branch,
        "tree": session.history(),
    }


@router.get("/sessions/{session_id}/versions/{ref}")
def get_version(session_id: str, ref: str, state: State, tenant: Tenant) -> dict[str, Any]:
    session = owned(state, tenant, session_id)
    return version_json(session.resolve(ref), session.branches())


def _is_fixed(ref: str, version: Version) -> bool:
    key = ref.strip().lower()
    return key in (f"v{version.number}", str(version.number)) or version.id.startswith(key)


def cache_control(ref: str, version: Version) -> str:
    """Immutable when `ref` names the version itself; revalidated for head or a branch."""
    return IMMUTABLE if _is_fixed(ref, version) else "private, no-cache"


@router.get(
    "/sessions/{session_id}/versions/{ref}/image",
    response_class=Response,
    responses={200: {"content": {"image/png": {}}}, 304: {"description": "not modified"}},
)
def version_image(
    session_id: str, ref: str, request: Request, state: State, tenant: Tenant
) -> Response:
    """The version's PNG, byte for byte as stored; its ETag is the blob's sha256."""
    session = owned(state, tenant, session_id)
    version = session.resolve(ref)
    etag = f'"{version.blob}"'
    cache = cache_control(ref, version)
    headers = {"ETag": etag, "Cache-Control": cache, "X-Gouache-Version": version.id}
    wanted = request.headers.get("if-none-match", "")
    if etag in [tag.strip() for tag in wanted.split(",")]:
        return Response(status_code=304, headers=headers)
    data = state.store.blobs.get_bytes(version.blob)
    return Response(data, media_type="image/png", headers=headers)


@router.get("/sessions/{session_id}/versions/{ref}/recipe")
def version_recipe(session_id: str, ref: str, state: State, tenant: Tenant) -> dict[str, Any]:
    return owned(state, tenant, session_id).resolve(ref).recipe()


@router.get("/sessions/{session_id}/diff")
def diff(session_id: str, a: str, b: str, state: State, tenant: Tenant) -> dict[str, Any]:
    found = owned(state, tenant, session_id).diff(a, b)
    return {
        "a": found.a.label,
        "b": found.b.label,
        "recipe_changes": [{"field": c.field, "a": c.a, "b": c.b} for c in found.recipe_changes],
        "size_a": list(found.size_a),
        "size_b": list(found.size_b),
        "mean_abs_diff": found.mean_abs_diff,
        "max_diff": found.max_diff,
        "psnr": None if found.psnr is None or found.psnr == float("inf") else found.psnr,
        "identical": found.psnr == float("inf"),
        "changed_share": found.changed_share,
        "notes": list(found.notes),
        "text": found.describe(),
    }


@router.get(
    "/sessions/{session_id}/versions/{ref}/export",
    response_class=Response,
    responses={200: {"content": {"application/zip": {}}}},
)
def export(session_id: str, ref: str, state: State, tenant: Tenant) -> Response:
    """A zip of vN.png (the stored bytes) and vN.json (the recipe), as `gouache export`."""
    version = owned(state, tenant, session_id).resolve(ref)
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr(f"v{version.number}.png", state.store.blobs.get_bytes(version.blob))
        archive.writestr(f"v{version.number}.json", json.dumps(version.recipe(), indent=2) + "\n")
    name = f"v{version.number}.zip"
    return Response(
        buffer.getvalue(),
        media_type="application/zip",
        headers={"Content-Disposition": f'attachment; filename="{name}"'},
    )


# ---------------------------------------------------------------------------------------------
# turns, branches


@router.post("/sessions/{session_id}/turns", status_code=202)
def turn(session_id: str, body: TurnIn, state: State, tenant: Tenant) -> dict[str, Any]:
    """A job that applies the instruction; follow it at /api/jobs/{id} (or /events)."""
    session = owned(state, tenant, session_id)
    at = session.resolve(body.at).id if body.at is not None else None
    check_references(state, len(body.references), body.model)
    references = store_images(state, images_in(state, body.references, "reference"))
    mask = None
    if body.mask is not None:
        mask = store_images(state, images_in(state, [body.mask], "mask"))[0]["digest"]
    request = body.model_dump(exclude={"references", "mask", "guidelines", "at"})
    request.update(session_id=session.id, at=at, references=references, mask=mask)
    if body.guidelines is not None:
        request["guidelines"] = guideline_spec(state, body.guidelines)
    return submit(state, tenant, "turn", request, session.id).to_json()


@router.post("/sessions/{session_id}/branches")
def branch(session_id: str, body: BranchIn, state: State, tenant: Tenant) -> dict[str, Any]:
    session = owned(state, tenant, session_id)
    session.branch(body.name, body.at)
    return session_json(session)


@router.post("/sessions/{session_id}/checkout")
def checkout(session_id: str, body: CheckoutIn, state: State, tenant: Tenant) -> dict[str, Any]:
    session = owned(state, tenant, session_id)
    session.checkout(body.ref)
    return session_json(session)


@router.post("/sessions/{session_id}/undo")
def undo(session_id: str, state: State, tenant: Tenant) -> dict[str, Any]:
    session = owned(state, tenant, session_id)
    session.undo()
    return session_json(session)


@router.post("/sessions/{session_id}/redo")
def redo(session_id: str, state: State, tenant: Tenant) -> dict[str, Any]:
    session = owned(state, tenant, session_id)
    session.redo()
    return session_json(session)


# ---------------------------------------------------------------------------------------------
# characters, checks, suggestions, backends


@router.get("/sessions/{session_id}/characters")
def characters(session_id: str, state: State, tenant: Tenant) -> dict[str, Any]:
    session = owned(state, tenant, session_id)
    return {"characters": [_character_json(c) for c in session.characters()]}


@router.post("/sessions/{session_id}/characters", status_code=201)
def add_character(
    session_id: str, body: CharacterIn, state: State, tenant: Tenant
) -> dict[str, Any]:
    session = owned(state, tenant, session_id)
    photos = images_in(state, body.photos, "photo")
    return _character_json(session.add_character(body.name, photos, body.threshold))


def _character_json(character: Any) -> dict[str, Any]:
    return {
        "name": character.name,
        "threshold": character.threshold,
        "photos": len(character.embeddings),
    }


@router.post("/sessions/{session_id}/versions/{ref}/check")
def check(session_id: str, ref: str, body: CheckIn, state: State, tenant: Tenant) -> dict[str, Any]:
    """Score a version against a guideline (YAML text and the files it names)."""
    import tempfile
    from pathlib import Path

    from gouache.server.turns import load_guideline

    session = owned(state, tenant, session_id)
    image = session.image(ref)
    source = session.image(body.source) if body.source is not None else None
    spec = guideline_spec(state, body.guidelines)
    with tempfile.TemporaryDirectory(prefix="gouache-guideline-") as folder:
        guideline = load_guideline(state.store, spec, Path(folder))
        evaluation = guideline.evaluate(image, session.analyses, source=source)
    body_json: dict[str, Any] = evaluation.to_json()
    body_json["table"] = evaluation.table()
    return body_json


@router.get("/sessions/{session_id}/versions/{ref}/suggestions")
def suggestions(
    session_id: str, ref: str, state: State, tenant: Tenant, limit: int = 3
) -> dict[str, Any]:
    session = owned(state, tenant, session_id)
    ideas = session.suggestions(ref, limit=max(1, min(limit, 10)))
    return {
        "suggestions": [
            {"instruction": i.instruction, "reason": i.reason, "severity": i.severity}
            for i in ideas
        ]
    }


@router.get("/backends")
def backends(state: State) -> dict[str, Any]:
    return {"backends": state.pool.listing()}


# ---------------------------------------------------------------------------------------------
# jobs


@router.get("/jobs/{job_id}")
async def job(
    job_id: str,
    state: State,
    tenant: Tenant,
    wait: Annotated[float, Query(ge=0, le=60, description="seconds to wait for the end")] = 0,
) -> dict[str, Any]:
    """The job; with `wait`, answered when it ends or after that many seconds (long polling,
    instead of asking again and again)."""
    found = await anyio.to_thread.run_sync(lambda: jobs.get(state.store, job_id, tenant=tenant))
    deadline = anyio.current_time() + wait
    while not found.finished and anyio.current_time() < deadline:
        await anyio.sleep(0.05)
        found = await anyio.to_thread.run_sync(jobs.get, state.store, job_id)
    return found.to_json()


@router.post("/jobs/{job_id}/cancel")
def cancel(job_id: str, state: State, tenant: Tenant) -> dict[str, Any]:
    found = jobs.request_cancel(state.store, job_id, tenant)
    state.runner.cancel(job_id)
    return found.to_json()


@router.get(
    "/jobs/{job_id}/events",
    response_class=StreamingResponse,
    responses={200: {"content": {"text/event-stream": {}}}},
)
async def events(job_id: str, request: Request, state: State, tenant: Tenant) -> StreamingResponse:
    """Server-Sent Events: `progress` (step, total, percent, message, attempt) while it runs,
    then one `done`, `failed` or `cancelled` with the job (its result names the version)."""
    first = await anyio.to_thread.run_sync(lambda: jobs.get(state.store, job_id, tenant=tenant))

    async def stream() -> Any:
        job, last = first, None
        while True:
            if job.progress and job.progress != last:
                last = job.progress
                yield _event("progress", job.progress)
            if job.finished:
                yield _event(job.status, job.to_json())
                return
            if await request.is_disconnected():
                return  # the job goes on; GET /api/jobs/{id} still finds it
            await anyio.sleep(0.1)
            job = await anyio.to_thread.run_sync(jobs.get, state.store, job_id)

    headers = {"Cache-Control": "no-cache", "X-Accel-Buffering": "no"}
    return StreamingResponse(stream(), media_type="text/event-stream", headers=headers)


def _event(name: str, data: dict[str, Any]) -> str:
    return f"event: {name}\ndata: {json.dumps(data)}\n\n"
