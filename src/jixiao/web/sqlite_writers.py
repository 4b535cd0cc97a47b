"""SQLite's writers in a server of several processes and threads: they queue for the write lock (one process lock
and the database's lock file) rather than poll in SQLite's busy handler, and a commit waits for its fsync together
with the commits made beside it (group commit). Installed on an engine by db.make_engine."""

from __future__ import annotations

import fcntl
import logging
import os
import threading
import time
import weakref
from pathlib import Path

from sqlalchemy import event
from sqlalchemy.engine import Engine
from sqlalchemy.orm import Session as DbSession

__all__ = ["holds_write_lock", "one_writer_at_a_time"]

log = logging.getLogger("jixiao.web.db")

_HOLDING: dict[int, object] = {}  # every engine's connections holding its write lock: id -> the connection
_WRITES = ("INSERT", "UPDATE", "DELETE", "REPLACE")
_CHANGES = (*_WRITES, "CREATE", "ALTER", "DROP")  # what a commit must make durable (the schema's changes too)


class _GroupSync:
    """Group commit for SQLite in WAL mode with synchronous=NORMAL: a writer commits (its frames written to the WAL,
    not yet on the disk), lets the next writer in, then waits here for an fsync of the WAL file that began after
    its commit returned; one fsync covers every commit made before it began, so twenty saves at once wait for one
    or two fsyncs (~7 ms each on this disk) instead of queueing for twenty. The WAL is a log read back in order
    with chained checksums, so a commit on the disk brings every earlier one with it. Each process syncs for its
    own writers; fsync flushes the file whoever wrote it. A WAL file new since the last sync (SQLite removes it when
    the last connection closes) has its folder synced too, so its name survives as well; no WAL file means its
    frames were checkpointed into the database file, which SQLite syncs after a checkpoint in NORMAL mode — the
    database file is synced here all the same."""

    def __init__(self, database: Path):
        self.database = database
        self.wal = database.with_name(database.name + "-wal")
        self.changed = threading.Condition()
        self.issued = 0  # commits that asked to be made durable
        self.synced = 0  # of those, the ones on the disk
        self.syncing = False
        self.known: tuple[int, int] | None = None  # the WAL file (device, inode) last synced with its folder

    def durable(self) -> None:
        """Return once the commit that just returned is on the disk."""
        with self.changed:
            self.issued += 1
            mine = self.issued
            while self.synced < mine:
                if self.syncing:  # a sync began before this commit returned, or while it did: wait for the next
                    self.changed.wait()
                    continue
                self.syncing, upto = True, self.issued
                try:
                    self.changed.release()
                    try:
                        self._sync()
                    finally:
                        self.changed.acquire()
                    self.synced = max(self.synced, upto)
                finally:
                    self.syncing = False
                    self.changed.notify_all()

    def _sync(self) -> None:
        try:
            fd = os.open(self.wal, os.O_RDWR)
        except FileNotFoundError:  # checkpointed into the database file and removed
            fd = os.open(self.database, os.O_RDWR)
        try:
            os.fsync(fd)
            stat = os.fstat(fd)
        finally:
            os.close(fd)
        if (stat.st_dev, stat.st_ino) != self.known:  # a file created since: its name in the folder too
            folder = os.open(self.database.parent, os.O_RDONLY)
            try:
                os.fsync(folder)
            finally:
                os.close(folder)
            self.known = (stat.st_dev, stat.st_ino)


def one_writer_at_a_time(engine: Engine, database: Path, lock_file: Path, wait: float = 30) -> None:
    """SQLite has one writer at a time; the others wait in its busy handler, which polls with growing sleeps (up to
    0.1 s each), so under a burst of saves an unlucky one waited seconds (bench/web.py: p99 5.6 s). Here the
    writers queue instead: a transaction takes this process's lock, then the database's lock file (flock, shared
    by the server's processes), before its first INSERT/UPDATE/DELETE, and releases both once its commit (or
    rollback) has returned, so a waiting writer starts as soon as the one before it is done; a commit that wrote
    then waits, without the locks, for its fsync (_GroupSync). A writer that cannot get the locks in `wait` seconds
    (SQLite's own timeout) logs who holds them and goes on without, so a mistake here can slow a write, never hang
    it.

    The locks belong to the DBAPI connection that took them, kept (not only its id(): a closed connection's id is
    reused by the next one) until its transaction ends — by its commit or rollback, or by the connection being
    closed without either (invalidated, or dropped by the pool: SQLite then rolls it back): `do_close` and
    `do_terminate` release them too, and a connection checked back into the pool still holding them (a path not
    foreseen here) releases them with a warning rather than keeping every other writer waiting."""
    lock = threading.Lock()
    holders: dict[int, _Holder] = {}  # the DBAPI connections holding the locks
    changed: dict[int, object] = {}  # the DBAPI connections whose transaction wrote: their commit waits for the disk
    group = _GroupSync(database)
    file = os.open(lock_file, os.O_RDWR)
    weakref.finalize(engine, os.close, file)  # closed with the engine (tests make many)

    def take(statement: str) -> bool:
        deadline = time.monotonic() + wait
        if lock.acquire(timeout=wait):
            while True:
                try:
                    fcntl.flock(file, fcntl.LOCK_EX | fcntl.LOCK_NB)
                    return True
                except BlockingIOError:
                    if time.monotonic() > deadline:
                        lock.release()
                        break
                    time.sleep(0.0005)
        held = next(iter(list(holders.values())), None)  # a copy: other threads change it
        log.warning(
            "SQLite writer waited %.0f s for the write lock and goes on without it: %s; held %s",
            wait,
            statement[:200],
            f"in this process by {held}" if held else "by another process",
        )
        return False

    def release(connection, why: str = "") -> None:
        dbapi = _raw(connection)
        held = holders.pop(dbapi, None)
        if held is not None:
            _HOLDING.pop(dbapi, None)
            if why:
                log.warning("SQLite write lock released when its connection was %s: %s", why, held)
            fcntl.flock(file, fcntl.LOCK_UN)
            lock.release()

    @event.listens_for(engine, "before_cursor_execute")
    def _before_write(connection, _cursor, statement, _parameters, _context, _many) -> None:
        dbapi_connection = getattr(connection.connection, "dbapi_connection", None) or connection.connection
        dbapi = id(dbapi_connection)
        if dbapi in holders:
            return
        verb = statement.lstrip()[:7].upper()
        if verb.startswith(_CHANGES):
            changed[dbapi] = dbapi_connection
        if verb.startswith(_WRITES):
            if _on_event_loop():  # its commit may need this very loop: see _on_event_loop
                log.warning("SQLite write on the event loop's thread (blocks every request while it waits): %s", verb)
            if take(statement):
                holders[dbapi] = _Holder(dbapi_connection, statement[:200], threading.current_thread().name)
                _HOLDING[dbapi] = dbapi_connection

    def done(step, commit: bool):
        def finished(dbapi_connection) -> None:
            try:
                step(dbapi_connection)
            finally:
                wrote = changed.pop(_raw(dbapi_connection), None) is not None
                release(dbapi_connection)
            if commit and wrote:  # committed (step returned): answered only once it is on the disk
                group.durable()

        return finished

    def closed(step):
        def close(dbapi_connection) -> None:  # closed in a transaction: SQLite rolls it back
            try:
                step(dbapi_connection)
            finally:
                changed.pop(_raw(dbapi_connection), None)
                release(dbapi_connection)

        return close

    dialect = engine.dialect
    dialect.do_commit = done(dialect.do_commit, True)  # type: ignore[method-assign]
    dialect.do_rollback = done(dialect.do_rollback, False)  # type: ignore[method-assign]
    dialect.do_close = closed(dialect.do_close)  # type: ignore[method-assign]
    dialect.do_terminate = closed(dialect.do_terminate)  # type: ignore[method-assign]

    @event.listens_for(engine, "checkin")
    def _checked_in(dbapi_connection, _record) -> None:  # after the pool's reset: nothing may be held now
        if dbapi_connection is not None:
            release(dbapi_connection, "checked back into the pool")


class _Holder:
    """A connection holding the write lock, kept (so that its id is not reused while it does), with what took it."""

    __slots__ = ("connection", "since", "statement", "thread")

    def __init__(self, connection: object, statement: str, thread: str):
        self.connection, self.statement, self.thread = connection, statement, thread
        self.since = time.monotonic()

    def __str__(self) -> str:
        return f"thread {self.thread} for {time.monotonic() - self.since:.1f} s since: {self.statement}"


def holds_write_lock(db: DbSession) -> bool:
    """Whether the session's transaction holds SQLite's write lock: its commit then waits for no other writer.

    app.py commits such a session on a thread of its own: a route that wrote before returning (a flush) keeps the
    lock until the commit the middleware sends to the thread pool, and with the pool's threads all taken by
    writers waiting for that lock, the commit waited for a thread — the whole process stood still until take()
    gave up (30 s), then SQLite's busy timeout (30 s more) failed those writers with "database is locked"."""
    if not db.in_transaction():
        return False
    proxy = db.connection().connection
    return id(getattr(proxy, "dbapi_connection", None) or proxy) in _HOLDING


def _on_event_loop() -> bool:
    """Whether this thread runs an asyncio event loop. A write there that waits for the lock stops the loop — and
    the holder's commit may be waiting for that loop (app.py commits a route's ORM writes from it, through the
    thread pool): both then wait until take() gives up."""
    import asyncio

    return asyncio._get_running_loop() is not None


def _raw(connection) -> int:
    """The DBAPI connection's identity, given it or the pool's proxy of it (SQLAlchemy passes either)."""
    return id(getattr(connection, "dbapi_connection", None) or connection)
