"""The Telegram emulator's /_emulator/ routes the playground page adds: a press on a chosen
message, and the reply keyboard the user sees."""

from __future__ import annotations

import aiohttp
from telegram import (
    Bot,
    InlineKeyboardButton,
    InlineKeyboardMarkup,
    KeyboardButton,
    ReplyKeyboardMarkup,
)

from adapters.telegram.emulator import SimUser, TelegramEmulator


async def test_a_press_lands_on_the_message_the_page_names(
    emu: TelegramEmulator, bot: Bot, user: SimUser
) -> None:
    keyboard = InlineKeyboardMarkup([[InlineKeyboardButton("Yes", callback_data="yes")]])
    older = await bot.send_message(user.chat_id, "first", reply_markup=keyboard)
    await bot.send_message(user.chat_id, "second", reply_markup=keyboard)
    async with aiohttp.ClientSession(emu.url) as http:
        pressed = await http.post(
            f"/_emulator/users/{user.id}/press",
            json={"button_text": "Yes", "message_id": older.message_id},
        )
        assert pressed.status == 200
        missing = await http.post(
            f"/_emulator/users/{user.id}/press", json={"button_text": "Yes", "message_id": 999}
        )
        assert missing.status == 400
    (query,) = [u.callback_query for u in await bot.get_updates() if u.callback_query]
    assert query.message is not None
    assert query.message.message_id == older.message_id


async def test_the_reply_keyboard_shown_to_the_user(
    emu: TelegramEmulator, bot: Bot, user: SimUser
) -> None:
    async with aiohttp.ClientSession(emu.url) as http:
        before = await (await http.get(f"/_emulator/users/{user.id}/keyboard")).json()
        markup = ReplyKeyboardMarkup([[KeyboardButton("Share", request_contact=True)]])
        await bot.send_message(user.chat_id, "phone?", reply_markup=markup)
        after = await (await http.get(f"/_emulator/users/{user.id}/keyboard")).json()
    assert before == {"keyboard": None}
    assert after["keyboard"]["keyboard"] == [[{"text": "Share", "request_contact": True}]]
