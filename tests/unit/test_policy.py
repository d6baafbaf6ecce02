"""Who may do what: company isolation, own tickets vs the company's, attachments, agents."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime
from typing import Any

import pytest

from core import policy
from core.actors import AgentActor, SystemActor
from core.commands import (
    AddAttachment,
    AddCustomerMessage,
    AddInternalNote,
    AssignTicket,
    FindTicket,
    GetAttachment,
    ListTickets,
    MarkRead,
    ShowTicket,
)
from core.errors import NotFound, PermissionDenied
from core.model import (
    Agent,
    Attachment,
    CustomerUser,
    Platform,
    Priority,
    Role,
    Ticket,
    TicketStatus,
    TicketType,
)
from core.policy import AgentWho, CustomerWho, SystemWho
from core.ports import Scope
from core.services.attachments import add_attachment, get_attachment
from core.services.conversation import add_customer_message, add_internal_note, mark_read
from core.services.queries import find_ticket, list_tickets, show_ticket
from core.services.workflow import assign_ticket
from tests.unit.world import World, agent_actor, customer, new_file


def _user(company: uuid.UUID, role: Role = Role.MEMBER, active: bool = True) -> CustomerWho:
    return CustomerWho(CustomerUser(company, role, "x", active=active))


def _ticket(company: uuid.UUID, reporter: uuid.UUID) -> Ticket:
    return Ticket(
        1,
        company,
        reporter,
        TicketType.ERROR,
        "s",
        "d",
        TicketStatus.NEW,
        Priority.LOW,
        datetime(2025, 1, 1, tzinfo=UTC),
        Platform.TELEGRAM,
        "c",
    )


A, B = uuid.uuid4(), uuid.uuid4()


def test_who_sees_a_ticket() -> None:
    reporter = _user(A)
    ticket = _ticket(A, reporter.user.id)
    assert policy.can_view_ticket(reporter, ticket)
    assert not policy.can_view_ticket(_user(A), ticket)  # a colleague
    assert not policy.can_view_ticket(_user(A, Role.RESTRICTED), ticket)
    assert policy.can_view_ticket(_user(A, Role.SUPER_USER), ticket)
    assert not policy.can_view_ticket(_user(B, Role.SUPER_USER), ticket)
    assert not policy.can_view_ticket(_user(A, Role.SUPER_USER, active=False), ticket)
    assert policy.can_view_ticket(AgentWho(Agent("U1", "Ann")), ticket)
    assert not policy.can_view_ticket(AgentWho(Agent("U2", "Gone", active=False)), ticket)
    assert policy.can_view_ticket(SystemWho(SystemActor()), ticket)


def test_who_downloads_an_attachment() -> None:
    reporter = _user(A)
    boss = _user(A, Role.SUPER_USER)
    ticket = _ticket(A, reporter.user.id)
    agent = AgentWho(Agent("U1", "Ann"))
    at = datetime(2025, 1, 1, tzinfo=UTC)
    by_reporter = Attachment(
        ticket.id, "a", "m", 1, "h", "k", at, uploader_user_id=reporter.user.id
    )
    by_boss = Attachment(ticket.id, "b", "m", 1, "h", "k", at, uploader_user_id=boss.user.id)
    by_agent = Attachment(ticket.id, "c", "m", 1, "h", "k", at, uploader_agent_id=agent.agent.id)

    assert policy.can_download(reporter, by_reporter, ticket)
    assert not policy.can_download(boss, by_reporter, ticket)  # seed 004: not even the company's
    assert policy.can_download(boss, by_boss, ticket)
    assert not policy.can_download(reporter, by_boss, ticket)
    assert policy.can_download(agent, by_reporter, ticket)
    assert policy.can_download(reporter, by_agent, ticket)  # sent to them
    assert not policy.can_download(boss, by_agent, ticket)
    assert not policy.can_download(AgentWho(Agent("U2", "Gone", active=False)), by_reporter, ticket)


# -- through the services ------------------------------------------------------------------


async def test_guessing_another_companys_ticket_ids_finds_nothing(world: World) -> None:
    acme, evil = await world.company(), await world.company("Evil")
    ann = await world.user(acme)
    mallory = await world.user(evil, Role.SUPER_USER)
    ticket = await world.open(ann)
    before = world.store.snapshot()

    probes: list[tuple[Any, Any]] = [
        (ShowTicket(customer(mallory), ticket.id), show_ticket),
        (AddCustomerMessage(customer(mallory), ticket.id, "hi"), add_customer_message),
        (MarkRead(customer(mallory), ticket.id), mark_read),
        (AddAttachment(customer(mallory), ticket.id, new_file()), add_attachment),
        (FindTicket(customer(mallory), ticket.number), find_ticket),
        (ShowTicket(customer(mallory), uuid.uuid4()), show_ticket),
    ]
    for cmd, service in probes:
        with pytest.raises(NotFound) as refused:
            await world.run(service, cmd)
        assert refused.value.code == "ticket-not-found"
    page = await world.run(list_tickets, ListTickets(customer(mallory), scope=Scope.ALL))
    assert page.tickets == []
    # Even a forged company filter cannot widen a customer's list.
    page = await world.run(
        list_tickets, ListTickets(customer(mallory), scope=Scope.ALL, company_id=acme.id)
    )
    assert page.tickets == []
    assert world.store.snapshot() == before


async def test_a_member_sees_own_tickets_a_super_user_the_companys(world: World) -> None:
    acme = await world.company()
    ann, bob = await world.user(acme), await world.user(acme)
    boss = await world.user(acme, Role.SUPER_USER)
    anns, bobs = await world.open(ann, "Ann's"), await world.open(bob, "Bob's")

    with pytest.raises(NotFound):
        await world.run(show_ticket, ShowTicket(customer(ann), bobs.id))
    listed = await world.run(list_tickets, ListTickets(customer(ann)))
    assert [t.id for t in listed.tickets] == [anns.id]
    listed = await world.run(list_tickets, ListTickets(customer(boss)))
    assert {t.id for t in listed.tickets} == {anns.id, bobs.id}
    assert (await world.run(show_ticket, ShowTicket(customer(boss), bobs.id))).ticket.id == bobs.id


async def test_customers_cannot_take_agent_actions(world: World) -> None:
    acme = await world.company()
    ann = await world.user(acme)
    ticket = await world.open(ann)
    with pytest.raises(PermissionDenied):
        # An adapter bug passing a customer's id as an agent's finds no agent.
        await world.run(assign_ticket, AssignTicket(AgentActor(ann.id), ticket.id))


async def test_inactive_agents_and_users_can_do_nothing(world: World) -> None:
    acme = await world.company()
    ann = await world.user(acme)
    gone_user = await world.user(acme, active=False)
    gone = await world.agent("Gone", active=False)
    ticket = await world.open(ann)
    with pytest.raises(PermissionDenied):
        await world.run(add_internal_note, AddInternalNote(agent_actor(gone), ticket.id, "x"))
    with pytest.raises(PermissionDenied):
        await world.run(list_tickets, ListTickets(customer(gone_user)))


async def test_attachment_downloads_follow_seed_004(world: World) -> None:
    acme, other = await world.company(), await world.company("Other")
    ann = await world.user(acme)
    boss = await world.user(acme, Role.SUPER_USER)
    stranger = await world.user(other, Role.SUPER_USER)
    agent = await world.agent()
    ticket = await world.open(ann, files=(new_file("log.txt"),))
    [file] = [a for a in world.store.all("attachments") if a.ticket_id == ticket.id]

    got = await world.run(get_attachment, GetAttachment(customer(ann), file.id))
    assert got.storage_key == file.storage_key
    assert await world.run(get_attachment, GetAttachment(agent_actor(agent), file.id))
    with pytest.raises(PermissionDenied):
        await world.run(get_attachment, GetAttachment(customer(boss), file.id))
    with pytest.raises(NotFound):
        await world.run(get_attachment, GetAttachment(customer(stranger), file.id))
    with pytest.raises(NotFound):
        await world.run(get_attachment, GetAttachment(customer(ann), uuid.uuid4()))
    # The detail a super user sees lists the ticket but not the reporter's file.
    view = await world.run(show_ticket, ShowTicket(customer(boss), ticket.id))
    assert view.attachments == []
    view = await world.run(show_ticket, ShowTicket(customer(ann), ticket.id))
    assert [a.id for a in view.attachments] == [file.id]
