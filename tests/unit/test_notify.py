"""What goes where: events become outbox rows for the customer's chat, the agents' desk, or
the company's super users."""

from __future__ import annotations

import uuid

import pytest

from core import events as ev
from core import notify
from core.commands import AddAttachment, AddCustomerMessage
from core.model import (
    Audience,
    AuthorKind,
    ChatIdentity,
    Platform,
    Role,
    TicketStatus,
)
from core.notify import Target
from core.services.attachments import add_attachment
from core.services.conversation import add_customer_message
from tests.unit.world import World, customer, new_file

C, A, SU = Target.CUSTOMER, Target.AGENTS, Target.SUPER_USERS

# The brief's routing, written out: event type → who hears of it.
EXPECTED = {
    "ticket.opened": {A, C},
    "ticket.authorization_requested": {SU},
    "ticket.authorized": {A, C},
    "ticket.rejected": {C},
    "ticket.customer_message": {A},
    "ticket.customer_message_edited": {A},
    "ticket.agent_reply": {C},
    "ticket.agent_reply_edited": {C},
    "ticket.note": set(),
    "ticket.assigned": {A, C},
    "ticket.status_changed": {A, C},
    "ticket.priority_changed": {A},
    "ticket.expected_close_set": {A, C},
    "ticket.info_requested": {A, C},
    "ticket.resolved": {A, C},
    "ticket.closed": {A, C},
    "ticket.reopened": {A, C},
    "ticket.rated": {A},
    "ticket.extra_message": {A},
    "ticket.support_token_attached": {A},
    "ticket.support_token_revoked": {A},
    "ticket.attachment_added": {A},  # from a customer; an agent's goes to the customer
    "ticket.sla_reminder": {A},
    "ticket.sla_breached": {A},
    "ticket.customer_unreachable": {A},
}


def test_every_event_type_is_routed_as_the_brief_says() -> None:
    assert set(EXPECTED) == set(ev.EVENT_TYPES)
    for event_type, cls in ev.EVENT_TYPES.items():
        assert notify.ROUTES[cls] == EXPECTED[event_type], event_type


@pytest.mark.parametrize("status", [TicketStatus.NEW, TicketStatus.TO_AUTHORIZE])
def test_an_opening_waiting_for_authorization_goes_to_the_customer_only(
    status: TicketStatus,
) -> None:
    event = ev.TicketOpened(
        ticket_id=uuid.uuid4(), number=1, status=status, subject="s", reporter_name="r"
    )
    expected = {C} if status is TicketStatus.TO_AUTHORIZE else {A, C}
    assert notify.targets(event) == expected


@pytest.mark.parametrize(("by", "expected"), [(AuthorKind.CUSTOMER, {A}), (AuthorKind.AGENT, {C})])
def test_a_file_goes_to_the_side_that_did_not_send_it(
    by: AuthorKind, expected: set[Target]
) -> None:
    event = ev.AttachmentAdded(
        ticket_id=uuid.uuid4(), number=1, attachment_id=uuid.uuid4(), file_name="f", by_kind=by
    )
    assert notify.targets(event) == expected


async def test_rows_carry_the_payload_and_are_due_now(world: World) -> None:
    acme = await world.company()
    ann = await world.user(acme, name="ann")
    ticket = await world.open(ann)
    event = ev.TicketRated(ticket_id=ticket.id, number=ticket.number, rating=4)
    world.clock.advance(minutes=1)

    async with world.uow() as uow:
        [row] = await notify.publish(uow, world.now(), ticket, [event])
        await uow.commit()

    assert (row.audience, row.platform, row.chat_id) == (Audience.AGENTS, Platform.SLACK, None)
    assert row.created_at == row.next_attempt_at == world.now()
    assert row.ticket_id == ticket.id
    assert row.payload == event.to_payload()
    assert row.seq is not None


async def test_an_unreachable_chat_falls_back_to_email(world: World) -> None:
    acme = await world.company()
    ann = await world.user(acme, name="ann", email="ann@acme.test", reachable=False)
    bob = await world.user(acme, name="bob", reachable=False)  # no e-mail: the chat it is
    for user, expected in (
        (ann, (Audience.EMAIL, None, "ann@acme.test")),
        (bob, (Audience.CUSTOMER, Platform.TELEGRAM, "chat-bob")),
    ):
        ticket = await world.open(user)
        customer_rows = [
            m
            for m in world.outbox()
            if m.ticket_id == ticket.id and m.audience is not Audience.AGENTS
        ]
        assert [(m.audience, m.platform, m.chat_id) for m in customer_rows] == [expected]


async def test_authorization_requests_reach_every_chat_of_every_active_super_user(
    world: World,
) -> None:
    acme = await world.company()
    boss = await world.user(acme, Role.SUPER_USER, "boss")
    await world.user(acme, Role.SUPER_USER, "retired", active=False)
    async with world.uow() as uow:
        await uow.identities.add(ChatIdentity(Platform.SLACK, "U-boss", "D-boss", user_id=boss.id))
        await uow.commit()
    rita = await world.user(acme, Role.RESTRICTED, "rita")
    before = world.last_seq()

    await world.open(rita)

    requests = {
        (m.platform, m.chat_id)
        for m in world.outbox(since=before)
        if m.event_type == "ticket.authorization_requested"
    }
    assert requests == {(Platform.TELEGRAM, "chat-boss"), (Platform.SLACK, "D-boss")}


async def test_agents_hear_nothing_of_a_ticket_before_it_is_authorized(world: World) -> None:
    acme = await world.company()
    rita = await world.user(acme, Role.RESTRICTED, "rita")
    ticket = await world.open(rita)
    before = world.last_seq()

    await world.run(
        add_customer_message, AddCustomerMessage(customer(rita), ticket.id, "more detail")
    )
    await world.run(add_attachment, AddAttachment(customer(rita), ticket.id, new_file()))

    assert world.outbox(since=before) == []
    assert len(await world.entries(ticket)) == 1  # recorded all the same
