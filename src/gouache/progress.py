"""Progress reports and cancellation for long work, and their line on the terminal.

A leaf module (it imports nothing else of gouache but the errors and usertext), so the
operators, the backends and the sessions can all share `Progress`, `ProgressCallback` and
`CancelToken`.

A `ProgressLine` is a backend progress callback. It stays silent for the first second, then
redraws one line on stderr (a terminal) or prints each new step once (a pipe or a log).
"""

from __future__ import annotations

import sys
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from types import TracebackType
from typing import TextIO

from gouache.errors import CancelledError
from gouache.usertext import printable

SPINNER = "|/-\\"


@dataclass(frozen=True)
class Progress:
    step: int
    total: int
    message: str = ""


ProgressCallback = Callable[[Progress], None]


class CancelToken:
    """Set from any thread; a backend checks it between steps."""

    def __init__(self) -> None:
        self._event = threading.Event()

    def cancel(self) -> None:
        self._event.set()

    @property
    def cancelled(self) -> bool:
        return self._event.is_set()

    def raise_if_cancelled(self) -> None:
        if self._event.is_set():
            raise CancelledError("the turn was cancelled")


class ProgressLine:
    def __init__(self, label: str, *, delay: float = 1.0, stream: TextIO | None = None) -> None:
        self.label = label
        self.delay = delay
        self.stream = stream if stream is not None else sys.stderr
        self._tty = bool(getattr(self.stream, "isatty", lambda: False)())
        self._current = Progress(0, 0, "")
        self._printed = ""
        self._started = time.monotonic()
        self._done = threading.Event()
        self._lock = threading.Lock()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def __call__(self, progress: Progress) -> None:
        with self._lock:
            self._current = progress

    def __enter__(self) -> ProgressLine:
        self._started = time.monotonic()
        self._thread.start()
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self._done.set()
        self._thread.join()
        if self._tty and self._printed:
            self.stream.write("\r\033[K")
            self.stream.flush()

    def _text(self, tick: int) -> str:
        with self._lock:
            p = self._current
        elapsed = time.monotonic() - self._started
        steps = f" {p.step}/{p.total}" if p.total else ""
        # a step's message may quote the user (a caption): never let it drive the terminal
        what = f" {printable(p.message, newlines=False)}" if p.message else ""
        spin = SPINNER[tick % len(SPINNER)] if self._tty else "..."
        return f"{spin} {self.label}{steps}{what} ({elapsed:.0f} s)"

    def _run(self) -> None:
        if self._done.wait(self.delay):
            return
        tick = 0
        while not self._done.is_set():
            text = self._text(tick)
            if self._tty:
                self.stream.write("\r\033[K" + text)
                self.stream.flush()
                self._printed = text
            else:
                # In a log, print only when the step changes; elapsed seconds would spam it.
                key = text.rsplit(" (", 1)[0]
                if key != self._printed:
                    self.stream.write(text + "\n")
                    self.stream.flush()
                    self._printed = key
            tick += 1
            self._done.wait(0.2)
