"""Engine and transactions. SQLite gets WAL, a busy timeout and write transactions that take the write lock
up front (`BEGIN IMMEDIATE`), so a read-then-write can never fail with SQLITE_BUSY halfway through."""

from __future__ import annotations

import contextlib
import logging
import operator
import sqlite3
import threading
import time
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from sqlalchemy import Connection, create_engine, event, inspect, text
from sqlalchemy.engine import Engine, make_url
from sqlmodel import SQLModel

from store import models  # noqa: F401  (registers the tables on SQLModel.metadata)
from store.files import create_private

log = logging.getLogger(__name__)

_BUSY_TIMEOUT_MS = 15_000
_RECENT_LIMIT = 10_000
_BUSY_CODES = (sqlite3.SQLITE_BUSY, sqlite3.SQLITE_LOCKED)
# write_now commits between checkpoints: with the batcher's caps (64 jobs, 256 Ki characters of notes) the WAL
# holds at most about 11 MB by then, and typically 3 MB (SQLite's own checkpoints come at 4 MB)
_CHECKPOINT_EVERY = 32
_WAL_KEPT_BYTES = 16 * 1024 * 1024
_WAL_RESTART_BYTES = 4 * 1024 * 1024


class Database:
    """Owns the engine; hands out read connections and write transactions."""

    def __init__(self, url: str, recent_seconds: float = 0.5) -> None:
        self.is_sqlite = url.startswith("sqlite")
        # Recently read rows for pollers. Any write through this Database clears it, so one process is always
        # exact; rows written by other processes sharing the database show within `recent_seconds`.
        self.recent_seconds = recent_seconds
        self._recent: dict[str, tuple[float, Any]] = {}
        self._last_write = 0.0
        self._recent_lock = threading.Lock()
        self._prepared: dict[str, Prepared] = {}
        # SQLite has one writer at a time and its busy handler waits by sleeping (1, 2, 5, 10 ms...), so threads
        # of this process queue on a lock instead: the next writer starts the moment the last one commits.
        self._sqlite_lock = threading.Lock() if self.is_sqlite else None
        self.write_lock = self._sqlite_lock or contextlib.nullcontext()
        # Async callers hand their writes to this pool (enqueues only when `write_now` cannot begin at once): with
        # SQLite one thread, so writers never contend for the lock; a server database takes a few at once.
        self.write_pool = ThreadPoolExecutor(max_workers=1 if self.is_sqlite else 4, thread_name_prefix="db-write")
        connect_args: dict[str, Any] = {"check_same_thread": False} if self.is_sqlite else {}
        database_file = make_url(url).database if self.is_sqlite else None
        if database_file and database_file != ":memory:" and not database_file.startswith("file:"):
            create_private(Path(database_file))  # SQLite gives its -wal and -shm files the same mode
        self.engine: Engine = create_engine(url, connect_args=connect_args, pool_pre_ping=not self.is_sqlite)
        if self.is_sqlite:
            _tune_sqlite(self.engine)
        self._now_connection: Any = self._open_now_connection() if self.is_sqlite else None
        self._now_commits = 0

    def create_all(self) -> None:
        """Create missing tables, and add nullable columns that newer versions introduced to existing ones
        (an upgrade keeps every stored job and episode)."""
        SQLModel.metadata.create_all(self.engine)
        existing = inspect(self.engine)
        with self.engine.begin() as conn:
            for table in SQLModel.metadata.sorted_tables:
                present = {column["name"] for column in existing.get_columns(table.name)}
                for column in table.columns:
                    if column.name not in present and column.nullable:
                        kind = column.type.compile(dialect=self.engine.dialect)
                        conn.execute(text(f'ALTER TABLE {table.name} ADD COLUMN "{column.name}" {kind}'))
                for index in table.indexes:  # those of added columns (create_all made the rest)
                    index.create(conn, checkfirst=True)

    @contextmanager
    def read(self) -> Iterator[Connection]:
        """A connection for reads; its implicit transaction is rolled back on exit."""
        with self.engine.connect() as conn:
            yield conn

    @contextmanager
    def write(self) -> Iterator[Connection]:
        """A write transaction, committed on success and rolled back on error."""
        with self.write_lock, self.engine.connect() as conn:
            if self.is_sqlite:
                conn = conn.execution_options(sqlite_begin="IMMEDIATE")
            with conn.begin():
                yield conn
        with self._recent_lock:
            self._last_write = time.monotonic()
            self._recent.clear()

    @property
    def last_write(self) -> float:
        """When (time.monotonic()) this process last committed a `write()` transaction through this Database.
        Enqueues (raw cursors, store.job_creation) do not count: they only add rows nobody has read yet."""
        return self._last_write

    def recent(self, key: str) -> Any:
        """A value remembered by `remember` within the last `recent_seconds`, else None."""
        found = self._recent.get(key)
        if found is None or time.monotonic() - found[0] > self.recent_seconds:
            return None
        return found[1]

    def remember(self, key: str, value: Any, read_started: float) -> None:
        """Keep a value read from the database for pollers. `read_started` (time.monotonic() before the read)
        orders concurrent reads: a read that began earlier never replaces a later one, so pollers never see
        a value go backwards; and a read that began before this process's last write is not kept at all."""
        with self._recent_lock:  # a write committing in between must not be followed by an older value
            if read_started < self._last_write:
                return
            if len(self._recent) >= _RECENT_LIMIT:
                self._recent.clear()
            current = self._recent.get(key)
            if current is None or current[0] <= read_started:
                self._recent[key] = (read_started, value)

    def prepared(self, name: str, build: Callable[[], Any]) -> Prepared:
        """The statement `build()` makes, compiled once per database."""
        found = self._prepared.get(name)
        if found is None:
            found = self._prepared[name] = Prepared(self, build())
        return found

    @contextmanager
    def write_now(self) -> Iterator[Any]:
        """SQLite only: a write transaction on the calling thread's driver cursor, begun only when no thread or
        process is writing at this moment; WriterBusy, with nothing written, otherwise (and on a server database).

        For the event loop's enqueues: handing them to `write_pool` costs more than the writing. Both threads
        want the GIL, and sqlite3 lets go of it around every statement, so the two trade it back and forth
        (about 1.6 context switches and 100 µs of CPU per enqueue, measured). The loop never waits for another
        writer here (the connection's busy timeout is 0; a writer that shows up after BEGIN also ends in
        WriterBusy, rolled back), nor for the disk: the connection never checkpoints the WAL (SQLite's own every
        1,000 pages stalled a commit 8-11 ms on fsync); every `_CHECKPOINT_EVERY` commits it asks `write_pool` to.
        """
        lock, connection = self._sqlite_lock, self._now_connection
        if lock is None or connection is None or not lock.acquire(blocking=False):
            raise WriterBusy
        try:
            if self._now_connection is None:  # closed by dispose() meanwhile
                raise WriterBusy
            cursor = connection.cursor()
            try:
                try:
                    cursor.execute("BEGIN IMMEDIATE")
                except sqlite3.OperationalError as busy:  # another process is writing
                    raise WriterBusy from busy
                try:
                    yield cursor
                    connection.commit()
                except BaseException as failed:
                    self._roll_back_now(connection)
                    # the extended codes (SQLITE_BUSY_SNAPSHOT…) carry the primary one in their low byte
                    if isinstance(failed, sqlite3.OperationalError) and (failed.sqlite_errorcode & 0xFF) in _BUSY_CODES:
                        raise WriterBusy from failed  # rolled back: the pool may write it all again, waiting its turn
                    raise
            finally:
                # after a commit nothing may fail the batch; after a failure, that failure is the one to report
                with contextlib.suppress(sqlite3.Error):
                    cursor.close()
        finally:
            lock.release()
        self._now_commits += 1
        if self._now_commits % _CHECKPOINT_EVERY == 0:
            with contextlib.suppress(RuntimeError):  # the pool is shut down: the process is stopping
                self.write_pool.submit(self._checkpoint)

    def _open_now_connection(self) -> Any:
        # Opened with the Database, not on the event loop's first write: the pool may make a caller wait for one.
        connection = self.engine.raw_connection()
        connection.execute("PRAGMA busy_timeout=0")
        connection.execute("PRAGMA wal_autocheckpoint=0")
        return connection

    def _checkpoint(self) -> None:
        connection = self.engine.raw_connection()
        try:
            # PASSIVE copies what it can without waiting for anyone, but the loop goes on committing meanwhile, and
            # the WAL starts over only once every frame is copied. Once it has grown past a few MB, a second pass
            # holds this process's writers off (the loop's enqueues go to the pool meanwhile) to copy the few
            # frames added during the first; below that, enqueues are not diverted for it.
            # (Its count of frames copied says nothing of frames committed after it began.)
            frames = connection.execute("PRAGMA wal_checkpoint(PASSIVE)").fetchone()[1]
            if frames * connection.execute("PRAGMA page_size").fetchone()[0] > _WAL_RESTART_BYTES:
                with self.write_lock:
                    connection.execute("PRAGMA wal_checkpoint(PASSIVE)")
        except sqlite3.Error as exc:  # the next one tries again, as do other connections' own checkpoints
            log.warning("WAL checkpoint failed: %s", exc)
        finally:
            connection.close()

    def _roll_back_now(self, connection: Any) -> None:
        try:
            connection.rollback()
        except sqlite3.Error as exc:  # the connection is broken: it may still hold the lock; use the pool from now
            log.warning("The enqueue connection failed to roll back (%s); enqueues now go through the pool", exc)
            self._now_connection = None
            with contextlib.suppress(Exception):
                connection.invalidate()

    def dispose(self) -> None:
        """Close pooled connections and the write pool."""
        self.write_pool.shutdown(wait=True)
        if self._sqlite_lock is not None:
            with self._sqlite_lock:
                connection, self._now_connection = self._now_connection, None
            if connection is not None:
                connection.invalidate()  # not back to the pool: its busy timeout is 0
        self.engine.dispose()


class WriterBusy(Exception):
    """`Database.write_now` could not begin at once: write through `write_pool` instead."""


def _tune_sqlite(engine: Engine) -> None:
    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection: Any, _record: Any) -> None:
        # Let SQLAlchemy's "begin" hook issue BEGIN itself; pysqlite's own BEGIN is always DEFERRED.
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute(f"PRAGMA busy_timeout={_BUSY_TIMEOUT_MS}")
        cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.execute(f"PRAGMA journal_size_limit={_WAL_KEPT_BYTES}")  # a WAL that grew shrinks when it starts over
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.close()

    @event.listens_for(engine, "begin")
    def _on_begin(conn: Connection) -> None:
        mode = conn.get_execution_options().get("sqlite_begin", "DEFERRED")
        conn.exec_driver_sql(f"BEGIN {mode}")


class Prepared:
    """A statement compiled once for this database's dialect and run straight on the driver's cursor.

    For the hot paths only (status reads, enqueues): it skips SQLAlchemy's per-call statement building and result
    processing, which cost ten times the query itself. Values come back as the driver gives them.
    """

    def __init__(self, db: Database, statement: Any) -> None:
        compiled = statement.compile(dialect=db.engine.dialect)
        self.sql = str(compiled)
        self.defaults = dict(compiled.params)
        order = list(compiled.positiontup or []) if compiled.positional else None
        self._ordered: Callable[[dict[str, Any]], tuple[Any, ...]] | None = None
        if order is not None:
            # a dict's values in the statement's order, in C; itemgetter of one name (or none) is no tuple
            self._ordered = operator.itemgetter(*order) if len(order) > 1 else (
                lambda merged: tuple(merged[name] for name in order))

    def params(self, values: dict[str, Any]) -> Any:
        """Driver parameters: a tuple for `?` styles, a dict for named ones."""
        merged = {**self.defaults, **values}
        return merged if self._ordered is None else self._ordered(merged)

    def run(self, cursor: Any, **values: Any) -> Any:
        """Execute on `cursor` (from `store.db.cursor`); returns the cursor for fetching."""
        cursor.execute(self.sql, self.params(values))
        return cursor


@contextmanager
def _raw_cursor(db: Database, write: bool) -> Iterator[Any]:
    with db.write_lock if write else contextlib.nullcontext(), _pooled_cursor(db, write) as cursor:
        yield cursor


@contextmanager
def _pooled_cursor(db: Database, write: bool) -> Iterator[Any]:
    connection = db.engine.raw_connection()
    cursor = connection.cursor()
    try:
        if write and db.is_sqlite:
            cursor.execute("BEGIN IMMEDIATE")
        yield cursor
        if write:
            connection.commit()
        else:
            connection.rollback()
    except BaseException:
        connection.rollback()
        raise
    finally:
        cursor.close()
        connection.close()  # back to the pool


def cursor(db: Database, *, write: bool = False) -> Any:
    """A driver cursor from the pool: a write transaction (BEGIN IMMEDIATE on SQLite) or a plain read."""
    return _raw_cursor(db, write)
