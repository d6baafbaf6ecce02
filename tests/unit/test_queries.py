"""My tickets, the agents' lists and search, a ticket's detail."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest

from core.commands import (
    AddAgentReply,
    AddInternalNote,
    ArchiveTicket,
    AssignTicket,
    FindTicket,
    ListTickets,
    ResolveTicket,
    ShowTicket,
    TicketStats,
)
from core.errors import NotFound
from core.model import EntryKind, Role, TicketStatus
from core.ports import Scope
from core.services.conversation import add_agent_reply, add_internal_note
from core.services.queries import find_ticket, list_tickets, show_ticket, ticket_stats
from core.services.tickets import archive_ticket
from core.services.workflow import assign_ticket, resolve_ticket
from tests.unit.world import World, agent_actor, customer

S = TicketStatus


async def test_pages_are_newest_first_with_a_keyset_cursor(world: World) -> None:
    acme = await world.company()
    ann = await world.user(acme)
    numbers = [(await world.open(ann, f"t{i}")).number for i in range(7)]

    seen: list[int] = []
    cursor = None
    while True:
        page = await world.run(
            list_tickets, ListTickets(customer(ann), before_number=cursor, limit=3)
        )
        seen += [t.number for t in page.tickets]
        cursor = page.next_before_number
        if cursor is None:
            break
    assert seen == sorted(numbers, reverse=True)


async def test_scopes_date_range_product_and_text(world: World) -> None:
    acme = await world.company()
    erp, payroll = await world.products(acme)
    ann = await world.user(acme)
    old = await world.open(ann, "Old printer problem", product_id=erp.id)
    world.clock.advance(days=10)
    active = await world.open(ann, "Payroll totals wrong", product_id=payroll.id)
    done = await world.seed_ticket(ann, S.CLOSED, subject="Printer fixed")
    archived = await world.seed_ticket(ann, S.CLOSED, subject="Archived printer")
    await world.run(archive_ticket, ArchiveTicket(customer(ann), archived.id))

    async def numbers(**kw: Any) -> list[int]:
        page = await world.run(list_tickets, ListTickets(customer(ann), **kw))
        return [t.number for t in page.tickets]

    assert await numbers() == [active.number, old.number]
    assert await numbers(scope=Scope.ALL) == [done.number, active.number, old.number]
    assert await numbers(scope=Scope.ARCHIVED) == [archived.number]
    assert await numbers(scope=Scope.ALL, created_from=world.now() - timedelta(days=1)) == [
        done.number,
        active.number,
    ]
    assert await numbers(scope=Scope.ALL, created_to=world.now() - timedelta(days=1)) == [
        old.number
    ]
    assert await numbers(scope=Scope.ALL, product_id=payroll.id) == [active.number]
    # Search finds archived tickets too (seed 002: archived stays searchable).
    assert await numbers(scope=Scope.ALL, text="PRINTER") == [
        archived.number,
        done.number,
        old.number,
    ]


async def test_search_including_archived_pages_correctly(world: World) -> None:
    acme = await world.company()
    ann = await world.user(acme)
    tickets = [await world.seed_ticket(ann, S.CLOSED, subject=f"printer {i}") for i in range(7)]
    for ticket in tickets[::2]:
        await world.run(archive_ticket, ArchiveTicket(customer(ann), ticket.id))

    seen: list[int] = []
    cursor = None
    while True:
        page = await world.run(
            list_tickets,
            ListTickets(
                customer(ann), scope=Scope.ALL, text="printer", before_number=cursor, limit=2
            ),
        )
        seen += [t.number for t in page.tickets]
        cursor = page.next_before_number
        if cursor is None:
            break
    assert seen == sorted((t.number for t in tickets), reverse=True)


async def test_agents_filter_by_assignee_and_company(world: World) -> None:
    acme, other = await world.company(), await world.company("Other")
    ann, olga = await world.user(acme), await world.user(other)
    me = await world.agent("Me")
    mine = await world.open(ann)
    theirs = await world.open(olga)
    await world.run(assign_ticket, AssignTicket(agent_actor(me), mine.id))

    async def numbers(**kw: Any) -> list[int]:
        page = await world.run(list_tickets, ListTickets(agent_actor(me), **kw))
        return [t.number for t in page.tickets]

    assert await numbers() == [theirs.number, mine.number]
    assert await numbers(assignee_id=me.id) == [mine.number]
    assert await numbers(unassigned=True) == [theirs.number]
    assert await numbers(company_id=other.id) == [theirs.number]
    stats = await world.run(ticket_stats, TicketStats(agent_actor(me)))
    assert stats == {S.NEW: 2}


async def test_the_detail_shows_public_history_handlers_and_time_spent(world: World) -> None:
    acme = await world.company()
    ann = await world.user(acme)
    boss = await world.user(acme, Role.SUPER_USER)
    first, second = await world.agent("First"), await world.agent("Second")
    ticket = await world.open(ann)
    world.clock.advance(hours=1)
    await world.run(add_agent_reply, AddAgentReply(agent_actor(first), ticket.id, "On it"))
    await world.run(add_internal_note, AddInternalNote(agent_actor(second), ticket.id, "psst"))
    await world.run(add_agent_reply, AddAgentReply(agent_actor(second), ticket.id, "Try this"))
    world.clock.advance(hours=2)
    await world.run(resolve_ticket, ResolveTicket(agent_actor(second), ticket.id, "Done"))
    world.clock.advance(days=1)

    for reader in (ann, boss):
        view = await world.run(show_ticket, ShowTicket(customer(reader), ticket.id))
        assert EntryKind.INTERNAL_NOTE not in {e.kind for e in view.entries}
        assert [h.display_name for h in view.handlers] == ["First", "Second"]
        assert view.time_spent == timedelta(hours=3)
        assert view.reporter is not None
        assert view.reporter.id == ann.id
    agents_view = await world.run(show_ticket, ShowTicket(agent_actor(first), ticket.id))
    assert EntryKind.INTERNAL_NOTE in {e.kind for e in agents_view.entries}


async def test_time_spent_runs_while_open(world: World) -> None:
    acme = await world.company()
    ann = await world.user(acme)
    ticket = await world.open(ann)
    world.clock.advance(minutes=90)
    view = await world.run(show_ticket, ShowTicket(customer(ann), ticket.id))
    assert view.time_spent == timedelta(minutes=90)


async def test_find_by_number_only_what_one_may_see(world: World) -> None:
    acme = await world.company()
    ann, bob = await world.user(acme), await world.user(acme)
    agent = await world.agent()
    ticket = await world.open(ann)
    assert (await world.run(find_ticket, FindTicket(customer(ann), ticket.number))).id == ticket.id
    assert (
        await world.run(find_ticket, FindTicket(agent_actor(agent), ticket.number))
    ).id == ticket.id
    with pytest.raises(NotFound):
        await world.run(find_ticket, FindTicket(customer(bob), ticket.number))
    with pytest.raises(NotFound):
        await world.run(find_ticket, FindTicket(agent_actor(agent), 999))
