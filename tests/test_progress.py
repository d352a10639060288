"""Progress appears only for work that takes over the delay."""

from __future__ import annotations

import io
import time

from gouache.progress import Progress, ProgressLine


def test_quick_work_prints_no_progress() -> None:
    stream = io.StringIO()
    with ProgressLine("working", delay=0.5, stream=stream) as progress:
        progress(Progress(1, 2, "blur"))
    assert stream.getvalue() == ""


def _wait_for(stream: io.StringIO, text: str, seconds: float = 10.0) -> None:
    deadline = time.monotonic() + seconds
    while text not in stream.getvalue() and time.monotonic() < deadline:
        time.sleep(0.02)


class CountingLine(ProgressLine):
    """A ProgressLine that counts its redraws, so a test waits for them, not for time."""

    redraws = 0

    def _text(self, tick: int) -> str:
        self.redraws += 1
        return super()._text(tick)


def test_slow_work_prints_each_step_once_in_a_log() -> None:
    stream = io.StringIO()
    with CountingLine("working", delay=0.05, stream=stream) as progress:
        progress(Progress(1, 2, "blur"))
        _wait_for(stream, "blur")
        seen = progress.redraws
        deadline = time.monotonic() + 10.0
        while progress.redraws < seen + 3 and time.monotonic() < deadline:
            time.sleep(0.01)  # polling, not a fixed wait: several redraws of the same step
        assert progress.redraws >= seen + 3
        progress(Progress(2, 2, "sharpen"))
        _wait_for(stream, "sharpen")
    lines = stream.getvalue().splitlines()
    assert [line.split(" (")[0] for line in lines] == [
        "... working 1/2 blur",
        "... working 2/2 sharpen",
    ]
