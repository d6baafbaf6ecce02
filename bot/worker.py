"""The delivery worker's loop: drain the outbox, then sleep until woken or the poll interval."""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
from collections.abc import Mapping

from core.delivery import (
    DeliveryPolicy,
    GiveUpHandler,
    KeyLocks,
    Outcome,
    Pacing,
    SenderKey,
    deliver_due,
)
from core.ports import Clock, Sender, UnitOfWorkFactory

log = logging.getLogger(__name__)


class DeliveryWorker:
    def __init__(
        self,
        uow_factory: UnitOfWorkFactory,
        senders: Mapping[SenderKey, Sender],
        clock: Clock,
        policy: DeliveryPolicy = DeliveryPolicy(),
        poll_interval: float = 1.0,
        *,
        pacing: Pacing | None = None,
        locks: KeyLocks | None = None,
        on_give_up: GiveUpHandler | None = None,
    ) -> None:
        self._pacing = pacing or Pacing()
        self._locks = locks
        self._on_give_up = on_give_up
        self._uow_factory = uow_factory
        self._senders = senders
        self._clock = clock
        self._policy = policy
        self._poll_interval = poll_interval
        self._wake = asyncio.Event()
        self.totals = Outcome()
        self._due_at: float | None = None  # monotonic time a put-back message is due again

    def wake(self) -> None:
        """Something was written to the outbox: look now instead of at the next poll."""
        self._wake.set()

    async def run_once(self) -> Outcome:
        outcome = await deliver_due(
            self._uow_factory,
            self._senders,
            self._clock,
            self._policy,
            self._pacing,
            self._locks,
            self._on_give_up,
        )
        self.totals = Outcome(
            delivered=self.totals.delivered + outcome.delivered,
            retried=self.totals.retried + outcome.retried,
            failed=self.totals.failed + outcome.failed,
            paced=self.totals.paced + outcome.paced,
        )
        if outcome.soonest is not None:
            due = time.monotonic() + outcome.soonest
            self._due_at = due if self._due_at is None else min(self._due_at, due)
        return outcome

    async def run(self, stop: asyncio.Event) -> None:
        failures = 0
        while not stop.is_set():
            self._wake.clear()
            try:
                outcome = await self.run_once()
                failures = 0
            except Exception:
                # The database may be restarting: back off, keep the loop alive.
                failures += 1
                log.exception("delivery pass failed (%d in a row)", failures)
                await self._sleep(stop, min(30.0, 0.5 * 2**failures))
                continue
            if outcome.delivered == outcome.retried == outcome.failed == 0:
                await self._sleep(stop, self._until_due())

    def _until_due(self) -> float:
        """The poll interval, or less when a message put back (its lane was busy, e.g. a
        Slack channel's 1 post/s) or left for a retry is due sooner: waiting for the poll
        would leave the platform's budget unused meanwhile (under_limits.py's drain)."""
        if self._due_at is None:
            return self._poll_interval
        left = self._due_at - time.monotonic()
        if left <= 0:
            self._due_at = None
            return 0.0
        return min(self._poll_interval, left)

    async def _sleep(self, stop: asyncio.Event, seconds: float) -> None:
        waiters = [asyncio.ensure_future(stop.wait()), asyncio.ensure_future(self._wake.wait())]
        with contextlib.suppress(TimeoutError):
            await asyncio.wait(waiters, timeout=seconds, return_when=asyncio.FIRST_COMPLETED)
        for waiter in waiters:
            waiter.cancel()
