"""Abuse through the whole bot (Telegram emulator, real runtime): a flooding chat, programs sent
as attachments, one person opening ticket after ticket."""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable
from contextlib import AbstractAsyncContextManager, asynccontextmanager
from pathlib import Path

import pytest

from adapters.telegram.emulator import TelegramEmulator
from bot.runtime import running
from core.actors import CustomerActor
from core.commands import OpenTicket
from core.context import Context
from core.model import Platform, TicketType
from core.services.tickets import open_ticket
from tests.e2e.desk import WAIT, Desk, seed, settings_for
from tests.e2e.test_telegram_bot import report

MakeDesk = Callable[..., AbstractAsyncContextManager[Desk]]


@pytest.fixture(autouse=True)
def _ptb_timedelta(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PTB_TIMEDELTA", "true")


@pytest.fixture
def make_desk(tmp_path: Path) -> MakeDesk:
    @asynccontextmanager
    async def make(**more: object) -> AsyncIterator[Desk]:
        async with TelegramEmulator() as emu:
            settings = settings_for(emu, tmp_path, **more)
            async with running(settings, album_quiet=0.3, poll_timeout=1) as runtime:
                anna = emu.add_user("Anna", language_code="pl")
                agent = await seed(runtime, anna)
                desk = Desk(emu, runtime, anna, agent)
                anna.start()
                await desk.said(anna, "W czym możemy pomóc?")
                yield desk

    return make


@pytest.mark.slow
async def test_a_flooding_chat_is_told_once_and_does_not_hold_up_others(
    make_desk: MakeDesk,
) -> None:
    async with make_desk(flood_burst=5, flood_per_minute=30) as desk:
        anna = desk.anna
        for n in range(60):
            anna.send_text(f"spam {n}")
        await desk.said(anna, "szybciej, niż nadążam")
        bob = desk.emu.add_user("Bob", language_code="en")
        bob.start()
        await bob.wait_for_message(timeout=WAIT)  # answered while Anna's flood still waits
        async with desk.runtime.uow_factory(read_only=True) as uow:
            waiting = await uow.inbox.unprocessed(100)
        assert len(waiting) > 40, "Anna's messages wait in the inbox, none dropped"
        notes = [m for m in anna.bot_messages() if "szybciej, niż nadążam" in (m.text or "")]
        assert len(notes) == 1, "told once, not once per message"


async def test_a_program_disguised_as_a_pdf_is_refused_with_the_reason(
    make_desk: MakeDesk,
) -> None:
    async with make_desk() as desk:
        anna = desk.anna
        await report(desk)
        anna.send_document(b"MZ\x90\x00\x03" + b"\x00" * 500, "faktura.pdf")
        refused = await desk.said(anna, "nie są tu przyjmowane")
        assert "faktura.pdf" in (refused.text or "")
        anna.send_document(b"%PDF-1.7\n" + b"x" * 100, "faktura.pdf")
        await desk.said(anna, "(1 z 10)")


async def test_past_the_hourly_ticket_limit_the_person_is_told_in_their_language(
    make_desk: MakeDesk,
) -> None:
    async with make_desk(max_tickets_per_hour=1) as desk:
        anna = desk.anna
        async with desk.runtime.uow_factory(read_only=True) as uow:
            identity = await uow.identities.get_by_chat(Platform.TELEGRAM, str(anna.chat_id))
        assert identity is not None
        assert identity.user_id is not None
        first = OpenTicket(
            CustomerActor(identity.user_id),
            TicketType.ERROR,
            "First",
            "The first problem",
            Platform.TELEGRAM,
            str(anna.chat_id),
        )
        await open_ticket(first, desk.runtime.uow_factory(), Context.system())
        await report(desk)
        await desk.press(anna, "Pomiń ➡️", "uniemożliwia Ci pracę")
        await desk.press(anna, "🔴 Tak, praca stoi", "zadzwonić")
        anna.share_contact("+48600100200")
        await desk.said(anna, "Sprawdź zgłoszenie")
        anna.press("✅ Wyślij zgłoszenie")
        await desk.said(anna, "W ciągu ostatniej godziny")
        async with desk.runtime.uow_factory(read_only=True) as uow:
            assert await uow.tickets.get_by_number(2) is None
