"""Opening the database: one async engine and session factory per process, built on request.

SQLite (the default, for small installations) and PostgreSQL (for scale) are both supported.
SQLite needs care to behave like a server database under concurrent asyncio tasks:

* WAL, so readers never block the writer and the writer never blocks readers;
* foreign_keys=ON, which SQLite leaves off per connection unless asked;
* a writer waits for the lock instead of failing at once (up to SQLITE_BUSY_TIMEOUT_MS, in
  short slices between asynchronous sleeps: statements run on the loop's own thread, see
  storage.sql and storage.sqlite_inline);
* `BEGIN IMMEDIATE` for every read-write transaction. The sqlite3 driver would otherwise start
  a transaction only at the first write, and a transaction that has read and then tries to
  write fails with "database is locked" (no waiting) when another writer got in first. Taking
  the write lock at BEGIN makes writers queue on busy_timeout instead. This is SQLAlchemy's
  documented recipe (SQLite dialect docs, "Enabling Non-Legacy SQLite Transactional Modes"):
  turn off the driver's own BEGIN and emit ours from the `begin` event.

Units of work do not use the async engine's sessions: each engine built here gets a companion
(storage.sql) that runs their statements on plain connections. On SQLite that is a synchronous
engine on the same file with a readers' pool (query_only) and a writers' pool; read-only units
start with a plain deferred BEGIN, so they read a WAL snapshot without queueing behind writers.
On PostgreSQL it is an asyncpg pool of its own, the engine's dialect compiling (storage.pg);
read-only units run in autocommit mode there (no BEGIN or ROLLBACK).
The async engine and its sessions serve the rest (migrations, metrics gauges, `check`): the
execution option READ_ONLY and the `begin` hook below are theirs.
"""

from __future__ import annotations

import json
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sqlalchemy import Connection, event, text
from sqlalchemy.dialects.sqlite.aiosqlite import SQLiteDialect_aiosqlite
from sqlalchemy.engine import URL, make_url
from sqlalchemy.exc import DisconnectionError
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker
from sqlalchemy.ext.asyncio import create_async_engine as _create_async_engine

from storage.pg import PgBackend
from storage.sql import (
    SqliteBackend,
    dispose_backend,
    prepare_sqlite,
    register_backend,
)
from storage.sqlite_inline import inline_creator

DEFAULT_URL = "sqlite+aiosqlite:///./data/supportbot.db"

# Execution option a read-only unit of work sets on its connection (see storage.uow).
READ_ONLY = "supportbot_read_only"

SQLITE_BUSY_TIMEOUT_MS = 30_000


@dataclass
class Database:
    engine: AsyncEngine
    sessionmaker: async_sessionmaker[AsyncSession]

    @property
    def dialect(self) -> str:
        return self.engine.dialect.name

    async def dispose(self) -> None:
        await dispose_backend(self.engine)
        await self.engine.dispose()


def normalize_url(url: str | URL | None) -> URL:
    """Pick the async driver for the URLs people usually write (sqlite://, postgres://)."""
    parsed = make_url(url or DEFAULT_URL)
    backend = parsed.get_backend_name()
    if backend == "sqlite" and parsed.drivername != "sqlite+aiosqlite":
        return parsed.set(drivername="sqlite+aiosqlite")
    if backend in {"postgres", "postgresql"} and parsed.drivername != "postgresql+asyncpg":
        return parsed.set(drivername="postgresql+asyncpg")
    return parsed


def create_engine(
    url: str | URL | None = None,
    *,
    foreign_keys: bool = True,
    pool_size: int = 10,
    max_overflow: int = 10,
    echo: bool = False,
) -> AsyncEngine:
    """Build (but do not connect) an engine. `foreign_keys=False` is for SQLite migrations,
    whose batch table rebuilds cannot run with foreign keys enforced."""
    parsed = normalize_url(url)
    if parsed.get_backend_name() == "sqlite":
        return _sqlite_engine(parsed, foreign_keys=foreign_keys, echo=echo)
    engine = _create_async_engine(
        parsed,
        echo=echo,
        pool_size=pool_size,
        max_overflow=max_overflow,
        # Connections idle behind a firewall or a restarted server are found before use; one
        # used a moment ago is not pinged again (see _ping_if_idle).
        pool_recycle=1800,
        connect_args={"server_settings": {"application_name": "supportbot"}},
        json_serializer=_json_without_nul,
    )

    event.listen(engine.sync_engine, "checkout", _ping_if_idle)
    event.listen(engine.sync_engine, "checkin", _note_use)

    @event.listens_for(engine.sync_engine, "before_cursor_execute", retval=True)
    def _without_nul(
        conn: Any, cursor: Any, statement: str, parameters: Any, context: Any, many: bool
    ) -> tuple[str, Any]:
        # PostgreSQL text refuses NUL; whatever a person typed must not fail the write.
        return statement, _scrub(parameters)

    # Units of work run on asyncpg directly, with this engine's dialect compiling (storage.pg).
    register_backend(engine, PgBackend(engine, max_size=pool_size + max_overflow))
    return engine


# A pooled PostgreSQL connection idle longer than this is pinged before it is handed out.
# pool_pre_ping pinged on every checkout: one more round trip per transaction, a tenth of the
# database time in benchmarks/relay.py. A connection checked in a moment ago was working then;
# if the server went away since, the first statement fails, the pool is invalidated, and the
# work is retried as for any other database fault (tests/faults/test_outages.py).
PING_AFTER_IDLE_SECONDS = 5.0
_USED = "supportbot_used_at"


def _note_use(dbapi_connection: Any, record: Any) -> None:
    record.info[_USED] = time.monotonic()


def _ping_if_idle(dbapi_connection: Any, record: Any, proxy: Any) -> None:
    used = record.info.get(_USED)
    if used is not None and time.monotonic() - used < PING_AFTER_IDLE_SECONDS:
        return
    try:
        dbapi_connection.ping()
    except Exception as exc:
        # The pool drops this connection and tries another (SQLAlchemy's documented recipe).
        raise DisconnectionError(f"stale pooled connection: {type(exc).__name__}") from exc


def _json_without_nul(value: Any) -> str:
    """JSON for jsonb, which refuses the NUL character anywhere: a payload holding one (a
    forged update, a strange file name) would otherwise fail to record, and be retried for
    ever. NUL becomes U+FFFD, the replacement character."""
    return json.dumps(_scrub(value))


def _scrub(value: Any) -> Any:
    if isinstance(value, str):
        return value.replace("\x00", "\ufffd")
    if isinstance(value, dict):
        return {_scrub(k): _scrub(v) for k, v in value.items()}
    if isinstance(value, tuple):
        return tuple(_scrub(v) for v in value)
    if isinstance(value, list):
        return [_scrub(v) for v in value]
    return value


def _sqlite_engine(url: URL, *, foreign_keys: bool, echo: bool) -> AsyncEngine:
    database = url.database or ""
    if database and database != ":memory:" and not database.startswith("file:"):
        Path(database).parent.mkdir(parents=True, exist_ok=True)
    # Statements run on the loop's thread instead of aiosqlite's (storage.sqlite_inline).
    connect_args, connect_kwargs = SQLiteDialect_aiosqlite().create_connect_args(url)
    creator = inline_creator(
        tuple(connect_args), dict(connect_kwargs), SQLITE_BUSY_TIMEOUT_MS / 1000
    )
    engine = _create_async_engine(url, echo=echo, async_creator=creator)

    @event.listens_for(engine.sync_engine, "connect")
    def _on_connect(dbapi_connection: Any, _record: Any) -> None:
        prepare_sqlite(dbapi_connection, foreign_keys=foreign_keys)

    @event.listens_for(engine.sync_engine, "begin")
    def _on_begin(connection: Connection) -> None:
        read_only = bool(connection.get_execution_options().get(READ_ONLY))
        # query_only makes an accidental write fail loudly instead of trying to upgrade. It
        # is set only when it changes: each statement is a hop to aiosqlite's thread.
        info = connection.connection.info
        if info.get("query_only") is not read_only:
            connection.exec_driver_sql(f"PRAGMA query_only={'ON' if read_only else 'OFF'}")
            info["query_only"] = read_only
        connection.exec_driver_sql("BEGIN" if read_only else "BEGIN IMMEDIATE")

    # Units of work use a synchronous companion on the same file (storage.sql).
    register_backend(
        engine,
        SqliteBackend(
            url,
            foreign_keys=foreign_keys,
            busy_seconds=SQLITE_BUSY_TIMEOUT_MS / 1000,
            echo=echo,
        ),
    )
    return engine


def make_sessionmaker(engine: AsyncEngine) -> async_sessionmaker[AsyncSession]:
    # Repositories hand out dataclass copies, never ORM objects, so nothing needs expiring.
    return async_sessionmaker(engine, expire_on_commit=False, autoflush=False)


async def open_database(url: str | URL | None = None, **engine_options: Any) -> Database:
    """Create the engine and check that the database answers; the caller must `dispose()`."""
    engine = create_engine(url, **engine_options)
    try:
        async with engine.connect() as connection:
            await connection.execution_options(**{READ_ONLY: True})
            await connection.execute(text("SELECT 1"))
    except BaseException:
        await engine.dispose()
        raise
    return Database(engine=engine, sessionmaker=make_sessionmaker(engine))
