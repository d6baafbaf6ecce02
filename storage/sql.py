"""How a unit of work talks to the database: one connection, one transaction, Core statements.

The repositories build Core statements and read plain rows (storage.repositories.base), so
they need no ORM session: a connection that executes statements is enough, and skipping the
session's bookkeeping (identity map, state transitions, autobegin) saves a third of the cost
of a short unit of work.

SQLite runs on the event loop's own thread through SQLAlchemy's *synchronous* engine
(pysqlite). A statement on a local file takes microseconds; going through the asyncio
adaptation (a greenlet switch and an adapted cursor per call, even with no thread hop, see
storage.sqlite_inline) cost 0.12 ms per statement and 0.3 ms per transaction, against 0.05 and
0.1 ms here (measured with the same SELECT by primary key). What must not block the loop is
waiting for another process's write lock: the connections' busy_timeout is a few milliseconds
(`BUSY_SLICE_MS`) and `BEGIN IMMEDIATE` that still finds the database locked is tried again
after an asynchronous sleep, up to `SQLITE_BUSY_TIMEOUT_MS`. Readers and writers have separate
pools, readers with `PRAGMA query_only=ON` set once per connection, so an accidental write in a
read-only unit of work fails loudly and no transaction pays for switching it.

PostgreSQL runs on asyncpg directly, with SQLAlchemy compiling (storage.pg); a read-only unit
of work runs in autocommit mode (no BEGIN, no ROLLBACK). Either backend refuses an INSERT,
UPDATE or DELETE in a read-only unit of work before sending it (`ReadOnlyViolation`).
"""

from __future__ import annotations

import asyncio
import sqlite3
import time
import weakref
from typing import Any, Protocol, TypeVarTuple, overload

from sqlalchemy import Connection, Engine, Executable, Result, event
from sqlalchemy import create_engine as create_sync_engine
from sqlalchemy.engine import URL
from sqlalchemy.exc import InvalidRequestError, OperationalError
from sqlalchemy.ext.asyncio import AsyncEngine
from sqlalchemy.sql.selectable import TypedReturnsRows

__all__ = [
    "Backend",
    "ReadOnlyViolation",
    "Sql",
    "SqliteBackend",
    "backend_for",
    "dispose_backend",
    "register_backend",
]

_Ts = TypeVarTuple("_Ts")

BUSY_SLICE_MS = 5  # the longest the loop is blocked by one try at a locked SQLite database


class Sql(Protocol):
    """What a repository executes its statements on."""

    @property
    def dialect(self) -> str: ...

    @overload
    async def execute(
        self, statement: TypedReturnsRows[*_Ts], params: Any = None
    ) -> Result[*_Ts]: ...

    @overload
    async def execute(
        self, statement: Executable, params: Any = None
    ) -> Result[*tuple[Any, ...]]: ...


class Tx(Protocol):
    """One open transaction of a unit of work."""

    sql: Sql

    async def commit(self) -> None: ...

    async def rollback(self) -> None:
        """Discard what was written and begin again on the same connection."""

    async def close(self) -> None:
        """Roll back whatever was not committed and give the connection back."""


class Backend(Protocol):
    async def begin(self, *, read_only: bool, autocommit: bool = False) -> Tx:
        """`autocommit`: the unit of work runs one statement, which may commit by itself."""
        ...

    async def dispose(self) -> None: ...


class ReadOnlyViolation(InvalidRequestError):
    """An INSERT, UPDATE or DELETE in a read-only unit of work."""


class LockWait:
    """Waiting for another process's SQLite write lock without blocking the loop: asynchronous
    sleeps from 1 ms doubling to 50 ms, for up to `seconds` from the first refusal."""

    def __init__(self, seconds: float) -> None:
        self._seconds = seconds
        self._deadline: float | None = None
        self._pause = 0.001

    def expired(self) -> bool:
        now = time.monotonic()
        if self._deadline is None:
            self._deadline = now + self._seconds
        return now >= self._deadline

    async def sleep(self) -> None:
        await asyncio.sleep(self._pause)
        self._pause = min(self._pause * 2, 0.05)


def refuse_writes(statement: Executable) -> None:
    if getattr(statement, "is_dml", False):
        raise ReadOnlyViolation(f"a read-only unit of work cannot run {type(statement).__name__}")


# -- SQLite: the synchronous engine on the loop's thread -----------------------------------------


class _SqliteSql:
    __slots__ = ("_connection", "_read_only")
    dialect = "sqlite"

    def __init__(self, connection: Connection, read_only: bool) -> None:
        self._connection = connection
        self._read_only = read_only

    async def execute(self, statement: Executable, params: Any = None) -> Any:
        if self._read_only:
            refuse_writes(statement)  # query_only is the backstop for textual SQL
        return self._connection.execute(statement, params)


class _SqliteTx:
    __slots__ = ("_busy_seconds", "_connection", "_read_only", "sql")

    def __init__(self, connection: Connection, read_only: bool, busy_seconds: float) -> None:
        self._connection = connection
        self._read_only = read_only
        self._busy_seconds = busy_seconds
        self.sql: Sql = _SqliteSql(connection, read_only)

    async def commit(self) -> None:
        self._connection.commit()

    async def rollback(self) -> None:
        self._connection.rollback()
        await _sqlite_begin(self._connection, self._read_only, self._busy_seconds)

    async def close(self) -> None:
        try:
            self._connection.rollback()
        finally:
            self._connection.close()


class SqliteBackend:
    """Two pools on one file: readers (query_only) and writers. Connections are opened when
    needed beyond `pool_size` and never waited for: a synchronous pool that made a task wait
    would block the whole event loop."""

    def __init__(
        self, url: URL, *, foreign_keys: bool, busy_seconds: float, echo: bool = False
    ) -> None:
        sync_url = url.set(drivername="sqlite+pysqlite")
        self._busy_seconds = busy_seconds
        self._readers = self._engine(sync_url, foreign_keys, query_only=True, echo=echo)
        self._writers = self._engine(sync_url, foreign_keys, query_only=False, echo=echo)

    @staticmethod
    def _engine(url: URL, foreign_keys: bool, *, query_only: bool, echo: bool) -> Engine:
        engine = create_sync_engine(
            url,
            echo=echo,
            pool_size=16,
            max_overflow=-1,
            connect_args={"check_same_thread": False, "timeout": BUSY_SLICE_MS / 1000},
        )

        def on_connect(dbapi_connection: sqlite3.Connection, _record: Any) -> None:
            prepare_sqlite(dbapi_connection, foreign_keys=foreign_keys)
            if query_only:
                dbapi_connection.execute("PRAGMA query_only=ON")

        event.listen(engine, "connect", on_connect)
        return engine

    async def begin(self, *, read_only: bool, autocommit: bool = False) -> Tx:
        # `autocommit` changes nothing here: BEGIN IMMEDIATE costs no round trip on SQLite.
        connection = (self._readers if read_only else self._writers).connect()
        try:
            await _sqlite_begin(connection, read_only, self._busy_seconds)
        except BaseException:
            connection.close()
            raise
        return _SqliteTx(connection, read_only, self._busy_seconds)

    async def dispose(self) -> None:
        self.close()

    def close(self) -> None:
        self._readers.dispose()
        self._writers.dispose()


async def _sqlite_begin(connection: Connection, read_only: bool, busy_seconds: float) -> None:
    wait = LockWait(busy_seconds)
    while True:
        try:
            connection.exec_driver_sql("BEGIN" if read_only else "BEGIN IMMEDIATE")
            return
        except OperationalError as exc:
            # Locked by another process's writer (this process's writers queue before BEGIN,
            # storage.uow): wait without blocking the loop, then try again.
            if "locked" not in str(exc.orig) or wait.expired():
                raise
            connection.rollback()
        await wait.sleep()


def prepare_sqlite(connection: Any, *, foreign_keys: bool) -> None:
    """What every SQLite connection needs, whichever driver opened it (storage.db)."""
    connection.isolation_level = None  # our BEGIN, not the driver's
    # SQLite's lower() folds ASCII only; PostgreSQL's folds all of Unicode. Case-insensitive
    # lookups (e-mail, licence, text search) must agree on both, e.g. for Polish "Ł".
    connection.create_function("lower", 1, _unicode_lower, deterministic=True)
    cursor = connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    # In WAL mode NORMAL is still crash-safe; only the last commits may roll back on power loss.
    cursor.execute("PRAGMA synchronous=NORMAL")
    # Short: a writer of another process is waited for asynchronously, in slices.
    cursor.execute(f"PRAGMA busy_timeout={BUSY_SLICE_MS}")
    cursor.execute(f"PRAGMA foreign_keys={'ON' if foreign_keys else 'OFF'}")
    cursor.close()


def _unicode_lower(value: object) -> object:
    return value.lower() if isinstance(value, str) else value


# -- which backend an engine gets ------------------------------------------------------------------

_BACKENDS: weakref.WeakKeyDictionary[AsyncEngine, Backend] = weakref.WeakKeyDictionary()


def register_backend(engine: AsyncEngine, backend: Backend) -> None:
    """What units of work on `engine` use (storage.db builds both). A SQLite companion is also
    closed when the engine is garbage collected, for callers that dispose the engine alone."""
    _BACKENDS[engine] = backend
    close = getattr(backend, "close", None)
    if close is not None:
        weakref.finalize(engine, close)


def backend_for(engine: AsyncEngine) -> Backend:
    backend = _BACKENDS.get(engine)
    if backend is None:
        raise RuntimeError("the engine must come from storage.db.create_engine")
    return backend


async def dispose_backend(engine: AsyncEngine) -> None:
    backend = _BACKENDS.pop(engine, None)
    if backend is not None:
        await backend.dispose()
