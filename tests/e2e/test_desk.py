"""Both platforms at once: a Telegram customer reports, the agents' Slack channel shows it.

The real runtime with its Telegram poller, inbox, conversations and delivery worker, talking to
the Telegram emulator and the Slack emulator with the real python-telegram-bot and slack_sdk.
"""

from __future__ import annotations

import hashlib
from pathlib import Path

import aiohttp
import pytest

from adapters.slack.emulator import SlackEmulator
from adapters.telegram.emulator import TelegramEmulator
from bot.runtime import running
from tests.e2e.desk import Desk, png, seed, settings_for


@pytest.fixture(autouse=True)
def _ptb_timedelta(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PTB_TIMEDELTA", "true")


async def test_a_telegram_report_appears_in_slack_with_its_screenshot(tmp_path: Path) -> None:
    async with TelegramEmulator() as telegram, SlackEmulator() as slack:
        support = slack.ws.channel("support").id
        settings = settings_for(
            telegram,
            tmp_path,
            slack_bot_token=slack.bot_token,
            slack_api_base_url=slack.api_url,
            slack_support_channel=support,
        )
        async with running(settings, poll_timeout=1) as runtime:
            anna = telegram.add_user("Anna", language_code="pl")
            desk = Desk(telegram, runtime, anna, await seed(runtime, anna))
            anna.start()
            await desk.shows(anna, "🆘 Zgłoś problem")
            await desk.press(anna, "🆘 Zgłoś problem", "Którego programu")
            await desk.press(anna, "Faktury", "Jakiego rodzaju")
            await desk.press(anna, "🐞 Coś nie działa", "w jednym zdaniu")
            anna.send_text("Eksport JPK <!channel> się zawiesza")
            await desk.said(anna, "Teraz opisz problem")
            anna.send_text("Przy 80% pojawia się błąd E-1042.")
            await desk.said(anna, "Dodaj zrzuty ekranu")
            screenshot = png(320, 200)
            anna.send_photo(screenshot)
            await desk.said(anna, "(1 z 10)")
            await desk.press(anna, "✅ Gotowe", "uniemożliwia Ci pracę")
            await desk.press(anna, "🟢 Nie, mogę pracować dalej", "zadzwonić")
            await desk.press(anna, "Pomiń ➡️", "Sprawdź zgłoszenie")
            anna.press("✅ Wyślij zgłoszenie")
            await desk.said(anna, "#1")

            agent = slack.person("alice")

            def thread_with_file() -> bool:
                parents = agent.messages("#support")
                return bool(parents) and any(m.files for m in agent.thread(parents[0]))

            await slack.wait_for(thread_with_file, within=10)
            (parent,) = agent.messages("#support")
            card = slack.ws.rendered(parent)
            assert "#1" in card.plain
            assert "Biuro Rachunkowe Nowak" in card.plain
            assert not card.pings_channel, "the customer's <!channel> pings nobody"
            thread = agent.thread(parent)[1:]
            assert "Przy 80% pojawia się błąd E-1042." in slack.ws.rendered(thread[0]).plain
            (file_id,) = [f for m in thread for f in m.files]
            info = slack.ws.file_json(slack.ws.files[file_id])
            headers = {"Authorization": f"Bearer {slack.bot_token}"}
            async with (
                aiohttp.ClientSession() as http,
                http.get(info["url_private_download"], headers=headers) as got,
            ):
                uploaded = await got.read()
            assert hashlib.sha256(uploaded).digest() == hashlib.sha256(screenshot).digest()
