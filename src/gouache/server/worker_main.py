"""The module a dramatiq worker loads: `python -m dramatiq gouache.server.worker_main`.

It declares the actor at import, which is how dramatiq finds actors; the server itself uses
`gouache.server.worker.connect`.
"""

from __future__ import annotations

import os

from gouache.server.worker import connect

turn = connect(os.environ.get("GOUACHE_REDIS_URL", "redis://127.0.0.1:6379/0"))
