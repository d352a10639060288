"""/ui/arena: blind pairwise votes on an evaluation run's results, in the browser.

`gouache ui --arena RUN --votes FILE` sets `app.state.arena`; the pages then show the next
pair not voted on in FILE (gouache.evals.arena: the same pairs, sides and vote records as
`gouache arena vote`), and the Bradley-Terry ratings of the votes so far. The only files
served are the images of the run's pairs, by their index.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Form, Request
from fastapi.responses import FileResponse, HTMLResponse, RedirectResponse, Response

from gouache.errors import InputError, NotFoundError
from gouache.evals.arena import Pair, VoteLog, next_pair, pairs_from_run
from gouache.server.auth import Tenant, authenticate

router = APIRouter(
    prefix="/ui/arena", dependencies=[Depends(authenticate)], include_in_schema=False
)

CHOICES = {
    "model_a": "Left is better",
    "model_b": "Right is better",
    "tie": "Both good",
    "tie (bothbad)": "Both bad",
}


class NoArenaError(NotFoundError):
    def __init__(self) -> None:
        super().__init__(
            "no arena here: start one with gouache ui --arena RUN_FOLDER --votes votes.jsonl"
        )


@dataclass
class Arena:
    run: Path
    log: VoteLog
    voter: str = ""
    pairs: list[Pair] = field(default_factory=list)

    @classmethod
    def open(cls, run: Path, votes: Path, voter: str = "") -> Arena:
        return cls(run, VoteLog(votes), voter, pairs_from_run(run))


def arena_of(request: Request) -> Arena:
    found = getattr(request.app.state, "arena", None)
    if not isinstance(found, Arena):
        raise NoArenaError()
    return found


ArenaDep = Annotated[Arena, Depends(arena_of)]


@router.get("", response_class=HTMLResponse)
def arena_page(request: Request, arena: ArenaDep, tenant: Tenant) -> Response:
    from gouache.evals.ratings import compute_ratings
    from gouache.web.pages import templates, token_to_cookie

    moved = token_to_cookie(request)
    if moved is not None:
        return moved
    votes = arena.log.read()  # once a page: the next pair, the count and the ratings
    battles = votes.battles
    pair = next_pair(arena.pairs, votes)
    context: dict[str, Any] = {
        "pair": pair,
        "index": arena.pairs.index(pair) if pair is not None else None,
        "voted": len(votes.voted),
        "total": len(arena.pairs),
        "choices": CHOICES,
        "ratings": compute_ratings(battles).ratings if battles else None,
    }
    return templates.TemplateResponse(request, "arena.html", context)


@router.get("/pairs/{index}/{side}", response_class=FileResponse)
def pair_image(index: int, side: str, arena: ArenaDep, tenant: Tenant) -> FileResponse:
    if not 0 <= index < len(arena.pairs) or side not in ("left", "right", "source"):
        raise InputError(f"no picture {side!r} of pair {index}")
    pair = arena.pairs[index]
    path = {"left": pair.left, "right": pair.right, "source": pair.source}[side]
    return FileResponse(path)


@router.post("/vote")
def vote(
    index: Annotated[int, Form()],
    winner: Annotated[str, Form()],
    arena: ArenaDep,
    tenant: Tenant,
) -> RedirectResponse:
    if not 0 <= index < len(arena.pairs):
        raise InputError(f"no pair {index}")
    arena.log.append(arena.pairs[index].vote(winner, voter=arena.voter or tenant))
    return RedirectResponse("/ui/arena", status_code=303)
