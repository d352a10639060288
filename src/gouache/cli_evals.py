"""The `eval` and `arena` commands; cli.py adds their parsers and hands them the arguments.

Kept apart from cli.py so that the evaluation commands grow without crowding it; argv is
still parsed only in cli.py's parser, to which `add_parsers` attaches these.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

EXIT_OK = 0
EXIT_REGRESSED = 1


def add_parsers(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    evaluate = sub.add_parser("eval", help="run an evaluation suite, compare two runs")
    eval_sub = evaluate.add_subparsers(dest="eval_command", metavar="ACTION", required=True)

    run = eval_sub.add_parser("run", help="run a suite (YAML, or builtin / builtin:quick)")
    run.add_argument("suite", help="a suite file, or builtin (70 cases) or builtin:quick (10)")
    run.add_argument(
        "--backend",
        dest="eval_backends",
        action="append",
        default=[],
        metavar="NAME",
        help="a backend or profile to evaluate (repeatable; default operators)",
    )
    run.add_argument(
        "--drift",
        action="store_true",
        help="also run each backend with simulated drift, and with drift and the guard",
    )
    run.add_argument(
        "--variant",
        action="append",
        default=[],
        metavar="SPEC",
        help="BACKEND[+drift][+guard], instead of --backend/--drift (repeatable)",
    )
    run.add_argument("--out", default="eval-results", help="folder for the report and images")
    run.add_argument("--only", help="comma-separated case ids to run")
    run.add_argument(
        "--turns",
        type=int,
        default=20,
        metavar="N",
        help="chain N turns (up to 100) per variant for the drift curves (20; 0: none)",
    )
    run.add_argument(
        "--chain-image",
        default="builtin:astronaut",
        metavar="IMAGE",
        help="the picture the chains edit, its person the identity (builtin:astronaut)",
    )
    run.add_argument("--quiet", action="store_true", help="no line per case")

    compare = eval_sub.add_parser(
        "compare", help="what moved between two runs; exit 1 on a regression"
    )
    compare.add_argument("base", help="the baseline report.json")
    compare.add_argument("new", help="the new report.json")
    compare.add_argument(
        "--tolerance",
        metavar="METRIC=VALUE,...",
        help="how far a worst 5 %% may move the wrong way (defaults: psnr_outside=1 dB, "
        "ssim_outside=0.01, identity=0.03, text=0.05, ...)",
    )

    suite = eval_sub.add_parser("suite", help="write the built-in suite as YAML, to adapt it")
    suite.add_argument("-o", "--output", default="-", help="file (default: print it)")

    arena = sub.add_parser("arena", help="pairwise votes between backends, and their ratings")
    arena_sub = arena.add_subparsers(dest="arena_command", metavar="ACTION", required=True)
    vote = arena_sub.add_parser("vote", help="vote in the terminal on a run's results, blind")
    vote.add_argument("run", help="a folder written by gouache eval run --out")
    vote.add_argument("--votes", default="votes.jsonl", help="where votes go (default votes.jsonl)")
    vote.add_argument("--voter", default="", help="your name, stored with each vote")
    ratings = arena_sub.add_parser("ratings", help="Bradley-Terry ratings from votes (LMArena's)")
    ratings.add_argument("votes", help="JSON lines with model_a, model_b, winner")
    ratings.add_argument("--json", action="store_true", help="print JSON")
    ratings.add_argument(
        "--bootstrap", type=int, default=0, metavar="N", help="rounds for 95%% CIs"
    )


def dispatch(args: argparse.Namespace) -> int:
    if args.command == "eval":
        if args.eval_command == "run":
            return _run(args)
        if args.eval_command == "compare":
            return _compare(args)
        return _write_suite(args)
    if args.arena_command == "vote":
        return _vote(args)
    return _ratings(args)


def _run(args: argparse.Namespace) -> int:
    from gouache.evals.builtin import builtin_suite
    from gouache.evals.chains import curve_table, run_chain
    from gouache.evals.html import render
    from gouache.evals.report import summarise, table
    from gouache.evals.runs import run_suite
    from gouache.evals.suite import load_suite
    from gouache.evals.suite_images import load_named
    from gouache.evals.variants import default_variants, parse_variant

    # 1. what to run
    if args.suite in ("builtin", "builtin:quick"):
        suite = builtin_suite(quick=args.suite == "builtin:quick")
    else:
        suite = load_suite(args.suite)
    if args.only:
        suite = suite.only({part.strip() for part in args.only.split(",") if part.strip()})
    if args.variant:
        variants = [parse_variant(spec) for spec in args.variant]
    else:
        # `gouache --backend NAME eval run ...` means that backend too
        backends = args.eval_backends or [args.backend or "operators"]
        variants = default_variants(backends, drift=args.drift)
    out = Path(args.out)

    # 2. the cases, then the chains
    say = None if args.quiet else (lambda line: print(line, flush=True))
    run = run_suite(suite, variants, out, progress=say)
    drift = None
    if args.turns:
        source = load_named(args.chain_image, Path.cwd()).pixels
        drift = run_chain(source, variants, turns=args.turns, progress=say)

    # 3. the reports
    report = summarise(run, drift=drift)
    out.mkdir(parents=True, exist_ok=True)
    (out / "report.json").write_text(json.dumps(report, indent=1), encoding="utf-8")
    (out / "report.html").write_text(render(report, out), encoding="utf-8")
    print(table(report))
    if drift is not None:
        print(curve_table(drift))
    print(f"wrote {out / 'report.json'} and {out / 'report.html'}")
    return EXIT_OK


def _compare(args: argparse.Namespace) -> int:
    from gouache.evals.compare import compare, describe, load_report, parse_tolerances

    tolerances = parse_tolerances(args.tolerance)
    before, after = load_report(args.base), load_report(args.new)
    moved = compare(before, after, tolerances)
    print(describe(moved, args.base, args.new))
    return EXIT_REGRESSED if any(m.regressed for m in moved) else EXIT_OK


def _write_suite(args: argparse.Namespace) -> int:
    from gouache.evals.builtin import builtin_suite

    text = builtin_suite().to_yaml()
    if args.output == "-":
        sys.stdout.write(text)
    else:
        Path(args.output).write_text(text, encoding="utf-8")
        print(f"wrote {args.output}")
    return EXIT_OK


def _vote(args: argparse.Namespace) -> int:
    from gouache.evals.arena import VoteLog, pairs_from_run, vote_in_terminal

    pairs = pairs_from_run(args.run)
    log = VoteLog(args.votes)
    preview = Path(args.votes).resolve().parent / "arena-pair.png"
    vote_in_terminal(pairs, log, ask=input, out=sys.stdout, preview=preview, voter=args.voter)
    return EXIT_OK


def _ratings(args: argparse.Namespace) -> int:
    from gouache.evals.arena import VoteLog
    from gouache.evals.ratings import compute_ratings

    path = Path(args.votes)
    if not path.is_file():
        from gouache.errors import InputError

        raise InputError(f"{path}: no such file")
    ratings = compute_ratings(VoteLog(path).read().battles, bootstrap=args.bootstrap)
    print(json.dumps(ratings.to_json(), indent=2) if args.json else ratings.table())
    return EXIT_OK
