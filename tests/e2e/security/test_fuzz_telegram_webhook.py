"""Property-based fuzzing of the Telegram webhook over HTTP (bot/web.py, bot/telegram_webhook.py,
then the inbox and the whole inbound path): bodies carrying the right secret but anything inside
are never a 500 (Telegram would retry them for ever), and whatever was recorded is settled on its
first handling."""

from __future__ import annotations

import itertools
import json
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import aiohttp
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from adapters.telegram.emulator import TelegramEmulator
from bot.runtime import Runtime, running
from bot.telegram_webhook import SECRET_HEADER, WEBHOOK_PATH, webhook_secret
from tests.e2e.test_telegram_webhook import webhook_settings
from tests.fuzzing import json_values, mutated

_ids = itertools.count(910_000)
_USER = {"id": 4243, "is_bot": False, "first_name": "Fuzz", "language_code": "it"}
_MESSAGE = {
    "message_id": 1,
    "date": 1_700_000_000,
    "chat": {"id": 4243, "type": "private", "first_name": "Fuzz"},
    "from": _USER,
    "text": "/start inv_AAAAAAAAAAAAAAAAAAAAAAAA",
}
_TEMPLATES: list[dict[str, Any]] = [
    {"message": _MESSAGE},
    {"edited_message": {**_MESSAGE, "edit_date": 1}},
    {"callback_query": {"id": "c", "from": _USER, "chat_instance": "i", "data": "x~AAAAAAAAAAAA"}},
]


@pytest.fixture(autouse=True)
def _ptb_timedelta(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PTB_TIMEDELTA", "true")


@pytest.fixture
async def hooked(tmp_path: Path) -> AsyncIterator[tuple[Runtime, str, str]]:
    async with TelegramEmulator() as emu:
        config = webhook_settings(emu, tmp_path)
        async with running(config, poll_timeout=1) as runtime:
            url = f"http://127.0.0.1:{config.port}{WEBHOOK_PATH}"
            yield runtime, url, webhook_secret(config)


@settings(
    max_examples=30,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(data=st.data())
async def test_no_webhook_call_with_the_secret_gets_a_500(
    data: st.DataObject, hooked: tuple[Runtime, str, str]
) -> None:
    runtime, url, secret = hooked
    if data.draw(st.integers(0, 3)) == 0:
        body = json.dumps(data.draw(json_values))
    else:
        update = data.draw(mutated(data.draw(st.sampled_from(_TEMPLATES))))
        body = json.dumps({"update_id": next(_ids), **update})
    headers = {SECRET_HEADER: secret, "Content-Type": "application/json"}
    timeout = aiohttp.ClientTimeout(total=10)
    async with (
        aiohttp.ClientSession(timeout=timeout) as http,
        http.post(url, data=body.encode(), headers=headers) as answer,
    ):
        assert answer.status < 500, (answer.status, body[:300])
    await runtime.inbox.run_once()
    await runtime.inbox.drain()
    async with runtime.uow_factory(read_only=True) as uow:
        failed = [e for e in await uow.inbox.unprocessed(50) if e.last_error]
    assert not failed, [(e.payload, e.last_error) for e in failed]
