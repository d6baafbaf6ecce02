"""Super users' "Message support" and support access tokens on real storage, platform-neutral:
what a super user says and sees, what agents are told, and what others cannot do."""

from __future__ import annotations

import re
import uuid
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path

import pytest

from bot.flows import actions, super_user
from bot.flows.engine import Deps, FlowLimits
from bot.flows.io import Command, FileKind, Files, IncomingFile, Input, Say
from core.actors import CustomerActor
from core.commands import OpenTicket
from core.model import Platform, Role, SupportToken, TicketStatus, TicketType
from core.services.tickets import open_ticket
from storage.uow import SqlUnitOfWorkFactory
from tests.integration import builders as make
from tests.integration.builders import T0
from tests.integration.chat import Bot, Clock, Customer, Outbox, add_linked_user


class Person(Customer):
    """A customer whose every button the bot shows fits the platforms' callback data."""

    async def send(self, received: Input) -> list[Say]:
        says = await super().send(received)
        for say in says:
            for row in say.buttons:
                for button in row:
                    assert len(button.data.encode()) <= actions.MAX_DATA_BYTES, button.data
        return says


@dataclass
class World:
    anna: Person  # super user of the accounting office
    bartek: Person  # member of the same company; reported ticket #1
    carla: Person  # super user of another company; reported ticket #2
    outbox: Outbox
    clock: Clock
    deps: Deps
    office_id: uuid.UUID  # Anna's and Bartek's company

    @property
    def uow_factory(self) -> SqlUnitOfWorkFactory:
        return self.outbox.uow_factory

    async def tokens(self) -> list[SupportToken]:
        """The office's tokens, valid or not, oldest first."""
        async with self.uow_factory(read_only=True) as uow:
            found = await uow.support_tokens.list_for_company(self.office_id)
        return sorted(found, key=lambda t: t.created_at)

    async def open_ticket(self, who: Person, subject: str) -> int:
        async with self.uow_factory(read_only=True) as uow:
            identity = await uow.identities.get_by_chat(Platform.TELEGRAM, who.chat_id)
        assert identity is not None
        assert identity.user_id is not None
        command = OpenTicket(
            actor=CustomerActor(identity.user_id),
            type=TicketType.ERROR,
            subject=subject,
            description="It does not work.",
            origin_platform=Platform.TELEGRAM,
            origin_chat_id=who.chat_id,
        )
        ticket = await open_ticket(command, self.uow_factory(), self.deps.ctx)
        await self.outbox.deliver()
        return ticket.number


@pytest.fixture
async def world(sqlite_uow_factory: SqlUnitOfWorkFactory, tmp_path: Path) -> World:
    uow_factory = sqlite_uow_factory
    office, other = make.company(name="Biuro Rachunkowe"), make.company(name="Studio Rossi")
    people = [
        (make.user(office.id, name="Anna", role=Role.SUPER_USER, language="en"), "7001"),
        (make.user(office.id, name="Bartek", role=Role.MEMBER, language="en"), "7002"),
        (make.user(other.id, name="Carla", role=Role.SUPER_USER, language="en"), "7003"),
    ]
    async with uow_factory() as uow:
        await uow.companies.add(office)
        await uow.companies.add(other)
        for user, chat in people:
            await add_linked_user(uow, user, chat_id=chat, platform_user_id=chat)
        await uow.commit()
    bot = Bot.build(
        uow_factory,
        tmp_path / "files",
        limits=FlowLimits(max_attachments=2, max_attachment_bytes=1000),
    )
    anna, bartek, carla = (Person(bot, chat, chat, "x", "en") for _, chat in people)
    w = World(anna, bartek, carla, bot.outbox, bot.clock, bot.deps, office.id)
    assert await w.open_ticket(bartek, "Payroll does not compute") == 1
    assert await w.open_ticket(carla, "Stampa fatture") == 2
    return w


# -- Message support ---------------------------------------------------------------------------


async def write_message(p: Person) -> list[Say]:
    await p.send(Command("menu"))
    said = await p.press("Message support")
    assert "the subject in one line" in said[-1].text
    assert [b.data for b in said[-1].buttons[-1]] == [actions.CANCEL], "first step: Cancel only"
    await p.text("We moved to   <b>new</b> offices")
    return await p.text("From Monday our address is Nowa 1 & our VAT id stays the same.")


async def test_a_super_users_message_reaches_agents_as_its_own_ticket(world: World) -> None:
    anna = world.anna
    said = await write_message(anna)
    summary = said[-1].text
    assert "<b>Subject:</b> We moved to &lt;b&gt;new&lt;/b&gt; offices" in summary, "escaped"
    assert "Nowa 1 &amp; our VAT id" in summary

    # Files and a second bubble at the summary join the message.
    anna.files.blobs = {"f1": b"%PDF-1.7 new address"}
    said = await anna.send(
        Files((IncomingFile(FileKind.DOCUMENT, "f1", "21", 20, "address.pdf", "application/pdf"),))
    )
    assert "address.pdf (1 of 2)" in said[0].text
    assert "<b>Files:</b> 1" in said[-1].text
    said = await anna.text("Invoices should go there too.")
    assert "I added that to your message." in said[0].text

    said = await anna.press("Send to support")
    assert "Your message and 1 file were sent to support as <b>#3</b>" in said[0].text
    assert said[0].ticket_number == 3, "the reply anchors support's answers in this chat"
    assert "Anything else?" in said[-1].text

    async with world.uow_factory(read_only=True) as uow:
        ticket = await uow.tickets.get_by_number(3)
        assert ticket is not None
        files = await uow.attachments.list_for_ticket(ticket.id)
    assert ticket.type is TicketType.EXTRA_MESSAGE
    assert ticket.status is TicketStatus.NEW
    assert ticket.subject == "We moved to <b>new</b> offices", "stored as typed, one line"
    assert ticket.description.startswith("From Monday our address")
    assert ticket.description.endswith("stays the same.\n\nInvoices should go there too.")
    assert [f.file_name for f in files] == ["address.pdf"]
    [extra] = world.outbox.for_agents("ticket.extra_message")
    assert extra.ticket_id == ticket.id
    assert extra.payload["attachment_ids"] == [str(f.id) for f in files]

    # The Send button pressed again (a redelivered update) sends nothing more.
    said = await anna.forge(actions.flow("send"))
    assert "no longer works" in said[0].text
    async with world.uow_factory(read_only=True) as uow:
        assert await uow.tickets.get_by_number(4) is None


async def test_a_file_with_a_caption_can_be_the_whole_message(world: World) -> None:
    anna = world.anna
    await anna.send(Command("menu"))
    await anna.press("Message support")
    await anna.text("Screenshot of the new licence")
    anna.files.blobs = {"p1": b"\x89PNG licence"}
    photo = IncomingFile(FileKind.PHOTO, "p1", "31", 12, None, None, caption="Our new licence")
    said = await anna.send(Files((photo,)))
    assert "<b>Message:</b>\nOur new licence" in said[-1].text
    assert "<b>Files:</b> 1" in said[-1].text


async def test_a_member_cannot_message_support(world: World) -> None:
    said = await world.bartek.forge(actions.menu("message"))
    assert said[0].text == "You are not allowed to do that."
    assert world.bartek.offers("Report a problem")
    assert not world.bartek.offers("Message support")
    async with world.uow_factory(read_only=True) as uow:
        assert await uow.tickets.get_by_number(3) is None


async def test_back_and_cancel_in_the_message(world: World) -> None:
    anna = world.anna
    await write_message(anna)
    said = await anna.press("Back")
    assert "Now write your message" in said[-1].text
    said = await anna.press("Back")
    assert "the subject in one line" in said[-1].text
    await anna.text("Another subject")
    said = await anna.press("Cancel")
    assert "The message was cancelled; nothing was sent." in said[0].text
    assert world.anna.offers("Message support")
    async with world.uow_factory(read_only=True) as uow:
        assert await uow.tickets.get_by_number(3) is None


async def test_subject_and_message_must_be_text_and_not_too_long(world: World) -> None:
    anna = world.anna
    await anna.send(Command("menu"))
    await anna.press("Message support")
    said = await anna.text("x" * 201)
    assert "That is 201 characters; a subject can have at most 200." in said[0].text
    await anna.text("Short")
    said = await anna.forge(actions.flow("send"))
    assert "Please write your message as text." in said[0].text
    said = await anna.text("y" * 20_001)
    assert "would have 20,001 characters, and it can have at most 20,000" in said[0].text


# -- Support access tokens ---------------------------------------------------------------------


async def create_token(p: Person, validity: str = "1 hour") -> tuple[list[Say], SupportToken]:
    await p.send(Command("menu"))
    said = await p.press("Support access token")
    said = await p.press("Create a token")
    assert "How long should the new token be valid?" in said[0].text
    assert said[0].replace_message_id == "m1", "the screen changes in place"
    said = await p.press(validity)
    return said, await _shown_token(p, said[0].text)


async def _shown_token(p: Person, text: str) -> SupportToken:
    """The stored token whose code the message shows."""
    found = re.search(r"<code>(ST-[0-9A-Z]{4}-[0-9A-Z]{4})</code>", text)
    assert found is not None, text
    async with p.uow_factory(read_only=True) as uow:
        identity = await uow.identities.get_by_chat(Platform.TELEGRAM, p.chat_id)
        assert identity is not None
        assert identity.user_id is not None
        user = await uow.users.get(identity.user_id)
        assert user is not None
        tokens = await uow.support_tokens.list_for_company(user.company_id)
    [token] = [t for t in tokens if t.code == found.group(1)]
    return token


async def test_a_new_token_is_shown_to_copy_with_a_warning(world: World) -> None:
    said, token = await create_token(world.anna)
    assert token.code.startswith("ST-")
    assert token.expires_at == T0 + timedelta(hours=1)
    assert token.ticket_id is None
    text = said[0].text
    assert f"<code>{token.code}</code>" in text
    assert "11:00" in text, "10:00 in Warsaw plus an hour, in the company's time zone"
    assert "Share it only with our support team" in text
    said = await world.anna.press("Back")
    assert "You have one valid token:" in said[0].text
    assert f"<code>{token.code}</code>" in said[0].text
    assert "not attached to a ticket" in said[0].text


async def test_validity_can_be_a_week(world: World) -> None:
    _, token = await create_token(world.anna, "1 week")
    assert token.expires_at == T0 + timedelta(weeks=1)
    _, token = await create_token(world.anna, "1 day")
    assert token.expires_at == T0 + timedelta(days=1)
    said = await world.anna.press("Back")
    assert "You have 2 valid tokens:" in said[0].text


async def test_attaching_a_token_puts_it_on_the_ticket_for_agents(world: World) -> None:
    anna = world.anna
    _, token = await create_token(anna)
    said = await anna.press(f"Attach {token.code}")
    assert "Which ticket should" in said[0].text
    assert world.anna.labels() == ["#1 · Payroll does not compute", "⬅️ Back"], (
        "the company's open tickets only"
    )
    said = await anna.press("#1")
    assert f"<code>{token.code}</code> is attached to ticket <b>#1</b>" in said[0].text
    assert "attached to ticket <b>#1</b>" in said[0].text

    async with world.uow_factory(read_only=True) as uow:
        ticket = await uow.tickets.get_by_number(1)
    assert ticket is not None
    assert ticket.support_token_id == token.id
    [attached] = world.outbox.for_agents("ticket.support_token_attached")
    assert attached.ticket_id == ticket.id
    assert attached.payload["code"] == token.code

    said = await anna.press(f"Attach {token.code}")
    assert "It is attached to ticket <b>#1</b> now" in said[0].text


async def test_no_open_ticket_offers_to_report_one(world: World) -> None:
    _, token = await create_token(world.carla)
    async with world.uow_factory() as uow:
        ticket = await uow.tickets.get_by_number(2)
        assert ticket is not None
        ticket.status = TicketStatus.RESOLVED
        await uow.tickets.update(ticket)
        await uow.commit()
    said = await world.carla.press(f"Attach {token.code}")
    assert "There is no open ticket to attach" in said[0].text
    assert world.carla.button("Report a problem").data == actions.menu("report")


async def test_many_tickets_come_in_pages(world: World) -> None:
    for n in range(9):
        await world.open_ticket(world.bartek, f"Problem {n}")
    _, token = await create_token(world.anna)
    await world.anna.press(f"Attach {token.code}")
    assert len([label for label in world.anna.labels() if label.startswith("#")]) == 8
    await world.anna.press("Older tickets")
    assert [label for label in world.anna.labels() if label.startswith("#")] == [
        "#3 · Problem 0",
        "#1 · Payroll does not compute",
    ]


async def test_revoking_a_token_tells_agents(world: World) -> None:
    anna = world.anna
    _, token = await create_token(anna)
    await anna.press(f"Attach {token.code}")
    await anna.press("#1")
    said = await anna.press("Revoke")
    assert f"Revoke <code>{token.code}</code>?" in said[0].text
    assert "ticket <b>#1</b>" in said[0].text
    said = await anna.press("Back")
    assert "You have one valid token:" in said[0].text
    await anna.press("Revoke")
    said = await anna.press("Yes, revoke it")
    assert f"<code>{token.code}</code> is revoked" in said[0].text
    assert "You have no valid tokens." in said[0].text

    [stored] = await world.tokens()
    assert stored.revoked_at == T0
    [revoked] = world.outbox.for_agents("ticket.support_token_revoked")
    assert revoked.payload["code"] == token.code


async def test_expired_tokens_are_not_listed_nor_usable(world: World) -> None:
    anna = world.anna
    _, token = await create_token(anna)
    said = await anna.press("Back")
    world.clock.at += timedelta(hours=1, minutes=1)
    said = await anna.press(f"Attach {token.code}")
    assert f"<code>{token.code}</code> is not among your valid tokens" in said[0].text
    assert "You have no valid tokens." in said[0].text
    said = await anna.forge(super_user.token_data("rev", token.code, "yes"))
    assert "is not among your valid tokens" in said[0].text
    [stored] = await world.tokens()
    assert stored.revoked_at is None
    assert world.outbox.for_agents("ticket.support_token_attached") == []


async def test_a_member_pressing_forged_token_buttons_changes_nothing(world: World) -> None:
    _, token = await create_token(world.anna)
    bartek = world.bartek
    for data in (
        actions.menu("token"),
        super_user.token_data("list"),
        super_user.token_data("new"),
        super_user.token_data("new", "1w"),
        super_user.token_data("rev", token.code),
        super_user.token_data("att", token.code),
        super_user.token_data("att", token.code, 1),
        super_user.token_data("rev", token.code, "yes"),
    ):
        said = await bartek.forge(data)
        assert said[0].text == "You are not allowed to do that.", data
        assert token.code not in " ".join(s.text for s in said)
        assert bartek.offers("Report a problem"), "and the menu"
    [stored] = await world.tokens()
    assert stored.revoked_at is None
    assert stored.ticket_id is None
    async with world.uow_factory(read_only=True) as uow:
        ticket = await uow.tickets.get_by_number(1)
    assert ticket is not None
    assert ticket.support_token_id is None
    assert world.outbox.for_agents("ticket.support_token_attached") == []


async def test_a_super_user_of_another_company_cannot_touch_the_token(world: World) -> None:
    _, token = await create_token(world.anna)
    carla = world.carla
    said = await carla.forge(actions.menu("token"))
    assert "You have no valid tokens." in said[0].text
    for data in (
        super_user.token_data("att", token.code, 2),
        super_user.token_data("att", token.code, 1),
        super_user.token_data("rev", token.code, "yes"),
    ):
        said = await carla.forge(data)
        assert "is not among your valid tokens" in said[0].text, data
    [stored] = await world.tokens()
    assert stored.revoked_at is None
    assert stored.ticket_id is None
    assert world.outbox.for_agents("ticket.support_token_attached") == []
    assert world.outbox.for_agents("ticket.support_token_revoked") == []

    # Nor can Anna put her token on Carla's ticket.
    said = await world.anna.forge(super_user.token_data("att", token.code, 2))
    assert "We could not find that ticket." in said[0].text
    async with world.uow_factory(read_only=True) as uow:
        ticket = await uow.tickets.get_by_number(2)
    assert ticket is not None
    assert ticket.support_token_id is None


async def test_an_unknown_token_button_shows_the_list_again(world: World) -> None:
    said = await world.anna.forge("tok:frobnicate")
    assert "no longer works" in said[0].text
    assert "Support access tokens" in said[-1].text


async def test_the_list_speaks_the_customers_language_and_time_zone(world: World) -> None:
    async with world.uow_factory() as uow:
        [anna] = [u for u in await uow.users.list_for_company(world.office_id) if u.name == "Anna"]
        anna.language = "pl"
        await uow.users.update(anna)
        await uow.commit()
    await world.anna.send(Command("menu"))
    await world.anna.press("Token dostępu dla serwisu")
    for validity in ("1 godzina", "1 tydzień"):
        await world.anna.press("Utwórz token")
        await world.anna.press(validity)
        said = await world.anna.press("Wstecz")
    assert "Masz 2 ważne tokeny:" in said[0].text
    assert "ważny do 2.03.2026, 11:00" in said[0].text, "Warsaw time, Polish format"
    assert "ważny do 9.03.2026, 10:00" in said[0].text
