"""`gouache demo`: a scripted conversation on scikit-image's astronaut, offline, on the CPU.

It shows turns, an undo, a branch from an older version and a refused instruction, prints a
table per turn, and writes every version with its recipe and an index.html of the tree.
"""

from __future__ import annotations

import shutil
from dataclasses import dataclass
from importlib.resources import files
from pathlib import Path
from typing import TYPE_CHECKING, TextIO

from gouache.errors import InputError
from gouache.images import load_image
from gouache.settings import Settings

if TYPE_CHECKING:
    from gouache.sessions.session import Session


@dataclass(frozen=True)
class DemoStep:
    # "turn" applies `text`; "undo" moves back; "branch" starts branch `text` at version `at`.
    kind: str
    text: str = ""
    at: str | None = None


SCRIPT: tuple[DemoStep, ...] = (
    DemoStep("turn", "make it a bit brighter and warmer"),
    DemoStep("turn", "crop to 4:5"),
    DemoStep("turn", "add a strong vignette"),
    DemoStep("undo"),
    DemoStep("turn", 'add the caption "Ad astra" at the bottom'),
    DemoStep("branch", "mono", at="v3"),
    DemoStep("turn", "black and white, then add a thick white border"),
    DemoStep("turn", "put a hat on her"),
    DemoStep("turn", "sharpen a bit"),
)


@dataclass(frozen=True)
class DemoRow:
    step: int
    instruction: str
    plan: str
    ms: float | None
    version: str


def sample_path(name: str = "astronaut.png") -> Path:
    """A sample photo that ships inside scikit-image: no download."""
    path = Path(str(files("skimage") / "data" / name))
    if not path.exists():
        raise InputError(f"scikit-image's sample {name} is missing; reinstall scikit-image")
    return path


def run_demo(folder: Path, *, settings: Settings, out: TextIO) -> list[DemoRow]:
    from gouache.gallery import write_gallery
    from gouache.sessions.session import Session
    from gouache.sessions.store import Store

    # 1. a fresh folder holding its own store, so the demo never touches the user's sessions
    if folder.exists():
        shutil.rmtree(folder)
    store_dir = folder / "store"
    store_dir.mkdir(parents=True)
    demo_settings = settings.model_copy(
        update={"store": str(store_dir / "gouache.db"), "blobs_dir": str(store_dir / "blobs")}
    )
    store = Store.from_settings(demo_settings)
    source = load_image(sample_path(), max_pixels=settings.max_pixels, name="astronaut.png")
    session = Session.start(store, source, name="astronaut (demo)")
    print(f"gouache demo: session {session.id[:8]} on scikit-image's astronaut", file=out)
    print(f"{'#':>2}  {'instruction':<48} {'plan':<52} {'ms':>6}  version", file=out)

    # 2. the conversation
    rows: list[DemoRow] = []
    for number, step in enumerate(SCRIPT, start=1):
        row = _play(session, number, step)
        rows.append(row)
        ms = f"{row.ms:6.0f}" if row.ms is not None else "     -"
        print(
            f"{row.step:>2}  {row.instruction[:48]:<48} {row.plan[:52]:<52} {ms}  {row.version}",
            file=out,
        )

    # 3. the gallery
    print("\n" + session.history(), file=out)
    page = write_gallery(session, folder)
    print(f"\n{len(page.images)} versions written. Open {page.index.resolve()}", file=out)
    database = (store_dir / "gouache.db").resolve()
    print(
        f"Or open the session in the web UI: gouache ui --store {database} "
        f"--session {session.id[:8]}",
        file=out,
    )
    return rows


def _play(session: Session, number: int, step: DemoStep) -> DemoRow:
    if step.kind == "undo":
        back = session.undo()
        return DemoRow(number, "/undo", f"head back to v{back.number}", None, f"v{back.number}")
    if step.kind == "branch":
        session.branch(step.text, at=step.at)
        where = f"v{session.head.number}"
        return DemoRow(number, f"/branch {step.text} at {step.at}", "new branch", None, where)
    turn = session.apply(step.text)
    if turn.version is None:
        reply = turn.reply.splitlines()[0] if turn.reply else "not done"
        return DemoRow(number, step.text, f"refused: {reply}", turn.ms.get("total"), "-")
    plan = turn.plan.describe() if turn.plan is not None else ""
    return DemoRow(number, step.text, plan, turn.ms.get("total"), f"v{turn.version.number}")
