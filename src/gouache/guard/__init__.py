"""Preservation: keep what the user did not ask to change (see gouache.guard.pipeline).

guard(source, output, mode=..., regions=..., bounds=..., scope=...) -> GuardResult
"""

from gouache.guard.errors import DriftError
from gouache.guard.pipeline import guard
from gouache.guard.report import DriftBounds, GuardReport, GuardResult, Mode, Scope

__all__ = ["DriftBounds", "DriftError", "GuardReport", "GuardResult", "Mode", "Scope", "guard"]
