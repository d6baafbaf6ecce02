"""Simulated users: what the bot receives from them and what they see of the bot."""

from __future__ import annotations

import base64
import datetime as dtm

import aiohttp
import pytest
from telegram import (
    Bot,
    ChatMember,
    InlineKeyboardButton,
    InlineKeyboardMarkup,
    KeyboardButton,
    MessageEntity,
    ReplyKeyboardMarkup,
    Update,
)
from telegram.error import Forbidden

from adapters.telegram.emulator import AlbumItem, EmulatorUsageError, SimUser, TelegramEmulator
from tests.e2e.telegram_emulator.helpers import blob, png


async def _new_updates(bot: Bot) -> list[Update]:
    """Updates not seen before; confirms them so the next call starts after them."""
    updates = list(await bot.get_updates())
    if updates:
        await bot.get_updates(offset=updates[-1].update_id + 1)
    return updates


async def test_start_with_deep_link_payload(emu: TelegramEmulator, bot: Bot) -> None:
    bob = emu.add_user("Bob", username="bob", language_code="de")
    bob.start("ticket-42")
    (update,) = await _new_updates(bot)
    message = update.message
    assert message is not None
    assert message.text == "/start ticket-42"
    assert message.entities == (MessageEntity(MessageEntity.BOT_COMMAND, 0, 6),)
    assert message.from_user is not None
    assert (message.from_user.id, message.from_user.language_code) == (bob.id, "de")
    assert message.chat.type == "private"
    assert message.chat.id == bob.id


async def test_update_ids_increase(emu: TelegramEmulator, bot: Bot, user: SimUser) -> None:
    user.send_text("a")
    user.send_text("/help me")
    updates = await _new_updates(bot)
    ids = [u.update_id for u in updates]
    assert ids == sorted(ids)
    assert len(set(ids)) == 3
    assert updates[2].message.entities[0].type == MessageEntity.BOT_COMMAND  # type: ignore[union-attr]


async def test_contact_shared_through_request_contact_button(bot: Bot, user: SimUser) -> None:
    await _new_updates(bot)
    await bot.send_message(
        user.id,
        "Share your phone?",
        reply_markup=ReplyKeyboardMarkup(
            [[KeyboardButton("Share phone", request_contact=True)]], one_time_keyboard=True
        ),
    )
    user.tap_reply_button("Share phone")
    (update,) = await _new_updates(bot)
    contact = update.message.contact  # type: ignore[union-attr]
    assert contact is not None
    assert contact.user_id == user.id
    assert contact.first_name == "Alice"
    assert contact.phone_number.startswith("+")
    assert user.reply_keyboard is None  # one_time_keyboard hides it after use


async def test_text_reply_button_sends_its_text(bot: Bot, user: SimUser) -> None:
    await _new_updates(bot)
    await bot.send_message(user.id, "Pick", reply_markup=ReplyKeyboardMarkup([["Billing", "Bug"]]))
    user.tap_reply_button("Bug")
    (update,) = await _new_updates(bot)
    assert update.message is not None
    assert update.message.text == "Bug"
    with pytest.raises(EmulatorUsageError):
        user.tap_reply_button("Nope")


async def test_callback_query_and_answer(bot: Bot, user: SimUser) -> None:
    await _new_updates(bot)
    sent = await bot.send_message(
        user.id,
        "Was this helpful?",
        reply_markup=InlineKeyboardMarkup(
            [
                [
                    InlineKeyboardButton("Yes", callback_data="fb:yes"),
                    InlineKeyboardButton("No", callback_data="fb:no"),
                ]
            ]
        ),
    )
    press = user.press("No")
    (update,) = await _new_updates(bot)
    query = update.callback_query
    assert query is not None
    assert (query.id, query.data, query.from_user.id) == (press.id, "fb:no", user.id)
    assert query.chat_instance
    assert query.message is not None
    assert query.message.message_id == sent.message_id
    assert press.answer is None
    await query.answer("Thanks!")
    assert (await press.wait_answer(timeout=1))["text"] == "Thanks!"
    with pytest.raises(EmulatorUsageError):
        user.press("Maybe")


async def test_reply_to_a_bot_message(bot: Bot, user: SimUser) -> None:
    await _new_updates(bot)
    question = await bot.send_message(user.id, "Which version?")
    view = await user.wait_for_message(lambda m: m.text == "Which version?")
    user.reply(view, "2.4.1")
    (update,) = await _new_updates(bot)
    replied = update.message.reply_to_message  # type: ignore[union-attr]
    assert replied is not None
    assert replied.message_id == question.message_id
    assert replied.from_user is not None
    assert replied.from_user.is_bot


async def test_edit_gives_edited_message_and_keeps_the_original_update(
    bot: Bot, user: SimUser
) -> None:
    await _new_updates(bot)
    original = user.send_text("my pasword is wrong")
    user.edit(original, "my password is wrong")
    first, second = await _new_updates(bot)
    assert first.message is not None
    assert first.message.text == "my pasword is wrong"
    edited = second.edited_message
    assert edited is not None
    assert edited.message_id == original.message_id
    assert edited.text == "my password is wrong"
    assert isinstance(edited.edit_date, dtm.datetime)
    assert original.text == "my password is wrong"


async def test_album_items_share_a_media_group(bot: Bot, user: SimUser) -> None:
    await _new_updates(bot)
    views = user.send_album(
        [
            AlbumItem("photo", png(100, 100), caption="the error"),
            AlbumItem("document", blob(100), file_name="trace.txt"),
        ]
    )
    updates = await _new_updates(bot)
    assert len(updates) == 2
    assert {u.message.media_group_id for u in updates} == {views[0].media_group_id}  # type: ignore[union-attr]
    assert updates[0].message.caption == "the error"  # type: ignore[union-attr]
    with pytest.raises(EmulatorUsageError):
        user.send_album([AlbumItem("photo", png(10, 10))])


async def test_block_and_unblock(bot: Bot, user: SimUser) -> None:
    await _new_updates(bot)
    user.block()
    (blocked,) = await _new_updates(bot)
    change = blocked.my_chat_member
    assert change is not None
    assert change.from_user.id == user.id
    assert (change.old_chat_member.status, change.new_chat_member.status) == (
        ChatMember.MEMBER,
        ChatMember.BANNED,
    )
    assert change.new_chat_member.user.id == bot.id
    with pytest.raises(Forbidden, match="bot was blocked by the user"):
        await bot.send_message(user.id, "hello?")
    with pytest.raises(EmulatorUsageError):
        user.send_text("a blocked chat has no input field")

    user.unblock()
    (unblocked,) = await _new_updates(bot)
    assert unblocked.my_chat_member is not None
    assert unblocked.my_chat_member.new_chat_member.status == ChatMember.MEMBER
    await bot.send_message(user.id, "welcome back")


async def test_start_after_block_is_restart(bot: Bot, user: SimUser) -> None:
    user.block()
    await _new_updates(bot)
    user.start()
    unblocked, start = await _new_updates(bot)
    assert unblocked.my_chat_member is not None
    assert start.message is not None
    assert start.message.text == "/start"


async def test_view_follows_edits_and_deletes(bot: Bot, user: SimUser) -> None:
    keep = await bot.send_message(
        user.id,
        "v1",
        reply_markup=InlineKeyboardMarkup([[InlineKeyboardButton("x", callback_data="x")]]),
    )
    gone = await bot.send_message(user.id, "temporary")
    await bot.edit_message_text("v2", user.id, keep.message_id)
    await bot.delete_message(user.id, gone.message_id)
    texts = [(m.from_bot, m.text) for m in user.messages()]
    assert texts == [(False, "/start"), (True, "v2")]
    last = user.last_bot_message()
    assert last is not None
    assert last.buttons == []
    assert last.edit_date is not None
    assert [m.deleted for m in user.messages(include_deleted=True)] == [False, False, True]


async def test_wait_for_message_consumes_in_order_and_times_out(bot: Bot, user: SimUser) -> None:
    await bot.send_message(user.id, "first")
    await bot.send_message(user.id, "second")
    assert (await user.wait_for_message(lambda m: m.text == "second")).text == "second"
    assert (await user.wait_for_message()).text == "first"
    with pytest.raises(TimeoutError):
        await user.wait_for_message(timeout=0.05)


async def test_users_must_start_first(emu: TelegramEmulator) -> None:
    carol = emu.add_user("Carol")
    with pytest.raises(EmulatorUsageError, match="has not started"):
        carol.send_text("hi")


async def test_playground_http_routes(emu: TelegramEmulator, bot: Bot) -> None:
    base = f"{emu.url}/_emulator"
    async with aiohttp.ClientSession() as http:
        async with http.post(f"{base}/users", json={"first_name": "Web", "username": "webby"}) as r:
            assert r.status == 201
            user_id = (await r.json())["id"]
        async with http.post(f"{base}/users/{user_id}/start", json={"payload": "pg"}) as r:
            assert (await r.json())["message"]["text"] == "/start pg"
        await bot.send_message(
            user_id,
            "Choose",
            reply_markup=InlineKeyboardMarkup([[InlineKeyboardButton("A", callback_data="a")]]),
        )
        async with http.post(f"{base}/users/{user_id}/press", json={"button_text": "A"}) as r:
            assert "callback_query_id" in await r.json()
        photo = base64.b64encode(png(50, 50)).decode()
        async with http.post(f"{base}/users/{user_id}/photo", json={"data_base64": photo}) as r:
            photo_message = (await r.json())["message"]
        file_id = photo_message["photo"][-1]["file_id"]
        async with http.get(f"{base}/files/{file_id}") as r:
            assert await r.read() == base64.b64decode(photo)
        async with http.get(f"{base}/users/{user_id}/messages") as r:
            view = await r.json()
            assert [m["from_bot"] for m in view] == [False, True, False]
        async with http.post(f"{base}/users/{user_id}/text", json={}) as r:
            assert r.status == 400
        async with http.get(f"{base}/calls", params={"method": "sendMessage"}) as r:
            assert (await r.json())[0]["args"]["chat_id"] == user_id
        async with http.get(f"{base}/state") as r:
            state = await r.json()
            assert state["users"][0]["username"] == "webby"
            assert state["version"] > 0
        async with http.get(f"{base}/changes", params={"since": "0", "timeout": "1"}) as r:
            assert (await r.json())["version"] == state["version"]
        async with http.post(f"{base}/faults", json={"method": "getMe", "kind": "500"}) as r:
            assert r.status == 201
        assert len(emu.faults.rules) == 1
        async with http.delete(f"{base}/faults") as r:
            assert r.status == 200
            assert emu.faults.rules == []
        async with http.post(
            f"{base}/rate_limits", json={"enabled": True, "per_chat_burst": 2}
        ) as r:
            assert r.status == 200
            assert emu.rate_limits.enabled
            assert emu.rate_limits.per_chat_burst == 2
