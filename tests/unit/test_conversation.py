"""Talking on a ticket: messages both ways, notes, requests for info, edits, read markers."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime, timedelta

import pytest

from core import sla
from core.actors import AgentActor, CustomerActor
from core.commands import (
    AddAgentReply,
    AddCustomerMessage,
    AddInternalNote,
    EditAgentReply,
    EditCustomerMessage,
    ListTickets,
    MarkRead,
    PlatformMessage,
    RequestInfo,
    ResolveTicket,
    ShowTicket,
)
from core.errors import InvalidTransition, NotFound, TicketClosed, ValidationError
from core.model import Audience, EntryKind, Platform, Role, TicketStatus
from core.ports import Scope
from core.services.conversation import (
    add_agent_reply,
    add_customer_message,
    add_internal_note,
    edit_agent_reply,
    edit_customer_message,
    mark_read,
    request_info,
)
from core.services.queries import list_tickets, show_ticket
from core.services.workflow import resolve_ticket
from tests.unit.world import World, agent_actor, customer, new_file

S = TicketStatus


async def test_a_customer_message_goes_to_agents_only(world: World) -> None:
    acme = await world.company()
    ann = await world.user(acme, name="ann")
    ticket = await world.open(ann)
    before = world.last_seq()
    source = PlatformMessage(Platform.TELEGRAM, "chat-ann", "77")

    entry = await world.run(
        add_customer_message,
        AddCustomerMessage(customer(ann), ticket.id, " <!channel> look ", source=source),
    )

    assert entry.text == "<!channel> look"  # verbatim; escaping is the Slack renderer's job
    assert entry.author_user_id == ann.id
    [message] = world.outbox(since=before)
    assert (message.audience, message.event_type) == (Audience.AGENTS, "ticket.customer_message")
    assert message.payload["entry_id"] == str(entry.id)
    async with world.uow() as uow:
        ref = await uow.refs.find(Platform.TELEGRAM, "chat-ann", "77")
    assert ref is not None
    assert ref.entry_id == entry.id


async def test_the_same_chat_message_again_is_on_the_ticket_once(world: World) -> None:
    """Its update redelivered after a crash that followed the core's commit: the entry it
    made comes back, nothing is added or told twice, and a closed ticket does not refuse it."""
    acme = await world.company()
    ann = await world.user(acme)
    ticket = await world.open(ann)
    source = PlatformMessage(Platform.TELEGRAM, "chat-ann", "78")
    command = AddCustomerMessage(customer(ann), ticket.id, "Any news?", source=source)
    first = await world.run(add_customer_message, command)
    before = world.last_seq()
    await world.run(
        resolve_ticket, ResolveTicket(agent_actor(await world.agent()), ticket.id, "Fixed.")
    )
    again = await world.run(add_customer_message, command)
    assert again.id == first.id
    assert [
        m for m in world.outbox(since=before) if m.event_type.startswith("ticket.customer")
    ] == []
    other = PlatformMessage(Platform.TELEGRAM, "chat-ann", "79")
    with pytest.raises(TicketClosed):
        await world.run(add_customer_message, replace(command, source=other))


async def test_a_message_needs_words_or_files(world: World) -> None:
    acme = await world.company()
    ann = await world.user(acme)
    ticket = await world.open(ann)
    with pytest.raises(ValidationError):
        await world.run(add_customer_message, AddCustomerMessage(customer(ann), ticket.id, "  "))
    entry = await world.run(
        add_customer_message,
        AddCustomerMessage(customer(ann), ticket.id, "", files=(new_file("shot.png"),)),
    )
    [message] = [m for m in world.outbox() if m.event_type == "ticket.customer_message"]
    assert len(message.payload["attachment_ids"]) == 1
    assert entry.text == ""


async def test_a_message_on_a_resolved_ticket_offers_reopening_within_the_window(
    world: World,
) -> None:
    acme = await world.company()
    ann = await world.user(acme)
    resolved = await world.seed_ticket(ann, S.RESOLVED)
    closed = await world.seed_ticket(ann, S.CLOSED)
    rejected = await world.seed_ticket(ann, S.REJECTED)

    with pytest.raises(TicketClosed) as refused:
        await world.run(add_customer_message, AddCustomerMessage(customer(ann), resolved.id, "x"))
    assert refused.value.reopen_allowed
    assert refused.value.params["number"] == resolved.number
    for ticket in (closed, rejected):
        with pytest.raises(TicketClosed) as refused:
            await world.run(add_customer_message, AddCustomerMessage(customer(ann), ticket.id, "x"))
        assert not refused.value.reopen_allowed
    world.clock.advance(world.ctx.config.reopen_window)
    with pytest.raises(TicketClosed) as refused:
        await world.run(add_customer_message, AddCustomerMessage(customer(ann), resolved.id, "x"))
    assert not refused.value.reopen_allowed
    assert len(await world.entries(resolved)) == 0


async def test_the_answer_to_a_question_takes_the_ticket_back_to_support(world: World) -> None:
    acme = await world.company()
    ann = await world.user(acme, name="ann")
    agent = await world.agent("Ann Agent")
    ticket = await world.open(ann)
    await world.run(request_info, RequestInfo(agent_actor(agent), ticket.id, "Which version?"))
    assert (await world.ticket(ticket)).status is S.WAITING_CUSTOMER
    before = world.last_seq()

    await world.run(add_customer_message, AddCustomerMessage(customer(ann), ticket.id, "7.1"))

    assert (await world.ticket(ticket)).status is S.IN_PROGRESS
    move = (await world.entries(ticket))[-1]
    assert (move.kind, move.author_kind.value) == (EntryKind.STATUS_CHANGE, "system")
    assert world.sent(since=before) == [
        (Audience.AGENTS, None, "ticket.customer_message"),
        (Audience.CUSTOMER, "chat-ann", "ticket.status_changed"),
        (Audience.AGENTS, None, "ticket.status_changed"),
    ]


async def test_a_customer_edits_only_own_messages_and_agents_see_it(world: World) -> None:
    acme = await world.company()
    ann = await world.user(acme)
    boss = await world.user(acme, Role.SUPER_USER)
    ticket = await world.open(ann)
    entry = await world.run(
        add_customer_message, AddCustomerMessage(customer(ann), ticket.id, "typo")
    )
    world.clock.advance(minutes=1)
    before = world.last_seq()

    edited = await world.run(
        edit_customer_message, EditCustomerMessage(customer(ann), entry.id, "fixed")
    )

    assert (edited.text, edited.edited_at) == ("fixed", world.now())
    assert world.sent(since=before) == [(Audience.AGENTS, None, "ticket.customer_message_edited")]
    with pytest.raises(NotFound):
        await world.run(edit_customer_message, EditCustomerMessage(customer(boss), entry.id, "x"))
    # The same text again (Telegram re-sends edits of captions) changes nothing.
    before = world.last_seq()
    await world.run(edit_customer_message, EditCustomerMessage(customer(ann), entry.id, "fixed"))
    assert world.sent(since=before) == []


async def test_the_first_reply_takes_a_new_ticket(world: World) -> None:
    acme = await world.company()
    ann = await world.user(acme, name="ann")
    agent = await world.agent("Ann Agent")
    ticket = await world.open(ann)
    world.clock.advance(minutes=5)
    before = world.last_seq()

    entry = await world.run(
        add_agent_reply, AddAgentReply(agent_actor(agent), ticket.id, "Looking into it")
    )

    stored = await world.ticket(ticket)
    assert stored.status is S.IN_PROGRESS
    assert stored.assignee_id == agent.id
    assert stored.first_response_at == world.now()
    to_customer = [m for m in world.outbox(since=before) if m.audience is Audience.CUSTOMER]
    # Who took the ticket, then what they said; no separate "in progress" before an answer.
    assert [m.event_type for m in to_customer] == ["ticket.assigned", "ticket.agent_reply"]
    reply = to_customer[-1]
    assert reply.chat_id == "chat-ann"
    assert reply.payload["agent_name"] == "Ann Agent"
    assert reply.payload["entry_id"] == str(entry.id)
    assert {e for _, _, e in world.sent(since=before)} == {
        "ticket.agent_reply",
        "ticket.assigned",
    }
    history = [e.kind for e in await world.entries(stored)]
    assert EntryKind.STATUS_CHANGE in history, "the move is still recorded"
    # A second reply keeps the first response time and the assignee.
    other = await world.agent("Other")
    world.clock.advance(minutes=5)
    await world.run(add_agent_reply, AddAgentReply(agent_actor(other), ticket.id, "More"))
    again = await world.ticket(ticket)
    assert (again.assignee_id, again.first_response_at) == (agent.id, stored.first_response_at)


async def test_agents_do_not_answer_tickets_waiting_for_authorization(world: World) -> None:
    acme = await world.company()
    rita = await world.user(acme, Role.RESTRICTED)
    agent = await world.agent()
    ticket = await world.open(rita)
    with pytest.raises(InvalidTransition) as refused:
        await world.run(add_agent_reply, AddAgentReply(agent_actor(agent), ticket.id, "hi"))
    assert refused.value.code == "ticket-not-authorized"


async def test_notes_never_reach_the_customer(world: World) -> None:
    acme = await world.company()
    ann = await world.user(acme)
    agent = await world.agent()
    ticket = await world.open(ann)
    before = world.last_seq()

    note = await world.run(
        add_internal_note, AddInternalNote(agent_actor(agent), ticket.id, "customer is rude")
    )
    await world.run(edit_agent_reply, EditAgentReply(agent_actor(agent), note.id, "be patient"))

    assert world.outbox(since=before) == []
    view = await world.run(show_ticket, ShowTicket(customer(ann), ticket.id))
    assert [e.kind for e in view.entries] == []
    agents_view = await world.run(show_ticket, ShowTicket(agent_actor(agent), ticket.id))
    assert [e.text for e in agents_view.entries] == ["be patient"]


async def test_an_agent_edits_own_reply_and_the_customers_copy_follows(world: World) -> None:
    acme = await world.company()
    ann = await world.user(acme, name="ann")
    agent, other = await world.agent(), await world.agent("Other")
    ticket = await world.open(ann)
    reply = await world.run(add_agent_reply, AddAgentReply(agent_actor(agent), ticket.id, "Hi"))
    before = world.last_seq()

    with pytest.raises(NotFound):
        await world.run(edit_agent_reply, EditAgentReply(agent_actor(other), reply.id, "x"))
    await world.run(edit_agent_reply, EditAgentReply(agent_actor(agent), reply.id, "Hello"))

    assert world.sent(since=before) == [
        (Audience.CUSTOMER, "chat-ann", "ticket.agent_reply_edited")
    ]


async def test_request_info_pauses_the_sla_and_the_answer_resumes_it(world: World) -> None:
    acme = await world.company()
    ann = await world.user(acme)
    agent = await world.agent()
    ticket = await world.open(ann)
    due = ticket.sla_due_at
    assert due is not None
    world.clock.advance(hours=1)  # Monday 11:00: one business hour used

    before = world.last_seq()
    await world.run(request_info, RequestInfo(agent_actor(agent), ticket.id, "Screenshot?"))
    waiting = await world.ticket(ticket)
    assert waiting.status is S.WAITING_CUSTOMER
    assert waiting.sla_due_at is None
    # Medium: 3 business days of 8 h, one hour of it used.
    assert waiting.sla_remaining == timedelta(hours=23)
    # One push: the question, not an "in progress" a second before it.
    assert {e for _, _, e in world.sent(since=before)} == {
        "ticket.info_requested",
        "ticket.assigned",
    }
    moves = [e.data for e in await world.entries(ticket) if e.kind is EntryKind.STATUS_CHANGE]
    assert moves == [
        {"from": "new", "to": "in_progress"},
        {"from": "in_progress", "to": "waiting_customer"},
    ]

    world.clock.advance(days=2)  # Wednesday: the two days of waiting do not count
    await world.run(add_customer_message, AddCustomerMessage(customer(ann), ticket.id, "here"))
    resumed = await world.ticket(ticket)
    assert resumed.sla_remaining is None
    assert resumed.sla_due_at == sla.add_business_time(
        world.now(), timedelta(hours=23), acme.calendar
    )
    # Due Thursday 10:00 UTC before the wait; two business days later, over the weekend.
    assert (due, resumed.sla_due_at) == (
        datetime(2025, 3, 6, 10, tzinfo=UTC),
        datetime(2025, 3, 10, 10, tzinfo=UTC),
    )


async def test_asking_again_while_waiting_just_asks(world: World) -> None:
    acme = await world.company()
    ann = await world.user(acme)
    agent = await world.agent()
    ticket = await world.open(ann)
    await world.run(request_info, RequestInfo(agent_actor(agent), ticket.id, "A?"))
    await world.run(request_info, RequestInfo(agent_actor(agent), ticket.id, "And B?"))
    entries = await world.entries(ticket)
    assert [e.data.get("request_info") for e in entries if e.kind is EntryKind.AGENT_REPLY] == [
        True,
        True,
    ]
    assert (await world.ticket(ticket)).status is S.WAITING_CUSTOMER
    resolved = await world.seed_ticket(ann, S.RESOLVED)
    with pytest.raises(InvalidTransition):
        await world.run(request_info, RequestInfo(agent_actor(agent), resolved.id, "?"))


async def test_unread_counts_both_ways(world: World) -> None:
    acme = await world.company()
    ann = await world.user(acme)
    agent = await world.agent()
    ticket = await world.open(ann)

    async def unread(actor: CustomerActor | AgentActor) -> int:
        page = await world.run(list_tickets, ListTickets(actor, scope=Scope.ALL))
        return page.unread[ticket.id]

    for text in ("one", "two"):
        await world.run(add_customer_message, AddCustomerMessage(customer(ann), ticket.id, text))
    assert await unread(agent_actor(agent)) == 2  # support's ?? marker
    assert await unread(customer(ann)) == 0

    await world.run(add_internal_note, AddInternalNote(agent_actor(agent), ticket.id, "hm"))
    assert await unread(agent_actor(agent)) == 0  # acting on a ticket means having read it
    assert await unread(customer(ann)) == 0  # notes are not for the customer

    await world.run(add_agent_reply, AddAgentReply(agent_actor(agent), ticket.id, "Fixed?"))
    await world.run(resolve_ticket, ResolveTicket(agent_actor(agent), ticket.id, "Patched"))
    assert await unread(customer(ann)) == 3  # the reply, "in progress" and the resolution
    view = await world.run(show_ticket, ShowTicket(customer(ann), ticket.id))
    assert view.unread == 3
    assert await world.run(mark_read, MarkRead(customer(ann), ticket.id)) == 3
    assert await unread(customer(ann)) == 0
    assert await world.run(mark_read, MarkRead(customer(ann), ticket.id)) == 0
