"""Work that one process at a time must do, when several share one PostgreSQL database.

A PostgreSQL session advisory lock, tried (never waited for) on a connection of its own, names
the process doing it; the server drops the lock when that connection or process dies, and
another process takes over at its next try. SQLite means a single process: no lock needed.

Used for the inbox processor (any number of web processes may take webhooks; one handles what
they recorded, so one chat's updates are never handled twice at once) and the periodic jobs.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import zlib
from collections.abc import AsyncIterator, Callable, Coroutine
from typing import Any

from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncConnection

from storage.db import Database

log = logging.getLogger(__name__)


def lock_key(name: str) -> int:
    return zlib.crc32(f"supportbot:{name}".encode())


@contextlib.asynccontextmanager
async def advisory_lock(
    database: Database, name: str
) -> AsyncIterator[tuple[bool, AsyncConnection | None]]:
    """(True, its connection) when this process holds `name` inside the block; (False, None)
    when another does. Always (True, None) on SQLite."""
    if database.dialect != "postgresql":
        yield True, None
        return
    key = lock_key(name)
    async with database.engine.connect() as connection:
        taken = bool(
            (
                await connection.execute(text("SELECT pg_try_advisory_lock(:k)"), {"k": key})
            ).scalar_one()
        )
        await connection.commit()
        try:
            yield taken, (connection if taken else None)
        finally:
            if taken:
                with contextlib.suppress(Exception):  # a dead connection has released it
                    await connection.execute(text("SELECT pg_advisory_unlock(:k)"), {"k": key})
                    await connection.commit()


async def run_exclusively(
    name: str,
    database: Database,
    work: Callable[[asyncio.Event], Coroutine[Any, Any, None]],
    stop: asyncio.Event,
    *,
    retry: float = 5.0,
) -> None:
    """Run `work(its_stop)` while this process holds the lock `name`; until `stop`.

    Without the lock, try again every `retry` seconds. Holding it, check the lock's connection
    as often: if it broke (the server restarted, the network failed) the lock is gone, so the
    work is stopped and the lock tried again.
    """
    while not stop.is_set():
        try:
            async with advisory_lock(database, name) as (mine, connection):
                if mine:
                    await _hold(name, work, stop, connection, retry)
        except Exception:
            log.exception("%s: could not take or keep the lock; trying again", name)
        if not stop.is_set():
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(stop.wait(), retry)


async def _hold(
    name: str,
    work: Callable[[asyncio.Event], Coroutine[Any, Any, None]],
    stop: asyncio.Event,
    connection: AsyncConnection | None,
    every: float,
) -> None:
    mine = asyncio.Event()
    task = asyncio.create_task(work(mine))
    log.info("%s: this process does it now", name)
    try:
        while not stop.is_set() and not task.done():
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(stop.wait(), every)
            if connection is not None and not stop.is_set():
                try:
                    await connection.execute(text("SELECT 1"))
                    await connection.commit()
                except Exception:
                    log.warning("%s: the lock's connection broke; stopping until retaken", name)
                    break
    finally:
        mine.set()
        await asyncio.gather(task, return_exceptions=True)
