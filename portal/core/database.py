"""One SQLAlchemy engine per app and one session per request (or per CLI command / job).

Plain SQLAlchemy 2 rather than Flask-SQLAlchemy: `analysis/` and the CLI open sessions the same way,
and the session's lifetime is explicit. Views call plain functions that commit one transaction;
anything left uncommitted at the end of the request is rolled back.
"""

from __future__ import annotations

from contextlib import contextmanager

from flask import Flask, current_app, g
from sqlalchemy import create_engine, event, make_url
from sqlalchemy.engine import CursorResult, Engine, Result
from sqlalchemy.orm import Session, sessionmaker

POOL_SIZE = 16
# How long a SQLite writer waits for another writer's transaction to end before "database is locked".
# SQLite allows one writer at a time; WAL lets readers carry on meanwhile, and a survey submission's
# write takes a few milliseconds, so at any realistic rate a writer waits far less than this.
SQLITE_BUSY_TIMEOUT = 30.0


def make_engine(url: str, pool_size: int = POOL_SIZE) -> Engine:
    """The engine for ``url``. ``pool_size`` connections stay open per process: make it at least the
    server's threads per process, or connections beyond it are opened and closed on every request
    (a new SQLite connection re-reads the schema; a new PostgreSQL one starts a backend).

    SQLite runs in WAL mode (readers never wait for the writer) with a busy timeout (a second writer
    waits for the first to commit rather than failing at once): SQLite's own mechanism for several
    threads and processes writing to one file.
    """
    if url.startswith("sqlite"):
        database = make_url(url).database
        on_disk = database not in (None, "", ":memory:") and not str(database).startswith("file:")
        engine = create_engine(url, connect_args={"check_same_thread": False,
                                                  "timeout": SQLITE_BUSY_TIMEOUT},
                               **({"pool_size": pool_size} if on_disk else {}))

        @event.listens_for(engine, "connect")
        def _sqlite_pragmas(dbapi_connection, _record):  # pragma: no cover - trivial
            cursor = dbapi_connection.cursor()
            cursor.execute("PRAGMA foreign_keys=ON")
            cursor.execute("PRAGMA journal_mode=WAL")
            # WAL with synchronous=NORMAL stays consistent after a crash and skips an fsync per commit.
            cursor.execute("PRAGMA synchronous=NORMAL")
            cursor.close()

        return engine
    return create_engine(url, pool_pre_ping=True, pool_size=pool_size)


class Database:
    """Holds the engine and session factory of the current app."""

    def init_app(self, app: Flask) -> None:
        engine = make_engine(app.config["DATABASE_URL"], app.config["DATABASE_POOL_SIZE"])
        app.extensions["database"] = sessionmaker(bind=engine, expire_on_commit=False)
        app.teardown_appcontext(self._close_request_database)

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
    def _close_request_database(_exc: BaseException | None) -> None:
        opened = g.pop("db_session", None)
        if opened is not None:
            opened.rollback()
            opened.close()

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



def rowcount(result: Result) -> int:
    """Rows an UPDATE or DELETE matched (its result is a cursor result; the typing says only Result)."""
    assert isinstance(result, CursorResult)
    return result.rowcount
