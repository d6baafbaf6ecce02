"""Periodic jobs, run by the worker role: things that happen because time passed.

Each job runs once at start and then every `every` seconds. With several worker processes on
PostgreSQL a job runs in one of them at a time (a session advisory lock, tried, never waited
for), so a ticket is not closed twice and nobody is told twice. SQLite means one process.

The jobs: closing tickets resolved longer ago than the engine's `auto_close_after` that the
customer never answered; and sweeping the file store of files nothing refers to any more (a
file refused after it was stored, a report abandoned halfway, an upload cut off by a crash).
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import timedelta

from prometheus_client import Counter

from bot.exclusive import advisory_lock
from bot.flows.state import BotUnitOfWorkFactory
from bot.logs import log_context
from core.commands import AutoCloseResolved
from core.context import Context
from core.ports import FileStore
from core.services.workflow import auto_close_resolved
from storage.db import Database

log = logging.getLogger(__name__)

JOBS = Counter("supportbot_jobs_total", "Periodic job runs by job and result", ["job", "result"])


@dataclass(frozen=True)
class Job:
    name: str
    every: float  # seconds
    run: Callable[[], Awaitable[str | None]]  # returns a line worth logging, if any


# A stored file nothing refers to is deleted once it has not been stored again for this
# long: far beyond a flow's idle limit (bot.flows.engine.FlowLimits), after which a flow's
# files are dropped with it.
FILES_UNUSED_AFTER = 24 * 3600.0
SWEEP_BATCH = 1000  # files looked at per run, at most


def standard_jobs(
    uow_factory: BotUnitOfWorkFactory, ctx: Context, file_store: FileStore | None = None
) -> list[Job]:
    async def close_resolved() -> str | None:
        closed = await auto_close_resolved(AutoCloseResolved(), uow_factory(), ctx)
        if not closed:
            return None
        return f"closed {len(closed)} resolved ticket(s) nobody answered: {closed}"

    jobs = [Job("auto-close-resolved", 15 * 60, close_resolved)]
    if file_store is not None:
        store = file_store

        async def sweep() -> str | None:
            return await sweep_files(uow_factory, ctx, store)

        jobs.append(Job("sweep-files", 60 * 60, sweep))
    return jobs


async def sweep_files(
    uow_factory: BotUnitOfWorkFactory,
    ctx: Context,
    store: FileStore,
    unused_after: float = FILES_UNUSED_AFTER,
) -> str | None:
    """Delete stored files that no attachment and no recent conversation state refers to,
    and have not been stored again for `unused_after` seconds. The whole store is walked, a
    page of `SWEEP_BATCH` old files at a time (files in use are old too, and must not stop
    the walk short of the rest)."""
    removed = 0
    held: set[str] | None = None
    after: str | None = None
    while candidates := await store.unused_keys(unused_after, SWEEP_BATCH, after):
        after = candidates[-1]
        async with uow_factory(read_only=True) as uow:
            if held is None:
                # States first, then attachments: a report recorded in between moves its
                # files from the one to the other, and is seen in the second.
                since = ctx.clock.now() - timedelta(seconds=unused_after)
                held = await uow.conversations.file_keys_since(since)
            kept = held | await uow.attachments.keys_in_use(candidates)
        for key in candidates:
            if key not in kept and await store.delete_if_unused(key, unused_after):
                removed += 1
        if len(candidates) < SWEEP_BATCH:
            break
    leftovers = await store.purge_temp()
    if not removed and not leftovers:
        return None
    return f"deleted {removed} stored file(s) nothing refers to, {leftovers} cut-off upload(s)"


class PeriodicJobs:
    def __init__(self, jobs: list[Job], database: Database) -> None:
        self.jobs = jobs
        self._database = database
        self.runs: dict[str, int] = {job.name: 0 for job in jobs}

    async def run(self, stop: asyncio.Event) -> None:
        due = {job.name: time.monotonic() for job in self.jobs}
        while not stop.is_set():
            for job in self.jobs:
                if stop.is_set() or time.monotonic() < due[job.name]:
                    continue
                await self.run_job(job)
                due[job.name] = time.monotonic() + job.every
            wait = max(0.0, min(due.values()) - time.monotonic())
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(stop.wait(), wait)

    async def run_job(self, job: Job) -> None:
        with log_context(job=job.name):
            try:
                async with advisory_lock(self._database, f"job:{job.name}") as (mine, _):
                    if not mine:
                        JOBS.labels(job.name, "skipped").inc()
                        return
                    said = await job.run()
            except Exception:
                JOBS.labels(job.name, "failed").inc()
                log.exception("periodic job failed; it runs again at its next time")
                return
            self.runs[job.name] += 1
            JOBS.labels(job.name, "done").inc()
            if said:
                log.info("%s", said)
