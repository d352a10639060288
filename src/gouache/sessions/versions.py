"""The version record, the refs a user can type, the history tree and the diff of two versions.

A session's versions form a tree: every version but the root has one parent, and a turn never
changes an existing version. Branches are names pointing at versions; the head is a branch (or,
detached, a version) that the next turn builds on.

Refs a user can type, tried in this order:

    head              the current version
    main, b2, ...     a branch name: the version it points at
    3, v3             a version number
    3fa9c2            a version id prefix, at least 6 hex digits
    <ref>~N           N parents back from <ref> (`head~1` is the parent of the head)

Branch names that would read as something else ("head", "v3", "7", anything with "~") are refused.
"""

from __future__ import annotations

import json
import math
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from pathlib import PurePath
from typing import Any, Literal, NamedTuple

import numpy as np
from pydantic import BaseModel, ConfigDict, ValidationError

from gouache.errors import InputError, StoreError
from gouache.guard.report import GuardReport
from gouache.images import Image
from gouache.ops.plan import EditPlan

VersionKind = Literal["root", "turn", "attempt"]
VERSION_KINDS: tuple[VersionKind, ...] = ("root", "turn", "attempt")

MIN_ID_PREFIX = 6
MAX_BRANCH_NAME = 64

_NUMBER = re.compile(r"[vV]?(\d{1,9})")
_ID_PREFIX = re.compile(rf"[0-9a-f]{{{MIN_ID_PREFIX},32}}")
_ANCESTOR = re.compile(r"(.+?)~(\d{0,6})")
_BRANCH_NAME = re.compile(r"[A-Za-z0-9][A-Za-z0-9._/-]*")

# A pixel counts as changed when any channel moved by more than this many levels.
CHANGE_THRESHOLD = 2


@dataclass(frozen=True)
class ReferenceImage:
    """A reference image a turn used: its blob and the name the user knew it by."""

    digest: str
    name: str

    def to_json(self) -> dict[str, str]:
        return {"digest": self.digest, "name": self.name}


class CandidateRecord(BaseModel):
    """One try of a turn: its seed and what became of it ("kept", "refused by the guard: ...",
    "Ana lost", "failed the critique", "the same image as try 1")."""

    model_config = ConfigDict(frozen=True)

    seed: int | None
    outcome: str


class VersionScores(BaseModel):
    """What a turn measured on the pixels it kept; JSON only in the store.

    guard       the guard's report on this very image (None: the guard did not run)
    identity    each character's cosine in it, None where the character is absent
    critique    the guideline's evaluation of it (`Evaluation.to_json()`), with --guidelines
    candidates  every try of the turn, in seed order, and what became of it
    """

    model_config = ConfigDict(frozen=True, extra="ignore")

    guard: GuardReport | None = None
    identity: dict[str, float | None] | None = None
    critique: dict[str, Any] | None = None
    candidates: tuple[CandidateRecord, ...] = ()


def plan_from_json(value: Any) -> EditPlan | None:
    """A stored plan back as an EditPlan; StoreError when it is not one."""
    if value is None:
        return None
    try:
        return EditPlan.model_validate(value)
    except ValidationError as err:
        raise StoreError(f"a stored plan is not a plan: {err.errors()[0]['msg']}") from None


def scores_from_json(value: Any) -> VersionScores:
    """Stored scores back as VersionScores; StoreError when they are not."""
    try:
        return VersionScores.model_validate(value or {})
    except ValidationError as err:
        raise StoreError(f"stored scores are not scores: {err.errors()[0]['msg']}") from None


@dataclass(frozen=True)
class Version:
    """One image in a session's tree and everything needed to make it again."""

    id: str
    session_id: str
    number: int
    parent_id: str | None
    kind: VersionKind
    blob: str
    width: int
    height: int
    channels: int
    instruction: str
    plan: EditPlan | None
    backend: str | None
    backend_config: Mapping[str, Any]
    params: Mapping[str, Any]
    seed: int | None
    references: tuple[ReferenceImage, ...]
    timings: Mapping[str, float]
    scores: VersionScores
    notes: tuple[str, ...]
    reply: str
    created_at: datetime

    @property
    def label(self) -> str:
        """How a user refers to it: "v3"."""
        return f"v{self.number}"

    @property
    def short_id(self) -> str:
        return self.id[:8]

    @property
    def size(self) -> tuple[int, int]:
        """(width, height) in pixels."""
        return (self.width, self.height)

    def recipe(self) -> dict[str, Any]:
        """Everything needed to reproduce this version, as plain JSON values."""
        return {
            "version": self.number,
            "id": self.id,
            "kind": self.kind,
            "parent": self.parent_id,
            "instruction": self.instruction,
            "plan": None if self.plan is None else self.plan.model_dump(mode="json"),
            "backend": self.backend,
            "backend_config": _plain(self.backend_config),
            "params": _plain(self.params),
            "seed": self.seed,
            "references": [ref.to_json() for ref in self.references],
            "blob": self.blob,
            "size": {"width": self.width, "height": self.height, "channels": self.channels},
        }


@dataclass(frozen=True)
class VersionDraft:
    """A version before the store gives it an id, a number and a time."""

    parent_id: str | None
    kind: VersionKind
    blob: str
    width: int
    height: int
    channels: int
    instruction: str = ""
    plan: EditPlan | None = None
    backend: str | None = None
    backend_config: Mapping[str, Any] | None = None
    params: Mapping[str, Any] | None = None
    seed: int | None = None
    references: tuple[ReferenceImage, ...] = ()
    timings: Mapping[str, float] | None = None
    scores: VersionScores | None = None
    notes: tuple[str, ...] = ()
    reply: str = ""


def _plain(value: Any) -> Any:
    """Mappings and tuples as dicts and lists, so recipes compare and serialise plainly."""
    if isinstance(value, Mapping):
        return {str(k): _plain(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_plain(v) for v in value]
    return value


# ---------------------------------------------------------------------------------------------
# refs


def parse_number(ref: str) -> int | None:
    """The version number in "3" or "v3", else None."""
    match = _NUMBER.fullmatch(ref.strip())
    return int(match.group(1)) if match else None


def is_id_prefix(ref: str) -> bool:
    """True for 6 to 32 lowercase hex digits, the shortest id prefix a ref may use."""
    return _ID_PREFIX.fullmatch(ref) is not None


def split_ancestry(ref: str) -> tuple[str, int]:
    """A ref and how many parents back it goes: main~2 -> (main, 2), head~ -> (head, 1)."""
    match = _ANCESTOR.fullmatch(ref)
    if match is None:
        return ref, 0
    steps = match.group(2)
    return match.group(1), int(steps) if steps else 1


def check_branch_name(name: str) -> str:
    """Return `name` if it can be a branch name, else raise InputError saying why."""
    why = None
    if not name:
        why = "a branch name cannot be empty"
    elif len(name) > MAX_BRANCH_NAME:
        why = f"a branch name has at most {MAX_BRANCH_NAME} characters"
    elif name.lower() == "head":
        why = "'head' is reserved for the current version"
    elif parse_number(name) is not None:
        why = "a branch name cannot look like a version number"
    elif _BRANCH_NAME.fullmatch(name) is None:
        why = (
            "use letters, digits and . _ - / (starting with a letter or digit), "
            "no spaces and no '~'"
        )
    if why is not None:
        raise InputError(f"invalid branch name {name!r}: {why}")
    return name


def branch_at(names: dict[str, str], version_id: str, *, prefer: str | None) -> str | None:
    """The branch whose tip is `version_id`: `prefer` if it is one, else the first by name."""
    tips = sorted(name for name, tip in names.items() if tip == version_id)
    if prefer in tips:
        return prefer
    return tips[0] if tips else None


def held_by_branches(versions: list[Version], tips: Iterable[str]) -> set[str]:
    """Every version on the line of some branch (its tip and the tip's ancestors)."""
    parents = {v.id: v.parent_id for v in versions}
    held: set[str] = set()
    for tip in tips:
        node: str | None = tip
        while node is not None and node not in held:
            held.add(node)
            node = parents.get(node)
    return held


def names_only_a_branch(ref: str) -> bool:
    """True when `ref` can only be a branch name (not head, a number, an id prefix, ~N)."""
    base, steps = split_ancestry(ref)
    return (
        steps == 0
        and base.lower() != "head"
        and parse_number(base) is None
        and not is_id_prefix(base.lower())
    )


# ---------------------------------------------------------------------------------------------
# the history tree


def render_tree(
    versions: Sequence[Version],
    branches: Mapping[str, str],
    head_id: str | None,
    *,
    width: int = 56,
) -> str:
    """The tree as ASCII, newest first, one line per version (like `git log --graph`).

    `o` marks a version and `*` the head; `|` and `/` draw the lines between them. Each line
    shows the number, the instruction (cut to `width` characters) and the branches there::

        o    v3  grayscale                 [b2]
        | *  v2  brighter                  [main]
        |/
        o    v1  flip horizontally
        o    v0  (start) cat.png
    """
    if not versions:
        return "(no versions)"
    by_id = {v.id: v for v in versions}
    tags: dict[str, list[str]] = {}
    for name, version_id in sorted(branches.items()):
        tags.setdefault(version_id, []).append(name)

    # Lines go newest first; each subtree is printed whole before its parent, so the lines
    # waiting for one parent are always the rightmost lanes and never cross.
    lanes: list[str] = []
    rows: list[tuple[str, Version | None]] = []
    for version in _subtree_order(versions, by_id):
        cols = [i for i, wanted in enumerate(lanes) if wanted == version.id]
        if not cols:
            lanes.append(version.id)
            col = len(lanes) - 1
        else:
            col = cols[0]
            for extra in reversed(cols[1:]):
                rows.append((_merge_line(len(lanes), extra), None))
                del lanes[extra]
        glyph = "*" if version.id == head_id else "o"
        rows.append((" ".join(glyph if i == col else "|" for i in range(len(lanes))), version))
        if version.parent_id is not None and version.parent_id in by_id:
            lanes[col] = version.parent_id
        else:
            del lanes[col]

    graph_width = max(len(graph) for graph, _ in rows)
    number_width = max(len(v.label) for v in versions)
    lines = []
    for graph, shown in rows:
        if shown is None:
            lines.append(graph.rstrip())
            continue
        text = _truncate(_describe(shown), width)
        names = tags.get(shown.id, [])
        suffix = f"  [{', '.join(names)}]" if names else ""
        if shown.id == head_id and not names:
            suffix += "  (detached head)"
        line = f"{graph:<{graph_width}}  {shown.label:<{number_width}}  {text:<{width}}{suffix}"
        lines.append(line.rstrip())
    return "\n".join(lines)


def _subtree_order(versions: Sequence[Version], by_id: Mapping[str, Version]) -> list[Version]:
    """Children before parents, each subtree contiguous, the most recently active first."""
    children: dict[str | None, list[Version]] = {}
    for version in versions:
        parent = version.parent_id if version.parent_id in by_id else None
        children.setdefault(parent, []).append(version)
    newest: dict[str, int] = {}
    for version in sorted(versions, key=lambda v: v.number, reverse=True):
        kids = children.get(version.id, [])
        newest[version.id] = max([version.number, *(newest[k.id] for k in kids)])

    def most_recent_first(items: list[Version]) -> list[Version]:
        return sorted(items, key=lambda v: (newest[v.id], v.number), reverse=True)

    order: list[Version] = []
    stack: list[tuple[Version, bool]] = [(r, False) for r in most_recent_first(children[None])]
    stack.reverse()
    while stack:
        version, expanded = stack.pop()
        if expanded:
            order.append(version)
            continue
        stack.append((version, True))
        kids = most_recent_first(children.get(version.id, []))
        stack.extend((kid, False) for kid in reversed(kids))
    return order


def _merge_line(lane_count: int, merged: int) -> str:
    """Lane `merged` joins the lane on its left; the lanes right of it shift left."""
    chars = [" "] * (2 * lane_count - 1)
    for i in range(lane_count):
        if i < merged:
            chars[2 * i] = "|"
        else:
            chars[2 * i - 1] = "/"
    return "".join(chars)


def _describe(version: Version) -> str:
    text = " ".join(version.instruction.split())
    if version.kind == "root":
        return f"(start) {text or version.reply}".strip()
    if version.kind == "attempt":
        return f"(attempt) {text}"
    return text


def _truncate(text: str, width: int) -> str:
    return text if len(text) <= width else text[: max(width - 3, 1)] + "..."


# ---------------------------------------------------------------------------------------------
# diff


class RecipeChange(NamedTuple):
    """A recipe field that differs between two versions."""

    field: str
    a: Any
    b: Any


@dataclass(frozen=True)
class VersionDiff:
    """How two versions differ: in their recipes, and in their pixels when sizes allow."""

    a: Version
    b: Version
    recipe_changes: list[RecipeChange]
    size_a: tuple[int, int]
    size_b: tuple[int, int]
    same_size: bool
    # Over every channel value, in 0..255 levels; None when the sizes differ.
    mean_abs_diff: float | None
    max_diff: int | None
    # Peak signal-to-noise ratio in dB; inf when the pixels are identical.
    psnr: float | None
    # Share of pixels (0..1) where some channel moved by more than CHANGE_THRESHOLD levels.
    changed_share: float | None
    notes: tuple[str, ...] = ()

    def describe(self) -> str:
        """A few lines for a terminal."""
        lines = [f"{self.a.label} -> {self.b.label}"]
        for change in self.recipe_changes:
            lines.append(f"  {change.field}: {_short(change.a)} -> {_short(change.b)}")
        if not self.same_size:
            (wa, ha), (wb, hb) = self.size_a, self.size_b
            lines.append(f"  size differs: {wa}x{ha} -> {wb}x{hb}; no pixel comparison")
        else:
            psnr = "identical" if self.psnr == math.inf else f"PSNR {self.psnr:.1f} dB"
            lines.append(
                f"  pixels: {100 * (self.changed_share or 0.0):.1f}% changed, "
                f"mean |diff| {self.mean_abs_diff:.2f}, max {self.max_diff}, {psnr}"
            )
        lines.extend(f"  note: {note}" for note in self.notes)
        return "\n".join(lines)


_NOT_COMPARED = frozenset({"version", "id"})


def diff_versions(a: Version, b: Version, image_a: Image, image_b: Image) -> VersionDiff:
    """Compare two versions' recipes and pixels (`image_a`, `image_b` are their images)."""
    recipe_a, recipe_b = a.recipe(), b.recipe()
    changes = [
        RecipeChange(key, recipe_a[key], recipe_b.get(key))
        for key in recipe_a
        if key not in _NOT_COMPARED and recipe_a[key] != recipe_b.get(key)
    ]
    size_a = (int(image_a.shape[1]), int(image_a.shape[0]))
    size_b = (int(image_b.shape[1]), int(image_b.shape[0]))
    if size_a != size_b:
        return VersionDiff(a, b, changes, size_a, size_b, False, None, None, None, None)

    notes: tuple[str, ...] = ()
    if image_a.shape[2] != image_b.shape[2]:
        notes = ("one image has an alpha channel and the other not; compared RGB only",)
        image_a, image_b = image_a[:, :, :3], image_b[:, :, :3]
    delta = np.abs(image_a.astype(np.int16) - image_b.astype(np.int16))
    mse = float(np.mean(np.square(delta, dtype=np.float64)))
    psnr = math.inf if mse == 0 else 10.0 * math.log10(255.0**2 / mse)
    changed = float(np.mean(delta.max(axis=2) > CHANGE_THRESHOLD))
    return VersionDiff(
        a,
        b,
        changes,
        size_a,
        size_b,
        True,
        mean_abs_diff=float(delta.mean()),
        max_diff=int(delta.max()),
        psnr=psnr,
        changed_share=changed,
        notes=notes,
    )


def _short(value: Any, limit: int = 60) -> str:
    text = value if isinstance(value, str) and value else repr(value)
    return _truncate(" ".join(text.split()), limit)


def to_json(value: Any, what: str) -> Any:
    """`value` as plain JSON values (tuples become lists); StoreError for what JSON cannot hold."""
    try:
        return json.loads(json.dumps(value, default=_json_default))
    except (TypeError, ValueError) as err:
        raise StoreError(f"the {what} cannot be stored as JSON: {err}") from None


def _json_default(value: Any) -> Any:
    import numpy as np
    from pydantic import BaseModel

    if isinstance(value, np.generic):
        return value.item()
    if isinstance(value, np.ndarray) and value.size <= 64:
        return value.tolist()
    if isinstance(value, PurePath):
        return str(value)
    if isinstance(value, BaseModel):
        return value.model_dump(mode="json")
    if isinstance(value, set | frozenset):
        return sorted(value)
    raise TypeError(f"{type(value).__name__} is not JSON serialisable")
