"""One turn of a session, as numbered steps (the shape of a diffusers pipeline's `__call__`):

    1. check the request, and find the version it starts from
    2. plan (unless the caller planned already)
    3. run the backend       \\
    4. guard, then the mask   |  one loop over one seed sequence: each try is a candidate
    5. identity               |  with its own guard report and scores; the first candidate
    6. critics                /  that passes every check is kept
    7. store the pixels, then the version and the branch in one transaction (by default on
       the store's writer thread, after the turn returned: see gouache.sessions.writer)

The seeds are `seed, seed + 1, ...` (a random start when the request names none and the
backend may be retried), so no two tries repeat a seed. A backend that keeps unedited pixels
by construction is deterministic: it gets one try, no guard, and an identity loss it caused
was asked for. A try the guard refuses (strict mode) or that loses a character is not kept; a
try that only fails the critics is kept when no other passes and it ranks best. Tries that come
out as the same pixels are judged once.

A request with a mask (True where to edit) keeps every pixel outside it exactly as the parent's,
whatever the backend did there; a plan that changes the frame (crop, rotate) cannot take one.
"""

from __future__ import annotations

import secrets
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from time import perf_counter
from typing import TYPE_CHECKING, Any

from gouache.backends.base import EditRequest, ImageModel, ImageResult, require
from gouache.characters import Character, check_identity, describe_loss, identity_scores
from gouache.errors import InputError, UnsupportedError
from gouache.guard import DriftError, GuardReport, guard
from gouache.images import BlobStore, Image, LoadedImage, check_image, image_digest
from gouache.layers.model import LayerStack
from gouache.ops.plan import EditPlan
from gouache.planner.plan import (
    PlanContext,
    Planner,
    PlannerAnswer,
    PlannerQuestion,
    PlannerReply,
)
from gouache.progress import CancelToken, ProgressCallback
from gouache.sessions import layering
from gouache.sessions.preserve import GuardMode, describe, plan_scope
from gouache.sessions.store import CharacterRecord, Store, Transaction, WriteConflictError
from gouache.sessions.versions import (
    CandidateRecord,
    ReferenceImage,
    Version,
    VersionDraft,
    VersionKind,
    VersionScores,
    branch_at,
    check_branch_name,
    split_ancestry,
)
from gouache.sessions.writer import PendingWrite
from gouache.usertext import check_instruction

if TYPE_CHECKING:
    from gouache.analysis.cache import AnalysisCache
    from gouache.analysis.titles import Titles

SEED_RANGE = 2**31


@dataclass(frozen=True)
class Critique:
    """A caller's verdict on a candidate's pixels (the critique loop's guideline)."""

    passed: bool
    # Higher is better: how candidates that all fail are ranked.
    rank: tuple[float, ...]
    # Kept on the version as `scores.critique`.
    record: Mapping[str, Any]


Judge = Callable[[Image], Critique]


@dataclass(frozen=True)
class TurnRequest:
    """What a turn is asked to do. Only `instruction` is required."""

    instruction: str
    # Where the turn starts: a ref (default the head); `branch` names the branch it makes.
    at: str | None = None
    branch: str | None = None
    references: Sequence[LoadedImage] = ()
    # The first try's seed; None: the backend's own, or a random start when it may be retried.
    seed: int | None = None
    # Tries after the first, for a backend that redraws pixels.
    retries: int = 2
    # A plan the caller made already (the CLI plans once); None: the session plans.
    plan: EditPlan | None = None
    kind: VersionKind = "turn"
    judge: Judge | None = None
    # Where the edit may change pixels: a boolean array of the parent's height and width.
    mask: Image | None = None
    # The characters the result must show; None: those the parent shows (a story panel names
    # its own cast, which need not be the previous panel's).
    keep: tuple[str, ...] | None = None
    # The version this turn redoes (a follow-up, "more"): the branch at it moves to the new
    # version, its sibling, so the conversation goes on along the same line; it stays in the
    # tree, off the line.
    replacing: str | None = None

    def __post_init__(self) -> None:
        object.__setattr__(self, "references", tuple(self.references))


@dataclass(frozen=True)
class Saved:
    """What storing a turn's version gave: the version, the branch it moved, the timings."""

    version: Version
    moved_branch: str
    ms: dict[str, float]


class TurnResult:
    """What a turn made: the version (None when the planner replied or no try was kept).

    When the store writes behind (see gouache.sessions.writer), `version`, `reply`,
    `moved_branch` and `ms` wait for the version to be stored, and raise what storing it
    raised; `plan`, `tries`, `question` and `answer` are there at once.
    """

    def __init__(
        self,
        *,
        version: Version | None,
        plan: EditPlan | None,
        reply: str,
        moved_branch: str | None,
        ms: dict[str, float],
        question: PlannerQuestion | None = None,
        answer: PlannerAnswer | None = None,
        tries: tuple[Candidate, ...] = (),
        saving: PendingWrite[Saved] | None = None,
    ) -> None:
        self._version = version
        self.plan = plan
        self._reply = reply
        self._moved_branch = moved_branch
        self._ms = ms
        # Set when the planner asked instead of planning; the next turn may answer it.
        self.question = question
        # Set when the instruction was a question about the picture, answered in words.
        self.answer = answer
        # Every try of the turn, in seed order, each with its own guard report and scores.
        self.tries = tries
        self._saving = saving

    def _settle(self) -> None:
        if self._saving is not None:
            saved = self._saving.result()
            self._version, self._moved_branch = saved.version, saved.moved_branch
            self._reply, self._ms = saved.version.reply, saved.ms
            self._saving = None

    @property
    def version(self) -> Version | None:
        self._settle()
        return self._version

    @property
    def reply(self) -> str:
        """Text for the user: what was done, or why nothing was."""
        self._settle()
        return self._reply

    @property
    def moved_branch(self) -> str | None:
        """The branch now pointing at the new version."""
        self._settle()
        return self._moved_branch

    @property
    def ms(self) -> dict[str, float]:
        """Milliseconds per stage: plan, backend, guard, identity, critics, store, total (the
        whole turn, its version stored)."""
        self._settle()
        return self._ms

    @property
    def kept(self) -> Candidate | None:
        """The try whose pixels the version holds; None when no version was made."""
        if self.version is None:
            return None
        return next((c for c in self.tries if c.outcome.startswith("kept")), None)

    def __repr__(self) -> str:
        state = "saving" if self._saving is not None else repr(self._version)
        return f"TurnResult(version={state}, plan={self.plan!r})"


@dataclass(frozen=True)
class Candidate:
    """One try of a turn: its pixels after the guard (None: refused) and what it scored."""

    number: int
    seed: int | None
    result: ImageResult
    image: Image | None
    guard: GuardReport | None = None
    guard_note: str = ""
    identity: Mapping[str, float | None] = field(default_factory=dict)
    identity_note: str = ""
    critique: Critique | None = None
    # The layers drawn on this try's base (see gouache.layers); None for a flat version.
    layers: LayerStack | None = None
    # "kept", or why not: "refused by the guard: ...", "Ana scores 0.31, under 0.45", ...
    outcome: str = ""

    def record(self) -> CandidateRecord:
        return CandidateRecord(seed=self.seed, outcome=self.outcome)


@dataclass(frozen=True)
class Target:
    """Where a turn's version goes: advance `branch` if it still points at `expected`, or,
    with `expected` None, create `branch` (None: the next free b2, b3, ...)."""

    branch: str | None
    expected: str | None


def plan_context(
    analyses: AnalysisCache,
    image: Image,
    references: Sequence[LoadedImage] = (),
    pending: PlannerQuestion | None = None,
) -> PlanContext:
    """What the planner may consult; faces and text are analysed only if it asks."""
    from pathlib import Path

    def faces() -> list[Any]:
        return [face.box for face in analyses.get(image).faces]

    def text() -> list[str]:
        return [line.text for line in analyses.get(image).text]

    def region(name: str) -> float:
        from gouache.ops.regions import region_mask
        from gouache.ops.registry import OpContext

        return float(region_mask(image, name, OpContext(analyses=analyses)).mean())

    def bars() -> list[Any]:
        from gouache.analysis.bars import edge_bars

        return edge_bars(image)

    def grey() -> bool:
        from gouache.analysis.measures import is_grey

        return is_grey(image)

    def toned() -> str | None:
        from gouache.ops.restore import toned_monochrome

        return toned_monochrome(image)

    def warmth() -> float:
        from gouache.ops.tone import balancing_warmth

        return balancing_warmth(image)

    def edge() -> tuple[int, int, int] | None:
        from gouache.analysis.measures import plain_edge

        return plain_edge(image)

    def colours() -> dict[str, float]:
        from gouache.ops.selective import shares

        return shares(image)

    def takes(op: str, params: Mapping[str, Any]) -> bool:
        from gouache.ops.takes import takes

        return takes(image, op, params)

    def subject_colour() -> str | None:
        from gouache.ops.selective import own_colour

        return own_colour(image, analyses.get(image).subject.mask)

    def titles() -> Titles:
        from gouache.analysis.titles import titles

        return titles(image, analyses.get(image).text)

    names = tuple(Path(ref.name).name for ref in references)
    size = (int(image.shape[1]), int(image.shape[0]))
    return PlanContext(
        faces,
        text,
        names,
        pending,
        size,
        region,
        bars,
        grey,
        warmth=warmth,
        toned=toned,
        edge=edge,
        colours=colours,
        takes=takes,
        subject_colour=subject_colour,
        titles=titles,
    )


def seed_sequence(first: int | None, tries: int) -> list[int | None]:
    """The seed of every try: one sequence, so no two tries repeat a seed."""
    if tries <= 1:
        return [first]
    start = first if first is not None else secrets.randbelow(SEED_RANGE)
    return [start + n for n in range(tries)]


@dataclass
class TurnPipeline:
    """The steps of a turn over one session's store, backend, planner and caches."""

    store: Store
    session_id: str
    backend: ImageModel
    planner: Planner
    analyses: AnalysisCache
    guard_mode: GuardMode
    # The characters of the session's records (read in the turn's first transaction).
    characters: Callable[[Sequence[CharacterRecord]], list[Character]]
    image_of: Callable[[Version], Image]
    remember: Callable[[str, Image], Image]
    # A decoded image by blob digest, when the session has it (None: decode the blob).
    cached: Callable[[str], Image | None] = lambda digest: None

    def run(
        self,
        request: TurnRequest,
        *,
        pending: PlannerQuestion | None = None,
        progress: ProgressCallback | None = None,
        cancel: CancelToken | None = None,
    ) -> TurnResult:
        started = perf_counter()
        ms: dict[str, float] = {}

        # 1. check the request, and find the version it starts from
        text = self._check(request)
        with self.store.read() as tx:
            parent, target = starting_point(
                tx, self.session_id, request.at, request.branch, request.replacing
            )
            records = tx.characters(self.session_id)
        parent_image = self.image_of(parent)

        # 2. plan; a reply, a question or an answer instead of a plan makes no version
        mark = perf_counter()
        outcome = request.plan
        # "change the caption to Hello" on a layered version edits that layer
        layer_edit = layering.read_edit(text, parent, parent_image) if outcome is None else None
        if isinstance(layer_edit, layering.LayerEdit):
            outcome = layer_edit.plan
        if outcome is None:
            context = plan_context(self.analyses, parent_image, request.references, pending)
            planned = (
                layer_edit
                if isinstance(layer_edit, PlannerReply)
                else self.planner.plan(text, context)
            )
            ms["plan"] = _ms(mark)
            if not isinstance(planned, EditPlan):
                ms["total"] = _ms(started)
                return TurnResult(
                    version=None,
                    plan=None,
                    reply=planned.describe(),
                    moved_branch=None,
                    ms=ms,
                    question=planned if isinstance(planned, PlannerQuestion) else None,
                    answer=planned if isinstance(planned, PlannerAnswer) else None,
                )
            outcome = planned
        ms["plan"] = _ms(mark)

        # 3-6. the tries: backend -> guard -> mask -> identity -> critics, over one seed sequence
        mask = self._check_mask(request.mask, parent_image, outcome)
        edited = layer_edit if isinstance(layer_edit, layering.LayerEdit) else None
        if mask is not None and edited is not None:
            raise InputError(
                "this edits a layer, which is drawn where it is placed, not inside a mask; "
                "clear the mask for this edit"
            )
        # captions, logos, balloons and borders that end a plan are kept as layers; the
        # backend edits the base under them (or does not run for a layer edit). A masked turn
        # is flattened instead: its layers would be drawn outside the mask.
        blobs = self._blobs()
        layered = (
            None
            if mask is not None
            else layering.prepare(outcome, parent, edited, blobs, self.backend)
        )
        finish = None
        ref_blobs: list[str] | None = None  # stored once, used by the layers and the record
        if layered is not None:
            ref_blobs = [self.store.blobs.put(ref.pixels) for ref in request.references]
            names = [ref.name for ref in request.references]
            pairs = list(zip(ref_blobs, names, strict=True))

            def finish(base: Image) -> tuple[Image, LayerStack]:
                assert layered is not None
                return layering.finish(layered, base, pairs, blobs, self.analyses)

        edit = EditRequest(
            prompt=text,
            image=parent_image if layered is None else layered.base,
            # a backend that takes a mask gets it; for any other the mask step alone keeps it
            mask_image=_mask_picture(mask)
            if mask is not None and self.backend.capabilities.masks
            else None,
            references=tuple(ref.pixels for ref in request.references),
            seed=request.seed,
            plan=outcome if layered is None else layered.raster,
        )
        characters = self.characters(records) if records else []
        tries, kept = self._tries(
            request, outcome, edit, mask, characters, ms, progress, cancel, finish
        )
        if kept is None or kept.image is None:
            ms["total"] = _ms(started)
            why = "; ".join(f"try {c.number} (seed {c.seed}): {c.outcome}" for c in tries)
            reply = f"{outcome.describe()}\nnothing was changed after {len(tries)} tries: {why}"
            return TurnResult(
                version=None,
                plan=outcome,
                reply=reply,
                moved_branch=None,
                ms=ms,
                tries=tuple(tries),
            )

        # 7. store the pixels and the references (before the row that names them), then the
        #    version and the branch in one transaction; when the store writes behind, on a
        #    thread of its own while the turn returns (see gouache.sessions.writer)
        image = kept.image
        image.flags.writeable = False  # the write encodes it while the caller goes on
        mask_picture = _mask_picture(mask) if mask is not None else None
        height, width, channels = (int(n) for n in image.shape)
        draft = VersionDraft(
            parent_id=parent.id,
            kind=request.kind,
            blob="",
            width=width,
            height=height,
            channels=channels,
            # an answer ("yes", "the left one") is recorded as what it completed
            instruction=outcome.instruction
            if pending is not None and request.plan is None
            else text,
            plan=outcome,
            backend=self.backend.name,
            backend_config=self.backend.config(),
            params=dict(layering.with_layers(kept.result.params, kept.layers)),
            seed=kept.result.seed if kept.result.seed is not None else kept.seed,
            scores=VersionScores(
                guard=kept.guard,
                identity=_rounded(kept.identity) if kept.identity else None,
                critique=dict(kept.critique.record) if kept.critique is not None else None,
                candidates=tuple(c.record() for c in tries) if len(tries) > 1 else (),
            ),
            notes=(*outcome.notes, *kept.result.notes),
            reply=_reply(outcome, kept, tries),
        )

        def save() -> Saved:
            mark = perf_counter()
            digest = self.store.blobs.put(image)
            params = dict(draft.params or {})
            if mask is not None and mask_picture is not None:
                share = round(float(mask.mean()), 4)
                params["mask"] = {"blob": self.store.blobs.put(mask_picture), "share": share}
            stored = ref_blobs
            if stored is None:
                stored = [self.store.blobs.put(ref.pixels) for ref in request.references]
            refs = tuple(
                ReferenceImage(blob, ref.name)
                for blob, ref in zip(stored, request.references, strict=True)
            )
            ms["store"] = _ms(mark)
            timings = {**ms, "total": _ms(started)}
            whole = replace(draft, blob=digest, params=params, references=refs, timings=timings)
            version, moved = self.store.run(
                lambda tx: commit(tx, self.session_id, parent, target, whole)
            )
            self.remember(digest, image)
            ms["store"] = _ms(mark)
            ms["total"] = _ms(started)
            return Saved(version, moved, ms)

        saving = self.store.defer(save, text) if self.store.write_behind else None
        saved = save() if saving is None else None
        return TurnResult(
            version=saved.version if saved is not None else None,
            plan=outcome,
            reply=saved.version.reply if saved is not None else "",
            moved_branch=saved.moved_branch if saved is not None else None,
            ms=ms,
            tries=tuple(tries),
            saving=saving,
        )

    def _blobs(self) -> CachedBlobs:
        return CachedBlobs(self.store.blobs, self.cached, self.remember)

    def _check(self, request: TurnRequest) -> str:
        text = request.instruction.strip()
        if not text:
            raise InputError("say what to change, e.g. 'make it a bit brighter'")
        check_instruction(text)  # valid UTF-8, no NUL, within the length limit, any backend
        if request.retries < 0:
            raise InputError(
                f"retries is a count of extra tries, at least 0, not {request.retries}"
            )
        require(self.backend, "edit")
        self.store.check_writable()  # before any work, not when the version is written
        limit = self.backend.capabilities.max_references
        if len(request.references) > limit:
            raise UnsupportedError(
                f"backend {self.backend.name!r} takes at most {limit} reference image(s); "
                f"{len(request.references)} given",
                backend=self.backend.name,
            )
        if request.branch is not None:
            check_branch_name(request.branch)
        return text

    def _check_mask(self, mask: Image | None, parent: Image, plan: EditPlan) -> Image | None:
        """The mask as booleans, after checking it fits the parent and the plan keeps the frame."""
        if mask is None:
            return None
        if mask.ndim != 2 or mask.shape != parent.shape[:2]:
            got = "x".join(str(n) for n in reversed(mask.shape[:2]))
            raise InputError(
                f"the mask is {got} but the picture is {parent.shape[1]}x{parent.shape[0]}; "
                "draw it on this version"
            )
        chosen = mask.astype(bool)
        if not chosen.any():
            raise InputError("the mask is empty: paint or box the region to edit, or clear it")
        operators = self.backend.operators
        if operators is not None:
            framing = [
                step.op
                for step in plan.steps
                if step.op in operators and operators.get(step.op).geometry
            ]
            if framing:
                raise InputError(
                    f"{', '.join(framing)} changes the whole frame, so it cannot be kept inside "
                    "a mask (a drawn region, a --box); clear the mask for this edit"
                )
        return chosen

    def _grades(self, edit: EditRequest) -> bool:
        """Whether every step of the edit is a tone or colour grade of the operators."""
        operators = self.backend.operators
        steps = [] if edit.plan is None else edit.plan.steps
        if operators is None or not steps:
            return False
        return all(step.op in operators and operators.get(step.op).grade for step in steps)

    def _tries(
        self,
        request: TurnRequest,
        plan: EditPlan,
        edit: EditRequest,
        mask: Image | None,
        characters: Sequence[Character],
        ms: dict[str, float],
        progress: ProgressCallback | None,
        cancel: CancelToken | None,
        finish: Callable[[Image], tuple[Image, LayerStack]] | None = None,
    ) -> tuple[list[Candidate], Candidate | None]:
        """Every try, in seed order, and the one to keep (None: none may be kept).

        `edit.plan` None runs no backend (a layer edit: the base stays as it is); `finish`
        draws the layers on each try's base before the critics see it.
        """
        runs = edit.plan is not None
        redraws = runs and not self.backend.capabilities.preserves_unedited
        guarding = redraws and self.guard_mode != "off"
        scope = plan_scope(edit.plan or plan, self.backend) if guarding else None
        geometry_note = "guard: off for a change of geometry" if guarding and scope is None else ""
        before: Mapping[str, float | None] = {}
        if characters:
            mark = perf_counter()
            if request.keep is None:
                before = identity_scores(characters, self.analyses.get(edit.image).faces)
            else:
                before = {c.name: 1.0 if c.name in request.keep else None for c in characters}
            ms["identity"] = _ms(mark)
        seeds = seed_sequence(request.seed, request.retries + 1 if redraws else 1)
        judged: dict[str, tuple[int, Critique]] = {}
        tries: list[Candidate] = []
        fallback: Candidate | None = None
        for number, seed in enumerate(seeds, start=1):
            # 3. run the backend
            if cancel is not None:
                cancel.raise_if_cancelled()
            mark = perf_counter()
            if runs:
                result = self.backend.edit(
                    replace(edit, seed=seed), progress=progress, cancel=cancel
                )
            else:
                result = ImageResult(image=edit.image)
            image = check_image(result.image)
            _add(ms, "backend", mark)
            if cancel is not None:
                cancel.raise_if_cancelled()
            candidate = Candidate(number, seed, result, image, guard_note=geometry_note)

            # 4. guard: undo drift, restore what the plan did not touch (strict: refuse)
            if guarding and scope is not None:
                mark = perf_counter()
                try:
                    guarded = guard(edit.image, image, mode=self.guard_mode, scope=scope)
                except DriftError as err:
                    refused = f"refused by the guard: {err.message}"
                    tries.append(replace(candidate, image=None, guard=err.report, outcome=refused))
                    continue
                finally:
                    _add(ms, "guard", mark)
                candidate = replace(
                    candidate,
                    image=guarded.image,
                    guard=guarded.report,
                    guard_note=describe(guarded.report),
                )
                image = guarded.image

            # 4b. the mask: outside it, the parent's pixels exactly
            if mask is not None:
                image = _inside(mask, edit.image, image, self.backend.name, self._grades(edit))
                candidate = replace(candidate, image=image)

            # 5. identity: a character the parent had must still be there
            if characters:
                mark = perf_counter()
                scores = identity_scores(characters, self.analyses.get(image).faces)
                lost = check_identity(scores, characters, before=before)
                _add(ms, "identity", mark)
                candidate = replace(candidate, identity=scores)
                if lost:
                    loss = describe_loss(lost, scores, characters)
                    if redraws:
                        tries.append(replace(candidate, outcome=f"identity: {loss}"))
                        continue
                    # the deterministic backend changed a face only because the plan said so
                    note = f"identity: {loss} (the edit asked for it)"
                    candidate = replace(candidate, identity_note=note)

            # the layers on top of this try's base, before anyone judges the picture
            if finish is not None:
                image, stack = finish(image)
                candidate = replace(candidate, image=image, layers=stack)

            # 6. critics: the same pixels as an earlier try are judged once
            if request.judge is not None:
                mark = perf_counter()
                key = image_digest(image)
                earlier = judged.get(key)
                if earlier is None:
                    critique = request.judge(image)
                    judged[key] = (number, critique)
                    same = ""
                else:
                    critique = earlier[1]
                    same = f" (the same image as try {earlier[0]})"
                _add(ms, "critics", mark)
                candidate = replace(candidate, critique=critique)
                if not critique.passed:
                    candidate = replace(candidate, outcome=f"failed the critique{same}")
                    tries.append(candidate)
                    if fallback is None or (
                        fallback.critique is not None and critique.rank > fallback.critique.rank
                    ):
                        fallback = candidate
                    continue

            kept = replace(candidate, outcome="kept")
            tries.append(kept)
            return tries, kept
        if fallback is not None:
            kept = replace(fallback, outcome=f"kept: the best of {len(tries)}, none passed")
            tries[fallback.number - 1] = kept
            return tries, kept
        return tries, None


def _mask_picture(mask: Image) -> Image:
    """A boolean mask as the white-on-black picture backends and the store take."""
    import numpy as np

    plane = np.where(mask, 255, 0).astype(np.uint8)
    return np.repeat(plane[..., None], 3, axis=2)


def mask_from_picture(picture: Image) -> Image:
    """A mask picture (a stored one, a drawn one) as booleans: True where it is bright and
    opaque; the inverse of `_mask_picture`."""
    import numpy as np

    on = picture[..., :3].max(axis=2) > 127
    if picture.shape[2] == 4:
        on &= picture[..., 3] > 127
    mask: Image = np.ascontiguousarray(on)
    return mask


def _inside(mask: Image, parent: Image, edited: Image, backend: str, fade: bool) -> Image:
    """The edited pixels inside the mask, the parent's outside it; with `fade` (a grade),
    faded in over the mask's inner rim."""
    import numpy as np

    from gouache.sessions.fade import faded_inside

    if edited.shape[:2] != parent.shape[:2]:
        raise UnsupportedError(
            f"backend {backend!r} returned a {edited.shape[1]}x{edited.shape[0]} picture for a "
            f"{parent.shape[1]}x{parent.shape[0]} one, so a mask cannot be applied",
            backend=backend,
        )
    if edited.shape[2] != parent.shape[2]:
        # an edit that adds or drops alpha: the parent gains or loses it the same way
        parent = _channels(parent, int(edited.shape[2]))
    if fade:
        return check_image(faded_inside(mask.astype(bool), parent, edited))
    out = np.where(mask[..., None], edited, parent)
    return check_image(np.ascontiguousarray(out))


def _channels(image: Image, channels: int) -> Image:
    import numpy as np

    if channels == 3:
        return image[..., :3]
    opaque = np.full((*image.shape[:2], 1), 255, dtype=image.dtype)
    return np.concatenate([image[..., :3], opaque], axis=2)


def _reply(plan: EditPlan, kept: Candidate, tries: Sequence[Candidate]) -> str:
    parts = [plan.describe(), kept.result.text.strip(), kept.guard_note, kept.identity_note]
    if kept.layers is not None:
        parts.append(layering.describe(plan, kept.layers))
    if len(tries) > 1:
        others = "; ".join(
            f"try {c.number} (seed {c.seed}): {c.outcome}" for c in tries if c is not kept
        )
        parts.append(f"kept try {kept.number} of {len(tries)} (seed {kept.seed}); {others}")
    return "\n".join(part for part in parts if part)


@dataclass(frozen=True)
class CachedBlobs:
    """The store's blobs seen through the session's decoded images: a layer turn reads its
    base (often the parent's own pixels) without decoding a PNG again, and writes a base
    it already holds without encoding it again."""

    blobs: BlobStore
    cached: Callable[[str], Image | None]
    remember: Callable[[str, Image], Image]
    # The very arrays `get` handed out, by id, with their digest (kept alive here).
    _given: dict[int, tuple[Image, str]] = field(default_factory=dict)

    def get(self, digest: str) -> Image:
        found = self.cached(digest)
        if found is None:
            found = self.remember(digest, self.blobs.get(digest))
        self._given[id(found)] = (found, digest)
        return found

    def put(self, image: Image) -> str:
        given = self._given.get(id(image))
        if given is not None and given[0] is image and not image.flags.writeable:
            return given[1]  # the stored pixels themselves, read-only: already there
        digest = self.blobs.put(image)
        self.remember(digest, image)
        return digest


def starting_point(
    tx: Transaction,
    session_id: str,
    at: str | None,
    branch: str | None,
    replacing: str | None = None,
) -> tuple[Version, Target]:
    """The version a turn builds on, and where its version will go."""
    head = tx.head(session_id)
    current: str | None
    # a follow-up or "more" at the tip of the current branch moves that branch on
    on_line = head.branch is not None and tx.branch_tip(session_id, head.branch) == replacing
    if replacing is not None and branch is None and on_line:
        parent = tx.resolve(session_id, at) if at is not None else head.version
        return parent, Target(head.branch, replacing)
    if at is None:
        parent, current = head.version, head.branch
    else:
        parent = tx.resolve(session_id, at)
        base, steps = split_ancestry(at.strip())
        names = tx.branches(session_id)
        if steps == 0 and names.get(base) == parent.id:
            current = base
        else:
            current = branch_at(names, parent.id, prefer=head.branch)
    if branch is not None:
        tip = tx.branch_tip(session_id, branch)
        if tip is None:
            return parent, Target(branch, None)
        if tip != parent.id:
            where = tx.version(session_id, tip).label
            raise InputError(
                f"branch {branch!r} already exists at {where}; choose another name, "
                f"or check it out and apply there"
            )
        return parent, Target(branch, parent.id)
    return parent, Target(current, parent.id if current is not None else None)


def commit(
    tx: Transaction, session_id: str, parent: Version, target: Target, draft: VersionDraft
) -> tuple[Version, str]:
    """Insert the version and move (or create) its branch: a compare-and-swap on the tip."""
    name, advance, note = target.branch, target.expected is not None, None
    tip = tx.branch_tip(session_id, name) if name is not None else None
    if advance and name is not None and tip != target.expected:
        where = tx.version(session_id, tip).label if tip is not None else "nowhere (deleted)"
        new = tx.auto_branch_name(session_id)
        note = (
            f"branch {name!r} moved to {where} while this turn ran, so this edit is on "
            f"a new branch {new!r}; nothing was lost"
        )
        name, advance = new, False
    elif not advance and name is not None and tip is not None:
        new = tx.auto_branch_name(session_id)
        note = f"branch {name!r} was created elsewhere meanwhile; this edit is on {new!r}"
        name = new
    elif name is None:
        name = tx.auto_branch_name(session_id)
    reply = draft.reply
    if note is not None:
        reply = f"{reply}\n{note}"
    elif not advance:
        reply = f"{reply}\nnew branch {name!r} from {parent.label}"
    version = tx.insert_version(session_id, replace(draft, reply=reply))
    if advance and target.expected is not None:
        if not tx.move_branch(session_id, name, version.id, expected=target.expected):
            raise WriteConflictError(f"branch {name!r} moved during the write; retrying")
    else:
        tx.create_branch(session_id, name, version.id)
    tx.set_head(session_id, name, version.id)
    return version, name


def _rounded(scores: Mapping[str, float | None]) -> dict[str, float | None]:
    return {name: None if s is None else round(float(s), 4) for name, s in scores.items()}


def _add(ms: dict[str, float], stage: str, since: float) -> None:
    ms[stage] = round(ms.get(stage, 0.0) + (perf_counter() - since) * 1000.0, 2)


def _ms(since: float) -> float:
    return round((perf_counter() - since) * 1000.0, 2)
