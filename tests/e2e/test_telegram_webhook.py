"""Telegram by webhook (PUBLIC_URL set): the emulator POSTs updates to /telegram/webhook.

The real runtime, the real python-telegram-bot client registering the webhook, and the
emulator delivering to it with the secret header, as Telegram does.
"""

from __future__ import annotations

import asyncio
import json
from pathlib import Path

import aiohttp
import pytest
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from adapters.telegram.emulator import TelegramEmulator
from bot.runtime import running
from bot.settings import Settings
from bot.telegram_webhook import SECRET_HEADER, WEBHOOK_PATH, webhook_secret
from storage.tables import InboxRow
from tests.e2e.desk import WAIT, settings_for
from tests.mailroom import free_port


@pytest.fixture(autouse=True)
def _ptb_timedelta(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PTB_TIMEDELTA", "true")


def webhook_settings(emu: TelegramEmulator, tmp_path: Path, **more: object) -> Settings:
    port = free_port()
    return settings_for(emu, tmp_path, port=port, public_url=f"http://127.0.0.1:{port}", **more)


async def inbox_count(sessions: async_sessionmaker[AsyncSession]) -> int:
    async with sessions() as session:
        return int((await session.execute(select(func.count()).select_from(InboxRow))).scalar_one())


async def test_a_customer_is_answered_through_the_webhook_and_nobody_polls(
    tmp_path: Path,
) -> None:
    async with TelegramEmulator() as emu:
        settings = webhook_settings(emu, tmp_path)
        async with running(settings, poll_timeout=1):
            info = emu.webhook.info()
            assert info["url"] == f"{settings.public_url}{WEBHOOK_PATH}"
            assert emu.webhook.config is not None
            assert emu.webhook.config.secret_token == webhook_secret(settings)
            anna = emu.add_user("Anna", language_code="en")
            anna.start()
            answer = await anna.wait_for_message(timeout=WAIT)
            assert "Welcome to the support chat" in (answer.text or "")
            await emu.webhook.wait_delivered()
            assert all(d.status == 200 for d in emu.webhook.deliveries)
        assert emu.calls("getUpdates") == []


async def test_the_secret_is_stable_and_a_configured_one_wins(tmp_path: Path) -> None:
    async with TelegramEmulator() as emu:
        derived = webhook_secret(settings_for(emu, tmp_path))
        assert derived == webhook_secret(settings_for(emu, tmp_path))  # every process agrees
        assert emu.token not in derived
        assert webhook_secret(settings_for(emu, tmp_path, telegram_webhook_secret="my_s-1")) == (
            "my_s-1"
        )
    async with TelegramEmulator() as other:
        assert webhook_secret(settings_for(other, tmp_path)) != derived  # per bot


async def test_wrong_secret_is_refused_and_duplicates_are_recorded_once(tmp_path: Path) -> None:
    async with TelegramEmulator() as emu:
        settings = webhook_settings(emu, tmp_path)
        async with running(settings, poll_timeout=1) as runtime:
            url = f"http://127.0.0.1:{settings.port}{WEBHOOK_PATH}"
            sessions = runtime.database.sessionmaker
            before = await inbox_count(sessions)
            update = {
                "update_id": 900001,
                "message": {
                    "message_id": 1,
                    "date": 1700000000,
                    "chat": {"id": 4242, "type": "private", "first_name": "Eve"},
                    "from": {"id": 4242, "is_bot": False, "first_name": "Eve"},
                    "text": "hello",
                },
            }
            body = json.dumps(update)
            right = {SECRET_HEADER: webhook_secret(settings), "Content-Type": "application/json"}
            async with aiohttp.ClientSession() as http:
                for headers in ({}, {SECRET_HEADER: "wrong"}):
                    async with http.post(url, data=body, headers=headers) as refused:
                        assert refused.status == 403
                assert await inbox_count(sessions) == before  # nothing recorded

                async with http.post(url, data="{not json", headers=right) as bad:
                    assert bad.status == 400
                answers = await asyncio.gather(*(_post(http, url, body, right) for _ in range(3)))
                assert answers == [200, 200, 200]
                assert await inbox_count(sessions) == before + 1


async def _post(http: aiohttp.ClientSession, url: str, body: str, headers: dict[str, str]) -> int:
    async with http.post(url, data=body, headers=headers) as answer:
        return answer.status
