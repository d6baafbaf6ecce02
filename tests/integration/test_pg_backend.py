"""Units of work on PostgreSQL run on asyncpg directly (storage.pg): what the engine's pool and
execution layer did for them must still hold. Connections lost under a unit of work, idle ones
the server dropped, a task cancelled mid-statement, more units at once than connections, and
the IN lists SQLAlchemy expands when executing. (Multi-row INSERT ... RETURNING, NUL
characters, refused values and integrity errors are in the repository contract,
test_hostile_values and test_sql_storage, run on both databases.)"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator

import pytest
from sqlalchemy import select, text
from sqlalchemy.exc import DBAPIError

import storage.pg
from storage.db import Database, open_database
from storage.pg import PgBackend
from storage.sql import backend_for
from storage.tables import CompanyRow
from storage.uow import SqlUnitOfWorkFactory
from tests.integration import builders as make


@pytest.fixture
async def database(postgres_database: str) -> AsyncIterator[Database]:
    database = await open_database(postgres_database)
    try:
        yield database
    finally:
        await database.dispose()


async def _backend_pid(uows: SqlUnitOfWorkFactory) -> int:
    async with uows(read_only=True) as uow:
        result = await uow.companies._session.execute(text("SELECT pg_backend_pid()"))
        return int(result.scalar_one())


async def _terminate(database: Database, pid: int) -> None:
    async with database.engine.connect() as connection:
        await connection.execute(text("SELECT pg_terminate_backend(:pid)"), {"pid": pid})
        await connection.commit()


async def test_units_of_work_use_asyncpg_directly(database: Database) -> None:
    assert isinstance(backend_for(database.engine), PgBackend)


async def test_an_idle_connection_that_answers_its_ping_is_kept(
    database: Database, monkeypatch: pytest.MonkeyPatch
) -> None:
    uows = SqlUnitOfWorkFactory(database.sessionmaker)
    pid = await _backend_pid(uows)
    monkeypatch.setattr(storage.pg, "PING_AFTER_IDLE_SECONDS", 0.0)
    assert await _backend_pid(uows) == pid


async def test_an_idle_connection_the_server_dropped_is_replaced_before_use(
    database: Database, monkeypatch: pytest.MonkeyPatch
) -> None:
    uows = SqlUnitOfWorkFactory(database.sessionmaker)
    pid = await _backend_pid(uows)
    await _terminate(database, pid)
    monkeypatch.setattr(storage.pg, "PING_AFTER_IDLE_SECONDS", 0.0)
    company = make.company()
    async with uows() as uow:  # no error: the dead connection was found by the ping
        await uow.companies.add(company)
        await uow.commit()
    assert await _backend_pid(uows) != pid


async def test_a_connection_lost_mid_unit_fails_that_unit_and_the_next_one_reconnects(
    database: Database,
) -> None:
    uows = SqlUnitOfWorkFactory(database.sessionmaker)

    async def lose_the_connection_midway() -> None:
        async with uows() as uow:
            pid = await uow.companies._session.execute(text("SELECT pg_backend_pid()"))
            await _terminate(database, int(pid.scalar_one()))
            await uow.companies.add(make.company())

    with pytest.raises(DBAPIError):
        await lose_the_connection_midway()
    # Recently used, so not pinged: the loss expired the pool and this one reconnects.
    company = make.company()
    async with uows() as uow:
        await uow.companies.add(company)
        await uow.commit()
    async with uows(read_only=True) as uow:
        assert await uow.companies.get(company.id) == company


async def test_a_unit_cancelled_mid_statement_leaves_a_usable_pool(database: Database) -> None:
    uows = SqlUnitOfWorkFactory(database.sessionmaker)
    company = make.company()

    async def slow() -> None:
        async with uows() as uow:
            await uow.companies.add(company)
            await uow.companies._session.execute(text("SELECT pg_sleep(5)"))
            await uow.commit()

    task = asyncio.create_task(slow())
    await asyncio.sleep(0.3)
    task.cancel()
    with pytest.raises(asyncio.CancelledError):
        await task
    for _ in range(25):  # more than the pool holds: every connection comes back clean
        async with uows(read_only=True) as uow:
            assert await uow.companies.get(company.id) is None  # rolled back
            assert (await uow.companies._session.execute(text("SELECT 1"))).scalar_one() == 1


async def test_more_units_at_once_than_connections_wait_their_turn(database: Database) -> None:
    uows = SqlUnitOfWorkFactory(database.sessionmaker)

    async def one(n: int) -> int:
        async with uows(read_only=True) as uow:
            result = await uow.companies._session.execute(
                text("SELECT CAST(:n AS integer) FROM pg_sleep(0.05)"), {"n": n}
            )
            return int(result.scalar_one())

    assert await asyncio.gather(*(one(n) for n in range(60))) == list(range(60))
    async with database.engine.connect() as connection:
        count = (
            await connection.execute(
                text(
                    "SELECT count(*) FROM pg_stat_activity "
                    "WHERE application_name = 'supportbot' AND datname = current_database()"
                )
            )
        ).scalar_one()
    assert count <= 20 + 1, "the pool's 20, plus the engine's connection asking"


async def test_in_lists_are_expanded(database: Database) -> None:
    uows = SqlUnitOfWorkFactory(database.sessionmaker)
    companies = [make.company() for _ in range(3)]
    async with uows() as uow:
        for company in companies:
            await uow.companies.add(company)
        await uow.commit()
    async with uows(read_only=True) as uow:
        rows = (
            await uow.companies._session.execute(
                select(CompanyRow.id).where(CompanyRow.id.in_([c.id for c in companies[:2]]))
            )
        ).all()
    assert {row.id for row in rows} == {c.id for c in companies[:2]}
