"""Customers in Slack DMs: the same flows as on Telegram, against the Slack emulator.

The full runtime (real slack-bolt and slack_sdk, SQLite, the file store, the delivery worker)
with Slack only: the customer DMs the bot, the agent works the ticket in #support, and the
customer hears of it in the DM, in their language. Every test runs over HTTP events (signed)
and over Socket Mode.
"""

from __future__ import annotations

import asyncio
import hashlib
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from slack_sdk.web.async_client import AsyncWebClient
from sqlalchemy import select

from adapters.slack import blocks
from adapters.slack.emulator import SlackEmulator
from adapters.slack.emulator.state import Message
from adapters.slack.emulator.workspace import Person
from bot.runtime import Runtime, running
from bot.settings import Settings
from core.actors import CustomerActor
from core.commands import OpenTicket
from core.context import Context
from core.model import (
    ChatIdentity,
    Company,
    CustomerUser,
    EntryKind,
    Platform,
    Product,
    Role,
    TicketStatus,
    TicketType,
)
from core.services.tickets import open_ticket
from storage.tables import InboxRow
from tests.e2e.desk import WAIT, png
from tests.mailroom import free_port


@dataclass
class World:
    slack: SlackEmulator
    runtime: Runtime

    @property
    def alice(self) -> Person:
        return self.slack.person("alice")

    def dm(self, person: Person) -> str:
        return self.slack.ws.open_im(person.id).id

    def shown(self, message: Message) -> str:
        return self.slack.ws.rendered(message).plain

    def bot_messages(self, person: Person) -> list[Message]:
        return [m for m in person.messages(self.dm(person)) if m.bot_id]

    async def said(self, person: Person, fragment: str) -> Message:
        """A bot message in the person's DM that shows `fragment`, once there is one."""

        def found() -> Message | None:
            return next(
                (m for m in reversed(self.bot_messages(person)) if fragment in self.shown(m)),
                None,
            )

        message = await self.slack.wait_for(found, within=WAIT)
        assert message is not None
        return message

    async def press(self, person: Person, label: str, then: str) -> Message:
        """Press the newest button labelled `label` in the DM; wait for `then`."""

        def offered() -> tuple[Message, str] | None:
            for message in reversed(self.bot_messages(person)):
                action_id = button(message, label)
                if action_id is not None:
                    return message, action_id
            return None

        found = await self.slack.wait_for(offered, within=WAIT)
        assert found is not None, f"no button {label!r}"
        await person.click(*found)
        return await self.said(person, then)

    async def card(self, fragment: str) -> Message:
        def current() -> Message | None:
            cards = [m for m in self.alice.messages("#support") if m.bot_id]
            return cards[0] if cards and fragment in self.shown(cards[0]) else None

        found = await self.slack.wait_for(current, within=WAIT)
        assert found is not None
        return found


async def _recorded_dm_events(world: World, dm: str) -> list[dict[str, Any]]:
    async with world.runtime.database.sessionmaker() as session:
        rows = (await session.execute(select(InboxRow.payload))).scalars().all()
    return [p["event"] for p in rows if (p.get("event") or {}).get("channel") == dm]


def button(message: Message, label: str) -> str | None:
    for block in message.blocks or []:
        for element in block.get("elements", []) if block.get("type") == "actions" else []:
            if element.get("text", {}).get("text") == label:
                return str(element["action_id"])
    return None


@pytest.fixture(params=["http", "socket"])
async def world(request: pytest.FixtureRequest, tmp_path: Path) -> AsyncIterator[World]:
    async with _world(request.param, tmp_path) as made:
        yield made


@asynccontextmanager
async def _world(transport: str, tmp_path: Path) -> AsyncIterator[World]:
    async with SlackEmulator(app_timeout=1.0, event_retry_delays=(0.0, 0.0, 0.0)) as slack:
        port = free_port()
        receive: dict[str, object] = (
            {"slack_app_token": slack.app_token}
            if transport == "socket"
            else {"slack_signing_secret": slack.signing_secret, "port": port}
        )
        settings = Settings(
            _env_file=None,
            database_url=f"sqlite+aiosqlite:///{tmp_path / 'bot.db'}",
            files_dir=tmp_path / "files",
            slack_bot_token=slack.bot_token,
            slack_api_base_url=slack.api_url,
            slack_support_channel=slack.ws.channel("support").id,
            link_secret="a-test-secret-of-32-characters!!",
            **receive,  # type: ignore[arg-type]
        )
        async with running(settings) as runtime:
            if transport == "socket":
                await slack.socket.wait_connected()
            else:
                slack.connect_app(f"http://127.0.0.1:{port}/slack/events")
            yield World(slack, runtime)


async def _link(world: World, person: Person, language: str, role: Role = Role.MEMBER) -> None:
    """A company with one program, and the person's DM linked to a member of it."""
    async with world.runtime.uow_factory() as uow:
        company = Company(name="Studio Rossi & Figli", tax_id="5250001009")
        await uow.companies.add(company)
        await uow.products.add(Product(company_id=company.id, name="Paghe", license_number="1"))
        user = CustomerUser(company_id=company.id, role=role, name="Carol Rossi", language=language)
        await uow.users.add(user)
        await uow.identities.add(
            ChatIdentity(
                platform=Platform.SLACK,
                platform_user_id=person.id,
                chat_id=world.dm(person),
                user_id=user.id,
            )
        )
        await uow.commit()


async def test_a_dm_customer_reports_with_a_screenshot_and_hears_back_in_polish(
    world: World,
) -> None:
    carol, alice, rendered = world.slack.person("carol"), world.alice, world.slack.ws.rendered
    await _link(world, carol, "pl")
    dm = world.dm(carol)
    await carol.dm("menu")
    await world.press(carol, "🆘 Zgłoś problem", "Jakiego rodzaju")
    await world.press(carol, "🐞 Coś nie działa", "w jednym zdaniu")
    # As a Slack client sends what was typed: `&`, `<` and `>` escaped.
    await carol.dm("Lista płac &lt;!channel&gt; się nie liczy")
    asked = await world.said(carol, "Teraz opisz problem")
    # The description in a form (a modal), where a long text is easier to write.
    form_button = button(asked, "✍️ Napisz w formularzu")
    assert form_button is not None
    await carol.click(asked, form_button)
    form = await world.slack.wait_for(lambda: carol.top_view, within=WAIT)
    assert form.title["text"] == "Twoja wiadomość"
    await carol.submit({"cust_text": {"text": "Błąd <ZUS-17> & nic więcej\nPo kliknięciu"}})
    await world.said(carol, "Dodaj zrzuty ekranu")
    assert carol.top_view is None
    screenshot = png(640, 400)
    await carol.upload(dm, "ekran.png", screenshot, comment="Ekran po kliknięciu")
    await world.said(carol, "(1 z 10)")
    await world.press(carol, "✅ Gotowe", "uniemożliwia Ci pracę")
    await world.press(carol, "🔴 Tak, praca stoi", "zadzwonić")
    # Telegram's "share my phone number": in Slack, the number of her Slack profile.
    world.slack.ws.users[carol.id].phone = "+48 600 100 200"
    await world.press(carol, "📱 Udostępnij mój numer telefonu", "zapisano: +48 600 100 200")
    summary = await world.said(carol, "Sprawdź zgłoszenie")
    assert "Błąd <ZUS-17> & nic więcej\nPo kliknięciu" in world.shown(summary)
    assert not carol.pinged_by(summary)
    assert not world.slack.ws.pinged(summary)
    await world.press(carol, "✅ Wyślij zgłoszenie", "#1")

    # The desk: a card in #support, the screenshot in its thread, verbatim text.
    card = await world.card("Lista płac <!channel> się nie liczy")
    assert not world.slack.ws.pinged(card), "a customer's <!channel> pings nobody"
    thread = await world.slack.wait_for(
        lambda: [m for m in alice.thread(card) if m.files] or None, within=WAIT
    )
    shared = world.slack.ws.files[thread[0].files[0]]
    assert hashlib.sha256(shared.content).digest() == hashlib.sha256(screenshot).digest()

    # The agent answers in the thread and sets the status; Carol reads both in Polish.
    await alice.reply(card, "Proszę zaktualizować do 2.3")
    reply = await world.said(carol, "Proszę zaktualizować do 2.3")
    assert "Alice" in world.shown(reply)
    assert "pomoc techniczna" in world.shown(reply)
    card = await world.card("Lista płac")
    await alice.select(card, blocks.ACTION_STATUS, blocks.option_value(1, "waiting_customer"))
    await world.said(carol, "czeka na Twoją odpowiedź")

    # Her answer, and its edit, go onto the ticket; the bot's own DM posts never loop.
    answer = await carol.dm("Zaktualizowałam, działa")
    await world.slack.wait_for(
        lambda: any("Zaktualizowałam" in rendered(m).plain for m in alice.thread(card)),
        within=WAIT,
    )
    await carol.edit(answer, "Zaktualizowałam, działa już dobrze")
    await world.slack.wait_for(
        lambda: any("działa już dobrze" in rendered(m).plain for m in alice.thread(card)),
        within=WAIT,
    )
    async with world.runtime.uow_factory(read_only=True) as uow:
        ticket = await uow.tickets.get_by_number(1)
        assert ticket is not None
        entries = await uow.entries.list_for_ticket(ticket.id)
        attachments = await uow.attachments.list_for_ticket(ticket.id)
    assert ticket.status is TicketStatus.IN_PROGRESS  # her answer took it back to support
    texts = [e.text for e in entries if e.kind is EntryKind.CUSTOMER_MESSAGE]
    assert "Zaktualizowałam, działa już dobrze" in texts
    assert [a.mime_type for a in attachments] == ["image/png"]
    assert all(m.user == carol.id for m in carol.messages(dm) if not m.bot_id)
    # Slack told the bot of its own DM posts; none was taken in (no answer to itself).
    await world.slack.settle(within=WAIT)
    told = [d.event for d in world.slack.events.deliveries if d.kind == "events_api"]
    own = {e["ts"] for e in told if e.get("channel") == dm and e.get("bot_id")}
    assert own, "the emulator sends the bot's own DM posts as events"
    recorded = await _recorded_dm_events(world, dm)
    assert recorded
    assert not own & {e.get("ts") for e in recorded}


async def test_an_unknown_person_gets_the_welcome_in_their_language(world: World) -> None:
    ewa = world.slack.add_person("ewa", "Ewa Kowalska", locale="pl-PL")
    await ewa.dm("dzień dobry")
    welcome = await world.said(ewa, "Witamy w czacie pomocy technicznej")
    assert button(welcome, "🏢 Zarejestruj konto mojej firmy") is not None
    dave = world.slack.person("dave")  # de-DE: a language the bot does not speak
    await dave.dm("hallo")
    await world.said(dave, "Welcome to the support chat")
    async with world.runtime.uow_factory(read_only=True) as uow:
        identity = await uow.identities.get_by_chat(Platform.SLACK, world.dm(ewa))
    assert identity is not None
    assert identity.user_id is None
    assert identity.display_name == "Ewa"


async def test_an_invitation_in_slack_is_a_code_sent_to_the_bot(world: World) -> None:
    carol = world.slack.person("carol")
    await _link(world, carol, "it", Role.SUPER_USER)
    await carol.dm("menu")
    await world.press(carol, "👥 Invita un collega", "Chi stai invitando")
    invite = await world.press(carol, "👤 Utente", "Codice di invito")
    shown = world.shown(invite)
    code = shown.split("Codice di invito: ")[1].split()[0].strip("`")
    assert code.startswith("inv_")
    assert "t.me" not in shown
    # A colleague whose Slack speaks Italian is welcomed in Italian, then sends the code.
    gino = world.slack.add_person("gino", "Gino Bianchi", locale="it-IT")
    await gino.dm("ciao")
    await world.said(gino, "Ti diamo il benvenuto")
    await gino.dm(code)
    await world.said(gino, "Questa chat ora è collegata a")
    async with world.runtime.uow_factory(read_only=True) as uow:
        identity = await uow.identities.get_by_chat(Platform.SLACK, world.dm(gino))
    assert identity is not None
    assert identity.user_id is not None


async def _open(world: World, person: Person, chat_id: str) -> None:
    async with world.runtime.uow_factory(read_only=True) as uow:
        identity = await uow.identities.get_by_platform_user(Platform.SLACK, person.id)
    assert identity is not None
    assert identity.user_id is not None
    command = OpenTicket(
        CustomerActor(identity.user_id),
        TicketType.ERROR,
        "Payroll export hangs",
        "At 80% the export stops.",
        Platform.SLACK,
        chat_id,
    )
    await open_ticket(command, world.runtime.uow_factory(), Context.system())


async def test_an_agents_file_reaches_the_dm_with_the_agents_name(world: World) -> None:
    carol, alice = world.slack.person("carol"), world.alice
    await _link(world, carol, "en")
    dm = world.dm(carol)
    await _open(world, carol, dm)
    card = await world.card("Payroll export hangs")
    log = b"2026-03-02 export stopped at 80%\n" * 50
    await alice.upload(
        "#support", "export.log", log, comment="Here is what we found", thread_ts=card.ts
    )
    reply = await world.said(carol, "Here is what we found")
    assert "Alice" in world.shown(reply)
    shared = await world.slack.wait_for(
        lambda: [m for m in carol.messages(dm) if m.bot_id and m.files] or None, within=WAIT
    )
    file = world.slack.ws.files[shared[0].files[0]]
    assert file.content == log
    assert file.name == "export.log"


async def test_a_dm_that_is_gone_makes_the_person_unreachable(world: World) -> None:
    carol = world.slack.person("carol")
    await _link(world, carol, "en")
    async with world.runtime.uow_factory() as uow:
        identity = await uow.identities.get_by_platform_user(Platform.SLACK, carol.id)
        assert identity is not None
        identity.chat_id = "D0GONE"  # Slack has no such conversation
        await uow.identities.update(identity)
        await uow.commit()
    await _open(world, carol, "D0GONE")

    async def unreachable() -> bool:
        async with world.runtime.uow_factory(read_only=True) as uow:
            found = await uow.identities.get_by_chat(Platform.SLACK, "D0GONE")
        return found is not None and not found.reachable

    deadline = asyncio.get_running_loop().time() + WAIT
    while not await unreachable():
        assert asyncio.get_running_loop().time() < deadline, "the identity stayed reachable"
        await asyncio.sleep(0.05)


async def test_a_button_the_bot_did_not_sign_is_not_believed(world: World) -> None:
    carol = world.slack.person("carol")
    await _link(world, carol, "en")
    client = AsyncWebClient(token=world.slack.bot_token, base_url=world.slack.api_url)
    forged = {"type": "button", "action_id": "cust_0_0", "value": "m:report"}
    forged["text"] = {"type": "plain_text", "text": "Report"}
    posted = await client.chat_postMessage(
        channel=world.dm(carol), text="?", blocks=[{"type": "actions", "elements": [forged]}]
    )
    message = world.slack.ws.message(world.dm(carol), posted["ts"])
    assert message is not None
    await carol.click(message, "cust_0_0")
    await world.said(carol, "no longer works")
    assert not [m for m in world.bot_messages(carol) if "What kind of" in world.shown(m)]


async def test_someone_new_who_opens_the_dm_is_greeted_once(world: World) -> None:
    rosa = world.slack.add_person("rosa", "Rosa Ionescu", locale="ro-RO")
    await rosa.open_app()
    await world.said(rosa, "Bun venit")
    await rosa.open_app()
    await rosa.open_app("home")
    await rosa.dm("language")
    # One DM's messages are handled and delivered in order: a second welcome would be here.
    await world.said(rosa, "Alegeți limba")
    welcomes = [m for m in world.bot_messages(rosa) if "Bun venit" in world.shown(m)]
    assert len(welcomes) == 1


async def test_a_reply_in_the_thread_of_a_tickets_message_goes_to_that_ticket(
    world: World,
) -> None:
    carol, alice = world.slack.person("carol"), world.alice
    await _link(world, carol, "en")
    dm = world.dm(carol)
    await _open(world, carol, dm)
    await world.card("Payroll export hangs")
    await _open(world, carol, dm)  # a second open ticket: a plain message would be ambiguous
    await world.slack.wait_for(
        lambda: len([m for m in alice.messages("#support") if m.bot_id]) == 2, within=WAIT
    )
    first = next(m for m in alice.messages("#support") if m.bot_id)
    await alice.reply(first, "Which version do you use?")
    push = await world.said(carol, "Which version do you use?")
    await carol.post(dm, "Version 2.2", thread_ts=push.ts)
    await world.said(carol, "Added to #1")
    async with world.runtime.uow_factory(read_only=True) as uow:
        ticket = await uow.tickets.get_by_number(1)
        assert ticket is not None
        entries = await uow.entries.list_for_ticket(ticket.id)
    assert "Version 2.2" in [e.text for e in entries if e.kind is EntryKind.CUSTOMER_MESSAGE]
