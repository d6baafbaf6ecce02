"""Units of work on PostgreSQL run on asyncpg directly (storage.pg): what the engine's pool and
execution layer did for them must still hold. Connections lost under a unit of work, idle ones
the server dropped, a task cancelled mid-statement, more units at once than connections, and
the IN lists SQLAlchemy expands when executing. (Multi-row INSERT ... RETURNING, NUL
characters, refused values and integrity errors are in the repository contract,
test_hostile_values and test_sql_storage, run on both databases.)"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator
from decimal import Decimal

import pytest
from sqlalchemy import Float, Numeric, cast, literal, select, text
from sqlalchemy.exc import DBAPIError, IntegrityError, PendingRollbackError, ResourceClosedError
from sqlalchemy.exc import TimeoutError as SqlTimeoutError

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


async def test_statements_after_a_commit_are_in_a_transaction_of_their_own(
    database: Database,
) -> None:
    uows = SqlUnitOfWorkFactory(database.sessionmaker)
    kept, undone = make.company(), make.company()

    async def commit_one_then_fail() -> None:
        async with uows() as uow:
            await uow.companies.add(kept)
            await uow.commit()
            await uow.companies.add(undone)
            raise RuntimeError("after the commit")

    with pytest.raises(RuntimeError):
        await commit_one_then_fail()
    async with uows(read_only=True) as uow:
        assert await uow.companies.get(kept.id) == kept
        assert await uow.companies.get(undone.id) is None


async def test_a_commit_after_a_failed_statement_is_refused_not_passed_off(
    database: Database,
) -> None:
    uows = SqlUnitOfWorkFactory(database.sessionmaker)
    company = make.company()

    async def commit_after_failure() -> None:
        async with uows() as uow:
            await uow.companies.add(company)
            with contextlib.suppress(IntegrityError):
                await uow.users.add(make.user(make.company().id))  # no such company
            await uow.commit()

    with pytest.raises(PendingRollbackError):
        await commit_after_failure()
    async with uows(read_only=True) as uow:
        assert await uow.companies.get(company.id) is None


async def test_a_unit_of_work_cannot_be_used_after_it_ended(database: Database) -> None:
    uows = SqlUnitOfWorkFactory(database.sessionmaker)
    async with uows(read_only=True) as uow:
        companies = uow.companies
    with pytest.raises(ResourceClosedError):
        await companies.get(make.company().id)


async def test_when_every_connection_is_taken_a_unit_fails_after_the_timeout(
    database: Database, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(storage.pg, "ACQUIRE_TIMEOUT_SECONDS", 0.3)
    uows = SqlUnitOfWorkFactory(database.sessionmaker)
    async with contextlib.AsyncExitStack() as held:
        for _ in range(20):
            await held.enter_async_context(uows(read_only=True))
        with pytest.raises(SqlTimeoutError):
            async with uows(read_only=True):
                pass
    async with uows(read_only=True) as uow:  # all given back
        assert await uow.companies.get(make.company().id) is None


async def test_units_cancelled_while_taking_a_connection_leak_none(
    database: Database, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Cancelled while waiting for the pool or while the idle connection is pinged: the
    connection goes back either way."""
    monkeypatch.setattr(storage.pg, "PING_AFTER_IDLE_SECONDS", 0.0)  # ping every time
    monkeypatch.setattr(storage.pg, "ACQUIRE_TIMEOUT_SECONDS", 5.0)
    uows = SqlUnitOfWorkFactory(database.sessionmaker)

    async def enter() -> None:
        async with uows(read_only=True):
            await asyncio.sleep(1)

    for turns in range(30):
        task = asyncio.create_task(enter())
        for _ in range(turns % 6):
            await asyncio.sleep(0)
        task.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await task

    async def one() -> None:
        async with uows(read_only=True) as uow:
            await uow.companies._session.execute(text("SELECT pg_sleep(0.05)"))

    await asyncio.gather(*(one() for _ in range(20)))  # all 20 connections are free


async def test_floats_and_numerics_read_back_as_their_python_types(database: Database) -> None:
    uows = SqlUnitOfWorkFactory(database.sessionmaker)
    async with uows(read_only=True) as uow:
        row = (
            await uow.companies._session.execute(
                select(
                    cast(literal(1.25), Numeric(10, 2)).label("n"),
                    cast(literal(0.5), Float()).label("f"),
                )
            )
        ).one()
    assert row.n == Decimal("1.25")
    assert isinstance(row.n, Decimal)
    assert row.f == 0.5
    assert isinstance(row.f, float)


async def test_an_autocommit_unit_commits_each_statement_by_itself(database: Database) -> None:
    """For units of one statement (the inbox recording an update): no BEGIN and COMMIT round
    trips, and the statement stands even if the unit then fails."""
    uows = SqlUnitOfWorkFactory(database.sessionmaker)
    alone = make.company()

    async def add_then_fail() -> None:
        async with uows(autocommit=True) as uow:
            await uow.companies.add(alone)
            raise RuntimeError("after the statement")

    with pytest.raises(RuntimeError):
        await add_then_fail()
    async with uows(read_only=True) as uow:
        assert await uow.companies.get(alone.id) == alone
    for autocommit in (True, False):
        async with uows(autocommit=autocommit) as uow:
            await uow.companies.add(make.company())
            connection = uow.companies._session.connection()  # type: ignore[attr-defined]
            assert connection.is_in_transaction() is not autocommit
            await uow.commit()


async def test_textual_sql_reports_the_rows_it_changed(database: Database) -> None:
    uows = SqlUnitOfWorkFactory(database.sessionmaker)
    companies = [make.company() for _ in range(3)]
    async with uows() as uow:
        for company in companies:
            await uow.companies.add(company)
        ids = {"a": companies[0].id, "b": companies[1].id, "c": companies[2].id}
        renamed = await uow.companies._session.execute(
            text("UPDATE companies SET name = name || '!' WHERE id IN (:b, :c)"), ids
        )
        names = await uow.companies._session.execute(
            text("SELECT name FROM companies WHERE id IN (:a, :b, :c)"), ids
        )
        await uow.commit()
    assert renamed.rowcount == 2
    assert sorted(row.name for row in names) == sorted(
        [companies[0].name, *(c.name + "!" for c in companies[1:])]
    )
