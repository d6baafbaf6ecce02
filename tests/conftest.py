"""Shared fixtures: where the real PostgreSQL and Redis are, and whether they must be there.

Locally a test that needs a service that is not running is skipped with the reason printed.
When SUPPORTBOT_REQUIRE_SERVICES=1 (set by .ci/run) it fails instead: CI must run them all.
"""

from __future__ import annotations

import asyncio
import os
import socket
import sqlite3
from collections.abc import AsyncIterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from urllib.parse import urlsplit

import pytest

from storage.db import open_database
from storage.migrate import upgrade
from storage.uow import SqlUnitOfWorkFactory

POSTGRES_URL = os.environ.get(
    "TEST_DATABASE_URL", "postgresql+asyncpg://postgres@127.0.0.1:5432/test"
)
REDIS_URL = os.environ.get("TEST_REDIS_URL", "redis://127.0.0.1:6379/15")
REQUIRE_SERVICES = os.environ.get("SUPPORTBOT_REQUIRE_SERVICES") == "1"


def _reachable(url: str, default_port: int) -> bool:
    parts = urlsplit(url)
    try:
        with socket.create_connection(
            (parts.hostname or "127.0.0.1", parts.port or default_port), 1
        ):
            return True
    except OSError:
        return False


def _need(name: str, url: str, port: int) -> str:
    if _reachable(url, port):
        return url
    parts = urlsplit(url)  # host and port only: the URL may carry a password
    reason = f"{name} is not reachable at {parts.hostname}:{parts.port or port}"
    if REQUIRE_SERVICES:
        pytest.fail(f"{reason}, and SUPPORTBOT_REQUIRE_SERVICES=1 says it must be", pytrace=False)
    pytest.skip(f"{reason} (set TEST_DATABASE_URL / TEST_REDIS_URL, or start it)")


@pytest.fixture(autouse=True, scope="session")
def _strict_texts() -> None:
    """A value passed for a variable a text does not use fails the test (see bot.i18n)."""
    from bot.i18n import Translator

    Translator.strict = True


@pytest.fixture(scope="session")
def postgres_url() -> str:
    """A PostgreSQL URL (asyncpg driver) for a database the tests may use freely."""
    return _need("PostgreSQL", POSTGRES_URL, 5432)


@pytest.fixture(scope="session")
def redis_url() -> str:
    return _need("Redis", REDIS_URL, 6379)


@pytest.fixture(scope="session")
def sqlite_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A database migrated to head once per session; tests get copies of it."""
    path = tmp_path_factory.mktemp("sqlite-template") / "template.db"
    with ThreadPoolExecutor(max_workers=1) as pool:  # a sync fixture running async migrations
        pool.submit(asyncio.run, upgrade(f"sqlite+aiosqlite:///{path}")).result()
    return path


@pytest.fixture
async def sqlite_uow_factory(
    sqlite_template: Path, tmp_path: Path
) -> AsyncIterator[SqlUnitOfWorkFactory]:
    """A fresh migrated SQLite file for one test (a copy takes a millisecond, migrating 0.1 s)."""
    path = tmp_path / "supportbot.db"
    # The backup API copies a consistent image whatever is left in the template's WAL.
    source, target = sqlite3.connect(sqlite_template), sqlite3.connect(path)
    try:
        source.backup(target)
    finally:
        source.close()
        target.close()
    database = await open_database(f"sqlite+aiosqlite:///{path}")
    try:
        yield SqlUnitOfWorkFactory(database.sessionmaker)
    finally:
        await database.dispose()


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """The slow tests first: in parallel runs (pytest-xdist) they then overlap the many quick
    ones instead of running alone at the end."""
    items.sort(key=lambda item: item.get_closest_marker("slow") is None)
