"""The worker's periodic jobs: tickets resolved long ago close, stored files nothing refers to
go; one worker at a time runs a job."""

from __future__ import annotations

import asyncio
import os
import time
from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from bot.jobs import Job, PeriodicJobs, standard_jobs, sweep_files
from core.context import Context, EngineConfig, SystemClock, SystemSecrets
from core.model import Attachment, Audience, TicketStatus
from core.ports import StoredFile, UnitOfWork
from storage.db import Database, open_database
from storage.files import LocalFileStore
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


async def test_the_sweep_deletes_only_stored_files_nothing_refers_to(
    database: Database, tmp_path: Path
) -> None:
    """A file refused after it was stored, or left by an abandoned report, goes after a day;
    one on a ticket, one a flow in progress holds, and a young one stay."""
    uow_factory = SqlUnitOfWorkFactory(database.sessionmaker)
    store = LocalFileStore(tmp_path / "files")
    ctx = Context(SystemClock(), SystemSecrets(), EngineConfig())
    attached, held, refused, young = [
        await store.put(_chunks(text))
        for text in (b"on a ticket", b"in a flow", b"refused", b"new")
    ]
    now = datetime.now(UTC)
    async with uow_factory() as uow:
        await _on_a_ticket(uow, [attached], now)
        files = [{"key": held.key, "name": "log.txt", "size": held.size}]
        await uow.conversations.put("telegram:1", {"flow": "report", "data": {"files": files}}, now)
        await uow.commit()
    _two_days_old(store, [attached, held, refused])
    leftover = store.root / "tmp" / "upload-cut-off"
    leftover.write_bytes(b"half an upload")
    os.utime(leftover, (time.time() - 7200, time.time() - 7200))

    [sweep] = [job for job in standard_jobs(uow_factory, ctx, store) if job.name == "sweep-files"]
    said = await sweep.run()

    assert said == "deleted 1 stored file(s) nothing refers to, 1 cut-off upload(s)"
    assert not await store.exists(refused.key)
    for kept in (attached, held, young):
        assert await store.exists(kept.key)
    assert not leftover.exists()
    assert await sweep.run() is None  # nothing more to do


async def _chunks(data: bytes) -> AsyncIterator[bytes]:
    yield data


async def _on_a_ticket(uow: UnitOfWork, files: list[StoredFile], now: datetime) -> None:
    """A new ticket with `files` attached (the caller commits)."""
    reporter = await builders.add_customer(uow)
    ticket = builders.ticket(1, reporter)
    await uow.tickets.add(ticket)
    for stored in files:
        await uow.attachments.add(
            Attachment(
                ticket_id=ticket.id,
                file_name="file.bin",
                mime_type="application/octet-stream",
                size=stored.size,
                sha256=stored.sha256,
                storage_key=stored.key,
                created_at=now,
            )
        )


def _two_days_old(store: LocalFileStore, files: list[StoredFile]) -> None:
    when = time.time() - 2 * 86400
    for stored in files:
        os.utime(store._path(stored.key), (when, when))


async def test_the_sweep_walks_past_old_files_still_in_use(
    database: Database, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Attached files are old too: a page full of them must not stop the sweep short of an
    unused file further on."""
    monkeypatch.setattr("bot.jobs.SWEEP_BATCH", 2)
    uow_factory = SqlUnitOfWorkFactory(database.sessionmaker)
    store = LocalFileStore(tmp_path / "files")
    ctx = Context(SystemClock(), SystemSecrets(), EngineConfig())
    stored = sorted(
        [await store.put(_chunks(f"file {n}".encode())) for n in range(7)], key=lambda f: f.key
    )
    *attached, unused = stored  # the unused one sorts last
    async with uow_factory() as uow:
        await _on_a_ticket(uow, attached, datetime.now(UTC))
        await uow.commit()
    _two_days_old(store, stored)

    said = await sweep_files(uow_factory, ctx, store)

    assert said == "deleted 1 stored file(s) nothing refers to, 0 cut-off upload(s)"
    assert not await store.exists(unused.key)
    for item in attached:
        assert await store.exists(item.key)
