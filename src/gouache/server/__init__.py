"""`gouache serve`: the HTTP API. The only package that imports FastAPI.

    app.py            create_app: the routes, the error shape, auth on every route but /health
    errors.py         every gouache error -> one JSON error shape, by its `http_status`
    auth.py           API keys (Bearer, x-goog-api-key, ?key=) -> the tenant; rate per key
    limits.py         the request body cap, checked before a byte of it is parsed
    native.py         /api/...: sessions, versions, turns, branches, characters, checks, jobs
    gemini_wire.py    Gemini's generateContent / streamGenerateContent
    openai_wire.py    OpenAI's images/generations and images/edits
    uploads.py        request images -> LoadedImage through gouache.images (the one loader)
    submit.py         a turn as a job, and waiting for it (shared by the three formats)
    state.py          what every route reaches: store, backends, runner, config, limiter
    serve.py          `gouache serve` and `gouache keys create`, called from cli.py

  No HTTP in these; the queue workers use them too:
    config.py         ServerConfig: limits and modes
    keys.py           API keys, stored as their sha256, each naming a tenant
    jobs.py           the job rows: claim, progress, cancel, finish
    models.py         `model` names -> backends of the catalog, built once
    turns.py          running one job (a turn, a drawing from text) on Session
    runner.py         inline threads, or the queue
    worker.py         the dramatiq actor (worker_main.py is what `python -m dramatiq` loads)
    services.py       throwaway PostgreSQL and Redis on 127.0.0.1 (tests, bench, trying it)

A turn is always a job (jobs.py, a table in the store): the inline runner runs it on a thread
of this process, the queue runner sends its id to dramatiq workers (worker.py) that share the
store and the blob folder. Either way the job row is the truth about where it stands.
"""

from __future__ import annotations

from gouache.server.config import ServerConfig

__all__ = ["ServerConfig"]
