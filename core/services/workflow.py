"""What agents (and customers answering a resolution) do to a ticket's state: assign, status,
priority, expected close date, resolve, confirm, reopen, close, and the nightly auto-close."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from datetime import datetime

from core import events as ev
from core import lifecycle, policy
from core.actors import AgentActor
from core.commands import (
    AssignTicket,
    AutoCloseResolved,
    ChangeStatus,
    CloseTicket,
    ConfirmResolved,
    ReopenTicket,
    ReportNotSolved,
    ResolveTicket,
    SetExpectedClose,
    SetPriority,
)
from core.context import Context
from core.errors import NotFound, ValidationError
from core.model import Ticket, TicketStatus
from core.policy import AgentWho, CustomerWho
from core.ports import Scope, TicketQuery, UnitOfWork
from core.services import sla_clock
from core.services._shared import (
    SYSTEM,
    clean_text,
    customer_entry,
    load_agent,
    load_company,
    load_customer,
    move,
    optional_text,
    publish,
    read_by,
    visible_ticket,
)

S = TicketStatus


async def assign_ticket(cmd: AssignTicket, uow: UnitOfWork, ctx: Context) -> Ticket:
    """Give the ticket to an agent ("assign to me" when no assignee is named)."""
    async with uow:
        who, ticket = await _agent_and_ticket(uow, cmd.actor, cmd.ticket_id)
        assignee = who.agent if cmd.assignee_id is None else await uow.agents.get(cmd.assignee_id)
        if assignee is None or not assignee.active:
            raise NotFound("agent-not-found")
        if ticket.assignee_id != assignee.id:
            ticket.assignee_id = assignee.id
            event = ev.TicketAssigned(
                ticket_id=ticket.id,
                number=ticket.number,
                agent_id=assignee.id,
                agent_name=assignee.display_name,
                by_name=who.name,
            )
            await _save(uow, ctx, who, ticket, [event])
            await uow.commit()
    return ticket


async def change_status(cmd: ChangeStatus, uow: UnitOfWork, ctx: Context) -> Ticket:
    """An agent picks a status. Choosing the current one changes nothing; resolving needs the
    resolution text, as with `resolve_ticket`."""
    async with uow:
        who, ticket = await _agent_and_ticket(uow, cmd.actor, cmd.ticket_id)
        if ticket.status is not cmd.to:
            if cmd.to is S.RESOLVED:
                text = clean_text(cmd.text, ctx.config.max_text_chars, "resolution-required")
            else:
                text = optional_text(cmd.text, ctx.config.max_text_chars) or ""
            event = await move(uow, ctx, who, ticket, cmd.to, text)
            await _save(uow, ctx, who, ticket, [event])
            await uow.commit()
    return ticket


async def resolve_ticket(cmd: ResolveTicket, uow: UnitOfWork, ctx: Context) -> Ticket:
    return await change_status(
        ChangeStatus(cmd.actor, cmd.ticket_id, S.RESOLVED, cmd.resolution), uow, ctx
    )


async def set_priority(cmd: SetPriority, uow: UnitOfWork, ctx: Context) -> Ticket:
    """Change urgency; the SLA due time follows, keeping the business time already used."""
    async with uow:
        who, ticket = await _agent_and_ticket(uow, cmd.actor, cmd.ticket_id)
        old = ticket.priority
        if old is not cmd.priority:
            ticket.priority = cmd.priority
            company = await load_company(uow, ticket.company_id)
            sla_clock.reprioritise(ticket, company, old, ctx.clock.now())
            event = ev.PriorityChanged(
                ticket_id=ticket.id,
                number=ticket.number,
                from_priority=old,
                to_priority=cmd.priority,
                by_name=who.name,
                sla_due_at=ticket.sla_due_at,
            )
            await _save(uow, ctx, who, ticket, [event])
            await uow.commit()
    return ticket


async def set_expected_close(cmd: SetExpectedClose, uow: UnitOfWork, ctx: Context) -> Ticket:
    """The date support expects to close the ticket, shown to the customer (seed 002)."""
    async with uow:
        who, ticket = await _agent_and_ticket(uow, cmd.actor, cmd.ticket_id)
        day = cmd.expected_close
        if day is not None and day < ctx.clock.now().date():
            raise ValidationError("date-in-past", date=day.isoformat())
        if ticket.expected_close != day:
            ticket.expected_close = day
            event = ev.ExpectedCloseSet(
                ticket_id=ticket.id, number=ticket.number, expected_close=day, by_name=who.name
            )
            await _save(uow, ctx, who, ticket, [event])
            await uow.commit()
    return ticket


async def confirm_resolved(cmd: ConfirmResolved, uow: UnitOfWork, ctx: Context) -> Ticket:
    """The customer agrees it is solved: closed."""
    async with uow:
        who = await load_customer(uow, cmd.actor)
        ticket = await visible_ticket(uow, who, cmd.ticket_id)
        event = await move(uow, ctx, who, ticket, S.CLOSED)
        await _save(uow, ctx, who, ticket, [event])
        await uow.commit()
    return ticket


async def report_not_solved(cmd: ReportNotSolved, uow: UnitOfWork, ctx: Context) -> Ticket:
    """The customer's "not solved" answer to a resolution: the same as reopening."""
    return await reopen_ticket(ReopenTicket(cmd.actor, cmd.ticket_id, cmd.text), uow, ctx)


async def reopen_ticket(cmd: ReopenTicket, uow: UnitOfWork, ctx: Context) -> Ticket:
    """Back to in progress. Customers may reopen a resolved ticket within the reopen window;
    agents reopen resolved or closed tickets at any time."""
    async with uow:
        who = await policy.who_is(uow, cmd.actor)
        ticket = await visible_ticket(uow, who, cmd.ticket_id)
        if ticket.status not in (S.RESOLVED, S.CLOSED):
            # Only a finished ticket reopens; "back to in progress" from a wait is a status change.
            raise lifecycle.refusal(ticket.status, S.IN_PROGRESS)
        text = optional_text(cmd.text, ctx.config.max_text_chars)
        event = await move(uow, ctx, who, ticket, S.IN_PROGRESS, text or "")
        if text and isinstance(who, CustomerWho):
            # The customer's reason is part of the conversation, as if they had written it.
            await uow.entries.add(customer_entry(who, ticket, text, ctx.clock.now()))
        await _save(uow, ctx, who, ticket, [event])
        await uow.commit()
    return ticket


async def close_ticket(cmd: CloseTicket, uow: UnitOfWork, ctx: Context) -> Ticket:
    async with uow:
        who = await policy.who_is(uow, cmd.actor)
        ticket = await visible_ticket(uow, who, cmd.ticket_id)
        event = await move(uow, ctx, who, ticket, S.CLOSED)
        await _save(uow, ctx, who, ticket, [event])
        await uow.commit()
    return ticket


async def auto_close_resolved(cmd: AutoCloseResolved, uow: UnitOfWork, ctx: Context) -> list[int]:
    """Close tickets resolved longer ago than `auto_close_after` nobody answered; returns their
    numbers. Archived ones too: archiving hides a ticket, it does not stop its life."""
    cutoff = ctx.clock.now() - ctx.config.auto_close_after
    closed: list[int] = []
    async with uow:
        for ticket in await _resolved_before(uow, cutoff, cmd.limit):
            event = await move(uow, ctx, SYSTEM, ticket, S.CLOSED)
            await _save(uow, ctx, SYSTEM, ticket, [event])
            closed.append(ticket.number)
        await uow.commit()
    return closed


async def _resolved_before(uow: UnitOfWork, cutoff: datetime, limit: int) -> Sequence[Ticket]:
    query = TicketQuery(
        scope=Scope.ANY, statuses=frozenset({S.RESOLVED}), resolved_before=cutoff, limit=limit
    )
    return (await uow.tickets.list(query)).tickets


async def _agent_and_ticket(
    uow: UnitOfWork, actor: AgentActor, ticket_id: uuid.UUID
) -> tuple[AgentWho, Ticket]:
    who = await load_agent(uow, actor)
    return who, await visible_ticket(uow, who, ticket_id)


async def _save(
    uow: UnitOfWork,
    ctx: Context,
    who: policy.Who,
    ticket: Ticket,
    events: list[ev.TicketEvent],
) -> None:
    """Store the changed ticket, tell whom it concerns, and mark the other side's entries read
    (acting on a ticket means having looked at it)."""
    now = ctx.clock.now()
    ticket.updated_at = now
    await read_by(uow, who, ticket, now)
    await uow.tickets.update(ticket)
    await publish(uow, ctx, ticket, events)


__all__ = [
    "assign_ticket",
    "auto_close_resolved",
    "change_status",
    "close_ticket",
    "confirm_resolved",
    "reopen_ticket",
    "report_not_solved",
    "resolve_ticket",
    "set_expected_close",
    "set_priority",
]
