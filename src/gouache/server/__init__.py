"""`gouache serve`: the HTTP API. The only package that imports FastAPI.

    app.py            create_app: the routes, the error shape, auth on every route but /health
    errors.py         every gouache error -> one JSON error shape, by its `http_status`
    auth.py           API keys (Bearer, x-goog-api-key, ?key=) -> the tenant; rate per key
    limits.py         the request body cap, checked before a byte of it is parsed
    native.py         /api/...: sessions, versions, turns, branches, characters, checks, jobs
    gemini_wire.py    Gemini's generateContent / streamGenerateContent
    openai_wire.py    OpenAI's images/generations and images/edits
    uploads.py        request images -> LoadedImage through gouache.images (the one loader)
    config.py keys.py jobs.py models.py turns.py runner.py worker.py: no HTTP in them; what
                      the routes and the queue workers share

A turn is always a job (jobs.py, a table in the store): the inline runner runs it on a thread
of this process, the queue runner sends its id to dramatiq workers (worker.py) that share the
store and the blob folder. Either way the job row is the truth about where it stands.
"""

from __future__ import annotations

from gouache.server.config import ServerConfig

__all__ = ["ServerConfig"]
