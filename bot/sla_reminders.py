"""The SLA watcher: every SLA_CHECK_SECONDS, remind the desk of tickets about to breach and
mark the ones that have (core.services.sla_watch decides; the outbox delivers).

Several processes may run it at once: each reminder and breach mark is recorded once in the
database, in the transaction that writes its outbox row, so nobody hears of one twice, and a
restart neither repeats nor forgets one.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from datetime import timedelta

from core.context import Context
from core.ports import UnitOfWorkFactory
from core.services.sla_watch import SweepResult, sweep

__all__ = ["run_sla_watch"]

log = logging.getLogger(__name__)


async def run_sla_watch(
    uow_factory: UnitOfWorkFactory,
    ctx: Context,
    stop: asyncio.Event,
    *,
    lead: timedelta,
    interval: float,
) -> None:
    """Sweep until `stop`; a failed sweep (the database away) is logged and tried again."""
    while not stop.is_set():
        try:
            done: SweepResult = await sweep(uow_factory, ctx, lead)
            if done.reminded or done.breached:
                log.info("SLA: %d reminded, %d breached", done.reminded, done.breached)
        except Exception:
            log.exception("SLA sweep failed; trying again in %s s", interval)
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(stop.wait(), timeout=interval)
