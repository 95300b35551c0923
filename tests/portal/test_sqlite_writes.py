"""SQLite writers take turns through the write lock instead of SQLite's sleeping busy handler."""

from __future__ import annotations

import fcntl
import gc
import os
import sqlite3
import threading

import pytest
from sqlalchemy import text

from portal import sqlite_writes
from portal.database import make_engine


@pytest.fixture
def engine(tmp_path):
    engine = make_engine(f"sqlite:///{tmp_path / 'writes.sqlite3'}")
    with engine.begin() as connection:
        connection.execute(text("CREATE TABLE item (id INTEGER PRIMARY KEY, name TEXT UNIQUE)"))
    yield engine
    engine.dispose()


def lock_file_is_free(engine) -> bool:
    """Whether another process could take the lock file now (a separate open file description)."""
    fd = os.open(f"{engine.url.database}-writelock", os.O_RDWR | os.O_CREAT)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        return False
    finally:
        os.close(fd)
    return True


def test_a_write_holds_the_lock_file_until_commit_and_reads_do_not_take_it(engine):
    with engine.connect() as connection:
        connection.execute(text("SELECT count(*) FROM item")).scalar()
        assert lock_file_is_free(engine)
        connection.execute(text("INSERT INTO item (name) VALUES ('a')"))
        assert not lock_file_is_free(engine)
        connection.commit()
        assert lock_file_is_free(engine)
        connection.execute(text("  update item SET name = 'b'"))
        assert not lock_file_is_free(engine)
        connection.rollback()
        assert lock_file_is_free(engine)


def test_a_failed_statement_then_rollback_releases_the_lock(engine):
    with engine.begin() as connection:
        connection.execute(text("INSERT INTO item (name) VALUES ('a')"))
    with pytest.raises(Exception, match="UNIQUE"), engine.begin() as connection:
        connection.execute(text("INSERT INTO item (name) VALUES ('a')"))
    assert lock_file_is_free(engine)


def test_closing_or_dropping_a_connection_releases_the_lock(engine):
    raw = engine.raw_connection()
    raw.cursor().execute("INSERT INTO item (name) VALUES ('a')")
    assert not lock_file_is_free(engine)
    raw.close()  # back to the pool, which rolls back
    assert lock_file_is_free(engine)

    direct = sqlite3.connect(engine.url.database, factory=sqlite_writes.Connection)
    direct.write_lock = sqlite_writes.write_lock_for(engine.url.database)
    direct.cursor().execute("INSERT INTO item (name) VALUES ('b')")
    assert not lock_file_is_free(engine)
    del direct
    gc.collect()
    assert lock_file_is_free(engine)


def test_autocommit_statements_release_the_lock_at_once(engine):
    with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as connection:
        connection.execute(text("INSERT INTO item (name) VALUES ('a')"))
        assert lock_file_is_free(engine)


def test_a_second_writer_waits_for_the_first_to_commit_and_then_succeeds(engine):
    events: list[str] = []
    first_holds = threading.Event()
    second_started = threading.Event()

    def first():
        with engine.connect() as connection:
            connection.execute(text("INSERT INTO item (name) VALUES ('first')"))
            first_holds.set()
            second_started.wait(5)
            # The second writer is queued on the lock, not inside SQLite: no "database is locked".
            assert not any(e.startswith("second") for e in events)
            events.append("first commits")
            connection.commit()

    def second():
        first_holds.wait(5)
        second_started.set()
        with engine.connect() as connection:
            connection.execute(text("INSERT INTO item (name) VALUES ('second')"))
            events.append("second inserted")
            connection.commit()

    threads = [threading.Thread(target=first), threading.Thread(target=second)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(10)
    assert events == ["first commits", "second inserted"]
    with engine.connect() as connection:
        assert connection.execute(text("SELECT name FROM item ORDER BY id")).scalars().all() == [
            "first", "second"]
    assert lock_file_is_free(engine)


def test_a_writer_waiting_too_long_gets_database_is_locked(engine, monkeypatch):
    monkeypatch.setattr(sqlite_writes, "WAIT_SECONDS", 0.05)
    holder = engine.connect()
    holder.execute(text("INSERT INTO item (name) VALUES ('a')"))
    failure: list[BaseException] = []

    def waiter():
        try:
            with engine.connect() as connection:
                connection.execute(text("INSERT INTO item (name) VALUES ('b')"))
        except BaseException as error:  # the test inspects it
            failure.append(error)

    thread = threading.Thread(target=waiter)
    thread.start()
    thread.join(5)
    holder.rollback()
    holder.close()
    assert failure and "database is locked" in str(failure[0])
    assert lock_file_is_free(engine)


def test_memory_databases_have_no_lock(tmp_path):
    engine = make_engine("sqlite://")
    with engine.begin() as connection:
        connection.execute(text("CREATE TABLE item (id INTEGER PRIMARY KEY)"))
        connection.execute(text("INSERT INTO item DEFAULT VALUES"))
        assert connection.connection.dbapi_connection.write_lock is None
