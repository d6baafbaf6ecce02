"""Agents work a ticket from the Slack channel; the Telegram customer hears about it.

The full runtime against both emulators, with real python-telegram-bot, slack_sdk and Bolt.
Every test runs twice: Slack telling the bot over HTTP (signed Events API requests and
interactions to /slack/events) and over Socket Mode.
"""

from __future__ import annotations

import asyncio
import copy
import hashlib
import time
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import aiohttp
import pytest
from aiohttp import web

from adapters.slack import blocks, modals
from adapters.slack.emulator import SlackEmulator
from adapters.slack.emulator.state import Message
from adapters.slack.emulator.workspace import Person
from adapters.telegram.emulator import SimUser, TelegramEmulator
from adapters.telegram.emulator.views import ViewMessage
from bot.runtime import Runtime, running
from core.actors import CustomerActor
from core.commands import OpenTicket
from core.context import Context
from core.model import (
    ChatIdentity,
    Company,
    CustomerUser,
    EntryKind,
    Platform,
    Priority,
    Product,
    Role,
    Ticket,
    TicketEntry,
    TicketStatus,
    TicketType,
)
from core.ports import Clock
from core.services.tickets import open_ticket
from tests.e2e.desk import settings_for
from tests.e2e.slack_emulator.conftest import serve
from tests.mailroom import free_port

WAIT = 10.0


@pytest.fixture(autouse=True)
def _ptb_timedelta(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PTB_TIMEDELTA", "true")


@dataclass
class World:
    telegram: TelegramEmulator
    slack: SlackEmulator
    runtime: Runtime
    anna: SimUser
    transport: str
    events_url: str | None  # HTTP only: where Slack sends events
    number: int = 0

    @property
    def alice(self) -> Person:
        return self.slack.person("alice")

    async def report(self) -> Message:
        """Anna reports a problem; its card appears in #support."""
        async with self.runtime.uow_factory(read_only=True) as uow:
            identity = await uow.identities.get_by_chat(Platform.TELEGRAM, str(self.anna.chat_id))
        assert identity is not None
        assert identity.user_id is not None
        command = OpenTicket(
            CustomerActor(identity.user_id),
            TicketType.ERROR,
            "Export hangs",
            "At 80% the export stops.",
            Platform.TELEGRAM,
            str(self.anna.chat_id),
        )
        ticket = await open_ticket(command, self.runtime.uow_factory(), Context.system())
        self.number = ticket.number
        return await self.card(lambda card: card.text.startswith("⚪") or "#" in card.text)

    async def card(self, shows: Callable[[Message], bool]) -> Message:
        """The ticket's card, once it satisfies `shows`."""

        def current() -> Message | None:
            cards = [m for m in self.alice.messages("#support") if m.bot_id]
            return cards[0] if cards and shows(cards[0]) else None

        found = await self.slack.wait_for(current, within=WAIT)
        assert found is not None
        return found

    async def hears(self, fragment: str) -> ViewMessage:
        return await self.anna.wait_for_message(lambda m: fragment in (m.text or ""), timeout=WAIT)

    async def ticket(self) -> Ticket:
        async with self.runtime.uow_factory(read_only=True) as uow:
            ticket = await uow.tickets.get_by_number(self.number)
        assert ticket is not None
        return ticket

    async def entries(self, kind: EntryKind) -> list[TicketEntry]:
        ticket = await self.ticket()
        async with self.runtime.uow_factory(read_only=True) as uow:
            found = await uow.entries.list_for_ticket(ticket.id)
        return [e for e in found if e.kind is kind]

    async def idle(self) -> None:
        """Slack has delivered everything and the bot has handled it."""
        await self.slack.settle(within=WAIT)
        await self.runtime.inbox.run_once()
        await self.runtime.inbox.drain()


@pytest.fixture(params=["http", "socket"])
async def world(request: pytest.FixtureRequest, tmp_path: Path) -> AsyncIterator[World]:
    async with _world(request.param, tmp_path) as made:
        yield made


@pytest.fixture
async def http_world(tmp_path: Path) -> AsyncIterator[World]:
    async with _world("http", tmp_path) as made:
        yield made


@asynccontextmanager
async def _world(
    transport: str, tmp_path: Path, clock: Clock | None = None, **more: object
) -> AsyncIterator[World]:
    async with (
        TelegramEmulator() as telegram,
        SlackEmulator(app_timeout=1.0, event_retry_delays=(0.0, 0.0, 0.0)) as slack,
    ):
        port = free_port()
        receive: dict[str, object] = (
            {"slack_app_token": slack.app_token}
            if transport == "socket"
            else {"slack_signing_secret": slack.signing_secret, "port": port}
        )
        settings = settings_for(
            telegram,
            tmp_path,
            slack_bot_token=slack.bot_token,
            slack_api_base_url=slack.api_url,
            slack_support_channel=slack.ws.channel("support").id,
            **receive,
            **more,
        )
        async with running(settings, clock=clock, poll_timeout=1) as runtime:
            events_url = None
            if transport == "socket":
                await slack.socket.wait_connected()
            else:
                events_url = f"http://127.0.0.1:{port}/slack/events"
                slack.connect_app(events_url)
            anna = telegram.add_user("Anna", language_code="en")
            await _seed(runtime, anna)
            anna.start()
            await anna.wait_for_message(timeout=WAIT)
            yield World(telegram, slack, runtime, anna, transport, events_url)


async def _seed(runtime: Runtime, anna: SimUser) -> None:
    async with runtime.uow_factory() as uow:
        company = Company(name="Nowak Accounting", tax_id="5250001009")
        await uow.companies.add(company)
        await uow.products.add(Product(company_id=company.id, name="Invoices", license_number="1"))
        user = CustomerUser(
            company_id=company.id, role=Role.MEMBER, name="Anna Nowak", language="en"
        )
        await uow.users.add(user)
        await uow.identities.add(
            ChatIdentity(
                platform=Platform.TELEGRAM,
                platform_user_id=str(anna.id),
                chat_id=str(anna.chat_id),
                user_id=user.id,
            )
        )
        await uow.commit()


# -- the thread -----------------------------------------------------------------------------


async def test_an_agents_reply_reaches_the_customer_with_the_agents_name(world: World) -> None:
    card = await world.report()
    await world.alice.reply(card, "Please update to 2.3 &amp; restart &lt;Invoices&gt;")
    heard = await world.hears("Please update to 2.3 & restart <Invoices>")
    assert "Alice" in (heard.text or "")
    (reply,) = await world.entries(EntryKind.AGENT_REPLY)
    assert reply.text == "Please update to 2.3 & restart <Invoices>"
    # Answering a new ticket takes it; the card shows who has it.
    ticket = await world.ticket()
    assert ticket.status is TicketStatus.IN_PROGRESS
    await world.card(lambda c: world.alice.id in world.slack.ws.rendered(c).users)


async def test_an_edited_reply_follows_to_the_customer(world: World) -> None:
    card = await world.report()
    reply = await world.alice.reply(card, "Update to 2.2")
    await world.hears("Update to 2.2")
    await world.alice.edit(reply, "Update to 2.3")
    edited = await world.hears("Update to 2.3")
    assert "edited" in (edited.text or "")
    (entry,) = await world.entries(EntryKind.AGENT_REPLY)
    assert entry.text == "Update to 2.3"


async def test_a_note_stays_among_the_agents(world: World) -> None:
    card = await world.report()
    await world.alice.reply(card, "NOTE: she is on the old build, ask about the logs")
    await world.alice.reply(card, "Could you send us the log file?")
    await world.hears("Could you send us the log file?")
    (note,) = await world.entries(EntryKind.INTERNAL_NOTE)
    assert note.text == "she is on the old build, ask about the logs"
    assert not [m for m in world.anna.messages() if "old build" in (m.text or "")]


async def test_a_reply_in_a_thread_that_is_no_ticket_is_explained(world: World) -> None:
    await world.report()
    chat = await world.alice.post("#support", "lunch?")
    await world.alice.reply(chat, "yes, at noon")
    hint = await world.slack.wait_for(lambda: world.alice.ephemerals, within=WAIT)
    assert "not a ticket" in hint[0].text
    assert hint[0].thread_ts == chat.ts


# -- the card -------------------------------------------------------------------------------


async def test_assign_status_and_priority_from_the_card(world: World) -> None:
    alice, rendered = world.alice, world.slack.ws.rendered
    card = await world.report()
    await alice.click(card, blocks.ACTION_ASSIGN_ME)
    card = await world.card(lambda c: alice.id in rendered(c).users)
    assert (await world.ticket()).assignee_id is not None
    await world.hears("Alice")

    await alice.select(card, blocks.ACTION_STATUS, blocks.option_value(world.number, "in_progress"))
    card = await world.card(lambda c: "In progress" in rendered(c).plain)
    await alice.select(
        card, blocks.ACTION_STATUS, blocks.option_value(world.number, "waiting_customer")
    )
    card = await world.card(lambda c: "Waiting for the customer" in rendered(c).plain)
    await alice.select(card, blocks.ACTION_PRIORITY, blocks.option_value(world.number, "urgent"))
    await world.card(lambda c: "Urgent" in rendered(c).plain)
    ticket = await world.ticket()
    assert (ticket.status, ticket.priority) == (TicketStatus.WAITING_CUSTOMER, Priority.URGENT)


async def test_an_expected_close_date_is_set_and_withdrawn_from_the_card(world: World) -> None:
    alice, rendered = world.alice, world.slack.ws.rendered
    card = await world.report()
    await alice.select(card, blocks.ACTION_EXPECTED_CLOSE, "2030-03-14")
    card = await world.card(lambda c: "2030-03-14" in rendered(c).plain)
    await world.hears("we expect to close it by")
    assert (await world.ticket()).expected_close == date(2030, 3, 14)
    await alice.click(card, blocks.ACTION_CLEAR_EXPECTED_CLOSE)
    await world.card(lambda c: "2030-03-14" not in rendered(c).plain)
    await world.hears("there is no expected closing date any more")
    assert (await world.ticket()).expected_close is None


async def test_resolving_through_the_modal(world: World) -> None:
    alice = world.alice
    card = await world.report()
    pressed = await alice.click(card, blocks.ACTION_RESOLVE)
    assert pressed.delivered
    modal = await world.slack.wait_for(lambda: alice.top_view, within=WAIT)
    assert modal is not None
    assert modal.callback_id == modals.RESOLVE_CALLBACK
    submitted = await alice.submit(
        {modals.INPUT_BLOCK: {modals.INPUT_ACTION: "Reinstalled the PDF driver"}}
    )
    assert submitted.delivered
    assert alice.views == []  # the modal closed
    resolved = await world.hears("Reinstalled the PDF driver")
    labels = [label for row in resolved.buttons for label in row]
    assert "It's solved ✅" in labels
    assert "Not solved ❌" in labels
    assert (await world.ticket()).status is TicketStatus.RESOLVED
    await world.card(lambda c: "Resolved" in world.slack.ws.rendered(c).plain)


async def test_asking_the_customer_through_the_modal(world: World) -> None:
    alice = world.alice
    card = await world.report()
    await alice.click(card, blocks.ACTION_REQUEST_INFO)
    modal = await world.slack.wait_for(lambda: alice.top_view, within=WAIT)
    assert modal is not None
    assert modal.callback_id == modals.REQUEST_INFO_CALLBACK
    await alice.submit({modals.INPUT_BLOCK: {modals.INPUT_ACTION: "Which Windows version?"}})
    asked = await world.hears("Which Windows version?")
    assert "needs more information" in (asked.text or "")
    assert (await world.ticket()).status is TicketStatus.WAITING_CUSTOMER
    await world.card(lambda c: "Waiting for the customer" in world.slack.ws.rendered(c).plain)


async def test_an_empty_resolution_keeps_the_modal_open(world: World) -> None:
    alice = world.alice
    card = await world.report()
    await alice.click(card, blocks.ACTION_RESOLVE)
    await world.slack.wait_for(lambda: alice.top_view, within=WAIT)
    refused = await alice.submit({modals.INPUT_BLOCK: {modals.INPUT_ACTION: "   "}})
    assert refused.response()["response_action"] == "errors"
    assert alice.top_view is not None
    assert (await world.ticket()).status is TicketStatus.NEW


async def test_a_non_member_changes_nothing_and_is_told_why(world: World) -> None:
    carol = world.slack.person("carol")  # a customer of the workspace, not in #support
    card = await world.report()
    await carol.click(card, blocks.ACTION_ASSIGN_ME)
    await carol.click(card, blocks.ACTION_RESOLVE)
    told = await world.slack.wait_for(lambda: len(carol.ephemerals) == 2, within=WAIT)
    assert told
    assert all("Only members of" in e.text for e in carol.ephemerals)
    await world.idle()
    ticket = await world.ticket()
    assert (ticket.assignee_id, ticket.status) == (None, TicketStatus.NEW)
    assert carol.views == []
    async with world.runtime.uow_factory(read_only=True) as uow:
        assert await uow.agents.get_by_slack_id(carol.id) is None


async def test_a_refused_action_is_explained_to_the_agent(world: World) -> None:
    alice = world.alice
    card = await world.report()
    await alice.click(card, blocks.ACTION_RESOLVE)
    await world.slack.wait_for(lambda: alice.top_view, within=WAIT)
    await alice.submit({modals.INPUT_BLOCK: {modals.INPUT_ACTION: "Fixed"}})
    card = await world.card(lambda c: "Resolved" in world.slack.ws.rendered(c).plain)
    stale = copy.deepcopy(card)  # as a client that has not caught up shows it
    await alice.click(card, blocks.ACTION_CLOSE)
    await world.card(lambda c: "Closed" in world.slack.ws.rendered(c).plain)
    await alice.click(stale, blocks.ACTION_CLOSE)
    told = await world.slack.wait_for(lambda: alice.ephemerals, within=WAIT)
    assert told[0].text.startswith(f"Ticket #{world.number}: ")


# -- delivery -------------------------------------------------------------------------------


async def test_a_retried_event_makes_one_entry(world: World) -> None:
    card = await world.report()
    if world.transport == "socket":
        # Acks arrive too late for Slack: it sends the event again in new envelopes.
        world.slack.config.app_timeout = 0.001
        await world.alice.reply(card, "Restart the service")
        await world.slack.settle(within=WAIT)
        world.slack.config.app_timeout = 1.0
    else:
        seen_retries: list[str] = []
        async with _slow_first_answer(world, seen_retries) as proxy:
            world.slack.connect_app(proxy)
            await world.alice.reply(card, "Restart the service")
            await world.slack.settle(within=WAIT)
        assert seen_retries, "Slack retried the event"
    (delivery,) = [
        d
        for d in world.slack.events.of_type("message")
        if d.event.get("text") == "Restart the service"
    ]
    assert delivery.retries >= 1
    await world.hears("Restart the service")
    await world.idle()
    assert len(await world.entries(EntryKind.AGENT_REPLY)) == 1
    assert len([m for m in world.anna.messages() if "Restart the service" in (m.text or "")]) == 1


@asynccontextmanager
async def _slow_first_answer(world: World, seen_retries: list[str]) -> AsyncIterator[str]:
    """A proxy to the bot that answers the first message event too late for Slack (after
    the bot recorded it), as a slow network would: Slack then retries it."""
    assert world.events_url is not None
    target = world.events_url
    slowed = False

    async def forward(request: web.Request) -> web.Response:
        nonlocal slowed
        body = await request.read()
        retry = request.headers.get("X-Slack-Retry-Num")
        if retry:
            seen_retries.append(retry)
        headers = {k: v for k, v in request.headers.items() if k.lower().startswith("x-slack")}
        headers["Content-Type"] = request.headers["Content-Type"]
        async with (
            aiohttp.ClientSession() as http,
            http.post(target, data=body, headers=headers) as answer,
        ):
            text, status = await answer.text(), answer.status
        if not slowed and b"Restart the service" in body:
            slowed = True
            await asyncio.sleep(world.slack.config.app_timeout + 0.3)
        return web.Response(status=status, text=text)

    app = web.Application()
    app.router.add_post("/slack/events", forward)
    async with serve(app) as base:
        yield f"{base}/slack/events"


async def test_an_agents_file_reaches_the_customer_unchanged(world: World) -> None:
    card = await world.report()
    patch = b"%PDF-1.7\n" + bytes(range(256)) * 64
    await world.alice.upload(
        "#support", "patch-notes.pdf", patch, comment="The patch notes", thread_ts=card.ts
    )

    def with_file() -> ViewMessage | None:
        return next((m for m in world.anna.messages() if m.file is not None), None)

    for _ in range(int(WAIT / 0.05)):
        if with_file():
            break
        await asyncio.sleep(0.05)
    received = with_file()
    assert received is not None
    assert received.file is not None
    assert hashlib.sha256(received.file.data).digest() == hashlib.sha256(patch).digest()
    assert received.file.file_name == "patch-notes.pdf"
    await world.hears("The patch notes")


# -- HTTP only ------------------------------------------------------------------------------


async def test_the_events_url_is_verified_and_forgeries_are_refused(http_world: World) -> None:
    slack, url = http_world.slack, http_world.events_url
    assert url is not None
    assert await slack.events.verify_url(url)
    card = await http_world.report()
    forged = (
        '{"type": "event_callback", "event_id": "EvFORGED", "event": {"type": "message", '
        f'"channel": "{slack.ws.channel("support").id}", "user": "{http_world.alice.id}", '
        f'"text": "forged", "ts": "1.0", "thread_ts": "{card.ts}"}}}}'
    )
    status, _ = await slack.events.post_raw(url, forged, signature="v0=" + "0" * 64)
    assert status == 401
    stale_at = int(time.time()) - 3600
    status, _ = await slack.events.post_raw(url, forged, timestamp=stale_at)
    assert status == 401
    async with http_world.runtime.uow_factory(read_only=True) as uow:
        recorded = [e.event_id for e in await uow.inbox.unprocessed(100)]
    assert "EvFORGED" not in recorded
    assert http_world.runtime.slack_inbound is not None
    assert http_world.runtime.slack_inbound.recorder.recorded == 0


async def test_health(http_world: World) -> None:
    assert http_world.events_url is not None
    health = http_world.events_url.replace("/slack/events", "/healthz")
    async with aiohttp.ClientSession() as http, http.get(health) as answer:
        assert answer.status == 200
        assert await answer.json() == {"ok": True}
