"""Real webhook delivery to a small aiohttp receiver."""

from __future__ import annotations

import asyncio
import json
import socket
from collections import defaultdict
from collections.abc import AsyncIterator
from typing import Any

import pytest
from aiohttp import web
from telegram import Bot, Update
from telegram.error import BadRequest
from telegram.ext import ApplicationBuilder, ContextTypes, MessageHandler, filters

from adapters.telegram.emulator import SimUser, TelegramEmulator


class Receiver:
    """A webhook endpoint that records what it gets and can be told to fail or be slow."""

    def __init__(self) -> None:
        self.received: list[tuple[dict[str, Any], str | None]] = []
        self.statuses: list[int] = []  # answers to give, in order; 200 once exhausted
        self.delay = 0.0
        self.in_flight: dict[int, int] = defaultdict(int)
        self.max_in_flight_per_chat = 0
        self.max_in_flight = 0
        self.on_update: Any = None
        self.url = ""

    async def handle(self, request: web.Request) -> web.Response:
        body = json.loads(await request.read())
        chat = _chat_of(body)
        self.in_flight[chat] += 1
        self.max_in_flight_per_chat = max(self.max_in_flight_per_chat, self.in_flight[chat])
        self.max_in_flight = max(self.max_in_flight, sum(self.in_flight.values()))
        try:
            await asyncio.sleep(self.delay)
            status = self.statuses.pop(0) if self.statuses else 200
            self.received.append((body, request.headers.get("X-Telegram-Bot-Api-Secret-Token")))
            if status == 200 and self.on_update is not None:
                await self.on_update(body)
            return web.Response(status=status)
        finally:
            self.in_flight[chat] -= 1

    def delivered_ids(self) -> list[int]:
        return [body["update_id"] for body, _ in self.received]


def _chat_of(body: dict[str, Any]) -> int:
    for kind, payload in body.items():
        if kind != "update_id":
            return int(payload.get("chat", payload.get("message", {}).get("chat", {})).get("id", 0))
    return 0


@pytest.fixture
async def receiver() -> AsyncIterator[Receiver]:
    hook = Receiver()
    app = web.Application()
    app.router.add_post("/hook", hook.handle)
    runner = web.AppRunner(app, access_log=None, shutdown_timeout=0.5)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    host, port = runner.addresses[0][:2]
    hook.url = f"http://{host}:{port}/hook"
    yield hook
    await runner.cleanup()


async def test_delivery_with_secret_token(
    emu: TelegramEmulator, bot: Bot, user: SimUser, receiver: Receiver
) -> None:
    assert await bot.set_webhook(receiver.url, secret_token="s3cret-Token_1")
    await emu.webhook.wait_delivered()
    user.send_text("via webhook")
    await emu.webhook.wait_delivered()
    texts = [body["message"]["text"] for body, _ in receiver.received]
    assert texts == ["/start", "via webhook"]
    assert {secret for _, secret in receiver.received} == {"s3cret-Token_1"}
    info = await bot.get_webhook_info()
    assert (info.url, info.pending_update_count, info.last_error_message) == (receiver.url, 0, None)
    assert info.max_connections == 40
    # The call log (also served to the playground page) never shows the secret.
    assert emu.calls("setWebhook")[0].args["secret_token"] == "<redacted>"


async def test_no_secret_header_without_a_secret(
    emu: TelegramEmulator, bot: Bot, user: SimUser, receiver: Receiver
) -> None:
    await bot.set_webhook(receiver.url)
    await emu.webhook.wait_delivered()
    assert receiver.received[0][1] is None


async def test_one_update_at_a_time_per_chat_in_order(
    emu: TelegramEmulator, bot: Bot, receiver: Receiver
) -> None:
    users = [emu.add_user(f"U{i}") for i in range(3)]
    receiver.delay = 0.02
    await bot.set_webhook(receiver.url, max_connections=10)
    for round_ in range(4):
        for u in users:
            if round_ == 0:
                u.start()
            else:
                u.send_text(f"{u.first_name}-{round_}")
    await emu.webhook.wait_delivered()
    assert len(receiver.received) == 12
    assert receiver.max_in_flight_per_chat == 1
    assert receiver.max_in_flight > 1  # different chats do go in parallel
    for u in users:
        ids = [body["update_id"] for body, _ in receiver.received if _chat_of(body) == u.id]
        assert ids == sorted(ids)
        assert len(ids) == 4


async def test_retry_after_500_keeps_the_update_pending(
    emu: TelegramEmulator, bot: Bot, user: SimUser, receiver: Receiver
) -> None:
    receiver.statuses = [500, 500]
    # A long first retry so the test can look at the state between attempts.
    emu.webhook.retry_delays = (0.3, 0.05)
    await bot.set_webhook(receiver.url)
    await emu.webhook.wait_attempts(1)
    info = await bot.get_webhook_info()
    assert info.pending_update_count == 1
    assert info.last_error_message == "Wrong response from the webhook: 500 Internal Server Error"
    assert info.last_error_date is not None
    await emu.webhook.wait_delivered()
    assert receiver.delivered_ids() == [receiver.delivered_ids()[0]] * 3
    assert [d.status for d in emu.webhook.deliveries] == [500, 500, 200]
    # A later update of the same chat waited for the retried one.
    user.send_text("next")
    await emu.webhook.wait_delivered()
    assert receiver.received[-1][0]["message"]["text"] == "next"


async def test_unreachable_webhook_then_back_to_polling(
    emu: TelegramEmulator, bot: Bot, user: SimUser
) -> None:
    with socket.socket() as sock:  # a port nobody listens on
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    await bot.set_webhook(f"http://127.0.0.1:{port}/hook")
    await emu.webhook.wait_attempts(1)
    info = await bot.get_webhook_info()
    assert info.last_error_message == "Connection refused"
    assert info.pending_update_count == 1
    # The same queue feeds getUpdates once the webhook is gone.
    await bot.delete_webhook()
    updates = await bot.get_updates()
    assert [u.message.text for u in updates if u.message] == ["/start"]


async def test_drop_pending_updates(emu: TelegramEmulator, bot: Bot, user: SimUser) -> None:
    user.send_text("old news")
    await bot.delete_webhook(drop_pending_updates=True)
    assert await bot.get_updates() == ()
    user.send_text("kept")
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    await bot.set_webhook(f"http://127.0.0.1:{port}/", drop_pending_updates=True)
    assert (await bot.get_webhook_info()).pending_update_count == 0


async def test_webhook_url_must_be_local(bot: Bot) -> None:
    with pytest.raises(BadRequest, match="Bad webhook"):
        await bot.set_webhook("https://example.com/hook")
    with pytest.raises(BadRequest, match="Bad webhook"):
        await bot.set_webhook("ftp://127.0.0.1/hook")
    with pytest.raises(BadRequest, match="Secret token contains unallowed characters"):
        await bot.set_webhook("http://127.0.0.1:1/hook", secret_token="no spaces allowed")
    assert (await bot.get_webhook_info()).url == ""


async def test_application_fed_by_the_webhook_replies(
    emu: TelegramEmulator, user: SimUser, receiver: Receiver
) -> None:
    app = (
        ApplicationBuilder()
        .token(emu.token)
        .base_url(emu.api_base_url)
        .base_file_url(emu.file_base_url)
        .updater(None)
        .build()
    )

    async def echo(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        assert update.effective_message is not None
        await update.effective_message.reply_text(f"got {update.effective_message.text}")

    app.add_handler(MessageHandler(filters.TEXT, echo))

    async def feed(body: dict[str, Any]) -> None:
        await app.process_update(Update.de_json(body, app.bot))

    receiver.on_update = feed
    async with app:
        await app.bot.set_webhook(receiver.url, secret_token="abc")
        reply = await user.wait_for_message(timeout=5)
        assert reply.text == "got /start"
        user.send_text("question")
        assert (await user.wait_for_message(timeout=5)).text == "got question"
        await app.bot.delete_webhook()
