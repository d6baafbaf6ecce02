"""A customer the bot cannot reach: the outbox stops trying, the agents are told once in the
ticket's thread, and what the chat never got goes to the customer's e-mail address."""

from __future__ import annotations

import uuid
from datetime import timedelta

import pytest

from bot.email_sender import EmailSender, plain_text
from bot.pushes import PushRenderer
from core import events as ev
from core.delivery import DeliveryPolicy, RetryLater, Unreachable, deliver_due
from core.giving_up import tell_and_reroute
from core.model import Audience, ChatIdentity, OutboxMessage, Platform
from core.ports import UnitOfWorkFactory
from tests.integration import builders as make
from tests.integration.builders import T0
from tests.integration.test_delivery_worker import SENDERS_KEY, Clock, RecordingSender
from tests.mailroom import MailRoom, SmtpServer, free_port

CHAT = "1001"


async def _ticket_with_customer(
    uow_factory: UnitOfWorkFactory, email: str | None = "anna@example.com"
) -> tuple[uuid.UUID, int]:
    async with uow_factory() as uow:
        reporter = await make.add_customer(uow, email=email, language="en")
        await uow.identities.add(
            ChatIdentity(
                platform=Platform.TELEGRAM,
                platform_user_id="501",
                chat_id=CHAT,
                user_id=reporter.id,
            )
        )
        ticket = make.ticket(await uow.tickets.next_number(), reporter)
        await uow.tickets.add(ticket)
        await uow.commit()
    return ticket.id, ticket.number


def _reply(ticket_id: uuid.UUID, number: int, text: str) -> OutboxMessage:
    event = ev.AgentReplied(
        ticket_id=ticket_id,
        number=number,
        entry_id=uuid.uuid4(),
        agent_id=uuid.uuid4(),
        agent_name="Alice",
        text=text,
    )
    return make.outbox_message(
        CHAT, event_type=event.event_type, payload=event.to_payload(), ticket_id=ticket_id
    )


async def _outbox(uow_factory: UnitOfWorkFactory, *messages: OutboxMessage) -> None:
    async with uow_factory() as uow:
        for message in messages:
            await uow.outbox.add(message)
        await uow.commit()


async def _rows(uow_factory: UnitOfWorkFactory, ticket_id: uuid.UUID) -> list[OutboxMessage]:
    """Every outbox row about the ticket, as stored (pending or not)."""
    found: list[OutboxMessage] = []
    async with uow_factory(read_only=True) as uow:
        for key in (f"agents:{ticket_id}", "email::anna@example.com"):
            found += await uow.outbox.pending_for_key(key)
    return found


class BlockedChat(RecordingSender):
    async def send(self, message: OutboxMessage) -> None:
        raise Unreachable("Forbidden: bot was blocked by the user", why="blocked")


async def test_a_blocked_customer_is_given_up_at_once_agents_told_once_mail_sent(
    uow_factory: UnitOfWorkFactory,
) -> None:
    ticket_id, number = await _ticket_with_customer(uow_factory)
    replies = [_reply(ticket_id, number, f"Answer {n}") for n in range(3)]
    await _outbox(uow_factory, *replies)
    clock = Clock()

    outcome = await deliver_due(
        uow_factory, {SENDERS_KEY: BlockedChat()}, clock, on_give_up=tell_and_reroute
    )

    assert outcome.failed == 1  # one attempt: the two queued behind it are given up with it
    async with uow_factory(read_only=True) as uow:
        assert await uow.outbox.pending_for_key(f"customer:telegram:{CHAT}") == []
        for reply in replies:
            row = await uow.outbox.get(reply.id)
            assert row is not None
            assert row.failed_at == clock.now()
    waiting = await _rows(uow_factory, ticket_id)
    notices = [m for m in waiting if m.audience is Audience.AGENTS]
    mails = [m for m in waiting if m.audience is Audience.EMAIL]
    assert len(notices) == 1
    told = ev.event_from_payload(notices[0].event_type, notices[0].payload)
    assert told == ev.CustomerUnreachable(
        ticket_id=ticket_id, number=number, why="blocked", by_email=True
    )
    assert [m.payload["text"] for m in mails] == ["Answer 0", "Answer 1", "Answer 2"]
    assert {m.chat_id for m in mails} == {"anna@example.com"}


async def test_without_an_email_address_the_agents_are_told_so(
    uow_factory: UnitOfWorkFactory,
) -> None:
    ticket_id, number = await _ticket_with_customer(uow_factory, email=None)
    await _outbox(uow_factory, _reply(ticket_id, number, "Answer"))
    await deliver_due(
        uow_factory, {SENDERS_KEY: BlockedChat()}, Clock(), on_give_up=tell_and_reroute
    )
    [notice] = await _rows(uow_factory, ticket_id)
    assert notice.payload["by_email"] is False


async def test_retries_exhausted_after_the_configured_time_tell_the_agents(
    uow_factory: UnitOfWorkFactory,
) -> None:
    ticket_id, number = await _ticket_with_customer(uow_factory)
    reply = _reply(ticket_id, number, "Answer")
    await _outbox(uow_factory, reply)
    policy = DeliveryPolicy(give_up_after=timedelta(minutes=10), backoff_base_seconds=60)
    clock, tried = Clock(), 0
    senders = {SENDERS_KEY: FailingSender()}
    while not (
        await deliver_due(uow_factory, senders, clock, policy, None, None, tell_and_reroute)
    ).failed:
        tried += 1
        clock.advance(240)
    assert clock.now() - T0 >= timedelta(minutes=10)
    assert tried == 3  # at 0, 4 and 8 minutes; given up at 12
    [notice, mail] = sorted(await _rows(uow_factory, ticket_id), key=lambda m: m.audience)
    assert (notice.payload["why"], notice.payload["by_email"]) == ("exhausted", True)
    assert mail.payload["text"] == "Answer"


class FailingSender:
    async def send(self, message: OutboxMessage) -> None:
        raise RetryLater("HTTP 502")


async def test_a_super_users_blocked_chat_is_not_the_desks_business(
    uow_factory: UnitOfWorkFactory,
) -> None:
    ticket_id, _number = await _ticket_with_customer(uow_factory)
    other = make.outbox_message("2002", ticket_id=ticket_id, payload={"n": 1})
    await _outbox(uow_factory, other)
    await deliver_due(
        uow_factory, {SENDERS_KEY: BlockedChat()}, Clock(), on_give_up=tell_and_reroute
    )
    assert await _rows(uow_factory, ticket_id) == []


@pytest.fixture
async def smtp() -> SmtpServer:
    server = SmtpServer(MailRoom(), free_port())
    server.start()
    yield server  # type: ignore[misc]
    server.stop()


async def test_the_email_sender_mails_the_push_in_plain_text(
    uow_factory: UnitOfWorkFactory, smtp: SmtpServer
) -> None:
    ticket_id, number = await _ticket_with_customer(uow_factory)
    await _outbox(uow_factory, _reply(ticket_id, number, "Restart <the> service & retry"))
    senders = {
        SENDERS_KEY: BlockedChat(),
        (Audience.EMAIL, None): EmailSender(smtp.mailer(), PushRenderer(uow_factory)),
    }
    clock = Clock()
    await deliver_due(uow_factory, senders, clock, on_give_up=tell_and_reroute)
    outcome = await deliver_due(uow_factory, senders, clock, on_give_up=tell_and_reroute)
    assert outcome.delivered == 1
    mail = smtp.room.last_to("anna@example.com")
    body = mail.get_content()
    assert "Restart <the> service & retry" in body
    assert "Alice" in body
    assert f"#{number}" in body
    assert "<b>" not in body
    assert "&amp;" not in body
    assert mail["Subject"]
    assert f"#{number}" in mail["Subject"]


def test_plain_text_keeps_link_addresses() -> None:
    assert plain_text('<b>Hi</b> see <a href="https://x.test/a?b=1&amp;c=2">the page</a>') == (
        "Hi see the page (https://x.test/a?b=1&c=2)"
    )
    assert plain_text('<a href="https://x.test">https://x.test</a> &lt;3') == "https://x.test <3"
