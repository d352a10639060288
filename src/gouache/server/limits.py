"""Limits checked before any work: the body size (ASGI, before a byte is parsed) and the
requests per minute of one key."""

from __future__ import annotations

import threading
import time
from collections import deque
from typing import Any

from gouache.server.errors import RateLimitedError, error_body

Scope = dict[str, Any]


class BodyLimit:
    """ASGI middleware: 413 from Content-Length at once, or as soon as a chunked body passes
    `max_bytes`; the route never sees the rest."""

    def __init__(self, app: Any, max_bytes: int) -> None:
        self.app = app
        self.max_bytes = max_bytes

    async def __call__(self, scope: Scope, receive: Any, send: Any) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        declared = dict(scope.get("headers") or []).get(b"content-length")
        if declared is not None and declared.isdigit() and int(declared) > self.max_bytes:
            await _refuse(send, self._message(int(declared)))
            return
        seen, refused = 0, False

        async def counted() -> Any:
            nonlocal seen, refused
            if refused:
                return {"type": "http.disconnect"}
            message = await receive()
            if message["type"] == "http.request":
                seen += len(message.get("body", b""))
                if seen > self.max_bytes:
                    # answer now; the route sees a client that left, and its answer is dropped
                    refused = True
                    await _refuse(send, self._message(seen))
                    return {"type": "http.disconnect"}
            return message

        async def guarded(message: Any) -> None:
            if not refused:
                await send(message)

        await self.app(scope, counted, guarded)

    def _message(self, size: int) -> str:
        return (
            f"the request body is {size} bytes or more; this server takes at most "
            f"{self.max_bytes} bytes"
        )


async def _refuse(send: Any, message: str) -> None:
    import json

    body = json.dumps(error_body(413, "BodyTooLargeError", message)).encode()
    headers = [(b"content-type", b"application/json"), (b"content-length", str(len(body)).encode())]
    await send({"type": "http.response.start", "status": 413, "headers": headers})
    await send({"type": "http.response.body", "body": body})


class RateLimiter:
    """At most `per_minute` requests per key in any sliding minute (in this process)."""

    def __init__(self, per_minute: int) -> None:
        self.per_minute = per_minute
        self._seen: dict[str, deque[float]] = {}
        self._lock = threading.Lock()

    def check(self, key: str) -> None:
        if self.per_minute <= 0:
            return
        now = time.monotonic()
        with self._lock:
            seen = self._seen.setdefault(key, deque())
            while seen and now - seen[0] >= 60.0:
                seen.popleft()
            if len(seen) >= self.per_minute:
                wait = max(1, int(60.0 - (now - seen[0])) + 1)
                raise RateLimitedError(
                    f"more than {self.per_minute} requests in a minute with this key; "
                    f"try again in {wait} s",
                    retry_after=wait,
                )
            seen.append(now)
