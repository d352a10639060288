"""Progress appears only for work that takes over the delay."""

from __future__ import annotations

import io
import time

from gouache.backends.base import Progress
from gouache.progress import ProgressLine


def test_quick_work_prints_no_progress() -> None:
    stream = io.StringIO()
    with ProgressLine("working", delay=0.5, stream=stream) as progress:
        progress(Progress(1, 2, "blur"))
    assert stream.getvalue() == ""


def test_slow_work_prints_each_step_once_in_a_log() -> None:
    stream = io.StringIO()
    with ProgressLine("working", delay=0.05, stream=stream) as progress:
        progress(Progress(1, 2, "blur"))
        time.sleep(0.5)
        progress(Progress(2, 2, "sharpen"))
        time.sleep(0.5)
    lines = stream.getvalue().splitlines()
    assert [line.split(" (")[0] for line in lines] == [
        "... working 1/2 blur",
        "... working 2/2 sharpen",
    ]
