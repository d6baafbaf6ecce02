"""getUpdates semantics and a real ``telegram.ext.Application`` polling the emulator."""

from __future__ import annotations

import asyncio
import datetime as dtm
import time

import pytest
from telegram import Bot, InlineKeyboardButton, InlineKeyboardMarkup, Update
from telegram.error import Conflict
from telegram.ext import (
    Application,
    ApplicationBuilder,
    CallbackQueryHandler,
    CommandHandler,
    ContextTypes,
    MessageHandler,
    filters,
)

from adapters.telegram.emulator import SimUser, TelegramEmulator

SHORT = dtm.timedelta(seconds=0.3)


async def test_updates_stay_until_a_higher_offset_confirms_them(
    emu: TelegramEmulator, bot: Bot, user: SimUser
) -> None:
    user.send_text("one")
    user.send_text("two")
    first = await bot.get_updates()
    assert [u.message.text for u in first if u.message] == ["/start", "one", "two"]
    ids = [u.update_id for u in first]
    assert ids == sorted(ids)
    assert len(set(ids)) == 3
    # Not confirmed yet: the same updates again.
    assert [u.update_id for u in await bot.get_updates()] == ids
    # Confirm the first one only.
    assert [u.update_id for u in await bot.get_updates(offset=ids[0] + 1)] == ids[1:]
    assert await bot.get_updates(offset=ids[-1] + 1) == ()
    assert emu.pending_updates() == []


async def test_limit_and_negative_offset(emu: TelegramEmulator, bot: Bot, user: SimUser) -> None:
    for i in range(5):
        user.send_text(f"m{i}")
    assert len(await bot.get_updates(limit=2)) == 2
    # -2: the last two updates; everything before them is forgotten.
    last_two = await bot.get_updates(offset=-2)
    assert [u.message.text for u in last_two if u.message] == ["m3", "m4"]
    assert [u.message.text for u in await bot.get_updates() if u.message] == ["m3", "m4"]


async def test_long_poll_returns_at_once_when_updates_wait(bot: Bot, user: SimUser) -> None:
    started = time.monotonic()
    updates = await bot.get_updates(timeout=5)
    assert len(updates) == 1
    assert time.monotonic() - started < 1


async def test_long_poll_wakes_up_for_a_new_update(bot: Bot, user: SimUser) -> None:
    offset = (await bot.get_updates())[-1].update_id + 1
    poll = asyncio.create_task(bot.get_updates(offset=offset, timeout=5))
    await asyncio.sleep(0.05)
    assert not poll.done()
    started = time.monotonic()
    user.send_text("ping")
    updates = await asyncio.wait_for(poll, 2)
    assert [u.message.text for u in updates if u.message] == ["ping"]
    assert time.monotonic() - started < 1


async def test_long_poll_times_out_empty(bot: Bot) -> None:
    started = time.monotonic()
    assert await bot.get_updates(timeout=SHORT) == ()
    assert 0.25 < time.monotonic() - started < 2


async def test_second_poller_terminates_the_first_with_409(emu: TelegramEmulator) -> None:
    async with emu.make_bot() as first, emu.make_bot() as second:
        waiting = asyncio.create_task(first.get_updates(timeout=5))
        await asyncio.sleep(0.05)
        assert await second.get_updates() == ()
        with pytest.raises(Conflict, match="Conflict: terminated by other getUpdates request"):
            await waiting


async def test_get_updates_refused_while_webhook_is_set(bot: Bot) -> None:
    assert await bot.set_webhook("http://127.0.0.1:9/hook")
    with pytest.raises(
        Conflict, match="Conflict: can't use getUpdates method while webhook is active"
    ):
        await bot.get_updates()
    assert await bot.delete_webhook()
    assert await bot.get_updates() == ()


async def test_allowed_updates_filters_new_updates(bot: Bot, user: SimUser) -> None:
    await bot.send_message(
        user.id,
        "Rate us",
        reply_markup=InlineKeyboardMarkup([[InlineKeyboardButton("5", callback_data="5")]]),
    )
    await bot.get_updates(offset=-1)  # drop the /start
    assert await bot.get_updates(offset=-1, allowed_updates=["callback_query"], timeout=0) != ()
    confirmed = (await bot.get_updates())[-1].update_id + 1
    user.send_text("ignored: not allowed")
    user.press("5")
    updates = await bot.get_updates(offset=confirmed)
    assert [u.callback_query.data for u in updates if u.callback_query] == ["5"]
    assert all(u.message is None for u in updates)


def _application(emu: TelegramEmulator) -> Application:  # type: ignore[type-arg]
    return (
        ApplicationBuilder()
        .token(emu.token)
        .base_url(emu.api_base_url)
        .base_file_url(emu.file_base_url)
        .build()
    )


async def test_application_polls_and_answers(emu: TelegramEmulator) -> None:
    app = _application(emu)

    async def start(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        assert update.effective_message is not None
        payload = " ".join(context.args or []) or "none"
        await update.effective_message.reply_text(
            f"Welcome! payload={payload}",
            reply_markup=InlineKeyboardMarkup(
                [[InlineKeyboardButton("Help", callback_data="help")]]
            ),
        )

    async def echo(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        assert update.effective_message is not None
        await update.effective_message.reply_text(f"echo: {update.effective_message.text}")

    async def button(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        assert update.callback_query is not None
        await update.callback_query.answer("Opening help")
        await update.callback_query.edit_message_text("Help is on the way")

    app.add_handler(CommandHandler("start", start))
    app.add_handler(MessageHandler(filters.TEXT & ~filters.COMMAND, echo))
    app.add_handler(CallbackQueryHandler(button))

    alice = emu.add_user("Alice")
    async with app:
        await app.start()
        assert app.updater is not None
        await app.updater.start_polling(timeout=5)
        try:
            alice.start("from-website")
            welcome = await alice.wait_for_message(timeout=5)
            assert welcome.text == "Welcome! payload=from-website"
            alice.send_text("hello")
            echo_reply = await alice.wait_for_message(timeout=5)
            assert echo_reply.text == "echo: hello"
            press = alice.press("Help")
            assert (await press.wait_answer(timeout=5))["text"] == "Opening help"
            await alice.wait_until(lambda: welcome.text == "Help is on the way", timeout=5)
            assert welcome.buttons == []
        finally:
            await app.updater.stop()
            await app.stop()
    # PTB's final getUpdates on shutdown confirmed everything it handled.
    assert emu.pending_updates() == []
    emu.assert_called("deleteWebhook")


async def test_start_polling_can_drop_pending_updates(emu: TelegramEmulator) -> None:
    alice = emu.add_user("Alice")
    alice.start()
    assert len(emu.pending_updates()) == 1
    app = _application(emu)
    async with app:
        assert app.updater is not None
        await app.updater.start_polling(drop_pending_updates=True, timeout=5)
        await app.updater.stop()
    assert emu.pending_updates() == []
