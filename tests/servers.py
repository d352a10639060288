"""Local servers that speak the documented wire formats, for the real SDKs to talk to.

`GeminiServer` answers `generateContent` and the Interactions API's `POST /{version}/interactions`
(google-genai); `FakeImagesServer` the OpenAI images API's `/v1/images/generations` and
`/v1/images/edits` (openai); `ChatServer` `POST /v1/chat/completions` (openai, for the LLM
planner); `FakeComfyUI` ComfyUI's `/upload/image`, `/prompt`, `/history`, `/view`, `/interrupt`
and `/queue`. tests/conftest.py serves them as the `gemini_server`, `images_server`,
`chat_server` and `comfyui_server` fixtures. `running` serves any of them in a thread;
`serving_app` runs an ASGI app (gouache's server) under uvicorn the same way.
"""

from __future__ import annotations

import base64
import email.parser
import email.policy
import io
import json
import socket
import threading
import time
import urllib.parse
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from email.parser import BytesParser
from email.policy import HTTP
from http.server import BaseHTTPRequestHandler, HTTPServer, ThreadingHTTPServer
from typing import Any

import numpy as np
from PIL import Image as PILImage

from gouache.images import Image, encode_png

# -- a server in a thread ----------------------------------------------------------------------


def unused_port() -> int:
    """A port on 127.0.0.1 that nothing listens on: bound by the OS, then released."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
    return port


@contextmanager
def running(httpd: HTTPServer, poll_interval: float = 0.02) -> Iterator[str]:
    """Serve `httpd` from a daemon thread; yield its base URL; shut it down afterwards."""
    thread = threading.Thread(
        target=httpd.serve_forever, kwargs={"poll_interval": poll_interval}, daemon=True
    )
    thread.start()
    try:
        yield f"http://127.0.0.1:{httpd.server_address[1]}"
    finally:
        httpd.shutdown()
        httpd.server_close()
        thread.join(5)


@contextmanager
def serving_app(app: Any) -> Iterator[str]:
    """An ASGI app under uvicorn on 127.0.0.1 (port chosen by the OS), in a thread of the test
    process; yields its base URL once it accepts connections."""
    import uvicorn

    server = uvicorn.Server(
        uvicorn.Config(app, host="127.0.0.1", port=0, log_level="warning", lifespan="on")
    )
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 20
    while not server.started:
        if time.monotonic() > deadline or not thread.is_alive():
            raise RuntimeError("the test server did not start")
        time.sleep(0.01)
    port = server.servers[0].sockets[0].getsockname()[1]
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        thread.join(timeout=20)


# The model the Gemini answers name (the default of gouache.backends.models).
GEMINI_MODEL = "gemini-nano-banana-2.1"
PURPLE = (128, 0, 160)


# -- Gemini ------------------------------------------------------------------------------------


@dataclass
class GeminiRequest:
    path: str
    headers: dict[str, str]
    body: dict[str, Any]


@dataclass
class GeminiServer:
    """Answers queued (status, json) pairs in order, repeating the last; records requests."""

    url: str
    answers: list[tuple[int, dict[str, Any]]] = field(default_factory=list)
    requests: list[GeminiRequest] = field(default_factory=list)

    def answer(self, *answers: tuple[int, dict[str, Any]]) -> None:
        self.answers[:] = answers

    def next_answer(self) -> tuple[int, dict[str, Any]]:
        return self.answers.pop(0) if len(self.answers) > 1 else self.answers[0]


def image_answer(image: Image, text: str | None = None) -> dict[str, Any]:
    parts: list[dict[str, Any]] = [{"text": text}] if text is not None else []
    data = base64.b64encode(encode_png(image)).decode("ascii")
    parts.append({"inlineData": {"mimeType": "image/png", "data": data}})
    return {
        "candidates": [
            {"content": {"role": "model", "parts": parts}, "finishReason": "STOP", "index": 0}
        ],
        "usageMetadata": {"promptTokenCount": 12, "candidatesTokenCount": 1290},
        "modelVersion": GEMINI_MODEL,
    }


def interaction_answer(
    image: Image | None, text: str | None = None, status: str = "completed"
) -> dict[str, Any]:
    """An Interaction as `POST /{version}/interactions` returns it (google-genai 3.6.1's
    `Interaction`: the steps, the last a `model_output` holding text and image contents)."""
    content: list[dict[str, Any]] = [{"type": "text", "text": text}] if text is not None else []
    if image is not None:
        data = base64.b64encode(encode_png(image)).decode("ascii")
        content.append({"type": "image", "mime_type": "image/png", "data": data})
    return {
        "id": "v1_interaction-1",
        "status": status,
        "model": GEMINI_MODEL,
        "created": "2026-12-02T08:00:00Z",
        "steps": [
            {"type": "user_input", "content": [{"type": "text", "text": "(the request)"}]},
            {"type": "model_output", "content": content},
        ],
        "usage": {"total_input_tokens": 12, "total_output_tokens": 1290},
    }


def inline(part: dict[str, Any]) -> tuple[str, bytes]:
    """An `inlineData` part as sent: google-genai 3.6 writes `mime_type` (protobuf JSON takes
    either spelling) and URL-safe base64."""
    blob = part["inlineData"]
    return blob.get("mimeType", blob.get("mime_type")), base64.urlsafe_b64decode(blob["data"])


def error_answer(code: int, status: str, message: str) -> tuple[int, dict[str, Any]]:
    return code, {"error": {"code": code, "message": message, "status": status}}


def serve_gemini() -> Iterator[GeminiServer]:
    server_state: GeminiServer

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            length = int(self.headers.get("content-length", 0))
            body = json.loads(self.rfile.read(length) or b"{}")
            headers = {k.lower(): v for k, v in self.headers.items()}
            server_state.requests.append(GeminiRequest(self.path, headers, body))
            status, payload = server_state.next_answer()
            data = json.dumps(payload).encode()
            self.send_response(status)
            self.send_header("content-type", "application/json")
            self.send_header("content-length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

        def log_message(self, format: str, *args: Any) -> None:
            pass

    httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    with running(httpd) as url:
        server_state = GeminiServer(url=url)
        yield server_state


# -- the OpenAI images API ------------------------------------------------------------------


@dataclass
class Part:
    name: str
    filename: str | None
    content_type: str
    data: bytes


@dataclass
class Recorded:
    path: str
    headers: dict[str, str]
    body: bytes
    json: dict[str, Any] | None = None
    parts: list[Part] = field(default_factory=list)

    def field(self, name: str) -> str:
        [part] = [p for p in self.parts if p.name == name]
        return part.data.decode()


def parse_multipart(content_type: str, body: bytes) -> list[Part]:
    head = f"Content-Type: {content_type}\r\n\r\n".encode()
    message = email.parser.BytesParser(policy=email.policy.HTTP).parsebytes(head + body)
    assert message.is_multipart()
    parts = []
    for part in message.iter_parts():
        payload = part.get_payload(decode=True)
        parts.append(
            Part(
                name=str(part.get_param("name", header="content-disposition")),
                filename=part.get_filename(),
                content_type=part.get_content_type(),
                data=payload if isinstance(payload, bytes) else b"",
            )
        )
    return parts


def png_bytes(image: Image) -> bytes:
    out = io.BytesIO()
    PILImage.fromarray(image).save(out, format="PNG")
    return out.getvalue()


def decode(data: bytes) -> Image:
    return np.asarray(PILImage.open(io.BytesIO(data)))


def drawn(size: str, first_image: bytes | None) -> Image:
    """What the fake model draws: the first input resized to `size`, top third purple."""
    width, height = (1024, 1024) if size == "auto" else map(int, size.split("x"))
    if first_image is not None:
        source = PILImage.open(io.BytesIO(first_image)).convert("RGB")
        image = np.array(source.resize((width, height), PILImage.Resampling.BILINEAR))
    else:
        y, x = np.mgrid[0:height, 0:width]
        image = np.stack([x * 255 // width, y * 255 // height, np.full_like(x, 90)], -1)
        image = image.astype(np.uint8)
    image[: height // 3] = PURPLE
    return image


class FakeImagesServer(ThreadingHTTPServer):
    """Records every request; answers from `answers` (status, body) first, then with images."""

    def __init__(self) -> None:
        super().__init__(("127.0.0.1", 0), ImagesHandler)
        self.requests: list[Recorded] = []
        self.answers: list[tuple[int, dict[str, Any]]] = []
        self.revised_prompt: str | None = "a purple sky over the hills"
        self.count = 1
        self.url_only = False

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.server_address[1]}/v1"


class ImagesHandler(BaseHTTPRequestHandler):
    server: FakeImagesServer

    def log_message(self, format: str, *args: Any) -> None:  # quiet
        pass

    def do_POST(self) -> None:
        body = self.rfile.read(int(self.headers.get("Content-Length", "0")))
        record = Recorded(self.path, {k.lower(): v for k, v in self.headers.items()}, body)
        content_type = self.headers.get("Content-Type", "")
        if content_type.startswith("application/json"):
            record.json = json.loads(body)
            size = str(record.json.get("size", "auto"))
            first = None
        else:
            record.parts = parse_multipart(content_type, body)
            size = record.field("size") if any(p.name == "size" for p in record.parts) else "auto"
            first = next(p.data for p in record.parts if p.name in ("image", "image[]"))
        self.server.requests.append(record)
        if self.path not in ("/v1/images/generations", "/v1/images/edits"):
            self._answer(404, {"error": {"message": "no such route", "type": "invalid_request"}})
        elif self.server.answers:
            self._answer(*self.server.answers.pop(0))
        elif _streamed(record):
            self._stream(record, size, first)
        elif self.server.url_only:
            self._answer(200, {"created": 0, "data": [{"url": "https://example.com/a.png"}]})
        else:
            item: dict[str, Any] = {
                "b64_json": base64.b64encode(png_bytes(drawn(size, first))).decode()
            }
            if self.server.revised_prompt is not None:
                item["revised_prompt"] = self.server.revised_prompt
            self._answer(
                200,
                {
                    "created": 0,
                    "data": [item] * self.server.count,
                    "usage": {
                        "input_tokens": 10,
                        "input_tokens_details": {"image_tokens": 0, "text_tokens": 10},
                        "output_tokens": 100,
                        "total_tokens": 110,
                    },
                },
            )

    def _stream(self, record: Recorded, size: str, first: bytes | None) -> None:
        """Server-sent events as the images API streams an edit: the partial images, then
        the completed one (the same picture drawn at each stage, for the test)."""
        picture = base64.b64encode(png_bytes(drawn(size, first))).decode()
        common = {
            "b64_json": picture,
            "background": "auto",
            "created_at": 0,
            "output_format": "png",
            "quality": "auto",
            "size": size,
        }
        events = [
            {**common, "type": "image_edit.partial_image", "partial_image_index": index}
            for index in range(int(record.field("partial_images")))
        ]
        usage = {
            "input_tokens": 10,
            "input_tokens_details": {"image_tokens": 0, "text_tokens": 10},
            "output_tokens": 100,
            "total_tokens": 110,
        }
        events.append({**common, "type": "image_edit.completed", "usage": usage})
        self.send_response(200)
        self.send_header("Content-Type", "text/event-stream")
        self.end_headers()
        for event in events:
            chunk = f"event: {event['type']}\ndata: {json.dumps(event)}\n\n"
            self.wfile.write(chunk.encode())
            self.wfile.flush()

    def _answer(self, status: int, body: dict[str, Any]) -> None:
        data = json.dumps(body).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.send_header("retry-after-ms", "10")  # the SDK's retries wait 10 ms, not seconds
        self.end_headers()
        self.wfile.write(data)


def _streamed(record: Recorded) -> bool:
    return any(p.name == "stream" and p.data.strip() == b"true" for p in record.parts)


def serve_images() -> Iterator[FakeImagesServer]:
    fake = FakeImagesServer()
    with running(fake, poll_interval=0.05):
        yield fake


# -- an OpenAI-compatible chat server (the LLM planner) -----------------------------------------

CHAT_MODEL = "tiny-planner"


@dataclass(frozen=True)
class Reply:
    """One answer of the fake server: a chat completion whose message is `content`, or an
    HTTP error with `error` as its message; `delay` seconds first."""

    content: str = ""
    status: int = 200
    error: str = ""
    delay: float = 0.0
    finish_reason: str = "stop"
    headers: tuple[tuple[str, str], ...] = ()
    # Sent as the whole response body instead, as JSON.
    raw: str | None = None


@dataclass
class Seen:
    path: str
    headers: dict[str, str]
    body: dict[str, Any]


@dataclass
class ChatServer:
    """Speaks `POST /v1/chat/completions`; answers from `replies`, records what it got
    (header names in lower case)."""

    url: str
    replies: list[Reply] = field(default_factory=list)
    seen: list[Seen] = field(default_factory=list)

    def answer(self, *replies: Reply) -> None:
        self.replies.extend(replies)

    def plan(self, *steps: tuple[str, dict[str, Any]]) -> None:
        body = {"steps": [{"op": op, "params": params} for op, params in steps], "reply": None}
        self.answer(Reply(json.dumps(body)))

    @property
    def system_prompt(self) -> str:
        content: str = self.seen[-1].body["messages"][0]["content"]
        return content


def _completion(content: str, finish_reason: str) -> dict[str, Any]:
    return {
        "id": "chatcmpl-1",
        "object": "chat.completion",
        "created": 0,
        "model": CHAT_MODEL,
        "choices": [
            {
                "index": 0,
                "message": {"role": "assistant", "content": content},
                "finish_reason": finish_reason,
            }
        ],
        "usage": {"prompt_tokens": 1, "completion_tokens": 1, "total_tokens": 2},
    }


def serve_chat() -> Iterator[ChatServer]:
    state = ChatServer(url="")

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            length = int(self.headers.get("Content-Length", 0))
            body = json.loads(self.rfile.read(length))
            headers = {name.lower(): value for name, value in self.headers.items()}
            state.seen.append(Seen(self.path, headers, body))
            reply = state.replies.pop(0) if state.replies else Reply(status=500, error="no reply")
            time.sleep(reply.delay)
            if self.path != "/v1/chat/completions":
                reply = Reply(status=404, error=f"no route {self.path}")
            if reply.status == 200:
                payload = _completion(reply.content, reply.finish_reason)
            else:
                payload = {"error": {"message": reply.error, "type": "server_error"}}
            data = (json.dumps(payload) if reply.raw is None else reply.raw).encode()
            try:
                self.send_response(reply.status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                for name, value in reply.headers:
                    self.send_header(name, value)
                self.end_headers()
                self.wfile.write(data)
            except (BrokenPipeError, ConnectionResetError):
                pass  # the client gave up waiting (the timeout tests)

        def log_message(self, format: str, *args: object) -> None:
            pass

    httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    httpd.daemon_threads = True
    httpd.block_on_close = False
    with running(httpd, poll_interval=0.05) as url:
        state.url = f"{url}/v1"
        yield state


# -- ComfyUI ------------------------------------------------------------------------------------
# Follows ComfyUI's `server.py` and `execution.py`: multipart `/upload/image`, `/prompt`
# answering `{"prompt_id", "number", "node_errors"}` or a 400 with `error` and `node_errors`,
# `/history/{id}` that is `{}` until the prompt is done, `/view`, `/interrupt` and `/queue`.
# Its "model" inverts the image the graph's LoadImage node names, so pixels can be followed.


@dataclass
class FakeComfyUI:
    """State and switches of the fake server; tests read what it received."""

    uploads: dict[str, bytes] = field(default_factory=dict)
    upload_fields: list[dict[str, str]] = field(default_factory=list)
    prompts: list[dict[str, Any]] = field(default_factory=list)
    outputs: dict[str, bytes] = field(default_factory=dict)
    history: dict[str, dict[str, Any]] = field(default_factory=dict)
    polls: dict[str, int] = field(default_factory=dict)
    interrupts: list[Any] = field(default_factory=list)
    queue_deletes: list[Any] = field(default_factory=list)
    # switches
    refuse_with_node_errors: bool = False
    fail_in_node: str | None = None
    never_finish: bool = False
    polls_before_done: int = 1
    url: str = ""


def _run_prompt(state: FakeComfyUI, prompt_id: str, graph: dict[str, Any]) -> dict[str, Any]:
    """What ComfyUI would put in history: outputs of SaveImage, or an execution_error."""
    if state.fail_in_node is not None:
        node_id = state.fail_in_node
        messages = [
            ["execution_start", {"prompt_id": prompt_id, "timestamp": 1}],
            [
                "execution_error",
                {
                    "prompt_id": prompt_id,
                    "node_id": node_id,
                    "node_type": graph[node_id]["class_type"],
                    "executed": [],
                    "exception_message": "CUDA out of memory. Tried to allocate 2.00 GiB",
                    "exception_type": "torch.OutOfMemoryError",
                    "traceback": [],
                    "current_inputs": {},
                    "current_outputs": {},
                },
            ],
        ]
        status = {"status_str": "error", "completed": False, "messages": messages}
        return {"prompt": [0, prompt_id, graph, {}, []], "outputs": {}, "status": status}
    load = next((n for n in graph.values() if n["class_type"] == "LoadImage"), None)
    if load is None:  # text to image: a grey canvas of the requested size
        size = next(n for n in graph.values() if n["class_type"] == "EmptyLatentImage")["inputs"]
        inverted = np.full((size["height"], size["width"], 3), 128, dtype=np.uint8)
    else:
        source = PILImage.open(io.BytesIO(state.uploads[load["inputs"]["image"]]))
        inverted = 255 - np.asarray(source.convert("RGB"))
    buffer = io.BytesIO()
    PILImage.fromarray(inverted).save(buffer, format="PNG")
    filename = f"ComfyUI_{len(state.outputs) + 1:05d}_.png"
    state.outputs[filename] = buffer.getvalue()
    save_id = next(k for k, n in graph.items() if n["class_type"] == "SaveImage")
    images = [{"filename": filename, "subfolder": "", "type": "output"}]
    messages = [
        ["execution_start", {"prompt_id": prompt_id, "timestamp": 1}],
        ["execution_success", {"prompt_id": prompt_id, "timestamp": 2}],
    ]
    return {
        "prompt": [0, prompt_id, graph, {}, [save_id]],
        "outputs": {save_id: {"images": images}},
        "status": {"status_str": "success", "completed": True, "messages": messages},
        "meta": {save_id: {"node_id": save_id, "display_node": save_id}},
    }


def _validate(state: FakeComfyUI, graph: Any) -> dict[str, Any]:
    """ComfyUI's node_errors shape for what this fake can check."""
    node_errors: dict[str, Any] = {}
    for node_id, node in graph.items():
        if not isinstance(node.get("class_type"), str) or not isinstance(node.get("inputs"), dict):
            raise ValueError(f"node {node_id} is not an API-format node")
        reasons = []
        if node["class_type"] == "LoadImage" and node["inputs"]["image"] not in state.uploads:
            image = node["inputs"]["image"]
            reasons.append(
                {
                    "type": "custom_validation_failed",
                    "message": "Custom validation failed for node",
                    "details": f"image - Invalid image file: {image}",
                    "extra_info": {"input_name": "image"},
                }
            )
        if state.refuse_with_node_errors and node["class_type"] == "CLIPTextEncode":
            reasons.append(
                {
                    "type": "required_input_missing",
                    "message": "Required input is missing",
                    "details": "clip",
                    "extra_info": {"input_name": "clip"},
                }
            )
        if reasons:
            node_errors[node_id] = {
                "errors": reasons,
                "dependent_outputs": ["5"],
                "class_type": node["class_type"],
            }
    return node_errors


def _handler(state: FakeComfyUI) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        def log_message(self, format: str, *args: Any) -> None:
            pass

        def _send(self, status: int, body: bytes, content_type: str) -> None:
            self.send_response(status)
            self.send_header("Content-Type", content_type)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def _json(self, status: int, data: Any) -> None:
            self._send(status, json.dumps(data).encode(), "application/json")

        def _body(self) -> bytes:
            return self.rfile.read(int(self.headers.get("Content-Length", "0")))

        def do_POST(self) -> None:
            body = self._body()
            if self.path == "/upload/image":
                head = f"Content-Type: {self.headers['Content-Type']}\r\n\r\n".encode()
                message = BytesParser(policy=HTTP).parsebytes(head + body)
                fields: dict[str, str] = {}
                image: tuple[str, bytes] | None = None
                for part in message.iter_parts():
                    name = part.get_param("name", header="content-disposition")
                    payload = part.get_payload(decode=True)
                    if name == "image":
                        image = (str(part.get_filename()), payload)
                    else:
                        fields[str(name)] = payload.decode()
                if image is None:
                    self._send(400, b"", "text/plain")
                    return
                state.upload_fields.append(fields)
                state.uploads[image[0]] = image[1]
                self._json(200, {"name": image[0], "subfolder": "", "type": "input"})
            elif self.path == "/prompt":
                data = json.loads(body)
                if "prompt" not in data:
                    self._json(400, {"error": "no prompt", "node_errors": []})
                    return
                state.prompts.append(data)
                node_errors = _validate(state, data["prompt"])
                if node_errors:
                    error = {
                        "type": "prompt_outputs_failed_validation",
                        "message": "Prompt outputs failed validation",
                        "details": "",
                        "extra_info": {},
                    }
                    self._json(400, {"error": error, "node_errors": node_errors})
                    return
                prompt_id = str(uuid.uuid4())
                state.history[prompt_id] = _run_prompt(state, prompt_id, data["prompt"])
                self._json(
                    200,
                    {"prompt_id": prompt_id, "number": len(state.prompts), "node_errors": {}},
                )
            elif self.path == "/interrupt":
                state.interrupts.append(json.loads(body) if body else None)
                self._send(200, b"", "text/plain")
            elif self.path == "/queue":
                state.queue_deletes.append(json.loads(body))
                self._send(200, b"", "text/plain")
            else:
                self._send(404, b"404: Not Found", "text/plain")

        def do_GET(self) -> None:
            url = urllib.parse.urlsplit(self.path)
            if url.path.startswith("/history/"):
                prompt_id = urllib.parse.unquote(url.path.removeprefix("/history/"))
                polls = state.polls.get(prompt_id, 0)
                state.polls[prompt_id] = polls + 1
                done = not state.never_finish and polls >= state.polls_before_done
                if done and prompt_id in state.history:
                    self._json(200, {prompt_id: state.history[prompt_id]})
                else:
                    self._json(200, {})
            elif url.path == "/view":
                query = urllib.parse.parse_qs(url.query)
                name = query.get("filename", [""])[0]
                kind = query.get("type", ["output"])[0]
                if (
                    kind == "output"
                    and query.get("subfolder", [""])[0] == ""
                    and name in state.outputs
                ):
                    self._send(200, state.outputs[name], "image/png")
                else:
                    self._send(404, b"", "text/plain")
            else:
                self._send(404, b"404: Not Found", "text/plain")

    return Handler


def serve_comfyui() -> Iterator[FakeComfyUI]:
    state = FakeComfyUI()
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), _handler(state))
    with running(httpd, poll_interval=0.01) as url:
        state.url = url
        yield state
