"""What the guard measured and did, stored on the version; and the bounds of strict mode."""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass, field
from typing import Any, Literal

from gouache.images import Image

Mode = Literal["off", "on", "strict"]
Scope = Literal["auto", "local", "global"]
Triple = tuple[float, float, float]


@dataclass(frozen=True)
class DriftBounds:
    """The drift strict mode accepts; beyond any of these the edit is refused.

    `max_shift` is a fraction of the width (the centre's displacement), `max_scale` the zoom
    |scale - 1|, `max_rotation_deg` degrees. The colour bounds (|gain - 1|, |offset| as a
    fraction of full scale, |gamma - 1|) also decide, in every mode, how large a global colour
    change may be and still count as drift: anything larger is taken to be the edit itself.
    """

    max_shift: float = 0.03
    max_scale: float = 0.05
    max_rotation_deg: float = 2.0
    max_gain: float = 0.12
    max_offset: float = 0.12
    max_gamma: float = 0.2


@dataclass(frozen=True)
class GuardReport:
    """One guarded edit, as stored on the version (`to_json`).

    resized_from        the output's (width, height) when it was not the source's size
    resize              how it was read: "same", "stretch", or a centred "crop" or "pad"
    aligned             whether a shift/zoom/turn was found (else the plain resize was used)
    shift_px            where the output moved the image centre (dx, dy), source pixels
    scale, rotation_deg the output's zoom and turn (counter-clockwise), after the resize
    gain, offset, gamma the colour curve found per RGB channel (output = gain * src^gamma +
                        offset, 0..1); `colour_corrected` whether it was undone
    changed_share       the share of the picture visibly changed (16-pixel blocks): step 6
    mask_share          the share inside the change mask (what was kept from the output)
    global_edit         taken as a global edit: aligned, nothing copied back
    threshold           the change mask's level (of 255), from the noise
    psnr_outside_*      PSNR (dB, capped at 100) over the pixels outside the change mask: of
                        the output as it came (resized to the source's size), after alignment
                        and colour correction, and of the guarded image
    ms                  the guard's wall time
    refused             why strict mode refused the edit, else None
    """

    mode: Mode
    scope: Scope = "auto"
    resized_from: tuple[int, int] | None = None
    resize: str = "same"
    aligned: bool = False
    shift_px: tuple[float, float] = (0.0, 0.0)
    scale: float = 1.0
    rotation_deg: float = 0.0
    gain: Triple = (1.0, 1.0, 1.0)
    offset: Triple = (0.0, 0.0, 0.0)
    gamma: Triple = (1.0, 1.0, 1.0)
    colour_corrected: bool = False
    changed_share: float = 0.0
    mask_share: float = 0.0
    global_edit: bool = False
    copied_back: bool = False
    threshold: float = 0.0
    psnr_outside_before: float | None = None
    psnr_outside_aligned: float | None = None
    psnr_outside_after: float | None = None
    ms: float = 0.0
    refused: str | None = None
    notes: tuple[str, ...] = field(default=())

    def to_dict(self) -> dict[str, Any]:
        out = asdict(self)
        for key, value in out.items():
            if isinstance(value, tuple):
                out[key] = list(value)
        return out

    def to_json(self) -> str:
        return json.dumps(self.to_dict(), sort_keys=True)

    @classmethod
    def from_json(cls, text: str) -> GuardReport:
        raw: dict[str, Any] = json.loads(text)
        for key in ("resized_from", "shift_px", "gain", "offset", "gamma", "notes"):
            if raw.get(key) is not None:
                raw[key] = tuple(raw[key])
        return cls(**raw)


@dataclass(frozen=True)
class GuardResult:
    image: Image
    report: GuardReport
