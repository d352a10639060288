"""The routes under /ui: the start page, a session's page, the compare page, and the fragments
htmx swaps in when the version tree changes (the tree and the details, in one response).
Everything they change goes through /api."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Annotated, Any
from urllib.parse import urlencode

from fastapi import APIRouter, Depends, FastAPI, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from fastapi.staticfiles import StaticFiles
from fastapi.templating import Jinja2Templates

from gouache.errors import GouacheError
from gouache.provenance.keys import signing_dir
from gouache.server.auth import COOKIE, State, authenticate, key_of
from gouache.server.errors import STATUS_NAMES
from gouache.server.native import owned
from gouache.sessions.session import Session
from gouache.web import views

HERE = Path(__file__).parent
templates = Jinja2Templates(directory=HERE / "templates")
# The stylesheet goes inside every page: a separate file would hold the first paint back by a
# round trip to this server (6 KB, cheaper than that wait).
templates.env.globals["inline_css"] = (HERE / "static" / "app.css").read_text(encoding="utf-8")
Tenant = Annotated[str, Depends(authenticate)]
router = APIRouter(prefix="/ui", dependencies=[Depends(authenticate)], include_in_schema=False)


def install(app: FastAPI) -> None:
    """Add the pages and static files; errors on a page a browser asked for come as HTML."""
    app.mount("/ui/static", StaticFiles(directory=HERE / "static"), name="ui-static")
    app.include_router(router)
    from gouache.web.arena import router as arena_router

    app.include_router(arena_router)
    json_handler = app.exception_handlers[GouacheError]

    async def page_error(request: Request, exc: Exception) -> Response:
        wants_html = "text/html" in request.headers.get("accept", "")
        if not (wants_html and request.url.path.startswith("/ui")):
            answer: Response = await _call(json_handler, request, exc)
            return answer
        assert isinstance(exc, GouacheError)
        status = exc.http_status
        context = {"status": status, "name": STATUS_NAMES.get(status, ""), "message": exc.message}
        return templates.TemplateResponse(request, "error.html", context, status_code=status)

    app.add_exception_handler(GouacheError, page_error)


async def _call(handler: Callable[..., Any], request: Request, exc: Exception) -> Response:
    result = handler(request, exc)
    if isinstance(result, Awaitable):
        result = await result
    assert isinstance(result, Response)
    return result


def token_to_cookie(request: Request) -> Response | None:
    """A page opened with ?token= (the link `gouache ui` prints): keep the key in a cookie and
    show the address without it, so it stays out of history, screenshots and shared links."""
    if "token" not in request.query_params and "key" not in request.query_params:
        return None
    rest = {k: v for k, v in request.query_params.items() if k not in ("token", "key")}
    target = request.url.path + (f"?{urlencode(rest)}" if rest else "")
    response = RedirectResponse(target, status_code=303)
    response.set_cookie(COOKIE, key_of(request) or "", httponly=True, samesite="strict", path="/")
    return response


@router.get("", response_class=HTMLResponse)
def start_page(request: Request, state: State, tenant: Tenant) -> Response:
    moved = token_to_cookie(request)
    if moved is not None:
        return moved
    from gouache.server.native import list_sessions

    sessions = list_sessions(state, tenant)["sessions"]
    context = {"sessions": sessions}
    return templates.TemplateResponse(request, "start.html", context)


def _session_context(session: Session) -> dict[str, Any]:
    # one read of the tree for the whole page
    with session.store.read() as tx:
        found = tx.head(session.id)
        versions = tx.versions(session.id)
        branches = tx.branches(session.id)
    head = found.version
    chain = views.lineage(versions, head)
    characters = session.characters()
    return {
        "session": session,
        "head": head,
        "head_branch": found.branch,
        "branches": branches,
        "tree": views.version_tree(versions, branches, head),
        "chain": chain,
        "curves": views.identity_curves(characters, chain),
        "report": views.report(head),
        "characters": characters,
        "curve_size": (views.CURVE_WIDTH, views.CURVE_HEIGHT),
    }


@router.get("/s/{session_id}", response_class=HTMLResponse)
def session_page(session_id: str, request: Request, state: State, tenant: Tenant) -> Response:
    moved = token_to_cookie(request)
    if moved is not None:
        return moved
    session = owned(state, tenant, session_id)
    context = _session_context(session)
    context["can_sign"] = (signing_dir(state.settings) / "key.pem").exists()
    return templates.TemplateResponse(request, "session.html", context)


@router.get("/s/{session_id}/refresh", response_class=HTMLResponse)
def refresh_fragments(session_id: str, request: Request, state: State, tenant: Tenant) -> Response:
    """After a change: the tree, and the details out of band, from one read of the session."""
    context = _session_context(owned(state, tenant, session_id))
    return templates.TemplateResponse(request, "_refresh.html", context)


@router.get("/s/{session_id}/compare", response_class=HTMLResponse)
def compare_page(
    session_id: str,
    request: Request,
    state: State,
    tenant: Tenant,
    a: str | None = None,
    b: str | None = None,
) -> Response:
    moved = token_to_cookie(request)
    if moved is not None:
        return moved
    session = owned(state, tenant, session_id)
    head = session.head
    first = session.resolve(a) if a else session.resolve(head.parent_id or head.id)
    second = session.resolve(b) if b else head
    found = session.diff(first.id, second.id)
    context = {
        "changes": views.compared(found.recipe_changes),
        "session": session,
        "versions": session.versions(),
        "a": first,
        "b": second,
        "diff": found,
        "psnr": None if found.psnr is None or found.psnr == float("inf") else found.psnr,
    }
    return templates.TemplateResponse(request, "compare.html", context)
