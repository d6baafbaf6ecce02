"""The support desk in Slack, end to end: real core services write the outbox, core.delivery
hands it to SlackDeskSender, a real slack_sdk AsyncWebClient talks to the Slack emulator, and
we look at #support the way an agent would."""

from __future__ import annotations

import hashlib
from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

import aiohttp
import pytest
from slack_sdk.web.async_client import AsyncWebClient

from adapters.slack.emulator import Message, SlackEmulator
from adapters.slack.sender import SlackDeskSender
from core.actors import AgentActor, CustomerActor
from core.commands import (
    AddAttachment,
    AddCustomerMessage,
    AssignTicket,
    AttachSupportToken,
    AuthorizeTicket,
    ChangeStatus,
    CloseTicket,
    CreateSupportToken,
    EditCustomerMessage,
    NewFile,
    OpenTicket,
    RateTicket,
    ReopenTicket,
    RequestInfo,
    ResolveTicket,
    RevokeSupportToken,
    SendExtraMessage,
    SetExpectedClose,
    SetPriority,
)
from core.context import Context, EngineConfig, SystemSecrets
from core.delivery import (
    Outcome,
    PermanentFailure,
    RetryLater,
    SenderKey,
    deliver_due,
)
from core.model import (
    Agent,
    Audience,
    ChatIdentity,
    Company,
    CustomerUser,
    MessageRef,
    OutboxMessage,
    Platform,
    Priority,
    Product,
    Role,
    Ticket,
    TicketStatus,
    TicketType,
)
from core.ports import Sender
from core.services import attachments, conversation, support_tokens, tickets, workflow
from storage.files import LocalFileStore
from storage.uow import SqlUnitOfWorkFactory

T0 = datetime(2026, 3, 2, 8, 0, tzinfo=UTC)  # a Monday, 9:00 in Warsaw
PNG = bytes(range(256)) * 300 + b"screenshot"


class TickingClock:
    """Each reading is a second later, so every row gets its own time, as in real life."""

    def __init__(self) -> None:
        self.current = T0

    def now(self) -> datetime:
        self.current += timedelta(seconds=1)
        return self.current

    def advance(self, seconds: float) -> None:
        self.current += timedelta(seconds=seconds)


class Discard:
    """The customers' side is another test's business: their messages just go."""

    async def send(self, message: OutboxMessage) -> None:
        return None


# -- fixtures ---------------------------------------------------------------------------------


@pytest.fixture
async def emu() -> AsyncIterator[SlackEmulator]:
    async with SlackEmulator() as emulator:
        yield emulator


@pytest.fixture
def uow_factory(sqlite_uow_factory: SqlUnitOfWorkFactory) -> SqlUnitOfWorkFactory:
    return sqlite_uow_factory


@dataclass
class Desk:
    emu: SlackEmulator
    uow_factory: SqlUnitOfWorkFactory
    files: LocalFileStore
    clock: TickingClock
    ctx: Context
    sender: SlackDeskSender
    anna: CustomerActor  # a member
    jan: CustomerActor  # the company's super user
    rita: CustomerActor  # restricted: her tickets wait for Jan
    alice: Agent  # Slack user "alice" of the emulator
    bob: Agent

    @property
    def channel(self) -> str:
        return self.emu.ws.channel("support").id

    def senders(self, sender: Sender | None = None) -> dict[SenderKey, Sender]:
        return {
            (Audience.AGENTS, Platform.SLACK): sender or self.sender,
            (Audience.CUSTOMER, Platform.TELEGRAM): Discard(),
        }

    async def deliver(self, sender: Sender | None = None) -> Outcome:
        """Deliver everything due, pass after pass, as the worker would."""
        total = Outcome()
        for _ in range(20):
            done = await deliver_due(self.uow_factory, self.senders(sender), self.clock)
            total = Outcome(
                total.delivered + done.delivered,
                total.retried + done.retried,
                total.failed + done.failed,
            )
            if done.delivered == 0:
                break
        return total

    async def run(self, service: Callable[..., Any], cmd: Any) -> Any:
        return await service(cmd, self.uow_factory(), self.ctx)

    async def file(self, name: str, data: bytes, mime: str = "image/png") -> NewFile:
        async def chunks() -> AsyncIterator[bytes]:
            yield data

        stored = await self.files.put(chunks())
        return NewFile(name, mime, stored.size, stored.sha256, stored.key)

    async def report(self, subject: str = "Invoice export fails", **more: Any) -> Ticket:
        fields: dict[str, Any] = {
            "actor": self.anna,
            "type": TicketType.ERROR,
            "subject": subject,
            "description": "Export to XML stops at 80%.\nError E-1042.",
            "origin_platform": Platform.TELEGRAM,
            "origin_chat_id": "1001",
        }
        ticket: Ticket = await self.run(tickets.open_ticket, OpenTicket(**(fields | more)))
        return ticket

    def parents(self) -> list[Message]:
        """The top-level messages of #support: one per ticket."""
        return self.emu.person("alice").messages("#support")

    def thread(self, parent: Message) -> list[Message]:
        return self.emu.person("alice").thread(parent)[1:]

    def lines(self, parent: Message) -> list[str]:
        return [self.emu.ws.rendered(m).plain for m in self.thread(parent)]

    async def due(self) -> list[OutboxMessage]:
        """What the worker would take now (looked at, not taken: nothing is committed)."""
        async with self.uow_factory() as uow:
            return list(await uow.outbox.claim_due(self.clock.now(), 100, 0.0))

    async def reread(self, message: OutboxMessage) -> OutboxMessage:
        async with self.uow_factory(read_only=True) as uow:
            found = await uow.outbox.get(message.id)
        assert found is not None
        return found


@pytest.fixture
async def desk(emu: SlackEmulator, uow_factory: SqlUnitOfWorkFactory, tmp_path: Path) -> Desk:
    clock = TickingClock()
    ctx = Context(clock=clock, secrets=SystemSecrets(), config=EngineConfig())
    files = LocalFileStore(tmp_path / "files")
    async with uow_factory() as uow:
        company = Company(name="Biuro Rachunkowe Nowak", tax_id="5250001009", created_at=T0)
        await uow.companies.add(company)
        await uow.products.add(Product(company_id=company.id, name="Faktury", license_number="F1"))
        people = {}
        for key, name, role in (
            ("anna", "Anna Nowak", Role.MEMBER),
            ("jan", "Jan Kowalski", Role.SUPER_USER),
            ("rita", "Rita Zielińska", Role.RESTRICTED),
        ):
            user = CustomerUser(company_id=company.id, role=role, name=name, created_at=T0)
            await uow.users.add(user)
            await uow.identities.add(
                ChatIdentity(Platform.TELEGRAM, f"tg-{key}", f"chat-{key}", user_id=user.id)
            )
            people[key] = CustomerActor(user.id)
        alice = Agent(slack_user_id=emu.person("alice").id, display_name="Alice Agent")
        bob = Agent(slack_user_id=emu.person("bob").id, display_name="Bob Agent")
        await uow.agents.add(alice)
        await uow.agents.add(bob)
        await uow.commit()
    client = AsyncWebClient(token=emu.bot_token, base_url=emu.api_url)
    channel = emu.ws.channel("support").id
    sender = SlackDeskSender(client, uow_factory, files, channel)
    return Desk(
        emu,
        uow_factory,
        files,
        clock,
        ctx,
        sender,
        people["anna"],
        people["jan"],
        people["rita"],
        alice,
        bob,
    )


def fields(message: Message) -> dict[str, str]:
    section = next(b for b in message.blocks or [] if "fields" in b)
    out = {}
    for item in section["fields"]:
        name, _, value = item["text"].partition("\n")
        out[name.strip("*")] = value
    return out


def action_ids(message: Message) -> list[str]:
    return [
        e["action_id"]
        for b in message.blocks or []
        if b["type"] == "actions"
        for e in b["elements"]
    ]


async def download(emu: SlackEmulator, file_id: str) -> bytes:
    info = emu.ws.file_json(emu.ws.files[file_id])
    headers = {"Authorization": f"Bearer {emu.bot_token}"}
    async with (
        aiohttp.ClientSession() as session,
        session.get(info["url_private_download"], headers=headers) as got,
    ):
        assert got.status == 200
        return await got.read()


def sha(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


# -- a ticket's life --------------------------------------------------------------------------


async def test_a_tickets_life_is_one_parent_updated_in_place_and_its_thread(desk: Desk) -> None:
    screenshot = await desk.file("screen.png", PNG)
    ticket = await desk.report(files=(screenshot,))
    await desk.deliver()

    [parent] = desk.parents()
    assert parent.bot_id == desk.emu.ws.app.bot_id
    assert parent.unfurl_links is False
    assert parent.unfurl_media is False
    card = fields(parent)
    assert card["Status"] == "New"
    assert card["Assignee"] == "_unassigned_"
    assert card["Company"] == "Biuro Rachunkowe Nowak"
    assert card["Reporter"] == "Anna Nowak"
    assert card["Product"] == "Faktury"
    assert card["Files"] == "📎 1"
    assert card["SLA due"].startswith("<!date^")
    assert action_ids(parent)[0] == "ticket_assign_me"

    alice = AgentActor(desk.alice.id)
    log = await desk.file("export.log", b"line 1\nline 2\n" * 5000, "text/plain")
    await desk.run(
        conversation.add_customer_message,
        AddCustomerMessage(desk.anna, ticket.id, "<!channel> it happens again", files=(log,)),
    )
    await desk.run(workflow.assign_ticket, AssignTicket(alice, ticket.id))
    await desk.run(workflow.change_status, ChangeStatus(alice, ticket.id, TicketStatus.IN_PROGRESS))
    await desk.run(workflow.set_priority, SetPriority(alice, ticket.id, Priority.HIGH))
    await desk.run(
        workflow.set_expected_close, SetExpectedClose(alice, ticket.id, date(2026, 3, 5))
    )
    await desk.run(workflow.assign_ticket, AssignTicket(alice, ticket.id, desk.bob.id))
    await desk.run(conversation.request_info, RequestInfo(alice, ticket.id, "Which version?"))
    await desk.run(
        conversation.add_customer_message,
        AddCustomerMessage(desk.anna, ticket.id, "Version 7.2 & newer"),
    )
    await desk.run(
        workflow.resolve_ticket, ResolveTicket(alice, ticket.id, "Fixed in 7.3: update <now>")
    )
    await desk.run(tickets.rate_ticket, RateTicket(desk.anna, ticket.id, 4, "quick"))
    await desk.run(workflow.close_ticket, CloseTicket(alice, ticket.id))
    await desk.run(workflow.reopen_ticket, ReopenTicket(alice, ticket.id))
    outcome = await desk.deliver()
    assert outcome.failed == 0

    [same] = desk.parents()  # still one parent, changed in place
    assert same.ts == parent.ts
    assert same.edited is not None
    card = fields(same)
    assert card["Status"] == "In progress"
    assert card["Assignee"] == f"<@{desk.bob.slack_user_id}>"
    assert card["Priority"] == "🔴 High"
    assert card["Expected close"] == "2026-03-05"
    assert card["Files"] == "📎 2"
    assert desk.emu.ws.rendered(same).users == (desk.bob.slack_user_id,)

    assert desk.lines(same) == [
        "📝 *Anna Nowak* (customer) reported:\nExport to XML stops at 80%.\nError E-1042.",
        "",  # the screenshot
        "💬 *Anna Nowak* (customer): <!channel> it happens again",
        "",  # the log
        "👤 *Alice Agent* took the ticket",
        "🔄 *Alice Agent* set status: In progress",
        "🔺 *Alice Agent* set priority: 🔴 High (was 🟡 Medium)",
        "📅 *Alice Agent* set the expected close date: 2026-03-05",
        "👤 *Alice Agent* assigned the ticket to @Bob",
        "❓ *Alice Agent* asked the customer for information: Which version?",
        "💬 *Anna Nowak* (customer): Version 7.2 & newer",
        "🔄 Status: In progress (automatically)",
        "✅ *Alice Agent* resolved the ticket: Fixed in 7.3: update <now>",
        "⭐⭐⭐⭐ from the customer: quick",
        "🔒 *Alice Agent* closed the ticket",
        "↩️ *Alice Agent* reopened the ticket",
    ]
    thread = desk.thread(same)
    # The customer's <!channel> is text: it pings nobody in #support.
    assert desk.emu.ws.pinged(thread[2]) == set()
    assert not desk.emu.person("bob").pinged_by(thread[2])
    assert "&lt;!channel&gt;" in thread[2].text
    # Files arrive in the thread byte for byte, with their names.
    [png_id] = thread[1].files
    [log_id] = thread[3].files
    assert desk.emu.ws.files[png_id].name == "screen.png"
    assert sha(await download(desk.emu, png_id)) == sha(PNG)
    assert sha(await download(desk.emu, log_id)) == sha(b"line 1\nline 2\n" * 5000)


async def test_customer_message_is_recorded_and_an_edit_updates_it(desk: Desk) -> None:
    ticket = await desk.report()
    entry = await desk.run(
        conversation.add_customer_message,
        AddCustomerMessage(desk.anna, ticket.id, "It fails on invoice 12"),
    )
    await desk.deliver()
    [parent] = desk.parents()
    before = desk.thread(parent)[-1]
    async with desk.uow_factory(read_only=True) as uow:
        [ref] = await uow.refs.for_entry(entry.id)
    assert (ref.platform, ref.chat_id, ref.message_id) == (Platform.SLACK, desk.channel, before.ts)

    await desk.run(
        conversation.edit_customer_message,
        EditCustomerMessage(desk.anna, entry.id, "It fails on invoice 13 <@U1>"),
    )
    await desk.deliver()
    after = desk.thread(parent)
    assert after[-1].ts == before.ts  # the same message, edited
    assert desk.emu.ws.rendered(after[-1]).plain == (
        "💬 *Anna Nowak* (customer): It fails on invoice 13 <@U1> _(edited)_"
    )
    assert desk.emu.ws.rendered(after[-1]).users == ()


async def test_a_long_message_is_split_and_an_edit_follows_every_piece(desk: Desk) -> None:
    ticket = await desk.report()
    words = " ".join(f"word{n:05}" for n in range(1000))  # 10 000 characters
    entry = await desk.run(
        conversation.add_customer_message, AddCustomerMessage(desk.anna, ticket.id, words)
    )
    await desk.deliver()
    [parent] = desk.parents()
    pieces = desk.thread(parent)[1:]
    assert len(pieces) == 3
    assert all(len(p.text) <= 4000 for p in pieces)
    assert " ".join(desk.emu.ws.rendered(p).plain for p in pieces).endswith("word00999")
    assert "".join(p.text for p in pieces).count("word") == 1000

    await desk.run(
        conversation.edit_customer_message,
        EditCustomerMessage(desk.anna, entry.id, "Short now"),
    )
    await desk.deliver()
    edited = desk.thread(parent)[1:]
    assert [p.ts for p in edited] == [p.ts for p in pieces]
    assert [desk.emu.ws.rendered(p).plain for p in edited] == [
        "💬 *Anna Nowak* (customer): Short now _(edited)_",
        "_(removed in an edit)_",
        "_(removed in an edit)_",
    ]


async def test_each_ticket_has_its_own_parent(desk: Desk) -> None:
    first = await desk.report("First")
    second = await desk.report("Second")
    await desk.deliver()
    await desk.run(
        conversation.add_customer_message,
        AddCustomerMessage(desk.anna, first.id, "more on the first"),
    )
    await desk.deliver()
    parents = desk.parents()
    assert [fields(p)["Reporter"] for p in parents] == ["Anna Nowak", "Anna Nowak"]
    assert [p.text.split(" · ")[0] for p in parents] == [
        f"🟡 #{first.number} First",
        f"🟡 #{second.number} Second",
    ]
    assert desk.lines(parents[0])[-1] == "💬 *Anna Nowak* (customer): more on the first"
    assert len(desk.thread(parents[1])) == 1


async def test_a_file_sent_on_its_own_goes_into_the_thread(desk: Desk) -> None:
    ticket = await desk.report()
    await desk.deliver()
    photo = await desk.file("album-2.png", PNG[::-1])
    await desk.run(attachments.add_attachment, AddAttachment(desk.anna, ticket.id, photo))
    await desk.deliver()
    [parent] = desk.parents()
    assert fields(parent)["Files"] == "📎 1"
    assert desk.lines(parent)[-2:] == ["📎 The customer added a file", ""]
    [file_id] = desk.thread(parent)[-1].files
    assert await download(desk.emu, file_id) == PNG[::-1]


async def test_the_customers_own_slack_dm_is_not_the_desk(desk: Desk) -> None:
    """A customer on Slack has the ticket anchored in their DM too: not our parent."""
    ticket = await desk.report()
    async with desk.uow_factory() as uow:
        await uow.refs.add(MessageRef(Platform.SLACK, "D0CUSTOMER", "1700000000.000100", ticket.id))
        await uow.commit()
    await desk.deliver()
    [parent] = desk.parents()
    assert parent.channel == desk.channel
    async with desk.uow_factory(read_only=True) as uow:
        refs = await uow.refs.for_ticket(ticket.id, Platform.SLACK)
    assert {(r.chat_id, r.entry_id) for r in refs} == {
        ("D0CUSTOMER", None),
        (desk.channel, None),
    }


# -- authorization, extra messages, tokens ------------------------------------------------------


async def test_a_restricted_users_ticket_reaches_the_desk_when_authorized(desk: Desk) -> None:
    ticket = await desk.report("Payroll export", actor=desk.rita)
    note = await desk.file("note.txt", b"waiting room note", "text/plain")
    await desk.run(
        conversation.add_customer_message,
        AddCustomerMessage(desk.rita, ticket.id, "Meanwhile: it also fails for May", files=(note,)),
    )
    await desk.deliver()
    assert desk.parents() == []  # agents hear nothing before a super user says so

    await desk.run(tickets.authorize_ticket, AuthorizeTicket(desk.jan, ticket.id))
    await desk.deliver()
    [parent] = desk.parents()
    assert fields(parent)["Status"] == "New"
    assert desk.lines(parent) == [
        "📝 *Rita Zielińska* (customer) reported:\nExport to XML stops at 80%.\nError E-1042.",
        "💬 *Rita Zielińska* (customer): Meanwhile: it also fails for May",
        "",
        "✅ *Jan Kowalski* (super user) authorized the ticket",
    ]
    [file_id] = desk.thread(parent)[2].files
    assert await download(desk.emu, file_id) == b"waiting room note"


async def test_a_super_users_message_is_its_own_marked_thread(desk: Desk) -> None:
    await desk.run(
        tickets.send_extra_message,
        SendExtraMessage(
            desk.jan, "Please call us about the renewal <!here>", Platform.TELEGRAM, "chat-jan"
        ),
    )
    await desk.deliver()
    [parent] = desk.parents()
    card = fields(parent)
    assert card["Reporter"] == "Jan Kowalski ⭐ super user"
    assert card["Type"] == "Message from a super user"
    assert desk.lines(parent) == [
        "✉️ from a super user, *Jan Kowalski*:\nPlease call us about the renewal <!here>"
    ]
    assert desk.emu.ws.pinged(desk.thread(parent)[0]) == set()


async def test_support_token_attached_and_revoked(desk: Desk) -> None:
    ticket = await desk.report(actor=desk.jan)
    token = await desk.run(support_tokens.create_support_token, CreateSupportToken(desk.jan))
    await desk.run(
        support_tokens.attach_support_token, AttachSupportToken(desk.jan, token.id, ticket.id)
    )
    await desk.run(support_tokens.revoke_support_token, RevokeSupportToken(desk.jan, token.id))
    await desk.deliver()
    [parent] = desk.parents()
    attached, revoked = desk.lines(parent)[-2:]
    expires = token.expires_at.astimezone(UTC).strftime("%Y-%m-%d %H:%M UTC")
    assert attached == f"🔑 Support access token attached: `{token.code}` (valid until {expires})"
    assert revoked == f"🚫 The customer revoked support access token `{token.code}`"


# -- at least once ------------------------------------------------------------------------------


async def opened_message(desk: Desk) -> OutboxMessage:
    """The desk's copy of the last report, before delivery."""
    return next(
        m
        for m in await desk.due()
        if m.audience is Audience.AGENTS and m.event_type == "ticket.opened"
    )


async def test_a_redelivered_message_creates_no_second_parent(desk: Desk) -> None:
    await desk.report(files=(await desk.file("screen.png", PNG),))
    message = await opened_message(desk)
    await desk.deliver()
    assert (await desk.reread(message)).delivered_at is not None

    # A crash after Slack took it but before it was marked delivered: sent again, by a fresh
    # sender (a restarted process remembers nothing).
    channel = desk.channel
    again = SlackDeskSender(
        AsyncWebClient(token=desk.emu.bot_token, base_url=desk.emu.api_url),
        desk.uow_factory,
        desk.files,
        channel,
    )
    await again.send(message)
    await desk.sender.send(message)
    [parent] = desk.parents()
    assert len(desk.thread(parent)) == 2  # the description and the screenshot, once
    desk.emu.calls.assert_called("chat.postMessage", times=2)


async def test_rate_limited_halfway_resumes_without_repeating(desk: Desk) -> None:
    ticket = await desk.report()
    await desk.deliver()
    log = await desk.file("export.log", b"x" * 1000, "text/plain")
    await desk.run(
        conversation.add_customer_message,
        AddCustomerMessage(desk.anna, ticket.id, "see the log", files=(log,)),
    )
    # The text goes through, then Slack says "slow down" at the upload.
    desk.emu.faults.add(method="files.getUploadURLExternal", kind="ratelimited", retry_after=7)
    [message] = [m for m in await desk.due() if m.audience is Audience.AGENTS]
    outcome = await desk.deliver()
    assert (outcome.delivered, outcome.retried) == (0, 1)
    pending = await desk.reread(message)
    assert pending.last_error is not None
    assert "ratelimited" in pending.last_error
    assert pending.next_attempt_at - desk.clock.current <= timedelta(seconds=7)

    desk.clock.advance(8)
    outcome = await desk.deliver()
    assert outcome.delivered == 1
    [parent] = desk.parents()
    lines = desk.lines(parent)
    assert lines.count("💬 *Anna Nowak* (customer): see the log") == 1
    assert len(desk.thread(parent)[-1].files) == 1


async def test_429_is_retry_later_with_slacks_wait(desk: Desk) -> None:
    await desk.report()
    message = await opened_message(desk)
    desk.emu.faults.add(method="chat.postMessage", kind="ratelimited", retry_after=12)
    with pytest.raises(RetryLater) as caught:
        await desk.sender.send(message)
    assert caught.value.retry_after == 12.0
    assert desk.parents() == []


@pytest.mark.parametrize(
    ("channel", "error"),
    [("C0MISSING", "channel_not_found"), ("#general", "not_in_channel")],
)
async def test_a_wrong_channel_waits_for_an_operator(desk: Desk, channel: str, error: str) -> None:
    await desk.report()
    message = await opened_message(desk)
    if channel.startswith("#"):
        channel = desk.emu.ws.channel(channel[1:]).id
    wrong = SlackDeskSender(
        AsyncWebClient(token=desk.emu.bot_token, base_url=desk.emu.api_url),
        desk.uow_factory,
        desk.files,
        channel,
    )
    with pytest.raises(RetryLater, match=error) as caught:
        await wrong.send(message)
    assert "SLACK_SUPPORT_CHANNEL" in str(caught.value)
    # Nothing is lost: the worker keeps it for when the operator has fixed the setup.
    outcome = await desk.deliver(wrong)
    assert outcome.retried >= 1
    assert outcome.failed == 0
    # The right channel again: delivered once its retry is due (the ticking clock may make it
    # due already at the first pass).
    delivered = (await desk.deliver()).delivered
    desk.clock.advance(60)
    delivered += (await desk.deliver()).delivered
    assert delivered == 1
    assert len(desk.parents()) == 1


async def test_no_channel_configured_waits_too(desk: Desk) -> None:
    await desk.report()
    message = await opened_message(desk)
    unset = SlackDeskSender(
        AsyncWebClient(token=desk.emu.bot_token, base_url=desk.emu.api_url),
        desk.uow_factory,
        desk.files,
        "",
    )
    with pytest.raises(RetryLater, match="SLACK_SUPPORT_CHANNEL is not set"):
        await unset.send(message)
    assert desk.emu.calls.total == 0


async def test_a_bad_token_waits_too(desk: Desk) -> None:
    await desk.report()
    message = await opened_message(desk)
    bad = SlackDeskSender(
        AsyncWebClient(token="xoxb-revoked", base_url=desk.emu.api_url),
        desk.uow_factory,
        desk.files,
        desk.channel,
    )
    with pytest.raises(RetryLater, match="invalid_auth"):
        await bad.send(message)


@pytest.mark.parametrize(
    ("fault", "verdict"),
    [
        ({"kind": "server_error", "status": 503}, RetryLater),
        ({"kind": "disconnect", "times": 2}, RetryLater),  # slack_sdk retries one by itself
        ({"kind": "error", "error": "invalid_blocks"}, PermanentFailure),
        ({"kind": "error", "error": "msg_too_long"}, PermanentFailure),
        ({"kind": "error", "error": "internal_error"}, RetryLater),
    ],
)
async def test_slack_faults_become_verdicts(
    desk: Desk, fault: dict[str, Any], verdict: type[Exception]
) -> None:
    await desk.report()
    message = await opened_message(desk)
    desk.emu.faults.add(method="chat.postMessage", **fault)
    with pytest.raises(verdict):
        await desk.sender.send(message)


@pytest.mark.parametrize(
    ("fault", "retry_after"),
    [({"kind": "ratelimited", "retry_after": 9}, 9.0), ({"kind": "server_error"}, None)],
)
async def test_the_upload_url_refusing_waits_and_the_retry_uploads_once(
    desk: Desk, fault: dict[str, Any], retry_after: float | None
) -> None:
    await desk.report(files=(await desk.file("screen.png", PNG),))
    message = await opened_message(desk)
    desk.emu.faults.add(method="files.upload", **fault)
    with pytest.raises(RetryLater) as caught:
        await desk.sender.send(message)
    assert caught.value.retry_after == retry_after
    await desk.sender.send(message)  # the worker's retry, in the same process
    [parent] = desk.parents()
    thread = desk.thread(parent)
    assert len(thread) == 2  # the description once, then the file
    [file_id] = thread[1].files
    assert await download(desk.emu, file_id) == PNG


async def test_a_slow_slack_is_a_timeout_and_waits(desk: Desk) -> None:
    await desk.report()
    message = await opened_message(desk)
    slow = SlackDeskSender(
        AsyncWebClient(token=desk.emu.bot_token, base_url=desk.emu.api_url, timeout=1),
        desk.uow_factory,
        desk.files,
        desk.channel,
    )
    desk.emu.faults.add(method="chat.postMessage", kind="slow", delay=1.5)
    with pytest.raises(RetryLater, match="TimeoutError"):
        await slow.send(message)


async def test_a_file_gone_from_storage_is_said_not_fatal(desk: Desk) -> None:
    ticket = await desk.report()
    gone = await desk.file("lost.pdf", b"%PDF-1.7 lost", "application/pdf")
    await desk.run(
        conversation.add_customer_message,
        AddCustomerMessage(desk.anna, ticket.id, "attached", files=(gone,)),
    )
    await desk.files.delete(gone.storage_key)
    assert (await desk.deliver()).failed == 0
    [parent] = desk.parents()
    assert desk.lines(parent)[-1] == (
        "⚠️ lost.pdf could not be shown here: the stored file is missing"
    )


async def test_customer_messages_waiting_for_the_channel_go_as_one_post(desk: Desk) -> None:
    ticket = await desk.report()
    await desk.deliver()
    [parent] = desk.parents()
    texts = ["It fails again", "on invoice 12", "and on 13 <too>"]
    for text in texts:
        await desk.run(
            conversation.add_customer_message, AddCustomerMessage(desk.anna, ticket.id, text)
        )
    await desk.run(
        conversation.add_customer_message,
        AddCustomerMessage(desk.jan, ticket.id, "Jan here: it blocks our payroll"),
    )

    outcome = await deliver_due(desk.uow_factory, desk.senders(), desk.clock)

    assert outcome.delivered == 4  # one pass, one post, four rows marked delivered together
    assert desk.lines(parent)[-1] == (
        "💬 *Anna Nowak* (customer): It fails again\n\n"
        "💬 *Anna Nowak* (customer): on invoice 12\n\n"
        "💬 *Anna Nowak* (customer): and on 13 <too>\n\n"
        "💬 *Jan Kowalski* (customer): Jan here: it blocks our payroll"
    )
    assert len(desk.thread(parent)) == 2  # the opening, then the shared post
    async with desk.uow_factory(read_only=True) as uow:
        assert await uow.outbox.pending_count() == 0


async def test_a_customer_message_with_files_is_not_folded_into_a_shared_post(desk: Desk) -> None:
    ticket = await desk.report()
    await desk.deliver()
    [parent] = desk.parents()
    shot = await desk.file("more.png", PNG)
    for command in (
        AddCustomerMessage(desk.anna, ticket.id, "first"),
        AddCustomerMessage(desk.anna, ticket.id, "with a file", files=(shot,)),
        AddCustomerMessage(desk.anna, ticket.id, "last"),
    ):
        await desk.run(conversation.add_customer_message, command)
    await desk.deliver()
    assert desk.lines(parent)[1:] == [
        "💬 *Anna Nowak* (customer): first",
        "💬 *Anna Nowak* (customer): with a file",
        "",  # the file
        "💬 *Anna Nowak* (customer): last",
    ]


async def test_an_event_that_leaves_the_card_as_it_was_does_not_edit_it(desk: Desk) -> None:
    """chat.update is Tier 3 (about 50 a minute): a busy desk must not spend it on nothing."""
    ticket = await desk.report()
    await desk.deliver()
    updates = desk.emu.calls.count("chat.update")
    for text in ("first", "second", "third"):
        await desk.run(
            conversation.add_customer_message, AddCustomerMessage(desk.anna, ticket.id, text)
        )
        await desk.deliver()
    assert desk.emu.calls.count("chat.update") == updates  # the lines came, the card stayed

    alice = AgentActor(desk.alice.id)
    await desk.run(workflow.set_priority, SetPriority(alice, ticket.id, Priority.HIGH))
    await desk.deliver()
    assert desk.emu.calls.count("chat.update") == updates + 1
    [parent] = desk.parents()
    assert fields(parent)["Priority"] == "🔴 High"


HOSTILE_TEXTS = [
    "<!channel> <!here> <!everyone> urgent",
    "ask <@U0ALICE> and <#C0SUPPORT|support> or <!subteam^S123|devs>",
    "<https://evil.example/login|Click to see your invoice> <mailto:a@b.c|mail>",
    "&lt;!channel&gt; <!channel|channel> <<!here>> *bold* `code` ```block```",
    "<!date^1392734382^{date}|fallback> \u202egnp.exe",
]


@pytest.mark.parametrize("text", HOSTILE_TEXTS)
async def test_a_customers_text_never_pings_mentions_or_links_in_slack(
    desk: Desk, text: str
) -> None:
    """Customer text is shown as typed: no @channel, no mention, no disguised link."""
    ticket = await desk.report(subject=text, description=text)
    await desk.run(
        conversation.add_customer_message, AddCustomerMessage(desk.anna, ticket.id, text)
    )
    await desk.deliver()
    [parent] = desk.parents()
    for message in [parent, *desk.thread(parent)]:
        shown = desk.emu.ws.rendered(message)
        assert not shown.pings_channel, shown.plain
        assert (shown.users, shown.channels, shown.usergroups) == ((), (), ()), shown.plain
        assert not [link for link in shown.links if "evil" in str(link)], shown.plain
    first = text.split()[0]
    assert first in desk.emu.ws.rendered(parent).plain, "shown as typed"
