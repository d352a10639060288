"""The public API is exactly `gouache.__all__`, sorted, and every name resolves."""

from __future__ import annotations

import subprocess
import sys

import gouache

PINNED = [
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


def test_the_public_api_is_pinned() -> None:
    assert gouache.__all__ == PINNED


def test_the_public_api_is_sorted() -> None:
    assert gouache.__all__ == sorted(gouache.__all__)
    assert len(set(gouache.__all__)) == len(gouache.__all__)


def test_every_public_name_resolves() -> None:
    for name in gouache.__all__:
        assert getattr(gouache, name) is not None, name


def test_importing_gouache_loads_no_heavy_library() -> None:
    code = (
        "import sys, gouache, gouache.cli; "
        "names = ('numpy', 'cv2', 'sqlalchemy', 'PIL', 'pydantic'); "
        "heavy = [m for m in names if m in sys.modules]; "
        "print(','.join(heavy))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == ""
