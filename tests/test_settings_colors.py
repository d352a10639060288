"""Settings from the environment, and colour parsing."""

from __future__ import annotations

from pathlib import Path

import pytest

from gouache.colors import color_name, css_names, parse_color
from gouache.settings import DEFAULT_MAX_PIXELS, Settings


def test_the_store_defaults_to_sqlite_in_the_data_dir(tmp_path: Path) -> None:
    settings = Settings(data_dir=tmp_path)
    assert settings.store_url() == f"sqlite:///{tmp_path / 'gouache.db'}"
    assert settings.blob_root() == tmp_path / "blobs"
    assert settings.max_pixels == DEFAULT_MAX_PIXELS


def test_gouache_store_in_the_environment_overrides_the_default(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("GOUACHE_STORE", str(tmp_path / "other.db"))
    monkeypatch.setenv("GOUACHE_MAX_PIXELS", "1000")
    settings = Settings()
    assert settings.store_url() == f"sqlite:///{(tmp_path / 'other.db').resolve()}"
    assert settings.blob_root() == tmp_path.resolve() / "blobs"
    assert settings.max_pixels == 1000


def test_a_non_sqlite_url_keeps_blobs_in_the_data_dir(tmp_path: Path) -> None:
    settings = Settings(data_dir=tmp_path, store="postgresql+psycopg://u@localhost/g")
    assert settings.store_url().startswith("postgresql")
    assert settings.blob_root() == tmp_path / "blobs"


@pytest.mark.parametrize(
    ("text", "rgb"),
    [
        ("red", (255, 0, 0)),
        ("Light Blue", (173, 216, 230)),
        ("dark-grey", (169, 169, 169)),
        ("#0f0", (0, 255, 0)),
        ("ff8800", (255, 136, 0)),
        ((1, 2, 3), (1, 2, 3)),
    ],
)
def test_colours_parse_from_css_names_hex_and_triples(text: object, rgb: tuple[int, ...]) -> None:
    assert parse_color(text) == rgb


@pytest.mark.parametrize("bad", ["blurple", "#12345", (300, 0, 0), 7])
def test_unknown_colours_are_refused_with_a_hint(bad: object) -> None:
    with pytest.raises(ValueError, match="colour"):
        parse_color(bad)


def test_colour_names_round_trip() -> None:
    assert "teal" in css_names()
    assert color_name((255, 255, 255)) == "white"
    assert color_name((1, 2, 3)) == "#010203"


def test_durable_syncs_blobs_and_every_sqlite_commit(tmp_path: Path) -> None:
    from sqlalchemy import text

    from gouache.sessions import Store

    for durable, level in ((False, 1), (True, 2)):  # PRAGMA synchronous: 1 NORMAL, 2 FULL
        settings = Settings(data_dir=tmp_path / str(durable), durable=durable)
        with Store.from_settings(settings) as store:
            assert store.blobs.durable is durable
            with store._engine.connect() as conn:
                assert conn.execute(text("PRAGMA synchronous")).scalar() == level
