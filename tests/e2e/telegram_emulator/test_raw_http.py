"""The wire format, without python-telegram-bot: encodings, error bodies and status codes."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator

import aiohttp
import pytest

from adapters.telegram.emulator import SimUser, TelegramEmulator
from tests.e2e.telegram_emulator.helpers import jpeg


@pytest.fixture
async def http() -> AsyncIterator[aiohttp.ClientSession]:
    async with aiohttp.ClientSession() as session:
        yield session


def _api(emu: TelegramEmulator, method: str) -> str:
    return f"{emu.api_base_url}{emu.token}/{method}"


async def test_json_form_query_and_multipart_are_all_accepted(
    emu: TelegramEmulator, http: aiohttp.ClientSession, user: SimUser
) -> None:
    markup = {"inline_keyboard": [[{"text": "ok", "callback_data": "ok"}]]}
    async with http.post(
        _api(emu, "sendMessage"), json={"chat_id": user.id, "text": "json", "reply_markup": markup}
    ) as r:
        body = await r.json()
        assert (r.status, body["ok"], body["result"]["reply_markup"]) == (200, True, markup)
    async with http.post(
        _api(emu, "sendMessage"),
        data={"chat_id": str(user.id), "text": "form", "reply_markup": json.dumps(markup)},
    ) as r:
        assert (await r.json())["result"]["text"] == "form"
    async with http.get(
        _api(emu, "sendMessage"), params={"chat_id": user.id, "text": "query"}
    ) as r:
        assert (await r.json())["result"]["text"] == "query"
    form = aiohttp.FormData()
    form.add_field("chat_id", str(user.id))
    form.add_field("caption", "multipart")
    form.add_field("photo", jpeg(), filename="p.jpg", content_type="image/jpeg")
    async with http.post(_api(emu, "sendPhoto"), data=form) as r:
        result = (await r.json())["result"]
        assert result["caption"] == "multipart"
        assert len(result["photo"]) == 3
    assert [m.text for m in user.bot_messages()] == ["json", "form", "query", "multipart"]


async def test_error_bodies_and_statuses(
    emu: TelegramEmulator, http: aiohttp.ClientSession, user: SimUser
) -> None:
    async with http.post(_api(emu, "sendMessage"), json={"chat_id": 1, "text": "x"}) as r:
        assert r.status == 400
        assert await r.json() == {
            "ok": False,
            "error_code": 400,
            "description": "Bad Request: chat not found",
        }
    emu.faults.add("sendMessage", "429", retry_after=12)
    async with http.post(_api(emu, "sendMessage"), json={"chat_id": user.id, "text": "x"}) as r:
        assert r.status == 429
        assert await r.json() == {
            "ok": False,
            "error_code": 429,
            "description": "Too Many Requests: retry after 12",
            "parameters": {"retry_after": 12},
        }
    async with http.post(_api(emu, "frobnicate")) as r:
        assert (r.status, (await r.json())["description"]) == (404, "Not Found")
    bot_id = emu.token.split(":")[0]
    async with http.post(f"{emu.api_base_url}{bot_id}:{'x' * 35}/getMe") as r:
        assert (r.status, (await r.json())["description"]) == (401, "Unauthorized")
    async with http.post(f"{emu.api_base_url}garbage/getMe") as r:
        assert r.status == 404
    async with http.post(
        _api(emu, "sendMessage"), data=b"{broken", headers={"Content-Type": "application/json"}
    ) as r:
        assert r.status == 400


@pytest.mark.parametrize("method", ["getMe", "GETME", "getme"])
async def test_method_names_are_case_insensitive(
    emu: TelegramEmulator, http: aiohttp.ClientSession, method: str
) -> None:
    async with http.get(_api(emu, method)) as r:
        assert (await r.json())["result"]["username"] == "supportbot_test_bot"


async def test_legacy_reply_to_message_id(
    emu: TelegramEmulator, http: aiohttp.ClientSession, user: SimUser
) -> None:
    question = user.send_text("?")
    async with http.post(
        _api(emu, "sendMessage"),
        json={"chat_id": user.id, "text": "!", "reply_to_message_id": question.message_id},
    ) as r:
        assert (await r.json())["result"]["reply_to_message"]["text"] == "?"


async def test_emulator_object_lifecycle() -> None:
    emu = TelegramEmulator(token="123456:" + "a" * 35)
    await emu.start()
    try:
        assert emu.url.startswith("http://127.0.0.1:")
        assert emu.bot_kwargs()["base_url"] == f"{emu.url}/bot"
        assert emu.bot_user["id"] == 123456
    finally:
        await emu.stop()
