"""Running a story script: one session, a version per panel on a `story` branch, identity per
character per panel (retried, then flagged), each panel and the page written to a folder.

`story.json` in the folder remembers which version drew each panel and what it depended on,
so running the script again re-renders only the panels whose instruction, characters, words,
source or style changed, and the page. The files of a folder that holds `story.json` are
the story's own, rewritten by each run; in any other folder an existing file is replaced only
with `force`. Every file is written as every output is (gouache.outputs): atomic, never
through a link.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from gouache.errors import GouacheError, InputError, WriteError
from gouache.images import LoadedImage, encode_png, image_digest, load_image
from gouache.outputs import check_target, shown, write_file
from gouache.story.page import PagePanel, pdf_bytes, render_page
from gouache.story.panels import milder_style, panel_plan, preview
from gouache.story.script import Panel, Script

if TYPE_CHECKING:
    from gouache.backends.base import ImageModel
    from gouache.sessions.session import Session
    from gouache.sessions.store import Store
    from gouache.sessions.versions import Version

MANIFEST = "story.json"


@dataclass(frozen=True)
class PanelResult:
    number: int
    version: Version
    identity: dict[str, float | None]
    lost: tuple[str, ...] = ()
    notes: tuple[str, ...] = ()
    reused: bool = False
    key: str = ""

    @property
    def flag(self) -> str:
        return f"{', '.join(self.lost)} missing" if self.lost else ""


@dataclass(frozen=True)
class StoryResult:
    session: Session
    panels: tuple[PanelResult, ...]
    page_png: Path
    page_pdf: Path
    files: tuple[Path, ...] = field(default_factory=tuple)

    def report(self) -> str:
        names = sorted({n for p in self.panels for n in p.identity})
        head = f"{'panel':<6} {'version':<8} " + " ".join(f"{n:>9}" for n in names) + "  status"
        lines = [head]
        for p in self.panels:
            cells = []
            for name in names:
                score = p.identity.get(name)
                cells.append(f"{'absent' if score is None else f'{score:.2f}':>9}")
            status = "kept (unchanged)" if p.reused else "drawn"
            if p.lost:
                status = f"FLAGGED: {p.flag}"
            lines.append(f"{p.number:<6} {p.version.label:<8} " + " ".join(cells) + f"  {status}")
            lines += [f"{'':<15} note: {note}" for note in p.notes]
        return "\n".join(lines)


def run_story(
    script: Script,
    store: Store,
    folder: Path,
    *,
    backend_name: str | None = None,
    backend: ImageModel | None = None,
    force: bool = False,
) -> StoryResult:
    """Draw every panel that changed since the last run into `folder`, then the page, with
    the backend named (or given; default the offline operators). A file in the folder that
    an earlier run did not write is replaced only with `force`."""

    # the story's own folder (its manifest is there), or files that may be replaced
    replace = force or (folder / MANIFEST).is_file()
    for name in _file_names(len(script.panels)):  # before any work
        check_target(folder / name, force=replace)
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError as err:
        raise WriteError(f"cannot make the folder {shown(folder)}: {err.strerror or err}") from None
    manifest = _read_manifest(folder)
    sources = {p.source: load_image(p.source) for p in script.panels if p.source is not None}
    photos = {name: load_image(path) for name, path in script.characters.items()}
    if backend is None:
        backend = _backend(backend_name)
    offline = backend is None or (
        backend.operators is not None and backend.capabilities.preserves_unedited
    )
    if offline:
        missing = [n for n, p in enumerate(script.panels, start=1) if p.source is None]
        if missing:
            raise InputError(
                f"panel {missing[0]} has no source photo: on the offline backend each panel "
                "starts from one (add `source:`), or use a generative backend (--backend)"
            )
    session = _session(store, manifest, script, sources, photos, backend)
    if not offline:
        # a panel is a new picture, not an edit of the one before: nothing to preserve
        session.guard_mode = "off"
    known = {c.name for c in session.characters()}
    for name, photo in photos.items():
        if name not in known:
            session.add_character(name, [photo])
    characters = session.characters()

    previous: Version = session.resolve(manifest.get("root", "v1"))
    earlier: list[dict[str, Any]] = list(manifest.get("panels", []))
    results: list[PanelResult] = []
    for number, panel in enumerate(script.panels, start=1):
        source = sources.get(panel.source) if panel.source is not None else None
        key = panel.key(script.style, script.panel, image_digest(source.pixels) if source else None)
        old = earlier[number - 1] if number - 1 < len(earlier) else None
        reused = _reuse(session, old, key, previous)
        if reused is not None:
            results.append(reused)
            previous = reused.version
            continue
        if offline:
            assert source is not None
            result = _offline_panel(session, number, panel, source, script, characters, previous)
        else:
            result = _generative_panel(session, number, panel, script, photos, previous)
        result = PanelResult(
            number, result.version, result.identity, result.lost, result.notes, False, key
        )
        results.append(result)
        previous = result.version

    # the panels and the page
    files: list[Path] = []
    page_panels = []
    for result in results:
        image = session.image(result.version.id)
        path = folder / f"panel-{result.number}.png"
        write_file(path, session.store.blobs.get_bytes(result.version.blob), force=replace)
        files.append(path)
        page_panels.append(PagePanel(image, result.flag))
    page = render_page(page_panels, script.panel, script.layout, script.title)
    page_png = write_file(folder / "page.png", encode_png(page), force=replace)
    pdf = pdf_bytes(page_panels, script.panel, script.layout, script.title)
    page_pdf = write_file(folder / "page.pdf", pdf, force=replace)
    # the manifest last: a folder that holds it holds every file of the run
    _write_manifest(folder, session, results, manifest.get("root"))
    return StoryResult(session, tuple(results), page_png, page_pdf, tuple(files))


def _file_names(panels: int) -> list[str]:
    return [*(f"panel-{n}.png" for n in range(1, panels + 1)), "page.png", "page.pdf", MANIFEST]


def _backend(name: str | None) -> Any:
    if name is None or name == "operators":
        return None
    from gouache.backends.catalog import create

    return create(name)


def _session(
    store: Store,
    manifest: dict[str, Any],
    script: Script,
    sources: dict[Path, LoadedImage],
    photos: dict[str, LoadedImage],
    backend: Any,
) -> Session:
    from gouache.sessions.session import Session

    if manifest.get("session"):
        try:
            return Session.open(store, manifest["session"], backend=backend)
        except GouacheError:
            manifest.clear()  # the store no longer has it: start again
    first = script.panels[0].source
    start = sources[first] if first is not None else next(iter(photos.values()))
    name = "story-" + ("-".join(script.title.lower().split()[:5]) or "untitled")
    return Session.start(store, start, name=name, backend=backend)


def _branch_for(session: Session, previous: Version) -> str | None:
    """None when `previous` is the tip of a story branch (the panel advances it), else the
    next free name: story, story-2, ... (a run that redraws some panels starts one)."""
    tips = session.branches()
    if any(tip == previous.id and name.startswith("story") for name, tip in tips.items()):
        return None
    name, number = "story", 2
    while name in tips:
        name, number = f"story-{number}", number + 1
    return name


def _reuse(
    session: Session, old: dict[str, Any] | None, key: str, previous: Version
) -> PanelResult | None:
    """The panel drawn last time, when nothing it depends on changed."""
    if old is None or old.get("key") != key:
        return None
    try:
        version = session.resolve(old["version"])
    except GouacheError:
        return None
    identity = {k: v for k, v in dict(old.get("identity", {})).items()}
    lost, notes = tuple(old.get("lost", [])), tuple(old.get("notes", []))
    return PanelResult(int(old["number"]), version, identity, lost, notes, True, key)


def _offline_panel(
    session: Session,
    number: int,
    panel: Panel,
    source: LoadedImage,
    script: Script,
    characters: list[Any],
    previous: Version,
) -> PanelResult:
    from gouache.planner.rules import RulePlanner

    backend = session.backend
    planner = RulePlanner(backend.operators)
    planned = panel_plan(
        panel, source.pixels, script.panel, characters, session.analyses, planner, script.style
    )
    tried = preview(planned, source.pixels, backend, characters, panel.characters, session.analyses)
    if tried.lost and script.style:
        # retried: the style at half its strength, then without it
        style = planner.plan(script.style)
        style_ops = {step.op for step in getattr(style, "steps", ())}
        for factor in (0.5, 0.0):
            retry = milder_style(planned, style_ops, factor)
            again = preview(
                retry, source.pixels, backend, characters, panel.characters, session.analyses
            )
            if len(again.lost) < len(tried.lost):
                tried = again
            if not tried.lost:
                break
    turn = session.apply(
        panel.instruction,
        at=previous.id,
        branch=_branch_for(session, previous),
        references=[source],
        plan=tried.plan.plan,
        keep=panel.characters,  # this panel's cast, not the previous panel's
    )
    if turn.version is None:
        raise InputError(f"panel {number}: {turn.reply}")
    scores = session.identity_scores(session.image(turn.version.id))
    lost = tuple(
        name
        for name in panel.characters
        if scores.get(name) is None
        or (scores[name] or 0.0) < next(c.threshold for c in characters if c.name == name)
    )
    return PanelResult(number, turn.version, dict(scores), lost, tried.plan.notes)


def _generative_panel(
    session: Session,
    number: int,
    panel: Panel,
    script: Script,
    photos: dict[str, LoadedImage],
    previous: Version,
) -> PanelResult:
    """A generative backend draws the panel from words, with the characters' photos."""
    words = [panel.instruction]
    if script.style:
        words.append(f"Style: {script.style}.")
    if panel.caption:
        words.append(f'Caption: "{panel.caption}".')
    if panel.say is not None:
        words.append(f'{panel.say.who} says: "{panel.say.text}" in a speech balloon.')
    references = [photos[name] for name in panel.characters]
    if panel.source is not None:
        references.insert(0, load_image(panel.source))
    limit = session.backend.capabilities.max_references
    characters = session.characters()
    thresholds = {c.name: c.threshold for c in characters}
    notes: list[str] = []
    options: dict[str, Any] = {"at": previous.id, "references": references[:limit], "seed": number}
    # the pipeline retries with other seeds while one of the panel's characters is lost ...
    prompt = " ".join(words)
    turn = session.apply(
        prompt, branch=_branch_for(session, previous), keep=panel.characters, **options
    )
    if turn.version is None:
        # ... and when every try lost someone, the first is kept and flagged
        notes.append(turn.reply.splitlines()[-1])
        turn = session.apply(
            prompt, branch=_branch_for(session, previous), keep=(), retries=0, **options
        )
    if turn.version is None:
        raise InputError(f"panel {number} could not be drawn: {turn.reply.splitlines()[-1]}")
    scores = session.identity_scores(session.image(turn.version.id))
    lost = tuple(n for n in panel.characters if (scores.get(n) or 0.0) < thresholds.get(n, 1.0))
    return PanelResult(number, turn.version, dict(scores), lost, tuple(notes))


def _read_manifest(folder: Path) -> dict[str, Any]:
    path = folder / MANIFEST
    if not path.exists():
        return {}
    try:
        data = json.loads(path.read_text("utf-8"))
    except (OSError, ValueError) as err:
        raise InputError(
            f"{path} is not a story record ({err}); remove it to start again"
        ) from None
    return data if isinstance(data, dict) else {}


def _write_manifest(
    folder: Path, session: Session, results: list[PanelResult], root: str | None
) -> None:
    data = {
        "session": session.id,
        "root": root or session.resolve("v1").id,
        "panels": [
            {
                "number": r.number,
                "key": r.key,
                "version": r.version.id,
                "label": r.version.label,
                "identity": r.identity,
                "lost": list(r.lost),
                "notes": list(r.notes),
            }
            for r in results
        ],
    }
    write_file(folder / MANIFEST, (json.dumps(data, indent=2) + "\n").encode(), force=True)
