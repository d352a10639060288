"""A ComfyUI server as a gouache backend: any API-format workflow with `{{placeholders}}`.

Wire format (ComfyUI `server.py`, `execution.py`):

    POST /upload/image   multipart: image (file), overwrite, type, subfolder
                         -> {"name", "subfolder", "type"}
    POST /prompt         {"prompt": graph, "client_id": id}
                         -> 200 {"prompt_id", "number", "node_errors"}
                         -> 400 {"error": {"type", "message", "details", "extra_info"},
                                 "node_errors": {node_id: {"errors": [{"type", "message",
                                 "details", "extra_info"}], "class_type", "dependent_outputs"}}}
    GET  /history/{id}   {} while queued or running, then {id: {"prompt", "outputs":
                         {node_id: {"images": [{"filename", "subfolder", "type"}]}},
                         "status": {"status_str": "success"|"error", "completed",
                         "messages": [[event, data], ...]}}}
    GET  /view?filename=&subfolder=&type=    the image bytes
    POST /interrupt, POST /queue {"delete": [id]}

Progress is reported per poll of `/history` (the `ws:/ws` stream is not used), so the standard
library is enough: the HTTP client is a `Transport`, `UrllibTransport` by default, and tests
inject their own or point the backend at a local server.
"""

from __future__ import annotations

import hashlib
import json
import secrets
import time
import urllib.error
import urllib.parse
import urllib.request
import uuid
from collections.abc import Mapping
from pathlib import Path
from typing import Any, NamedTuple, Protocol

from gouache.backends.base import (
    Capabilities,
    EditRequest,
    GenerateRequest,
    ImageResult,
    JSONValue,
    require,
)
from gouache.backends.comfyui_workflow import Workflow, load_workflow
from gouache.errors import (
    BackendError,
    CancelledError,
    InputError,
    InvalidImageError,
    InvalidReferenceError,
    UnsupportedError,
)
from gouache.images import Image, encode_png, load_image
from gouache.progress import CancelToken, Progress, ProgressCallback

NAME = "comfyui"
# ComfyUI's seed widgets accept up to 2**64 - 1; 2**32 keeps seeds readable in recipes.
_SEED_RANGE = 2**32


class TransportResponse(NamedTuple):
    status: int
    headers: Mapping[str, str]
    body: bytes


class Transport(Protocol):
    """One HTTP request: any status comes back (4xx/5xx too); a network failure raises OSError."""

    def request(
        self, method: str, url: str, body: bytes | None, headers: Mapping[str, str]
    ) -> TransportResponse: ...


class UrllibTransport:
    """The standard library's HTTP client; `timeout` bounds each request."""

    def __init__(self, timeout: float = 60.0) -> None:
        self.timeout = timeout

    def request(
        self, method: str, url: str, body: bytes | None, headers: Mapping[str, str]
    ) -> TransportResponse:
        req = urllib.request.Request(url, data=body, headers=dict(headers), method=method)
        try:
            with urllib.request.urlopen(req, timeout=self.timeout) as resp:
                return TransportResponse(resp.status, dict(resp.headers.items()), resp.read())
        except urllib.error.HTTPError as err:
            with err:
                return TransportResponse(err.code, dict(err.headers.items()), err.read())


class ComfyUIBackend:
    """Runs a ComfyUI workflow per call; the workflow decides the model, gouache the values."""

    # It takes the instruction as its prompt; no operator plan.
    operators: None = None

    name = NAME

    def __init__(
        self,
        workflow: str | Path | Mapping[str, Any],
        *,
        base_url: str = "http://127.0.0.1:8188",
        timeout: float = 600.0,
        poll_interval: float = 0.5,
        transport: Transport | None = None,
        generate_workflow: str | Path | Mapping[str, Any] | None = None,
    ) -> None:
        if timeout <= 0 or poll_interval <= 0:
            raise InputError("ComfyUI timeout and poll_interval must be positive")
        self.workflow = load_workflow(workflow)
        self.generate_workflow = (
            load_workflow(generate_workflow) if generate_workflow is not None else None
        )
        if self.generate_workflow is not None and "image" in self.generate_workflow.placeholders:
            raise InputError(
                f"generate_workflow {self.generate_workflow.name} has an {{{{image}}}} "
                "placeholder; a text-to-image workflow takes no input image"
            )
        self.base_url = base_url.rstrip("/")
        self.timeout = timeout
        self.poll_interval = poll_interval
        self.transport: Transport = transport or UrllibTransport(timeout=min(timeout, 60.0))
        self.client_id = uuid.uuid4().hex

        can_edit = "image" in self.workflow.placeholders
        edit_flow = self.workflow if can_edit else None
        self.capabilities = Capabilities(
            generate=self.generate_workflow is not None or not can_edit,
            edit=can_edit,
            max_references=edit_flow.reference_count if edit_flow else 0,
            masks=edit_flow is not None and "mask" in edit_flow.placeholders,
            preserves_unedited=False,
        )

    def config(self) -> dict[str, JSONValue]:
        config: dict[str, JSONValue] = {
            "base_url": self.base_url,
            "workflow": self.workflow.name,
            "workflow_sha256": self.workflow.sha256,
            "timeout": self.timeout,
        }
        if self.generate_workflow is not None:
            config["generate_workflow"] = self.generate_workflow.name
            config["generate_workflow_sha256"] = self.generate_workflow.sha256
        return config

    # -- the two entry points ----------------------------------------------------------------

    def generate(
        self,
        request: GenerateRequest,
        *,
        progress: ProgressCallback | None = None,
        cancel: CancelToken | None = None,
    ) -> ImageResult:
        require(self, "generate")
        workflow = self.generate_workflow or self.workflow
        # 1. check inputs
        images = self._reference_images(workflow, request.references)
        values = _common_values(request, workflow)
        # 2.-7. upload, fill, queue, poll, fetch, decode
        return self._run(workflow, values, images, progress, cancel)

    def edit(
        self,
        request: EditRequest,
        *,
        progress: ProgressCallback | None = None,
        cancel: CancelToken | None = None,
    ) -> ImageResult:
        require(self, "edit")
        workflow = self.workflow
        # 1. check inputs: a mask the workflow cannot take is refused, not dropped
        if request.mask_image is not None and "mask" not in workflow.placeholders:
            raise UnsupportedError(
                f"ComfyUI workflow {workflow.name} has no {{{{mask}}}} placeholder; "
                "it cannot take a mask",
                backend=NAME,
            )
        images: dict[str, Image] = {"image": request.image}
        if request.mask_image is not None:
            images["mask"] = request.mask_image
        images.update(self._reference_images(workflow, request.references))
        values = _common_values(request, workflow)
        # An edit keeps the input's size unless the request says otherwise.
        values.setdefault("height", int(request.image.shape[0]))
        values.setdefault("width", int(request.image.shape[1]))
        if request.strength is not None:
            values["strength"] = float(request.strength)
        return self._run(workflow, values, images, progress, cancel)

    # -- the recipe --------------------------------------------------------------------------

    def _run(
        self,
        workflow: Workflow,
        values: dict[str, Any],
        images: Mapping[str, Image],
        progress: ProgressCallback | None,
        cancel: CancelToken | None,
    ) -> ImageResult:
        notes = [
            f"the workflow has no {{{{{name}}}}}; the requested {name} was not used"
            for name in sorted(values)
            if name not in workflow.placeholders and name not in ("width", "height", "seed")
        ]
        seed = values.get("seed")
        if "seed" in workflow.placeholders and seed is None:
            seed = secrets.randbelow(_SEED_RANGE)
            values["seed"] = seed
        elif "seed" not in workflow.placeholders:
            if seed is not None:
                notes.append(f"the workflow has no {{{{seed}}}}; seed {seed} was not used")
            seed = None

        # 1. check that every placeholder can be filled, before anything is uploaded
        probe = dict(values)
        probe.update({name: "<upload>" for name in images})
        workflow.fill(probe)
        if cancel is not None:
            cancel.raise_if_cancelled()
        # 2. upload the input images
        for name, image in images.items():
            values[name] = self._upload(image)
        # 3. fill the graph
        graph = workflow.fill(values)
        # 4. queue it
        prompt_id, queue_notes = self._queue(graph)
        notes.extend(queue_notes)
        # 5. poll the history until it completes or fails
        entry = self._wait(prompt_id, progress, cancel)
        # 6. fetch the first output image
        ref = _first_image(entry, workflow.name)
        data = self._view(ref)
        # 7. decode
        try:
            image = load_image(data, name=ref.get("filename", "comfyui output")).pixels
        except InvalidImageError as err:
            raise BackendError(
                f"ComfyUI returned an unreadable image: {err.message}", backend=NAME
            ) from err
        if progress is not None:
            progress(Progress(1, 1, "done"))
        params: dict[str, JSONValue] = {
            key: value for key, value in values.items() if key not in images
        }
        params.update(
            workflow=workflow.name,
            workflow_sha256=workflow.sha256,
            prompt_id=prompt_id,
        )
        return ImageResult(image=image, seed=seed, params=params, notes=tuple(notes))

    def _reference_images(
        self, workflow: Workflow, references: tuple[Image, ...]
    ) -> dict[str, Image]:
        limit = workflow.reference_count
        if len(references) > limit:
            raise InvalidReferenceError(
                f"ComfyUI workflow {workflow.name} takes {limit} reference image(s); "
                f"{len(references)} were given"
            )
        return {f"reference_{i}": ref for i, ref in enumerate(references, start=1)}

    # -- HTTP --------------------------------------------------------------------------------

    def _call(
        self,
        method: str,
        path: str,
        body: bytes | None = None,
        headers: Mapping[str, str] | None = None,
    ) -> TransportResponse:
        url = self.base_url + path
        try:
            return self.transport.request(method, url, body, headers or {})
        except TimeoutError as err:
            raise BackendError(
                f"ComfyUI at {self.base_url} did not answer {method} {path.split('?')[0]} in time",
                backend=NAME,
            ) from err
        except OSError as err:
            reason = getattr(err, "reason", None) or err
            if isinstance(reason, TimeoutError):
                raise BackendError(
                    f"ComfyUI at {self.base_url} did not answer {method} "
                    f"{path.split('?')[0]} in time",
                    backend=NAME,
                ) from err
            raise BackendError(
                f"cannot reach ComfyUI at {self.base_url} ({reason}); is it running?",
                backend=NAME,
            ) from err

    def _json(self, method: str, path: str, payload: Any | None = None) -> tuple[int, Any]:
        body = json.dumps(payload).encode("utf-8") if payload is not None else None
        headers = {"Content-Type": "application/json"} if body is not None else {}
        resp = self._call(method, path, body, headers)
        try:
            data = json.loads(resp.body) if resp.body else None
        except (json.JSONDecodeError, UnicodeDecodeError):
            data = None
        if resp.status >= 400 and not isinstance(data, dict):
            raise _http_error(method, path, resp)
        return resp.status, data

    def _upload(self, image: Image) -> str:
        png = encode_png(image)
        filename = f"gouache-{hashlib.sha256(png).hexdigest()[:16]}.png"
        boundary = uuid.uuid4().hex
        body = _multipart(
            boundary,
            fields={"overwrite": "true", "type": "input"},
            file_field="image",
            filename=filename,
            content=png,
        )
        resp = self._call(
            "POST",
            "/upload/image",
            body,
            {"Content-Type": f"multipart/form-data; boundary={boundary}"},
        )
        if resp.status != 200:
            raise _http_error("POST", "/upload/image", resp)
        try:
            answer = json.loads(resp.body)
            name = str(answer["name"])
            subfolder = str(answer.get("subfolder") or "")
        except (json.JSONDecodeError, UnicodeDecodeError, KeyError, TypeError) as err:
            raise BackendError(
                "ComfyUI answered POST /upload/image without a file name", backend=NAME
            ) from err
        # LoadImage takes a path relative to the input folder.
        return f"{subfolder}/{name}" if subfolder else name

    def _queue(self, graph: dict[str, Any]) -> tuple[str, list[str]]:
        status, data = self._json("POST", "/prompt", {"prompt": graph, "client_id": self.client_id})
        node_errors = data.get("node_errors") if isinstance(data, dict) else None
        if status != 200:
            raise BackendError(
                "ComfyUI refused the workflow: " + _describe_refusal(data, graph), backend=NAME
            )
        if not isinstance(data, dict) or not isinstance(data.get("prompt_id"), str):
            raise BackendError("ComfyUI answered POST /prompt without a prompt_id", backend=NAME)
        notes = []
        if isinstance(node_errors, dict) and node_errors:
            notes.append("some workflow outputs were skipped: " + _node_errors(node_errors, graph))
        return data["prompt_id"], notes

    def _wait(
        self, prompt_id: str, progress: ProgressCallback | None, cancel: CancelToken | None
    ) -> dict[str, Any]:
        deadline = time.monotonic() + self.timeout
        quoted = urllib.parse.quote(prompt_id, safe="")
        polls = 0
        while True:
            if cancel is not None and cancel.cancelled:
                self._interrupt(prompt_id)
                raise CancelledError("the turn was cancelled; ComfyUI was interrupted")
            status, data = self._json("GET", f"/history/{quoted}")
            if status != 200:
                raise BackendError(
                    f"ComfyUI answered {status} to GET /history/{prompt_id}", backend=NAME
                )
            entry = data.get(prompt_id) if isinstance(data, dict) else None
            if isinstance(entry, dict):
                _raise_on_failure(entry)
                state = entry.get("status")
                # Versions before the status field only add an entry once done.
                if not isinstance(state, dict) or state.get("completed", True):
                    return entry
            polls += 1
            if progress is not None:
                progress(Progress(polls, 0, f"waiting for ComfyUI ({polls} polls)"))
            if time.monotonic() >= deadline:
                self._interrupt(prompt_id)
                raise BackendError(
                    f"ComfyUI did not finish prompt {prompt_id} within {self.timeout:g} s; "
                    "it was interrupted",
                    backend=NAME,
                )
            time.sleep(self.poll_interval)

    def _interrupt(self, prompt_id: str) -> None:
        """Drop the prompt from the queue if still waiting, and stop it if running."""
        self._json("POST", "/queue", {"delete": [prompt_id]})
        self._json("POST", "/interrupt", {"prompt_id": prompt_id})

    def _view(self, ref: Mapping[str, Any]) -> bytes:
        query = urllib.parse.urlencode(
            {
                "filename": ref.get("filename", ""),
                "subfolder": ref.get("subfolder", ""),
                "type": ref.get("type", "output"),
            }
        )
        resp = self._call("GET", f"/view?{query}")
        if resp.status != 200:
            raise _http_error("GET", "/view", resp)
        return resp.body


def _common_values(request: GenerateRequest | EditRequest, workflow: Workflow) -> dict[str, Any]:
    values: dict[str, Any] = {"prompt": request.prompt}
    if request.negative_prompt is not None:
        values["negative_prompt"] = request.negative_prompt
    elif "negative_prompt" in workflow.placeholders:
        values["negative_prompt"] = ""  # an empty negative prompt is ComfyUI's "none"
    if request.seed is not None:
        values["seed"] = int(request.seed)
    if request.width is not None:
        values["width"] = int(request.width)
    if request.height is not None:
        values["height"] = int(request.height)
    if request.num_inference_steps is not None:
        values["steps"] = int(request.num_inference_steps)
    if request.guidance_scale is not None:
        values["guidance"] = float(request.guidance_scale)
    return values


def _multipart(
    boundary: str, *, fields: Mapping[str, str], file_field: str, filename: str, content: bytes
) -> bytes:
    parts = []
    for key, value in fields.items():
        header = f'--{boundary}\r\nContent-Disposition: form-data; name="{key}"\r\n\r\n'
        parts.append(f"{header}{value}\r\n".encode())
    parts.append(
        (
            f"--{boundary}\r\n"
            f'Content-Disposition: form-data; name="{file_field}"; filename="{filename}"\r\n'
            "Content-Type: image/png\r\n\r\n"
        ).encode()
        + content
        + b"\r\n"
    )
    parts.append(f"--{boundary}--\r\n".encode())
    return b"".join(parts)


def _http_error(method: str, path: str, resp: TransportResponse) -> BackendError:
    text = resp.body[:200].decode("utf-8", "replace").strip()
    return BackendError(
        f"ComfyUI answered {resp.status} to {method} {path.split('?')[0]}"
        + (f": {text}" if text else ""),
        backend=NAME,
    )


def _describe_refusal(data: Any, graph: Mapping[str, Any]) -> str:
    node_errors = data.get("node_errors") if isinstance(data, dict) else None
    if isinstance(node_errors, dict) and node_errors:
        return _node_errors(node_errors, graph)
    error = data.get("error") if isinstance(data, dict) else None
    if isinstance(error, dict):
        message = str(error.get("message") or error.get("type") or "unknown error")
        details = str(error.get("details") or "")
        return f"{message}: {details}" if details else message
    return str(error or "unknown error")


def _node_errors(node_errors: Mapping[str, Any], graph: Mapping[str, Any]) -> str:
    """One clause per error: 'node 7 (CLIPTextEncode): Required input is missing: clip'."""
    clauses = []
    for node_id, info in node_errors.items():
        info = info if isinstance(info, dict) else {}
        class_type = info.get("class_type") or graph.get(node_id, {}).get("class_type", "?")
        errors = info.get("errors") or [{}]
        for error in errors:
            message = str(error.get("message") or "invalid")
            details = str(error.get("details") or "")
            clauses.append(
                f"node {node_id} ({class_type}): {message}" + (f": {details}" if details else "")
            )
    return "; ".join(clauses)


def _raise_on_failure(entry: Mapping[str, Any]) -> None:
    state = entry.get("status")
    if not isinstance(state, dict) or state.get("status_str") != "error":
        return
    for message in state.get("messages") or []:
        if not isinstance(message, list | tuple) or len(message) != 2:
            continue
        event, data = message
        if not isinstance(data, dict):
            continue
        node = f"node {data.get('node_id', '?')} ({data.get('node_type', '?')})"
        if event == "execution_error":
            exc_type = str(data.get("exception_type") or "").rsplit(".", 1)[-1]
            exc = str(data.get("exception_message") or "").strip()
            detail = f"{exc_type}: {exc}" if exc_type and exc else exc or exc_type
            raise BackendError(f"ComfyUI failed in {node}: {detail}", backend=NAME)
        if event == "execution_interrupted":
            raise BackendError(f"ComfyUI was interrupted in {node}", backend=NAME)
    raise BackendError("ComfyUI reported an error but no execution_error message", backend=NAME)


def _first_image(entry: Mapping[str, Any], workflow_name: str) -> Mapping[str, Any]:
    """The first saved image (type "output", as SaveImage writes), else the first preview."""
    outputs = entry.get("outputs")
    found: list[Mapping[str, Any]] = []
    if isinstance(outputs, dict):
        for node_output in outputs.values():
            images = node_output.get("images") if isinstance(node_output, dict) else None
            for ref in images or []:
                if isinstance(ref, dict) and ref.get("filename"):
                    found.append(ref)
    for ref in found:
        if ref.get("type", "output") == "output":
            return ref
    if found:
        return found[0]
    raise BackendError(
        f"ComfyUI workflow {workflow_name} produced no image; does it end in a SaveImage node?",
        backend=NAME,
    )
