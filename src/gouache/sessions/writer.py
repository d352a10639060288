"""Write-behind: a turn returns once its pixels are computed, and its version is saved (PNG
encoded, blob written, row committed) on a thread of its own while the caller goes on.

What still holds, and how:
- In this process the store reads as if the write were done: every transaction of the Store
  (`Store.read`, `Store.write`, so every Session method and the next turn) first waits for the
  writes in flight. A TurnResult's `version`, `reply`, `moved_branch` and `ms` wait for its own.
  So a caller that has seen a version number has seen it committed, and writes stay depth 1 per
  thread: the next turn reads its starting point only after the previous version is stored.
- A crash (SIGKILL) loses at most the turn in flight, which now lasts until its write commits:
  the one being computed, or the one just returned whose version nobody has looked at yet, not
  both (the next turn waits for it before it starts). The blob is still written before the
  row that names it, so a crash never leaves a row without its pixels.
- A write that fails is not lost in silence: its error is raised by the TurnResult, or by the
  next store call of the thread that made the turn, or by `Store.close`, or (at exit, when
  nobody asked) printed to stderr. The turn's version is then not saved; nothing saved before
  it is touched.
- The process does not exit before a write finishes: an exit handler waits for it.
- Other processes see the version when it commits, a few milliseconds after the turn returned.
"""

from __future__ import annotations

import atexit
import os
import queue
import sys
import threading
import weakref
from collections.abc import Callable
from typing import Generic, TypeVar

from gouache.errors import GouacheError, StoreError

T = TypeVar("T")

_local = threading.local()
# Every write that failed with nobody told yet, for the message at exit.
_unreported: weakref.WeakSet[PendingWrite[object]] = weakref.WeakSet()


def in_writer() -> bool:
    """True on a write's own thread, whose transactions must not wait for itself."""
    return bool(getattr(_local, "writing", False))


class PendingWrite(Generic[T]):
    """One write, run by its store's writer thread; `result()` waits for it and raises what
    it raised."""

    def __init__(self, work: Callable[[], T], what: str) -> None:
        self.what = what
        # The thread object, not its ident: an ident is reused once a thread ends.
        self.owner = threading.current_thread()
        self.reported = False
        self._work: Callable[[], T] | None = work
        self._done = threading.Event()
        self._value: T | None = None
        self._error: BaseException | None = None

    def run(self) -> None:
        work, self._work = self._work, None
        try:
            if work is not None:
                self._value = work()
        except BaseException as err:  # kept for whoever asks: see the module's docstring
            self._error = err
            _unreported.add(self)  # type: ignore[arg-type]
        finally:
            self._done.set()

    @property
    def done(self) -> bool:
        return self._done.is_set()

    def wait(self) -> BaseException | None:
        """Wait for the write; its error (None when it succeeded), raising nothing."""
        self._done.wait()
        return self._error

    def result(self) -> T:
        """The write's value, once done; its own error when it failed."""
        error = self.wait()
        if error is not None:
            self._report()
            raise error
        return self._value  # type: ignore[return-value]

    def failure(self) -> GouacheError:
        """The error to raise on a later call: what failed, and that its version was not saved."""
        self._report()
        error = self._error
        detail = error.message if isinstance(error, GouacheError) else f"{error!r}"
        return StoreError(f"the version of the turn {self.what!r} was not saved: {detail}")

    def _report(self) -> None:
        self.reported = True
        _unreported.discard(self)  # type: ignore[arg-type]


class Writes:
    """The writes in flight for one Store, run in order by one writer thread.

    The thread is a daemon started on demand that ends after IDLE_S without work (a thread
    started per write would cost the caller a GIL switch interval, 5 ms, at each start); at
    exit, `_finish_at_exit` waits for what is left.
    """

    IDLE_S = 2.0

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._pending: list[PendingWrite[object]] = []
        self._queue: queue.SimpleQueue[PendingWrite[object]] = queue.SimpleQueue()
        self._worker: threading.Thread | None = None
        _stores.add(self)

    def defer(self, work: Callable[[], T], what: str) -> PendingWrite[T]:
        """Queue `work` for the writer thread; transactions wait for it (see `settle`)."""
        write = PendingWrite(work, what)
        with self._lock:
            self._pending.append(write)  # type: ignore[arg-type]
            self._queue.put(write)  # type: ignore[arg-type]
            if self._worker is None:
                self._worker = threading.Thread(
                    target=self._run, name="gouache-writer", daemon=True
                )
                self._worker.start()
        return write

    def _run(self) -> None:
        _local.writing = True
        while True:
            try:
                write = self._queue.get(timeout=self.IDLE_S)
            except queue.Empty:
                with self._lock:
                    if self._queue.empty():
                        self._worker = None
                        return
                continue
            write.run()

    def wait_all(self) -> bool:
        """Wait for every write in flight, raising nothing; False when there was none."""
        with self._lock:
            pending = list(self._pending)
        for write in pending:
            write.wait()
        return bool(pending)

    def settle(self, *, everyone: bool = False) -> None:
        """Wait for every write in flight, then raise the first failure nobody was told of
        made by this thread (by any thread with `everyone`). Nothing on the writer thread."""
        if in_writer() or not self.wait_all():
            return
        me = threading.current_thread()
        failed: PendingWrite[object] | None = None
        with self._lock:
            kept = []
            for write in self._pending:
                unreported = write.done and write.wait() is not None and not write.reported
                mine = everyone or write.owner is me
                if unreported and mine and failed is None:
                    failed = write
                elif not write.done or (unreported and not mine):
                    kept.append(write)
            self._pending = kept
        if failed is not None:
            raise failed.failure() from failed.wait()


_stores: weakref.WeakSet[Writes] = weakref.WeakSet()


def _forget_in_child() -> None:
    # A forked child has none of its parent's threads: its stores start with no writer and
    # nothing in flight (the parent finishes its own writes).
    for writes in list(_stores):
        writes._lock = threading.Lock()
        writes._pending = []
        writes._queue = queue.SimpleQueue()
        writes._worker = None


if hasattr(os, "register_at_fork"):
    os.register_at_fork(after_in_child=_forget_in_child)


@atexit.register
def _finish_at_exit() -> None:
    # The writer threads are daemons, still running when atexit handlers run: wait for what
    # they hold, then say what failed with nobody told.
    for writes in list(_stores):
        writes.wait_all()
    for write in list(_unreported):
        if not write.reported:
            print(
                f"gouache: the version of the turn {write.what!r} was not saved: {write.wait()}",
                file=sys.stderr,
            )
