"""`gouache chat`: the conversation loop and its slash commands. Heavy imports happen inside
each function, as in cli.py."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, TextIO

from gouache.cli import (
    EXIT_OK,
    _backend,
    _offer,
    _planner,
    _refine,
    _turn,
    _write_output,
    refusal,
)

if TYPE_CHECKING:
    from gouache.boxes import BoxSpec
    from gouache.followups import FollowUp
    from gouache.images import Image, LoadedImage
    from gouache.sessions.session import Session
    from gouache.sessions.store import Store
    from gouache.settings import Settings


CHAT_HELP = """\
Type an instruction to edit the current version ("more", "a bit less" or "too much" redo the
last edit stronger or weaker; "a bit bigger shadow", "not so dark" after a shadow, "a little
looser" after a crop, "only the one on the right", "sepia instead" redo it changed; "undo
that", "compare with the original" work too), or a command:
  /undo              move back to the parent version (nothing is deleted)
  /redo              move forward again
  /branch NAME       start a named branch at the current version
  /checkout VERSION  go to a version (v3, 3, an id prefix) or a branch
  /history           the version tree
  /diff A B          compare two versions
  /save PATH         write the current version's image (--force replaces a file)
  /attach PATH       attach a reference image to the next turn
  /box X,Y,W,H       edit only inside this box in the next turn (pixels, or fractions
                     such as 0.1,0.2,0.5,0.5); /box off clears it
  /character NAME PHOTO  follow a person's identity every turn
  /ops               the edits the offline backend can do
  /frames N INSTRUCTION  N frames, each the last one edited again, as a video
  /layers            the captions, logos, balloons and borders kept as layers
  /help              this text
  /quit              leave (the session is kept: `gouache chat --session ID`)"""


def chat(args: argparse.Namespace, settings: Settings, store: Store) -> int:
    from gouache.errors import InputError
    from gouache.images import load_image
    from gouache.progress import ProgressLine
    from gouache.sessions.session import Session
    from gouache.sessions.store import session_name_from_file
    from gouache.usertext import check_instruction

    chosen = _backend(args, settings)
    if chosen is None:
        from gouache.backends.operators import OperatorBackend

        chosen = OperatorBackend(max_pixels=settings.max_pixels)
    if args.session:
        session = Session.open(store, args.session, backend=chosen, planner=_planner(args))
    elif args.image:
        loaded = load_image(args.image, max_pixels=settings.max_pixels)
        for note in loaded.notes:
            print(f"note: {note}")
        session = Session.start(
            store,
            loaded,
            name=session_name_from_file(args.image),
            backend=chosen,
            planner=_planner(args),
        )
    elif chosen is not None and chosen.capabilities.generate:
        print("describe the picture to start from:")
        prompt = check_instruction(sys.stdin.readline().strip())
        with ProgressLine("generating") as progress:
            session = Session.start_from_text(store, prompt, backend=chosen, progress=progress)
        print(session.head.reply)
    else:
        raise InputError("give an image to start from, or --session ID to resume")
    add_characters(session, args.character, settings)
    session.guard_mode = args.guard
    print(f"session {session.id[:8]} ({session.name}), at v{session.head.number}. /help for help.")
    if session.head.parent_id is None:
        _offer(session, sys.stdout)  # suggestions from the first look, not only after a turn
    critique = args if args.guidelines else None
    return chat_loop(session, settings, sys.stdin, sys.stdout, critique)


def add_characters(session: Session, specs: Sequence[str], settings: Settings) -> None:
    """--character NAME=PHOTO, each followed from now on."""
    from gouache.errors import InputError

    for spec in specs:
        name, sep, photo = spec.partition("=")
        if not sep or not name or not photo:
            raise InputError(f"--character takes NAME=PHOTO, not {spec!r}")
        _add_character(session, name, photo, settings, sys.stdout)


def _add_character(
    session: Session, name: str, photo: str, settings: Settings, out: TextIO
) -> None:
    from gouache.images import load_image
    from gouache.usertext import check_text

    check_text(name, "the character's name")
    character = session.add_character(name, [load_image(photo, max_pixels=settings.max_pixels)])
    scores = session.identity_scores(session.image())
    now = scores.get(character.name)
    here = "not in the picture" if now is None else f"{now:.2f} in the current version"
    print(f"following {character.name} (threshold {character.threshold:.2f}): {here}", file=out)


class _Region:
    """The box /box set for the next turn: kept until a turn makes a version, as the web UI
    keeps a drawn mask, and read against the version the turn edits."""

    def __init__(self) -> None:
        self.box: BoxSpec | None = None

    def mask(self, session: Session) -> Image | None:
        if self.box is None:
            return None
        height, width = session.image().shape[:2]
        return self.box.mask(width, height)

    def command(self, session: Session, rest: str, out: TextIO) -> None:
        from gouache.boxes import read_box

        if rest in ("off", "clear", "none"):
            self.box = None
            print("box cleared: the next turn edits the whole picture", file=out)
        elif not rest:
            shown = "none" if self.box is None else self.box.said
            print(f"box: {shown} (/box X,Y,W,H sets one, /box off clears it)", file=out)
        else:
            box = read_box(rest)
            height, width = session.image().shape[:2]
            left, top, right, bottom = box.pixels(width, height)
            self.box = box
            print(
                f"box {left},{top} to {right},{bottom} of {width}x{height}: the next turn "
                "changes only inside it",
                file=out,
            )


def chat_loop(
    session: Session,
    settings: Settings,
    lines: TextIO,
    out: TextIO,
    guidelines: argparse.Namespace | None = None,
) -> int:
    """Run a conversation from `lines` until end of input or /quit.

    With `guidelines` (the --guidelines, --candidates, --budget, --seconds options), every
    turn runs the critique loop.
    """
    from gouache import conversation, followups
    from gouache.errors import OUT_OF_MEMORY, GouacheError, InputError, InvalidParameterError
    from gouache.usertext import check_instruction

    attached: list[LoadedImage] = []
    region = _Region()
    interactive = lines.isatty()
    while True:
        if interactive:
            out.write("gouache> ")
            out.flush()
        raw = lines.readline()
        if not raw:
            return EXIT_OK
        line = raw.strip()
        if not line:
            continue
        try:
            if line.startswith("/"):
                if "\x00" in line:  # a path may hold undecodable bytes, never a NUL
                    raise InputError("the command contains a NUL character")
                if line == "/box" or line.startswith("/box "):
                    region.command(session, line[4:].strip(), out)
                    continue
                if _chat_command(session, line, attached, settings, out) == "quit":
                    return EXIT_OK
                continue
            check_instruction(line)
            said = conversation.read(line)
            rescale = said is None or said.kind == "rescale"
            follow = followups.read(session, line) if rescale else None
            if follow is not None:  # "a bit bigger shadow": the last turn again, changed
                _follow_up(session, follow, out)
                continue
            if said is not None and said.kind == "retry":
                # "go back to the first version and try sepia instead": at v1, "sepia"
                line = conversation.turn_request(session, said, line).instruction
            elif said is not None and said.kind == "rescale":
                turn = conversation.turn_request(session, said, line)  # "a bit less"
                mask = region.mask(session)  # else the region the last turn kept to
                mask = mask if mask is not None else session.mask_of()
                made = _turn(
                    session, turn.instruction, at=turn.at, plan=turn.plan, out=out,
                    suggest=True, replacing=turn.replacing, mask=mask,
                )  # fmt: skip
                if made.version is not None:
                    region.box = None
                continue
            elif said is not None:
                print(conversation.act(session, said), file=out)
                if said.kind == "compare" and session.head.number > 1:
                    _write_comparison(session, out)
                continue
            if guidelines is not None:
                if region.box is not None:
                    raise InputError(
                        "the critique loop does not take a box yet: /box off, or leave out "
                        "--guidelines"
                    )
                _refine(session, line, guidelines, list(attached), out)
            else:
                mask = region.mask(session)
                made = _turn(session, line, references=list(attached), out=out, suggest=True,
                             mask=mask)  # fmt: skip
                if made.version is not None:
                    region.box = None
            attached.clear()
        except InvalidParameterError as err:
            # an operator that found nothing to do on this picture refuses as the planner does
            print(refusal(err, line) if err.op else f"error: {err.message}", file=out)
        except GouacheError as err:
            print(f"error: {err.message}", file=out)
        except MemoryError:
            print(f"error: {OUT_OF_MEMORY}", file=out)


def _follow_up(session: Session, follow: FollowUp, out: TextIO) -> None:
    """A follow-up: what it changes, then its turn; or why it cannot be done."""
    if follow.message:
        print(follow.message, file=out)
    turns = (follow.request, *follow.then) if follow.request is not None else ()
    for index, turn in enumerate(turns):
        made = _turn(
            session, turn.instruction, at=turn.at, plan=turn.plan, out=out,
            suggest=index == len(turns) - 1, replacing=turn.replacing,
        )  # fmt: skip
        if made.version is None:
            break  # nothing to do the later turns on


def _chat_command(
    session: Session,
    line: str,
    attached: list[LoadedImage],
    settings: Settings,
    out: TextIO,
) -> str:
    from gouache.errors import InputError
    from gouache.images import load_image

    name, _, rest = line[1:].partition(" ")
    rest = rest.strip()
    if name in ("quit", "exit", "q"):
        return "quit"
    if name == "help":
        print(CHAT_HELP, file=out)
    elif name == "undo":
        print(f"back at v{session.undo().number}", file=out)
    elif name == "redo":
        print(f"forward to v{session.redo().number}", file=out)
    elif name == "branch":
        if not rest:
            raise InputError("usage: /branch NAME")
        session.branch(rest)
        print(f"on new branch {rest!r} at v{session.head.number}", file=out)
    elif name == "checkout":
        if not rest:
            raise InputError("usage: /checkout VERSION or BRANCH")
        print(f"at v{session.checkout(rest).number}", file=out)
    elif name == "history":
        print(session.history(), file=out)
        curve = session.identity_curve()
        if curve:
            print(curve, file=out)
    elif name == "character":
        who, _, photo = rest.partition(" ")
        if not who or not photo.strip():
            raise InputError("usage: /character NAME PHOTO")
        _add_character(session, who, photo.strip(), settings, out)
    elif name == "diff":
        parts = rest.split()
        if len(parts) != 2:
            raise InputError("usage: /diff A B")
        print(session.diff(parts[0], parts[1]).describe(), file=out)
    elif name == "save":
        force = rest.startswith("--force ") or rest.endswith(" --force")
        rest = rest.removeprefix("--force ").removesuffix(" --force").strip()
        if not rest:
            raise InputError("usage: /save PATH (or /save --force PATH to replace a file)")
        target = Path(rest).expanduser()
        blob = session.store.blobs.get_bytes(session.head.blob)
        _write_output(target, blob, force=force, out=out)
        print(f"wrote {target}", file=out)
    elif name == "attach":
        if not rest:
            raise InputError("usage: /attach PATH")
        attached.append(load_image(rest, max_pixels=settings.max_pixels))
        # Image 1 is the current version; attachments count from 2.
        print(f"attached {rest} as image {len(attached) + 1}", file=out)
    elif name == "ops":
        from gouache.ops.registry import default_operators

        print(default_operators().capabilities_text(), file=out)
    elif name == "frames":
        from gouache.cli_media import chat_frames

        chat_frames(session, rest, out)
    elif name == "layers":
        from gouache.cli_media import chat_layers

        chat_layers(session, out)
    else:
        raise InputError(f"unknown command /{name}; /help lists them")
    return ""


def _write_comparison(session: Session, out: TextIO) -> None:
    """The original and the current version side by side, written to a new file in the
    current folder (never over an existing one): what "compare with the original" shows."""
    import re

    from gouache.encode import encode_pixels
    from gouache.outputs import free_name, shown, write_file
    from gouache.sidebyside import side_by_side

    head = session.head.number
    stem = re.sub(r"\.[A-Za-z0-9]+$", "", session.name) or "picture"
    picture = side_by_side(session.image("1"), session.image(), ("original (v1)", f"now (v{head})"))
    target = free_name(Path(f"{stem}-v1-vs-v{head}.png"))
    write_file(target, encode_pixels(picture, "PNG").data)
    print(f"wrote {shown(target)}: the original on the left, v{head} on the right", file=out)
