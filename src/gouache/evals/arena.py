"""Pairwise votes: two results of the same request side by side, backends hidden.

The pairs come from an evaluation run (`gouache eval run ... --out DIR`): for each case,
every two variants that both made a version. Which variant is on the left is drawn at
random (seeded), and the voter sees neither name. A vote is stored as one JSON line in
FastChat's battle fields, so `gouache arena ratings` (and LMArena's own scripts) read it:

    {"model_a": left variant, "model_b": right variant,
     "winner": "model_a" | "model_b" | "tie" | "tie (bothbad)",
     "case": ..., "turns": [...], "run": DIR, "left": image, "right": image,
     "voter": ..., "tstamp": seconds since the epoch}

`VoteLog` appends and reads such a file (`read` once gives every view a page needs: the
battles, the pairs voted on); `pairs_from_run` and `next_pair` are what a web page needs as
well as the terminal loop `vote_in_terminal`.
"""

from __future__ import annotations

import json
import os
import random
import time
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from itertools import combinations
from pathlib import Path
from typing import Any, TextIO

from gouache.errors import InputError
from gouache.evals.ratings import WINNERS, Battle, battles_from_records

# key -> winner, the left candidate being model_a
KEYS = {"l": "model_a", "r": "model_b", "t": "tie", "b": "tie (bothbad)"}


@dataclass(frozen=True)
class Pair:
    """One request and two hidden candidates; `left` is model_a."""

    run: str
    case: str
    turns: tuple[str, ...]
    source: str
    left_model: str
    left: str
    right_model: str
    right: str

    @property
    def key(self) -> tuple[str, str, frozenset[str]]:
        return (self.run, self.case, frozenset((self.left_model, self.right_model)))

    def vote(self, winner: str, *, voter: str = "") -> dict[str, Any]:
        if winner not in WINNERS:
            raise InputError(f"winner must be one of {', '.join(WINNERS)}, not {winner!r}")
        return {
            "model_a": self.left_model,
            "model_b": self.right_model,
            "winner": winner,
            "case": self.case,
            "turns": list(self.turns),
            "run": self.run,
            "left": self.left,
            "right": self.right,
            "voter": voter,
            "tstamp": round(time.time(), 3),
        }


def pairs_from_run(folder: str | Path, *, seed: int = 0) -> list[Pair]:
    """Every pair of variants per case of a run's report.json, shuffled, sides drawn."""
    root = Path(folder)
    path = root / "report.json"
    try:
        report = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise InputError(
            f"{root}: no report.json; make one with gouache eval run --out {root}"
        ) from None
    except (OSError, json.JSONDecodeError) as err:
        raise InputError(f"{path}: not a readable report ({err})") from None
    made: dict[str, list[dict[str, Any]]] = {}
    for result in report.get("results", []):
        if not any(str(f).startswith("not done") for f in result.get("failures", [])):
            made.setdefault(result["case"], []).append(result)
    rng = random.Random(seed)
    pairs = []
    for case, results in made.items():
        turns = tuple(report.get("cases", {}).get(case, {}).get("turns", ()))
        for a, b in combinations(results, 2):
            left, right = (a, b) if rng.random() < 0.5 else (b, a)
            pairs.append(
                Pair(
                    str(root),
                    case,
                    turns,
                    str(root / left["source"]),
                    left["variant"],
                    str(root / left["image"]),
                    right["variant"],
                    str(root / right["image"]),
                )
            )
    rng.shuffle(pairs)
    if not pairs:
        raise InputError(f"{root}: no case has results from two variants to compare")
    return pairs


class VoteLog:
    """Votes as JSON lines in one file; each append is flushed and synced."""

    def __init__(self, path: str | Path) -> None:
        self.path = Path(path)

    def append(self, vote: dict[str, Any]) -> None:
        battles_from_records([vote], label=str(self.path))  # refuse a malformed vote
        self.path.parent.mkdir(parents=True, exist_ok=True)
        with self.path.open("a", encoding="utf-8") as handle:
            handle.write(json.dumps(vote, ensure_ascii=False) + "\n")
            handle.flush()
            os.fsync(handle.fileno())

    def records(self) -> list[dict[str, Any]]:
        if not self.path.exists():
            return []
        found = []
        for number, line in enumerate(self.path.read_text(encoding="utf-8").splitlines(), 1):
            if not line.strip():
                continue
            try:
                record = json.loads(line)
            except json.JSONDecodeError as err:
                raise InputError(f"{self.path}: line {number}: not JSON ({err.msg})") from None
            if not isinstance(record, dict):
                raise InputError(f"{self.path}: line {number}: not a JSON object")
            found.append(record)
        return found

    def read(self) -> Votes:
        """The file read once, and what it says."""
        records = self.records()
        voted = frozenset(
            (
                str(r.get("run")),
                str(r.get("case")),
                frozenset((str(r["model_a"]), str(r["model_b"]))),
            )
            for r in records
            if "model_a" in r and "model_b" in r
        )
        return Votes(battles_from_records(records, label=str(self.path)), voted)


@dataclass(frozen=True)
class Votes:
    """A vote file as it was when read: its battles, and the pairs (by `Pair.key`) voted on."""

    battles: list[Battle]
    voted: frozenset[tuple[str, str, frozenset[str]]]


def next_pair(pairs: Sequence[Pair], votes: Votes) -> Pair | None:
    """The first pair not voted on yet."""
    return next((pair for pair in pairs if pair.key not in votes.voted), None)


def side_by_side(pair: Pair, path: Path) -> Path:
    """The source, then left and right, on one picture with labels, for a terminal user."""
    from PIL import Image as PILImage
    from PIL import ImageDraw, ImageFont

    height = 360
    tiles = []
    for label, file in (("source", pair.source), ("LEFT", pair.left), ("RIGHT", pair.right)):
        with PILImage.open(file) as opened:
            tile = opened.convert("RGB")
        tile = tile.resize((max(1, round(tile.width * height / tile.height)), height))
        tiles.append((label, tile))
    canvas = PILImage.new(
        "RGB", (sum(t.width for _, t in tiles) + 20 * len(tiles), height + 40), "white"
    )
    draw = ImageDraw.Draw(canvas)
    font = ImageFont.load_default(size=22)
    x = 10
    for label, tile in tiles:
        canvas.paste(tile, (x, 36))
        draw.text((x, 6), label, fill=(0, 0, 0), font=font)
        x += tile.width + 20
    path.parent.mkdir(parents=True, exist_ok=True)
    canvas.save(path)
    return path


def vote_in_terminal(
    pairs: Sequence[Pair],
    log: VoteLog,
    *,
    ask: Callable[[str], str],
    out: TextIO,
    preview: Path,
    voter: str = "",
) -> int:
    """Ask for a vote on each pair not yet voted on; returns how many were stored."""
    stored = 0
    done = log.read().voted
    todo: Iterator[Pair] = (p for p in pairs if p.key not in done)
    for pair in todo:
        side_by_side(pair, preview)
        print(f"\ncase {pair.case}: {' / '.join(pair.turns)}", file=out)
        print(f"open {preview} (source, LEFT, RIGHT)", file=out)
        while True:
            try:
                answer = ask("[l]eft better, [r]ight better, [t]ie, [b]oth bad, [s]kip, [q]uit: ")
            except EOFError:
                answer = "q"
            key = answer.strip().lower()[:1]
            if key in KEYS or key in ("s", "q"):
                break
            print("press l, r, t, b, s or q", file=out)
        if key == "q":
            break
        if key == "s":
            continue
        log.append(pair.vote(KEYS[key], voter=voter))
        stored += 1
    print(f"{stored} vote(s) stored in {log.path}", file=out)
    return stored
