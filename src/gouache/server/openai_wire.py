"""OpenAI's images API: `POST /v1/images/generations` (JSON) and `/v1/images/edits`
(multipart: prompt, model, n, size, image or image[]..., mask), answered with `b64_json`.

An edit whose first image is a version gouache returned (same bytes, same sha256) continues
that session at that version; any other image starts a session. More images are references.
"""

from __future__ import annotations

import base64
import hashlib
import time
from typing import Any

import anyio
from fastapi import APIRouter, Depends, Request
from fastapi.responses import JSONResponse
from pydantic import BaseModel, Field
from starlette.datastructures import UploadFile

from gouache.errors import InputError, UnsupportedError
from gouache.images import Image, LoadedImage
from gouache.server import jobs
from gouache.server.auth import State, Tenant, authenticate, state_of
from gouache.server.errors import UnsupportedMediaTypeError, from_job_error
from gouache.server.state import ServerState
from gouache.server.submit import check_references, store_images, submit, wait
from gouache.server.uploads import load_upload
from gouache.sessions.session import Session

router = APIRouter(prefix="/v1", dependencies=[Depends(authenticate)])

MAX_FILES = 20


class GenerationIn(BaseModel):
    prompt: str = Field(min_length=1, max_length=32000)
    model: str | None = None
    n: int = Field(1, ge=1, le=4)
    size: str | None = None
    response_format: str | None = None
    seed: int | None = None
    quality: str | None = None
    user: str | None = None


def _size(size: str | None) -> tuple[int | None, int | None]:
    if size is None or size == "auto":
        return None, None
    width, sep, height = size.partition("x")
    if not sep or not width.isdigit() or not height.isdigit():
        raise InputError(f"size {size!r}: WIDTHxHEIGHT (for example 1024x1024) or auto")
    return int(width), int(height)


def _format(response_format: str | None) -> None:
    if response_format not in (None, "b64_json"):
        raise InputError(
            f"response_format {response_format!r}: gouache answers with b64_json only "
            "(the images stay in the session; GET /api/... serves them)"
        )


def _answer(state: ServerState, done: list[jobs.Job]) -> dict[str, Any]:
    data = []
    for job in done:
        result = job.result or {}
        for version in result.get("versions") or []:
            png = state.store.blobs.get_bytes(version["blob"])
            data.append(
                {
                    "b64_json": base64.b64encode(png).decode(),
                    "revised_prompt": result.get("reply", ""),
                    "gouache_version": version["id"],
                    "gouache_session": result.get("session_id"),
                }
            )
    if not data:
        # the planner replied instead of editing: nothing was made, and the reply says why
        replies = "; ".join(str((j.result or {}).get("reply", "")) for j in done)
        raise UnsupportedError(replies or "nothing was made")
    return {"created": int(time.time()), "data": data, "output_format": "png"}


async def _finish(state: ServerState, submitted: list[jobs.Job]) -> JSONResponse:
    finished = [await wait(state, job.id) for job in submitted]
    for job in finished:
        if job.status != "done":
            return from_job_error(job.error or jobs.error_json(InputError(job.status)))
    body = await anyio.to_thread.run_sync(_answer, state, finished)
    return JSONResponse(body)


@router.get("/models")
def list_models(state: State, tenant: Tenant) -> dict[str, Any]:
    """The backends as OpenAI's model list (`data`) and, since Gemini's v1 API lists models at
    this same path, as Gemini's too (`models`)."""
    from gouache.server.gemini_wire import gemini_model

    rows = state.pool.listing()
    return {
        "object": "list",
        "data": [
            {"id": row["model"], "object": "model", "created": 0, "owned_by": "gouache"}
            for row in rows
        ],
        "models": [gemini_model(row) for row in rows],
    }


@router.post("/images/generations")
async def generations(body: GenerationIn, state: State, tenant: Tenant) -> JSONResponse:
    """Draw `n` new sessions from the prompt, each with its v1."""
    _format(body.response_format)
    width, height = _size(body.size)

    def prepare() -> list[jobs.Job]:
        state.pool.get(body.model)
        return [
            submit(
                state,
                tenant,
                "start_text",
                {
                    "prompt": body.prompt,
                    "model": body.model,
                    "seed": None if body.seed is None else body.seed + i,
                    "width": width,
                    "height": height,
                    "name": None,
                },
                None,
            )
            for i in range(body.n)
        ]

    return await _finish(state, await anyio.to_thread.run_sync(prepare))


def _where_to_edit(mask: LoadedImage) -> Image:
    """OpenAI's mask (transparent where to edit) as gouache's (white where to edit)."""
    import numpy as np

    if mask.pixels.shape[2] != 4:
        raise InputError(
            "mask: a PNG with an alpha channel, fully transparent where to edit "
            "(OpenAI's convention); this one has no alpha"
        )
    edit = mask.pixels[..., 3] < 128
    white: Image = np.repeat((edit * 255).astype(np.uint8)[..., None], 3, axis=2)
    return white


def _field(form: Any, name: str) -> str | None:
    value = form.get(name)
    if value is None or isinstance(value, UploadFile):
        return None
    return str(value)


@router.post(
    "/images/edits",
    openapi_extra={
        "requestBody": {
            "content": {
                "multipart/form-data": {
                    "schema": {
                        "type": "object",
                        "required": ["prompt", "image"],
                        "properties": {
                            "prompt": {"type": "string"},
                            "model": {"type": "string"},
                            "n": {"type": "integer"},
                            "size": {"type": "string"},
                            "image": {"type": "string", "format": "binary"},
                            "image[]": {
                                "type": "array",
                                "items": {"type": "string", "format": "binary"},
                            },
                            "mask": {"type": "string", "format": "binary"},
                        },
                    }
                }
            }
        }
    },
)
async def edits(request: Request, tenant: Tenant) -> JSONResponse:
    """Edit the first image with the prompt; the others are references."""
    state = state_of(request)
    if not request.headers.get("content-type", "").startswith("multipart/form-data"):
        raise UnsupportedMediaTypeError(
            "images/edits takes multipart/form-data (prompt, image or image[], mask)"
        )
    form = await request.form(max_files=MAX_FILES, max_fields=100)
    prompt = (_field(form, "prompt") or "").strip()
    if not prompt:
        raise InputError("prompt: say what to change")
    model = _field(form, "model")
    _format(_field(form, "response_format"))
    n_text = _field(form, "n") or "1"
    if not n_text.isdigit() or not 1 <= int(n_text) <= 4:
        raise InputError(f"n {n_text!r}: 1 to 4")
    uploads = [v for k, v in form.multi_items() if k in ("image", "image[]")]
    files = [u for u in uploads if isinstance(u, UploadFile)]
    if not files:
        raise InputError("image: send the picture to edit as a file (image or image[])")
    contents = [await f.read() for f in files]
    mask = form.get("mask")
    mask_bytes = await mask.read() if isinstance(mask, UploadFile) else None
    names = [f.filename or f"image {i + 1}" for i, f in enumerate(files)]
    size = _size(_field(form, "size"))
    await form.close()

    def prepare() -> jobs.Job:
        state.pool.get(model)
        loaded = [
            load_upload(data, name, state.settings.max_pixels)
            for data, name in zip(contents, names, strict=True)
        ]
        mask = None
        if mask_bytes is not None:
            mask = _where_to_edit(load_upload(mask_bytes, "mask", state.settings.max_pixels))
        base, references = loaded[0], loaded[1:]
        check_references(state, len(references), model)
        if size != (None, None) and size != (base.width, base.height):
            raise UnsupportedError(
                f"size {size[0]}x{size[1]}: an edit keeps the picture's size "
                f"({base.width}x{base.height}); ask for a crop or resize in the prompt"
            )
        digest = hashlib.sha256(contents[0]).hexdigest()
        with state.store.read() as tx:
            known = tx.versions_with_blob(digest, owner=tenant)
        if known:
            session_id, at = known[0].session_id, known[0].id
        else:
            session = Session.start(state.store, base, owner=tenant)
            session_id, at = session.id, session.head.id
        mask_digest = None if mask is None else state.store.blobs.put(mask)
        job_request = {
            "session_id": session_id,
            "instruction": prompt,
            "at": at,
            "references": store_images(state, references),
            "mask": mask_digest,
            "model": model,
            "n": int(n_text),
        }
        return submit(state, tenant, "turn", job_request, session_id)

    return await _finish(state, [await anyio.to_thread.run_sync(prepare)])
