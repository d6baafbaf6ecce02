"""Watching SLA due times: a reminder in the thread before a ticket breaches, a mark when it has.

Run periodically (bot.sla_reminders). Each reminder and each breach of one due time happens
once: the mark (core.model.SlaMark) is recorded in the same transaction as the outbox row that
tells the desk, and a second process, or a restart, finds it recorded and says nothing. A due
time that moves (a new priority, a pause, a reopen) is a new deadline with its own reminder.

Only tickets that are support's to move are watched: new and in progress (the clock is
stopped while waiting for the customer, and tickets to authorize are not the desk's yet).
"""

from __future__ import annotations

import uuid
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from core import events as ev
from core import notify
from core.context import Context
from core.model import SlaMark, SlaMarkKind, Ticket, TicketStatus
from core.ports import Scope, TicketQuery, UnitOfWorkFactory

__all__ = ["WATCHED", "SweepResult", "due_marks", "sweep"]

WATCHED = frozenset({TicketStatus.NEW, TicketStatus.IN_PROGRESS})
_PAGE = 200


@dataclass(frozen=True)
class SweepResult:
    reminded: int = 0
    breached: int = 0


def due_marks(
    tickets: Sequence[Ticket],
    marks: Sequence[SlaMark],
    now: datetime,
    lead: timedelta,
) -> dict[uuid.UUID, SlaMarkKind]:
    """Which mark each ticket is due now, if any (pure).

    Past the due time the breach; within `lead` before it the reminder. A ticket whose
    reminder window was missed altogether (the watcher was down) gets only the breach.
    """
    done = {(m.ticket_id, m.kind, m.due_at) for m in marks}
    wanted: dict[uuid.UUID, SlaMarkKind] = {}
    for ticket in tickets:
        due = ticket.sla_due_at
        if due is None or ticket.status not in WATCHED or ticket.archived:
            continue
        if now >= due:
            kind = SlaMarkKind.BREACHED
        elif now >= due - lead:
            kind = SlaMarkKind.REMINDED
        else:
            continue
        if (ticket.id, kind, due) not in done:
            wanted[ticket.id] = kind
    return wanted


async def sweep(uow_factory: UnitOfWorkFactory, ctx: Context, lead: timedelta) -> SweepResult:
    """One pass over the tickets due within `lead`; one transaction per mark."""
    now = ctx.clock.now()
    wanted = await _candidates(uow_factory, now, lead)
    reminded = breached = 0
    for ticket_id, kind in wanted.items():
        if await _mark(uow_factory, ticket_id, kind, now, lead):
            if kind is SlaMarkKind.REMINDED:
                reminded += 1
            else:
                breached += 1
    return SweepResult(reminded, breached)


async def _candidates(
    uow_factory: UnitOfWorkFactory, now: datetime, lead: timedelta
) -> Mapping[uuid.UUID, SlaMarkKind]:
    wanted: dict[uuid.UUID, SlaMarkKind] = {}
    cursor: int | None = None
    while True:
        query = TicketQuery(
            scope=Scope.ACTIVE,
            statuses=WATCHED,
            sla_due_before=now + lead,
            before_number=cursor,
            limit=_PAGE,
        )
        async with uow_factory(read_only=True) as uow:
            page = await uow.tickets.list(query)
            marks = await uow.sla_marks.list_for_tickets([t.id for t in page.tickets])
        wanted.update(due_marks(page.tickets, marks, now, lead))
        if page.next_before_number is None:
            return wanted
        cursor = page.next_before_number


async def _mark(
    uow_factory: UnitOfWorkFactory,
    ticket_id: uuid.UUID,
    kind: SlaMarkKind,
    now: datetime,
    lead: timedelta,
) -> bool:
    """Record the mark and tell the desk, in one transaction; False when someone else did, or
    the ticket moved on meanwhile."""
    async with uow_factory() as uow:
        ticket = await uow.tickets.get(ticket_id)
        if ticket is None or due_marks([ticket], [], now, lead).get(ticket.id) is not kind:
            return False
        assert ticket.sla_due_at is not None  # due_marks checked it
        if not await uow.sla_marks.add_if_new(SlaMark(ticket.id, kind, ticket.sla_due_at, now)):
            return False
        event: ev.TicketEvent
        if kind is SlaMarkKind.REMINDED:
            event = ev.SlaReminderDue(
                ticket_id=ticket.id, number=ticket.number, sla_due_at=ticket.sla_due_at
            )
        else:
            event = ev.SlaBreached(
                ticket_id=ticket.id, number=ticket.number, sla_due_at=ticket.sla_due_at
            )
        await notify.publish(uow, now, ticket, [event])
        await uow.commit()
    return True
