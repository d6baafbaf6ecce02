"""Real databases for integration tests, always built by the migrations.

`uow_factory` runs a test once on SQLite and once on PostgreSQL (marked `postgres`):

* SQLite: a fresh file per test, copied from a template the migrations built once per session
  (a copy takes a millisecond, a migration a tenth of a second);
* PostgreSQL: one freshly created, migrated database per session, dropped at the end, with all
  tables emptied before each test.
"""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import AsyncIterator, Awaitable, Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import asynccontextmanager
from pathlib import Path
from typing import TypeVar

import pytest
from sqlalchemy import text
from sqlalchemy.engine import make_url
from sqlalchemy.ext.asyncio import create_async_engine

from core.ports import UnitOfWorkFactory
from storage.db import open_database
from storage.migrate import upgrade
from storage.tables import Base
from storage.uow import SqlUnitOfWorkFactory

T = TypeVar("T")

BACKENDS = [
    pytest.param("sqlite", id="sqlite"),
    pytest.param("postgres", id="postgres", marks=pytest.mark.postgres),
]


def run_in_thread(coroutine: Callable[[], Awaitable[T]]) -> T:
    """Run async setup from a sync fixture, whether or not an event loop is running here."""

    async def main() -> T:
        return await coroutine()

    with ThreadPoolExecutor(max_workers=1) as pool:
        return pool.submit(asyncio.run, main()).result()


def sqlite_url(path: Path) -> str:
    return f"sqlite+aiosqlite:///{path}"


# --- SQLite ---------------------------------------------------------------------------------


# sqlite_template and sqlite_uow_factory: tests/conftest.py


# --- PostgreSQL -----------------------------------------------------------------------------


async def _admin(server_url: str, statement: str) -> None:
    # CREATE/DROP DATABASE cannot run in a transaction.
    engine = create_async_engine(server_url, isolation_level="AUTOCOMMIT")
    try:
        async with engine.connect() as connection:
            await connection.execute(text(statement))
    finally:
        await engine.dispose()


@asynccontextmanager
async def scratch_postgres_database(server_url: str) -> AsyncIterator[str]:
    """A new, empty database on the server of `server_url`, dropped afterwards."""
    name = f"supportbot_test_{uuid.uuid4().hex[:12]}"
    await _admin(server_url, f'CREATE DATABASE "{name}"')
    try:
        yield make_url(server_url).set(database=name).render_as_string(hide_password=False)
    finally:
        await _admin(server_url, f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@pytest.fixture(scope="session")
def postgres_database(postgres_url: str) -> Iterator[str]:
    """A database created and migrated for this test session, dropped at its end."""
    name = f"supportbot_test_{uuid.uuid4().hex[:12]}"
    url = make_url(postgres_url).set(database=name).render_as_string(hide_password=False)
    run_in_thread(lambda: _admin(postgres_url, f'CREATE DATABASE "{name}"'))
    try:
        run_in_thread(lambda: upgrade(url))
        yield url
    finally:
        run_in_thread(
            lambda: _admin(postgres_url, f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        )


@pytest.fixture
async def postgres_uow_factory(postgres_database: str) -> AsyncIterator[SqlUnitOfWorkFactory]:
    async with _factory(postgres_database) as factory:
        yield factory


# --- both -----------------------------------------------------------------------------------


@asynccontextmanager
async def _factory(url: str) -> AsyncIterator[SqlUnitOfWorkFactory]:
    database = await open_database(url)
    try:
        if database.dialect == "postgresql":
            # DELETE, not TRUNCATE: on a few rows it takes milliseconds, TRUNCATE half a second.
            async with database.engine.begin() as connection:
                for table in reversed(Base.metadata.sorted_tables):
                    await connection.execute(table.delete())
        yield SqlUnitOfWorkFactory(database.sessionmaker)
    finally:
        await database.dispose()


@pytest.fixture(params=BACKENDS)
def uow_factory(request: pytest.FixtureRequest) -> UnitOfWorkFactory:
    """A unit-of-work factory on an empty, migrated database: once SQLite, once PostgreSQL.

    Sync on purpose: it only picks the async fixture, which pytest-asyncio then sets up in the
    test's own event loop.
    """
    factory: UnitOfWorkFactory = request.getfixturevalue(f"{request.param}_uow_factory")
    return factory


# --- empty databases, for the migrations' own tests ------------------------------------------


@pytest.fixture
def empty_sqlite_url(tmp_path: Path) -> str:
    return sqlite_url(tmp_path / "empty.db")


@pytest.fixture
async def empty_postgres_url(postgres_url: str) -> AsyncIterator[str]:
    async with scratch_postgres_database(postgres_url) as url:
        yield url


@pytest.fixture(params=BACKENDS)
def empty_database_url(request: pytest.FixtureRequest) -> str:
    """The URL of an empty database with no tables: once SQLite, once PostgreSQL."""
    url: str = request.getfixturevalue(f"empty_{request.param}_url")
    return url
