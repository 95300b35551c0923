"""One SQLAlchemy engine per app and one session per request (or per CLI command / job).

Plain SQLAlchemy 2 rather than Flask-SQLAlchemy: `analysis/` and the CLI open sessions the same way,
and the session's lifetime is explicit. Views call plain functions that commit one transaction;
anything left uncommitted at the end of the request is rolled back.
"""

from __future__ import annotations

from contextlib import contextmanager

from flask import Flask, current_app, g
from sqlalchemy import create_engine, event
from sqlalchemy.engine import Engine
from sqlalchemy.orm import Session, sessionmaker

from portal import sqlite_writes


def make_engine(url: str) -> Engine:
    if url.startswith("sqlite"):
        engine = create_engine(url, connect_args={"check_same_thread": False, "timeout": 30,
                                                  "factory": sqlite_writes.Connection})
        database = engine.url.database
        write_lock = (sqlite_writes.write_lock_for(database)
                      if database and database != ":memory:" and not database.startswith("file:") else None)

        @event.listens_for(engine, "connect")
        def _sqlite_pragmas(dbapi_connection, _record):  # pragma: no cover - trivial
            dbapi_connection.write_lock = write_lock
            cursor = dbapi_connection.cursor()
            cursor.execute("PRAGMA foreign_keys=ON")
            cursor.execute("PRAGMA journal_mode=WAL")
            # WAL with synchronous=NORMAL stays consistent after a crash and skips an fsync per commit.
            cursor.execute("PRAGMA synchronous=NORMAL")
            cursor.close()

        return engine
    return create_engine(url, pool_pre_ping=True)


class Database:
    """Holds the engine and session factory of the current app."""

    def init_app(self, app: Flask) -> None:
        engine = make_engine(app.config["DATABASE_URL"])
        app.extensions["database"] = sessionmaker(bind=engine, expire_on_commit=False)
        app.teardown_appcontext(self._close_session)

    @staticmethod
    def _factory() -> sessionmaker:
        return current_app.extensions["database"]

    @property
    def engine(self) -> Engine:
        return self._factory().kw["bind"]

    @property
    def session(self) -> Session:
        """The request's session, opened on first use."""
        if "db_session" not in g:
            g.db_session = self._factory()()
        return g.db_session

    @staticmethod
    def _close_session(_exc: BaseException | None) -> None:
        session = g.pop("db_session", None)
        if session is not None:
            session.rollback()
            session.close()

    @contextmanager
    def transaction(self):
        """A session of its own for CLI commands and background jobs, committed on success."""
        session = self._factory()()
        try:
            yield session
            session.commit()
        except BaseException:
            session.rollback()
            raise
        finally:
            session.close()
