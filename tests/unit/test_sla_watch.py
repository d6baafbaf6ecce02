"""SLA reminders and breach marks: once per due time, whoever runs the sweep."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta

from core.actors import AgentActor
from core.commands import ChangeStatus, ResolveTicket, SetPriority
from core.model import Audience, Priority, SlaMarkKind, TicketStatus
from core.services import workflow
from core.services.sla_watch import SweepResult, due_marks, sweep
from tests.unit.fakes import FakeUnitOfWork
from tests.unit.world import World

LEAD = timedelta(minutes=60)


def factory(world: World) -> Callable[..., FakeUnitOfWork]:
    """A unit-of-work factory over the world's store (read-only is not enforced here)."""

    def make(*, read_only: bool = False, autocommit: bool = False) -> FakeUnitOfWork:
        return world.uow()

    return make


def desk_events(world: World, since: int = 0) -> list[str]:
    return [event for audience, _, event in world.sent(since=since) if audience is Audience.AGENTS]


async def test_a_reminder_before_the_due_time_then_a_breach_each_once() -> None:
    world = World()
    company = await world.company()
    ann = await world.user(company)
    ticket = await world.open(ann)  # medium: 3 business days
    assert ticket.sla_due_at is not None
    start = world.last_seq()

    assert await sweep(factory(world), world.ctx, LEAD) == SweepResult(0, 0)
    assert desk_events(world, start) == []

    world.clock.set(ticket.sla_due_at - timedelta(minutes=30))
    first = await sweep(factory(world), world.ctx, LEAD)
    again = await sweep(factory(world), world.ctx, LEAD)
    assert (first.reminded, again.reminded) == (1, 0)
    assert desk_events(world, start) == ["ticket.sla_reminder"]

    world.clock.set(ticket.sla_due_at + timedelta(minutes=1))
    assert (await sweep(factory(world), world.ctx, LEAD)).breached == 1
    assert (await sweep(factory(world), world.ctx, LEAD)).breached == 0
    assert desk_events(world, start) == ["ticket.sla_reminder", "ticket.sla_breached"]
    # Only the desk hears of it: the customer's chat gets nothing.
    assert all(a is Audience.AGENTS for a, _, _ in world.sent(since=start))


async def test_a_missed_reminder_window_gives_only_the_breach() -> None:
    world = World()
    ticket = await world.open(await world.user(await world.company()))
    assert ticket.sla_due_at is not None
    world.clock.set(ticket.sla_due_at + timedelta(hours=5))
    start = world.last_seq()
    done = await sweep(factory(world), world.ctx, LEAD)
    assert (done.reminded, done.breached) == (0, 1)
    assert desk_events(world, start) == ["ticket.sla_breached"]


async def test_a_moved_due_time_is_a_new_deadline_and_a_paused_clock_is_not_watched() -> None:
    world = World()
    ticket = await world.open(await world.user(await world.company()))
    agent = AgentActor((await world.agent()).id)
    assert ticket.sla_due_at is not None
    world.clock.set(ticket.sla_due_at - timedelta(minutes=30))
    await sweep(factory(world), world.ctx, LEAD)
    start = world.last_seq()
    # A lower priority gives more time: the new due time earns its own reminder later.
    await world.run(workflow.set_priority, SetPriority(agent, ticket.id, Priority.LOW))
    moved = await world.ticket(ticket)
    assert moved.sla_due_at is not None
    assert moved.sla_due_at > ticket.sla_due_at
    assert (await sweep(factory(world), world.ctx, LEAD)).reminded == 0
    world.clock.set(moved.sla_due_at - timedelta(minutes=10))
    assert (await sweep(factory(world), world.ctx, LEAD)).reminded == 1
    await world.run(
        workflow.change_status, ChangeStatus(agent, ticket.id, TicketStatus.IN_PROGRESS)
    )
    await world.run(
        workflow.change_status, ChangeStatus(agent, ticket.id, TicketStatus.WAITING_CUSTOMER)
    )
    world.clock.set(moved.sla_due_at + timedelta(days=3))
    assert (await sweep(factory(world), world.ctx, LEAD)).breached == 0
    assert desk_events(world, start).count("ticket.sla_reminder") == 1


async def test_resolving_late_records_the_breach_for_the_statistics() -> None:
    world = World()
    ticket = await world.open(await world.user(await world.company()))
    agent = AgentActor((await world.agent()).id)
    assert ticket.sla_due_at is not None
    world.clock.set(ticket.sla_due_at + timedelta(minutes=5))
    await world.run(workflow.resolve_ticket, ResolveTicket(agent, ticket.id, "Fixed in 2.3"))
    async with world.uow() as uow:
        marks = await uow.sla_marks.list_for_tickets([ticket.id])
    assert [(m.kind, m.due_at) for m in marks] == [(SlaMarkKind.BREACHED, ticket.sla_due_at)]


async def test_due_marks_ignores_tickets_that_are_not_supports_to_move() -> None:
    world = World()
    ann = await world.user(await world.company())
    now = world.now()
    waiting = await world.seed_ticket(
        ann, TicketStatus.WAITING_CUSTOMER, sla_due_at=now - timedelta(hours=1)
    )
    fresh = await world.seed_ticket(ann, TicketStatus.NEW, sla_due_at=now + timedelta(hours=9))
    soon = await world.seed_ticket(ann, TicketStatus.NEW, sla_due_at=now + timedelta(minutes=9))
    wanted = due_marks([waiting, fresh, soon], [], now, LEAD)
    assert wanted == {soon.id: SlaMarkKind.REMINDED}
