"""What only the SQL storage promises, beyond the ports' contract: connection settings,
read-only units of work, UTC handling and foreign keys."""

from __future__ import annotations

import asyncio
import sqlite3
import time
from datetime import datetime
from pathlib import Path

import pytest
from sqlalchemy import text
from sqlalchemy.exc import DBAPIError, IntegrityError, StatementError

from core.model import ChatIdentity, Platform
from core.ports import UnitOfWorkFactory
from storage.db import normalize_url, open_database
from storage.migrate import upgrade
from storage.sql import BUSY_SLICE_MS, ReadOnlyViolation
from storage.uow import SqlUnitOfWorkFactory
from tests.integration import builders as make


def test_usual_urls_get_the_async_drivers() -> None:
    assert normalize_url("sqlite:///x.db").drivername == "sqlite+aiosqlite"
    assert normalize_url("postgres://u@h/db").drivername == "postgresql+asyncpg"
    assert normalize_url("postgresql://u@h/db").drivername == "postgresql+asyncpg"
    assert normalize_url(None).database == "./data/supportbot.db"


async def test_sqlite_file_and_folder_are_created_with_wal_and_foreign_keys(
    tmp_path: Path,
) -> None:
    path = tmp_path / "new" / "folder" / "bot.db"
    database = await open_database(f"sqlite:///{path}")
    try:
        async with database.engine.connect() as connection:
            pragmas = {
                name: (await connection.execute(text(f"PRAGMA {name}"))).scalar_one()
                for name in ("journal_mode", "foreign_keys", "busy_timeout")
            }
    finally:
        await database.dispose()
    assert path.exists()
    assert pragmas == {"journal_mode": "wal", "foreign_keys": 1, "busy_timeout": BUSY_SLICE_MS}


async def test_units_of_work_get_the_same_settings_and_readers_are_query_only(
    tmp_path: Path,
) -> None:
    """Units of work run on their own pools (storage.sql): readers and writers."""
    path = tmp_path / "bot.db"
    await upgrade(f"sqlite:///{path}")
    database = await open_database(f"sqlite:///{path}")
    uows = SqlUnitOfWorkFactory(database.sessionmaker)
    names = ("journal_mode", "foreign_keys", "busy_timeout", "query_only", "synchronous")
    seen = {}
    try:
        for read_only in (True, False):
            async with uows(read_only=read_only) as uow:
                sql = uow._active().sql
                seen[read_only] = {
                    name: (await sql.execute(text(f"PRAGMA {name}"))).scalar_one() for name in names
                }
                # Unicode lower() as on the async engine (case-insensitive lookups agree).
                lowered = (await sql.execute(text("SELECT lower('ŁÓDŹ')"))).scalar_one()
                assert lowered == "łódź"
    finally:
        await database.dispose()
    common = {"journal_mode": "wal", "foreign_keys": 1, "busy_timeout": BUSY_SLICE_MS}
    assert seen[True] == {**common, "query_only": 1, "synchronous": 1}
    assert seen[False] == {**common, "query_only": 0, "synchronous": 1}


async def test_a_writer_waits_for_another_process_lock_without_blocking_the_loop(
    tmp_path: Path,
) -> None:
    """Statements run on the loop's thread (storage.sql): while another process
    holds SQLite's write lock, our writer waits in short slices and the loop keeps running."""
    path = tmp_path / "bot.db"
    await upgrade(f"sqlite:///{path}")
    database = await open_database(f"sqlite:///{path}")
    other = sqlite3.connect(path, isolation_level=None)
    other.execute("BEGIN IMMEDIATE")  # "another process" holds the write lock
    ticks = 0

    async def tick() -> None:
        nonlocal ticks
        while True:
            await asyncio.sleep(0.01)
            ticks += 1

    async def release_later() -> None:
        await asyncio.sleep(0.4)
        other.execute("COMMIT")

    ticker = asyncio.create_task(tick())
    releaser = asyncio.create_task(release_later())
    try:
        uows = SqlUnitOfWorkFactory(database.sessionmaker)
        started = time.monotonic()
        async with uows() as uow:
            await uow.companies.add(make.company())
            await uow.commit()
        waited = time.monotonic() - started
    finally:
        ticker.cancel()
        await releaser
        other.close()
        await database.dispose()
    assert waited >= 0.35, "it waited for the other writer"
    assert ticks >= 20, f"the loop ran meanwhile ({ticks} ticks of 10 ms in {waited:.2f} s)"


def uow_factory_dialect(uow_factory: SqlUnitOfWorkFactory) -> str:
    return uow_factory._engine.dialect.name


async def test_foreign_keys_are_enforced(uow_factory: UnitOfWorkFactory) -> None:
    orphan = make.user(make.company().id)  # its company was never added

    async def add_orphan() -> None:
        async with uow_factory() as uow:
            await uow.users.add(orphan)

    with pytest.raises(IntegrityError):
        await add_orphan()


async def test_naive_datetimes_are_refused(uow_factory: UnitOfWorkFactory) -> None:
    company = make.company(created_at=datetime(2026, 1, 1, 12, 0))

    async def add_naive() -> None:
        async with uow_factory() as uow:
            await uow.companies.add(company)

    with pytest.raises(StatementError, match="naive datetime"):
        await add_naive()


async def test_a_read_only_unit_of_work_cannot_write_and_leaves_the_pool_clean(
    uow_factory: SqlUnitOfWorkFactory,
) -> None:
    async def write_in_read_only() -> None:
        async with uow_factory(read_only=True) as uow:
            await uow.companies.add(make.company())

    with pytest.raises(ReadOnlyViolation):
        await write_in_read_only()
    if uow_factory_dialect(uow_factory) == "sqlite":
        # Past the check, SQLite's query_only refuses even a write in SQL text.
        async def write_text() -> None:
            async with uow_factory(read_only=True) as uow:
                await uow._active().sql.execute(text("DELETE FROM companies"))

        with pytest.raises(DBAPIError, match="readonly"):
            await write_text()

    # The pooled connection that was read-only takes writes again.
    company = make.company()
    async with uow_factory() as uow:
        await uow.companies.add(company)
        await uow.commit()
    async with uow_factory(read_only=True) as uow:
        assert await uow.companies.get(company.id) == company


async def test_a_chat_is_read_in_one_go_with_its_user_company_and_state(
    uow_factory: SqlUnitOfWorkFactory,
) -> None:
    """bot.flows.router reads who writes and the chat's state with one statement."""
    linked = ChatIdentity(Platform.TELEGRAM, "501", "501", created_at=make.minutes(0))
    unlinked = ChatIdentity(Platform.TELEGRAM, "502", "502", created_at=make.minutes(0))
    async with uow_factory() as uow:
        user = await make.add_customer(uow)
        linked.user_id = user.id
        company = await uow.companies.get(user.company_id)
        await uow.identities.add(linked)
        await uow.identities.add(unlinked)
        await uow.conversations.put("telegram:501", {"flow": None, "n": 1}, make.minutes(2))
        await uow.conversations.put("telegram:503", {"lang": "pl"}, make.minutes(3))
        await uow.commit()
    async with uow_factory(read_only=True) as uow:
        found = await uow.conversations.chat(Platform.TELEGRAM, "501", "telegram:501")
        assert found == (linked, user, company, ({"flow": None, "n": 1}, make.minutes(2)))
        found = await uow.conversations.chat(Platform.TELEGRAM, "502", "telegram:502")
        assert found == (unlinked, None, None, None)
        found = await uow.conversations.chat(Platform.TELEGRAM, "503", "telegram:503")
        assert found == (None, None, None, ({"lang": "pl"}, make.minutes(3)))
        found = await uow.conversations.chat(Platform.SLACK, "501", "slack:501")
        assert found == (None, None, None, None)
