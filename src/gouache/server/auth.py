"""The tenant of a request, from its key: `Authorization: Bearer KEY`, `x-goog-api-key: KEY`
(Google's clients), `?key=KEY` (Google's REST, and links to /docs), or the web UI's cookie.
Every route but /health depends on `authenticate`; a test walks the route table to keep it so."""

from __future__ import annotations

import secrets
from typing import Annotated

from fastapi import Depends, Request
from fastapi.security import APIKeyHeader, HTTPAuthorizationCredentials, HTTPBearer

from gouache.server.errors import UnauthenticatedError
from gouache.server.keys import LOCAL_TENANT, hash_key, tenant_of
from gouache.server.state import ServerState

# The web UI's pages are opened with ?token=KEY once; the key then rides in this cookie
# (HttpOnly, SameSite=Strict: another site's page cannot send it).
COOKIE = "gouache_key"


def state_of(request: Request) -> ServerState:
    found: ServerState = request.app.state.gouache
    return found


def key_of(request: Request) -> str | None:
    header = request.headers.get("authorization", "")
    scheme, _, value = header.partition(" ")
    if scheme.lower() == "bearer" and value.strip():
        return value.strip()
    for name in ("x-goog-api-key", "api-key"):
        if request.headers.get(name):
            return request.headers[name].strip()
    for name in ("key", "token"):
        if request.query_params.get(name):
            return request.query_params[name].strip()
    cookie = request.cookies.get(COOKIE, "").strip()
    return cookie or None


# Declared for the OpenAPI schema (the Authorize button of /docs); key_of reads the request.
_bearer = HTTPBearer(auto_error=False, description="an API key: `gouache keys create`")
_goog = APIKeyHeader(name="x-goog-api-key", auto_error=False, description="as Google's clients")


def authenticate(
    request: Request,
    _bearer_key: Annotated[HTTPAuthorizationCredentials | None, Depends(_bearer)],
    _goog_key: Annotated[str | None, Depends(_goog)],
) -> str:
    state = state_of(request)
    key = key_of(request)
    if key is None:
        raise UnauthenticatedError(
            "no API key: send `Authorization: Bearer KEY` or `x-goog-api-key: KEY` "
            "(`gouache keys create --tenant NAME` makes one)"
        )
    hashed = hash_key(key)  # once: the key's row and the limiter's bucket
    local = state.config.local_token
    if local is not None:
        tenant = LOCAL_TENANT if secrets.compare_digest(key, local) else None
    else:
        tenant = tenant_of(state.store, key, hashed)
    if tenant is None:
        raise UnauthenticatedError("unknown API key")
    state.limiter.check(hashed)
    return tenant


Tenant = Annotated[str, Depends(authenticate)]
State = Annotated[ServerState, Depends(state_of)]
