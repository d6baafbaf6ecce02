"""The worker's periodic jobs: tickets resolved long ago close; one worker at a time runs a job."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from bot.jobs import Job, PeriodicJobs, standard_jobs
from core.context import Context, EngineConfig, SystemClock, SystemSecrets
from core.model import Audience, TicketStatus
from storage.db import Database, open_database
from storage.migrate import upgrade
from storage.uow import SqlUnitOfWorkFactory
from tests.integration import builders
from tests.integration.conftest import scratch_postgres_database


@pytest.fixture(params=["sqlite", "postgresql"])
async def database(request: pytest.FixtureRequest, tmp_path: Path) -> AsyncIterator[Database]:
    if request.param == "sqlite":
        url = f"sqlite+aiosqlite:///{tmp_path / 'jobs.db'}"
        await upgrade(url)
        opened = await open_database(url)
        yield opened
        await opened.dispose()
        return
    server = request.getfixturevalue("postgres_url")
    async with scratch_postgres_database(server) as url:
        await upgrade(url)
        opened = await open_database(url)
        yield opened
        await opened.dispose()


async def test_a_ticket_resolved_long_ago_is_closed_and_the_customer_told(
    database: Database,
) -> None:
    uow_factory = SqlUnitOfWorkFactory(database.sessionmaker)
    now = datetime.now(UTC)
    async with uow_factory() as uow:
        reporter = await builders.add_customer(uow)
        old = builders.ticket(
            1, reporter, status=TicketStatus.RESOLVED, resolved_at=now - timedelta(days=8)
        )
        recent = builders.ticket(
            2, reporter, status=TicketStatus.RESOLVED, resolved_at=now - timedelta(days=1)
        )
        await uow.tickets.add(old)
        await uow.tickets.add(recent)
        await uow.commit()
    ctx = Context(SystemClock(), SystemSecrets(), EngineConfig(auto_close_after=timedelta(days=7)))
    jobs = PeriodicJobs(standard_jobs(uow_factory, ctx), database)

    [job] = jobs.jobs
    await jobs.run_job(job)
    assert jobs.runs == {"auto-close-resolved": 1}

    async with uow_factory(read_only=True) as uow:
        assert (await uow.tickets.get(old.id)).status is TicketStatus.CLOSED  # type: ignore[union-attr]
        assert (await uow.tickets.get(recent.id)).status is TicketStatus.RESOLVED  # type: ignore[union-attr]
    async with uow_factory() as uow:
        told = await uow.outbox.claim_due(now + timedelta(days=1), 100, 30)
    assert any(m.audience is Audience.CUSTOMER and m.ticket_id == old.id for m in told)


async def test_two_workers_never_run_the_same_job_at_once(postgres_url: str) -> None:
    async with scratch_postgres_database(postgres_url) as url:
        first_db, second_db = await open_database(url), await open_database(url)
        try:
            inside, release = asyncio.Event(), asyncio.Event()

            async def slow() -> None:
                inside.set()
                await release.wait()

            async def quick() -> None:
                raise AssertionError("ran while the other worker held the job")

            first = PeriodicJobs([Job("j", 60, slow)], first_db)
            second = PeriodicJobs([Job("j", 60, quick)], second_db)
            running = asyncio.create_task(first.run_job(first.jobs[0]))
            await asyncio.wait_for(inside.wait(), 10)
            await second.run_job(second.jobs[0])
            assert second.runs["j"] == 0
            release.set()
            await running
            assert first.runs["j"] == 1

            async def fine() -> None:
                return None

            # Released: the other worker gets it next time.
            later = PeriodicJobs([Job("j", 60, fine)], second_db)
            await later.run_job(later.jobs[0])
            assert later.runs["j"] == 1
        finally:
            await first_db.dispose()
            await second_db.dispose()


async def test_every_job_runs_at_start_then_waits_for_its_time(tmp_path: Path) -> None:
    opened = await open_database(f"sqlite+aiosqlite:///{tmp_path / 'x.db'}")
    stop = asyncio.Event()
    calls: list[str] = []

    async def first() -> str:
        calls.append("first")
        return "said something"

    async def second() -> None:
        calls.append("second")
        stop.set()  # the loop ends after this pass

    try:
        jobs = PeriodicJobs([Job("a", 3600, first), Job("b", 3600, second)], opened)
        await asyncio.wait_for(jobs.run(stop), 10)
    finally:
        await opened.dispose()
    assert calls == ["first", "second"]
