"""SQLite write transactions take turns through a lock file, so writers queue instead of sleeping.

SQLite allows one writer at a time. A second writer that finds the database locked is put to sleep
by SQLite's busy handler for 1, 2, 5, 10 ... up to 100 ms and tries again, however soon the first
writer finishes: under a burst of survey submissions from several threads and server processes,
that turns a 2 ms write into waits of hundreds of milliseconds. Here each write transaction first
takes its process's turn (a condition variable) and then a lock shared with every other process
(``flock`` on ``<database>-writelock``); both wake the next writer the moment they are released.

The lock is taken just before the first INSERT, UPDATE, DELETE or REPLACE of a transaction (where
Python's sqlite3 module opens the transaction) and released when it ends: commit, rollback, close,
or a statement after which no transaction is open. Reads never wait for it. PostgreSQL does not
need any of this.
"""

from __future__ import annotations

import fcntl
import os
import sqlite3
import threading

WRITES = ("insert", "update", "delete", "replace")
WAIT_SECONDS = 30.0  # as long as SQLite's own busy timeout before "database is locked"


class WriteLock:
    """One per database file and process: first the process's turn (re-entrant per thread, and
    released by whichever thread ends the transaction), then an exclusive ``flock``."""

    def __init__(self, path: str):
        self.path = path
        self._turn = threading.Condition()
        self._owner: int | None = None
        self._depth = 0
        self._fd: int | None = None
        self._pid = 0

    def acquire(self) -> None:
        me = threading.get_ident()
        with self._turn:
            if self._owner != me:
                if not self._turn.wait_for(lambda: self._owner is None, WAIT_SECONDS):
                    raise sqlite3.OperationalError("database is locked (waited for another writer)")
                fcntl.flock(self._file(), fcntl.LOCK_EX)  # other processes' writers
                self._owner = me
            self._depth += 1

    def release(self) -> None:
        with self._turn:
            self._depth -= 1
            if self._depth == 0:
                self._owner = None
                fcntl.flock(self._file(), fcntl.LOCK_UN)
                self._turn.notify()

    def _file(self) -> int:
        if self._fd is None or self._pid != os.getpid():  # a forked child needs its own description
            self._fd = os.open(self.path, os.O_RDWR | os.O_CREAT, 0o600)
            self._pid = os.getpid()
        return self._fd


_locks: dict[str, WriteLock] = {}
_locks_guard = threading.Lock()


def write_lock_for(database: str) -> WriteLock:
    path = os.path.realpath(database) + "-writelock"
    with _locks_guard:
        return _locks.setdefault(path, WriteLock(path))


class Cursor(sqlite3.Cursor):
    def execute(self, sql, parameters=(), /):
        self.connection.before_statement(sql)
        try:
            return super().execute(sql, parameters)
        finally:
            self.connection.after_statement()

    def executemany(self, sql, parameters, /):
        self.connection.before_statement(sql)
        try:
            return super().executemany(sql, parameters)
        finally:
            self.connection.after_statement()


class Connection(sqlite3.Connection):
    """``sqlite3.connect(..., factory=Connection)``; then set ``write_lock`` (None: no locking)."""

    write_lock: WriteLock | None = None
    holding = False

    def cursor(self, factory=Cursor):
        return super().cursor(factory)

    def before_statement(self, sql: str) -> None:
        if (self.write_lock is not None and not self.holding and not self.in_transaction
                and sql.lstrip()[:7].lower().startswith(WRITES)):
            self.write_lock.acquire()
            self.holding = True

    def after_statement(self) -> None:
        if self.holding and not self.in_transaction:
            self._release()

    def commit(self):
        try:
            return super().commit()
        finally:
            if not self.in_transaction:
                self._release()

    def rollback(self):
        try:
            return super().rollback()
        finally:
            self._release()

    def close(self):
        try:
            return super().close()
        finally:
            self._release()

    def __del__(self):  # a connection dropped without close() must not keep the turn
        self._release()

    def _release(self) -> None:
        if self.holding:
            self.holding = False
            self.write_lock.release()
