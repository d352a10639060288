"""One JSON error shape for every route, from each gouache error's `http_status`:

    {"error": {"code": 404, "status": "NOT_FOUND", "type": "VersionNotFoundError",
               "message": "no version 'v9' in session ..."}}

`code`, `status` and `message` are where Google's clients look; `message` and `type` where
OpenAI's do. No route catches errors itself: the handlers here turn them into this shape.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from typing import Any, cast

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException as StarletteHTTPException

from gouache.errors import GouacheError, OutOfMemoryError

log = logging.getLogger("gouache.server")

STATUS_NAMES = {
    400: "INVALID_ARGUMENT",
    401: "UNAUTHENTICATED",
    404: "NOT_FOUND",
    405: "METHOD_NOT_ALLOWED",
    409: "ABORTED",
    413: "PAYLOAD_TOO_LARGE",
    415: "UNSUPPORTED_MEDIA_TYPE",
    422: "FAILED_PRECONDITION",
    429: "RESOURCE_EXHAUSTED",
    499: "CANCELLED",
    500: "INTERNAL",
    502: "UNAVAILABLE",
    503: "UNAVAILABLE",
    504: "DEADLINE_EXCEEDED",
    507: "RESOURCE_EXHAUSTED",
}


class UnauthenticatedError(GouacheError):
    http_status = 401


class BodyTooLargeError(GouacheError):
    http_status = 413


class UnsupportedMediaTypeError(GouacheError):
    http_status = 415


class RateLimitedError(GouacheError):
    """Too many requests for one key, or too many jobs at once for one tenant."""

    http_status = 429

    def __init__(self, message: str, *, retry_after: int = 1) -> None:
        super().__init__(message)
        self.retry_after = retry_after


class TurnTimeoutError(GouacheError):
    http_status = 504


def error_body(code: int, kind: str, message: str) -> dict[str, Any]:
    status = STATUS_NAMES.get(code, "UNKNOWN")
    return {"error": {"code": code, "status": status, "type": kind, "message": message}}


def error_response(
    code: int, kind: str, message: str, headers: Mapping[str, str] | None = None
) -> JSONResponse:
    return JSONResponse(error_body(code, kind, message), status_code=code, headers=headers)


def from_job_error(error: dict[str, Any]) -> JSONResponse:
    """A failed job's error (jobs.error_json) as the response of a call that waited for it."""
    return error_response(int(error["code"]), str(error["type"]), str(error["message"]))


def install(app: FastAPI) -> None:
    async def gouache_error(_request: Request, raised: Exception) -> JSONResponse:
        exc = cast(GouacheError, raised)  # registered for this class only
        headers = None
        if isinstance(exc, RateLimitedError):
            headers = {"Retry-After": str(exc.retry_after)}
        if isinstance(exc, UnauthenticatedError):
            headers = {"WWW-Authenticate": "Bearer"}
        return error_response(exc.http_status, type(exc).__name__, exc.message, headers)

    async def validation_error(_request: Request, raised: Exception) -> JSONResponse:
        exc = cast(RequestValidationError, raised)  # registered for this class only
        problems = []
        for item in exc.errors()[:5]:
            where = ".".join(str(p) for p in item.get("loc", ()) if p != "body") or "body"
            problems.append(f"{where}: {item.get('msg', 'invalid')}")
        message = "; ".join(problems) or "the request is not valid"
        return error_response(400, "ValidationError", message)

    async def http_error(_request: Request, raised: Exception) -> JSONResponse:
        exc = cast(StarletteHTTPException, raised)  # registered for this class only
        return error_response(exc.status_code, "HTTPError", str(exc.detail), exc.headers)

    async def out_of_memory(_request: Request, _raised: Exception) -> JSONResponse:
        # Not a bug (no traceback in the log): the request was too large for this machine.
        exc = OutOfMemoryError()
        return error_response(exc.http_status, type(exc).__name__, exc.message)

    async def bug(request: Request, exc: Exception) -> JSONResponse:
        log.exception("bug on %s %s", request.method, request.url.path, exc_info=exc)
        return error_response(500, "InternalError", f"internal error ({type(exc).__name__})")

    app.add_exception_handler(GouacheError, gouache_error)
    app.add_exception_handler(RequestValidationError, validation_error)
    app.add_exception_handler(StarletteHTTPException, http_error)
    app.add_exception_handler(MemoryError, out_of_memory)
    app.add_exception_handler(Exception, bug)
