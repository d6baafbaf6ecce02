"""Steps several services share: loading what the actor may see, moving a ticket's status,
validating text, marking read and publishing events."""

from __future__ import annotations

import uuid
from collections.abc import Iterable
from datetime import datetime

from core import events as ev
from core import lifecycle, notify, policy
from core.actors import AgentActor, CustomerActor, SystemActor
from core.context import Context
from core.errors import NotFound, PermissionDenied, TicketClosed, ValidationError
from core.model import (
    AuthorKind,
    Company,
    EntryKind,
    Side,
    SlaMark,
    SlaMarkKind,
    Ticket,
    TicketEntry,
    TicketStatus,
)
from core.policy import AgentWho, CustomerWho, SystemWho, Who
from core.ports import UnitOfWork
from core.services import sla_clock

S = TicketStatus
SYSTEM = SystemWho(SystemActor())


async def load_customer(uow: UnitOfWork, actor: CustomerActor) -> CustomerWho:
    who = await policy.who_is(uow, actor)
    if not isinstance(who, CustomerWho):  # pragma: no cover - who_is maps actor kinds 1:1
        raise PermissionDenied()
    return who


async def load_super_user(uow: UnitOfWork, actor: CustomerActor) -> CustomerWho:
    """A super user acting for their own company (extra messages, tokens, users, invites)."""
    who = await load_customer(uow, actor)
    policy.require(policy.is_super_user_of(who, who.user.company_id))
    return who


async def load_agent(uow: UnitOfWork, actor: AgentActor) -> AgentWho:
    who = await policy.who_is(uow, actor)
    if not isinstance(who, AgentWho):  # pragma: no cover - who_is maps actor kinds 1:1
        raise PermissionDenied()
    return who


async def visible_ticket(uow: UnitOfWork, who: Who, ticket_id: uuid.UUID) -> Ticket:
    """The ticket, if the actor may see it. Someone else's ticket is "not found", not
    "forbidden", so guessing ids tells nothing."""
    ticket = await uow.tickets.get(ticket_id)
    if ticket is None or not policy.can_view_ticket(who, ticket):
        raise NotFound("ticket-not-found")
    return ticket


async def load_company(uow: UnitOfWork, company_id: uuid.UUID) -> Company:
    company = await uow.companies.get(company_id)
    if company is None:
        raise NotFound("company-not-found")
    return company


_CONTROLS = dict.fromkeys(c for c in range(32) if chr(c) not in "\t\n\r")


def clean_text(text: str | None, limit: int, empty_code: str = "text-empty") -> str:
    # Control characters mean nothing in a message, and PostgreSQL refuses NUL outright.
    cleaned = (text or "").translate(_CONTROLS).strip()
    if not cleaned:
        raise ValidationError(empty_code)
    if len(cleaned) > limit:
        raise ValidationError("text-too-long", limit=limit)
    return cleaned


def optional_text(text: str | None, limit: int) -> str | None:
    return clean_text(text, limit) if text and text.strip() else None


def require_open_for_customer(ticket: Ticket, ctx: Context) -> None:
    """Customers talk only on active tickets (seed 004); say whether reopening is possible."""
    if ticket.status.is_active:
        return
    window = lifecycle.reopen_window_open(ticket, ctx.clock.now(), ctx.config.reopen_window)
    raise TicketClosed(reopen_allowed=window, number=ticket.number)


def actor_name(who: Who) -> str | None:
    return None if isinstance(who, SystemWho) else who.name


async def move(
    uow: UnitOfWork,
    ctx: Context,
    who: Who,
    ticket: Ticket,
    target: TicketStatus,
    text: str = "",
) -> ev.TicketEvent:
    """Take one lifecycle step: check it, record it in the history, stamp the ticket, run the
    SLA clock. Returns the event describing it; the caller publishes (or drops) it and updates
    the ticket."""
    now = ctx.clock.now()
    source = ticket.status
    window = lifecycle.reopen_window_open(ticket, now, ctx.config.reopen_window)
    lifecycle.check(source, target, policy.parties(who, ticket), window_open=window)
    await uow.entries.add(
        lifecycle.status_entry(
            ticket,
            source,
            target,
            author_kind=policy.author_kind(who),
            at=now,
            text=text,
            author_user_id=who.user.id if isinstance(who, CustomerWho) else None,
            author_agent_id=who.agent.id if isinstance(who, AgentWho) else None,
        )
    )
    ticket.status = target
    ticket.updated_at = now
    _stamp(ticket, source, target, now, text)
    clock_stops = target is S.WAITING_CUSTOMER or not target.is_active
    if clock_stops and ticket.sla_due_at is not None and now >= ticket.sla_due_at:
        # The clock stops here: a breach the watcher had not marked yet is kept,
        # so the statistics' SLA hit rate does not depend on the watcher's timing.
        late = SlaMark(ticket.id, SlaMarkKind.BREACHED, ticket.sla_due_at, now)
        await uow.sla_marks.add_if_new(late)
    sla_clock.follow(ticket, await load_company(uow, ticket.company_id), source, target, now)
    return _event_for(ticket, source, target, who, text)


def _stamp(ticket: Ticket, source: S, target: S, now: datetime, text: str) -> None:
    if target is S.RESOLVED:
        ticket.resolved_at = now
        ticket.resolution = text
        if ticket.first_response_at is None:
            ticket.first_response_at = now
    elif target is S.CLOSED:
        ticket.closed_at = now
    elif source in (S.RESOLVED, S.CLOSED):
        # Reopened: it is open work again, so "time spent" runs on and a new resolution follows.
        ticket.resolved_at = ticket.closed_at = ticket.resolution = None


def _event_for(ticket: Ticket, source: S, target: S, who: Who, text: str) -> ev.TicketEvent:
    by_kind, by_name = policy.author_kind(who), actor_name(who)
    if source is S.TO_AUTHORIZE and target is S.NEW:
        return ev.TicketAuthorized(ticket_id=ticket.id, number=ticket.number, by_name=by_name or "")
    if target is S.REJECTED:
        return ev.TicketRejected(
            ticket_id=ticket.id, number=ticket.number, by_name=by_name or "", reason=text or None
        )
    if target is S.RESOLVED:
        return ev.TicketResolved(
            ticket_id=ticket.id, number=ticket.number, resolution=text, agent_name=by_name or ""
        )
    if target is S.CLOSED:
        return ev.TicketClosed(
            ticket_id=ticket.id, number=ticket.number, by_kind=by_kind, by_name=by_name
        )
    if source in (S.RESOLVED, S.CLOSED):
        return ev.TicketReopened(
            ticket_id=ticket.id,
            number=ticket.number,
            from_status=source,
            by_kind=by_kind,
            by_name=by_name,
            text=text or None,
        )
    return ev.StatusChanged(
        ticket_id=ticket.id,
        number=ticket.number,
        from_status=source,
        to_status=target,
        by_kind=by_kind,
        by_name=by_name,
    )


async def take_in(
    uow: UnitOfWork, ctx: Context, who: AgentWho, ticket: Ticket
) -> list[ev.TicketEvent]:
    """An agent starts on a new ticket by answering it: in progress, and theirs if nobody's."""
    found: list[ev.TicketEvent] = []
    if ticket.assignee_id is None:
        ticket.assignee_id = who.agent.id
        found.append(
            ev.TicketAssigned(
                ticket_id=ticket.id,
                number=ticket.number,
                agent_id=who.agent.id,
                agent_name=who.name,
                by_name=who.name,
            )
        )
    if ticket.status is S.NEW:
        found.append(await move(uow, ctx, who, ticket, S.IN_PROGRESS))
    return found


async def read_by(uow: UnitOfWork, who: Who, ticket: Ticket, now: datetime) -> int:
    """The actor has seen the other side's entries: customers support's, agents customers'."""
    if isinstance(who, CustomerWho):
        return await uow.entries.mark_read(ticket.id, Side.CUSTOMER, now)
    if isinstance(who, AgentWho):
        return await uow.entries.mark_read(ticket.id, Side.SUPPORT, now)
    return 0


def customer_entry(who: CustomerWho, ticket: Ticket, text: str, now: datetime) -> TicketEntry:
    return TicketEntry(
        ticket_id=ticket.id,
        kind=EntryKind.CUSTOMER_MESSAGE,
        author_kind=AuthorKind.CUSTOMER,
        text=text,
        created_at=now,
        author_user_id=who.user.id,
    )


async def publish(
    uow: UnitOfWork, ctx: Context, ticket: Ticket, events: Iterable[ev.TicketEvent]
) -> None:
    await notify.publish(uow, ctx.clock.now(), ticket, events)
