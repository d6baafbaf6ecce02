"""A broadcast wake-up for coroutines waiting on emulator state.

``asyncio.Condition`` needs ``async with`` to notify, but state changes here happen in plain
synchronous code (a simulated user sending a message, a method handler storing one). A
:class:`Signal` can be fired from anywhere on the loop's thread and wakes every waiter, who
then re-check whatever they wait for.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable
from typing import TypeVar

T = TypeVar("T")


class Signal:
    __slots__ = ("_waiters",)

    def __init__(self) -> None:
        self._waiters: list[asyncio.Future[None]] = []

    def fire(self) -> None:
        if not self._waiters:
            return
        waiters, self._waiters = self._waiters, []
        for fut in waiters:
            if not fut.done():
                fut.set_result(None)

    async def wait(self, within: float | None) -> bool:
        """Wait for the next :meth:`fire`; ``False`` when ``within`` seconds passed first."""
        if within is not None and within <= 0:
            return False
        fut: asyncio.Future[None] = asyncio.get_running_loop().create_future()
        self._waiters.append(fut)
        try:
            await asyncio.wait_for(fut, within)
        except TimeoutError:
            return False
        finally:
            if fut in self._waiters:
                self._waiters.remove(fut)
        return True


async def wait_until(signal: Signal, check: Callable[[], T | None], within: float, what: str) -> T:
    """Re-evaluate ``check`` on every signal until it returns something other than ``None``."""
    deadline = time.monotonic() + within
    while True:
        result = check()
        if result is not None:
            return result
        remaining = deadline - time.monotonic()
        if remaining <= 0:
            raise TimeoutError(f"timed out after {within}s waiting for {what}")
        await signal.wait(remaining)
