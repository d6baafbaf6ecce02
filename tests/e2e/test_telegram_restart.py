"""The bot restarts in the middle of a customer's report: nothing is lost, the report resumes."""

from __future__ import annotations

from pathlib import Path

import pytest

from adapters.telegram.emulator import TelegramEmulator
from bot.runtime import running
from core.model import Agent
from tests.e2e.desk import Desk, seed, settings_for


@pytest.fixture(autouse=True)
def _ptb_timedelta(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PTB_TIMEDELTA", "true")


async def test_a_restart_in_the_middle_of_a_report_resumes_where_it_was(tmp_path: Path) -> None:
    async with TelegramEmulator() as emu:
        settings = settings_for(emu, tmp_path)
        anna = emu.add_user("Anna", language_code="pl")
        async with running(settings, poll_timeout=1) as runtime:
            await seed(runtime, anna)
            desk = Desk(emu, runtime, anna, Agent("U", "x"))
            anna.start()
            await desk.shows(anna, "🆘 Zgłoś problem")
            await desk.press(anna, "🆘 Zgłoś problem", "Którego programu")
            await desk.press(anna, "Faktury", "Jakiego rodzaju")
            await desk.press(anna, "❓ Pytanie", "w jednym zdaniu")
        # The bot is down: the customer keeps typing, Telegram keeps the update for it.
        anna.send_text("Jak wystawić korektę faktury?")
        async with running(settings, poll_timeout=1) as runtime:
            desk = Desk(emu, runtime, anna, Agent("U", "x"))
            await desk.said(anna, "Teraz opisz problem")
            anna.send_text("Klient zwrócił część towaru.")
            await desk.said(anna, "Dodaj zrzuty ekranu")
            await desk.press(anna, "Pomiń ➡️", "uniemożliwia Ci pracę")
            await desk.press(anna, "🟢 Nie, mogę pracować dalej", "zadzwonić")
            await desk.press(anna, "Pomiń ➡️", "Sprawdź zgłoszenie")
            anna.press("✅ Wyślij zgłoszenie")
            await desk.said(anna, "#1")
            async with runtime.uow_factory() as uow:
                ticket = await uow.tickets.get_by_number(1)
        assert ticket is not None
        assert ticket.subject == "Jak wystawić korektę faktury?"
        assert ticket.description == "Klient zwrócił część towaru."
