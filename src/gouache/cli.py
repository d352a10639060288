"""The command line: the only place argv is parsed.

Imports of numpy, OpenCV, SQLAlchemy and the backends happen inside the commands, so that
`gouache --help` starts fast. Bad input ends in one line on stderr and a non-zero exit.
"""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Iterator, Sequence
from contextlib import contextmanager, suppress
from pathlib import Path
from typing import TYPE_CHECKING, NoReturn, TextIO, cast

from gouache.usertext import quality_arg

if TYPE_CHECKING:
    from gouache.backends.base import ImageModel
    from gouache.errors import InvalidParameterError
    from gouache.images import Image, LoadedImage
    from gouache.ops.plan import EditPlan
    from gouache.planner.plan import Planner
    from gouache.sessions.session import Session, TurnResult
    from gouache.sessions.store import Store
    from gouache.settings import Settings

EXIT_OK = 0
EXIT_ERROR = 1
EXIT_NOT_DONE = 3  # the instruction was understood as impossible: nothing was made
# in cli_provenance.py: verify, import, and the signing actions of `keys`
PROVENANCE_COMMANDS = frozenset({"verify", "import"})
SIGNING_ACTIONS = frozenset({"init-signing", "show-signing"})
EXIT_INTERNAL = 70  # a bug (EX_SOFTWARE)
EXIT_BROKEN_PIPE = 141  # 128 + SIGPIPE, what a shell reports for a killed writer
# Commands that only read the store: they open it read-only where it cannot be written.
READ_ONLY_COMMANDS = frozenset({"sessions", "history", "diff", "export"})


class _Parser(argparse.ArgumentParser):
    """argparse, whose usage errors quote the arguments: made printable first."""

    def error(self, message: str) -> NoReturn:
        from gouache.usertext import printable

        super().error(printable(message, newlines=False))


def build_parser() -> argparse.ArgumentParser:
    from gouache import cli_media
    from gouache import cli_provenance as provenance

    parser = _Parser(
        prog="gouache",
        description="Talk to your pictures: conversational image editing over a version tree.",
    )
    parser.add_argument("--store", help="SQLAlchemy URL or SQLite path (env GOUACHE_STORE)")
    parser.add_argument("--data-dir", help="where sessions and images live (GOUACHE_DATA_DIR)")
    parser.add_argument("--max-pixels", type=int, help="refuse larger images (default 40 MP)")
    parser.add_argument(
        "--backend",
        help="backend or profile to edit with (default operators; `gouache backends` lists them)",
    )
    parser.add_argument(
        "--llm",
        metavar="URL",
        help="plan with an LLM at this OpenAI-compatible base URL (needs gouache[llm])",
    )
    parser.add_argument("--llm-model", default="gemma3", help="the LLM's model name")
    parser.add_argument(
        "--guard",
        choices=("off", "on", "strict"),
        default="on",
        help="preservation guard for backends that redraw pixels (default on)",
    )
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", required=True)

    edit = sub.add_parser("edit", help="apply one instruction to an image and save the result")
    edit.add_argument("args", nargs="+", metavar="IMAGE INSTRUCTION", help="image, then words")
    edit.add_argument(
        "-o", "--output", help="file to write the result to (default IMAGE-edited.png, kept free)"
    )
    edit.add_argument(
        "--quality",
        type=quality_arg,
        help="JPEG / WebP quality 1-100 for -o out.jpg or .webp (92 / 90)",
    )
    edit.add_argument("--force", action="store_true", help="replace the -o file if it exists")
    edit.add_argument(
        "--character",
        action="append",
        default=[],
        metavar="NAME=PHOTO",
        help="check a person's identity in the result (a photo with one face), as in chat",
    )
    edit.add_argument("--session", help="apply to this session's head instead of a new image")
    edit.add_argument("--at", help="apply at this version of --session (makes a branch)")
    edit.add_argument("--ref", action="append", default=[], help="attach a reference image")
    edit.add_argument(
        "--box",
        metavar="X,Y,W,H",
        help="edit only inside this box: pixels, or fractions of the picture (0.1,0.2,0.5,0.5)",
    )
    _backend_argument(edit)
    provenance.add_export_options(edit, folder=False)
    _critique_arguments(edit)

    chat = sub.add_parser("chat", help="a conversation: each line is a turn (/help for commands)")
    chat.add_argument("image", nargs="?", help="image to start from")
    chat.add_argument("--session", help="resume this session")
    _backend_argument(chat)
    _critique_arguments(chat)
    chat.add_argument(
        "--character",
        action="append",
        default=[],
        metavar="NAME=PHOTO",
        help="follow a person's identity every turn (a photo with one face)",
    )

    check = sub.add_parser("check", help="score an image against a guideline file (YAML)")
    check.add_argument("image")
    check.add_argument("--guidelines", required=True, help="the guideline file")
    check.add_argument("--source", help="the image it was edited from, for preservation")
    check.add_argument("--json", action="store_true", help="print the scores as JSON")

    sub.add_parser("sessions", help="list sessions")

    history = sub.add_parser("history", help="show a session's version tree")
    history.add_argument("session")

    diff = sub.add_parser("diff", help="compare two versions of a session")
    diff.add_argument("session")
    diff.add_argument("a")
    diff.add_argument("b")

    export = sub.add_parser("export", help="write a version's image and recipe JSON")
    export.add_argument("session")
    export.add_argument("version")
    export.add_argument("-o", "--output", default=".", help="folder (default: here)")
    provenance.add_export_options(export, folder=True)
    provenance.add_commands(sub)
    cli_media.add_commands(cast("argparse._SubParsersAction[argparse.ArgumentParser]", sub))
    export.add_argument("--force", action="store_true", help="replace files that exist")

    store = sub.add_parser("store", help="check the store: every blob re-hashed, leftovers listed")
    store_sub = store.add_subparsers(dest="store_command", metavar="ACTION", required=True)
    store_check = store_sub.add_parser("check", help="check the store's integrity")
    store_check.add_argument(
        "--repair", action="store_true", help="remove orphan blobs and leftover temporary files"
    )

    sub.add_parser("ops", help="list the edits the offline backend can do")
    suggest = sub.add_parser("suggest", help="edits worth trying on a picture, and why")
    suggest.add_argument("image")
    sub.add_parser("backends", help="list backends and profiles: available or not, and why")

    serve = sub.add_parser("serve", help="the HTTP API (native, Gemini and OpenAI formats)")
    serve.add_argument("--host", default="127.0.0.1", help="address to bind (127.0.0.1)")
    serve.add_argument("--port", type=int, default=8765, help="port (8765)")
    serve.add_argument("--store", default=argparse.SUPPRESS, help="as gouache --store")
    serve.add_argument("--workers", choices=("inline", "queue"), default="inline")
    serve.add_argument("--redis", default="redis://127.0.0.1:6379/0", help="for --workers queue")
    serve.add_argument(
        "--local", action="store_true", help="one user on 127.0.0.1, a random token, no keys"
    )
    serve.add_argument("--threads", type=int, default=4, help="turns at once, inline (4)")
    serve.add_argument("--rate", type=int, default=600, help="requests/min per key (0: off)")
    serve.add_argument("--max-jobs", type=int, default=8, help="jobs at once per tenant (8)")
    serve.add_argument("--max-upload-mb", type=float, default=50.0, help="request body cap")

    ui = sub.add_parser("ui", help="the web UI: local server, browser opened on the session")
    ui.add_argument("image", nargs="?", help="start a session from this picture")
    ui.add_argument("--session", help="open this session instead (an id or its prefix)")
    ui.add_argument("--store", default=argparse.SUPPRESS, help="as gouache --store")
    ui.add_argument("--port", type=int, default=0, help="port (default: a free one)")
    ui.add_argument("--no-browser", action="store_true", help="only print the link")
    ui.add_argument("--arena", help="vote blind on an eval run's results (gouache eval run --out)")
    ui.add_argument("--votes", help="the votes file for --arena (default RUN/votes.jsonl)")

    keys = sub.add_parser("keys", help="API keys of the HTTP API; the C2PA signing identity")
    keys_sub = keys.add_subparsers(dest="keys_command", metavar="ACTION", required=True)
    create_key = keys_sub.add_parser("create", help="print a new key (shown once)")
    create_key.add_argument("--tenant", required=True, help="whose sessions the key reaches")
    create_key.add_argument("--label", default="", help="a note kept with the key")
    keys_sub.add_parser("list", help="every key: the start of its hash, tenant, label")
    revoke = keys_sub.add_parser("revoke", help="delete a key; its clients get 401")
    revoke.add_argument("hash", help="the start of its hash, as `gouache keys list` shows")
    provenance.add_key_actions(keys_sub)

    demo = sub.add_parser("demo", help="a scripted offline conversation on a sample photo")
    demo.add_argument("-o", "--output", default="gouache-demo", help="folder to write")

    from gouache import cli_evals

    cli_evals.add_parsers(sub)
    return parser


def _critique_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--guidelines", help="critique every turn against this YAML file")
    parser.add_argument("--candidates", type=int, default=3, help="candidates per turn (3)")
    parser.add_argument("--budget", type=int, default=8, help="attempts per turn at most (8)")
    parser.add_argument("--seconds", type=float, default=120.0, help="time per turn at most")
    parser.add_argument(
        "--prefer",
        choices=("request", "guideline"),
        default="request",
        help="when a guideline's correction would undo what you asked: keep your request "
        "(default) or apply the guideline",
    )


def main(argv: Sequence[str] | None = None) -> int:
    """Run one command. Every failure a user can cause ends in one line on stderr and a
    non-zero exit; output that echoes user text never carries terminal control characters."""
    with _terminal():
        return _main(argv)


def _main(argv: Sequence[str] | None) -> int:
    args = build_parser().parse_args(_box_joined(sys.argv[1:] if argv is None else argv))
    from gouache.errors import OUT_OF_MEMORY, GouacheError

    try:
        _check_text_arguments(args)
        settings = _settings(args)
        return _dispatch(args, settings)
    except GouacheError as err:
        return _fail(err.message)
    except MemoryError:
        return _fail(OUT_OF_MEMORY)
    except BrokenPipeError:
        # the reader left (`gouache sessions | head`): stop quietly, as cat and git do
        _silence_stdout()
        return EXIT_BROKEN_PIPE
    except KeyboardInterrupt:
        print("gouache: interrupted", file=sys.stderr)
        return 130
    except Exception as err:
        # The last net under a bug: one line, and the traceback only when asked for.
        if os.environ.get("GOUACHE_DEBUG"):
            raise
        return _fail(
            f"internal error ({type(err).__name__}: {err}); run again with GOUACHE_DEBUG=1 "
            "for the traceback, and please report it",
            code=EXIT_INTERNAL,
        )


def _box_joined(argv: Sequence[str]) -> list[str]:
    """`--box -5,0,10,10` as `--box=-5,0,10,10`: argparse would take the value for an option,
    and the box deserves its own message."""
    out: list[str] = []
    words = iter(argv)
    for word in words:
        following = next(words, None) if word == "--box" else None
        if following is not None and following.startswith("-"):
            out.append(f"--box={following}")
        else:
            out += [word] if following is None else [word, following]
    return out


def _fail(message: str, code: int = 1) -> int:
    from gouache.usertext import printable

    with suppress(BrokenPipeError, OSError):
        print(f"gouache: error: {printable(message, newlines=False)}", file=sys.stderr)
    return code


def _silence_stdout() -> None:
    """Point stdout at /dev/null so that flushing it at exit raises nothing more."""
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.__stdout__.fileno() if sys.__stdout__ else 1)
    except (OSError, ValueError):
        pass


class _Printable:
    """A text stream that writes `printable(text)`: user text in our output (a caption, a
    file name, an instruction echoed back) cannot move the cursor, clear the screen or ring."""

    def __init__(self, inner: TextIO) -> None:
        self.inner = inner

    def write(self, text: str) -> int:
        from gouache.usertext import printable

        self.inner.write(printable(text))
        return len(text)

    def __getattr__(self, name: str) -> object:
        return getattr(self.inner, name)


@contextmanager
def _terminal() -> Iterator[None]:
    """stdin keeps undecodable bytes (checked line by line); stdout is made printable."""
    reconfigure = getattr(sys.stdin, "reconfigure", None)
    if reconfigure is not None:
        with suppress(ValueError, OSError):  # a detached stream keeps its settings
            reconfigure(errors="surrogateescape")
    saved = sys.stdout
    sys.stdout = cast(TextIO, _Printable(saved))
    try:
        yield
    finally:
        sys.stdout = saved


# Arguments that are text (names, version refs), not paths: they must be valid UTF-8.
_TEXT_ARGUMENTS = {
    "session": "the session",
    "at": "--at",
    "version": "the version",
    "a": "the version",
    "b": "the version",
    "backend": "--backend",
    "llm_model": "--llm-model",
}


def _check_text_arguments(args: argparse.Namespace) -> None:
    from gouache.usertext import check_text

    for attr, what in _TEXT_ARGUMENTS.items():
        value = getattr(args, attr, None)
        if isinstance(value, str):
            check_text(value, what)


def _settings(args: argparse.Namespace) -> Settings:
    from pydantic import ValidationError

    from gouache.errors import InputError
    from gouache.settings import Settings

    overrides: dict[str, object] = {}
    if args.store:
        overrides["store"] = args.store
    if args.data_dir:
        overrides["data_dir"] = Path(args.data_dir)
    if args.max_pixels is not None:
        overrides["max_pixels"] = args.max_pixels
    try:
        return Settings(**overrides)  # type: ignore[arg-type]
    except ValidationError as err:
        first = err.errors()[0]
        where = ".".join(str(p) for p in first["loc"])
        message = str(first["msg"]).removeprefix("Value error, ")
        raise InputError(f"setting {where}: {message}") from None


def _dispatch(args: argparse.Namespace, settings: Settings) -> int:
    command: str = args.command
    if command == "demo":
        from gouache.demo import run_demo

        run_demo(Path(args.output), settings=settings, out=sys.stdout)
        return EXIT_OK
    if command == "suggest":
        return _suggest(args, settings)
    if command == "ops":
        from gouache.ops.registry import default_operators

        print(default_operators().capabilities_text())
        return EXIT_OK
    if command == "check":
        return _check(args, settings)
    if command == "backends":
        return _backends()
    if command == "serve":
        from gouache.server.config import ServerConfig
        from gouache.server.serve import serve

        config = ServerConfig(
            workers=args.workers,
            redis_url=args.redis,
            threads=args.threads,
            rate_per_minute=args.rate,
            max_jobs_per_tenant=args.max_jobs,
            max_body_bytes=int(args.max_upload_mb * 1024 * 1024),
        )
        return serve(settings, sys.stdout, config, host=args.host, port=args.port, local=args.local)
    if command == "ui":
        from gouache.web.launch import ui

        return ui(
            settings,
            sys.stdout,
            image=Path(args.image) if args.image else None,
            session_id=args.session,
            port=args.port,
            open_browser=not args.no_browser,
            arena=Path(args.arena) if args.arena else None,
            votes=Path(args.votes) if args.votes else None,
        )
    if command in PROVENANCE_COMMANDS or getattr(args, "keys_command", "") in SIGNING_ACTIONS:
        from gouache.cli_provenance import run

        return run(args, settings)
    if command == "keys":
        from gouache.server import serve as keys

        if args.keys_command == "list":
            return keys.list_keys_command(settings, sys.stdout)
        if args.keys_command == "revoke":
            return keys.revoke_key_command(settings, sys.stdout, prefix=args.hash)
        return keys.create_key_command(settings, sys.stdout, tenant=args.tenant, label=args.label)
    if command in ("eval", "arena"):
        from gouache import cli_evals

        return cli_evals.dispatch(args)
    store = _store(settings, command)
    if command == "store":
        return _store_check(store, repair=args.repair)
    if command == "edit":
        return _edit(args, settings, store)
    if command == "chat":
        from gouache.cli_chat import chat

        return chat(args, settings, store)
    if command == "sessions":
        return _sessions(store)
    if command == "history":
        from gouache.sessions.session import Session

        session = Session.open(store, args.session)
        print(session.history())
        curve = session.identity_curve()
        if curve:
            print(curve)
        return EXIT_OK
    if command == "diff":
        from gouache.sessions.session import Session

        print(Session.open(store, args.session).diff(args.a, args.b).describe())
        return EXIT_OK
    if command in ("frames", "animate", "story"):
        from gouache import cli_media

        return cli_media.run(args, settings, store)
    if command == "export":
        if args.format.strip().lower() in ("svg", "ora"):
            from gouache.cli_media import export_layers

            return export_layers(args, store)
        from gouache.cli_provenance import export

        return export(args, settings, store)
    raise AssertionError(f"unhandled command {command}")  # pragma: no cover - argparse guards


def _check(args: argparse.Namespace, settings: Settings) -> int:
    import json

    from gouache.analysis.cache import AnalysisCache
    from gouache.critics.guideline import Guideline
    from gouache.images import load_image

    guideline = Guideline.load(args.guidelines)
    image = load_image(args.image, max_pixels=settings.max_pixels).pixels
    source = load_image(args.source, max_pixels=settings.max_pixels).pixels if args.source else None
    cache = AnalysisCache(cache_dir=settings.blob_root().parent / "analysis")
    evaluation = guideline.evaluate(image, cache, source=source)
    if args.json:
        print(json.dumps(evaluation.to_json(), indent=2))
    else:
        print(evaluation.table())
    return EXIT_OK if evaluation.passed else EXIT_ERROR


def _backends() -> int:
    import importlib

    from gouache.backends.catalog import TYPES, availability, config_path, load_profiles

    print(f"profiles from {config_path()} (and one per backend type)")
    print(f"{'name':<12} {'type':<10} {'status':<10} capabilities / why")
    for profile in load_profiles().values():
        state = availability(profile)
        kind = TYPES[profile.type]
        caps = "-"
        if state.available:
            module, _, name = kind.target.partition(":")
            found = getattr(getattr(importlib.import_module(module), name), "capabilities", None)
            caps = found.describe() if found is not None else "depends on the model"
        status = "available" if state.available else "missing"
        detail = caps if state.available else state.why
        print(f"{profile.name:<12} {profile.type:<10} {status:<10} {detail}")
        print(f"{'':<12} {kind.summary}")
    return EXIT_OK


def _backend_argument(command: argparse.ArgumentParser) -> None:
    """--backend after the command too (`gouache edit IMG "..." --backend gemini`), as people
    type it; given there it wins over the one before the command."""
    command.add_argument("--backend", default=argparse.SUPPRESS, help="as gouache --backend")


def _backend(args: argparse.Namespace, settings: Settings) -> ImageModel | None:
    """The backend --backend (or GOUACHE_BACKEND) names; None for the default operators."""
    from gouache.backends.catalog import create

    name = args.backend or settings.backend
    if name == "operators":
        return None
    backend: ImageModel = create(name)
    return backend


def _planner(args: argparse.Namespace) -> Planner | None:
    """The LLM planner when --llm names a server; None for the session's default."""
    if not args.llm:
        return None
    from gouache.planner.llm import LLMPlanner

    return LLMPlanner(args.llm, args.llm_model)


def _store(settings: Settings, command: str) -> Store:
    """The store; refused in memory (the command line would lose it on exit), and opened
    read-only for a command that only reads, where the disk cannot be written."""
    from gouache.errors import InputError
    from gouache.sessions.store import Store

    url = settings.store_url()
    if url.startswith("sqlite:") and _sqlite_in_memory(url):
        raise InputError(
            f"--store {url} keeps sessions in memory, and the command line would lose them "
            "when it exits; give a file path or a database server's URL"
        )
    read_only = command in READ_ONLY_COMMANDS and not _writable(url)
    return Store.from_settings(settings, read_only=read_only)


def _sqlite_in_memory(url: str) -> bool:
    from sqlalchemy.engine import make_url
    from sqlalchemy.exc import ArgumentError

    try:
        parsed = make_url(url)
    except ArgumentError:
        return False
    database = parsed.database or ""
    return database in ("", ":memory:") or parsed.query.get("mode") == "memory"


def _writable(url: str) -> bool:
    """False when `url` is a SQLite file that exists and cannot be written, or whose folder
    cannot (SQLite writes its journal beside it)."""
    prefix = "sqlite:///"
    if not url.startswith(prefix) or url.startswith(prefix + "file:"):
        return True
    path = Path(url[len(prefix) :])
    if not path.is_file():
        return True
    return os.access(path, os.W_OK) and os.access(path.parent, os.W_OK)


def _store_check(store: Store, *, repair: bool) -> int:
    from gouache.sessions.integrity import check_store

    report = check_store(store, repair=repair)
    print(report.describe())
    return EXIT_OK if report.healthy else EXIT_ERROR


def _edit(args: argparse.Namespace, settings: Settings, store: Store) -> int:
    from gouache import conversation, followups
    from gouache.analysis.cache import AnalysisCache
    from gouache.backends.operators import OperatorBackend
    from gouache.boxes import read_box
    from gouache.encode import format_of
    from gouache.errors import InputError, InvalidParameterError
    from gouache.images import load_image
    from gouache.outputs import check_target, free_name
    from gouache.planner import spelling
    from gouache.planner.plan import EditPlan, PlannerAnswer, PlannerQuestion
    from gouache.sessions.session import Session, default_planner, plan_context
    from gouache.sessions.store import session_name_from_file
    from gouache.usertext import check_instruction

    words: list[str] = list(args.args)
    box = read_box(args.box) if args.box else None
    if box is not None and args.guidelines:
        raise InputError("--box does not work with --guidelines yet: leave out one of them")
    if args.output:
        check_target(args.output, force=args.force)  # before any work is done
        format_of(Path(args.output))
        if args.sign or args.watermark:
            from gouache.cli_provenance import signed_format

            signed_format(Path(args.output))
    references = [load_image(p, max_pixels=settings.max_pixels) for p in args.ref]
    analyses = AnalysisCache(cache_dir=settings.blob_root().parent / "analysis")
    backend = _backend(args, settings) or OperatorBackend(
        analyses=analyses, max_pixels=settings.max_pixels
    )
    planner = _planner(args) or default_planner(backend)
    session: Session | None = None
    if args.session:
        session = Session.open(store, args.session, backend=backend, planner=planner)
        source_name = session.name
        source = session.image(args.at or "head")
    else:
        if len(words) < 2:
            raise InputError('usage: gouache edit IMAGE "instruction" (or --session ID "...")')
        path = words.pop(0)
        source_name = path
        loaded = load_image(path, max_pixels=settings.max_pixels)
        source = loaded.pixels
    instruction = check_instruction(" ".join(words))
    mask = None if box is None else box.mask(source.shape[1], source.shape[0])
    said = conversation.read(instruction)
    if said is not None:  # "undo that": edit makes one version; the tree is worked in chat
        print(conversation.edit_reply(said, args.session))
        return EXIT_NOT_DONE
    if (session is None and followups.looks_like(instruction)) or (
        session is not None and not args.at and followups.read(session, instruction) is not None
    ):  # "only the one on the right", "a bit bigger shadow": there is no last turn to change
        print(followups.edit_reply(instruction, args.session))
        return EXIT_NOT_DONE

    # Plan once, before any session is started: a refused instruction leaves nothing behind,
    # and the turn runs this very plan.
    outcome = planner.plan(instruction, plan_context(analyses, source, references))
    if isinstance(outcome, PlannerQuestion) and outcome.slot == spelling.SLOT:
        # an edit cannot be answered "yes": the reply names the corrected command
        print(spelling.edit_hint(outcome, _edit_command(args, source_name, outcome.options[0])))
        return EXIT_NOT_DONE
    if not isinstance(outcome, EditPlan):
        print(outcome.describe())
        return EXIT_OK if isinstance(outcome, PlannerAnswer) else EXIT_NOT_DONE
    if session is None:
        session = Session.start(
            store, loaded, name=session_name_from_file(path), backend=backend, planner=planner
        )
        for note in loaded.notes:
            print(f"note: {note}")
    from gouache.cli_chat import add_characters

    add_characters(session, args.character, settings)
    session.guard_mode = args.guard
    output = Path(args.output) if args.output else free_name(_default_output(source_name))
    if args.guidelines:
        return _refine(session, instruction, args, references, sys.stdout, output, outcome)
    try:
        turn = _turn(
            session, instruction, at=args.at, references=references, plan=outcome, mask=mask
        )
    except InvalidParameterError as err:
        if err.op is None:
            _forget(store, session, args)
            raise
        # the operator looked at the picture and found nothing to do ("straighten it" with no
        # line to level by): a refusal like the planner's, and no session left behind
        _forget(store, session, args)
        print(refusal(err, instruction))
        return EXIT_NOT_DONE
    except InputError:  # a mask the plan cannot keep to ("crop" inside a --box)
        _forget(store, session, args)
        raise
    if turn.version is None:
        return EXIT_OK if turn.answer is not None else EXIT_NOT_DONE
    if args.sign or args.watermark:
        from gouache.cli_provenance import export_turn

        export_turn(session, turn.version.id, output, args, settings)
    else:
        blob = store.blobs.get_bytes(turn.version.blob)
        _write_output(output, blob, force=args.force, quality=args.quality)
    print(f"wrote {output}  (session {session.id[:8]}, version v{turn.version.number})")
    return EXIT_OK


def _forget(store: Store, session: Session, args: argparse.Namespace) -> None:
    """Delete the session this edit started: a refused turn leaves nothing behind."""
    if not args.session:
        store.run(lambda tx: tx.delete_session(session.id))


def refusal(err: InvalidParameterError, instruction: str) -> str:
    """An operator's refusal of this picture, in the shape of the planner's replies: the
    reason, then the edits the reason names as the next step."""
    import re

    from gouache.planner.plan import PlannerReply

    reason = err.message.removeprefix(f"{err.op}: ") if err.op else err.message
    reason = reason[:1].upper() + reason[1:]
    offers = re.findall(r'"([^"]{4,60})"', reason)
    reply = PlannerReply(
        instruction=instruction,
        message=f"{reason}. Nothing was changed.",
        suggestions=tuple(dict.fromkeys(offers)),
    )
    return reply.describe()


def _edit_command(args: argparse.Namespace, image: str, instruction: str) -> str:
    """The `gouache edit` command line the user ran, with `instruction` in place of theirs."""
    import shlex

    words = ["gouache", "edit"]
    words += ["--session", args.session] if args.session else [image]
    words.append(instruction)
    words += ["--at", args.at] if args.at else []
    words += ["--box", args.box] if args.box else []
    for ref in args.ref:
        words += ["--ref", ref]
    words += ["-o", args.output] if args.output else []
    return " ".join(shlex.quote(word) for word in words)


def _suggest(args: argparse.Namespace, settings: Settings) -> int:
    from gouache.analysis.cache import AnalysisCache
    from gouache.images import load_image
    from gouache.suggest import ideas as creative
    from gouache.suggest import suggest

    image = load_image(args.image, max_pixels=settings.max_pixels).pixels
    cache = AnalysisCache(cache_dir=settings.blob_root().parent / "analysis")
    ideas = suggest(image, cache.get(image), limit=5, read_text=True)
    if not ideas:  # as chat's "any suggestions?" answers: edits that suit it
        print("Nothing stands out to fix; ideas to try (`gouache ops` lists every edit):")
        ideas = creative(image, cache.get(image))
    for idea in ideas:
        print(f'"{idea.instruction}"  ({idea.reason})')
    return EXIT_OK


def _write_output(
    path: Path, data: bytes, *, force: bool, quality: int | None = None, out: TextIO | None = None
) -> None:
    """Write a version's PNG bytes in the format the file name asks for (.jpg, .webp ...)."""
    from gouache.encode import encode_for
    from gouache.outputs import write_file

    encoded = encode_for(path, data, quality)
    write_file(path, encoded.data, force=force)
    if encoded.note:
        print(f"note: {encoded.note}", file=out if out is not None else sys.stdout)


def _refine(
    session: Session,
    instruction: str,
    args: argparse.Namespace,
    references: Sequence[LoadedImage],
    out: TextIO,
    output: Path | None = None,
    plan: EditPlan | None = None,
) -> int:
    from gouache.critics.guideline import Guideline
    from gouache.critics.refine import refine
    from gouache.progress import ProgressLine

    guideline = Guideline.load(args.guidelines)
    with ProgressLine("critiquing"):
        result = refine(
            session,
            instruction,
            guideline,
            candidates=args.candidates,
            budget=args.budget,
            seconds=args.seconds,
            references=references,
            at=getattr(args, "at", None),
            plan=plan,
            prefer=args.prefer,
        )
    print(result.table(), file=out)
    best = result.best
    if best is None or best.version is None:
        return EXIT_NOT_DONE
    if output is not None and (getattr(args, "sign", False) or getattr(args, "watermark", None)):
        from gouache.cli_provenance import export_turn

        export_turn(session, best.version.id, output, args, _settings(args))
        print(f"wrote {output} (v{best.version.number})", file=out)
    elif output is not None:
        force = bool(getattr(args, "force", False))
        blob = session.store.blobs.get_bytes(best.version.blob)
        _write_output(output, blob, force=force, quality=getattr(args, "quality", None))
        print(f"wrote {output} (v{best.version.number})", file=out)
    return EXIT_OK if result.passed else EXIT_ERROR


def _default_output(source: str) -> Path:
    stem = Path(source).stem or "gouache"
    return Path(f"{stem}-edited.png")


def _turn(
    session: Session,
    instruction: str,
    *,
    at: str | None = None,
    references: Sequence[LoadedImage] = (),
    out: TextIO | None = None,
    suggest: bool = False,
    plan: EditPlan | None = None,
    replacing: str | None = None,
    mask: Image | None = None,
) -> TurnResult:
    from gouache.progress import ProgressLine
    from gouache.sessions.turn import TurnRequest

    stream = out if out is not None else sys.stdout
    request = TurnRequest(
        instruction=instruction,
        at=at,
        references=references,
        plan=plan,
        replacing=replacing,
        mask=mask,
    )
    with ProgressLine("working") as progress:
        turn = session.apply(request, progress=progress)
    if turn.version is None:
        print(turn.reply, file=stream)
        return turn
    planned = turn.plan.describe() if turn.plan is not None else "-"
    print(f"plan: {planned}", file=stream)
    for line in turn.reply.splitlines():
        if line and line != planned:
            print(line, file=stream)
    for note in turn.version.notes:
        print(f"note: {note}", file=stream)
    saved = session.store.blobs.path_of(turn.version.blob)
    total = turn.ms.get("total", 0.0)
    print(f"v{turn.version.number} in {total:.0f} ms, saved {saved}", file=stream)
    if suggest:
        _offer(session, stream)
    return turn


def _offer(session: Session, out: TextIO) -> None:
    """The suggestions for the head, on one line, when there are any."""
    ideas = session.suggestions()
    if ideas:
        tips = "; ".join(f'"{idea.instruction}" ({idea.reason})' for idea in ideas)
        print(f"try: {tips}", file=out)


def _sessions(store: Store) -> int:
    rows = store.list_sessions()
    if not rows:
        print('no sessions yet: `gouache chat IMAGE` or `gouache edit IMAGE "..."` starts one')
        return EXIT_OK
    print(f"{'session':<10} {'versions':>8} {'head':>5}  {'updated':<19}  name")
    for row in rows:
        updated = row.updated_at.strftime("%Y-%m-%d %H:%M:%S")
        head = f"v{row.head_number}"
        print(f"{row.id[:8]:<10} {row.versions:>8} {head:>5}  {updated}  {row.name}")
    return EXIT_OK


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
