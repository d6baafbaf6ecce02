"""Periodic jobs, run by the worker role: things that happen because time passed.

Each job runs once at start and then every `every` seconds. With several worker processes on
PostgreSQL a job runs in one of them at a time (a session advisory lock, tried, never waited
for), so a ticket is not closed twice and nobody is told twice. SQLite means one process.

The jobs: closing tickets resolved longer ago than the engine's `auto_close_after` that the
customer never answered. (SLA reminders join this list when the desk gets them.)
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass

from prometheus_client import Counter

from bot.exclusive import advisory_lock
from bot.logs import log_context
from core.commands import AutoCloseResolved
from core.context import Context
from core.ports import UnitOfWorkFactory
from core.services.workflow import auto_close_resolved
from storage.db import Database

log = logging.getLogger(__name__)

JOBS = Counter("supportbot_jobs_total", "Periodic job runs by job and result", ["job", "result"])


@dataclass(frozen=True)
class Job:
    name: str
    every: float  # seconds
    run: Callable[[], Awaitable[str | None]]  # returns a line worth logging, if any


def standard_jobs(uow_factory: UnitOfWorkFactory, ctx: Context) -> list[Job]:
    async def close_resolved() -> str | None:
        closed = await auto_close_resolved(AutoCloseResolved(), uow_factory(), ctx)
        if not closed:
            return None
        return f"closed {len(closed)} resolved ticket(s) nobody answered: {closed}"

    return [Job("auto-close-resolved", 15 * 60, close_resolved)]


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
