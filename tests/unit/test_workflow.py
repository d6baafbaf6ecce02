"""Agents' actions on a ticket's state, the customer's answer to a resolution, auto-close."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from core import sla
from core.commands import (
    ArchiveTicket,
    AssignTicket,
    AutoCloseResolved,
    ChangeStatus,
    ConfirmResolved,
    ReportNotSolved,
    RequestInfo,
    ResolveTicket,
    SetExpectedClose,
    SetPriority,
)
from core.errors import NotFound, ValidationError
from core.model import Audience, AuthorKind, EntryKind, Priority, TicketStatus
from core.services.conversation import request_info
from core.services.tickets import archive_ticket
from core.services.workflow import (
    assign_ticket,
    auto_close_resolved,
    change_status,
    confirm_resolved,
    report_not_solved,
    resolve_ticket,
    set_expected_close,
    set_priority,
)
from tests.unit.world import World, agent_actor, customer

S = TicketStatus


async def test_assign_to_me_and_to_a_colleague(world: World) -> None:
    acme = await world.company()
    ann = await world.user(acme, name="ann")
    me, bob = await world.agent("Me"), await world.agent("Bob")
    gone = await world.agent("Gone", active=False)
    ticket = await world.open(ann)
    before = world.last_seq()

    mine = await world.run(assign_ticket, AssignTicket(agent_actor(me), ticket.id))
    assert mine.assignee_id == me.id
    assert world.sent(since=before) == [
        (Audience.CUSTOMER, "chat-ann", "ticket.assigned"),
        (Audience.AGENTS, None, "ticket.assigned"),
    ]
    bobs = await world.run(assign_ticket, AssignTicket(agent_actor(me), ticket.id, bob.id))
    assert bobs.assignee_id == bob.id
    assert world.outbox()[-1].payload["agent_name"] == "Bob"
    with pytest.raises(NotFound):
        await world.run(assign_ticket, AssignTicket(agent_actor(me), ticket.id, gone.id))
    # Assigning to whoever has it already tells nobody again.
    before = world.last_seq()
    await world.run(assign_ticket, AssignTicket(agent_actor(bob), ticket.id))
    assert world.outbox(since=before) == []


async def test_resolving_needs_a_resolution_and_tells_both_sides(world: World) -> None:
    acme = await world.company()
    ann = await world.user(acme, name="ann")
    agent = await world.agent("Ann Agent")
    ticket = await world.open(ann)
    with pytest.raises(ValidationError) as refused:
        await world.run(change_status, ChangeStatus(agent_actor(agent), ticket.id, S.RESOLVED))
    assert refused.value.code == "resolution-required"
    before = world.last_seq()

    resolved = await world.run(
        resolve_ticket, ResolveTicket(agent_actor(agent), ticket.id, "Update to 7.2")
    )

    assert (resolved.status, resolved.resolution) == (S.RESOLVED, "Update to 7.2")
    assert resolved.resolved_at == world.now()
    assert resolved.sla_due_at is None
    assert resolved.first_response_at == world.now()
    pushes = world.outbox(since=before)
    assert [(m.audience, m.event_type) for m in pushes] == [
        (Audience.CUSTOMER, "ticket.resolved"),
        (Audience.AGENTS, "ticket.resolved"),
    ]
    assert pushes[0].payload["resolution"] == "Update to 7.2"
    entry = (await world.entries(ticket))[-1]
    assert (entry.kind, entry.text, entry.author_agent_id) == (
        EntryKind.STATUS_CHANGE,
        "Update to 7.2",
        agent.id,
    )


async def test_the_customer_confirms_or_says_not_solved(world: World) -> None:
    acme = await world.company()
    ann = await world.user(acme)
    one, two = await world.seed_ticket(ann, S.RESOLVED), await world.seed_ticket(ann, S.RESOLVED)

    closed = await world.run(confirm_resolved, ConfirmResolved(customer(ann), one.id))
    assert (closed.status, closed.closed_at) == (S.CLOSED, world.now())

    reopened = await world.run(
        report_not_solved, ReportNotSolved(customer(ann), two.id, "Still crashes")
    )
    assert reopened.status is S.IN_PROGRESS
    assert (reopened.resolution, reopened.resolved_at) == (None, None)
    assert reopened.sla_due_at is not None  # support's clock runs again
    kinds = [(e.kind, e.author_kind) for e in await world.entries(two)]
    assert kinds == [
        (EntryKind.STATUS_CHANGE, AuthorKind.CUSTOMER),
        (EntryKind.CUSTOMER_MESSAGE, AuthorKind.CUSTOMER),
    ]
    reopen_push = world.outbox()[-1]
    assert reopen_push.event_type == "ticket.reopened"
    assert reopen_push.payload["text"] == "Still crashes"


async def test_a_new_priority_keeps_the_business_time_already_used(world: World) -> None:
    acme = await world.company()
    ann = await world.user(acme)
    agent = await world.agent()
    ticket = await world.open(ann)  # medium: 24 business hours
    world.clock.advance(hours=2)
    before = world.last_seq()

    raised = await world.run(
        set_priority, SetPriority(agent_actor(agent), ticket.id, Priority.HIGH)
    )

    # High allows 8 business hours; 2 are gone, so 6 remain from now.
    assert raised.sla_due_at == sla.add_business_time(
        world.now(), timedelta(hours=6), acme.calendar
    )
    assert world.sent(since=before) == [(Audience.AGENTS, None, "ticket.priority_changed")]

    await world.run(request_info, RequestInfo(agent_actor(agent), ticket.id, "?"))
    lowered = await world.run(
        set_priority, SetPriority(agent_actor(agent), ticket.id, Priority.LOW)
    )
    # While waiting the remaining time is what changes: 6 h + (40 h - 8 h).
    assert lowered.sla_remaining == timedelta(hours=38)
    assert lowered.sla_due_at is None


async def test_an_overdue_ticket_stays_overdue_through_a_wait(world: World) -> None:
    acme = await world.company()
    ann = await world.user(acme)
    agent = await world.agent()
    ticket = await world.open(ann, "urgent", work_blocked=True)  # high: 8 business hours
    world.clock.advance(days=2)
    await world.run(request_info, RequestInfo(agent_actor(agent), ticket.id, "?"))
    assert (await world.ticket(ticket)).sla_remaining == timedelta(hours=-8)
    await world.run(change_status, ChangeStatus(agent_actor(agent), ticket.id, S.IN_PROGRESS))
    due = (await world.ticket(ticket)).sla_due_at
    assert due is not None
    assert due < world.now()


async def test_expected_close_date(world: World) -> None:
    acme = await world.company()
    ann = await world.user(acme, name="ann")
    agent = await world.agent()
    ticket = await world.open(ann)
    day = world.now().date() + timedelta(days=3)
    before = world.last_seq()

    updated = await world.run(
        set_expected_close, SetExpectedClose(agent_actor(agent), ticket.id, day)
    )

    assert updated.expected_close == day
    assert world.sent(since=before) == [
        (Audience.CUSTOMER, "chat-ann", "ticket.expected_close_set"),
        (Audience.AGENTS, None, "ticket.expected_close_set"),
    ]
    assert world.outbox()[-1].payload["expected_close"] == day.isoformat()
    with pytest.raises(ValidationError):
        await world.run(
            set_expected_close, SetExpectedClose(agent_actor(agent), ticket.id, date(2020, 1, 1))
        )
    cleared = await world.run(
        set_expected_close, SetExpectedClose(agent_actor(agent), ticket.id, None)
    )
    assert cleared.expected_close is None


async def test_auto_close_closes_only_tickets_resolved_long_enough_ago(world: World) -> None:
    acme = await world.company()
    ann = await world.user(acme)
    old = await world.seed_ticket(ann, S.RESOLVED)
    old_archived = await world.seed_ticket(ann, S.RESOLVED)
    await world.run(archive_ticket, ArchiveTicket(customer(ann), old_archived.id))
    world.clock.advance(days=3)
    recent = await world.seed_ticket(ann, S.RESOLVED)
    busy = await world.seed_ticket(ann, S.IN_PROGRESS)
    world.clock.advance(days=4)

    closed = await world.run(auto_close_resolved, AutoCloseResolved())

    assert sorted(closed) == sorted([old.number, old_archived.number])
    assert (await world.ticket(old)).status is S.CLOSED
    assert (await world.ticket(recent)).status is S.RESOLVED
    assert (await world.ticket(busy)).status is S.IN_PROGRESS
    last = (await world.entries(old))[-1]
    assert last.author_kind is AuthorKind.SYSTEM
    assert await world.run(auto_close_resolved, AutoCloseResolved()) == []
