"""SQLite on the event loop's own thread: aiosqlite's interface, without its thread hops.

aiosqlite runs every call (execute, fetch, close a cursor, commit) on a worker thread and hands
the result back through the event loop: about 0.1 ms per hop and three hops a statement, while
the statement itself takes a few microseconds on a local file (measured: 0.33 ms against
0.004 ms for a primary-key SELECT). A unit of work of five statements paid ~5 ms, mostly in
hand-offs and in the worker threads fighting the loop for the GIL.

`InlineConnection` is an `aiosqlite.Connection` whose calls run at once on the caller's thread,
so SQLAlchemy's aiosqlite dialect works with it unchanged (`create_async_engine(...,
async_creator=...)`, storage.db). What that changes:

* A statement blocks the loop while it runs. On a local file that is microseconds to a few
  milliseconds; long reports belong on PostgreSQL, which the product supports for scale.
* Waiting for the write lock must not block the loop: the connection's busy_timeout is short
  (`BUSY_SLICE_MS`) and a `BEGIN IMMEDIATE` that still finds the database locked (another
  process writing) is tried again after an asynchronous sleep, up to `busy_seconds`. Writers of
  the same process never meet here: they queue before BEGIN (storage.uow).
"""

from __future__ import annotations

import asyncio
import sqlite3
from collections.abc import Callable
from typing import Any

import aiosqlite

from storage.sql import BUSY_SLICE_MS, LockWait


class _RunNow:
    """Stands in for aiosqlite's queue to its worker thread: runs each call at once."""

    def put_nowait(self, item: tuple[asyncio.Future[Any] | None, Callable[[], Any]]) -> None:
        future, function = item
        try:
            result = function()
        except BaseException as exc:
            if future is not None and not future.done():
                future.set_exception(exc)
            return
        if future is not None and not future.done():
            future.set_result(result)


class InlineConnection(aiosqlite.Connection):
    def __init__(self, connector: Callable[[], sqlite3.Connection], busy_seconds: float) -> None:
        super().__init__(connector, iter_chunk_size=64)
        self._tx = _RunNow()  # type: ignore[assignment]
        self._busy_seconds = busy_seconds

    def __await__(self) -> Any:
        # No worker thread to start: connect right here.
        return self._connect().__await__()

    async def _execute(self, fn: Callable[..., Any], *args: Any, **kwargs: Any) -> Any:
        if not self._running or not self._connection:
            raise ValueError("Connection closed")
        wait = LockWait(self._busy_seconds)
        while True:
            try:
                return fn(*args, **kwargs)
            except sqlite3.OperationalError as exc:
                # Only a statement that took no lock yet (BEGIN IMMEDIATE) is safe to repeat.
                if "locked" not in str(exc) or self._connection.in_transaction or wait.expired():
                    raise
            await wait.sleep()


def inline_creator(
    connect_args: tuple[Any, ...], connect_kwargs: dict[str, Any], busy_seconds: float
) -> Callable[[], InlineConnection]:
    """An `async_creator` for create_async_engine: connections that run on the loop's thread."""

    def connector() -> sqlite3.Connection:
        kwargs = {**connect_kwargs, "check_same_thread": False}
        kwargs["timeout"] = BUSY_SLICE_MS / 1000
        connection: sqlite3.Connection = sqlite3.connect(*connect_args, **kwargs)
        return connection

    def create() -> InlineConnection:
        return InlineConnection(connector, busy_seconds)

    return create
