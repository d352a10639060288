"""Limits checked before any work: the body size (ASGI, before a byte is parsed) and the
requests per minute of one key."""

from __future__ import annotations

import threading
import time
import uuid
from collections import deque
from typing import Any, Protocol

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


class Limiter(Protocol):
    def check(self, key: str) -> None: ...


def _refuse_rate(per_minute: int, wait: int) -> RateLimitedError:
    return RateLimitedError(
        f"more than {per_minute} requests in a minute with this key; try again in {wait} s",
        retry_after=wait,
    )


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
                raise _refuse_rate(self.per_minute, max(1, int(60.0 - (now - seen[0])) + 1))
            seen.append(now)


class RedisRateLimiter:
    """The same sliding minute, counted in Redis: one limit for every server of a queue
    deployment, however many machines answer. A sorted set per key, scored by time."""

    def __init__(self, redis_url: str, per_minute: int) -> None:
        import redis

        self.per_minute = per_minute
        self._redis = redis.Redis.from_url(redis_url)

    def check(self, key: str) -> None:
        if self.per_minute <= 0:
            return
        now = time.time()
        name = f"gouache:rate:{key}"
        pipe = self._redis.pipeline()  # MULTI/EXEC: the four steps as one
        pipe.zremrangebyscore(name, 0, now - 60.0)
        pipe.zadd(name, {uuid.uuid4().hex: now})
        pipe.zrange(name, 0, 0, withscores=True)
        pipe.zcard(name)
        pipe.expire(name, 61)
        _, _, oldest, count, _ = pipe.execute()
        if int(count) > self.per_minute:
            first = float(oldest[0][1]) if oldest else now
            raise _refuse_rate(self.per_minute, max(1, int(60.0 - (now - first)) + 1))
