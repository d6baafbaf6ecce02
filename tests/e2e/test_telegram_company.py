"""A company's people through the Telegram emulator: roles, authorization, isolation."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path

import pytest

from adapters.telegram.callbacks import CallbackSigner
from adapters.telegram.emulator import SimUser, TelegramEmulator
from bot.runtime import Runtime, running, signing_secret
from core.actors import AgentActor, CustomerActor
from core.commands import (
    AssignTicket,
    ChangeStatus,
    CloseTicket,
    OpenTicket,
    ReopenTicket,
    RequestInfo,
    ResolveTicket,
    SetExpectedClose,
)
from core.context import Context
from core.model import (
    Agent,
    ChatIdentity,
    Company,
    CustomerUser,
    Platform,
    Role,
    TicketStatus,
    TicketType,
)
from core.services.conversation import request_info
from core.services.tickets import open_ticket
from core.services.workflow import (
    assign_ticket,
    change_status,
    close_ticket,
    reopen_ticket,
    resolve_ticket,
    set_expected_close,
)
from tests.e2e.desk import WAIT, settings_for


@pytest.fixture(autouse=True)
def _ptb_timedelta(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PTB_TIMEDELTA", "true")


@dataclass
class People:
    emu: TelegramEmulator
    runtime: Runtime
    users: dict[str, CustomerUser]
    chats: dict[str, SimUser]
    agent: Agent

    async def said(self, who: str, fragment: str) -> str:
        message = await self.chats[who].wait_for_message(
            lambda m: fragment in (m.text or ""), timeout=WAIT
        )
        return message.text or ""

    async def open(self, who: str, subject: str) -> int:
        ticket = await open_ticket(
            OpenTicket(
                CustomerActor(self.users[who].id),
                TicketType.ERROR,
                subject,
                "Details.",
                Platform.TELEGRAM,
                str(self.chats[who].chat_id),
            ),
            self.runtime.uow_factory(),
            Context.system(),
        )
        return ticket.number

    async def status(self, number: int) -> TicketStatus:
        async with self.runtime.uow_factory() as uow:
            ticket = await uow.tickets.get_by_number(number)
        assert ticket is not None
        return ticket.status


@pytest.fixture
async def people(tmp_path: Path) -> AsyncIterator[People]:
    async with TelegramEmulator() as emu:
        settings = settings_for(emu, tmp_path)
        async with running(settings, poll_timeout=1) as runtime:
            cast = {
                "szef": ("Acme", Role.SUPER_USER),
                "anna": ("Acme", Role.MEMBER),
                "rita": ("Acme", Role.RESTRICTED),
                "carl": ("Other", Role.SUPER_USER),
            }
            users: dict[str, CustomerUser] = {}
            chats: dict[str, SimUser] = {}
            async with runtime.uow_factory() as uow:
                companies = {name: Company(name=name, tax_id=name) for name in ("Acme", "Other")}
                for company in companies.values():
                    await uow.companies.add(company)
                for name, (company_name, role) in cast.items():
                    chats[name] = emu.add_user(name.title(), language_code="pl")
                    user = CustomerUser(
                        company_id=companies[company_name].id,
                        role=role,
                        name=name.title(),
                        language="pl",
                    )
                    users[name] = user
                    await uow.users.add(user)
                    await uow.identities.add(
                        ChatIdentity(
                            platform=Platform.TELEGRAM,
                            platform_user_id=str(chats[name].id),
                            chat_id=str(chats[name].chat_id),
                            user_id=user.id,
                        )
                    )
                agent = Agent(slack_user_id="U1", display_name="Marek")
                await uow.agents.add(agent)
                await uow.commit()
            people = People(emu, runtime, users, chats, agent)
            for name, chat in chats.items():
                chat.start()
                await people.said(name, "W czym możemy pomóc?")
            yield people


async def test_a_restricted_users_ticket_waits_for_the_super_user(people: People) -> None:
    number = await people.open("rita", "Drukarka fiskalna")
    assert "Czeka na akceptację" in await people.said("rita", f"#{number}")
    request = await people.chats["szef"].wait_for_message(
        lambda m: m.button("Akceptuj") is not None, timeout=WAIT
    )
    assert "Drukarka fiskalna" in (request.text or "")
    assert await people.status(number) is TicketStatus.TO_AUTHORIZE
    people.chats["szef"].press("Akceptuj", request)
    assert "zaakceptowane" in await people.said("rita", f"#{number}")
    assert await people.status(number) is TicketStatus.NEW


async def test_a_member_cannot_open_a_colleagues_ticket(people: People) -> None:
    number = await people.open("szef", "Tylko dla szefa")
    anna = people.chats["anna"]
    anna.send_text(f"/tickets {number}")
    answer = await people.said("anna", "Nie znaleźliśmy")
    assert "Tylko dla szefa" not in answer
    people.chats["szef"].send_text(f"/tickets {number}")
    await people.said("szef", "Tylko dla szefa")


async def test_a_signed_button_for_another_companys_ticket_is_refused(people: People) -> None:
    number = await people.open("carl", "Tajne dane innej firmy")
    signer = CallbackSigner(signing_secret(people.runtime.settings))
    anna = people.chats["anna"]
    menu = anna.last_bot_message()
    assert menu is not None
    button = menu.button("📋 Moje zgłoszenia")
    assert button is not None
    # A correctly signed button: the signature is not what protects the ticket, the core is.
    button["callback_data"] = signer.sign(f"t:{number}:open")
    anna.press("📋 Moje zgłoszenia", menu)
    answer = await people.said("anna", "Nie znaleźliśmy")
    assert "Tajne" not in answer


async def test_a_message_on_a_closed_ticket_is_not_added(people: People) -> None:
    number = await people.open("anna", "Stary problem")
    actor, ctx = AgentActor(people.agent.id), Context.system()
    async with people.runtime.uow_factory() as uow:
        ticket = await uow.tickets.get_by_number(number)
    assert ticket is not None
    await resolve_ticket(
        ResolveTicket(actor, ticket.id, "Gotowe"), people.runtime.uow_factory(), ctx
    )
    await close_ticket(CloseTicket(actor, ticket.id), people.runtime.uow_factory(), ctx)
    people.chats["anna"].send_text("Jednak nadal nie działa")
    prompt = await people.said("anna", "zamknięte")
    assert f"#{number}" in prompt
    async with people.runtime.uow_factory() as uow:
        entries = await uow.entries.list_for_ticket(ticket.id)
    assert all("nadal nie działa" not in e.text for e in entries)


async def test_every_status_push_reaches_a_polish_customer_under_the_ticket(
    people: People,
) -> None:
    number = await people.open("anna", "Faktura korygująca")
    anchor = await people.chats["anna"].wait_for_message(
        lambda m: f"#{number}" in (m.text or ""), timeout=WAIT
    )
    async with people.runtime.uow_factory() as uow:
        ticket = await uow.tickets.get_by_number(number)
    assert ticket is not None
    me, ctx, uow_factory = AgentActor(people.agent.id), Context.system(), people.runtime.uow_factory
    steps = [
        (assign_ticket, AssignTicket(me, ticket.id), "zajmuje się"),
        (change_status, ChangeStatus(me, ticket.id, TicketStatus.IN_PROGRESS), "w realizacji"),
        (request_info, RequestInfo(me, ticket.id, "Proszę o numer faktury"), "numer faktury"),
        (
            set_expected_close,
            SetExpectedClose(me, ticket.id, date.today() + timedelta(days=30)),
            "przewidywany termin zamknięcia",
        ),
        (resolve_ticket, ResolveTicket(me, ticket.id, "Poprawione"), "Poprawione"),
        (reopen_ticket, ReopenTicket(me, ticket.id), "ponownie otworzyła"),
        (resolve_ticket, ResolveTicket(me, ticket.id, "Teraz na pewno"), "Teraz na pewno"),
        (close_ticket, CloseTicket(me, ticket.id), "zostało zamknięte"),
    ]
    for service, command, fragment in steps:
        await service(command, uow_factory(), ctx)  # type: ignore[operator]
        text = await people.said("anna", fragment)
        pushed = people.chats["anna"].bot_messages()
        push = next(m for m in reversed(pushed) if m.text == text)
        assert push.reply_to_message_id == anchor.message_id, fragment


# -- isolation: guessing, replying across chats (issue 9) ---------------------------------------


async def test_guessing_ticket_numbers_reveals_nothing(people: People) -> None:
    """Every number Anna may not see gets the same answer as one that does not exist."""
    secret = await people.open("carl", "Tajne dane innej firmy")
    colleague = await people.open("szef", "Sprawa szefa")
    anna = people.chats["anna"]
    answers = []
    for number in (secret, colleague, secret + 50):
        anna.send_text(f"/tickets {number}")
        answers.append(await people.said("anna", "Nie znaleźliśmy"))
    assert all("Tajne" not in a and "Sprawa szefa" not in a for a in answers)
    numbers = (secret, colleague, secret + 50)
    same = {a.replace(str(n), "N") for a, n in zip(answers, numbers, strict=True)}
    assert len(same) == 1, "an existing ticket answers like a missing one"
    # The super user of Acme sees a colleague's ticket, never another company's.
    people.chats["szef"].send_text(f"/tickets {colleague}")
    await people.said("szef", "Sprawa szefa")
    people.chats["szef"].send_text(f"/tickets {secret}")
    assert "Tajne" not in await people.said("szef", "Nie znaleźliśmy")


async def test_a_reply_to_a_message_of_another_chat_reaches_no_ticket(people: People) -> None:
    """Telegram message ids are per chat; an update claiming to reply to Anna's ticket message
    from Carl's chat (a forged update, or a forwarded copy) must not land on Anna's ticket."""
    number = await people.open("anna", "Problem Anny")
    pushed = await people.chats["anna"].wait_for_message(
        lambda m: f"#{number}" in (m.text or ""), timeout=WAIT
    )
    carl = people.chats["carl"]
    # A forwarded copy in Carl's own chat, replied to: the bot never sent that message there.
    before = len(carl.bot_messages())
    copy = carl.send_text(pushed.text or "")
    carl.reply(copy, "Dopisuję się do cudzego zgłoszenia")
    # And a forged update naming Anna's message id inside Carl's chat.
    world = people.emu.world
    forged = {
        "message_id": 999_999,
        "date": world.now(),
        "from": {"id": carl.id, "is_bot": False, "first_name": "Carl"},
        "chat": {"id": carl.chat_id, "type": "private", "first_name": "Carl"},
        "text": "Wstrzyknięta odpowiedź",
        "reply_to_message": {**pushed.raw, "chat": {"id": carl.chat_id, "type": "private"}},
    }
    world.updates.push("message", forged, carl.chat_id)
    for _ in range(200):  # each of the three gets an answer
        if len(carl.bot_messages()) >= before + 3:
            break
        await asyncio.sleep(0.05)
    assert len(carl.bot_messages()) >= before + 3
    async with people.runtime.uow_factory() as uow:
        ticket = await uow.tickets.get_by_number(number)
        assert ticket is not None
        entries = await uow.entries.list_for_ticket(ticket.id)
    assert all("cudzego" not in e.text and "Wstrzyknięta" not in e.text for e in entries)
