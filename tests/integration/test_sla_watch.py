"""The SLA watcher on real databases: sweeps racing each other (as several processes would)
remind once and mark once."""

from __future__ import annotations

import asyncio
from datetime import timedelta

from core.context import Context
from core.model import TicketStatus
from core.ports import UnitOfWorkFactory
from core.services.sla_watch import sweep
from tests.integration import builders as make
from tests.integration.builders import minutes
from tests.unit.fakes import FakeClock, FakeSecrets


async def test_racing_sweeps_remind_and_mark_each_ticket_once(
    uow_factory: UnitOfWorkFactory,
) -> None:
    async with uow_factory() as uow:
        reporter = await make.add_customer(uow)
        tickets = [
            make.ticket(n, reporter, status=TicketStatus.NEW, sla_due_at=minutes(60))
            for n in range(1, 6)
        ]
        for ticket in tickets:
            await uow.tickets.add(ticket)
        await uow.commit()
    clock = FakeClock(minutes(30))
    ctx = Context(clock, FakeSecrets())
    lead = timedelta(minutes=45)

    async def events() -> list[str]:
        async with uow_factory(read_only=True) as uow:
            marks = await uow.sla_marks.list_for_tickets([t.id for t in tickets])
        return sorted(m.kind.value for m in marks)

    reminded = await asyncio.gather(*(sweep(uow_factory, ctx, lead) for _ in range(4)))
    assert sum(r.reminded for r in reminded) == 5
    assert await events() == ["reminded"] * 5

    clock.set(minutes(61))
    breached = await asyncio.gather(*(sweep(uow_factory, ctx, lead) for _ in range(4)))
    assert sum(b.breached for b in breached) == 5
    assert await events() == ["breached"] * 5 + ["reminded"] * 5
    async with uow_factory(read_only=True) as uow:
        assert await uow.outbox.pending_count() == 10  # one desk message per mark
