"""Local servers that speak the documented wire formats, for the real SDKs to talk to.

`GeminiServer` answers `generateContent` and the Interactions API's `POST /{version}/interactions`
(google-genai); `FakeImagesServer` the OpenAI images
API's `/v1/images/generations` and `/v1/images/edits` (openai). tests/conftest.py serves them
as the `gemini_server` and `images_server` fixtures.
"""

from __future__ import annotations

import base64
import email.parser
import email.policy
import io
import json
import threading
from collections.abc import Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import numpy as np
from PIL import Image as PILImage

from gouache.images import Image, encode_png

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
    server_state = GeminiServer(url=f"http://127.0.0.1:{httpd.server_address[1]}")
    thread = threading.Thread(
        target=httpd.serve_forever, kwargs={"poll_interval": 0.02}, daemon=True
    )
    thread.start()
    try:
        yield server_state
    finally:
        httpd.shutdown()
        httpd.server_close()
        thread.join(5)


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
    thread = threading.Thread(
        target=fake.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True
    )
    thread.start()
    yield fake
    fake.shutdown()
    fake.server_close()
