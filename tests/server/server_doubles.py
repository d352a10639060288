"""Backend doubles for the server tests, passed to create_app(models=...) as the API allows.

The offline operator backend cannot draw from text and finishes small edits in milliseconds;
these stand in where a test needs a model that draws, or a turn that runs until told to stop.
"""

from __future__ import annotations

import threading

import numpy as np

from gouache.backends.base import Capabilities, EditRequest, GenerateRequest, ImageResult
from gouache.progress import CancelToken, Progress, ProgressCallback


class DrawingBackend:
    """Draws a seeded gradient of the asked size from a prompt; edits by inverting."""

    name = "drawing"
    capabilities = Capabilities(generate=True, edit=True, max_references=2)
    operators = None  # takes the instruction as its prompt

    def config(self) -> dict[str, object]:
        return {}

    def generate(
        self,
        request: GenerateRequest,
        *,
        progress: ProgressCallback | None = None,
        cancel: CancelToken | None = None,
    ) -> ImageResult:
        width, height = request.width or 64, request.height or 48
        rng = np.random.default_rng(request.seed or 0)
        y, x = np.mgrid[0:height, 0:width]
        image = np.stack([x * 255 // width, y * 255 // height, np.full_like(x, 90)], -1)
        image = np.clip(image + rng.integers(0, 30, image.shape), 0, 255).astype(np.uint8)
        return ImageResult(image=image, seed=request.seed, text=f"drew {request.prompt!r}")

    def edit(
        self,
        request: EditRequest,
        *,
        progress: ProgressCallback | None = None,
        cancel: CancelToken | None = None,
    ) -> ImageResult:
        return ImageResult(image=(255 - request.image).astype(np.uint8))


class GateBackend:
    """An edit that reports progress and runs until `gate` opens or the turn is cancelled."""

    name = "gate"
    capabilities = Capabilities(generate=False, edit=True, preserves_unedited=True)
    operators = None

    def __init__(self) -> None:
        self.gate = threading.Event()
        self.started = threading.Event()

    def config(self) -> dict[str, object]:
        return {}

    def generate(
        self,
        request: GenerateRequest,
        *,
        progress: ProgressCallback | None = None,
        cancel: CancelToken | None = None,
    ) -> ImageResult:
        raise NotImplementedError

    def edit(
        self,
        request: EditRequest,
        *,
        progress: ProgressCallback | None = None,
        cancel: CancelToken | None = None,
    ) -> ImageResult:
        self.started.set()
        step = 0
        while not self.gate.wait(0.02):
            step += 1
            if progress is not None:
                progress(Progress(min(step, 99), 100, "waiting at the gate"))
            if cancel is not None:
                cancel.raise_if_cancelled()
        if progress is not None:
            progress(Progress(100, 100, "done"))
        return ImageResult(image=(255 - request.image).astype(np.uint8))
