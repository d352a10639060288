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
from collections import OrderedDict
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from time import perf_counter
from typing import TYPE_CHECKING, Any, Literal

from gouache.backends.base import EditRequest, GenerateRequest, ImageModel, ImageResult, require
from gouache.characters import Character, find_character, identity_scores
from gouache.errors import BranchNotFoundError, InputError, UnsupportedError
from gouache.images import Image, LoadedImage, check_image
from gouache.planner.plan import (
    EditPlan,
    PlanContext,
    Planner,
    PlannerAnswer,
    PlannerQuestion,
    PlanOutcome,
)
from gouache.progress import CancelToken, ProgressCallback
from gouache.sessions import identity, preserve
from gouache.sessions.store import SessionRecord, Store, Transaction, WriteConflictError
from gouache.sessions.versions import (
    ReferenceImage,
    Version,
    VersionDiff,
    VersionDraft,
    branch_at,
    check_branch_name,
    diff_versions,
    held_by_branches,
    names_only_a_branch,
    render_tree,
    split_ancestry,
)

if TYPE_CHECKING:
    import os

    from gouache.analysis.cache import AnalysisCache
    from gouache.suggest import Suggestion

IMAGE_CACHE_SIZE = 6


@dataclass(frozen=True)
class TurnResult:
    """What a turn made: the version (None when the planner replied instead) and what to say."""

    version: Version | None
    plan: EditPlan | None
    # Text for the user: what was done, or the planner's reply when nothing was made.
    reply: str
    # The branch now pointing at the new version.
    moved_branch: str | None
    # Milliseconds per stage: plan, backend, store, total.
    ms: dict[str, float]
    # Set when the planner asked instead of planning; the next turn may answer it.
    question: PlannerQuestion | None = None
    # Set when the instruction was a question about the picture, answered in words.
    answer: PlannerAnswer | None = None


def plan_context(
    analyses: AnalysisCache,
    image: Image,
    references: Sequence[LoadedImage] = (),
    pending: PlannerQuestion | None = None,
) -> PlanContext:
    """What the planner may consult; faces and text are analysed only if it asks."""

    def faces() -> list[Any]:
        return [face.box for face in analyses.get(image).faces]

    def text() -> list[str]:
        return [line.text for line in analyses.get(image).text]

    names = tuple(Path(ref.name).name for ref in references)
    size = (int(image.shape[1]), int(image.shape[0]))
    return PlanContext(faces, text, names, pending, size)


@dataclass(frozen=True)
class ExportResult:
    version: Version
    image_path: Path
    recipe_path: Path


@dataclass(frozen=True)
class _Target:
    """Where a turn's version goes: advance `branch` if it still points at `expected`, or,
    with `expected` None, create `branch` (None: the next free b2, b3, ...)."""

    branch: str | None
    expected: str | None


class _ImageCache:
    """Decoded images by blob digest, least recently used out first. Arrays are read-only."""

    def __init__(self, capacity: int) -> None:
        self.capacity = capacity
        self._items: OrderedDict[str, Image] = OrderedDict()

    def get(self, digest: str) -> Image | None:
        image = self._items.get(digest)
        if image is not None:
            self._items.move_to_end(digest)
        return image

    def put(self, digest: str, image: Image) -> Image:
        image.flags.writeable = False
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
            from gouache.planner.prompt import PromptPlanner
            from gouache.planner.rules import RulePlanner

            operators = self.backend.operators
            if operators is not None:
                self._planner = RulePlanner(operators)
            else:
                self._planner = PromptPlanner()
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
    ) -> Session:
        """A new session whose root is `image`, on branch "main" (owned by a tenant of the HTTP
        API when `owner` is given)."""
        if isinstance(image, LoadedImage):
            pixels, source, notes = check_image(image.pixels).copy(), image.name, image.notes
        else:
            pixels, source, notes = check_image(image).copy(), "", ()
        default = _slug(Path(source).stem) if not source.startswith("<") else ""
        return cls._start(
            store,
            pixels,
            name=name,
            default_name=default or "untitled",
            model=backend,
            planner=planner,
            owner=owner,
            notes=tuple(notes),
            reply=f"started from {source}" if source else "started from an image",
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
        return cls._start(
            store,
            pixels,
            name=name,
            default_name=_slug(text) or "untitled",
            model=backend,
            planner=planner,
            owner=owner,
            timings={"backend": _ms(started)},
            instruction=text,
            backend=backend.name,
            backend_config=backend.config(),
            params=dict(result.params),
            seed=result.seed if result.seed is not None else seed,
            notes=tuple(result.notes),
            reply=result.text or f"generated from {text!r}",
        )

    @classmethod
    def _start(
        cls,
        store: Store,
        pixels: Image,
        *,
        name: str | None,
        default_name: str,
        model: ImageModel | None,
        planner: Planner | None,
        owner: str | None = None,
        timings: Mapping[str, float] | None = None,
        **fields: Any,
    ) -> Session:
        started = perf_counter()
        digest = store.blobs.put(pixels)
        timings = {**(timings or {}), "store": _ms(started)}
        timings["total"] = sum(timings.values())
        root = _draft(pixels, digest, parent_id=None, kind="root", timings=timings, **fields)
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
        instruction: str,
        *,
        at: str | None = None,
        branch: str | None = None,
        references: Sequence[LoadedImage] = (),
        seed: int | None = None,
        retries: int = 2,
        progress: ProgressCallback | None = None,
        cancel: CancelToken | None = None,
        plan: EditPlan | None = None,
        kind: Literal["turn", "attempt"] = "turn",
        judge: Callable[[Image], Mapping[str, Any]] | None = None,
    ) -> TurnResult:
        """One turn: plan `instruction`, edit the head (or `at`), store the new version.

        At the head of a branch the branch advances. At an older version, or with a detached
        head, the version starts a new branch (`branch`, or b2, b3, ...) that becomes the head.
        """
        started = perf_counter()
        ms: dict[str, float] = {}

        # 1. check inputs and find where the turn starts
        text = instruction.strip()
        if not text:
            raise InputError("say what to change, e.g. 'make it a bit brighter'")
        require(self.backend, "edit")
        limit = self.backend.capabilities.max_references
        if len(references) > limit:
            raise UnsupportedError(
                f"backend {self.backend.name!r} takes at most {limit} reference image(s); "
                f"{len(references)} given",
                backend=self.backend.name,
            )
        if branch is not None:
            check_branch_name(branch)
        with self.store.read() as tx:
            parent, target = self._starting_point(tx, at, branch)

        # 2. plan; a reply, a question or an answer instead of a plan makes no version
        parent_image = self._image_of(parent)
        if self.pending is not None and not references:
            # "the middle one" answers a question asked with images attached: reuse them
            references = self._pending_references
        mark = perf_counter()
        if plan is not None:
            outcome: PlanOutcome = plan
        else:
            outcome = self.planner.plan(text, self._context(parent_image, references))
        ms["plan"] = _ms(mark)
        if not isinstance(outcome, EditPlan):
            ms["total"] = _ms(started)
            question = outcome if isinstance(outcome, PlannerQuestion) else None
            answer = outcome if isinstance(outcome, PlannerAnswer) else None
            self.pending = question
            self._pending_references = tuple(references) if question is not None else ()
            return TurnResult(None, None, outcome.describe(), None, ms, question, answer)
        self.pending, self._pending_references = None, ()

        # 3. run the backend on the parent's image
        if cancel is not None:
            cancel.raise_if_cancelled()
        mark = perf_counter()
        request = EditRequest(
            prompt=text,
            image=parent_image,
            references=tuple(ref.pixels for ref in references),
            seed=seed,
            plan=outcome,
        )
        result = self.backend.edit(request, progress=progress, cancel=cancel)
        check_image(result.image)
        ms["backend"] = _ms(mark)
        if cancel is not None:
            cancel.raise_if_cancelled()

        def rerun(attempt: int) -> ImageResult:
            again = replace(request, seed=(seed or 0) + attempt)
            return self.backend.edit(again, progress=progress, cancel=cancel)

        # 3b. the guard: undo drift, restore what the plan did not touch (strict: retry)
        guarded = preserve.guard_turn(
            self.guard_mode, outcome, self.backend, parent_image, result, rerun, retries=retries
        )
        if guarded.result is None:
            ms["total"] = _ms(started)
            return TurnResult(None, outcome, f"{outcome.describe()}\n{guarded.note}", None, ms)
        result = guarded.result
        scores: dict[str, Any] = {}
        if guarded.report is not None:
            scores["guard"] = guarded.report.to_dict()

        def rerun_guarded(attempt: int) -> ImageResult:
            again = rerun(attempt)
            kept = preserve.guard_turn(
                self.guard_mode, outcome, self.backend, parent_image, again, rerun, retries=0
            )
            return kept.result if kept.result is not None else again

        # 3c. the characters: retry with other seeds, or roll back, when someone is lost
        identity_note = ""
        characters = self.characters()
        if characters:
            checked = identity.keep_identity(
                characters,
                self.analyses,
                parent_image,
                result,
                rerun_guarded,
                retries=retries,
                can_retry=not self.backend.capabilities.preserves_unedited,
            )
            identity_note = checked.note
            if checked.result is None:
                ms["total"] = _ms(started)
                return TurnResult(None, outcome, f"{outcome.describe()}\n{checked.note}", None, ms)
            result = checked.result
            scores.update(identity.scores_record(checked.scores))
        image = check_image(result.image)
        if judge is not None:
            # scores a caller measures on the final pixels (the critique loop's), kept with them
            scores.update(judge(image))

        # 4. store the pixels and the references (before the row that names them)
        mark = perf_counter()
        digest = self.store.blobs.put(image)
        refs = tuple(ReferenceImage(self.store.blobs.put(r.pixels), r.name) for r in references)
        blob_ms = _ms(mark)
        parts = (outcome.describe(), result.text.strip(), guarded.note, identity_note)
        reply = "\n".join(part for part in parts if part)
        draft = _draft(
            image,
            digest,
            parent_id=parent.id,
            kind=kind,
            instruction=text,
            plan=outcome.model_dump(mode="json"),
            backend=self.backend.name,
            backend_config=self.backend.config(),
            params=dict(result.params),
            seed=result.seed if result.seed is not None else seed,
            references=refs,
            scores=scores,
            timings={**ms, "store": blob_ms, "total": _ms(started)},
            notes=(*outcome.notes, *result.notes),
            reply=reply,
        )

        # 5. record the version and move the branch, in one transaction
        version, moved = self.store.run(lambda tx: self._commit(tx, parent, target, draft))
        self._images.put(digest, image)
        ms["store"] = _ms(mark)
        ms["total"] = _ms(started)
        return TurnResult(version, outcome, version.reply, moved, ms)

    def suggestions(self, ref: str = "head", *, limit: int = 3) -> tuple[Suggestion, ...]:
        """Up to `limit` next edits worth trying on a version, from its analysis."""
        from gouache.suggest import suggest

        version = self.resolve(ref)
        image = self.image(version.id)
        done = {step.get("op") for step in (version.plan or {}).get("steps", [])}
        ideas = suggest(image, self.analyses.get(image), limit=limit + len(done))
        # Never suggest again what this very version just did.
        fresh = [idea for idea in ideas if not done & self._ops_of(idea.instruction)]
        return tuple(fresh[:limit])

    def _ops_of(self, instruction: str) -> set[str]:
        outcome = self.planner.plan(instruction)
        return {step.op for step in outcome.steps} if isinstance(outcome, EditPlan) else set()

    def _context(self, image: Image, references: Sequence[LoadedImage]) -> PlanContext:
        return plan_context(self.analyses, image, references, self.pending)

    def _starting_point(
        self, tx: Transaction, at: str | None, branch: str | None
    ) -> tuple[Version, _Target]:
        head = tx.head(self.id)
        current: str | None
        if at is None:
            parent, current = head.version, head.branch
        else:
            parent = tx.resolve(self.id, at)
            base, steps = split_ancestry(at.strip())
            if steps == 0 and tx.branch_tip(self.id, base) == parent.id:
                current = base
            else:
                current = branch_at(tx.branches(self.id), parent.id, prefer=head.branch)
        if branch is not None:
            tip = tx.branch_tip(self.id, branch)
            if tip is None:
                return parent, _Target(branch, None)
            if tip != parent.id:
                where = tx.version(self.id, tip).label
                raise InputError(
                    f"branch {branch!r} already exists at {where}; choose another name, "
                    f"or check it out and apply there"
                )
            return parent, _Target(branch, parent.id)
        return parent, _Target(current, parent.id if current is not None else None)

    def _commit(
        self, tx: Transaction, parent: Version, target: _Target, draft: VersionDraft
    ) -> tuple[Version, str]:
        name, advance, note = target.branch, target.expected is not None, None
        tip = tx.branch_tip(self.id, name) if name is not None else None
        if advance and name is not None and tip != target.expected:
            where = tx.version(self.id, tip).label if tip is not None else "nowhere (deleted)"
            new = tx.auto_branch_name(self.id)
            note = (
                f"branch {name!r} moved to {where} while this turn ran, so this edit is on "
                f"a new branch {new!r}; nothing was lost"
            )
            name, advance = new, False
        elif not advance and name is not None and tip is not None:
            new = tx.auto_branch_name(self.id)
            note = f"branch {name!r} was created elsewhere meanwhile; this edit is on {new!r}"
            name = new
        elif name is None:
            name = tx.auto_branch_name(self.id)
        reply = draft.reply
        if note is not None:
            reply = f"{reply}\n{note}"
        elif not advance:
            reply = f"{reply}\nnew branch {name!r} from {parent.label}"
        version = tx.insert_version(self.id, replace(draft, reply=reply))
        if advance and target.expected is not None:
            if not tx.move_branch(self.id, name, version.id, expected=target.expected):
                raise WriteConflictError(f"branch {name!r} moved during the write; retrying")
        else:
            tx.create_branch(self.id, name, version.id)
        tx.set_head(self.id, name, version.id)
        return version, name

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

    def _image_of(self, version: Version) -> Image:
        cached = self._images.get(version.blob)
        if cached is not None:
            return cached
        return self._images.put(version.blob, self.store.blobs.get(version.blob))

    def export(self, ref: str, folder: str | os.PathLike[str]) -> ExportResult:
        """Write v{n}.png (the stored bytes, unchanged) and v{n}.json (its recipe) to `folder`."""
        version = self.resolve(ref)
        target = Path(folder)
        image_path = target / f"v{version.number}.png"
        recipe_path = target / f"v{version.number}.json"
        data = self.store.blobs.get_bytes(version.blob)
        try:
            target.mkdir(parents=True, exist_ok=True)
            image_path.write_bytes(data)
            recipe_path.write_text(json.dumps(version.recipe(), indent=2) + "\n", "utf-8")
        except OSError as err:
            raise InputError(f"cannot export to {target}: {err.strerror or err}") from None
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


def _draft(image: Image, digest: str, **fields: Any) -> VersionDraft:
    height, width, channels = (int(n) for n in image.shape)
    return VersionDraft(blob=digest, width=width, height=height, channels=channels, **fields)


def _slug(text: str, words: int = 6, limit: int = 40) -> str:
    picked = re.findall(r"[A-Za-z0-9]+", text)[:words]
    return "-".join(picked).lower()[:limit].strip("-")


def _ms(since: float) -> float:
    return round((perf_counter() - since) * 1000.0, 2)
