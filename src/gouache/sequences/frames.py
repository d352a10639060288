"""Frames as versions: one instruction applied again and again, each frame the child of the
previous one, on a branch of its own; then identity and background consistency per frame."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

import cv2
import numpy as np

from gouache.critics import preservation
from gouache.errors import InputError
from gouache.images import Image
from gouache.sessions.versions import CHANGE_THRESHOLD, Version

if TYPE_CHECKING:
    from gouache.sessions.session import Session

MAX_FRAMES = 240
# A pixel moved when a channel changed by more than this many levels from the previous frame
# (the threshold `gouache diff` counts changed pixels with).
MOVED = CHANGE_THRESHOLD


@dataclass(frozen=True)
class FrameScore:
    """What one frame kept: each character's identity, the background's PSNR against the
    first frame (outside the subject and faces), and the share that moved since the last."""

    label: str
    identity: dict[str, float | None] = field(default_factory=dict)
    background_psnr: float | None = None
    moved: float | None = None


@dataclass(frozen=True)
class FrameRun:
    branch: str
    versions: tuple[Version, ...]
    scores: tuple[FrameScore, ...]
    stopped: str = ""


def make_frames(
    session: Session,
    start: str,
    instruction: str,
    count: int,
    *,
    on_frame: Callable[[int, Version], None] | None = None,
) -> FrameRun:
    """Apply `instruction` `count` times from version `start`, each frame on the previous one,
    on a new branch frames, frames-2, ... A turn that makes nothing stops the run and says why."""
    if not 1 <= count <= MAX_FRAMES:
        raise InputError(f"--count is 1 to {MAX_FRAMES} frames, not {count}")
    first = session.resolve(start)
    names = session.branches()
    branch = "frames"
    number = 2
    while branch in names:
        branch, number = f"frames-{number}", number + 1
    made: list[Version] = []
    stopped = ""
    for index in range(count):
        at = first.id if index == 0 else made[-1].id
        turn = session.apply(instruction, at=at, branch=branch if index == 0 else None)
        if turn.version is None:
            stopped = f"frame {index + 1}: {turn.reply.splitlines()[-1]}"
            break
        made.append(turn.version)
        if on_frame is not None:
            on_frame(index + 1, turn.version)
    scores = measure(session, [first, *made])
    return FrameRun(branch, tuple(made), tuple(scores), stopped)


def measure(session: Session, versions: list[Version]) -> list[FrameScore]:
    """Identity per character and background consistency for each version, in order."""
    characters = session.characters()
    images = [session.image(v.id) for v in versions]
    background = _background(session, images[0])
    scores = []
    previous: Image | None = None
    for version, image in zip(versions, images, strict=True):
        identity = session.identity_scores(image) if characters else {}
        psnr = None
        if background is not None and image.shape == images[0].shape:
            psnr = preservation.psnr(images[0], image, background)
        moved = None
        if previous is not None and previous.shape == image.shape:
            delta = np.abs(image.astype(np.int16) - previous.astype(np.int16)).max(axis=2)
            moved = float(np.mean(delta > MOVED))
        scores.append(FrameScore(version.label, dict(identity), psnr, moved))
        previous = image
    return scores


def _background(
    session: Session, image: Image
) -> np.ndarray[tuple[int, int], np.dtype[np.bool_]] | None:
    """Pixels outside the subject and the faces of the first frame (None if nothing is left)."""
    analysis = session.analyses.get(image)
    moving = analysis.subject.mask.copy()
    for face in analysis.faces:
        box = face.box
        moving[max(0, box.y) : box.bottom, max(0, box.x) : box.right] = True
    grown = cv2.dilate(moving.astype(np.uint8), np.ones((9, 9), np.uint8)).astype(bool)
    background = ~grown
    return background if background.mean() > 0.02 else None


def table(scores: list[FrameScore]) -> str:
    """One line per frame: identity per character, background PSNR, share moved."""
    names = sorted({name for s in scores for name in s.identity})
    head = ["frame", *names, "background dB", "moved"]
    lines = ["  ".join(f"{h:>13}" for h in head)]
    for s in scores:
        cells = [s.label]
        for name in names:
            value = s.identity.get(name)
            cells.append("absent" if value is None else f"{value:.2f}")
        psnr = s.background_psnr
        same = psnr is not None and psnr >= preservation.PSNR_CAP
        cells.append("-" if psnr is None else "identical" if same else f"{psnr:.1f}")
        cells.append("-" if s.moved is None else f"{100 * s.moved:.1f}%")
        lines.append("  ".join(f"{c:>13}" for c in cells))
    return "\n".join(lines)
