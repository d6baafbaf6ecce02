"""The lifecycle table, checked pair by pair and actor by actor, both on its own and through
the services that move tickets."""

from __future__ import annotations

import itertools
from collections.abc import Awaitable, Callable
from datetime import timedelta
from typing import Any

import pytest

from core import lifecycle
from core.actors import SystemActor
from core.commands import (
    AuthorizeTicket,
    ChangeStatus,
    CloseTicket,
    ConfirmResolved,
    RejectTicket,
    ReopenTicket,
    ReportNotSolved,
)
from core.errors import InvalidTransition, NotFound, PermissionDenied
from core.lifecycle import Party
from core.model import CustomerUser, EntryKind, Role, Ticket, TicketStatus
from core.services.tickets import authorize_ticket, reject_ticket
from core.services.workflow import (
    change_status,
    close_ticket,
    confirm_resolved,
    reopen_ticket,
    report_not_solved,
)
from tests.unit.world import World, agent_actor, customer

S = TicketStatus
P = Party

# The SPEC's lifecycle, written out independently of core.lifecycle: (from, to) → who.
# "C*" marks a customer move allowed only within the reopen window.
EXPECTED: dict[tuple[S, S], set[str]] = {
    (S.TO_AUTHORIZE, S.NEW): {"SU"},
    (S.TO_AUTHORIZE, S.REJECTED): {"SU"},
    (S.NEW, S.IN_PROGRESS): {"A"},
    (S.IN_PROGRESS, S.WAITING_CUSTOMER): {"A"},
    (S.WAITING_CUSTOMER, S.IN_PROGRESS): {"A", "SYS"},
    (S.NEW, S.RESOLVED): {"A"},
    (S.IN_PROGRESS, S.RESOLVED): {"A"},
    (S.WAITING_CUSTOMER, S.RESOLVED): {"A"},
    (S.RESOLVED, S.CLOSED): {"C", "A", "SYS"},
    (S.RESOLVED, S.IN_PROGRESS): {"C*", "A"},
    (S.CLOSED, S.IN_PROGRESS): {"A"},
}
PARTY_SETS = {
    "member": frozenset({P.CUSTOMER}),
    "super_user": frozenset({P.CUSTOMER, P.SUPER_USER}),
    "agent": frozenset({P.AGENT}),
    "system": frozenset({P.SYSTEM}),
    "nobody": frozenset(),
}
_CODE = {"member": {"C"}, "super_user": {"C", "SU"}, "agent": {"A"}, "system": {"SYS"}}


def _expected(source: S, target: S, who: str, window_open: bool) -> bool:
    allowed = EXPECTED.get((source, target), set())
    codes = _CODE.get(who, set())
    if codes & allowed:
        return True
    return bool("C" in codes and "C*" in allowed and window_open)


@pytest.mark.parametrize("window_open", [True, False])
@pytest.mark.parametrize("who", list(PARTY_SETS))
@pytest.mark.parametrize(("source", "target"), list(itertools.product(S, S)))
def test_check_matches_the_spec(source: S, target: S, who: str, window_open: bool) -> None:
    parties = PARTY_SETS[who]
    if _expected(source, target, who, window_open):
        assert lifecycle.check(source, target, parties, window_open=window_open).target is target
    else:
        with pytest.raises(InvalidTransition) as refused:
            lifecycle.check(source, target, parties, window_open=window_open)
        assert refused.value.params["from"] == source
        assert refused.value.params["to"] == target


def test_the_table_has_exactly_the_specs_edges() -> None:
    assert {(t.source, t.target) for t in lifecycle.TRANSITIONS} == set(EXPECTED)


def test_allowed_targets_lists_where_a_party_may_go() -> None:
    assert set(lifecycle.allowed_targets(S.IN_PROGRESS, frozenset({P.AGENT}))) == {
        S.WAITING_CUSTOMER,
        S.RESOLVED,
    }
    assert lifecycle.allowed_targets(S.NEW, frozenset({P.CUSTOMER})) == []


# -- through the services ------------------------------------------------------------------

CustomerMove = Callable[[World, Ticket, CustomerUser], Awaitable[Ticket]]


async def _authorize(w: World, t: Ticket, who: CustomerUser) -> Ticket:
    return await w.run(authorize_ticket, AuthorizeTicket(customer(who), t.id))


async def _reject(w: World, t: Ticket, who: CustomerUser) -> Ticket:
    return await w.run(reject_ticket, RejectTicket(customer(who), t.id, "no"))


async def _confirm(w: World, t: Ticket, who: CustomerUser) -> Ticket:
    return await w.run(confirm_resolved, ConfirmResolved(customer(who), t.id))


async def _reopen(w: World, t: Ticket, who: CustomerUser) -> Ticket:
    return await w.run(reopen_ticket, ReopenTicket(customer(who), t.id))


# The service a customer uses to ask for each target status (customers have no other).
CUSTOMER_MOVES: dict[S, CustomerMove] = {
    S.NEW: _authorize,
    S.REJECTED: _reject,
    S.CLOSED: _confirm,
    S.IN_PROGRESS: _reopen,
}


async def _cast(world: World) -> tuple[dict[str, Any], CustomerUser]:
    acme, other = await world.company(), await world.company("Other")
    reporter = await world.user(acme, Role.RESTRICTED, "rita")
    people: dict[str, Any] = {
        "reporter": reporter,
        "super_user": await world.user(acme, Role.SUPER_USER, "boss"),
        "colleague": await world.user(acme, Role.MEMBER, "colleague"),
        "stranger_su": await world.user(other, Role.SUPER_USER, "stranger"),
        "agent": await world.agent("Ann"),
        "inactive_agent": await world.agent("Gone", active=False),
    }
    return people, reporter


async def _assert_moved(world: World, ticket: Ticket, moved: Ticket, source: S, target: S) -> None:
    assert moved.status is target
    assert (await world.ticket(ticket)).status is target
    entry = (await world.entries(ticket))[-1]
    assert entry.kind is EntryKind.STATUS_CHANGE
    assert entry.data == {"from": source, "to": target}
    assert entry.created_at == world.now()


@pytest.mark.parametrize("actor", ["agent", "inactive_agent"])
@pytest.mark.parametrize(("source", "target"), list(itertools.product(S, S)))
async def test_every_agent_move(world: World, source: S, target: S, actor: str) -> None:
    people, reporter = await _cast(world)
    ticket = await world.seed_ticket(reporter, source)
    cmd = ChangeStatus(agent_actor(people[actor]), ticket.id, target, "the fix")
    before = world.store.snapshot()

    if actor == "inactive_agent":
        with pytest.raises(PermissionDenied):
            await world.run(change_status, cmd)
    elif source is target:
        # Picking the current status is a no-op, not an error.
        assert (await world.run(change_status, cmd)).status is source
    elif _expected(source, target, "agent", window_open=False):
        await _assert_moved(world, ticket, await world.run(change_status, cmd), source, target)
        return
    else:
        with pytest.raises(InvalidTransition):
            await world.run(change_status, cmd)
    assert world.store.snapshot() == before  # a refused command changes nothing


CUSTOMERS = ["reporter", "super_user", "colleague", "stranger_su"]


@pytest.mark.parametrize("actor", CUSTOMERS)
@pytest.mark.parametrize(
    ("source", "target"), [(s, t) for s in S for t in CUSTOMER_MOVES if s is not t]
)
async def test_every_customer_move(world: World, source: S, target: S, actor: str) -> None:
    people, reporter = await _cast(world)
    ticket = await world.seed_ticket(reporter, source)
    move = CUSTOMER_MOVES[target]
    party = "super_user" if actor == "super_user" else "member"
    before = world.store.snapshot()

    if actor in ("colleague", "stranger_su"):
        with pytest.raises(NotFound):  # they may not even know it exists
            await move(world, ticket, people[actor])
    elif _expected(source, target, party, window_open=True):
        await _assert_moved(world, ticket, await move(world, ticket, people[actor]), source, target)
        return
    else:
        with pytest.raises((InvalidTransition, PermissionDenied)):
            await move(world, ticket, people[actor])
    assert world.store.snapshot() == before  # a refused command changes nothing


async def test_customers_reopen_only_within_the_window(world: World) -> None:
    acme = await world.company()
    ann = await world.user(acme)
    agent = await world.agent()
    ticket = await world.seed_ticket(ann, S.RESOLVED)

    world.clock.advance(world.ctx.config.reopen_window - timedelta(seconds=1))
    reopened = await world.run(report_not_solved, ReportNotSolved(customer(ann), ticket.id, "no"))
    assert reopened.status is S.IN_PROGRESS
    assert reopened.resolved_at is None

    late = await world.seed_ticket(ann, S.RESOLVED)
    world.clock.advance(world.ctx.config.reopen_window)
    with pytest.raises(InvalidTransition) as refused:
        await world.run(reopen_ticket, ReopenTicket(customer(ann), late.id))
    assert refused.value.code == "reopen-expired"
    # An agent reopens at any time, a closed ticket too.
    closed = await world.seed_ticket(ann, S.CLOSED)
    assert (
        await world.run(reopen_ticket, ReopenTicket(agent_actor(agent), closed.id))
    ).status is S.IN_PROGRESS
    with pytest.raises(InvalidTransition):
        await world.run(reopen_ticket, ReopenTicket(customer(ann), closed.id))


async def test_system_closes_only_resolved_tickets(world: World) -> None:
    acme = await world.company()
    ann = await world.user(acme)
    resolved = await world.seed_ticket(ann, S.RESOLVED)
    active = await world.seed_ticket(ann, S.IN_PROGRESS)
    closed = await world.run(close_ticket, CloseTicket(SystemActor(), resolved.id))
    assert closed.status is S.CLOSED
    assert closed.closed_at == world.now()
    with pytest.raises(InvalidTransition):
        await world.run(close_ticket, CloseTicket(SystemActor(), active.id))
