"""Work one process at a time does (the inbox): never two at once, taken over when one stops."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable

from bot.exclusive import run_exclusively
from storage.db import open_database
from tests.integration.conftest import scratch_postgres_database


async def test_one_holder_at_a_time_and_a_quick_takeover(postgres_url: str) -> None:
    async with scratch_postgres_database(postgres_url) as url:
        databases = [await open_database(url), await open_database(url)]
        active: list[str] = []
        overlaps: list[list[str]] = []
        started = [asyncio.Event(), asyncio.Event()]
        try:

            def worker(name: str, index: int) -> Callable[[asyncio.Event], Awaitable[None]]:
                async def work(mine: asyncio.Event) -> None:
                    active.append(name)
                    if len(active) > 1:
                        overlaps.append(list(active))
                    started[index].set()
                    await mine.wait()
                    active.remove(name)

                return work

            stops = [asyncio.Event(), asyncio.Event()]
            tasks = [
                asyncio.create_task(
                    run_exclusively("inbox", databases[i], worker(n, i), stops[i], retry=0.05)
                )
                for i, n in enumerate(("first", "second"))
            ]
            waits = [asyncio.ensure_future(event.wait()) for event in started]
            done, _ = await asyncio.wait(waits, timeout=10, return_when=asyncio.FIRST_COMPLETED)
            holder = waits.index(done.pop())
            other = 1 - holder
            # The other keeps trying meanwhile and does not get in.
            done, _ = await asyncio.wait({waits[other]}, timeout=0.5)
            assert not done
            assert len(active) == 1

            stops[holder].set()  # the holder's process stops: the other takes over
            await asyncio.wait_for(waits[other], 10)
            assert active == [("first", "second")[other]]
            stops[other].set()
            await asyncio.wait_for(asyncio.gather(*tasks), 10)
            assert overlaps == []
            assert active == []
        finally:
            for database in databases:
                await database.dispose()
