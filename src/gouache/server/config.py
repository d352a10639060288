"""What the server is allowed to take, and how it runs turns. No HTTP in here."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

Workers = Literal["inline", "queue"]


@dataclass(frozen=True)
class ServerConfig:
    """Limits and modes of one server; the defaults are what `gouache serve` uses."""

    # inline: turns run on threads of the server; queue: on dramatiq workers through Redis
    workers: Workers = "inline"
    redis_url: str = "redis://127.0.0.1:6379/0"
    # Threads running turns in inline mode.
    threads: int = 4
    # Bytes of one request body (a JSON body with base64 images, or a multipart upload).
    max_body_bytes: int = 50 * 1024 * 1024
    # Reference images per turn, whatever the backend could take.
    max_references: int = 8
    # Requests per minute per API key (health excepted); 0 turns it off.
    rate_per_minute: int = 600
    # Jobs queued or running at once per tenant.
    max_jobs_per_tenant: int = 8
    # --local: one user on 127.0.0.1 whose token is printed at start; no keys needed.
    local_token: str | None = None
    # How long a Gemini or OpenAI call waits for its turn before answering 504.
    wait_seconds: float = 600.0
    # Finished jobs older than this are deleted when a server starts (their versions stay).
    keep_jobs_days: float = 7.0
