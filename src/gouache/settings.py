"""One Settings object, read from GOUACHE_* environment variables and CLI flags.

Built once in cli.py (or an app factory) and passed down; nothing reads it from a global.
"""

from __future__ import annotations

from pathlib import Path

from platformdirs import user_data_dir
from pydantic import Field, field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

DEFAULT_MAX_PIXELS = 40_000_000


def _default_data_dir() -> Path:
    return Path(user_data_dir("gouache", appauthor=False))


class Settings(BaseSettings):
    """Where gouache keeps its data and how it guards its inputs."""

    model_config = SettingsConfigDict(env_prefix="GOUACHE_", frozen=True)

    data_dir: Path = Field(default_factory=_default_data_dir)
    # A SQLAlchemy URL or a plain path to a SQLite file; empty means <data_dir>/gouache.db.
    store: str = ""
    # Where image blobs live; empty means beside the SQLite file, or <data_dir>/blobs.
    blobs_dir: str = ""
    max_pixels: int = Field(default=DEFAULT_MAX_PIXELS, gt=0)
    backend: str = "operators"
    # Sync every blob and commit to disk (GOUACHE_DURABLE=1): a power cut then loses nothing
    # committed (a turn's version is committed once its result's `version` has been read, or
    # by the next call: see gouache.sessions.writer); without it only a killed process is
    # survived (see `python -m benchmarks.run --only turns` for what it costs).
    durable: bool = False

    @field_validator("data_dir", "store", "blobs_dir", mode="after")
    @classmethod
    def _utf8(cls, value: Path | str) -> Path | str:
        # SQLite takes its path as UTF-8: bytes that are not (kept by Python as surrogates)
        # would fail deep inside the driver.
        if any("\ud800" <= c <= "\udfff" for c in str(value)):
            raise ValueError("is not valid UTF-8 (rename the folder or choose another)")
        return value

    def store_url(self) -> str:
        """The SQLAlchemy URL of the version store."""
        if not self.store:
            return f"sqlite:///{self.data_dir / 'gouache.db'}"
        if "://" in self.store:
            return self.store
        return f"sqlite:///{Path(self.store).expanduser().resolve()}"

    def blob_root(self) -> Path:
        """The folder of the content-addressed image store."""
        if self.blobs_dir:
            return Path(self.blobs_dir).expanduser()
        url = self.store_url()
        prefix = "sqlite:///"
        if url.startswith(prefix) and url != "sqlite:///:memory:":
            return Path(url[len(prefix) :]).parent / "blobs"
        return self.data_dir / "blobs"
