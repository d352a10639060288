"""The guard's own error: an edit whose drift is beyond the bounds, refused in strict mode.

    GouacheError
    └── BackendError
        └── DriftError        the output drifted too far to be trusted (.report, .backend)

It is a BackendError because the backend's output is at fault: the caller retries the edit
(another seed) or reports it; `report` says what was measured and which bound was crossed.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from gouache.errors import BackendError

if TYPE_CHECKING:
    from gouache.guard.report import GuardReport


class DriftError(BackendError):
    def __init__(self, message: str, *, report: GuardReport, backend: str | None = None) -> None:
        super().__init__(message, backend=backend)
        self.report = report
