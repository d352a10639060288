"""Gemini's wire format: `POST /v1beta/models/{model}:generateContent` and
`:streamGenerateContent?alt=sse` (and under /v1/), as google-genai sends them.

A chat resends its whole history every turn. The images gouache returned are its versions'
PNG bytes, so the sha256 of the newest model image in the history is a blob digest: it names
the version (and session) the conversation is at, and the new turn continues from there, on
the same branch. Without one, the first image of the last message starts a session, and text
alone asks the backend to draw one. The reply carries the image, the text reply and the
version id (in the text, in `responseId` and in the X-Gouache-Version header).
"""

from __future__ import annotations

import base64
import hashlib
import json
from collections.abc import AsyncIterator
from dataclasses import dataclass
from typing import Any

import anyio
from fastapi import APIRouter, Depends, Request, Response
from fastapi.responses import JSONResponse, StreamingResponse

from gouache.errors import InputError
from gouache.images import LoadedImage
from gouache.server import jobs
from gouache.server.auth import Tenant, authenticate, state_of
from gouache.server.errors import from_job_error
from gouache.server.state import ServerState
from gouache.server.submit import check_references, store_images, submit, wait
from gouache.server.uploads import decode_base64, load_upload
from gouache.sessions.session import Session

router = APIRouter(dependencies=[Depends(authenticate)])


@dataclass(frozen=True)
class _Message:
    role: str
    text: str
    images: list[bytes]


def _messages(body: Any) -> list[_Message]:
    if not isinstance(body, dict) or not isinstance(body.get("contents"), list):
        raise InputError("a generateContent body has `contents`: a list of {role, parts}")
    found: list[_Message] = []
    for n, content in enumerate(body["contents"]):
        if isinstance(content, str):  # the REST API takes a bare string as one user part
            found.append(_Message("user", content, []))
            continue
        if not isinstance(content, dict) or not isinstance(content.get("parts"), list):
            raise InputError(f"contents[{n}] needs `parts`, a list")
        texts, images = [], []
        for m, part in enumerate(content["parts"]):
            if not isinstance(part, dict):
                raise InputError(f"contents[{n}].parts[{m}] is not an object")
            if isinstance(part.get("text"), str) and not part.get("thought"):
                texts.append(part["text"])
            inline = part.get("inlineData") or part.get("inline_data")
            if isinstance(inline, dict):
                data = inline.get("data")
                if not isinstance(data, str):
                    raise InputError(f"contents[{n}].parts[{m}].inlineData needs base64 `data`")
                images.append(decode_base64(data, f"contents[{n}].parts[{m}]"))
            if part.get("fileData") or part.get("file_data"):
                raise InputError(
                    f"contents[{n}].parts[{m}]: the server does not fetch files by URI; "
                    "send the image inline"
                )
        found.append(_Message(str(content.get("role") or "user"), "\n".join(texts), images))
    if not found or found[-1].role != "user":
        raise InputError("the last of `contents` must be the user's message")
    return found


def _prepare(state: ServerState, tenant: str, model: str, body: Any) -> jobs.Job:
    # 1. read the conversation; the backend must exist before anything is stored
    messages = _messages(body)
    last = messages[-1]
    state.pool.get(model)
    config = body.get("generationConfig") or body.get("generation_config") or {}
    seed = config.get("seed") if isinstance(config, dict) else None
    n = int(config.get("candidateCount") or 1) if isinstance(config, dict) else 1

    # 2. where the conversation is: the newest image gouache returned, or one the user resent
    at = None
    with state.store.read() as tx:
        for message in reversed(messages):
            for data in reversed(message.images):
                versions = tx.versions_with_blob(hashlib.sha256(data).hexdigest(), owner=tenant)
                if versions:
                    at = versions[0]
                    break
            if at is not None:
                break
    new_images = list(last.images)
    if at is not None and new_images and hashlib.sha256(new_images[0]).hexdigest() == at.blob:
        new_images = new_images[1:]  # the user resent the picture itself: not a reference
    loaded = [
        load_upload(data, f"image {i + 1}", state.settings.max_pixels)
        for i, data in enumerate(new_images)
    ]
    prompt = last.text.strip()

    # 3. a turn at that version, a new session from the first image, or a drawing from text
    if at is None and not loaded:
        if not prompt:
            raise InputError("the message has neither text nor an image")
        request = {"prompt": prompt, "model": model, "seed": seed, "name": None}
        return submit(state, tenant, "start_text", request, None)
    if at is None:
        base, loaded = loaded[0], loaded[1:]
        session = _start(state, tenant, base, prompt)
        at_id = session.head.id
        session_id = session.id
    else:
        at_id, session_id = at.id, at.session_id
    if not prompt:
        raise InputError("say what to change, e.g. 'make it a bit brighter'")
    check_references(state, len(loaded), model)
    request = {
        "session_id": session_id,
        "instruction": prompt,
        "at": at_id,
        "references": store_images(state, loaded),
        "model": model,
        "seed": seed,
        "n": max(1, min(n, 4)),
    }
    return submit(state, tenant, "turn", request, session_id)


def _start(state: ServerState, tenant: str, image: LoadedImage, prompt: str) -> Session:
    words = " ".join(prompt.split()[:6])[:60]
    return Session.start(state.store, image, name=words or None, owner=tenant)


def _reply(state: ServerState, job: jobs.Job, model: str) -> dict[str, Any]:
    """One candidate per version the turn made (candidateCount), or the text reply alone."""
    result = job.result or {}
    reply = str(result.get("reply") or "")
    versions: list[dict[str, Any] | None] = list(result.get("versions") or [None])
    candidates = []
    for index, version in enumerate(versions):
        parts: list[dict[str, Any]] = []
        text = reply
        if version is not None:
            where = f"{version['label']} · version {version['id']} · session {result['session_id']}"
            text = f"{text}\n\n[gouache {where}]"
        parts.append({"text": text.strip()})
        if version is not None:
            data = state.store.blobs.get_bytes(version["blob"])
            inline = {"mimeType": "image/png", "data": base64.b64encode(data).decode()}
            parts.append({"inlineData": inline})
        content = {"role": "model", "parts": parts}
        candidates.append({"content": content, "finishReason": "STOP", "index": index})
    first = versions[0]
    return {
        "candidates": candidates,
        "modelVersion": model,
        "responseId": first["id"] if first is not None else job.id,
        "usageMetadata": {"promptTokenCount": 0, "candidatesTokenCount": 0, "totalTokenCount": 0},
    }


def _headers(job: jobs.Job) -> dict[str, str]:
    version = (job.result or {}).get("version")
    headers = {"X-Gouache-Job": job.id}
    if version is not None:
        headers["X-Gouache-Version"] = version["id"]
        headers["X-Gouache-Session"] = (job.result or {})["session_id"]
    return headers


async def _body(request: Request) -> Any:
    raw = await request.body()
    try:
        return json.loads(raw)
    except (UnicodeDecodeError, json.JSONDecodeError) as err:
        raise InputError(f"the body is not valid JSON ({err})") from None


async def generate_content(model: str, request: Request, tenant: Tenant) -> Response:
    """Gemini's generateContent: one turn, answered when it is done."""
    state = state_of(request)
    body = await _body(request)
    job = await anyio.to_thread.run_sync(_prepare, state, tenant, model, body)
    done = await wait(state, job.id)
    if done.status != "done":
        return from_job_error(done.error or jobs.error_json(InputError(done.status)))
    reply = await anyio.to_thread.run_sync(_reply, state, done, model)
    return JSONResponse(reply, headers=_headers(done))


async def stream_generate_content(model: str, request: Request, tenant: Tenant) -> Response:
    """streamGenerateContent?alt=sse: the same turn as Server-Sent Events, one chunk at the
    end (gouache has no partial image to send). A client that goes away does not stop it."""
    state = state_of(request)
    body = await _body(request)
    job = await anyio.to_thread.run_sync(_prepare, state, tenant, model, body)

    async def chunks() -> AsyncIterator[str]:
        done = await wait(state, job.id)
        if done.status != "done":
            error = done.error or jobs.error_json(InputError(done.status))
            yield f"data: {json.dumps({'error': {**error, 'status': done.status.upper()}})}\r\n\r\n"
            return
        reply = await anyio.to_thread.run_sync(_reply, state, done, model)
        yield f"data: {json.dumps(reply)}\r\n\r\n"

    return StreamingResponse(
        chunks(), media_type="text/event-stream", headers={"X-Gouache-Job": job.id}
    )


def gemini_model(row: dict[str, Any]) -> dict[str, Any]:
    """A backend of `GET /api/backends` as Gemini's Model resource."""
    state = "available" if row["available"] else f"not available here: {row['why']}"
    return {
        "name": f"models/{row['model']}",
        "baseModelId": row["model"],
        "version": "gouache",
        "displayName": row["model"],
        "description": f"{row.get('summary', '')} ({state})".strip(),
        "supportedGenerationMethods": ["generateContent", "streamGenerateContent"],
    }


@router.get("/v1beta/models", name="gemini_list_models")
def list_models(request: Request, tenant: Tenant) -> dict[str, Any]:
    """Every backend and profile, as Gemini's models.list answers."""
    return {"models": [gemini_model(row) for row in state_of(request).pool.listing()]}


@router.get("/v1beta/models/{model}", name="gemini_get_model")
def get_model(model: str, request: Request, tenant: Tenant) -> dict[str, Any]:
    pool = state_of(request).pool
    wanted = pool.canonical(model)
    for row in pool.listing():
        if pool.canonical(row["model"]) == wanted:
            return gemini_model(row)
    backend = pool.get(model)  # a third-party backend, or the 404 that lists the known names
    row = {"model": model, "available": True, "why": "ready", "summary": backend.name}
    return gemini_model(row)


for _version in ("v1beta", "v1"):
    router.add_api_route(
        f"/{_version}/models/{{model}}:generateContent",
        generate_content,
        methods=["POST"],
        name=f"gemini_generate_content_{_version}",
    )
    router.add_api_route(
        f"/{_version}/models/{{model}}:streamGenerateContent",
        stream_generate_content,
        methods=["POST"],
        name=f"gemini_stream_generate_content_{_version}",
    )
