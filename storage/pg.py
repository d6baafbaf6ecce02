"""Units of work on PostgreSQL: SQLAlchemy compiles, asyncpg executes.

The repositories' statements are SQLAlchemy Core, compiled and cached by SQLAlchemy exactly as
its own engine does (`_compile_w_cache`, bound parameters, bind and result processors of the
engine's dialect). What is skipped is SQLAlchemy's *execution* layer on asyncio: every
statement there ran inside a greenlet, through an adapted DB-API cursor, an execution context
and a cursor result, which cost 0.18 ms of CPU per SELECT against 0.06 ms for asyncpg alone
(benchmarks/README.md). Here a statement is bound once, sent with asyncpg's own prepared
statement cache, and its records become SQLAlchemy `Row`s through a result built from a
metadata object kept per compiled statement.

The pool is asyncpg's, sized like the engine's (`max_size`), with SQLAlchemy's JSON codecs
and the engine's JSON serializer, so values read and written are the same as through the
engine. What the engine's pool did is kept:

* a connection idle for more than PING_AFTER_IDLE_SECONDS is pinged before use, and one that
  does not answer is replaced (a restarted server or a dropped idle connection costs no
  failed unit of work);
* a lost connection expires every pooled one, so the next units of work reconnect instead of
  each finding its own dead connection;
* errors are SQLAlchemy's exceptions (`IntegrityError`, `DBAPIError`, `StatementError` for a
  value a bind processor refused), with asyncpg's error as `.orig`;
* NUL characters in text become U+FFFD before they are sent (PostgreSQL refuses them).

A read-only unit of work runs in autocommit mode (no BEGIN, no ROLLBACK) and refuses DML.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import re
import time
import weakref
from collections.abc import Callable, Mapping, Sequence
from typing import Any, NamedTuple, cast

import asyncpg
from sqlalchemy import Executable
from sqlalchemy.engine import URL, Dialect
from sqlalchemy.engine.result import IteratorResult, SimpleResultMetaData
from sqlalchemy.exc import (
    DBAPIError,
    PendingRollbackError,
    ResourceClosedError,
    StatementError,
)
from sqlalchemy.exc import TimeoutError as PoolTimeout
from sqlalchemy.ext.asyncio import AsyncEngine
from sqlalchemy.sql import compiler, sqltypes
from sqlalchemy.util import LRUCache

from storage.sql import Sql, Tx, refuse_writes

__all__ = ["PING_AFTER_IDLE_SECONDS", "PgBackend"]

# A pooled connection idle longer than this is pinged before it is handed out.
PING_AFTER_IDLE_SECONDS = 5.0
ACQUIRE_TIMEOUT_SECONDS = 30.0  # SQLAlchemy's pool_timeout: waiting longer means a leak
FLOAT8_OID, NUMERIC_OID = 701, 1700
STATEMENT_CACHE_SIZE = 500  # prepared statements per connection (asyncpg's LRU)
_ROWCOUNT = re.compile(r"(?:SELECT|UPDATE|DELETE|INSERT \d+|MERGE) (\d+)")


class _Batch(NamedTuple):
    sql: str
    arguments: Sequence[Any]


class PgResult(IteratorResult[Any]):
    """SQLAlchemy's iterator result over asyncpg records, with the statement's row count."""

    rowcount: int = -1


class _Plan:
    """What executing one compiled statement needs beyond its parameters' values."""

    __slots__ = ("metadata", "one_off", "positions", "returns_rows", "sql")

    def __init__(self, compiled: compiler.SQLCompiler, dialect: Dialect) -> None:
        self.sql: str = compiled.string
        processors = compiled._bind_processors
        self.positions: list[tuple[str, Any]] = [
            (name, processors.get(name)) for name in (compiled.positiontup or ())
        ]
        # Values written into the SQL (text search patterns): each run is its own statement,
        # prepared without entering the connection's cache of statements that come back.
        # Textual SQL too (rare: operators' and tests' statements), which may return rows or
        # not: prepared, its rows are fetched and its row count read from the command's status.
        self.one_off = bool(compiled.literal_execute_params or compiled.isplaintext)
        columns = compiled._result_columns
        self.returns_rows = bool(columns or compiled.effective_returning or compiled.isplaintext)
        self.metadata: SimpleResultMetaData | None = None
        if columns:
            self.metadata = SimpleResultMetaData(
                [column[0] for column in columns],
                _processors=[_result_processor(column[3], dialect) for column in columns],
            )


def _result_processor(type_: Any, dialect: Dialect) -> Any:
    """The column type's result processor. SQLAlchemy picks some by the type the server
    reports (its cursor description); ours read records without one, so the two that need it
    are told: floats and numerics (float8 and numeric, as PostgreSQL sends them)."""
    affinity = type_._type_affinity
    coltype = None
    if affinity is not None and issubclass(affinity, sqltypes.Float):
        coltype = FLOAT8_OID
    elif affinity is not None and issubclass(affinity, sqltypes.NumericCommon):
        coltype = NUMERIC_OID
    return type_._cached_result_processor(dialect, coltype)


class PgBackend:
    """Units of work on an asyncpg pool, with the engine's dialect compiling."""

    def __init__(self, engine: AsyncEngine, *, max_size: int) -> None:
        self._dialect: Dialect = engine.dialect
        self._url: URL = engine.url
        self._max_size = max_size
        self._pool: asyncpg.Pool | None = None
        self._opening: asyncio.Lock | None = None
        self._compiled: LRUCache[Any, Any] = LRUCache(500)
        self._plans: weakref.WeakKeyDictionary[Any, _Plan] = weakref.WeakKeyDictionary()
        self._used: weakref.WeakKeyDictionary[Any, float] = weakref.WeakKeyDictionary()
        self._linting = self._dialect.compiler_linting | compiler.WARN_LINTING
        # Called with each statement's SQL and arguments before it is sent (benchmarks'
        # EXPLAIN); the engine's before_cursor_execute event does not see these statements.
        self.observers: list[Callable[[str, Sequence[Any]], None]] = []

    # -- the pool ---------------------------------------------------------------------------------

    async def _open(self) -> asyncpg.Pool:
        if self._opening is None:
            self._opening = asyncio.Lock()
        async with self._opening:
            if self._pool is None:
                # The dialect's own reading of the URL: SQLAlchemy-only options (such as
                # prepared_statement_cache_size) are taken out, asyncpg's are passed on.
                _, options = self._dialect.create_connect_args(self._url)
                options.setdefault("server_settings", {"application_name": "supportbot"})
                self._pool = await asyncpg.create_pool(
                    min_size=0,
                    max_size=self._max_size,
                    max_inactive_connection_lifetime=300.0,
                    statement_cache_size=STATEMENT_CACHE_SIZE,
                    init=self._init,
                    reset=_no_reset,
                    **options,
                )
        return self._pool

    async def _init(self, connection: asyncpg.Connection) -> None:
        await _json_codecs(connection)
        self._used[connection] = time.monotonic()

    async def _acquire(self) -> _Lease:
        """A pooled connection, pinged first if it has been idle. Its statements go to the
        connection itself, not through the pool's proxy (which wraps every call in a check);
        the lease knows which pool to give it back to."""
        pool = self._pool or await self._open()
        for _ in range(2):
            lease = await self._take(pool)
            used = self._used.get(lease.connection)
            if used is not None and time.monotonic() - used < PING_AFTER_IDLE_SECONDS:
                return lease
            try:
                await lease.connection.execute("SELECT 1")  # (";" fails in asyncpg's simple query)
            except BaseException as error:
                # Stale (or the wait was cancelled): this one is closed, and on an error its
                # idle peers are replaced on their next acquire.
                lease.connection.terminate()
                await lease.give_back()
                if not isinstance(error, Exception):
                    raise
                await pool.expire_connections()
                continue
            self._used[lease.connection] = time.monotonic()
            return lease
        return await self._take(pool)

    async def _take(self, pool: asyncpg.Pool) -> _Lease:
        try:
            proxy = await pool.acquire(timeout=ACQUIRE_TIMEOUT_SECONDS)
        except TimeoutError as error:
            raise PoolTimeout(
                f"no PostgreSQL connection free within {ACQUIRE_TIMEOUT_SECONDS:.0f} s "
                f"(all {self._max_size} in use)"
            ) from error
        return _Lease(pool, proxy, self._used)

    async def begin(self, *, read_only: bool, autocommit: bool = False) -> Tx:
        return _PgTx(self, await self._acquire(), read_only, autocommit)

    async def dispose(self) -> None:
        pool, self._pool = self._pool, None
        if pool is not None:
            await pool.close()

    def close(self) -> None:
        """Close every connection at once (an engine collected without being disposed)."""
        pool, self._pool = self._pool, None
        if pool is not None:
            with contextlib.suppress(Exception):  # at exit the loop may be gone already
                pool.terminate()

    async def _failure(
        self, connection: asyncpg.Connection, error: BaseException, sql: str, params: Any
    ) -> BaseException:
        """What to raise for `error` from `connection`: SQLAlchemy's exception for it. A
        connection that is gone expires its idle peers too (they most likely lost the server
        with it)."""
        gone = connection.is_closed()
        if gone and self._pool is not None:
            await self._pool.expire_connections()
        return self._translate(error, sql, params, gone)

    # -- statements -------------------------------------------------------------------------------

    def bind(self, statement: Executable, params: Any) -> tuple[_Plan, str, list[Any]]:
        """The plan, SQL text and positional arguments (one list per parameter set). Several
        parameter sets for an INSERT ... RETURNING become multi-row INSERTs, as SQLAlchemy's
        "insertmanyvalues" does."""
        if params is None:
            distilled: Sequence[Mapping[str, Any]] = ()
        elif isinstance(params, Mapping):
            distilled = (params,)
        else:
            distilled = params
        keys = sorted(distilled[0]) if distilled else []
        many = len(distilled) > 1
        compiled_any, extracted, collected, _hit = statement._compile_w_cache(
            self._dialect,
            compiled_cache=self._compiled,
            column_keys=keys,
            for_executemany=many,
            schema_translate_map=None,
            linting=self._linting,
        )
        compiled = cast(compiler.SQLCompiler, compiled_any)
        plan = self._plans.get(compiled)
        if plan is None:
            if compiled.insert_prefetch or compiled.update_prefetch:
                raise NotImplementedError("columns with Python-side defaults")
            if many and compiled.effective_returning and not compiled._insertmanyvalues:
                raise NotImplementedError("executemany with RETURNING, other than an INSERT")
            dml = getattr(compiled.compile_state, "statement", None)
            if getattr(dml, "_sort_by_parameter_order", False):
                raise NotImplementedError("RETURNING sorted by parameter order")
            plan = self._plans[compiled] = _Plan(compiled, self._dialect)
        try:
            return self._bound(compiled, plan, distilled, extracted, collected, many)
        except (NotImplementedError, StatementError):
            raise
        except Exception as error:  # a value a bind processor refused, a missing parameter
            raise StatementError(str(error), plan.sql, params, error) from error

    def _bound(
        self,
        compiled: compiler.SQLCompiler,
        plan: _Plan,
        distilled: Sequence[Mapping[str, Any]],
        extracted: Any,
        collected: Any,
        many: bool,
    ) -> tuple[_Plan, str, list[Any]]:
        if distilled:
            compiled_params = [
                compiled.construct_params(
                    m,
                    escape_names=False,
                    _group_number=group,
                    extracted_parameters=extracted,
                    _collected_params=collected,
                )
                for group, m in enumerate(distilled)
            ]
        else:
            compiled_params = [
                compiled.construct_params(
                    extracted_parameters=extracted,
                    escape_names=False,
                    _collected_params=collected,
                )
            ]
        sql = plan.sql
        positions = plan.positions
        if compiled.literal_execute_params or compiled.post_compile_params:
            if many:
                raise NotImplementedError("expanding parameters with executemany")
            expanded = compiled._process_parameters_for_postcompile(compiled_params[0])
            sql = expanded.statement
            processors: dict[str, Any] = dict(compiled._bind_processors)
            processors.update(expanded.processors)
            positions = [(name, processors.get(name)) for name in expanded.positiontup or ()]
        arguments = [
            [
                _without_nul(values[name] if process is None else process(values[name]))
                for name, process in positions
            ]
            for values in cast(list[dict[str, Any]], compiled_params)
        ]
        if many and compiled.effective_returning:
            return plan, sql, self._many_values(compiled, sql, arguments, compiled_params)
        return plan, sql, arguments

    def _many_values(
        self, compiled: compiler.SQLCompiler, sql: str, arguments: Any, compiled_params: Any
    ) -> list[Any]:
        """(statement, arguments) pairs: the parameter sets in multi-row INSERTs."""
        batches = compiled._deliver_insertmanyvalues_batches(
            sql, arguments, compiled_params, None, 1000, False, None
        )
        return [
            _Batch(batch.replaced_statement, cast(Sequence[Any], batch.replaced_parameters))
            for batch in batches
        ]

    def _translate(
        self, error: BaseException, sql: str, params: Any, gone: bool = False
    ) -> BaseException:
        if isinstance(error, StatementError) or not isinstance(error, Exception):
            return error
        dbapi = self._dialect.loaded_dbapi
        mapping = dbapi._asyncpg_error_translate
        adapted: Exception | None = None
        for cls in type(error).__mro__:
            if cls in mapping:
                adapted = mapping[cls](error.args[0] if error.args else str(error), error)
                adapted.__cause__ = error
                break
        if adapted is None:
            if isinstance(error, (OSError, asyncio.TimeoutError)):
                adapted = dbapi.InterfaceError(str(error) or type(error).__name__, error)
                adapted.__cause__ = error
            else:
                return error
        return DBAPIError.instance(
            sql, params, adapted, dbapi.Error, dialect=self._dialect, connection_invalidated=gone
        )


async def _json_codecs(connection: asyncpg.Connection) -> None:
    """What SQLAlchemy's asyncpg dialect sets on each connection: JSON and JSONB travel as
    text its bind processors already serialized, and are parsed on the way back."""
    await connection.set_type_codec(
        "json",
        encoder=str.encode,
        decoder=lambda data: json.loads(data.decode()),
        schema="pg_catalog",
        format="binary",
    )
    await connection.set_type_codec(
        "jsonb",
        encoder=lambda text: b"\x01" + text.encode(),
        decoder=lambda data: json.loads(data[1:].decode()),
        schema="pg_catalog",
        format="binary",
    )


async def _no_reset(_connection: asyncpg.Connection) -> None:
    """Units of work end their own transactions and set nothing on the session, so asyncpg's
    reset (advisory unlocks, CLOSE ALL, UNLISTEN, RESET ALL: one more round trip per unit of
    work) has nothing to undo."""


def _without_nul(value: Any) -> Any:
    # PostgreSQL text refuses NUL; whatever a person typed must not fail the write.
    if type(value) is str and "\x00" in value:
        return value.replace("\x00", "\ufffd")
    return value


class _PgSql:
    """Statements of one unit of work. A read-write unit opens its transaction with its first
    statement (and again with the first after a commit or rollback), so statements after a
    commit are as transactional as before it, and a unit that sends nothing costs nothing."""

    __slots__ = ("_backend", "_lease", "_read_only", "begin_first", "transactional")
    dialect = "postgresql"

    def __init__(
        self, backend: PgBackend, lease: _Lease, read_only: bool, autocommit: bool
    ) -> None:
        self._backend = backend
        self._lease: _Lease | None = lease
        self._read_only = read_only
        # Read-only and autocommit units send each statement as its own transaction.
        self.transactional = not (read_only or autocommit)
        self.begin_first = self.transactional

    @property
    def opened(self) -> bool:
        """Whether a transaction of this unit is open (its BEGIN sent, not yet ended)."""
        return self.transactional and not self.begin_first

    def connection(self) -> asyncpg.Connection:
        if self._lease is None:
            raise ResourceClosedError("this unit of work has ended")
        return self._lease.connection

    def end(self) -> None:
        self._lease = None

    async def execute(self, statement: Executable, params: Any = None) -> Any:
        if self._read_only:
            refuse_writes(statement)
        connection = self.connection()
        backend = self._backend
        plan, sql, arguments = backend.bind(statement, params)
        for observe in backend.observers:
            observe(sql, arguments[0] if arguments else ())
        try:
            if self.begin_first:
                await connection.execute("BEGIN")
                self.begin_first = False
            if arguments and type(arguments[0]) is _Batch:
                records = []
                for batch in arguments:
                    records.extend(await connection.fetch(batch.sql, *batch.arguments))
                return _result(plan, records, len(records))
            if len(arguments) > 1:
                await connection.executemany(sql, arguments)
                return _result(plan, [], -1)
            if plan.one_off:
                prepared = await connection.prepare(sql)
                records = await prepared.fetch(*arguments[0])
                status = prepared.get_statusmsg()
                return _result(plan, records, _rowcount(status, records))
            if plan.returns_rows:
                records = await connection.fetch(sql, *arguments[0])
                return _result(plan, records, len(records))
            status = await connection.execute(sql, *arguments[0])
        except BaseException as error:
            raise await backend._failure(connection, error, sql, params) from error
        return _result(plan, [], _rowcount(status, ()))


def _rowcount(status: str | None, records: Sequence[Any]) -> int:
    match = _ROWCOUNT.match(status or "")
    return int(match.group(1)) if match else len(records)


def _result(plan: _Plan, records: Sequence[Any], rowcount: int) -> PgResult:
    metadata = plan.metadata
    if metadata is None:
        metadata = SimpleResultMetaData(list(records[0].keys()) if records else [])
    result = PgResult(metadata, iter(records))
    result.rowcount = rowcount
    return result


class _Lease:
    """A connection taken from a pool, given back to that same pool (a later one, opened after
    a dispose, would refuse it)."""

    __slots__ = ("connection", "pool", "proxy", "used")

    def __init__(self, pool: asyncpg.Pool, proxy: Any, used: weakref.WeakKeyDictionary[Any, float]):
        self.pool = pool
        self.proxy = proxy
        self.connection: asyncpg.Connection = proxy._con
        self.used = used

    async def give_back(self) -> None:
        self.used[self.connection] = time.monotonic()
        if self.pool.is_closing():
            self.connection.terminate()
        await self.pool.release(self.proxy)


class _PgTx:
    __slots__ = ("_backend", "_lease", "_sql", "sql")

    def __init__(
        self, backend: PgBackend, lease: _Lease, read_only: bool, autocommit: bool
    ) -> None:
        self._backend = backend
        self._lease = lease
        self._sql = _PgSql(backend, lease, read_only, autocommit)
        self.sql: Sql = self._sql

    async def _end_transaction(self, command: str) -> str | None:
        """COMMIT or ROLLBACK the open transaction, if a statement opened one; the next
        statement opens another."""
        sql = self._sql
        connection = sql.connection()
        if not sql.opened:
            return None  # nothing was sent since the last end: nothing to end
        sql.begin_first = True
        try:
            return str(await connection.execute(command))
        except BaseException as error:
            raise await self._backend._failure(connection, error, command, None) from error

    async def commit(self) -> None:
        status = await self._end_transaction("COMMIT")
        if status is not None and status != "COMMIT":
            # PostgreSQL answers COMMIT in a transaction a statement had failed in by rolling
            # it back: that must not pass for a commit.
            raise PendingRollbackError(f"the transaction had failed and was rolled back ({status})")

    async def rollback(self) -> None:
        await self._end_transaction("ROLLBACK")

    async def close(self) -> None:
        lease = self._lease
        connection = lease.connection
        opened = self._sql.opened
        self._sql.end()
        try:
            if not connection.is_closed() and (opened or connection.is_in_transaction()):
                await connection.execute("ROLLBACK")
        except Exception:
            # Whatever went wrong went with the connection: its transaction is gone too.
            connection.terminate()
        except BaseException:
            connection.terminate()
            raise
        finally:
            await lease.give_back()
