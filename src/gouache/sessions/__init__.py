"""Sessions: the branching version tree of a conversation, and the store that keeps it."""

from gouache.sessions.session import ExportResult, Session, TurnResult
from gouache.sessions.store import (
    Head,
    SessionRecord,
    SessionSummary,
    Store,
    Transaction,
    WriteConflictError,
)
from gouache.sessions.versions import (
    RecipeChange,
    ReferenceImage,
    Version,
    VersionDiff,
    VersionDraft,
    check_branch_name,
    diff_versions,
    render_tree,
)

__all__ = [
    "ExportResult",
    "Head",
    "RecipeChange",
    "ReferenceImage",
    "Session",
    "SessionRecord",
    "SessionSummary",
    "Store",
    "Transaction",
    "TurnResult",
    "Version",
    "VersionDiff",
    "VersionDraft",
    "WriteConflictError",
    "check_branch_name",
    "diff_versions",
    "render_tree",
]
