"""The whole bot against the Telegram emulator: a customer reports a problem from their phone.

Everything is real but the platform: the runtime with its poller, inbox processor and delivery
worker; python-telegram-bot; SQLite; the file store. Simulated users type and press buttons.
"""

from __future__ import annotations

import asyncio
import hashlib
from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from adapters.telegram.emulator import AlbumItem, TelegramEmulator
from bot.runtime import running
from bot.settings import Settings
from core.actors import AgentActor, SystemActor
from core.commands import AddAgentReply, CreateInvite, ResolveTicket
from core.context import Context
from core.model import Agent, Platform, Role
from core.services.conversation import add_agent_reply
from core.services.invites import create_invite
from core.services.workflow import resolve_ticket
from tests.e2e.desk import Desk, png, seed, settings_for
from tests.mailroom import MailRoom, SmtpServer, free_port


@pytest.fixture(autouse=True)
def _ptb_timedelta(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PTB_TIMEDELTA", "true")


@pytest.fixture
async def desk(tmp_path: Path) -> AsyncIterator[Desk]:
    async with TelegramEmulator() as emu:
        settings = settings_for(emu, tmp_path, max_attachment_mb=1)
        async with running(settings, album_quiet=0.3, poll_timeout=1) as runtime:
            anna = emu.add_user("Anna", language_code="pl")
            agent = await seed(runtime, anna)
            desk = Desk(emu, runtime, anna, agent)
            anna.start()
            await desk.said(anna, "W czym możemy pomóc?")
            yield desk


async def report(desk: Desk) -> None:
    anna = desk.anna
    await desk.press(anna, "🆘 Zgłoś problem", "Którego programu")
    await desk.press(anna, "Kadry i płace", "Jakiego rodzaju")
    await desk.press(anna, "🐞 Coś nie działa", "w jednym zdaniu")
    anna.send_text("Lista płac za marzec się nie liczy")
    await desk.said(anna, "Teraz opisz problem")
    anna.send_text("Błąd <ZUS-17> po kliknięciu „Przelicz” & nic więcej")
    await desk.said(anna, "Dodaj zrzuty ekranu")


async def test_a_customer_reports_a_problem_with_a_screenshot_and_a_pdf(desk: Desk) -> None:
    anna = desk.anna
    await report(desk)
    screenshot, pdf = png(640, 400), b"%PDF-1.7\n" + b"x" * 5000
    anna.send_photo(screenshot, caption="Ekran po kliknięciu")
    await desk.said(anna, "(1 z 10)")
    anna.send_document(pdf, "lista-plac.pdf")
    await desk.said(anna, "(2 z 10)")
    await desk.press(anna, "✅ Gotowe", "uniemożliwia Ci pracę")
    await desk.press(anna, "🔴 Tak, praca stoi", "zadzwonić")
    anna.share_contact("+48600100200")
    summary = await desk.said(anna, "Sprawdź zgłoszenie")
    assert "Błąd <ZUS-17> po kliknięciu „Przelicz” & nic więcej" in (summary.text or "")
    assert anna.reply_keyboard is None, "the share-contact keyboard is gone"

    anna.press("✅ Wyślij zgłoszenie")
    opened = await desk.said(anna, "#1")
    assert "Lista płac za marzec się nie liczy" in (opened.text or "")
    await desk.said(anna, "Czy możemy pomóc w czymś jeszcze?")

    async with desk.runtime.uow_factory() as uow:
        ticket = await uow.tickets.get_by_number(1)
        assert ticket is not None
        assert ticket.work_blocked
        assert ticket.contact_phone == "+48600100200"
        files = await uow.attachments.list_for_ticket(ticket.id)
    assert sorted(f.mime_type for f in files) == ["application/pdf", "image/png"]
    assert {f.sha256 for f in files} == {
        hashlib.sha256(screenshot).hexdigest(),
        hashlib.sha256(pdf).hexdigest(),
    }

    # The agent answers; the push arrives in Polish, threaded under the ticket's message.
    ctx = Context.system()
    await add_agent_reply(
        AddAgentReply(AgentActor(desk.agent.id), ticket.id, "Proszę zaktualizować do 2.3"),
        desk.runtime.uow_factory(),
        ctx,
    )
    reply = await desk.said(anna, "Proszę zaktualizować do 2.3")
    assert "Marek (wsparcie)" in (reply.text or "")
    assert reply.reply_to_message_id == opened.message_id
    await resolve_ticket(
        ResolveTicket(AgentActor(desk.agent.id), ticket.id, "Poprawione w wersji 2.3"),
        desk.runtime.uow_factory(),
        ctx,
    )
    resolved = await desk.said(anna, "Poprawione w wersji 2.3")
    assert resolved.reply_to_message_id == opened.message_id
    assert any(
        "rozwiązany" in label.lower() or "✅" in label for row in resolved.buttons for label in row
    )


async def test_an_album_of_five_photos_is_taken_as_one(desk: Desk) -> None:
    anna = desk.anna
    await report(desk)
    photos = [
        png(100 + i, 80, colour)
        for i, colour in enumerate(["red", "green", "blue", "black", "white"])
    ]
    anna.send_album([AlbumItem("photo", data) for data in photos])
    added = await desk.said(anna, "Dodano")
    assert "(5 z 10)" in (added.text or "")
    texts = [m.text or "" for m in anna.bot_messages()]
    assert sum("Dodano" in t for t in texts) == 1, "one answer for the album, not five"


async def test_a_too_large_file_is_refused_with_the_reason(desk: Desk) -> None:
    anna = desk.anna
    await report(desk)
    anna.send_document(b"%PDF-1.7\n" + b"0" * (2 * 2**20), "skan.pdf")
    refused = await desk.said(anna, "skan.pdf")
    assert "1 MB" in (refused.text or "")
    anna.send_document(b"small", "maly.txt")
    await desk.said(anna, "(1 z 10)")


async def test_back_and_cancel(desk: Desk) -> None:
    anna = desk.anna
    anna.send_text("/new")
    await desk.said(anna, "Którego programu")
    await desk.press(anna, "Faktury", "Jakiego rodzaju")
    await desk.press(anna, "⬅️ Wstecz", "Którego programu")
    await desk.press(anna, "✖️ Anuluj", "anulowano")
    async with desk.runtime.uow_factory() as uow:
        assert await uow.tickets.get_by_number(1) is None


async def test_a_forged_button_is_refused(desk: Desk) -> None:
    anna = desk.anna
    menu = anna.last_bot_message()
    assert menu is not None
    button = menu.button("🆘 Zgłoś problem")
    assert button is not None
    button["callback_data"] = "m:report~AAAAAAAAAAAA"  # a tag the bot never made
    anna.press("🆘 Zgłoś problem", menu)
    await desk.said(anna, "już nie działa")


async def test_blocking_the_bot_marks_the_chat_unreachable(desk: Desk) -> None:
    anna = desk.anna
    anna.block()

    async def reachable() -> bool:
        async with desk.runtime.uow_factory() as uow:
            identity = await uow.identities.get_by_chat(Platform.TELEGRAM, str(anna.chat_id))
        assert identity is not None
        return identity.reachable

    for _ in range(100):
        if not await reachable():
            break
        await asyncio.sleep(0.05)
    assert not await reachable()


async def test_an_invite_link_links_a_new_colleague(desk: Desk) -> None:
    async with desk.runtime.uow_factory() as uow:
        (company,) = await uow.companies.list()
    issued = await create_invite(
        CreateInvite(SystemActor(), Role.MEMBER, company_id=company.id),
        desk.runtime.uow_factory(),
        Context.system(),
    )
    piotr = desk.emu.add_user("Piotr", language_code="pl")
    piotr.start(f"inv_{issued.token}")
    await desk.said(piotr, "Biuro Rachunkowe Nowak")
    await desk.shows(piotr, "🆘 Zgłoś problem")
    # Single use: a second person with the same link is refused, and told what to do.
    ewa = desk.emu.add_user("Ewa", language_code="pl")
    ewa.start(f"inv_{issued.token}")
    await desk.said(ewa, "już użyty")


async def test_self_registration_with_a_code_sent_by_e_mail(tmp_path: Path) -> None:
    room = MailRoom()
    smtp = SmtpServer(room, free_port())
    smtp.start()
    try:
        async with TelegramEmulator() as emu:
            settings = Settings(
                _env_file=None,
                database_url=f"sqlite+aiosqlite:///{tmp_path / 'bot.db'}",
                files_dir=tmp_path / "files",
                telegram_bot_token=emu.token,
                telegram_api_base_url=emu.url,
                smtp_host="127.0.0.1",
                smtp_port=smtp.port,
                smtp_starttls=False,
            )
            async with running(settings, poll_timeout=1) as runtime:
                await seed(runtime, emu.add_user("Anna"))
                desk = Desk(
                    emu, runtime, emu.add_user("Gianni", language_code="it"), Agent("U", "x")
                )
                gianni = desk.anna
                gianni.start()
                register = "🏢 Registra l'account della mia azienda"
                await desk.shows(gianni, register)
                await desk.press(gianni, register, "partita IVA")
                gianni.send_text("525-000-10-09")
                await desk.said(gianni, "licenza")
                gianni.send_text("Faktury")
                await desk.said(gianni, "e-mail")
                gianni.send_text("gianni@example.it")
                await desk.said(gianni, "gianni@example.it")
                gianni.send_text(room.code_sent_to("gianni@example.it"))
                await desk.said(gianni, "Biuro Rachunkowe Nowak")
                async with runtime.uow_factory() as uow:
                    (company,) = await uow.companies.list()
                    users = await uow.users.list_for_company(company.id)
                assert "gianni@example.it" in [u.email for u in users]
    finally:
        smtp.stop()
