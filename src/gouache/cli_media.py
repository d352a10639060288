"""Commands for layers, sequences and stories: `export --format svg|ora`, `frames`, `animate`,
`story`. Heavy imports happen inside each command, as in cli.py."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import TYPE_CHECKING, TextIO

if TYPE_CHECKING:
    from gouache.sessions.session import Session
    from gouache.sessions.store import Store
    from gouache.sessions.versions import Version
    from gouache.settings import Settings

EXIT_OK = 0
EXIT_NOT_DONE = 3


def export_layers(args: argparse.Namespace, store: Store) -> int:
    """`gouache export SESSION VERSION --format svg|ora`: the layers kept editable."""
    from gouache.errors import InputError
    from gouache.layers.export import export_layered
    from gouache.sessions.session import Session

    fmt = args.format.strip().lower()
    if getattr(args, "sign", False) or getattr(args, "watermark", None):
        raise InputError(
            f"--sign and --watermark go into png, jpeg or webp files, not {fmt}; "
            "export the picture as png to sign it"
        )
    session = Session.open(store, args.session)
    force = bool(getattr(args, "force", False))
    written = export_layered(session, args.version, Path(args.output), fmt, force=force)
    print("wrote " + " and ".join(str(path) for path in written))
    return EXIT_OK


COMMANDS = frozenset({"frames", "animate", "story"})


def add_commands(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    frames = sub.add_parser(
        "frames", help="apply one instruction N times, each frame on the last; write a video"
    )
    frames.add_argument("source", help="an image, or a version of --session (v3, head...)")
    frames.add_argument("instruction", help="what changes from one frame to the next")
    frames.add_argument("--count", type=int, default=8, help="how many frames (8)")
    frames.add_argument("--session", help="make the frames in this session, from SOURCE")
    frames.add_argument(
        "--character",
        action="append",
        default=[],
        metavar="NAME=PHOTO",
        help="score this person's identity in every frame",
    )
    _video_options(frames, "frames.mp4")

    animate = sub.add_parser(
        "animate", help="a camera move, the version history, or a before/after wipe, as video"
    )
    animate.add_argument("session")
    animate.add_argument("version", nargs="?", default="head", help="the version (head)")
    kind = animate.add_mutually_exclusive_group(required=True)
    kind.add_argument("--camera", choices=("zoom", "pan"), help="an eased zoom or pan")
    kind.add_argument(
        "--history", action="store_true", help="the versions from the first to VERSION, faded"
    )
    kind.add_argument("--wipe", metavar="BEFORE", help="a wipe from BEFORE to VERSION")
    animate.add_argument("--to", choices=("face", "subject"), default="face", help="(face)")
    animate.add_argument("--count", type=int, default=36, help="frames of a move or wipe (36)")
    _video_options(animate, "animation.mp4")

    story = sub.add_parser(
        "story", help="a storyboard from a script: a version per panel and a comic page"
    )
    story.add_argument("script", help="the script (YAML): characters, style and 2 to 9 panels")
    story.add_argument("-o", "--output", default="story", help="folder to write (story)")
    story.add_argument(
        "--backend",
        dest="story_backend",
        metavar="NAME",
        help="draw the panels with this backend or profile",
    )
    story.add_argument(
        "--force", action="store_true", help="replace files in a folder that is not a story's"
    )


def _video_options(parser: argparse.ArgumentParser, default: str) -> None:
    parser.add_argument("-o", "--output", default=default, help=f".mp4, .gif or .webp ({default})")
    parser.add_argument("--fps", type=float, default=12.0, help="frames a second (12)")
    parser.add_argument("--size", type=int, help="the longer side in pixels (default: as is)")
    parser.add_argument("--force", action="store_true", help="replace the file if it exists")


def run(args: argparse.Namespace, settings: Settings, store: Store) -> int:
    if args.command == "frames":
        return _frames(args, settings, store)
    if args.command == "story":
        return _story(args, settings, store)
    return _animate(args, store)


def _story(args: argparse.Namespace, settings: Settings, store: Store) -> int:
    from gouache.story.run import run_story
    from gouache.story.script import load_script

    script = load_script(Path(args.script))
    result = run_story(
        script,
        store,
        Path(args.output),
        backend_name=args.story_backend or args.backend or settings.backend,
        force=args.force,
    )
    print(f"session {result.session.id[:8]} ({result.session.name})")
    print(result.report())
    print(f"wrote {result.page_png}, {result.page_pdf} and {len(result.files)} panels")
    flagged = [p.number for p in result.panels if p.lost]
    return EXIT_NOT_DONE if flagged else EXIT_OK


def _frames(args: argparse.Namespace, settings: Settings, store: Store) -> int:
    from gouache.errors import InputError
    from gouache.images import load_image
    from gouache.outputs import check_target
    from gouache.sessions.session import Session
    from gouache.sessions.versions import parse_number

    for path in (Path(args.output), _chart_of(Path(args.output))):  # before a session is made
        check_target(path, force=args.force)
    if args.session:
        session = Session.open(store, args.session)
        start = args.source
    elif not Path(args.source).exists() and parse_number(args.source) is not None:
        raise InputError(
            f"{args.source} looks like a version: name its session with --session SESSION"
        )
    else:
        loaded = load_image(args.source, max_pixels=settings.max_pixels)
        session = Session.start(store, loaded, name=Path(args.source).name)
        start = "head"
    for spec in args.character:
        name, sep, photo = spec.partition("=")
        if not sep or not name or not photo:
            raise InputError(f"--character takes NAME=PHOTO, not {spec!r}")
        session.add_character(name, [load_image(photo, max_pixels=settings.max_pixels)])
    print(f"session {session.id[:8]} ({session.name})")
    return write_frames(session, start, args.instruction, args.count, args, sys.stdout)


def write_frames(
    session: Session,
    start: str,
    instruction: str,
    count: int,
    args: argparse.Namespace,
    out: TextIO,
) -> int:
    """Make the frames, write the video and the plot of their scores, print the table."""
    from gouache.outputs import check_target
    from gouache.sequences.frames import make_frames, table
    from gouache.sequences.plot import plot_scores
    from gouache.sequences.video import write_video

    force = bool(getattr(args, "force", False))
    target = Path(args.output)
    chart_path = _chart_of(target)
    for path in (target, chart_path):  # before the frames are made
        check_target(path, force=force)

    def said(number: int, version: Version) -> None:
        print(f"frame {number}/{count}: {version.label}", file=out)

    run_ = make_frames(session, start, instruction, count, on_frame=said)
    if run_.stopped:
        print(f"stopped at {run_.stopped}", file=out)
    if not run_.versions:
        return EXIT_NOT_DONE
    images = [session.image(start), *(session.image(v.id) for v in run_.versions)]
    write_video(images, target, fps=args.fps, size=args.size, force=force)
    chart = plot_scores(list(run_.scores), chart_path, force=force)
    print(table(list(run_.scores)), file=out)
    print(
        f"wrote {target} ({len(images)} frames at {args.fps:g} fps) and {chart}; the frames are "
        f"versions on branch {run_.branch!r}",
        file=out,
    )
    return EXIT_OK


def _chart_of(video: Path) -> Path:
    return video.with_name(video.stem + "-scores.png")


def _animate(args: argparse.Namespace, store: Store) -> int:
    from gouache.outputs import check_target
    from gouache.sequences.offline import camera_move, find_target, history_frames, wipe_frames
    from gouache.sequences.video import write_video
    from gouache.sessions.session import Session

    check_target(Path(args.output), force=args.force)  # before the frames are made
    session = Session.open(store, args.session)
    version = session.resolve(args.version)
    image = session.image(version.id)
    if args.camera:
        aim = find_target(image, session.analyses, args.to)
        frames = camera_move(image, aim, args.count, args.camera)
        what = f"{args.camera} to the {args.to}"
    elif args.history:
        by_id = {v.id: v for v in session.versions()}
        line = [version]
        while line[-1].parent_id is not None:
            line.append(by_id[line[-1].parent_id])
        line.reverse()
        frames = history_frames([session.image(v.id) for v in line])
        what = f"history {line[0].label} to {version.label}"
    else:
        before = session.resolve(args.wipe)
        frames = wipe_frames(session.image(before.id), image, args.count)
        what = f"wipe from {before.label} to {version.label}"
    written = write_video(frames, Path(args.output), fps=args.fps, size=args.size, force=args.force)
    print(f"wrote {written}: {what}, {len(frames)} frames at {args.fps:g} fps")
    return EXIT_OK


def chat_frames(session: Session, rest: str, out: TextIO) -> None:
    """/frames N INSTRUCTION: N frames from the head; the video and plot go to this folder."""
    from gouache.errors import InputError

    count_text, _, instruction = rest.partition(" ")
    if not count_text.isdigit() or not instruction.strip():
        raise InputError("usage: /frames N INSTRUCTION, e.g. /frames 6 rotate by 2 degrees")
    # a default name: the first one free (the video's and its chart's), never a replacement
    video = Path(f"{session.name}-frames.mp4")
    number = 1
    while video.exists() or video.is_symlink() or _chart_of(video).exists():
        number += 1
        video = Path(f"{session.name}-frames-{number}.mp4")
    options = argparse.Namespace(output=str(video), fps=12.0, size=None)
    write_frames(session, "head", instruction.strip(), int(count_text), options, out)


def chat_layers(session: Session, out: TextIO) -> None:
    """/layers: the head's layers, bottom first, with what each says and where it is."""
    from gouache.layers.model import stack_of

    stack = stack_of(session.head.params)
    if stack is None or not stack.layers:
        print(
            "no layers: the picture is flat (a caption, logo or balloon added last is one)",
            file=out,
        )
        return
    for layer in stack.layers:
        where = layer.params.get("position")
        print(f"{layer.describe()}" + (f" at the {where}" if where else ""), file=out)
