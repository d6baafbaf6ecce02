"""Two bot processes (two runtimes here, each with its own pools) on one PostgreSQL and one
Redis: Telegram polling is held by exactly one of them, and the other takes over when it
stops."""

from __future__ import annotations

import contextlib
import uuid
from collections.abc import AsyncIterator
from pathlib import Path

import pytest
import redis.asyncio as redis

from adapters.telegram.emulator import TelegramEmulator
from bot.runtime import Runtime, running
from storage.migrate import upgrade
from tests.e2e.desk import WAIT, settings_for
from tests.integration.conftest import scratch_postgres_database

pytestmark = [pytest.mark.postgres, pytest.mark.redis, pytest.mark.slow]


@pytest.fixture(autouse=True)
def _ptb_timedelta(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PTB_TIMEDELTA", "true")


@pytest.fixture
async def prefix(redis_url: str) -> AsyncIterator[str]:
    name = f"test-{uuid.uuid4().hex[:10]}"
    yield name
    client = redis.Redis.from_url(redis_url)
    async for key in client.scan_iter(match=f"{name}:*"):
        await client.delete(key)
    await client.aclose()


def polled(runtime: Runtime) -> int:
    assert runtime.poller is not None
    return runtime.poller.received


async def test_one_process_polls_telegram_and_another_takes_over(
    tmp_path: Path, postgres_url: str, redis_url: str, prefix: str
) -> None:
    async with (
        TelegramEmulator() as emu,
        scratch_postgres_database(postgres_url) as database_url,
    ):
        await upgrade(database_url)
        settings = settings_for(
            emu, tmp_path, database_url=database_url, redis_url=redis_url, redis_prefix=prefix
        )
        async with contextlib.AsyncExitStack() as first_stack:
            one = await first_stack.enter_async_context(running(settings, poll_timeout=1))
            async with running(settings, poll_timeout=1) as two:
                assert one.coordination is not None
                assert await one.coordination.ping()
                anna = emu.add_user("Anna", language_code="en")
                for _ in range(3):
                    anna.start()
                    await anna.wait_for_message(timeout=WAIT)
                assert (polled(one), polled(two)) == (3, 0)  # the first to start leads

                await first_stack.aclose()  # the leader stops (and lets go of the lock)
                anna.start()
                await anna.wait_for_message(timeout=WAIT)
                assert polled(two) == 1
