"""Retries with exponential backoff and jitter, for remote backends: the one retry layer.

`retry` calls `call` up to `attempts` times. An error for which `is_retryable` says yes is
retried after the delay the server asked for (`hint`: a Retry-After header, a RetryInfo
detail), or else after `base_delay * 2**k` seconds (k = 0, 1, ...) less a random share of up
to `jitter` of it, so that clients that failed together do not come back together ("equal
jitter": M. Brooker, "Exponential Backoff And Jitter", AWS Architecture Blog, 2015); either
is capped at `max_delay`. Any other error, and the last retryable one, propagates unchanged
so the caller can map it to a typed gouache error. Checks that must run before every try
(cancellation) belong inside `call`.

A backend whose SDK retries by itself turns one of the two layers off: the OpenAI backend
keeps the SDK's (`max_retries`, which honours retry-after with jitter); the Gemini backend
sets google-genai's `HttpRetryOptions(attempts=1)` and uses this one.
"""

from __future__ import annotations

import random
import time
from collections.abc import Callable
from typing import TypeVar

T = TypeVar("T")
DEFAULT_JITTER = 0.5


def retry(
    call: Callable[[], T],
    *,
    attempts: int,
    base_delay: float,
    is_retryable: Callable[[BaseException], bool],
    max_delay: float = 30.0,
    sleep: Callable[[float], None] = time.sleep,
    on_retry: Callable[[int, BaseException, float], None] | None = None,
    hint: Callable[[BaseException], float | None] | None = None,
    jitter: float = DEFAULT_JITTER,
    draw: Callable[[], float] = random.random,
) -> T:
    """`call()`, tried up to `attempts` times; `on_retry(number, error, delay)` before a wait.
    `draw` gives the jitter's random numbers in [0, 1)."""
    if attempts < 1:
        raise ValueError(f"attempts must be at least 1, not {attempts}")
    if base_delay < 0:
        raise ValueError(f"base_delay must not be negative, not {base_delay}")
    if not 0.0 <= jitter <= 1.0:
        raise ValueError(f"jitter is a share of the delay in [0, 1], not {jitter}")
    for number in range(1, attempts + 1):
        try:
            return call()
        except Exception as err:
            if number == attempts or not is_retryable(err):
                raise
            asked = hint(err) if hint is not None else None
            if asked is not None:
                delay = min(max(asked, 0.0), max_delay)
            else:
                backoff = base_delay * 2 ** (number - 1)
                delay = min(backoff * (1.0 - jitter * draw()), max_delay)
            if on_retry is not None:
                on_retry(number, err, delay)
            sleep(delay)
    raise AssertionError("unreachable: the loop returns or raises")  # pragma: no cover
