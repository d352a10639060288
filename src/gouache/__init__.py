"""gouache: talk to your pictures; every turn is a version, and nothing you made is lost.

The public API is re-exported here lazily, so `import gouache` (and `gouache --help`) stays fast.
"""

from __future__ import annotations

from importlib import import_module
from typing import TYPE_CHECKING, Any

__version__ = "0.1.0"

if TYPE_CHECKING:
    from gouache.backends.base import (
        Capabilities,
        EditRequest,
        GenerateRequest,
        ImageModel,
        ImageResult,
    )
    from gouache.backends.catalog import BackendRegistry, default_registry
    from gouache.backends.operators import OperatorBackend
    from gouache.errors import GouacheError
    from gouache.images import BlobStore, LoadedImage, load_image
    from gouache.ops.plan import EditPlan, Step
    from gouache.planner.plan import PlannerReply
    from gouache.planner.rules import RulePlanner
    from gouache.progress import CancelToken
    from gouache.sessions.session import Session
    from gouache.sessions.store import Store
    from gouache.sessions.turn import TurnRequest, TurnResult
    from gouache.sessions.versions import Version
    from gouache.settings import Settings

_WHERE = {
    "BackendRegistry": "gouache.backends.catalog",
    "BlobStore": "gouache.images",
    "CancelToken": "gouache.progress",
    "Capabilities": "gouache.backends.base",
    "EditPlan": "gouache.ops.plan",
    "EditRequest": "gouache.backends.base",
    "GenerateRequest": "gouache.backends.base",
    "GouacheError": "gouache.errors",
    "ImageModel": "gouache.backends.base",
    "ImageResult": "gouache.backends.base",
    "LoadedImage": "gouache.images",
    "OperatorBackend": "gouache.backends.operators",
    "PlannerReply": "gouache.planner.plan",
    "RulePlanner": "gouache.planner.rules",
    "Session": "gouache.sessions.session",
    "Settings": "gouache.settings",
    "Step": "gouache.ops.plan",
    "Store": "gouache.sessions.store",
    "TurnRequest": "gouache.sessions.turn",
    "TurnResult": "gouache.sessions.turn",
    "Version": "gouache.sessions.versions",
    "default_registry": "gouache.backends.catalog",
    "load_image": "gouache.images",
}

__all__ = [
    "BackendRegistry",
    "BlobStore",
    "CancelToken",
    "Capabilities",
    "EditPlan",
    "EditRequest",
    "GenerateRequest",
    "GouacheError",
    "ImageModel",
    "ImageResult",
    "LoadedImage",
    "OperatorBackend",
    "PlannerReply",
    "RulePlanner",
    "Session",
    "Settings",
    "Step",
    "Store",
    "TurnRequest",
    "TurnResult",
    "Version",
    "__version__",
    "default_registry",
    "load_image",
]


def __getattr__(name: str) -> Any:
    module = _WHERE.get(name)
    if module is None:
        raise AttributeError(f"module 'gouache' has no attribute {name!r}")
    return getattr(import_module(module), name)
