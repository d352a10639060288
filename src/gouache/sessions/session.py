"""The conversation engine: every turn makes a new version, and nothing a user made is lost.

A turn plans the instruction, runs the backend on the parent's image, stores the pixels, then
records the version and moves the branch in one transaction. The state that matters (the head,
the branches) lives in the store, not in this object, so several processes can drive one
session: a branch only advances if it still points where it did when the turn began
(compare-and-swap); otherwise the new version goes on a new branch and the reply says so.

Undo and redo move the current branch along the tree; they never delete. Applying at an older
version starts a new branch, and the line it left keeps its own.
"""

from __future__ import annotations

import json
import re
import threading
from collections import OrderedDict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from time import perf_counter
from typing import TYPE_CHECKING, Any, TypedDict, Unpack

from gouache.backends.base import GenerateRequest, ImageModel, require
from gouache.characters import Character, find_character, identity_scores
from gouache.errors import BranchNotFoundError, InputError
from gouache.images import Image, LoadedImage, check_image
from gouache.ops.plan import EditPlan
from gouache.planner.plan import PlanContext, Planner, PlannerQuestion, PlanOutcome
from gouache.progress import CancelToken, ProgressCallback
from gouache.sessions import identity, preserve
from gouache.sessions.offers import Offers
from gouache.sessions.store import SessionRecord, Store, Transaction, WriteConflictError
from gouache.sessions.turn import Judge, TurnPipeline, TurnRequest, TurnResult, plan_context
from gouache.sessions.versions import (
    Version,
    VersionDiff,
    VersionDraft,
    VersionKind,
    branch_at,
    check_branch_name,
    diff_versions,
    held_by_branches,
    names_only_a_branch,
    render_tree,
)

if TYPE_CHECKING:
    import os

    from gouache.analysis.cache import AnalysisCache
    from gouache.suggest import Redacted, Suggestion

IMAGE_CACHE_SIZE = 6
# Suggestions never undo what the user chose this many versions back along the lineage.
OFFER_MEMORY = 8

__all__ = ["ExportResult", "Session", "TurnOptions", "TurnRequest", "TurnResult", "plan_context"]


class TurnOptions(TypedDict, total=False):
    """The fields of a TurnRequest besides the instruction, as keywords of `Session.apply`."""

    at: str | None
    branch: str | None
    references: Sequence[LoadedImage]
    seed: int | None
    retries: int
    plan: EditPlan | None
    kind: VersionKind
    judge: Judge | None
    mask: Image | None
    keep: tuple[str, ...] | None


@dataclass(frozen=True)
class ExportResult:
    version: Version
    image_path: Path
    recipe_path: Path


class _ImageCache:
    """Decoded images by blob digest, least recently used out first. Arrays are read-only.
    A turn's write (on its own thread) puts what it stored, hence the lock."""

    def __init__(self, capacity: int) -> None:
        self.capacity = capacity
        self._items: OrderedDict[str, Image] = OrderedDict()
        self._lock = threading.Lock()

    def get(self, digest: str) -> Image | None:
        with self._lock:
            image = self._items.get(digest)
            if image is not None:
                self._items.move_to_end(digest)
            return image

    def put(self, digest: str, image: Image) -> Image:
        image.flags.writeable = False
        with self._lock:
            self._items[digest] = image
            self._items.move_to_end(digest)
            while len(self._items) > self.capacity:
                self._items.popitem(last=False)
        return image


class Session:
    """One conversation about one picture: a tree of versions in a Store.

    Make one with `Session.start`, `Session.start_from_text` or `Session.open`.
    """

    def __init__(
        self,
        store: Store,
        record: SessionRecord,
        *,
        backend: ImageModel | None = None,
        planner: Planner | None = None,
    ) -> None:
        self.store = store
        self.record = record
        self._backend = backend
        self._planner = planner
        self._images = _ImageCache(IMAGE_CACHE_SIZE)
        self._analyses: AnalysisCache | None = None
        # A question the planner asked last turn, answered (or dropped) by the next one,
        # with the images attached to the turn that asked it.
        self.pending: PlannerQuestion | None = None
        # off, on (default) or strict: see gouache.guard; only for backends that redraw pixels
        self.guard_mode: preserve.GuardMode = "on"
        self._pending_references: tuple[LoadedImage, ...] = ()
        self._offers = Offers()

    @property
    def analyses(self) -> AnalysisCache:
        """Faces, text and subject per image, computed once and kept on disk by image hash."""
        if self._analyses is None:
            from gouache.analysis.cache import AnalysisCache

            shared = getattr(self._backend, "analyses", None)
            if shared is not None:
                self._analyses = shared
            else:
                folder = Path(self.store.blobs.root).parent / "analysis"
                self._analyses = AnalysisCache(cache_dir=folder)
        return self._analyses

    @property
    def backend(self) -> ImageModel:
        """The model turns run on; `OperatorBackend()` unless one was given."""
        if self._backend is None:
            from gouache.backends.operators import OperatorBackend

            self._backend = OperatorBackend(analyses=self.analyses)
        return self._backend

    @property
    def planner(self) -> Planner:
        """Instruction -> plan: the rule planner over the backend's operators, or, for a
        generative backend, the instruction itself as the prompt."""
        if self._planner is None:
            self._planner = default_planner(self.backend)
        return self._planner

    def __repr__(self) -> str:
        return f"Session({self.name!r}, id={self.id[:8]}, store={self.store.label!r})"

    @property
    def id(self) -> str:
        return self.record.id

    @property
    def name(self) -> str:
        return self.record.name

    # -- starting and opening ---------------------------------------------------------------

    @classmethod
    def start(
        cls,
        store: Store,
        image: LoadedImage | Image,
        *,
        name: str | None = None,
        backend: ImageModel | None = None,
        planner: Planner | None = None,
        owner: str | None = None,
        origin: Mapping[str, Any] | None = None,
        reply: str | None = None,
    ) -> Session:
        """A new session whose root is `image`, on branch "main" (owned by a tenant of the HTTP
        API when `owner` is given).

        `origin` (what an imported file said about where it came from) is kept in the root's
        params under "origin"; `reply` replaces the default "started from ..." text."""
        if isinstance(image, LoadedImage):
            pixels, source, notes = check_image(image.pixels).copy(), image.name, image.notes
        else:
            pixels, source, notes = check_image(image).copy(), "", ()
        default = _slug(Path(source).stem) if not source.startswith("<") else ""
        root = _root(
            pixels,
            notes=tuple(notes),
            params={"origin": dict(origin)} if origin else {},
            reply=reply or (f"started from {source}" if source else "started from an image"),
        )
        return cls._start(
            store,
            pixels,
            root,
            name=name,
            default_name=default or "untitled",
            model=backend,
            planner=planner,
            owner=owner,
        )

    @classmethod
    def start_from_text(
        cls,
        store: Store,
        prompt: str,
        *,
        backend: ImageModel,
        name: str | None = None,
        planner: Planner | None = None,
        seed: int | None = None,
        width: int | None = None,
        height: int | None = None,
        progress: ProgressCallback | None = None,
        cancel: CancelToken | None = None,
        owner: str | None = None,
    ) -> Session:
        """A new session whose root the backend draws from `prompt`."""
        # 1. check inputs
        require(backend, "generate")
        text = prompt.strip()
        if not text:
            raise InputError("describe the picture to generate, e.g. 'a red fox in the snow'")

        # 2. generate
        started = perf_counter()
        request = GenerateRequest(prompt=text, seed=seed, width=width, height=height)
        result = backend.generate(request, progress=progress, cancel=cancel)
        pixels = check_image(result.image)

        # 3. store the pixels, then the session and its root
        root = _root(
            pixels,
            instruction=text,
            backend=backend.name,
            backend_config=backend.config(),
            params=dict(result.params),
            seed=result.seed if result.seed is not None else seed,
            timings={"backend": _ms(started)},
            notes=tuple(result.notes),
            reply=result.text or f"generated from {text!r}",
        )
        return cls._start(
            store,
            pixels,
            root,
            name=name,
            default_name=_slug(text) or "untitled",
            model=backend,
            planner=planner,
            owner=owner,
        )

    @classmethod
    def _start(
        cls,
        store: Store,
        pixels: Image,
        root: VersionDraft,
        *,
        name: str | None,
        default_name: str,
        model: ImageModel | None,
        planner: Planner | None,
        owner: str | None = None,
    ) -> Session:
        started = perf_counter()
        digest = store.blobs.put(pixels)
        timings = {**(root.timings or {}), "store": _ms(started)}
        timings["total"] = sum(timings.values())
        root = replace(root, blob=digest, timings=timings)
        record, _ = store.run(
            lambda tx: tx.create_session(name, root, default_name=default_name, owner=owner)
        )
        created = cls(store, record, backend=model, planner=planner)
        created._images.put(digest, pixels)
        return created

    @classmethod
    def open(
        cls,
        store: Store,
        session: str,
        *,
        backend: ImageModel | None = None,
        planner: Planner | None = None,
    ) -> Session:
        """An existing session by id, name, or unique id prefix (6+ hex digits)."""
        return cls(store, store.find_session(session), backend=backend, planner=planner)

    # -- turns ------------------------------------------------------------------------------

    def apply(
        self,
        request: TurnRequest | str,
        *,
        progress: ProgressCallback | None = None,
        cancel: CancelToken | None = None,
        **options: Unpack[TurnOptions],
    ) -> TurnResult:
        """One turn (see gouache.sessions.turn): plan the instruction, edit the head (or
        `request.at`), store the new version. A string is an instruction with `options`.

        At the head of a branch the branch advances. At an older version, or with a detached
        head, the version starts a new branch (`branch`, or b2, b3, ...) that becomes the head,
        unless the request is `replacing` the tip of the current branch: that branch moves on.
        """
        if isinstance(request, str):
            request = TurnRequest(instruction=request, **options)
        elif options:
            raise TypeError("give the options in the TurnRequest, not as keywords")
        if self.pending is not None and not request.references and request.plan is None:
            # "the middle one" answers a question asked with images attached: reuse them
            request = replace(request, references=self._pending_references)
        pending = self.pending
        self.pending, self._pending_references = None, ()
        result = self.pipeline().run(request, pending=pending, progress=progress, cancel=cancel)
        if result.question is not None:
            self.pending = result.question
            self._pending_references = tuple(request.references)
        return result

    def plan(
        self, instruction: str, *, at: str | None = None, references: Sequence[LoadedImage] = ()
    ) -> PlanOutcome:
        """What the planner makes of `instruction` at the head (or `at`), without a turn: the
        plan to pass on in a TurnRequest, or its reply, question or answer."""
        image = self._image_of(self.resolve(at or "head"))
        return self.planner.plan(instruction, self._context(image, references))

    def pipeline(self) -> TurnPipeline:
        """The turn's steps over this session's store, backend, planner and caches."""
        return TurnPipeline(
            store=self.store,
            session_id=self.id,
            backend=self.backend,
            planner=self.planner,
            analyses=self.analyses,
            guard_mode=self.guard_mode,
            characters=lambda records: identity.load_characters(
                self.store, records, self.analyses, self._embeddings
            ),
            image_of=self._image_of,
            remember=self._images.put,
            cached=self._images.get,
        )

    def suggestions(self, ref: str = "head", *, limit: int = 3) -> tuple[Suggestion, ...]:
        """Up to `limit` next edits worth trying on a version, from its analysis."""
        from gouache.suggest import suggest

        version = self.resolve(ref)
        image = self.image(version.id)
        done = self._chosen(version)
        redacted = self._redacted(version)
        ideas = suggest(
            image, self.analyses.get(image), limit=limit + len(done) + 3, redacted=redacted
        )
        # Never one that undoes what the user asked for on the way to this version ("cooler"
        # two turns after "warmer"), nor one passed over twice (each idea names its operator,
        # so nothing is planned again here).
        return self._offers.choose(ideas, done, limit)

    def _chosen(self, version: Version, depth: int = OFFER_MEMORY) -> set[str]:
        """The operators of `version` and of up to `depth` - 1 of its ancestors."""
        done: set[str] = set()
        with self.store.read() as tx:
            current: Version | None = version
            for _ in range(depth):
                if current is None:
                    break
                if current.plan is not None:
                    done.update(step.op for step in current.plan.steps)
                parent = current.parent_id
                current = tx.version(self.id, parent) if parent is not None else None
        return done

    def ideas(self, ref: str = "head", *, limit: int = 3) -> tuple[Suggestion, ...]:
        """Creative edits that suit a version with nothing to fix ("any suggestions?")."""
        from gouache.suggest import ideas

        version = self.resolve(ref)
        image = self.image(version.id)
        return ideas(image, self.analyses.get(image), limit=limit, redacted=self._redacted(version))

    def _redacted(self, version: Version) -> Redacted | None:
        """The faces blurred or pixelated on the way to `version`, from its recipe."""
        from gouache.ops.registry import default_operators
        from gouache.sessions.redacted import redacted_faces

        lineage = [version]
        with self.store.read() as tx:
            while lineage[-1].parent_id is not None:
                lineage.append(tx.version(self.id, lineage[-1].parent_id))
        operators = self.backend.operators or default_operators()
        return redacted_faces(lineage[::-1], self._image_of, self.analyses, operators)

    def _context(self, image: Image, references: Sequence[LoadedImage]) -> PlanContext:
        return plan_context(self.analyses, image, references, self.pending)

    # -- moving around ----------------------------------------------------------------------

    def undo(self) -> Version:
        """Move the current branch (or detached head) back to its parent; nothing is deleted."""

        def undo(tx: Transaction) -> Version:
            head = tx.head(self.id)
            if head.version.parent_id is None:
                raise InputError(
                    f"nothing to undo: {head.version.label} is the first version "
                    f"of session {self.name!r}"
                )
            parent = tx.version(self.id, head.version.parent_id)
            self._move(tx, head.branch, head.version.id, parent.id)
            return parent

        return self.store.run(undo)

    def redo(self) -> Version:
        """Forward again to the newest undone child of the head (one no branch holds)."""

        def redo(tx: Transaction) -> Version:
            head = tx.head(self.id)
            held = held_by_branches(tx.versions(self.id), tx.branches(self.id).values())
            undone = [
                child
                for child in tx.children(self.id, head.version.id)
                if child.kind == "turn" and child.id not in held
            ]
            if not undone:
                raise InputError(f"nothing to redo at {head.version.label}")
            child = max(undone, key=lambda v: v.number)
            self._move(tx, head.branch, head.version.id, child.id)
            return child

        return self.store.run(redo)

    def move_to(self, ref: str) -> Version:
        """Move the current branch (or detached head) to version `ref`; nothing is deleted.
        Undoing a follow-up puts the version it replaced back on the line this way."""

        def move(tx: Transaction) -> Version:
            head = tx.head(self.id)
            version = tx.resolve(self.id, ref)
            self._move(tx, head.branch, head.version.id, version.id)
            return version

        return self.store.run(move)

    def _move(self, tx: Transaction, branch: str | None, expected: str, to: str) -> None:
        if branch is not None and not tx.move_branch(self.id, branch, to, expected=expected):
            raise WriteConflictError(f"branch {branch!r} moved meanwhile; retrying")
        tx.set_head(self.id, branch, to)

    def branch(self, name: str, at: str | None = None) -> Version:
        """Create branch `name` at the head (or `at`) and switch to it."""
        check_branch_name(name)

        def create(tx: Transaction) -> Version:
            tip = tx.branch_tip(self.id, name)
            if tip is not None:
                where = tx.version(self.id, tip).label
                raise InputError(
                    f"branch {name!r} already exists at {where}; "
                    f"check it out, or choose another name"
                )
            version = tx.resolve(self.id, at) if at is not None else tx.head(self.id).version
            tx.create_branch(self.id, name, version.id)
            tx.set_head(self.id, name, version.id)
            return version

        return self.store.run(create)

    def rename_branch(self, old: str, new: str) -> None:
        """Give branch `old` the name `new`; its versions and the head stay where they are."""
        check_branch_name(new)

        def rename(tx: Transaction) -> None:
            if tx.branch_tip(self.id, old) is None:
                tx.session(self.id)
                raise BranchNotFoundError(self.id, old)
            tip = tx.branch_tip(self.id, new)
            if tip is not None and new != old:
                where = tx.version(self.id, tip).label
                raise InputError(f"branch {new!r} already exists at {where}; choose another name")
            tx.rename_branch(self.id, old, new)

        self.store.run(rename)

    def checkout(self, ref: str) -> Version:
        """Switch to a branch, or to a version: its branch if it is a tip, else detached."""

        def checkout(tx: Transaction) -> Version:
            key = ref.strip()
            head = tx.head(self.id)
            tip = tx.branch_tip(self.id, key)
            if tip is not None:
                tx.set_head(self.id, key, tip)
                return tx.version(self.id, tip)
            if names_only_a_branch(key):
                tx.session(self.id)
                raise BranchNotFoundError(self.id, key)
            version = tx.resolve(self.id, key)
            branch = branch_at(tx.branches(self.id), version.id, prefer=head.branch)
            tx.set_head(self.id, branch, version.id)
            return version

        return self.store.run(checkout)

    # -- reading ----------------------------------------------------------------------------

    @property
    def head(self) -> Version:
        with self.store.read() as tx:
            return tx.head(self.id).version

    @property
    def head_branch(self) -> str | None:
        """The current branch; None when the head is detached."""
        with self.store.read() as tx:
            return tx.head(self.id).branch

    def resolve(self, ref: str) -> Version:
        """The version a ref names: head, a branch, 3 / v3, an id prefix, with optional ~N."""
        with self.store.read() as tx:
            return tx.resolve(self.id, ref)

    def versions(self) -> list[Version]:
        with self.store.read() as tx:
            return tx.versions(self.id)

    def branches(self) -> dict[str, str]:
        """Branch name -> the id of the version it points at, sorted by name."""
        with self.store.read() as tx:
            return tx.branches(self.id)

    def history(self) -> str:
        """The version tree as ASCII (see `render_tree`)."""
        with self.store.read() as tx:
            all_versions = tx.versions(self.id)
            names = tx.branches(self.id)
            head = tx.head(self.id)
        return render_tree(all_versions, names, head.version.id)

    def diff(self, ref_a: str, ref_b: str) -> VersionDiff:
        with self.store.read() as tx:
            a, b = tx.resolve(self.id, ref_a), tx.resolve(self.id, ref_b)
        return diff_versions(a, b, self._image_of(a), self._image_of(b))

    def image(self, ref: str = "head") -> Image:
        """The pixels of a version, read-only (copy before changing them)."""
        return self._image_of(self.resolve(ref))

    def mask_of(self, ref: str = "head") -> Image | None:
        """The mask a version's turn kept to, as booleans; None for a whole-picture turn.
        "A bit less" after a masked turn changes the same region."""
        from gouache.sessions.turn import mask_from_picture

        mask = (self.resolve(ref).params or {}).get("mask")
        if not isinstance(mask, dict) or not mask.get("blob"):
            return None
        return mask_from_picture(self.store.blobs.get(str(mask["blob"])))

    def _image_of(self, version: Version) -> Image:
        cached = self._images.get(version.blob)
        if cached is not None:
            return cached
        return self._images.put(version.blob, self.store.blobs.get(version.blob))

    def export(
        self, ref: str, folder: str | os.PathLike[str], *, force: bool = False
    ) -> ExportResult:
        """Write v{n}.png (the stored bytes, unchanged) and v{n}.json (its recipe) to `folder`.

        Each file is written whole or not at all; an existing one is replaced only with
        `force` (OutputExistsError names it), never through a symbolic link.
        """
        from gouache.outputs import check_target, shown, write_file

        version = self.resolve(ref)
        target = Path(folder)
        if target.exists() and not target.is_dir():
            raise InputError(f"cannot export to {shown(target)}: it is a file, not a folder")
        image_path = target / f"v{version.number}.png"
        recipe_path = target / f"v{version.number}.json"
        for path in (image_path, recipe_path):
            check_target(path, force=force)
        data = self.store.blobs.get_bytes(version.blob)
        recipe = json.dumps(version.recipe(), indent=2) + "\n"
        write_file(image_path, data, force=force)
        write_file(recipe_path, recipe.encode("utf-8"), force=force)
        return ExportResult(version, image_path, recipe_path)

    # -- characters (the logic is in gouache.characters and gouache.sessions.identity) ------

    _known_faces: identity.ReferenceEmbeddings | None = None

    @property
    def _embeddings(self) -> identity.ReferenceEmbeddings:
        if self._known_faces is None:
            self._known_faces = identity.ReferenceEmbeddings()
        return self._known_faces

    def add_character(
        self, name: str, images: Sequence[LoadedImage], threshold: float | None = None
    ) -> Character:
        """Follow a person from reference photos of one face each (InvalidReferenceError names
        a photo with none or several); the photos are kept as blobs."""
        return identity.register_character(
            self.store, self.id, self.analyses, self._embeddings, name, images, threshold
        )

    def characters(self) -> list[Character]:
        """The session's characters, in the order they were added."""
        with self.store.read() as tx:
            records = tx.characters(self.id)
        return identity.load_characters(self.store, records, self.analyses, self._embeddings)

    def identity_scores(self, image: Image) -> dict[str, float | None]:
        """Each character's cosine in `image` (None when absent); see match_characters."""
        return identity_scores(self.characters(), self.analyses.get(image).faces)

    def identity_curve(self, name: str | None = None) -> str:
        """Each character's score (or `name`'s) along the head's lineage, e.g.
        "Ana: v1 0.99  v2 0.97  v3 0.41 (below 0.45)"; "" without characters."""
        characters = self.characters()
        only = None if name is None else [find_character(characters, name)]
        with self.store.read() as tx:
            line = identity.lineage(tx.versions(self.id), tx.head(self.id).version.id)
        return identity.identity_curve(characters, line, self._image_of, self.analyses, only=only)


# ---------------------------------------------------------------------------------------------
# helpers


def default_planner(backend: ImageModel) -> Planner:
    """The rule planner over a backend's operators, or, for a model that takes words, the
    instruction itself as its prompt."""
    from gouache.planner.prompt import PromptPlanner
    from gouache.planner.rules import RulePlanner

    operators = backend.operators
    return RulePlanner(operators) if operators is not None else PromptPlanner()


def _root(
    image: Image,
    *,
    instruction: str = "",
    backend: str | None = None,
    backend_config: Mapping[str, Any] | None = None,
    params: Mapping[str, Any] | None = None,
    seed: int | None = None,
    timings: Mapping[str, float] | None = None,
    notes: tuple[str, ...] = (),
    reply: str = "",
) -> VersionDraft:
    """A session's first version, before its pixels are stored (the blob is filled in then)."""
    height, width, channels = (int(n) for n in image.shape)
    return VersionDraft(
        parent_id=None,
        kind="root",
        blob="",
        width=width,
        height=height,
        channels=channels,
        instruction=instruction,
        backend=backend,
        backend_config=backend_config,
        params=params,
        seed=seed,
        timings=timings,
        notes=notes,
        reply=reply,
    )


def _slug(text: str, words: int = 6, limit: int = 40) -> str:
    picked = re.findall(r"[A-Za-z0-9]+", text)[:words]
    return "-".join(picked).lower()[:limit].strip("-")


def _ms(since: float) -> float:
    return round((perf_counter() - since) * 1000.0, 2)
