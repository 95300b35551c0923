"""SQLite's own mechanism for concurrent writers: WAL mode and a busy timeout.

These run on a SQLite file of their own whatever TEST_DATABASE_URL says: they are about how the
portal opens SQLite databases (PostgreSQL has row locks and needs none of this).
"""

from __future__ import annotations

import threading

import pytest
from sqlalchemy import Integer, String, select, text
from sqlalchemy.exc import OperationalError
from sqlalchemy.orm import DeclarativeBase, Mapped, Session, mapped_column

from portal.core import database
from portal.core.database import make_engine

THREADS = 16
WRITES_PER_THREAD = 25


class Base(DeclarativeBase):
    pass


class Item(Base):
    __tablename__ = "item"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    name: Mapped[str] = mapped_column(String(40), unique=True)


@pytest.fixture
def engine(tmp_path):
    engine = make_engine(f"sqlite:///{tmp_path / 'writes.sqlite3'}")
    Base.metadata.create_all(engine)
    yield engine
    engine.dispose()


def test_file_databases_use_wal_a_busy_timeout_and_foreign_keys(engine):
    with engine.connect() as connection:
        assert connection.execute(text("PRAGMA journal_mode")).scalar() == "wal"
        assert connection.execute(text("PRAGMA busy_timeout")).scalar() == database.SQLITE_BUSY_TIMEOUT * 1000
        assert connection.execute(text("PRAGMA foreign_keys")).scalar() == 1


def test_concurrent_writers_from_threads_all_succeed(engine):
    """Many threads each read, then write and commit, through ORM sessions as the portal's requests
    do: every write lands and none fails with 'database is locked'."""
    failures: list[BaseException] = []
    start = threading.Barrier(THREADS)

    def writer(number: int) -> None:
        start.wait(10)
        try:
            for n in range(WRITES_PER_THREAD):
                with Session(engine) as session:
                    session.scalar(select(Item.id).order_by(Item.id.desc()).limit(1))
                    session.add(Item(name=f"thread-{number}-{n}"))
                    session.commit()
        except BaseException as error:  # the test inspects it
            failures.append(error)

    threads = [threading.Thread(target=writer, args=(number,)) for number in range(THREADS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    assert not failures, failures[:3]
    with Session(engine) as session:
        names = session.scalars(select(Item.name)).all()
    assert len(names) == len(set(names)) == THREADS * WRITES_PER_THREAD


def test_a_second_writer_waits_for_the_first_to_commit_and_a_reader_does_not_wait(engine):
    with engine.begin() as connection:
        connection.execute(text("INSERT INTO item (name) VALUES ('committed')"))
    holder = engine.connect()
    holder.execute(text("INSERT INTO item (name) VALUES ('first')"))  # holds the write lock
    events: list[str] = []
    failures: list[BaseException] = []

    def second() -> None:
        try:
            with engine.begin() as connection:
                connection.execute(text("INSERT INTO item (name) VALUES ('second')"))
            events.append("second committed")
        except BaseException as error:  # the test inspects it
            failures.append(error)

    thread = threading.Thread(target=second)
    thread.start()
    # WAL: a reader sees the last committed state at once while the write is open.
    with engine.connect() as reader:
        assert reader.execute(text("SELECT name FROM item")).scalars().all() == ["committed"]
    thread.join(0.3)
    assert thread.is_alive() and events == []  # waiting in the busy handler, not failed
    events.append("first commits")
    holder.commit()
    holder.close()
    thread.join(10)
    assert not failures and events == ["first commits", "second committed"]


def test_a_writer_waiting_longer_than_the_busy_timeout_gets_database_is_locked(tmp_path, monkeypatch):
    monkeypatch.setattr(database, "SQLITE_BUSY_TIMEOUT", 0.05)
    engine = make_engine(f"sqlite:///{tmp_path / 'locked.sqlite3'}")
    Base.metadata.create_all(engine)
    holder = engine.connect()
    holder.execute(text("INSERT INTO item (name) VALUES ('a')"))
    try:
        with pytest.raises(OperationalError, match="database is locked"), engine.begin() as connection:
            connection.execute(text("INSERT INTO item (name) VALUES ('b')"))
    finally:
        holder.rollback()
        holder.close()
        engine.dispose()
