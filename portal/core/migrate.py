"""Alembic driven from the app's DATABASE_URL, so `flask --app portal db upgrade` needs no ini file."""

from __future__ import annotations

from alembic import command
from alembic.config import Config
from sqlalchemy import MetaData, create_engine

from portal import REPO_ROOT


def alembic_config(database_url: str) -> Config:
    cfg = Config()
    cfg.set_main_option("script_location", str(REPO_ROOT / "migrations"))
    cfg.set_main_option("sqlalchemy.url", database_url.replace("%", "%%"))
    return cfg


def upgrade(database_url: str, revision: str = "head") -> None:
    command.upgrade(alembic_config(database_url), revision)


def downgrade(database_url: str, revision: str) -> None:
    command.downgrade(alembic_config(database_url), revision)


def reset(database_url: str) -> None:
    """Drop every table in the database (Alembic's with them), then migrate up: an empty database
    at the newest revision. Reflected rather than walked down the migrations, so it also empties a
    database built some other way."""
    engine = create_engine(database_url)
    try:
        tables = MetaData()
        tables.reflect(engine)
        tables.drop_all(engine)
    finally:
        engine.dispose()
    upgrade(database_url)
