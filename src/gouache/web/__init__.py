"""The web UI of `gouache serve` and `gouache ui`: server-rendered pages over the native API.

    pages.py          the routes under /ui (pages and the fragments htmx swaps in) and install()
    views.py          what the templates show, built from sessions and versions (no HTTP)
    templates/        Jinja2: base, start, session, compare, and the _fragments
    static/           app.css, app.js (plain JavaScript), vendor/htmx (2.x, with its licence)

No build step: everything the pages load is in static/, so the UI works offline. The pages
read and write through the same /api routes any client uses; the key comes once as ?token=
and then rides in an HttpOnly, SameSite=Strict cookie.
"""

from __future__ import annotations

from gouache.web.pages import install

__all__ = ["install"]
