"""Reading tickets: lists with unread counts, a ticket's detail, lookup by number, stats.

Customers get only what they may see: their own tickets (members, restricted) or their
company's (super users), public history only, and only the files they may download.
"""

from __future__ import annotations

import uuid
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import UTC, datetime, timedelta, tzinfo
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from core import policy, stats
from core.commands import DeskStatsQuery, FindTicket, ListTickets, ShowTicket, TicketStats
from core.context import Context
from core.errors import NotFound
from core.model import (
    Agent,
    Attachment,
    CustomerUser,
    EntryKind,
    Product,
    Role,
    Side,
    Ticket,
    TicketEntry,
    TicketStatus,
)
from core.policy import CustomerWho, Who
from core.ports import Scope, TicketPage, TicketQuery, UnitOfWork
from core.services._shared import load_agent, visible_ticket

MAX_PAGE = 50


@dataclass(frozen=True)
class TicketList:
    tickets: Sequence[Ticket]
    unread: Mapping[uuid.UUID, int]  # per ticket, entries of the other side the reader has not read
    next_before_number: int | None  # the cursor for the next page; None on the last


@dataclass(frozen=True)
class TicketView:
    ticket: Ticket
    entries: Sequence[TicketEntry]  # oldest first; public ones only for customers
    attachments: Sequence[Attachment]  # the ones the reader may download
    handlers: Sequence[Agent]  # who handled it (seed 004): the assignee, then every replier
    time_spent: timedelta  # created → resolved (or closed, or now)
    reporter: CustomerUser | None
    product: Product | None
    unread: int


async def list_tickets(cmd: ListTickets, uow: UnitOfWork, ctx: Context) -> TicketList:
    async with uow:
        who = await policy.who_is(uow, cmd.actor)
        query = _query_for(who, cmd)
        page = await _page(uow, query)
        unread = await uow.entries.count_unread([t.id for t in page.tickets], _side(who))
    return TicketList(
        tickets=page.tickets,
        unread={t.id: unread.get(t.id, 0) for t in page.tickets},
        next_before_number=page.next_before_number,
    )


async def show_ticket(cmd: ShowTicket, uow: UnitOfWork, ctx: Context) -> TicketView:
    """A ticket's detail. Reading does not mark it read; the caller sends MarkRead when the
    reader actually saw it (a list preview is not a read)."""
    async with uow:
        who = await policy.who_is(uow, cmd.actor)
        ticket = await visible_ticket(uow, who, cmd.ticket_id)
        entries = await uow.entries.list_for_ticket(
            ticket.id, public_only=isinstance(who, CustomerWho)
        )
        attachments = [
            a
            for a in await uow.attachments.list_for_ticket(ticket.id)
            if policy.can_download(who, a, ticket)
        ]
        handlers = await _handlers(uow, ticket, entries)
        unread = await uow.entries.count_unread([ticket.id], _side(who))
        reporter = await uow.users.get(ticket.reporter_id)
        product = await uow.products.get(ticket.product_id) if ticket.product_id else None
    return TicketView(
        ticket=ticket,
        entries=entries,
        attachments=attachments,
        handlers=handlers,
        time_spent=time_spent(ticket, ctx.clock.now()),
        reporter=reporter,
        product=product,
        unread=unread.get(ticket.id, 0),
    )


async def find_ticket(cmd: FindTicket, uow: UnitOfWork, ctx: Context) -> Ticket:
    async with uow:
        who = await policy.who_is(uow, cmd.actor)
        ticket = await uow.tickets.get_by_number(cmd.number)
        if ticket is None or not policy.can_view_ticket(who, ticket):
            raise NotFound("ticket-not-found", number=cmd.number)
    return ticket


async def ticket_stats(cmd: TicketStats, uow: UnitOfWork, ctx: Context) -> dict[TicketStatus, int]:
    async with uow:
        await load_agent(uow, cmd.actor)
        return await uow.tickets.count_by_status()


def time_spent(ticket: Ticket, now: datetime) -> timedelta:
    """How long the intervention took (seed 004): until resolved, else closed, else so far."""
    end = ticket.resolved_at or ticket.closed_at
    if end is None and ticket.status is TicketStatus.REJECTED:
        end = ticket.updated_at
    return (end or now) - ticket.created_at


def _query_for(who: Who, cmd: ListTickets) -> TicketQuery:
    query = TicketQuery(
        company_id=cmd.company_id,
        scope=cmd.scope,
        statuses=cmd.statuses,
        product_id=cmd.product_id,
        assignee_id=cmd.assignee_id,
        unassigned=cmd.unassigned,
        priority=cmd.priority,
        created_from=cmd.created_from,
        created_to=cmd.created_to,
        text=(cmd.text or "").strip() or None,
        sla_due_before=cmd.sla_due_before,
        before_number=cmd.before_number,
        limit=max(1, min(cmd.limit, MAX_PAGE)),
    )
    if isinstance(who, CustomerWho):
        # Forced, whatever the command said: a customer's list never leaves their reach.
        own = None if who.user.role is Role.SUPER_USER else who.user.id
        query = replace(query, company_id=who.user.company_id, reporter_id=own)
    return query


async def _page(uow: UnitOfWork, query: TicketQuery) -> TicketPage:
    """A search over all tickets finds archived ones too: archiving hides a ticket from lists,
    not from search (seed 002)."""
    if query.text is not None and query.scope is Scope.ALL:
        query = replace(query, scope=Scope.ANY)
    return await uow.tickets.list(query)


async def _handlers(uow: UnitOfWork, ticket: Ticket, entries: Sequence[TicketEntry]) -> list[Agent]:
    ids = [
        ticket.assignee_id,
        *(e.author_agent_id for e in entries if e.kind is EntryKind.AGENT_REPLY),
    ]
    agents = [await uow.agents.get(i) for i in dict.fromkeys(ids) if i is not None]
    return [a for a in agents if a is not None]


def _side(who: Who) -> Side:
    return Side.CUSTOMER if isinstance(who, CustomerWho) else Side.SUPPORT


async def desk_stats(cmd: DeskStatsQuery, uow: UnitOfWork, ctx: Context) -> stats.DeskStats:
    """The desk's statistics over the last `cmd.days` days (agents only)."""
    until = ctx.clock.now()
    since = until - timedelta(days=cmd.days)
    tickets: list[Ticket] = []
    async with uow:
        await load_agent(uow, cmd.actor)
        cursor: int | None = None
        while True:
            page = await uow.tickets.list(
                TicketQuery(
                    scope=Scope.ANY,
                    created_from=since,
                    created_to=until,
                    before_number=cursor,
                    limit=500,
                )
            )
            tickets.extend(page.tickets)
            if page.next_before_number is None:
                break
            cursor = page.next_before_number
        marks = await uow.sla_marks.list_for_tickets([t.id for t in tickets])
    return stats.compute(tickets, marks, since, until, _zone(cmd.timezone))


def _zone(name: str) -> tzinfo:
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        return UTC
