"""Retries with exponential backoff, for remote backends.

`retry` calls `call` up to `attempts` times. An error for which `is_retryable` says yes is
retried after `base_delay * 2**k` seconds (k = 0, 1, ...; capped at `max_delay`); any other
error, and the last retryable one, propagates unchanged so the caller can map it to a typed
gouache error. Checks that must run before every try (cancellation) belong inside `call`.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import TypeVar

T = TypeVar("T")


def retry(
    call: Callable[[], T],
    *,
    attempts: int,
    base_delay: float,
    is_retryable: Callable[[BaseException], bool],
    max_delay: float = 30.0,
    sleep: Callable[[float], None] = time.sleep,
    on_retry: Callable[[int, BaseException, float], None] | None = None,
) -> T:
    """`call()`, tried up to `attempts` times; `on_retry(number, error, delay)` before a wait."""
    if attempts < 1:
        raise ValueError(f"attempts must be at least 1, not {attempts}")
    if base_delay < 0:
        raise ValueError(f"base_delay must not be negative, not {base_delay}")
    for number in range(1, attempts + 1):
        try:
            return call()
        except Exception as err:
            if number == attempts or not is_retryable(err):
                raise
            delay = min(base_delay * 2 ** (number - 1), max_delay)
            if on_retry is not None:
                on_retry(number, err, delay)
            sleep(delay)
    raise AssertionError("unreachable: the loop returns or raises")  # pragma: no cover
