"""What every route reaches through `request.app.state.gouache`."""

from __future__ import annotations

from dataclasses import dataclass

from gouache.server.config import ServerConfig
from gouache.server.limits import Limiter
from gouache.server.models import ModelPool
from gouache.server.runner import Runner
from gouache.sessions.store import Store
from gouache.settings import Settings


@dataclass
class ServerState:
    store: Store
    pool: ModelPool
    runner: Runner
    config: ServerConfig
    settings: Settings
    limiter: Limiter
